// The Object constructor and Object.prototype (ECMA-262 §20.1), with the
// Annex B accessor methods (§B.2.2). Boolean lives in boolean.cpp.
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

namespace {

Value throwNotObjectOrNull(VM& vm, Value proto) {
  return vm.throwTypeError("Object prototype may only be an Object or null: " + describe(vm, proto));
}

enum class KeyKind : uint8_t { Key, Value, KeyValue };

// §7.3.23 EnumerableOwnProperties(O, kind), O already an object.
Value enumerableOwnProperties(VM& vm, Value o, KeyKind kind) {
  Root obj(vm.heap(), o);
  RootRef keys(vm.heap(), ownPropertyKeys(vm, o));
  if (!keys.get()) return Value::exception();
  Root result(vm.heap(), KILN_TRY(newArray(vm, 0)));
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  for (uint32_t i = 0; i < n; i++) {
    Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
    if (key.get().isSymbol()) continue;
    PropertyDescriptor desc;
    Status s = getOwnProperty(vm, obj, key, &desc);
    if (s == Status::Exception) return Value::exception();
    if (s == Status::False || !desc.enumerable) continue;
    Value item;
    if (kind == KeyKind::Key) {
      item = KILN_TRY(keyToValue(vm, key));
    } else {
      Root value(vm.heap(), KILN_TRY(get(vm, obj, key)));
      if (kind == KeyKind::Value) {
        item = value.get();
      } else {
        Root keyString(vm.heap(), KILN_TRY(keyToValue(vm, key)));
        Value pair[2] = {keyString.get(), value.get()};
        item = KILN_TRY(newArrayFrom(vm, pair));
      }
    }
    if (arrayPush(vm, result, item) == Status::Exception) return Value::exception();
  }
  return result.get();
}

// §20.1.2.11.1 GetOwnPropertyKeys(O, type)
Value getOwnPropertyKeys(VM& vm, Value o, bool symbols) {
  Value obj = KILN_TRY(toObject(vm, o));
  RootRef keys(vm.heap(), ownPropertyKeys(vm, obj));
  if (!keys.get()) return Value::exception();
  Root result(vm.heap(), KILN_TRY(newArray(vm, 0)));
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  for (uint32_t i = 0; i < n; i++) {
    Value key = vm.cell<ValueArrayCell>(keys.get())->data()[i];
    if (key.isSymbol() != symbols) continue;
    Value item = KILN_TRY(keyToValue(vm, key));
    if (arrayPush(vm, result, item) == Status::Exception) return Value::exception();
  }
  return result.get();
}

// §20.1.2.3.1 ObjectDefineProperties(O, Properties)
Value objectDefineProperties(VM& vm, Value o, Value properties) {
  Root obj(vm.heap(), o);
  Root props(vm.heap(), KILN_TRY(toObject(vm, properties)));
  RootRef keys(vm.heap(), ownPropertyKeys(vm, props));
  if (!keys.get()) return Value::exception();
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  // Every descriptor is read before any is applied: keep them as
  // (key, value, getter, setter) in a rooted array, the flags on the side.
  RootRef saved(vm.heap(), newValueArray(vm, n * 4, n * 4));
  if (!saved.get()) return Value::exception();
  std::vector<PropertyDescriptor> flags;
  flags.reserve(n);
  for (uint32_t i = 0; i < n; i++) {
    Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
    PropertyDescriptor propDesc;
    Status s = getOwnProperty(vm, props, key, &propDesc);
    if (s == Status::Exception) return Value::exception();
    if (s == Status::False || !propDesc.enumerable) continue;
    Value descObj = KILN_TRY(get(vm, props, key));
    RootedDescriptor desc(vm.heap());
    if (toPropertyDescriptor(vm, descObj, desc.get()) == Status::Exception) return Value::exception();
    Value* d = vm.cell<ValueArrayCell>(saved.get())->data() + flags.size() * 4;
    d[0] = key.get();
    d[1] = desc->value;
    d[2] = desc->getter;
    d[3] = desc->setter;
    flags.push_back(*desc.get());
  }
  for (size_t i = 0; i < flags.size(); i++) {
    const Value* d = vm.cell<ValueArrayCell>(saved.get())->data() + i * 4;
    PropertyDescriptor desc = flags[i];
    desc.value = d[1];
    desc.getter = d[2];
    desc.setter = d[3];
    if (definePropertyOrThrow(vm, obj, d[0], desc) == Status::Exception) return Value::exception();
  }
  return obj.get();
}

// The [[Prototype]] change failed: V8's wording for the usual reasons.
Value throwSetPrototypeFailed(VM& vm, Value o) {
  if (o == vm.intrinsic(Intrinsic::ObjectPrototype))
    return vm.throwTypeError("Immutable prototype object 'Object.prototype' cannot have their prototype set");
  Status ext = isExtensible(vm, o);
  if (ext == Status::Exception) return Value::exception();
  if (ext == Status::False) return vm.throwTypeError("#<Object> is not extensible");
  return vm.throwTypeError("Cyclic __proto__ value");
}

// The builtinTag of Object.prototype.toString (§20.1.3.6 steps 5-14).
const char* builtinTag(VM& vm, Value o, bool isArr) {
  if (isArr) return "Array";
  ObjectCell* c = vm.cell<ObjectCell>(o);
  switch (c->kind) {
    case CellKind::Arguments: return "Arguments";
    case CellKind::Error: return "Error";
    case CellKind::Date: return "Date";
    case CellKind::RegExp: return "RegExp";
    case CellKind::Primitive: {
      Value p = static_cast<InternalObjectCell*>(c)->internal[0];
      if (p.isBool()) return "Boolean";
      if (p.isNumber()) return "Number";
      if (p.isString()) return "String";
      break;
    }
    default: break;
  }
  if (c->flags & ObjectCell::kIsCallable) return "Function";
  return "Object";
}

}  // namespace

// ---- the Object constructor -------------------------------------------------------------

// §20.1.1.1 Object ( [ value ] )
Value native_Object(VM& vm, CallInfo& info) {
  if (!info.newTarget.isUndefined() && info.newTarget != info.callee)
    return ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::ObjectPrototype);
  Value value = info.arg(0);
  if (value.isNullish()) return newObject(vm);
  return toObject(vm, value);
}

// §20.1.2.1 Object.assign ( target, ...sources )
Value native_ObjectAssign(VM& vm, CallInfo& info) {
  Root to(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  for (uint32_t s = 1; s < info.argc; s++) {
    Value source = info.argv[s];
    if (source.isNullish()) continue;
    Root from(vm.heap(), KILN_TRY(toObject(vm, source)));
    RootRef keys(vm.heap(), ownPropertyKeys(vm, from));
    if (!keys.get()) return Value::exception();
    uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
    for (uint32_t i = 0; i < n; i++) {
      Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
      PropertyDescriptor desc;
      Status st = getOwnProperty(vm, from, key, &desc);
      if (st == Status::Exception) return Value::exception();
      if (st == Status::False || !desc.enumerable) continue;
      Value v = KILN_TRY(get(vm, from, key));
      KILN_TRY_STATUS(setOrThrow(vm, to, key, v));
    }
  }
  return to.get();
}

// §20.1.2.2 Object.create ( O, Properties )
Value native_ObjectCreate(VM& vm, CallInfo& info) {
  Value proto = info.arg(0);
  if (!proto.isObject() && !proto.isNull()) return throwNotObjectOrNull(vm, proto);
  Root properties(vm.heap(), info.arg(1));
  Value obj = KILN_TRY(newObject(vm, proto));
  if (properties.get().isUndefined()) return obj;
  return objectDefineProperties(vm, obj, properties);
}

// §20.1.2.3 Object.defineProperties ( O, Properties )
Value native_ObjectDefineProperties(VM& vm, CallInfo& info) {
  if (!info.arg(0).isObject()) return vm.throwTypeError("Object.defineProperties called on non-object");
  return objectDefineProperties(vm, info.arg(0), info.arg(1));
}

// §20.1.2.4 Object.defineProperty ( O, P, Attributes )
Value native_ObjectDefineProperty(VM& vm, CallInfo& info) {
  Root o(vm.heap(), info.arg(0));
  if (!o.get().isObject()) return vm.throwTypeError("Object.defineProperty called on non-object");
  Root attributes(vm.heap(), info.arg(2));
  Root key(vm.heap(), KILN_TRY(toPropertyKey(vm, info.arg(1))));
  RootedDescriptor desc(vm.heap());
  KILN_TRY_STATUS(toPropertyDescriptor(vm, attributes, desc.get()));
  KILN_TRY_STATUS(definePropertyOrThrow(vm, o, key, *desc));
  return o.get();
}

// §20.1.2.5 Object.entries ( O )
Value native_ObjectEntries(VM& vm, CallInfo& info) {
  Value obj = KILN_TRY(toObject(vm, info.arg(0)));
  return enumerableOwnProperties(vm, obj, KeyKind::KeyValue);
}

// §20.1.2.6 Object.freeze ( O )
Value native_ObjectFreeze(VM& vm, CallInfo& info) {
  Value o = info.arg(0);
  if (!o.isObject()) return o;
  Root r(vm.heap(), o);
  if (!KILN_TRY_STATUS(setIntegrityLevel(vm, o, true))) return vm.throwTypeError("Cannot freeze");
  return r.get();
}

// §20.1.2.7 Object.fromEntries ( iterable )
Value native_ObjectFromEntries(VM& vm, CallInfo& info) {
  Root iterable(vm.heap(), info.arg(0));
  if (iterable.get().isNullish())
    return vm.throwTypeError(describe(vm, iterable.get()) + " is not iterable");
  Root obj(vm.heap(), KILN_TRY(newObject(vm)));
  // §24.1.1.2 AddEntriesFromIterable(target, iterable, adder)
  IteratorRecord record(vm.heap());
  KILN_TRY_STATUS(getIterator(vm, iterable, &record));
  while (true) {
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) return obj.get();
    if (!next.isObject()) {
      vm.throwTypeError("Iterator value " + describe(vm, next) + " is not an entry object");
      return iteratorCloseOnThrow(vm, record);
    }
    Root entry(vm.heap(), next);
    Value k = get(vm, entry, keyFromIndex(0));
    if (k.isException()) return iteratorCloseOnThrow(vm, record);
    Root kr(vm.heap(), k);
    Value v = get(vm, entry, keyFromIndex(1));
    if (v.isException()) return iteratorCloseOnThrow(vm, record);
    Root vr(vm.heap(), v);
    Value key = toPropertyKey(vm, kr);
    if (key.isException()) return iteratorCloseOnThrow(vm, record);
    if (createDataPropertyOrThrow(vm, obj, key, vr) == Status::Exception) return iteratorCloseOnThrow(vm, record);
  }
}

// §20.1.2.8 Object.getOwnPropertyDescriptor ( O, P )
Value native_ObjectGetOwnPropertyDescriptor(VM& vm, CallInfo& info) {
  Root p(vm.heap(), info.arg(1));
  Root obj(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  Value key = KILN_TRY(toPropertyKey(vm, p));
  RootedDescriptor desc(vm.heap());
  if (!KILN_TRY_STATUS(getOwnProperty(vm, obj, key, desc.get()))) return Value::undefined();
  return fromPropertyDescriptor(vm, *desc);
}

// §20.1.2.9 Object.getOwnPropertyDescriptors ( O )
Value native_ObjectGetOwnPropertyDescriptors(VM& vm, CallInfo& info) {
  Root obj(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  RootRef keys(vm.heap(), ownPropertyKeys(vm, obj));
  if (!keys.get()) return Value::exception();
  Root descriptors(vm.heap(), KILN_TRY(newObject(vm)));
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  for (uint32_t i = 0; i < n; i++) {
    Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
    RootedDescriptor desc(vm.heap());
    if (!KILN_TRY_STATUS(getOwnProperty(vm, obj, key, desc.get()))) continue;
    Value d = KILN_TRY(fromPropertyDescriptor(vm, *desc));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, descriptors, key, d));
  }
  return descriptors.get();
}

// §20.1.2.10 Object.getOwnPropertyNames ( O )
Value native_ObjectGetOwnPropertyNames(VM& vm, CallInfo& info) { return getOwnPropertyKeys(vm, info.arg(0), false); }

// §20.1.2.11 Object.getOwnPropertySymbols ( O )
Value native_ObjectGetOwnPropertySymbols(VM& vm, CallInfo& info) { return getOwnPropertyKeys(vm, info.arg(0), true); }

// §20.1.2.12 Object.getPrototypeOf ( O )
Value native_ObjectGetPrototypeOf(VM& vm, CallInfo& info) {
  Value obj = KILN_TRY(toObject(vm, info.arg(0)));
  return getPrototypeOf(vm, obj);
}

// §20.1.2.13 Object.groupBy ( items, callback )
Value native_ObjectGroupBy(VM& vm, CallInfo& info) {
  // §7.3.35 GroupBy(items, callback, property). The groups are collected
  // straight into the null-prototype result: defining its properties is not
  // observable, and key order is the same as the spec's list of groups.
  Root items(vm.heap(), info.arg(0)), callback(vm.heap(), info.arg(1));
  if (items.get().isNullish()) return vm.throwTypeError("Object.groupBy called on null or undefined");
  if (!isCallable(vm, callback)) return vm.throwTypeError(describe(vm, callback) + " is not a function");
  Root groups(vm.heap(), KILN_TRY(newObject(vm, Value::null())));
  IteratorRecord record(vm.heap());
  KILN_TRY_STATUS(getIterator(vm, items, &record));
  for (double k = 0;; k++) {
    if (k >= 9007199254740991.0) {
      vm.throwTypeError("Too many elements passed to Object.groupBy");
      return iteratorCloseOnThrow(vm, record);
    }
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) break;
    Root value(vm.heap(), next);
    Value args[2] = {next, Value::number(k)};
    Value key = call(vm, callback, Value::undefined(), args);
    if (key.isException()) return iteratorCloseOnThrow(vm, record);
    key = toPropertyKey(vm, key);
    if (key.isException()) return iteratorCloseOnThrow(vm, record);
    Root keyRoot(vm.heap(), key);
    PropertyDescriptor existing;
    Status s = ordinaryGetOwnProperty(vm, groups, key, &existing);
    if (s == Status::Exception) return iteratorCloseOnThrow(vm, record);
    Value group = existing.value;
    if (s == Status::False) {
      group = newArray(vm, 0);
      if (group.isException()) return iteratorCloseOnThrow(vm, record);
      Root g(vm.heap(), group);
      if (createDataPropertyOrThrow(vm, groups, keyRoot, g) == Status::Exception)
        return iteratorCloseOnThrow(vm, record);
      group = g.get();
    }
    if (arrayPush(vm, group, value) == Status::Exception) return iteratorCloseOnThrow(vm, record);
  }
  return groups.get();
}

// §20.1.2.14 Object.hasOwn ( O, P )
Value native_ObjectHasOwn(VM& vm, CallInfo& info) {
  Root p(vm.heap(), info.arg(1));
  Root obj(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  Value key = KILN_TRY(toPropertyKey(vm, p));
  return Value::boolean(KILN_TRY_STATUS(hasOwnProperty(vm, obj, key)));
}

// §20.1.2.15 Object.is ( value1, value2 )
Value native_ObjectIs(VM& vm, CallInfo& info) { return Value::boolean(sameValue(vm, info.arg(0), info.arg(1))); }

// §20.1.2.16 Object.isExtensible ( O )
Value native_ObjectIsExtensible(VM& vm, CallInfo& info) {
  if (!info.arg(0).isObject()) return Value::boolean(false);
  return Value::boolean(KILN_TRY_STATUS(isExtensible(vm, info.arg(0))));
}

// §20.1.2.17 Object.isFrozen ( O )
Value native_ObjectIsFrozen(VM& vm, CallInfo& info) {
  if (!info.arg(0).isObject()) return Value::boolean(true);
  return Value::boolean(KILN_TRY_STATUS(testIntegrityLevel(vm, info.arg(0), true)));
}

// §20.1.2.18 Object.isSealed ( O )
Value native_ObjectIsSealed(VM& vm, CallInfo& info) {
  if (!info.arg(0).isObject()) return Value::boolean(true);
  return Value::boolean(KILN_TRY_STATUS(testIntegrityLevel(vm, info.arg(0), false)));
}

// §20.1.2.19 Object.keys ( O )
Value native_ObjectKeys(VM& vm, CallInfo& info) {
  Value obj = KILN_TRY(toObject(vm, info.arg(0)));
  return enumerableOwnProperties(vm, obj, KeyKind::Key);
}

// §20.1.2.20 Object.preventExtensions ( O )
Value native_ObjectPreventExtensions(VM& vm, CallInfo& info) {
  Value o = info.arg(0);
  if (!o.isObject()) return o;
  Root r(vm.heap(), o);
  if (!KILN_TRY_STATUS(preventExtensions(vm, o))) return vm.throwTypeError("Cannot prevent extensions");
  return r.get();
}

// §20.1.2.22 Object.seal ( O )
Value native_ObjectSeal(VM& vm, CallInfo& info) {
  Value o = info.arg(0);
  if (!o.isObject()) return o;
  Root r(vm.heap(), o);
  if (!KILN_TRY_STATUS(setIntegrityLevel(vm, o, false))) return vm.throwTypeError("Cannot seal");
  return r.get();
}

// §20.1.2.23 Object.setPrototypeOf ( O, proto )
Value native_ObjectSetPrototypeOf(VM& vm, CallInfo& info) {
  Value o = info.arg(0), proto = info.arg(1);
  if (o.isNullish()) return vm.throwTypeError("Object.setPrototypeOf called on null or undefined");
  if (!proto.isObject() && !proto.isNull()) return throwNotObjectOrNull(vm, proto);
  if (!o.isObject()) return o;
  Root r(vm.heap(), o);
  if (!KILN_TRY_STATUS(setPrototypeOf(vm, o, proto))) return throwSetPrototypeFailed(vm, r);
  return r.get();
}

// §20.1.2.24 Object.values ( O )
Value native_ObjectValues(VM& vm, CallInfo& info) {
  Value obj = KILN_TRY(toObject(vm, info.arg(0)));
  return enumerableOwnProperties(vm, obj, KeyKind::Value);
}

// ---- Object.prototype ----------------------------------------------------------------------

// §20.1.3.2 Object.prototype.hasOwnProperty ( V )
Value native_ObjectProtoHasOwnProperty(VM& vm, CallInfo& info) {
  Root thisValue(vm.heap(), info.thisValue);
  Root key(vm.heap(), KILN_TRY(toPropertyKey(vm, info.arg(0))));
  Value o = KILN_TRY(toObject(vm, thisValue));
  return Value::boolean(KILN_TRY_STATUS(hasOwnProperty(vm, o, key)));
}

// §20.1.3.3 Object.prototype.isPrototypeOf ( V )
Value native_ObjectProtoIsPrototypeOf(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  if (!v.isObject()) return Value::boolean(false);
  Root cur(vm.heap(), v);
  Root o(vm.heap(), KILN_TRY(toObject(vm, info.thisValue)));
  while (true) {
    Value proto = KILN_TRY(getPrototypeOf(vm, cur));
    if (proto.isNull()) return Value::boolean(false);
    if (proto == o.get()) return Value::boolean(true);
    cur.set(proto);
  }
}

// §20.1.3.4 Object.prototype.propertyIsEnumerable ( V )
Value native_ObjectProtoPropertyIsEnumerable(VM& vm, CallInfo& info) {
  Root thisValue(vm.heap(), info.thisValue);
  Root key(vm.heap(), KILN_TRY(toPropertyKey(vm, info.arg(0))));
  Value o = KILN_TRY(toObject(vm, thisValue));
  PropertyDescriptor desc;
  if (!KILN_TRY_STATUS(getOwnProperty(vm, o, key, &desc))) return Value::boolean(false);
  return Value::boolean(desc.enumerable);
}

// §20.1.3.5 Object.prototype.toLocaleString ( [ reserved1 [ , reserved2 ] ] )
Value native_ObjectProtoToLocaleString(VM& vm, CallInfo& info) {
  // Invoke(O, "toString")
  Root o(vm.heap(), info.thisValue);
  Value fn = KILN_TRY(getV(vm, o, vm.atom(Atom::toString)));
  if (!isCallable(vm, fn)) return vm.throwTypeError("toString is not a function");
  return call(vm, fn, o);
}

// §20.1.3.6 Object.prototype.toString ( )
Value native_ObjectProtoToString(VM& vm, CallInfo& info) {
  Value thisValue = info.thisValue;
  if (thisValue.isUndefined()) return newString(vm, std::string_view("[object Undefined]"));
  if (thisValue.isNull()) return newString(vm, std::string_view("[object Null]"));
  Root o(vm.heap(), KILN_TRY(toObject(vm, thisValue)));
  bool isArr = KILN_TRY_STATUS(isArray(vm, o));
  const char* builtin = builtinTag(vm, o, isArr);
  Value tag = KILN_TRY(get(vm, o, vm.wellKnown(WellKnown::toStringTag)));
  std::u16string out = u"[object ";
  if (tag.isString()) {
    out += toUtf16(vm, tag);
  } else {
    for (const char* p = builtin; *p; p++) out += char16_t(*p);
  }
  out += u']';
  return newString(vm, std::u16string_view(out));
}

// §20.1.3.7 Object.prototype.valueOf ( )
Value native_ObjectProtoValueOf(VM& vm, CallInfo& info) { return toObject(vm, info.thisValue); }

// §20.1.3.8.1 get Object.prototype.__proto__
Value native_ObjectProtoGetProto(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(toObject(vm, info.thisValue));
  return getPrototypeOf(vm, o);
}

// §20.1.3.8.2 set Object.prototype.__proto__
Value native_ObjectProtoSetProto(VM& vm, CallInfo& info) {
  Value o = info.thisValue, proto = info.arg(0);
  if (o.isNullish()) return vm.throwTypeError("Object.prototype.__proto__ called on null or undefined");
  if (!proto.isObject() && !proto.isNull()) return Value::undefined();
  if (!o.isObject()) return Value::undefined();
  Root r(vm.heap(), o);
  if (!KILN_TRY_STATUS(setPrototypeOf(vm, o, proto))) return throwSetPrototypeFailed(vm, r);
  return Value::undefined();
}

namespace {

// §B.2.2.2 / §B.2.2.3 __defineGetter__ / __defineSetter__
Value defineAccessorMethod(VM& vm, CallInfo& info, bool getter) {
  Root p(vm.heap(), info.arg(0)), fn(vm.heap(), info.arg(1));
  Root o(vm.heap(), KILN_TRY(toObject(vm, info.thisValue)));
  if (!isCallable(vm, fn))
    return vm.throwTypeError(getter ? "Object.prototype.__defineGetter__: Expecting function"
                                    : "Object.prototype.__defineSetter__: Expecting function");
  PropertyDescriptor desc;
  if (getter) {
    desc.getter = fn.get();
    desc.hasGet = true;
  } else {
    desc.setter = fn.get();
    desc.hasSet = true;
  }
  desc.hasEnumerable = desc.enumerable = true;
  desc.hasConfigurable = desc.configurable = true;
  Value key = KILN_TRY(toPropertyKey(vm, p));
  KILN_TRY_STATUS(definePropertyOrThrow(vm, o, key, desc));
  return Value::undefined();
}

// §B.2.2.4 / §B.2.2.5 __lookupGetter__ / __lookupSetter__
Value lookupAccessorMethod(VM& vm, CallInfo& info, bool getter) {
  Root p(vm.heap(), info.arg(0));
  Root o(vm.heap(), KILN_TRY(toObject(vm, info.thisValue)));
  Root key(vm.heap(), KILN_TRY(toPropertyKey(vm, p)));
  while (true) {
    PropertyDescriptor desc;
    if (KILN_TRY_STATUS(getOwnProperty(vm, o, key, &desc))) {
      if (!desc.isAccessor()) return Value::undefined();
      return getter ? desc.getter : desc.setter;
    }
    Value proto = KILN_TRY(getPrototypeOf(vm, o));
    if (proto.isNull()) return Value::undefined();
    o.set(proto);
  }
}

}  // namespace

Value native_ObjectProtoDefineGetter(VM& vm, CallInfo& info) { return defineAccessorMethod(vm, info, true); }
Value native_ObjectProtoDefineSetter(VM& vm, CallInfo& info) { return defineAccessorMethod(vm, info, false); }
Value native_ObjectProtoLookupGetter(VM& vm, CallInfo& info) { return lookupAccessorMethod(vm, info, true); }
Value native_ObjectProtoLookupSetter(VM& vm, CallInfo& info) { return lookupAccessorMethod(vm, info, false); }

// ---- installation ------------------------------------------------------------------------

void installObject(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), vm.intrinsic(Intrinsic::ObjectPrototype));
  Value ctorV = defineConstructor(vm, g, "Object", NativeId::Object, 1, proto);
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Object, ctor);

  static constexpr struct { const char* name; NativeId id; } kStatics[] = {
      {"assign", NativeId::ObjectAssign},
      {"create", NativeId::ObjectCreate},
      {"defineProperties", NativeId::ObjectDefineProperties},
      {"defineProperty", NativeId::ObjectDefineProperty},
      {"entries", NativeId::ObjectEntries},
      {"freeze", NativeId::ObjectFreeze},
      {"fromEntries", NativeId::ObjectFromEntries},
      {"getOwnPropertyDescriptor", NativeId::ObjectGetOwnPropertyDescriptor},
      {"getOwnPropertyDescriptors", NativeId::ObjectGetOwnPropertyDescriptors},
      {"getOwnPropertyNames", NativeId::ObjectGetOwnPropertyNames},
      {"getOwnPropertySymbols", NativeId::ObjectGetOwnPropertySymbols},
      {"getPrototypeOf", NativeId::ObjectGetPrototypeOf},
      {"groupBy", NativeId::ObjectGroupBy},
      {"hasOwn", NativeId::ObjectHasOwn},
      {"is", NativeId::ObjectIs},
      {"isExtensible", NativeId::ObjectIsExtensible},
      {"isFrozen", NativeId::ObjectIsFrozen},
      {"isSealed", NativeId::ObjectIsSealed},
      {"keys", NativeId::ObjectKeys},
      {"preventExtensions", NativeId::ObjectPreventExtensions},
      {"seal", NativeId::ObjectSeal},
      {"setPrototypeOf", NativeId::ObjectSetPrototypeOf},
      {"values", NativeId::ObjectValues},
  };
  for (const auto& s : kStatics)
    if (defineMethod(vm, ctor, s.name, s.id).isException()) return;

  static constexpr struct { const char* name; NativeId id; } kMethods[] = {
      {"__defineGetter__", NativeId::ObjectProtoDefineGetter},
      {"__defineSetter__", NativeId::ObjectProtoDefineSetter},
      {"hasOwnProperty", NativeId::ObjectProtoHasOwnProperty},
      {"__lookupGetter__", NativeId::ObjectProtoLookupGetter},
      {"__lookupSetter__", NativeId::ObjectProtoLookupSetter},
      {"isPrototypeOf", NativeId::ObjectProtoIsPrototypeOf},
      {"propertyIsEnumerable", NativeId::ObjectProtoPropertyIsEnumerable},
      {"toString", NativeId::ObjectProtoToString},
      {"valueOf", NativeId::ObjectProtoValueOf},
      {"toLocaleString", NativeId::ObjectProtoToLocaleString},
  };
  for (const auto& m : kMethods) {
    Value f = defineMethod(vm, proto, m.name, m.id);
    if (f.isException()) return;
    if (m.id == NativeId::ObjectProtoToString) vm.setIntrinsic(Intrinsic::ObjectProtoToString, f);
  }
  defineGetter(vm, proto, "__proto__", NativeId::ObjectProtoGetProto, NativeId::ObjectProtoSetProto);
}

}  // namespace kiln
