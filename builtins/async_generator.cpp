// Async generators (ECMA-262 §27.6) and %AsyncFromSyncIteratorPrototype%
// (§27.1.6), the machinery behind `for await`.
//
// An async generator's pending requests live in its GeneratorCell::extra, a
// ValueArray used as a queue: [head, draining, (mode, value, promise)...]
// with mode 0 next, 1 throw, 2 return. Each resumption of the frame ends in
// asyncGeneratorStep (called by Interpreter::resumeGenerator), which settles
// the head request; asyncGeneratorDrain resumes the frame for the next one.
#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "builtins/promise.h"
#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/interpreter.h"

namespace kiln {

namespace {

constexpr uint32_t kHead = 0, kDraining = 1, kFirstRequest = 2;

ValueArrayCell* queueOf(VM& vm, Value g) {
  Value q = vm.cell<GeneratorCell>(g)->extra;
  return q.isCell() ? vm.cell<ValueArrayCell>(q) : nullptr;
}

bool queueEmpty(VM& vm, Value g) {
  ValueArrayCell* q = queueOf(vm, g);
  return !q || uint32_t(q->data()[kHead].asInt()) >= q->length;
}

Status enqueue(VM& vm, Value g, int mode, Value value, Value promise) {
  Root gen(vm.heap(), g), v(vm.heap(), value), p(vm.heap(), promise);
  ValueArrayCell* q = queueOf(vm, g);
  if (!q || q->length + 3 > q->capacity) {
    uint32_t head = q ? uint32_t(q->data()[kHead].asInt()) : kFirstRequest;
    uint32_t live = q ? q->length - head : 0;
    Ref grown = newValueArray(vm, kFirstRequest + live * 2 + 12, kFirstRequest + live);
    if (!grown) return Status::Exception;
    q = queueOf(vm, gen.get());
    Value* d = vm.cell<ValueArrayCell>(grown)->data();
    d[kHead] = Value::int32(kFirstRequest);
    d[kDraining] = q ? q->data()[kDraining] : Value::boolean(false);
    for (uint32_t i = 0; i < live; i++) d[kFirstRequest + i] = q->data()[head + i];
    vm.cell<GeneratorCell>(gen.get())->extra = Value::cell(grown);
    q = vm.cell<ValueArrayCell>(grown);
  }
  q->data()[q->length] = Value::int32(mode);
  q->data()[q->length + 1] = v.get();
  q->data()[q->length + 2] = p.get();
  q->length += 3;
  return Status::True;
}

// Removes the head request; *mode/*value/*promise receive it.
void dequeue(VM& vm, Value g, int* mode, Value* value, Value* promise) {
  ValueArrayCell* q = queueOf(vm, g);
  uint32_t h = uint32_t(q->data()[kHead].asInt());
  *mode = q->data()[h].asInt();
  *value = q->data()[h + 1];
  *promise = q->data()[h + 2];
  for (uint32_t i = 0; i < 3; i++) q->data()[h + i] = Value::undefined();
  h += 3;
  if (h >= q->length) {
    h = kFirstRequest;
    q->length = kFirstRequest;
  }
  q->data()[kHead] = Value::int32(int32_t(h));
}

Status settleHead(VM& vm, Value g, Value value, bool done, bool reject) {
  if (queueEmpty(vm, g)) return Status::True;
  int mode;
  Value v, promise;
  dequeue(vm, g, &mode, &v, &promise);
  Root p(vm.heap(), promise);
  if (reject) return rejectPromise(vm, p.get(), value);
  Value r = createIterResult(vm, value, done);
  if (r.isException()) return Status::Exception;
  return resolvePromise(vm, p.get(), r);
}

// AsyncGeneratorResumeNext, as a loop over the queued requests.
Value drain(VM& vm, Value g) {
  Root gen(vm.heap(), g);
  ValueArrayCell* q = queueOf(vm, g);
  if (!q || q->data()[kDraining].isTrue()) return Value::undefined();
  q->data()[kDraining] = Value::boolean(true);
  Value result = Value::undefined();
  while (!queueEmpty(vm, gen.get())) {
    auto* gc = vm.cell<GeneratorCell>(gen.get());
    int32_t state = gc->state.asInt();
    if (state == kExecuting || state == kAwaiting) break;
    q = queueOf(vm, gen.get());
    uint32_t h = uint32_t(q->data()[kHead].asInt());
    int mode = q->data()[h].asInt();
    Root value(vm.heap(), q->data()[h + 1]);
    if (state == kSuspendedStart && mode != 0) {
      gc->state = Value::int32(kCompleted);
      state = kCompleted;
    }
    if (state == kCompleted) {
      Status s = mode == 1 ? settleHead(vm, gen.get(), value.get(), true, true)
                           : settleHead(vm, gen.get(), mode == 2 ? value.get() : Value::undefined(), true, false);
      if (s == Status::Exception) {
        result = Value::exception();
        break;
      }
      continue;
    }
    // Resume the frame; asyncGeneratorStep settles the request when it yields or ends.
    Value r = vm.interpreter().resumeGenerator(gen.get(), value.get(), mode);
    if (r.isException()) {
      result = r;
      break;
    }
  }
  if (ValueArrayCell* qq = queueOf(vm, gen.get())) qq->data()[kDraining] = Value::boolean(false);
  return result;
}

Value asyncGeneratorStep(VM& vm, Value g, Value result) {
  Root gen(vm.heap(), g);
  Status s = Status::True;
  if (result.isException()) {
    if (vm.uncatchable()) return result;
    Root reason(vm.heap(), vm.takeException());
    s = settleHead(vm, gen.get(), reason.get(), true, true);
  } else {
    int32_t state = vm.cell<GeneratorCell>(g)->state.asInt();
    if (state == kAwaiting) return Value::undefined();
    Root r(vm.heap(), result);
    s = settleHead(vm, gen.get(), r.get(), state == kCompleted, false);
  }
  if (s == Status::Exception) return Value::exception();
  // Resumed from a promise job (an await): continue with queued requests.
  return drain(vm, gen.get());
}

Value request(VM& vm, CallInfo& info, int mode, const char* method) {
  Root promise(vm.heap(), KILN_TRY(newPromise(vm)));
  if (!isAsyncGeneratorObject(vm, info.thisValue)) {
    Root err(vm.heap(), newError(vm, ErrorType::TypeError,
                                 std::string(method) + " method called on incompatible receiver " + describe(vm, info.thisValue)));
    if (rejectPromise(vm, promise.get(), err.get()) == Status::Exception) return Value::exception();
    return promise.get();
  }
  if (enqueue(vm, info.thisValue, mode, info.arg(0), promise.get()) == Status::Exception) return Value::exception();
  KILN_TRY(drain(vm, info.thisValue));
  return promise.get();
}

// ---- %AsyncFromSyncIteratorPrototype% ----------------------------------------------
// Objects of kind Iterator with internal [sync iterator, its next method].

// AsyncFromSyncIteratorContinuation (§27.1.6.4): settles `promise` with the
// unwrapped iterator result.
Value continuation(VM& vm, Value result, Value promise) {
  Root r(vm.heap(), result), p(vm.heap(), promise);
  auto fail = [&]() -> Value {
    if (vm.uncatchable()) return Value::exception();
    Root reason(vm.heap(), vm.takeException());
    if (rejectPromise(vm, p.get(), reason.get()) == Status::Exception) return Value::exception();
    return p.get();
  };
  if (!r.get().isObject()) {
    vm.throwTypeError("Iterator result " + describe(vm, r.get()) + " is not an object");
    return fail();
  }
  Value d = get(vm, r.get(), vm.atom(Atom::done));
  if (d.isException()) return fail();
  bool done = toBoolean(vm, d);
  Value value = get(vm, r.get(), vm.atom(Atom::value));
  if (value.isException()) return fail();
  Root v(vm.heap(), value);
  Root wrapper(vm.heap(), KILN_TRY(newPromise(vm)));
  if (resolvePromise(vm, wrapper.get(), v.get()) == Status::Exception) return fail();
  Root onFulfilled(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::AsyncFromSyncUnwrap)));
  vm.cell<NativeFunctionCell>(onFulfilled.get())->data0 = Value::boolean(done);
  vm.cell<NativeFunctionCell>(onFulfilled.get())->data1 = p.get();
  Root onRejected(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::AsyncFromSyncReject)));
  vm.cell<NativeFunctionCell>(onRejected.get())->data1 = p.get();
  if (promiseThenNoCapability(vm, wrapper.get(), onFulfilled.get(), onRejected.get()) == Status::Exception)
    return Value::exception();
  return p.get();
}

Value asyncFromSyncCall(VM& vm, CallInfo& info, int mode) {
  Root promise(vm.heap(), KILN_TRY(newPromise(vm)));
  auto* it = vm.cell<InternalObjectCell>(info.thisValue);
  Root syncIter(vm.heap(), it->internal[0]);
  Value method;
  if (mode == 0) {
    method = it->internal[1];
  } else {
    method = getMethod(vm, syncIter.get(), mode == 2 ? vm.atom(Atom::return_) : vm.atom(Atom::throw_));
    if (method.isException()) {
      if (vm.uncatchable()) return method;
      Root reason(vm.heap(), vm.takeException());
      if (rejectPromise(vm, promise.get(), reason.get()) == Status::Exception) return Value::exception();
      return promise.get();
    }
    if (method.isUndefined()) {
      Status s;
      if (mode == 2) {
        Value r = KILN_TRY(createIterResult(vm, info.arg(0), true));
        s = resolvePromise(vm, promise.get(), r);
      } else {
        s = rejectPromise(vm, promise.get(), info.arg(0));
      }
      if (s == Status::Exception) return Value::exception();
      return promise.get();
    }
  }
  Value args[1] = {info.arg(0)};
  Value result = call(vm, method, syncIter.get(), {args, info.argc > 0 ? 1u : 0u});
  if (result.isException()) {
    if (vm.uncatchable()) return result;
    Root reason(vm.heap(), vm.takeException());
    if (rejectPromise(vm, promise.get(), reason.get()) == Status::Exception) return Value::exception();
    return promise.get();
  }
  return continuation(vm, result, promise.get());
}

Value createAsyncFromSyncIterator(VM& vm, Value syncIter, Value next) {
  Root s(vm.heap(), syncIter), n(vm.heap(), next);
  Value proto = vm.intrinsic(Intrinsic::AsyncFromSyncIteratorPrototype);
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell), proto));
  auto* c = vm.cell<InternalObjectCell>(it);
  c->internal[0] = s.get();
  c->internal[1] = n.get();
  return it;
}

}  // namespace

Value native_AsyncGeneratorProto_next(VM& vm, CallInfo& info) { return request(vm, info, 0, "next"); }
Value native_AsyncGeneratorProto_return(VM& vm, CallInfo& info) { return request(vm, info, 2, "return"); }
Value native_AsyncGeneratorProto_throw(VM& vm, CallInfo& info) { return request(vm, info, 1, "throw"); }

Value native_AsyncFromSyncIterProto_next(VM& vm, CallInfo& info) { return asyncFromSyncCall(vm, info, 0); }
Value native_AsyncFromSyncIterProto_return(VM& vm, CallInfo& info) { return asyncFromSyncCall(vm, info, 2); }
Value native_AsyncFromSyncIterProto_throw(VM& vm, CallInfo& info) { return asyncFromSyncCall(vm, info, 1); }

Value native_AsyncFromSyncUnwrap(VM& vm, CallInfo& info) {
  auto* f = vm.cell<NativeFunctionCell>(info.callee);
  bool done = f->data0.isTrue();
  Root p(vm.heap(), f->data1);
  Value r = KILN_TRY(createIterResult(vm, info.arg(0), done));
  if (resolvePromise(vm, p.get(), r) == Status::Exception) return Value::exception();
  return Value::undefined();
}

Value native_AsyncFromSyncReject(VM& vm, CallInfo& info) {
  Root p(vm.heap(), vm.cell<NativeFunctionCell>(info.callee)->data1);
  if (rejectPromise(vm, p.get(), info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

void attachAsyncIterationHooks(VM& vm) {
  vm.asyncGeneratorStep = &asyncGeneratorStep;
  vm.createAsyncFromSyncIterator = &createAsyncFromSyncIterator;
}

void installAsyncIteration(VM& vm) {
  attachAsyncIterationHooks(vm);
  Value asyncGenProto = vm.intrinsic(Intrinsic::AsyncGeneratorPrototype);
  if (asyncGenProto.isObject()) {
    Root p(vm.heap(), asyncGenProto);
    defineMethod(vm, p.get(), "next", NativeId::AsyncGeneratorProto_next);
    defineMethod(vm, p.get(), "return", NativeId::AsyncGeneratorProto_return);
    defineMethod(vm, p.get(), "throw", NativeId::AsyncGeneratorProto_throw);
  }
  Value asyncIterProto = vm.intrinsic(Intrinsic::AsyncIteratorPrototype);
  Root fromSync(vm.heap(), newObject(vm, asyncIterProto.isObject() ? asyncIterProto : vm.intrinsic(Intrinsic::ObjectPrototype)));
  if (fromSync.get().isException()) return;
  vm.setIntrinsic(Intrinsic::AsyncFromSyncIteratorPrototype, fromSync.get());
  defineMethod(vm, fromSync.get(), "next", NativeId::AsyncFromSyncIterProto_next);
  defineMethod(vm, fromSync.get(), "return", NativeId::AsyncFromSyncIterProto_return);
  defineMethod(vm, fromSync.get(), "throw", NativeId::AsyncFromSyncIterProto_throw);
}

}  // namespace kiln
