// %IteratorPrototype%, %AsyncIteratorPrototype% (ECMA-262 §27.1.2, §27.1.3)
// and the iteration protocol for native code (§7.4, declared in iterator.h).
#include "builtins/iterator.h"

#include <string>

#include "builtins/builtins.h"
#include "engine/conversions.h"

namespace kiln {

// ---- the iteration protocol ---------------------------------------------------------

// §7.4.2 GetIteratorFromMethod(obj, method)
Status getIteratorFromMethod(VM& vm, Value obj, Value method, IteratorRecord* out) {
  Value iterator = call(vm, method, obj);
  if (iterator.isException()) return Status::Exception;
  if (!iterator.isObject()) {
    vm.throwTypeError("Result of the Symbol.iterator method is not an object");
    return Status::Exception;
  }
  out->iterator.set(iterator);
  Value next = get(vm, iterator, vm.atom(Atom::next));
  if (next.isException()) return Status::Exception;
  out->nextMethod.set(next);
  out->done = false;
  return Status::True;
}

// §7.4.3 GetIterator(obj, sync)
Status getIterator(VM& vm, Value obj, IteratorRecord* out) {
  Root o(vm.heap(), obj);
  Value method = getMethod(vm, obj, vm.wellKnown(WellKnown::iterator));
  if (method.isException()) return Status::Exception;
  if (method.isUndefined()) {
    vm.throwTypeError(describe(vm, o.get()) + " is not iterable");
    return Status::Exception;
  }
  return getIteratorFromMethod(vm, o.get(), method, out);
}

// §7.4.8 IteratorStepValue(iteratorRecord)
Value iteratorStepValue(VM& vm, IteratorRecord& record) {
  // Any abrupt completion below leaves the record done, so callers do not close it.
  record.done = true;
  Value result = KILN_TRY(call(vm, record.nextMethod.get(), record.iterator.get()));
  if (!result.isObject()) return vm.throwTypeError("Iterator result " + describe(vm, result) + " is not an object");
  Root r(vm.heap(), result);
  Value done = KILN_TRY(get(vm, result, vm.atom(Atom::done)));
  if (toBoolean(vm, done)) return Value::empty();
  Value value = KILN_TRY(get(vm, r.get(), vm.atom(Atom::value)));
  record.done = false;
  return value;
}

// §7.4.11 IteratorClose(iteratorRecord, NormalCompletion)
Status iteratorClose(VM& vm, IteratorRecord& record) {
  Value returnMethod = getMethod(vm, record.iterator.get(), vm.atom(Atom::return_));
  if (returnMethod.isException()) return Status::Exception;
  if (returnMethod.isUndefined()) return Status::True;
  Value inner = call(vm, returnMethod, record.iterator.get());
  if (inner.isException()) return Status::Exception;
  if (!inner.isObject()) {
    vm.throwTypeError("iterator.return() did not return an object");
    return Status::Exception;
  }
  return Status::True;
}

// §7.4.11 IteratorClose(iteratorRecord, ThrowCompletion): the original
// exception wins over anything `return` throws or returns.
Value iteratorCloseOnThrow(VM& vm, IteratorRecord& record) {
  Root pending(vm.heap(), vm.takeException());
  Value returnMethod = getMethod(vm, record.iterator.get(), vm.atom(Atom::return_));
  if (returnMethod.isException()) {
    vm.takeException();
  } else if (!returnMethod.isUndefined()) {
    if (call(vm, returnMethod, record.iterator.get()).isException()) vm.takeException();
  }
  return vm.throwValue(pending.get());
}

// ---- %IteratorPrototype% ------------------------------------------------------------

// §27.1.2.1 %IteratorPrototype% [ @@iterator ] ()
Value native_IteratorProtoIterator(VM&, CallInfo& info) { return info.thisValue; }

// §27.1.3.1 %AsyncIteratorPrototype% [ @@asyncIterator ] ()
Value native_AsyncIteratorProtoAsyncIterator(VM&, CallInfo& info) { return info.thisValue; }

void installIterator(VM& vm, Value global) {
  Root iteratorProto(vm.heap(), newObject(vm));
  if (iteratorProto.get().isException()) return;
  if (defineMethod(vm, iteratorProto, WellKnown::iterator, NativeId::IteratorProtoIterator).isException()) return;
  vm.setIntrinsic(Intrinsic::IteratorPrototype, iteratorProto);

  Root asyncProto(vm.heap(), newObject(vm));
  if (asyncProto.get().isException()) return;
  if (defineMethod(vm, asyncProto, WellKnown::asyncIterator, NativeId::AsyncIteratorProtoAsyncIterator).isException())
    return;
  vm.setIntrinsic(Intrinsic::AsyncIteratorPrototype, asyncProto);
}

}  // namespace kiln
