// Boolean objects (ECMA-262 §20.3). A Boolean wrapper is a Primitive cell
// whose internal[0] is the boolean ([[BooleanData]]).
#include "builtins/builtins.h"
#include "engine/conversions.h"

namespace kiln {

namespace {

// §20.3.3.3.1 ThisBooleanValue(value)
Value thisBooleanValue(VM& vm, Value v, const char* method) {
  if (v.isBool()) return v;
  if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
    Value p = vm.cell<InternalObjectCell>(v)->internal[0];
    if (p.isBool()) return p;
  }
  return vm.throwTypeError(std::string(method) + " requires that 'this' be a Boolean");
}

}  // namespace

// §20.3.1.1 Boolean ( value )
Value native_Boolean(VM& vm, CallInfo& info) {
  Value b = Value::boolean(toBoolean(vm, info.arg(0)));
  if (info.newTarget.isUndefined()) return b;
  Value o = KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::BooleanPrototype,
                                                   CellKind::Primitive, sizeof(InternalObjectCell)));
  vm.cell<InternalObjectCell>(o)->internal[0] = b;
  return o;
}

// §20.3.3.2 Boolean.prototype.toString ( )
Value native_BooleanProtoToString(VM& vm, CallInfo& info) {
  Value b = KILN_TRY(thisBooleanValue(vm, info.thisValue, "Boolean.prototype.toString"));
  return vm.atom(b.isTrue() ? Atom::true_ : Atom::false_);
}

// §20.3.3.3 Boolean.prototype.valueOf ( )
Value native_BooleanProtoValueOf(VM& vm, CallInfo& info) {
  return thisBooleanValue(vm, info.thisValue, "Boolean.prototype.valueOf");
}

void installBoolean(VM& vm, Value global) {
  Root g(vm.heap(), global);
  // The prototype is itself a Boolean object whose [[BooleanData]] is false.
  Value protoV = newObjectOfKind(vm, CellKind::Primitive, sizeof(InternalObjectCell),
                                 vm.intrinsic(Intrinsic::ObjectPrototype));
  if (protoV.isException()) return;
  vm.cell<InternalObjectCell>(protoV)->internal[0] = Value::boolean(false);
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::BooleanPrototype, proto);
  Value ctor = defineConstructor(vm, g, "Boolean", NativeId::Boolean, 1, proto);
  if (ctor.isException()) return;
  vm.setIntrinsic(Intrinsic::Boolean, ctor);
  if (defineMethod(vm, proto, "toString", NativeId::BooleanProtoToString).isException()) return;
  defineMethod(vm, proto, "valueOf", NativeId::BooleanProtoValueOf);
}

}  // namespace kiln
