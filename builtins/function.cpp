// The Function constructor and Function.prototype (ECMA-262 §20.2), and
// bound function exotic objects (§10.4.1). %Function.prototype% itself is
// created by realm.cpp; the interpreter calls bound functions by unwrapping
// them (BoundFunctionCell: target, boundThis, boundArgs).
#include <algorithm>
#include <cmath>
#include <string>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/parser.h"
#include "engine/strings.h"

namespace kiln {

// §20.2.1.1 Function ( ...parameterArgs, bodyArg )
Value native_Function(VM& vm, CallInfo& info) {
  // CreateDynamicFunction(C, NewTarget, normal, ...): an undefined NewTarget means C.
  Value newTarget = info.newTarget.isUndefined() ? info.callee : info.newTarget;
  return createDynamicFunction(vm, newTarget, DynamicFunctionKind::Normal, info);
}

// §20.2.3.1 Function.prototype.apply ( thisArg, argArray )
Value native_FunctionProtoApply(VM& vm, CallInfo& info) {
  Root func(vm.heap(), info.thisValue);
  if (!isCallable(vm, func)) return vm.throwTypeError("Function.prototype.apply was called on " + describe(vm, func) + ", which is not a function");
  Root thisArg(vm.heap(), info.arg(0));
  Value argArray = info.arg(1);
  if (argArray.isNullish()) return call(vm, func, thisArg);
  Root list(vm.heap(), KILN_TRY(createListFromArrayLike(vm, argArray)));
  auto* a = vm.cell<ValueArrayCell>(list);
  return call(vm, func, thisArg, std::span<const Value>(a->data(), a->length));
}

// §10.4.1.3 BoundFunctionCreate ( targetFunction, boundThis, boundArgs )
static Value boundFunctionCreate(VM& vm, Value target, Value boundThis, std::span<const Value> boundArgs) {
  Root t(vm.heap(), target), bt(vm.heap(), boundThis);
  uint32_t n = uint32_t(boundArgs.size());
  RootRef args(vm.heap(), newValueArray(vm, n, n));
  if (!args.get()) return Value::exception();
  Value* d = vm.cell<ValueArrayCell>(args.get())->data();
  for (uint32_t i = 0; i < n; i++) d[i] = boundArgs[i];
  Value proto = KILN_TRY(getPrototypeOf(vm, t));
  Value f = KILN_TRY(newObjectOfKind(vm, CellKind::BoundFunction, sizeof(BoundFunctionCell), proto));
  auto* b = vm.cell<BoundFunctionCell>(f);
  b->target = t.get();
  b->boundThis = bt.get();
  b->boundArgs = Value::cell(args.get());
  b->flags |= ObjectCell::kIsCallable;
  if (isConstructor(vm, t)) b->flags |= ObjectCell::kIsConstructor;
  return f;
}

// §20.2.3.2 Function.prototype.bind ( thisArg, ...args )
Value native_FunctionProtoBind(VM& vm, CallInfo& info) {
  Root target(vm.heap(), info.thisValue);
  if (!isCallable(vm, target)) return vm.throwTypeError("Bind must be called on a function");
  uint32_t argCount = info.argc > 1 ? info.argc - 1 : 0;
  Root f(vm.heap(), KILN_TRY(boundFunctionCreate(vm, target, info.arg(0),
                                                 std::span<const Value>(info.argv + (info.argc ? 1 : 0), argCount))));
  // Steps 4-6: the length.
  double length = 0;
  if (KILN_TRY_STATUS(hasOwnProperty(vm, target, vm.atom(Atom::length)))) {
    Value targetLen = KILN_TRY(get(vm, target, vm.atom(Atom::length)));
    if (targetLen.isNumber()) {
      double l = targetLen.toDouble();
      if (l == INFINITY) {
        length = INFINITY;
      } else if (l != -INFINITY) {
        double asInt = toIntegerOrInfinity(l);
        length = std::max(asInt - double(argCount), 0.0);
      }
    }
  }
  setFunctionLength(vm, f, length);
  // Steps 8-10: the name, "bound " + the target's name.
  Value targetName = KILN_TRY(get(vm, target, vm.atom(Atom::name)));
  if (!targetName.isString()) targetName = vm.atom(Atom::empty);
  Root name(vm.heap(), targetName);
  Value prefix = KILN_TRY(newString(vm, std::string_view("bound ")));
  KILN_TRY_STATUS(setFunctionName(vm, f, name, prefix));
  return f.get();
}

// §20.2.3.3 Function.prototype.call ( thisArg, ...args )
Value native_FunctionProtoCall(VM& vm, CallInfo& info) {
  Value func = info.thisValue;
  if (!isCallable(vm, func)) return vm.throwTypeError("Function.prototype.call was called on " + describe(vm, func) + ", which is not a function");
  uint32_t argCount = info.argc > 1 ? info.argc - 1 : 0;
  return call(vm, func, info.arg(0), std::span<const Value>(info.argv + (info.argc ? 1 : 0), argCount));
}

// §20.2.3.5 Function.prototype.toString ( )
Value native_FunctionProtoToString(VM& vm, CallInfo& info) {
  Value func = info.thisValue;
  if (func.isObject()) {
    CellKind k = kindOf(vm, func);
    if (k == CellKind::Function) return functionSourceText(vm, func);
    if (k == CellKind::NativeFunction) {
      // NativeFunction syntax with the function's own name when it is a plain
      // data property ("get size", "[Symbol.iterator]" and "" all fit the grammar).
      std::u16string text = u"function ";
      PropertyDescriptor d;
      if (ordinaryGetOwnProperty(vm, func, vm.atom(Atom::name), &d) == Status::True && !d.isAccessor() &&
          d.value.isString())
        text += toUtf16(vm, d.value);
      text += u"() { [native code] }";
      return newString(vm, std::u16string_view(text));
    }
    if (isCallable(vm, func)) return newString(vm, std::string_view("function () { [native code] }"));
  }
  return vm.throwTypeError("Function.prototype.toString requires that 'this' be a Function");
}

// §20.2.3.6 Function.prototype [ @@hasInstance ] ( V )
Value native_FunctionProtoHasInstance(VM& vm, CallInfo& info) {
  return ordinaryHasInstance(vm, info.thisValue, info.arg(0));
}

void installFunction(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), vm.intrinsic(Intrinsic::FunctionPrototype));
  Value ctor = defineConstructor(vm, g, "Function", NativeId::Function, 1, proto);
  if (ctor.isException()) return;
  vm.setIntrinsic(Intrinsic::Function, ctor);

  static constexpr struct { const char* name; NativeId id; } kMethods[] = {
      {"apply", NativeId::FunctionProtoApply},
      {"bind", NativeId::FunctionProtoBind},
      {"call", NativeId::FunctionProtoCall},
      {"toString", NativeId::FunctionProtoToString},
  };
  for (const auto& m : kMethods)
    if (defineMethod(vm, proto, m.name, m.id).isException()) return;
  // @@hasInstance is non-writable and non-configurable, so that instanceof
  // cannot be redirected for every function at once.
  if (defineMethod(vm, proto, WellKnown::hasInstance, NativeId::FunctionProtoHasInstance, 1, 0).isException()) return;

  // §10.2.4 AddRestrictedFunctionProperties(%Function.prototype%, realm).
  Value thrower = vm.intrinsic(Intrinsic::ThrowTypeError);
  defineAccessor(vm, proto, vm.atom(Atom::caller), thrower, thrower, kConfigurable);
  defineAccessor(vm, proto, vm.atom(Atom::arguments), vm.intrinsic(Intrinsic::ThrowTypeError),
                 vm.intrinsic(Intrinsic::ThrowTypeError), kConfigurable);
}

}  // namespace kiln
