// Reflect (ECMA-262 §28.1) and the Proxy constructor (§28.2). The proxy
// exotic object's internal methods are in engine/proxy.cpp.
#include <string>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/proxy.h"
#include "engine/strings.h"

namespace kiln {

namespace {

Value requireTarget(VM& vm, Value target, const char* method) {
  if (target.isObject()) return target;
  return vm.throwTypeError(std::string(method) + " called on non-object");
}

}  // namespace

// §28.1.1 Reflect.apply ( target, thisArgument, argumentsList )
Value native_ReflectApply(VM& vm, CallInfo& info) {
  Root target(vm.heap(), info.arg(0)), thisArg(vm.heap(), info.arg(1));
  if (!isCallable(vm, target))
    return vm.throwTypeError("Function.prototype.apply was called on " + describe(vm, target) + ", which is not a function");
  Root list(vm.heap(), KILN_TRY(createListFromArrayLike(vm, info.arg(2))));
  auto* a = vm.cell<ValueArrayCell>(list);
  return call(vm, target, thisArg, std::span<const Value>(a->data(), a->length));
}

// §28.1.2 Reflect.construct ( target, argumentsList [ , newTarget ] )
Value native_ReflectConstruct(VM& vm, CallInfo& info) {
  Root target(vm.heap(), info.arg(0));
  if (!isConstructor(vm, target)) return vm.throwTypeError(describe(vm, target) + " is not a constructor");
  Root newTarget(vm.heap(), info.argc > 2 ? info.argv[2] : target.get());
  if (!isConstructor(vm, newTarget)) return vm.throwTypeError(describe(vm, newTarget) + " is not a constructor");
  Root list(vm.heap(), KILN_TRY(createListFromArrayLike(vm, info.arg(1))));
  auto* a = vm.cell<ValueArrayCell>(list);
  return construct(vm, target, std::span<const Value>(a->data(), a->length), newTarget);
}

// §28.1.3 Reflect.defineProperty ( target, propertyKey, attributes )
Value native_ReflectDefineProperty(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.defineProperty")));
  Root attributes(vm.heap(), info.arg(2));
  Root key(vm.heap(), KILN_TRY(toPropertyKey(vm, info.arg(1))));
  RootedDescriptor desc(vm.heap());
  KILN_TRY_STATUS(toPropertyDescriptor(vm, attributes, desc.get()));
  return Value::boolean(KILN_TRY_STATUS(defineOwnProperty(vm, target, key, *desc)));
}

// §28.1.4 Reflect.deleteProperty ( target, propertyKey )
Value native_ReflectDeleteProperty(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.deleteProperty")));
  Value key = KILN_TRY(toPropertyKey(vm, info.arg(1)));
  return Value::boolean(KILN_TRY_STATUS(deleteProperty(vm, target, key)));
}

// §28.1.5 Reflect.get ( target, propertyKey [ , receiver ] )
Value native_ReflectGet(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.get")));
  Root receiver(vm.heap(), info.argc > 2 ? info.argv[2] : target.get());
  Value key = KILN_TRY(toPropertyKey(vm, info.arg(1)));
  return get(vm, target, key, receiver);
}

// §28.1.6 Reflect.getOwnPropertyDescriptor ( target, propertyKey )
Value native_ReflectGetOwnPropertyDescriptor(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.getOwnPropertyDescriptor")));
  Value key = KILN_TRY(toPropertyKey(vm, info.arg(1)));
  RootedDescriptor desc(vm.heap());
  if (!KILN_TRY_STATUS(getOwnProperty(vm, target, key, desc.get()))) return Value::undefined();
  return fromPropertyDescriptor(vm, *desc);
}

// §28.1.7 Reflect.getPrototypeOf ( target )
Value native_ReflectGetPrototypeOf(VM& vm, CallInfo& info) {
  Value target = KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.getPrototypeOf"));
  return getPrototypeOf(vm, target);
}

// §28.1.8 Reflect.has ( target, propertyKey )
Value native_ReflectHas(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.has")));
  Value key = KILN_TRY(toPropertyKey(vm, info.arg(1)));
  return Value::boolean(KILN_TRY_STATUS(hasProperty(vm, target, key)));
}

// §28.1.9 Reflect.isExtensible ( target )
Value native_ReflectIsExtensible(VM& vm, CallInfo& info) {
  Value target = KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.isExtensible"));
  return Value::boolean(KILN_TRY_STATUS(isExtensible(vm, target)));
}

// §28.1.10 Reflect.ownKeys ( target )
Value native_ReflectOwnKeys(VM& vm, CallInfo& info) {
  Value target = KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.ownKeys"));
  RootRef keys(vm.heap(), ownPropertyKeys(vm, target));
  if (!keys.get()) return Value::exception();
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  // Index keys become strings: convert in place (the array is ours).
  for (uint32_t i = 0; i < n; i++) {
    Value k = vm.cell<ValueArrayCell>(keys.get())->data()[i];
    if (!k.isNumber()) continue;
    Value s = KILN_TRY(keyToValue(vm, k));
    vm.cell<ValueArrayCell>(keys.get())->data()[i] = s;
  }
  auto* a = vm.cell<ValueArrayCell>(keys.get());
  return newArrayFrom(vm, std::span<const Value>(a->data(), a->length));
}

// §28.1.11 Reflect.preventExtensions ( target )
Value native_ReflectPreventExtensions(VM& vm, CallInfo& info) {
  Value target = KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.preventExtensions"));
  return Value::boolean(KILN_TRY_STATUS(preventExtensions(vm, target)));
}

// §28.1.12 Reflect.set ( target, propertyKey, V [ , receiver ] )
Value native_ReflectSet(VM& vm, CallInfo& info) {
  Root target(vm.heap(), KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.set")));
  Root v(vm.heap(), info.arg(2));
  Root receiver(vm.heap(), info.argc > 3 ? info.argv[3] : target.get());
  Value key = KILN_TRY(toPropertyKey(vm, info.arg(1)));
  return Value::boolean(KILN_TRY_STATUS(set(vm, target, key, v, receiver)));
}

// §28.1.13 Reflect.setPrototypeOf ( target, proto )
Value native_ReflectSetPrototypeOf(VM& vm, CallInfo& info) {
  Value target = KILN_TRY(requireTarget(vm, info.arg(0), "Reflect.setPrototypeOf"));
  Value proto = info.arg(1);
  if (!proto.isObject() && !proto.isNull())
    return vm.throwTypeError("Object prototype may only be an Object or null: " + describe(vm, proto));
  return Value::boolean(KILN_TRY_STATUS(setPrototypeOf(vm, target, proto)));
}

// ---- Proxy -----------------------------------------------------------------------------

// §28.2.1.1 Proxy ( target, handler )
Value native_Proxy(VM& vm, CallInfo& info) {
  if (info.newTarget.isUndefined()) return vm.throwTypeError("Constructor Proxy requires 'new'");
  return proxyCreate(vm, info.arg(0), info.arg(1));
}

// §28.2.2.1 Proxy.revocable ( target, handler )
Value native_ProxyRevocable(VM& vm, CallInfo& info) {
  Root proxy(vm.heap(), KILN_TRY(proxyCreate(vm, info.arg(0), info.arg(1))));
  Root revoker(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::ProxyRevoker, vm.atom(Atom::empty), 0)));
  vm.cell<NativeFunctionCell>(revoker)->data0 = proxy.get();
  Root result(vm.heap(), KILN_TRY(newObject(vm)));
  Root proxyKey(vm.heap(), KILN_TRY(keyFor(vm, "proxy")));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, result, proxyKey, proxy));
  Root revokeKey(vm.heap(), KILN_TRY(keyFor(vm, "revoke")));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, result, revokeKey, revoker));
  return result.get();
}

// §28.2.2.1.1 Proxy Revocation Functions
Value native_ProxyRevoker(VM& vm, CallInfo& info) {
  auto* f = vm.cell<NativeFunctionCell>(info.callee);
  Value p = f->data0;
  if (p.isNull() || !p.isObject()) return Value::undefined();
  f->data0 = Value::null();
  auto* proxy = vm.cell<ProxyCell>(p);
  proxy->target = Value::null();
  proxy->handler = Value::null();
  return Value::undefined();
}

void installReflect(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root reflect(vm.heap(), newObject(vm));
  if (reflect.get().isException()) return;
  static constexpr struct { const char* name; NativeId id; } kMethods[] = {
      {"defineProperty", NativeId::ReflectDefineProperty},
      {"deleteProperty", NativeId::ReflectDeleteProperty},
      {"apply", NativeId::ReflectApply},
      {"construct", NativeId::ReflectConstruct},
      {"get", NativeId::ReflectGet},
      {"getOwnPropertyDescriptor", NativeId::ReflectGetOwnPropertyDescriptor},
      {"getPrototypeOf", NativeId::ReflectGetPrototypeOf},
      {"has", NativeId::ReflectHas},
      {"isExtensible", NativeId::ReflectIsExtensible},
      {"ownKeys", NativeId::ReflectOwnKeys},
      {"preventExtensions", NativeId::ReflectPreventExtensions},
      {"set", NativeId::ReflectSet},
      {"setPrototypeOf", NativeId::ReflectSetPrototypeOf},
  };
  for (const auto& m : kMethods)
    if (defineMethod(vm, reflect, m.name, m.id).isException()) return;
  Value tag = newString(vm, std::string_view("Reflect"));
  if (tag.isException()) return;
  defineValue(vm, reflect, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
  defineProperty(vm, g, "Reflect", reflect);
}

void installProxy(VM& vm, Value global) {
  // Proxy has no `prototype` property (§28.2.2).
  Value ctor = defineConstructor(vm, global, "Proxy", NativeId::Proxy, 2, Value::undefined());
  if (ctor.isException()) return;
  Root c(vm.heap(), ctor);
  vm.setIntrinsic(Intrinsic::ProxyConstructor, c);
  defineMethod(vm, c, "revocable", NativeId::ProxyRevocable);
}

}  // namespace kiln
