// Proxy exotic objects (ECMA-262 §10.5): the internal methods, each with
// every invariant check of the spec. See engine/proxy.h.
#include "engine/proxy.h"

#include <string>
#include <unordered_set>

#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// Counts a proxy internal method against the native depth limit: a chain
// of proxies forwards to its targets by C++ recursion.
class DepthGuard {
 public:
  explicit DepthGuard(VM& vm) : vm_(vm), ok_(vm.nativeDepth < VM::kMaxNativeDepth) {
    if (ok_) vm_.nativeDepth++;
    else vm_.throwRangeError("Maximum call stack size exceeded");
  }
  ~DepthGuard() {
    if (ok_) vm_.nativeDepth--;
  }
  bool ok() const { return ok_; }

 private:
  VM& vm_;
  bool ok_;
};

// The handler, target and trap of one internal method call, rooted.
struct Trap {
  explicit Trap(VM& vm) : guard(vm), handler(vm.heap()), target(vm.heap()), fn(vm.heap()) {}
  DepthGuard guard;
  Root handler, target, fn;
};

Status throwStatus(VM& vm, const std::string& message) {
  vm.throwTypeError(message);
  return Status::Exception;
}

// Steps 1-5 of every internal method: validate that the proxy is not
// revoked, then GetMethod(handler, name). True: the trap is in t.fn; False:
// no trap, forward to t.target; Exception.
Status lookupTrap(VM& vm, Value proxy, Atom name, Trap& t) {
  if (!t.guard.ok()) return Status::Exception;
  auto* p = vm.cell<ProxyCell>(proxy);
  if (p->handler.isNull()) {
    return throwStatus(vm, "Cannot perform '" + toUtf8(vm, vm.atom(name)) + "' on a proxy that has been revoked");
  }
  t.handler.set(p->handler);
  t.target.set(p->target);
  Value fn = get(vm, t.handler, vm.atom(name));
  if (fn.isException()) return Status::Exception;
  if (fn.isNullish()) return Status::False;
  if (!isCallable(vm, fn)) {
    return throwStatus(vm, "'" + toUtf8(vm, vm.atom(name)) + "' on proxy: trap is not a function");
  }
  t.fn.set(fn);
  return Status::True;
}

Value callTrap(VM& vm, Trap& t, std::span<const Value> args) { return call(vm, t.fn, t.handler, args); }

Status trapBoolean(VM& vm, Trap& t, std::span<const Value> args) {
  Value r = callTrap(vm, t, args);
  if (r.isException()) return Status::Exception;
  return toStatus(toBoolean(vm, r));
}

std::string keyName(VM& vm, Value key) {
  if (key.isSymbol()) return describe(vm, key);
  Value v = keyToValue(vm, key);
  return v.isString() ? toUtf8(vm, v) : std::string("?");
}

// §6.2.6.6 CompletePropertyDescriptor ( Desc )
void completePropertyDescriptor(PropertyDescriptor& d) {
  if (!d.isAccessor()) {
    if (!d.hasValue) d.hasValue = true;  // value stays undefined
    if (!d.hasWritable) { d.hasWritable = true; d.writable = false; }
  } else {
    d.hasGet = d.hasSet = true;  // absent getter/setter stay undefined
  }
  if (!d.hasEnumerable) { d.hasEnumerable = true; d.enumerable = false; }
  if (!d.hasConfigurable) { d.hasConfigurable = true; d.configurable = false; }
}

}  // namespace

// ---- creation ----------------------------------------------------------------------

Value proxyCreate(VM& vm, Value target, Value handler) {
  if (!target.isObject() || !handler.isObject())
    return vm.throwTypeError("Cannot create proxy with a non-object as target or handler");
  Root t(vm.heap(), target), h(vm.heap(), handler);
  Value p = KILN_TRY(newObjectOfKind(vm, CellKind::Proxy, sizeof(ProxyCell), Value::null()));
  auto* c = vm.cell<ProxyCell>(p);
  c->target = t.get();
  c->handler = h.get();
  uint8_t targetFlags = vm.cell<ObjectCell>(t.get())->flags;
  c->flags |= targetFlags & (ObjectCell::kIsCallable | ObjectCell::kIsConstructor);
  return p;
}

// ---- non-property internal methods ---------------------------------------------------

// §10.5.1 [[GetPrototypeOf]] ( )
Value proxyGetPrototypeOf(VM& vm, Value proxy) {
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::getPrototypeOf, t);
  if (s == Status::Exception) return Value::exception();
  if (s == Status::False) return getPrototypeOf(vm, t.target);
  Value args[1] = {t.target.get()};
  Root handlerProto(vm.heap(), KILN_TRY(callTrap(vm, t, args)));
  if (!handlerProto.get().isObject() && !handlerProto.get().isNull())
    return vm.throwTypeError("'getPrototypeOf' on proxy: trap returned neither object nor null");
  if (KILN_TRY_STATUS(isExtensible(vm, t.target))) return handlerProto.get();
  Value targetProto = KILN_TRY(getPrototypeOf(vm, t.target));
  if (targetProto != handlerProto.get())
    return vm.throwTypeError("'getPrototypeOf' on proxy: proxy target is non-extensible but the trap did not return its actual prototype");
  return handlerProto.get();
}

// §10.5.2 [[SetPrototypeOf]] ( V )
Status proxySetPrototypeOf(VM& vm, Value proxy, Value proto) {
  Root v(vm.heap(), proto);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::setPrototypeOf, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return setPrototypeOf(vm, t.target, v);
  Value args[2] = {t.target.get(), v.get()};
  s = trapBoolean(vm, t, args);
  if (s != Status::True) return s;
  Status ext = isExtensible(vm, t.target);
  if (ext != Status::False) return ext;
  Value targetProto = getPrototypeOf(vm, t.target);
  if (targetProto.isException()) return Status::Exception;
  if (targetProto != v.get())
    return throwStatus(vm, "'setPrototypeOf' on proxy: trap returned truish for setting a new prototype on the non-extensible proxy target");
  return Status::True;
}

// §10.5.3 [[IsExtensible]] ( )
Status proxyIsExtensible(VM& vm, Value proxy) {
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::isExtensible, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return isExtensible(vm, t.target);
  Value args[1] = {t.target.get()};
  Status result = trapBoolean(vm, t, args);
  if (result == Status::Exception) return result;
  Status targetResult = isExtensible(vm, t.target);
  if (targetResult == Status::Exception) return targetResult;
  if (result != targetResult)
    return throwStatus(vm, std::string("'isExtensible' on proxy: trap result does not reflect extensibility of proxy target (which is '") +
                               (targetResult == Status::True ? "true" : "false") + "')");
  return result;
}

// §10.5.4 [[PreventExtensions]] ( )
Status proxyPreventExtensions(VM& vm, Value proxy) {
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::preventExtensions, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return preventExtensions(vm, t.target);
  Value args[1] = {t.target.get()};
  Status result = trapBoolean(vm, t, args);
  if (result != Status::True) return result;
  Status ext = isExtensible(vm, t.target);
  if (ext == Status::Exception) return ext;
  if (ext == Status::True)
    return throwStatus(vm, "'preventExtensions' on proxy: trap returned truish but the proxy target is extensible");
  return Status::True;
}

// ---- property internal methods -----------------------------------------------------------

namespace {

// §10.5.5 [[GetOwnProperty]] ( P )
Status proxyGetOwnProperty(VM& vm, Value proxy, Value key, PropertyDescriptor* out) {
  Root k(vm.heap(), key);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::getOwnPropertyDescriptor, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return getOwnProperty(vm, t.target, k, out);
  Value keyValue = keyToValue(vm, k);
  if (keyValue.isException()) return Status::Exception;
  Value args[2] = {t.target.get(), keyValue};
  Value trapResult = callTrap(vm, t, args);
  if (trapResult.isException()) return Status::Exception;
  if (!trapResult.isObject() && !trapResult.isUndefined())
    return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap returned neither object nor undefined for property '" +
                               keyName(vm, k) + "'");
  Root resultObj(vm.heap(), trapResult);
  RootedDescriptor targetDesc(vm.heap());
  Status hasTarget = getOwnProperty(vm, t.target, k, targetDesc.get());
  if (hasTarget == Status::Exception) return hasTarget;
  targetDesc.sync();
  if (resultObj.get().isUndefined()) {
    if (hasTarget == Status::False) return Status::False;
    if (!targetDesc->configurable)
      return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap returned undefined for property '" +
                                 keyName(vm, k) + "' which is non-configurable in the proxy target");
    Status ext = isExtensible(vm, t.target);
    if (ext == Status::Exception) return ext;
    if (ext == Status::False)
      return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap returned undefined for property '" +
                                 keyName(vm, k) + "' which exists in the non-extensible proxy target");
    return Status::False;
  }
  Status ext = isExtensible(vm, t.target);
  if (ext == Status::Exception) return ext;
  RootedDescriptor resultDesc(vm.heap());
  if (toPropertyDescriptor(vm, resultObj, resultDesc.get()) == Status::Exception) return Status::Exception;
  resultDesc.sync();
  completePropertyDescriptor(*resultDesc.get());
  if (!isCompatiblePropertyDescriptor(vm, ext == Status::True, *resultDesc.get(),
                                      hasTarget == Status::True ? targetDesc.get() : nullptr))
    return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap returned descriptor for property '" + keyName(vm, k) +
                               "' that is incompatible with the existing property in the proxy target");
  if (!resultDesc->configurable) {
    if (hasTarget == Status::False || targetDesc->configurable)
      return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap reported non-configurability for property '" +
                                 keyName(vm, k) + "' which is either non-existent or configurable in the proxy target");
    if (resultDesc->hasWritable && !resultDesc->writable && targetDesc->writable)
      return throwStatus(vm, "'getOwnPropertyDescriptor' on proxy: trap reported non-configurable and writable for property '" +
                                 keyName(vm, k) + "' which is non-configurable, non-writable in the proxy target");
  }
  *out = *resultDesc.get();
  return Status::True;
}

// §10.5.6 [[DefineOwnProperty]] ( P, Desc )
Status proxyDefineOwnProperty(VM& vm, Value proxy, Value key, const PropertyDescriptor& descIn) {
  Root k(vm.heap(), key);
  RootedDescriptor desc(vm.heap());
  *desc.get() = descIn;
  desc.sync();
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::defineProperty, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return defineOwnProperty(vm, t.target, k, *desc);
  Value descObj = fromPropertyDescriptor(vm, *desc);
  if (descObj.isException()) return Status::Exception;
  Root descObjRoot(vm.heap(), descObj);
  Value keyValue = keyToValue(vm, k);
  if (keyValue.isException()) return Status::Exception;
  Value args[3] = {t.target.get(), keyValue, descObj};
  s = trapBoolean(vm, t, args);
  if (s != Status::True) return s;
  RootedDescriptor targetDesc(vm.heap());
  Status hasTarget = getOwnProperty(vm, t.target, k, targetDesc.get());
  if (hasTarget == Status::Exception) return hasTarget;
  targetDesc.sync();
  Status ext = isExtensible(vm, t.target);
  if (ext == Status::Exception) return ext;
  bool settingConfigFalse = desc->hasConfigurable && !desc->configurable;
  if (hasTarget == Status::False) {
    if (ext == Status::False)
      return throwStatus(vm, "'defineProperty' on proxy: trap returned truish for adding property '" + keyName(vm, k) +
                                 "'  to the non-extensible proxy target");
    if (settingConfigFalse)
      return throwStatus(vm, "'defineProperty' on proxy: trap returned truish for defining non-configurable property '" +
                                 keyName(vm, k) + "' which is either non-existent or configurable in the proxy target");
    return Status::True;
  }
  if (!isCompatiblePropertyDescriptor(vm, ext == Status::True, *desc.get(), targetDesc.get()))
    return throwStatus(vm, "'defineProperty' on proxy: trap returned truish for adding property '" + keyName(vm, k) +
                               "'  that is incompatible with the existing property in the proxy target");
  if (settingConfigFalse && targetDesc->configurable)
    return throwStatus(vm, "'defineProperty' on proxy: trap returned truish for defining non-configurable property '" +
                               keyName(vm, k) + "' which is either non-existent or configurable in the proxy target");
  if (targetDesc->isData() && !targetDesc->configurable && targetDesc->writable && desc->hasWritable && !desc->writable)
    return throwStatus(vm, "'defineProperty' on proxy: trap returned truish for defining non-configurable property '" +
                               keyName(vm, k) + "' which cannot be non-writable, unless there exists a corresponding non-configurable, non-writable own property of the target object.");
  return Status::True;
}

// §10.5.7 [[HasProperty]] ( P )
Status proxyHasProperty(VM& vm, Value proxy, Value key) {
  Root k(vm.heap(), key);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::has, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return hasProperty(vm, t.target, k);
  Value keyValue = keyToValue(vm, k);
  if (keyValue.isException()) return Status::Exception;
  Value args[2] = {t.target.get(), keyValue};
  Status result = trapBoolean(vm, t, args);
  if (result != Status::False) return result;
  PropertyDescriptor targetDesc;
  Status hasTarget = getOwnProperty(vm, t.target, k, &targetDesc);
  if (hasTarget == Status::Exception) return hasTarget;
  if (hasTarget == Status::True) {
    if (!targetDesc.configurable)
      return throwStatus(vm, "'has' on proxy: trap returned falsish for property '" + keyName(vm, k) +
                                 "' which exists in the proxy target as non-configurable");
    Status ext = isExtensible(vm, t.target);
    if (ext == Status::Exception) return ext;
    if (ext == Status::False)
      return throwStatus(vm, "'has' on proxy: trap returned falsish for property '" + keyName(vm, k) +
                                 "' but the proxy target is not extensible");
  }
  return Status::False;
}

// §10.5.8 [[Get]] ( P, Receiver )
Value proxyGet(VM& vm, Value proxy, Value key, Value receiver) {
  Root k(vm.heap(), key), r(vm.heap(), receiver);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::get, t);
  if (s == Status::Exception) return Value::exception();
  if (s == Status::False) return get(vm, t.target, k, r);
  Value keyValue = KILN_TRY(keyToValue(vm, k));
  Value args[3] = {t.target.get(), keyValue, r.get()};
  Root trapResult(vm.heap(), KILN_TRY(callTrap(vm, t, args)));
  RootedDescriptor targetDesc(vm.heap());
  Status hasTarget = getOwnProperty(vm, t.target, k, targetDesc.get());
  if (hasTarget == Status::Exception) return Value::exception();
  if (hasTarget == Status::True && !targetDesc->configurable) {
    if (targetDesc->isData() && !targetDesc->writable && !sameValue(vm, trapResult, targetDesc->value))
      return vm.throwTypeError("'get' on proxy: property '" + keyName(vm, k) +
                               "' is a read-only and non-configurable data property on the proxy target but the proxy did not return its actual value");
    if (targetDesc->isAccessor() && targetDesc->getter.isUndefined() && !trapResult.get().isUndefined())
      return vm.throwTypeError("'get' on proxy: property '" + keyName(vm, k) +
                               "' is a non-configurable accessor property on the proxy target and does not have a getter function, but the trap did not return 'undefined'");
  }
  return trapResult.get();
}

// §10.5.9 [[Set]] ( P, V, Receiver )
Status proxySet(VM& vm, Value proxy, Value key, Value v, Value receiver) {
  Root k(vm.heap(), key), val(vm.heap(), v), r(vm.heap(), receiver);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::set, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return set(vm, t.target, k, val, r);
  Value keyValue = keyToValue(vm, k);
  if (keyValue.isException()) return Status::Exception;
  Value args[4] = {t.target.get(), keyValue, val.get(), r.get()};
  s = trapBoolean(vm, t, args);
  if (s != Status::True) return s;
  RootedDescriptor targetDesc(vm.heap());
  Status hasTarget = getOwnProperty(vm, t.target, k, targetDesc.get());
  if (hasTarget == Status::Exception) return hasTarget;
  if (hasTarget == Status::True && !targetDesc->configurable) {
    if (targetDesc->isData() && !targetDesc->writable && !sameValue(vm, val, targetDesc->value))
      return throwStatus(vm, "'set' on proxy: trap returned truish for property '" + keyName(vm, k) +
                                 "' which exists in the proxy target as a non-configurable and non-writable data property with a different value");
    if (targetDesc->isAccessor() && targetDesc->setter.isUndefined())
      return throwStatus(vm, "'set' on proxy: trap returned truish for property '" + keyName(vm, k) +
                                 "' which exists in the proxy target as a non-configurable and non-writable accessor property without a setter");
  }
  return Status::True;
}

// §10.5.10 [[Delete]] ( P )
Status proxyDelete(VM& vm, Value proxy, Value key) {
  Root k(vm.heap(), key);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::deleteProperty, t);
  if (s == Status::Exception) return s;
  if (s == Status::False) return deleteProperty(vm, t.target, k);
  Value keyValue = keyToValue(vm, k);
  if (keyValue.isException()) return Status::Exception;
  Value args[2] = {t.target.get(), keyValue};
  s = trapBoolean(vm, t, args);
  if (s != Status::True) return s;
  PropertyDescriptor targetDesc;
  Status hasTarget = getOwnProperty(vm, t.target, k, &targetDesc);
  if (hasTarget != Status::True) return hasTarget == Status::Exception ? hasTarget : Status::True;
  if (!targetDesc.configurable)
    return throwStatus(vm, "'deleteProperty' on proxy: trap returned truish for property '" + keyName(vm, k) +
                               "' which is non-configurable in the proxy target");
  Status ext = isExtensible(vm, t.target);
  if (ext == Status::Exception) return ext;
  if (ext == Status::False)
    return throwStatus(vm, "'deleteProperty' on proxy: trap returned truish for property '" + keyName(vm, k) +
                               "' but the proxy target is non-extensible");
  return Status::True;
}

// §10.5.11 [[OwnPropertyKeys]] ( )
Ref proxyOwnPropertyKeys(VM& vm, Value proxy) {
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::ownKeys, t);
  if (s == Status::Exception) return 0;
  if (s == Status::False) return ownPropertyKeys(vm, t.target);
  Value args[1] = {t.target.get()};
  Value trapResultArray = callTrap(vm, t, args);
  if (trapResultArray.isException()) return 0;
  // CreateListFromArrayLike(trapResultArray, property-key).
  if (!trapResultArray.isObject()) {
    vm.throwTypeError("CreateListFromArrayLike called on non-object");
    return 0;
  }
  Value listV = createListFromArrayLike(vm, trapResultArray);
  if (listV.isException()) return 0;
  RootRef list(vm.heap(), listV.ref());
  uint32_t n = vm.cell<ValueArrayCell>(list.get())->length;
  // Keys become canonical property keys (atoms, index numbers, symbols), so
  // equal keys have equal bits.
  std::unordered_set<uint64_t> seen;
  for (uint32_t i = 0; i < n; i++) {
    Value e = vm.cell<ValueArrayCell>(list.get())->data()[i];
    if (!e.isString() && !e.isSymbol()) {
      vm.throwTypeError(describe(vm, e) + " is not a valid property name");
      return 0;
    }
    if (e.isString()) {
      e = keyFromString(vm, e);
      if (e.isException()) return 0;
      vm.cell<ValueArrayCell>(list.get())->data()[i] = e;
    }
    if (!seen.insert(e.bits()).second) {
      vm.throwTypeError("'ownKeys' on proxy: trap returned duplicate entries");
      return 0;
    }
  }
  Status ext = isExtensible(vm, t.target);
  if (ext == Status::Exception) return 0;
  RootRef targetKeys(vm.heap(), ownPropertyKeys(vm, t.target));
  if (!targetKeys.get()) return 0;
  uint32_t tn = vm.cell<ValueArrayCell>(targetKeys.get())->length;
  std::vector<uint64_t> configurable, nonconfigurable;
  for (uint32_t i = 0; i < tn; i++) {
    Value key = vm.cell<ValueArrayCell>(targetKeys.get())->data()[i];
    PropertyDescriptor d;
    Status has = getOwnProperty(vm, t.target, key, &d);
    if (has == Status::Exception) return 0;
    if (has == Status::True && !d.configurable) nonconfigurable.push_back(key.bits());
    else configurable.push_back(key.bits());
  }
  if (ext == Status::True && nonconfigurable.empty()) return list.get();
  // uncheckedResultKeys: `seen` still holds exactly the trap's keys.
  for (uint64_t key : nonconfigurable) {
    if (!seen.erase(key)) {
      vm.throwTypeError("'ownKeys' on proxy: trap result did not include '" + keyName(vm, Value::fromBits(key)) +
                        "' which is non-configurable in the proxy target");
      return 0;
    }
  }
  if (ext == Status::True) return list.get();
  for (uint64_t key : configurable) {
    if (!seen.erase(key)) {
      vm.throwTypeError("'ownKeys' on proxy: trap result did not include '" + keyName(vm, Value::fromBits(key)) +
                        "' which exists in the non-extensible proxy target");
      return 0;
    }
  }
  if (!seen.empty()) {
    vm.throwTypeError("'ownKeys' on proxy: trap returned extra keys but proxy target is non-extensible");
    return 0;
  }
  return list.get();
}

}  // namespace

const ExoticOps kProxyOps = {
    proxyGetOwnProperty, proxyDefineOwnProperty, proxyHasProperty, proxyGet, proxySet, proxyDelete, proxyOwnPropertyKeys,
};

// ---- [[Call]] and [[Construct]] ------------------------------------------------------------

// §10.5.12 [[Call]] ( thisArgument, argumentsList )
Value proxyCall(VM& vm, Value proxy, Value thisValue, std::span<const Value> args) {
  Root thisArg(vm.heap(), thisValue);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::apply, t);
  if (s == Status::Exception) return Value::exception();
  if (s == Status::False) return call(vm, t.target, thisArg, args);
  Value argArray = KILN_TRY(newArrayFrom(vm, args));
  Value trapArgs[3] = {t.target.get(), thisArg.get(), argArray};
  return callTrap(vm, t, trapArgs);
}

// §10.5.13 [[Construct]] ( argumentsList, newTarget )
Value proxyConstruct(VM& vm, Value proxy, std::span<const Value> args, Value newTarget) {
  Root nt(vm.heap(), newTarget);
  Trap t(vm);
  Status s = lookupTrap(vm, proxy, Atom::construct, t);
  if (s == Status::Exception) return Value::exception();
  if (s == Status::False) return construct(vm, t.target, args, nt);
  Value argArray = KILN_TRY(newArrayFrom(vm, args));
  Value trapArgs[3] = {t.target.get(), argArray, nt.get()};
  Value newObj = KILN_TRY(callTrap(vm, t, trapArgs));
  if (!newObj.isObject()) return vm.throwTypeError("proxy [[Construct]] must return an object");
  return newObj;
}

}  // namespace kiln
