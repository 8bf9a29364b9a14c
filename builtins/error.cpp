// Error objects (ECMA-262 §20.5): Error, the NativeErrors, AggregateError,
// and V8's Error.captureStackTrace / Error.stackTraceLimit, which Node code
// relies on. Instances are CellKind::Error cells ([[ErrorData]]); their
// `stack` comes from engine/errors.h installStack.
#include <string>

#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// §20.5.8.1 InstallErrorCause ( O, options )
Status installErrorCause(VM& vm, Value o, Value options) {
  if (!options.isObject()) return Status::True;
  Root obj(vm.heap(), o), opts(vm.heap(), options);
  Status has = hasProperty(vm, options, vm.atom(Atom::cause));
  if (has != Status::True) return has;
  Value cause = get(vm, opts, vm.atom(Atom::cause));
  if (cause.isException()) return Status::Exception;
  return definePropertyOrThrow(vm, obj, vm.atom(Atom::cause), PropertyDescriptor::data(cause, kWritable | kConfigurable));
}

// The common part of Error ( message [ , options ] ) (§20.5.1.1) and
// NativeError ( message [ , options ] ) (§20.5.6.1.1): steps 1-4 and the stack.
// AggregateError passes its message and options at other positions.
Value constructError(VM& vm, CallInfo& info, Intrinsic fallbackProto, Value message, Value options) {
  Root msg(vm.heap(), message), opts(vm.heap(), options);
  Value newTarget = info.newTarget.isUndefined() ? info.callee : info.newTarget;
  Root o(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, newTarget, fallbackProto, CellKind::Error,
                                                            sizeof(InternalObjectCell))));
  for (Value& v : vm.cell<InternalObjectCell>(o)->internal) v = Value::undefined();
  if (!msg.get().isUndefined()) {
    Value s = KILN_TRY(toString(vm, msg));
    KILN_TRY_STATUS(definePropertyOrThrow(vm, o, vm.atom(Atom::message), PropertyDescriptor::data(s, kWritable | kConfigurable)));
  }
  KILN_TRY_STATUS(installErrorCause(vm, o, opts));
  return o.get();
}

Value constructNativeError(VM& vm, CallInfo& info, Intrinsic fallbackProto) {
  Root o(vm.heap(), KILN_TRY(constructError(vm, info, fallbackProto, info.arg(0), info.arg(1))));
  KILN_TRY_STATUS(installStack(vm, o));
  return o.get();
}

}  // namespace

// §20.5.1.1 Error ( message [ , options ] )
Value native_Error(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::ErrorPrototype); }

// §20.5.6.1.1 NativeError ( message [ , options ] ), one native per kind
Value native_EvalError(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::EvalErrorPrototype); }
Value native_RangeError(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::RangeErrorPrototype); }
Value native_ReferenceError(VM& vm, CallInfo& info) {
  return constructNativeError(vm, info, Intrinsic::ReferenceErrorPrototype);
}
Value native_SyntaxError(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::SyntaxErrorPrototype); }
Value native_TypeError(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::TypeErrorPrototype); }
Value native_URIError(VM& vm, CallInfo& info) { return constructNativeError(vm, info, Intrinsic::URIErrorPrototype); }

// §20.5.7.1.1 AggregateError ( errors, message [ , options ] )
Value native_AggregateError(VM& vm, CallInfo& info) {
  Root errors(vm.heap(), info.arg(0));
  Root o(vm.heap(), KILN_TRY(constructError(vm, info, Intrinsic::AggregateErrorPrototype, info.arg(1), info.arg(2))));
  // errorsList = IteratorToList(GetIterator(errors, sync)), straight into an array.
  Root list(vm.heap(), KILN_TRY(newArray(vm, 0)));
  IteratorRecord record(vm.heap());
  KILN_TRY_STATUS(getIterator(vm, errors, &record));
  while (true) {
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) break;
    KILN_TRY_STATUS(arrayPush(vm, list, next));
  }
  KILN_TRY_STATUS(definePropertyOrThrow(vm, o, vm.atom(Atom::errors), PropertyDescriptor::data(list, kWritable | kConfigurable)));
  KILN_TRY_STATUS(installStack(vm, o));
  return o.get();
}

// §20.5.3.4 Error.prototype.toString ( )
Value native_ErrorProtoToString(VM& vm, CallInfo& info) {
  Root o(vm.heap(), info.thisValue);
  if (!o.get().isObject())
    return vm.throwTypeError("Method Error.prototype.toString called on incompatible receiver " + describe(vm, o));
  Value nameV = KILN_TRY(get(vm, o, vm.atom(Atom::name)));
  Root name(vm.heap(), nameV.isUndefined() ? vm.atom(Atom::Error) : KILN_TRY(toString(vm, nameV)));
  Value msgV = KILN_TRY(get(vm, o, vm.atom(Atom::message)));
  Root msg(vm.heap(), msgV.isUndefined() ? vm.atom(Atom::empty) : KILN_TRY(toString(vm, msgV)));
  if (stringLength(vm, name) == 0) return msg.get();
  if (stringLength(vm, msg) == 0) return name.get();
  Value sep = KILN_TRY(newString(vm, std::string_view(": ")));
  Value head = KILN_TRY(concatStrings(vm, name, sep));
  return concatStrings(vm, head, msg);
}

// Error.captureStackTrace ( targetObject [ , constructorOpt ] ) — V8: defines
// `stack` (writable, configurable, non-enumerable) on targetObject.
// constructorOpt (frames above it are hidden) is accepted and ignored.
Value native_ErrorCaptureStackTrace(VM& vm, CallInfo& info) {
  Root target(vm.heap(), info.arg(0));
  if (!target.get().isObject()) return vm.throwTypeError("Invalid argument");
  // installStack defines `stack` without checks, which is only right on a
  // fresh ordinary object: let it build the text on an object inheriting
  // from the target (so the "Name: message" header comes from the target),
  // then define the property on the target the checked way.
  Root scratch(vm.heap(), KILN_TRY(newObject(vm, target)));
  KILN_TRY_STATUS(installStack(vm, scratch));
  PropertyDescriptor built;
  if (ordinaryGetOwnProperty(vm, scratch, vm.atom(Atom::stack), &built) != Status::True) return Value::undefined();
  KILN_TRY_STATUS(definePropertyOrThrow(vm, target, vm.atom(Atom::stack),
                                        PropertyDescriptor::data(built.value, kWritable | kConfigurable)));
  return Value::undefined();
}

void installError(VM& vm, Value global) {
  Root g(vm.heap(), global);

  // %Error.prototype% is an ordinary object (§20.5.3), not an Error instance.
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::ErrorPrototype, proto);
  Value ctorV = defineConstructor(vm, g, "Error", NativeId::Error, 1, proto);
  if (ctorV.isException()) return;
  Root errorCtor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Error, errorCtor);
  defineProperty(vm, proto, "name", vm.atom(Atom::Error));
  defineProperty(vm, proto, "message", vm.atom(Atom::empty));
  if (defineMethod(vm, proto, "toString", NativeId::ErrorProtoToString).isException()) return;
  if (defineMethod(vm, errorCtor, "captureStackTrace", NativeId::ErrorCaptureStackTrace).isException()) return;
  defineProperty(vm, errorCtor, "stackTraceLimit", Value::int32(10), kDefaultAttrs);

  // §20.5.6 NativeError objects and §20.5.7 AggregateError: constructors
  // inherit from %Error%, prototypes from %Error.prototype%.
  static constexpr struct {
    const char* name;
    NativeId id;
    int32_t length;
    Intrinsic proto, ctor;
  } kKinds[] = {
      {"EvalError", NativeId::EvalError, 1, Intrinsic::EvalErrorPrototype, Intrinsic::EvalError},
      {"RangeError", NativeId::RangeError, 1, Intrinsic::RangeErrorPrototype, Intrinsic::RangeError},
      {"ReferenceError", NativeId::ReferenceError, 1, Intrinsic::ReferenceErrorPrototype, Intrinsic::ReferenceError},
      {"SyntaxError", NativeId::SyntaxError, 1, Intrinsic::SyntaxErrorPrototype, Intrinsic::SyntaxError},
      {"TypeError", NativeId::TypeError, 1, Intrinsic::TypeErrorPrototype, Intrinsic::TypeError},
      {"URIError", NativeId::URIError, 1, Intrinsic::URIErrorPrototype, Intrinsic::URIError},
      {"AggregateError", NativeId::AggregateError, 2, Intrinsic::AggregateErrorPrototype, Intrinsic::AggregateError},
  };
  for (const auto& k : kKinds) {
    Root p(vm.heap(), newObject(vm, proto));
    if (p.get().isException()) return;
    vm.setIntrinsic(k.proto, p);
    Value c = defineConstructor(vm, g, k.name, k.id, k.length, p);
    if (c.isException()) return;
    vm.cell<ObjectCell>(c)->proto = errorCtor.get().ref();
    vm.setIntrinsic(k.ctor, c);
    Value nameV = newString(vm, std::string_view(k.name));
    if (nameV.isException()) return;
    defineProperty(vm, p, "name", nameV);
    defineProperty(vm, p, "message", vm.atom(Atom::empty));
  }
}

}  // namespace kiln
