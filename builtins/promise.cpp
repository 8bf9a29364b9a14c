// Promise objects (ECMA-262 §27.2), the promise job queue (§9.5) and
// queueMicrotask. Layouts of promises, reaction records, jobs and the queue:
// builtins/promise.h.
#include "builtins/promise.h"

#include <time.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include "builtins/builtins.h"
#include "builtins/inspect.h"
#include "builtins/iterator.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/interpreter.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// ---- records ----------------------------------------------------------------------

enum ReactionSlot : uint32_t { kReactCapPromise = 0, kReactCapResolve, kReactCapReject, kReactOnFulfilled, kReactOnRejected, kReactionSize };

enum JobKind : int32_t {
  kFulfillJob = 0,  // [kind, reaction, argument]: NewPromiseReactionJob, fulfill side
  kRejectJob = 1,   // [kind, reaction, argument]: NewPromiseReactionJob, reject side
  kThenableJob = 2, // [kind, promiseToResolve, thenable, then]: NewPromiseResolveThenableJob
  kCallbackJob = 3, // [kind, callback]: queueMicrotask
  kTickJob = 4,     // [kind, callback, arguments (ValueArray) or undefined]: process.nextTick
};

// kQueueRunning: the job whose JS callback runs where checkpoint() may
// capture it (see finishCapturedJob), or undefined. kQueueTicks: node's
// nextTick queue, a growable ValueArray of kTickJob records (or undefined),
// consumed from index kQueueTickHead.
enum QueueSlot : uint32_t {
  kQueueHead = 0, kQueueRejections, kQueueRunning, kQueueTicks, kQueueTickHead, kQueueFirstJob
};

// The shared record of a combinator's element functions (Promise.all,
// allSettled, any): [[Values]] / [[Errors]] (a growable ValueArray),
// [[RemainingElements]], and the result capability.
enum CombinatorSlot : uint32_t { kCombValues = 0, kCombRemaining, kCombCapPromise, kCombCapResolve, kCombCapReject, kCombSize };

InternalObjectCell* promiseCell(VM& vm, Value p) { return vm.cell<InternalObjectCell>(p); }
ValueArrayCell* arr(VM& vm, Value v) { return vm.cell<ValueArrayCell>(v); }
NativeFunctionCell* nativeCell(VM& vm, Value f) { return vm.cell<NativeFunctionCell>(f); }

// The pending exception as a value JS code may see. False (and the exception
// left pending) for uncatchable conditions, which must unwind everything.
bool takeCatchable(VM& vm, Value* out) {
  if (vm.uncatchable()) return false;
  *out = vm.takeException();
  return true;
}

// A record (ValueArray) holding `values`: at most kMaxRecord of them.
constexpr uint32_t kMaxRecord = 5;
Value newRecord(VM& vm, std::initializer_list<Value> values) {
  assert(values.size() <= kMaxRecord);
  // The values may be unrooted temporaries of the caller: root them across the allocation.
  Value held[kMaxRecord];
  uint32_t n = 0;
  for (Value v : values) held[n++] = v;
  for (uint32_t i = 0; i < n; i++) vm.heap().pushRoot(&held[i]);
  Ref a = newValueArray(vm, n, n);
  for (uint32_t i = 0; i < n; i++) vm.heap().popRoot();
  if (!a) return Value::exception();
  std::copy(held, held + n, vm.cell<ValueArrayCell>(a)->data());
  return Value::cell(a);
}

Value atomOf(VM& vm, const char* name) { return atomFromUtf8(vm, name); }

// Invoke(V, P, args) (§7.3.22). The caller keeps `args` rooted.
Value invoke(VM& vm, Value v, Value key, std::span<const Value> args) {
  Root recv(vm.heap(), v);
  Value fn = KILN_TRY(getV(vm, v, key));
  return call(vm, fn, recv.get(), args);
}

// An anonymous built-in function (name "") whose data slots start undefined.
Value newAnonymousNative(VM& vm, NativeId id, int32_t length) {
  Value f = KILN_TRY(newNativeFunction(vm, uint32_t(id), vm.atom(Atom::empty), length));
  auto* c = vm.cell<NativeFunctionCell>(f);
  c->data0 = c->data1 = c->data2 = Value::undefined();
  return f;
}

// ---- the job queue ------------------------------------------------------------------

Value jobQueue(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (q.isCell()) return q;
  Ref a = newValueArray(vm, 64, kQueueFirstJob);
  if (!a) return Value::exception();
  auto* c = vm.cell<ValueArrayCell>(a);
  c->data()[kQueueHead] = Value::int32(kQueueFirstJob);
  c->data()[kQueueRejections] = Value::undefined();
  c->data()[kQueueRunning] = Value::undefined();
  c->data()[kQueueTicks] = Value::undefined();
  c->data()[kQueueTickHead] = Value::int32(0);
  vm.roots().jobQueue = Value::cell(a);
  return vm.roots().jobQueue;
}

// HostEnqueuePromiseJob: appends a job record to the FIFO.
Status enqueueJob(VM& vm, Value job) {
  Root j(vm.heap(), job);
  Value q = jobQueue(vm);
  if (q.isException()) return Status::Exception;
  auto* a = arr(vm, q);
  if (a->length == a->capacity) {
    uint32_t head = uint32_t(a->data()[kQueueHead].asInt());
    uint32_t live = a->length - head;
    if (head - kQueueFirstJob >= live) {
      // At least half the slots are spent: slide the live jobs down.
      std::memmove(a->data() + kQueueFirstJob, a->data() + head, live * sizeof(Value));
      for (uint32_t i = kQueueFirstJob + live; i < a->length; i++) a->data()[i] = Value::undefined();
      a->length = kQueueFirstJob + live;
      a->data()[kQueueHead] = Value::int32(kQueueFirstJob);
    } else {
      Ref grown = newValueArray(vm, a->capacity * 2, 0);
      if (!grown) return Status::Exception;
      a = arr(vm, vm.roots().jobQueue);
      auto* g = vm.cell<ValueArrayCell>(grown);
      std::memcpy(g->data(), a->data(), a->length * sizeof(Value));
      g->length = a->length;
      vm.roots().jobQueue = Value::cell(grown);
      a = g;
    }
  }
  a->data()[a->length++] = j.get();
  return Status::True;
}

// The next job, or empty when the queue is empty.
Value dequeueJob(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return Value::empty();
  auto* a = arr(vm, q);
  uint32_t head = uint32_t(a->data()[kQueueHead].asInt());
  if (head >= a->length) return Value::empty();
  Value job = a->data()[head];
  a->data()[head] = Value::undefined();
  head++;
  if (head == a->length) {
    head = kQueueFirstJob;
    a->length = kQueueFirstJob;
  }
  a->data()[kQueueHead] = Value::int32(int32_t(head));
  return job;
}

Status enqueueReactionJob(VM& vm, JobKind kind, Value reaction, Value argument) {
  Value job = newRecord(vm, {Value::int32(kind), reaction, argument});
  if (job.isException()) return Status::Exception;
  return enqueueJob(vm, job);
}

// ---- HostPromiseRejectionTracker (§27.2.1.9) ------------------------------------------

Status trackRejection(VM& vm, Value promise) {
  Root p(vm.heap(), promise);
  Value q = jobQueue(vm);
  if (q.isException()) return Status::Exception;
  Value list = listAppend(vm, arr(vm, q)->data()[kQueueRejections], p.get());
  if (list.isException()) return Status::Exception;
  arr(vm, vm.roots().jobQueue)->data()[kQueueRejections] = list;
  return Status::True;
}

// "handle": a handler was added to a rejected promise; if it was still
// waiting to be reported, it no longer is.
void untrackRejection(VM& vm, Value promise) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return;
  Value list = arr(vm, q)->data()[kQueueRejections];
  if (!list.isCell()) return;
  auto* l = arr(vm, list);
  for (uint32_t i = 0; i < l->length; i++) {
    if (l->data()[i] != promise) continue;
    std::memmove(l->data() + i, l->data() + i + 1, (l->length - i - 1) * sizeof(Value));
    l->data()[--l->length] = Value::undefined();
    return;
  }
}

// ---- settling (§27.2.1.4 FulfillPromise, §27.2.1.7 RejectPromise, §27.2.1.8 TriggerPromiseReactions) ----

Status settle(VM& vm, Value promise, Value value, PromiseState state) {
  Root p(vm.heap(), promise), v(vm.heap(), value);
  auto* pc = promiseCell(vm, promise);
  Root first(vm.heap(), pc->internal[kPromiseReactions]), more(vm.heap(), pc->internal[kPromiseMoreReactions]);
  pc->internal[kPromiseResult] = value;
  pc->internal[kPromiseReactions] = Value::undefined();
  pc->internal[kPromiseMoreReactions] = Value::undefined();
  pc->internal[kPromiseState] = Value::int32(state);
  if (state == kPromiseRejected && !pc->internal[kPromiseIsHandled].isTrue()) {
    if (trackRejection(vm, p.get()) == Status::Exception) return Status::Exception;
  }
  JobKind kind = state == kPromiseFulfilled ? kFulfillJob : kRejectJob;
  if (first.get().isCell() && enqueueReactionJob(vm, kind, first.get(), v.get()) == Status::Exception)
    return Status::Exception;
  for (uint32_t i = 0; more.get().isCell() && i < arr(vm, more.get())->length; i++) {
    Value reaction = arr(vm, more.get())->data()[i];
    if (enqueueReactionJob(vm, kind, reaction, v.get()) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

// ---- CreateResolvingFunctions (§27.2.1.3) -----------------------------------------------
//
// The [[AlreadyResolved]] record both functions share is the pair itself:
// each function's data0 is the promise and data1 its sibling; the first call
// of either clears data0 in both.

Status createResolvingFunctions(VM& vm, Value promise, Root* resolveOut, Root* rejectOut) {
  Root p(vm.heap(), promise);
  Value resolve = newAnonymousNative(vm, NativeId::PromiseResolveFunction, 1);
  if (resolve.isException()) return Status::Exception;
  resolveOut->set(resolve);
  Value reject = newAnonymousNative(vm, NativeId::PromiseRejectFunction, 1);
  if (reject.isException()) return Status::Exception;
  rejectOut->set(reject);
  auto* rs = nativeCell(vm, resolveOut->get());
  auto* rj = nativeCell(vm, rejectOut->get());
  rs->data0 = rj->data0 = p.get();
  rs->data1 = rejectOut->get();
  rj->data1 = resolveOut->get();
  return Status::True;
}

// Marks the pair already resolved; returns the promise (undefined if it already was).
Value takeResolvingTarget(VM& vm, Value fn) {
  auto* f = nativeCell(vm, fn);
  Value promise = f->data0;
  if (promise.isUndefined()) return promise;
  f->data0 = Value::undefined();
  if (f->data1.isObject()) nativeCell(vm, f->data1)->data0 = Value::undefined();
  return promise;
}

// ---- capabilities (§27.2.1.1 PromiseCapability Records, §27.2.1.5 NewPromiseCapability) ----

struct Capability {
  explicit Capability(Heap& h) : promise(h), resolve(h), reject(h) {}
  Root promise, resolve, reject;
  // A direct capability: a fresh %Promise% settled without function objects.
  bool direct() const { return resolve.get().isUndefined(); }
};

// NewPromiseCapability(C). With `allowDirect`, a capability of %Promise%
// itself skips creating the resolving functions: only for callers that never
// hand them to JS and call them at most once (then, Promise.resolve/reject).
Status newPromiseCapability(VM& vm, Value c, Capability* cap, bool allowDirect) {
  if (c == vm.intrinsic(Intrinsic::Promise)) {
    // Construct(%Promise%, «executor») observes nothing (%Promise%.prototype
    // is non-writable and non-configurable): create the promise directly.
    Value p = newPromise(vm);
    if (p.isException()) return Status::Exception;
    cap->promise.set(p);
    if (allowDirect) return Status::True;
    return createResolvingFunctions(vm, p, &cap->resolve, &cap->reject);
  }
  if (!isConstructor(vm, c)) {
    vm.throwTypeError(describe(vm, c) + " is not a constructor");
    return Status::Exception;
  }
  Root ctor(vm.heap(), c);
  Value exec = newAnonymousNative(vm, NativeId::PromiseCapabilityExecutor, 2);
  if (exec.isException()) return Status::Exception;
  Root executor(vm.heap(), exec);
  Value args[] = {executor.get()};
  Value p = construct(vm, ctor.get(), args);
  if (p.isException()) return Status::Exception;
  cap->promise.set(p);
  auto* e = nativeCell(vm, executor.get());
  cap->resolve.set(e->data0);
  cap->reject.set(e->data1);
  if (!isCallable(vm, cap->resolve.get()) || !isCallable(vm, cap->reject.get())) {
    vm.throwTypeError("Promise resolve or reject function is not callable");
    return Status::Exception;
  }
  return Status::True;
}

Status capabilitySettle(VM& vm, Capability& cap, Value v, bool reject) {
  if (cap.direct()) return reject ? rejectPromise(vm, cap.promise.get(), v) : resolvePromise(vm, cap.promise.get(), v);
  Root arg(vm.heap(), v);
  Value args[] = {arg.get()};
  Value r = call(vm, reject ? cap.reject.get() : cap.resolve.get(), Value::undefined(), args);
  return r.isException() ? Status::Exception : Status::True;
}

// IfAbruptRejectPromise (§27.2.1.1.1): the pending exception rejects the
// capability's promise, which is returned.
Value rejectWithPending(VM& vm, Capability& cap) {
  Value e;
  if (!takeCatchable(vm, &e)) return Value::exception();
  if (capabilitySettle(vm, cap, e, true) == Status::Exception) return Value::exception();
  return cap.promise.get();
}

// PerformPromiseThen (§27.2.5.4.1) with handlers already checked (undefined,
// a callable, or an Await continuation) and a capability (promise undefined: none).
Status performPromiseThen(VM& vm, Value promise, Value onFulfilled, Value onRejected, Value capPromise,
                          Value capResolve, Value capReject) {
  Root p(vm.heap(), promise);
  Value reaction = newRecord(vm, {capPromise, capResolve, capReject, onFulfilled, onRejected});
  if (reaction.isException()) return Status::Exception;
  Root r(vm.heap(), reaction);
  auto* pc = promiseCell(vm, p.get());
  int32_t state = pc->internal[kPromiseState].asInt();
  if (state == kPromisePending) {
    if (pc->internal[kPromiseReactions].isUndefined()) {
      pc->internal[kPromiseReactions] = r.get();
    } else {
      Value list = listAppend(vm, pc->internal[kPromiseMoreReactions], r.get());
      if (list.isException()) return Status::Exception;
      promiseCell(vm, p.get())->internal[kPromiseMoreReactions] = list;
    }
  } else if (state == kPromiseFulfilled) {
    if (enqueueReactionJob(vm, kFulfillJob, r.get(), pc->internal[kPromiseResult]) == Status::Exception)
      return Status::Exception;
  } else {
    if (!pc->internal[kPromiseIsHandled].isTrue()) untrackRejection(vm, p.get());
    if (enqueueReactionJob(vm, kRejectJob, r.get(), pc->internal[kPromiseResult]) == Status::Exception)
      return Status::Exception;
  }
  promiseCell(vm, p.get())->internal[kPromiseIsHandled] = Value::boolean(true);
  return Status::True;
}

Value callableOrUndefined(VM& vm, Value f) { return isCallable(vm, f) ? f : Value::undefined(); }

// PromiseResolve(C, x) (§27.2.4.7.1).
Value promiseResolve(VM& vm, Value c, Value x) {
  Root ctor(vm.heap(), c), value(vm.heap(), x);
  if (isPromise(vm, x)) {
    Value xc = KILN_TRY(get(vm, x, vm.atom(Atom::constructor)));
    if (sameValue(vm, xc, ctor.get())) return value.get();
  }
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, ctor.get(), &cap, true) == Status::Exception) return Value::exception();
  if (capabilitySettle(vm, cap, value.get(), false) == Status::Exception) return Value::exception();
  return cap.promise.get();
}

// ---- jobs (§27.2.2) ---------------------------------------------------------------------

// Under the program's event loop (no native frame below), a job's JS
// callback can be captured by checkpoint(): the job is then in the queue
// record, and a resumed program finishes what follows the call
// (finishCapturedJob).
class CapturableJob {
 public:
  CapturableJob(VM& vm, Value job) : vm_(vm), active_(vm.drivingEventLoop && vm.nativeDepth == 0) {
    if (!active_) return;
    saved_ = vm.capturableDepth;
    vm.capturableDepth = 1;
    arr(vm, vm.roots().jobQueue)->data()[kQueueRunning] = job;
  }
  ~CapturableJob() {
    if (!active_) return;
    vm_.capturableDepth = saved_;
    arr(vm_, vm_.roots().jobQueue)->data()[kQueueRunning] = Value::undefined();
  }
  CapturableJob(const CapturableJob&) = delete;
  CapturableJob& operator=(const CapturableJob&) = delete;

 private:
  VM& vm_;
  bool active_;
  uint32_t saved_ = 0;
};

// The handler's outcome (`result`, abrupt or not) settles the reaction's
// derived capability.
Value settleReaction(VM& vm, Value reaction, Value result, bool abrupt) {
  Root r(vm.heap(), reaction), res(vm.heap(), result);
  auto* rc = arr(vm, reaction);
  Value capPromise = rc->data()[kReactCapPromise];
  if (capPromise.isUndefined()) {
    // No capability (Await-style): the handler's value is dropped. A throw
    // here has nowhere to go but the host.
    if (abrupt) return vm.throwValue(res.get());
    return Value::undefined();
  }
  Value settleFn = rc->data()[abrupt ? kReactCapReject : kReactCapResolve];
  if (rc->data()[kReactCapResolve].isUndefined()) {
    Status s = abrupt ? rejectPromise(vm, capPromise, res.get()) : resolvePromise(vm, capPromise, res.get());
    return s == Status::Exception ? Value::exception() : Value::undefined();
  }
  Value args[] = {res.get()};
  KILN_TRY(call(vm, settleFn, Value::undefined(), args));
  return Value::undefined();
}

// A handler call's completion (its value, or exception) as settleReaction
// takes it. False when the exception is uncatchable.
bool handlerCompletion(VM& vm, Value v, Value* result, bool* abrupt) {
  if (!v.isException()) {
    *result = v;
    *abrupt = false;
    return true;
  }
  *abrupt = true;
  return takeCatchable(vm, result);
}

// NewPromiseReactionJob's job: the handler's outcome settles the derived capability.
Value runReactionJob(VM& vm, Value job, Value reaction, Value argument, bool rejected) {
  Root r(vm.heap(), reaction), arg(vm.heap(), argument);
  Value handler = arr(vm, reaction)->data()[rejected ? kReactOnRejected : kReactOnFulfilled];
  if (handler.isObject() && kindOf(vm, handler) == CellKind::Generator) {
    // An Await continuation: resume the async function with the outcome.
    // Nothing is left to do here after an async function's frame returns, so
    // under the program's event loop it can be captured (checkpoint()); an
    // async generator's step still has work in C++.
    uint32_t capturable = vm.capturableDepth;
    if (vm.drivingEventLoop && vm.nativeDepth == 0 && !isAsyncGeneratorObject(vm, handler)) vm.capturableDepth = 1;
    Value res = vm.interpreter().resumeGenerator(handler, arg.get(), rejected ? 1 : 0);
    vm.capturableDepth = capturable;
    return res.isException() ? res : Value::undefined();
  }
  if (handler.isUndefined()) return settleReaction(vm, r.get(), arg.get(), rejected);
  Value args[] = {arg.get()};
  Value v;
  {
    CapturableJob capture(vm, job);
    v = call(vm, handler, Value::undefined(), args);
  }
  Value result;
  bool abrupt;
  if (!handlerCompletion(vm, v, &result, &abrupt)) return Value::exception();
  return settleReaction(vm, r.get(), result, abrupt);
}

// NewPromiseResolveThenableJob's job: thenable.then(resolve, reject) with
// fresh resolving functions for the promise.
Value runThenableJob(VM& vm, Value promise, Value thenable, Value then) {
  Root p(vm.heap(), promise), t(vm.heap(), thenable), fn(vm.heap(), then);
  Root resolve(vm.heap()), reject(vm.heap());
  if (createResolvingFunctions(vm, p.get(), &resolve, &reject) == Status::Exception) return Value::exception();
  Value args[] = {resolve.get(), reject.get()};
  Value r = call(vm, fn.get(), t.get(), args);
  if (!r.isException()) return Value::undefined();
  Value e;
  if (!takeCatchable(vm, &e)) return Value::exception();
  Root err(vm.heap(), e);
  Value rargs[] = {err.get()};
  KILN_TRY(call(vm, reject.get(), Value::undefined(), rargs));
  return Value::undefined();
}

Value runJob(VM& vm, Value job) {
  Root j(vm.heap(), job);
  auto* a = arr(vm, job);
  switch (a->data()[0].asInt()) {
    case kFulfillJob:
    case kRejectJob:
      return runReactionJob(vm, j.get(), a->data()[1], a->data()[2], a->data()[0].asInt() == kRejectJob);
    case kThenableJob:
      return runThenableJob(vm, a->data()[1], a->data()[2], a->data()[3]);
    case kCallbackJob: {
      CapturableJob capture(vm, j.get());
      KILN_TRY(call(vm, arr(vm, j.get())->data()[1], Value::undefined()));
      return Value::undefined();
    }
    case kTickJob: {
      Value args = a->data()[2];
      Root held(vm.heap(), args);
      uint32_t n = args.isCell() ? arr(vm, args)->length : 0;
      CapturableJob capture(vm, j.get());
      // call() copies the arguments onto the VM stack before anything allocates.
      std::span<const Value> list = n ? std::span<const Value>(arr(vm, held.get())->data(), n) : std::span<const Value>();
      KILN_TRY(call(vm, arr(vm, j.get())->data()[1], Value::undefined(), list));
      return Value::undefined();
    }
    default:
      return vm.throwTypeError("corrupt job record");
  }
}

uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// HostReportErrors: an error no JS code can catch any more.
void reportJobError(VM& vm) {
  Root e(vm.heap(), vm.takeException());
  std::string text = inspect(vm, e.get());
  if (vm.hasException()) {
    vm.takeException();
    text = describe(vm, e.get());
  }
  if (vm.write) vm.write(2, "Uncaught " + text + "\n");
}

// ---- hooks ---------------------------------------------------------------------------------

Value hookNewPromise(VM& vm) { return newPromise(vm); }
Status hookResolve(VM& vm, Value promise, Value resolution) { return resolvePromise(vm, promise, resolution); }
Status hookReject(VM& vm, Value promise, Value reason) { return rejectPromise(vm, promise, reason); }

// Await (§27.7.5.3) steps 2-9.
Status hookAwait(VM& vm, Value generator, Value v) {
  Root gen(vm.heap(), generator);
  Value promise = promiseResolve(vm, vm.intrinsic(Intrinsic::Promise), v);
  if (promise.isException()) return Status::Exception;
  return performPromiseThen(vm, promise, gen.get(), gen.get(), Value::undefined(), Value::undefined(),
                            Value::undefined());
}

Value hookRunJobs(VM& vm) { return drainJobs(vm, JobErrors::Report); }

Value hookTakeUnhandledRejections(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return Value::undefined();
  Value list = arr(vm, q)->data()[kQueueRejections];
  if (!list.isCell() || arr(vm, list)->length == 0) return Value::undefined();
  Root l(vm.heap(), list);
  uint32_t n = arr(vm, list)->length;
  Ref reasons = newValueArray(vm, n, n);
  if (!reasons) return Value::exception();
  for (uint32_t i = 0; i < n; i++)
    vm.cell<ValueArrayCell>(reasons)->data()[i] = promiseCell(vm, arr(vm, l.get())->data()[i])->internal[kPromiseResult];
  arr(vm, vm.roots().jobQueue)->data()[kQueueRejections] = Value::undefined();
  return Value::cell(reasons);
}

}  // namespace

const PromiseHooks kPromiseHooks = {
    hookNewPromise, hookResolve, hookReject, hookAwait, hookRunJobs, hookTakeUnhandledRejections,
    promiseThenNoCapability,
};

// ---- exported operations -------------------------------------------------------------------

bool isPromise(VM& vm, Value v) { return v.isObject() && kindOf(vm, v) == CellKind::Promise; }

Value newPromise(VM& vm) {
  Value p = KILN_TRY(newObjectOfKind(vm, CellKind::Promise, sizeof(InternalObjectCell),
                                     vm.intrinsic(Intrinsic::PromisePrototype)));
  auto* pc = promiseCell(vm, p);
  for (Value& v : pc->internal) v = Value::undefined();
  pc->internal[kPromiseState] = Value::int32(kPromisePending);
  pc->internal[kPromiseIsHandled] = Value::boolean(false);
  return p;
}

// The steps of a promise's resolve function after [[AlreadyResolved]] (§27.2.1.3.2 steps 7-16).
Status resolvePromise(VM& vm, Value promise, Value resolution) {
  Root p(vm.heap(), promise), res(vm.heap(), resolution);
  if (promiseCell(vm, promise)->internal[kPromiseState].asInt() != kPromisePending) return Status::True;
  if (resolution == promise) {
    Value err = newError(vm, ErrorType::TypeError, "Chaining cycle detected for promise #<Promise>");
    if (err.isException()) return Status::Exception;
    return settle(vm, p.get(), err, kPromiseRejected);
  }
  if (!resolution.isObject()) return settle(vm, p.get(), resolution, kPromiseFulfilled);
  Value then = get(vm, resolution, vm.atom(Atom::then));
  if (then.isException()) {
    Value e;
    if (!takeCatchable(vm, &e)) return Status::Exception;
    return settle(vm, p.get(), e, kPromiseRejected);
  }
  if (!isCallable(vm, then)) return settle(vm, p.get(), res.get(), kPromiseFulfilled);
  Value job = newRecord(vm, {Value::int32(kThenableJob), p.get(), res.get(), then});
  if (job.isException()) return Status::Exception;
  return enqueueJob(vm, job);
}

Status rejectPromise(VM& vm, Value promise, Value reason) {
  if (promiseCell(vm, promise)->internal[kPromiseState].asInt() != kPromisePending) return Status::True;
  return settle(vm, promise, reason, kPromiseRejected);
}

Status promiseThenNoCapability(VM& vm, Value promise, Value onFulfilled, Value onRejected) {
  return performPromiseThen(vm, promise, callableOrUndefined(vm, onFulfilled), callableOrUndefined(vm, onRejected),
                            Value::undefined(), Value::undefined(), Value::undefined());
}

Status enqueueCallbackJob(VM& vm, Value callback) {
  Value job = newRecord(vm, {Value::int32(kCallbackJob), callback});
  if (job.isException()) return Status::Exception;
  return enqueueJob(vm, job);
}

Value drainJobs(VM& vm, JobErrors mode) {
  for (uint32_t n = 1;; n++) {
    Value job = dequeueJob(vm);
    if (job.isEmpty()) return Value::undefined();
    if (runJob(vm, job).isException()) {
      if (vm.uncatchable() || mode == JobErrors::Stop) return Value::exception();
      reportJobError(vm);
    }
    // A program that keeps enqueueing jobs never returns to the host loop,
    // so the deadline (test262's timeout) is checked here too.
    if (vm.deadlineNs != 0 && (n & 1023) == 0 && monotonicNs() >= vm.deadlineNs) return vm.throwTimedOut();
  }
}

Status enqueueTick(VM& vm, Value callback, Value args) {
  Root cb(vm.heap(), callback), a(vm.heap(), args);
  if (jobQueue(vm).isException()) return Status::Exception;
  Value tick = newRecord(vm, {Value::int32(kTickJob), cb.get(), a.get()});
  if (tick.isException()) return Status::Exception;
  Value list = listAppend(vm, arr(vm, vm.roots().jobQueue)->data()[kQueueTicks], tick);
  if (list.isException()) return Status::Exception;
  arr(vm, vm.roots().jobQueue)->data()[kQueueTicks] = list;
  return Status::True;
}

namespace {

// The next nextTick record, or empty.
Value dequeueTick(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return Value::empty();
  Value* slots = arr(vm, q)->data();
  if (!slots[kQueueTicks].isCell()) return Value::empty();
  auto* list = arr(vm, slots[kQueueTicks]);
  uint32_t head = uint32_t(slots[kQueueTickHead].asInt());
  if (head >= list->length) {
    slots[kQueueTicks] = Value::undefined();
    slots[kQueueTickHead] = Value::int32(0);
    return Value::empty();
  }
  Value tick = list->data()[head];
  list->data()[head] = Value::undefined();
  slots[kQueueTickHead] = Value::int32(int32_t(head + 1));
  return tick;
}

bool hasTicks(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return false;
  Value* slots = arr(vm, q)->data();
  return slots[kQueueTicks].isCell() && uint32_t(slots[kQueueTickHead].asInt()) < arr(vm, slots[kQueueTicks])->length;
}

}  // namespace

Value drainTicksAndJobs(VM& vm, bool jobsFirst) {
  if (jobsFirst) KILN_TRY(drainJobs(vm, JobErrors::Stop));
  do {
    for (;;) {
      Value tick = dequeueTick(vm);
      if (tick.isEmpty()) break;
      KILN_TRY(runJob(vm, tick));
    }
    KILN_TRY(drainJobs(vm, JobErrors::Stop));
  } while (hasTicks(vm));
  return Value::undefined();
}

Value finishCapturedJob(VM& vm, Value result) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell() || !arr(vm, q)->data()[kQueueRunning].isCell()) return result;
  Root job(vm.heap(), arr(vm, q)->data()[kQueueRunning]);
  arr(vm, q)->data()[kQueueRunning] = Value::undefined();
  auto* a = arr(vm, job.get());
  int32_t kind = a->data()[0].asInt();
  if (kind == kCallbackJob || kind == kTickJob) return result;  // an error is uncaught
  Value value;
  bool abrupt;
  if (!handlerCompletion(vm, result, &value, &abrupt)) return Value::exception();
  return settleReaction(vm, arr(vm, job.get())->data()[1], value, abrupt);
}

bool hasUnhandledRejections(VM& vm) {
  Value q = vm.roots().jobQueue;
  if (!q.isCell()) return false;
  Value list = arr(vm, q)->data()[kQueueRejections];
  return list.isCell() && arr(vm, list)->length > 0;
}

// ---- resolving functions and the capability executor ----------------------------------------

// §27.2.1.3.2 Promise Resolve Functions
Value native_PromiseResolveFunction(VM& vm, CallInfo& info) {
  Value promise = takeResolvingTarget(vm, info.callee);
  if (promise.isUndefined()) return Value::undefined();
  if (resolvePromise(vm, promise, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

// §27.2.1.3.1 Promise Reject Functions
Value native_PromiseRejectFunction(VM& vm, CallInfo& info) {
  Value promise = takeResolvingTarget(vm, info.callee);
  if (promise.isUndefined()) return Value::undefined();
  if (rejectPromise(vm, promise, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

// §27.2.1.5.1 GetCapabilitiesExecutor Functions: data0/data1 are [[Resolve]]/[[Reject]].
Value native_PromiseCapabilityExecutor(VM& vm, CallInfo& info) {
  auto* f = nativeCell(vm, info.callee);
  if (!f->data0.isUndefined() || !f->data1.isUndefined())
    return vm.throwTypeError("Promise executor has already been invoked with non-undefined arguments");
  f->data0 = info.arg(0);
  f->data1 = info.arg(1);
  return Value::undefined();
}

// ---- the constructor --------------------------------------------------------------------------

// §27.2.3.1 Promise ( executor )
Value native_Promise(VM& vm, CallInfo& info) {
  if (!info.isConstructCall()) return vm.throwTypeError("Promise constructor cannot be invoked without 'new'");
  Value executor = info.arg(0);
  if (!isCallable(vm, executor)) return vm.throwTypeError("Promise resolver " + describe(vm, executor) + " is not a function");
  Root promise(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::PromisePrototype,
                                                                  CellKind::Promise, sizeof(InternalObjectCell))));
  auto* pc = promiseCell(vm, promise.get());
  for (Value& v : pc->internal) v = Value::undefined();
  pc->internal[kPromiseState] = Value::int32(kPromisePending);
  pc->internal[kPromiseIsHandled] = Value::boolean(false);
  Root resolve(vm.heap()), reject(vm.heap());
  if (createResolvingFunctions(vm, promise.get(), &resolve, &reject) == Status::Exception) return Value::exception();
  Value args[] = {resolve.get(), reject.get()};
  if (call(vm, info.arg(0), Value::undefined(), args).isException()) {
    Value e;
    if (!takeCatchable(vm, &e)) return Value::exception();
    Root err(vm.heap(), e);
    Value rargs[] = {err.get()};
    KILN_TRY(call(vm, reject.get(), Value::undefined(), rargs));
  }
  return promise.get();
}

// §27.2.4.9 get Promise [ @@species ]
Value native_PromiseSpecies(VM&, CallInfo& info) { return info.thisValue; }

// §27.2.4.6 Promise.reject ( r )
Value native_PromiseReject(VM& vm, CallInfo& info) {
  if (!info.thisValue.isObject()) return vm.throwTypeError("PromiseReject called on non-object");
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, info.thisValue, &cap, true) == Status::Exception) return Value::exception();
  if (capabilitySettle(vm, cap, info.arg(0), true) == Status::Exception) return Value::exception();
  return cap.promise.get();
}

// §27.2.4.7 Promise.resolve ( x )
Value native_PromiseResolve(VM& vm, CallInfo& info) {
  if (!info.thisValue.isObject()) return vm.throwTypeError("PromiseResolve called on non-object");
  return promiseResolve(vm, info.thisValue, info.arg(0));
}

// §27.2.4.8 Promise.withResolvers ( )
Value native_PromiseWithResolvers(VM& vm, CallInfo& info) {
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, info.thisValue, &cap, false) == Status::Exception) return Value::exception();
  Root obj(vm.heap(), KILN_TRY(newObject(vm)));
  const char* names[] = {"promise", "resolve", "reject"};
  Root* values[] = {&cap.promise, &cap.resolve, &cap.reject};
  for (int i = 0; i < 3; i++) {
    Value key = KILN_TRY(atomOf(vm, names[i]));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, obj.get(), key, values[i]->get()));
  }
  return obj.get();
}

// Promise.try ( callback, ...args ) (ES2025 §27.2.4.8)
Value native_PromiseTry(VM& vm, CallInfo& info) {
  if (!info.thisValue.isObject()) return vm.throwTypeError("Promise.try called on non-object");
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, info.thisValue, &cap, false) == Status::Exception) return Value::exception();
  std::span<const Value> rest = info.argc > 1 ? std::span<const Value>(info.argv + 1, info.argc - 1) : std::span<const Value>();
  Value r = call(vm, info.arg(0), Value::undefined(), rest);
  if (r.isException()) return rejectWithPending(vm, cap);
  if (capabilitySettle(vm, cap, r, false) == Status::Exception) return Value::exception();
  return cap.promise.get();
}

// ---- Promise.prototype ---------------------------------------------------------------------------

// §27.2.5.4 Promise.prototype.then ( onFulfilled, onRejected )
Value native_PromiseProtoThen(VM& vm, CallInfo& info) {
  Value promise = info.thisValue;
  if (!isPromise(vm, promise))
    return vm.throwTypeError("Method Promise.prototype.then called on incompatible receiver " + describe(vm, promise));
  Value c = KILN_TRY(speciesConstructor(vm, promise, vm.intrinsic(Intrinsic::Promise)));
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, c, &cap, true) == Status::Exception) return Value::exception();
  if (performPromiseThen(vm, info.thisValue, callableOrUndefined(vm, info.arg(0)), callableOrUndefined(vm, info.arg(1)),
                         cap.promise.get(), cap.resolve.get(), cap.reject.get()) == Status::Exception)
    return Value::exception();
  return cap.promise.get();
}

// §27.2.5.1 Promise.prototype.catch ( onRejected )
Value native_PromiseProtoCatch(VM& vm, CallInfo& info) {
  Value args[] = {Value::undefined(), info.arg(0)};
  return invoke(vm, info.thisValue, vm.atom(Atom::then), args);
}

// §27.2.5.3 Promise.prototype.finally ( onFinally )
Value native_PromiseProtoFinally(VM& vm, CallInfo& info) {
  Value promise = info.thisValue;
  if (!promise.isObject()) return vm.throwTypeError("Promise.prototype.finally called on non-object");
  Root c(vm.heap(), KILN_TRY(speciesConstructor(vm, promise, vm.intrinsic(Intrinsic::Promise))));
  Root thenFinally(vm.heap(), info.arg(0)), catchFinally(vm.heap(), info.arg(0));
  if (isCallable(vm, info.arg(0))) {
    thenFinally.set(KILN_TRY(newAnonymousNative(vm, NativeId::PromiseThenFinally, 1)));
    catchFinally.set(KILN_TRY(newAnonymousNative(vm, NativeId::PromiseCatchFinally, 1)));
    for (Value f : {thenFinally.get(), catchFinally.get()}) {
      nativeCell(vm, f)->data0 = info.arg(0);
      nativeCell(vm, f)->data1 = c.get();
    }
  }
  Value args[] = {thenFinally.get(), catchFinally.get()};
  return invoke(vm, info.thisValue, vm.atom(Atom::then), args);
}

namespace {

// Then Finally / Catch Finally functions (§27.2.5.3 steps 6.a, 6.c): data0 onFinally, data1 C.
Value finallyReaction(VM& vm, CallInfo& info, NativeId continuation) {
  auto* f = nativeCell(vm, info.callee);
  Root c(vm.heap(), f->data1);
  Value result = KILN_TRY(call(vm, f->data0, Value::undefined()));
  Root p(vm.heap(), KILN_TRY(promiseResolve(vm, c.get(), result)));
  Value thunk = KILN_TRY(newAnonymousNative(vm, continuation, 0));
  nativeCell(vm, thunk)->data0 = info.arg(0);
  Root t(vm.heap(), thunk);
  Value args[] = {t.get()};
  return invoke(vm, p.get(), vm.atom(Atom::then), args);
}

}  // namespace

Value native_PromiseThenFinally(VM& vm, CallInfo& info) { return finallyReaction(vm, info, NativeId::PromiseValueThunk); }
Value native_PromiseCatchFinally(VM& vm, CallInfo& info) { return finallyReaction(vm, info, NativeId::PromiseThrower); }
Value native_PromiseValueThunk(VM& vm, CallInfo& info) { return nativeCell(vm, info.callee)->data0; }
Value native_PromiseThrower(VM& vm, CallInfo& info) { return vm.throwValue(nativeCell(vm, info.callee)->data0); }

// ---- combinators (§27.2.4.1-27.2.4.5) ---------------------------------------------------------------

namespace {

enum class Combinator { All, AllSettled, Any, Race };

// The element function of a combinator for `index`: data0 the shared
// record, data1 the index ([[AlreadyCalled]]: data1 becomes undefined),
// data2 the sibling that shares [[AlreadyCalled]] (allSettled) or undefined.
Value newElementFunction(VM& vm, NativeId id, Value record, uint32_t index) {
  Root rec(vm.heap(), record);
  Value f = KILN_TRY(newAnonymousNative(vm, id, 1));
  nativeCell(vm, f)->data0 = rec.get();
  nativeCell(vm, f)->data1 = Value::number(double(index));
  return f;
}

// Takes [[AlreadyCalled]]: the index, or -1 if it was already called.
double takeElementIndex(VM& vm, Value fn) {
  auto* f = nativeCell(vm, fn);
  if (f->data1.isUndefined()) return -1;
  double index = f->data1.toDouble();
  f->data1 = Value::undefined();
  if (f->data2.isObject()) nativeCell(vm, f->data2)->data1 = Value::undefined();
  return index;
}

Value newAggregateError(VM& vm, Value errorsList) {
  Root list(vm.heap(), errorsList);
  Root err(vm.heap(), KILN_TRY(newError(vm, ErrorType::AggregateError, "All promises were rejected")));
  auto* l = arr(vm, list.get());
  Value array = KILN_TRY(newArrayFrom(vm, std::span<const Value>(l->data(), l->length)));
  defineValue(vm, err.get(), vm.atom(Atom::errors), array, kWritable | kConfigurable);
  return err.get();
}

// Stores `v` at [[Values]][index] and counts the element down; when none is
// left, settles the capability (with the values array, or for `any` with an
// AggregateError of them).
Value completeElement(VM& vm, Value record, double index, Value v, bool rejectWithAggregate) {
  Root rec(vm.heap(), record);
  auto* r = arr(vm, record);
  arr(vm, r->data()[kCombValues])->data()[uint32_t(index)] = v;
  int32_t remaining = r->data()[kCombRemaining].asInt() - 1;
  r->data()[kCombRemaining] = Value::int32(remaining);
  if (remaining != 0) return Value::undefined();
  Value result;
  if (rejectWithAggregate) {
    result = KILN_TRY(newAggregateError(vm, arr(vm, rec.get())->data()[kCombValues]));
  } else {
    auto* values = arr(vm, arr(vm, rec.get())->data()[kCombValues]);
    result = KILN_TRY(newArrayFrom(vm, std::span<const Value>(values->data(), values->length)));
  }
  Root res(vm.heap(), result);
  Value args[] = {res.get()};
  return call(vm, arr(vm, rec.get())->data()[rejectWithAggregate ? kCombCapReject : kCombCapResolve],
              Value::undefined(), args);
}

// An allSettled result object: { status, value } or { status, reason }.
Value settledRecord(VM& vm, bool fulfilled, Value v) {
  Root val(vm.heap(), v);
  Root o(vm.heap(), KILN_TRY(newObject(vm)));
  Value statusKey = KILN_TRY(atomOf(vm, "status"));
  Root sk(vm.heap(), statusKey);
  Value status = KILN_TRY(atomOf(vm, fulfilled ? "fulfilled" : "rejected"));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, o.get(), sk.get(), status));
  Value key = fulfilled ? vm.atom(Atom::value) : KILN_TRY(atomOf(vm, "reason"));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, o.get(), key, val.get()));
  return o.get();
}

// PerformPromiseAll / AllSettled / Any / Race: the loop over the iterator.
// Returns the capability's promise, or exception (the caller closes the
// iterator if it is not done and rejects the capability).
Value performCombinator(VM& vm, Combinator kind, IteratorRecord& iter, Value c, Capability& cap, Value promiseResolveFn) {
  Root ctor(vm.heap(), c), resolveFn(vm.heap(), promiseResolveFn);
  Root record(vm.heap());
  if (kind != Combinator::Race) {
    Value rec = KILN_TRY(newRecord(vm, {Value::undefined(), Value::int32(1), cap.promise.get(), cap.resolve.get(),
                                        cap.reject.get()}));
    record.set(rec);
    Ref values = newValueArray(vm, 4, 0);
    if (!values) return Value::exception();
    arr(vm, record.get())->data()[kCombValues] = Value::cell(values);
  }
  Value thenKey = vm.atom(Atom::then);
  for (uint32_t index = 0;; index++) {
    Value next = KILN_TRY(iteratorStepValue(vm, iter));
    if (next.isEmpty()) {
      if (kind == Combinator::Race) return cap.promise.get();
      // remainingElementsCount.[[Value]] - 1; settle when it reaches 0.
      auto* r = arr(vm, record.get());
      int32_t remaining = r->data()[kCombRemaining].asInt() - 1;
      r->data()[kCombRemaining] = Value::int32(remaining);
      if (remaining == 0) {
        Value result;
        if (kind == Combinator::Any) {
          // Step 8.d.iii: a ThrowCompletion of the AggregateError; the
          // iterator is done, so Promise.any just rejects with it.
          result = KILN_TRY(newAggregateError(vm, r->data()[kCombValues]));
          if (capabilitySettle(vm, cap, result, true) == Status::Exception) return Value::exception();
          return cap.promise.get();
        }
        auto* values = arr(vm, r->data()[kCombValues]);
        result = KILN_TRY(newArrayFrom(vm, std::span<const Value>(values->data(), values->length)));
        if (capabilitySettle(vm, cap, result, false) == Status::Exception) return Value::exception();
      }
      return cap.promise.get();
    }
    Root nextValue(vm.heap(), next);
    if (kind != Combinator::Race) {
      Value list = KILN_TRY(listAppend(vm, arr(vm, record.get())->data()[kCombValues], Value::undefined()));
      arr(vm, record.get())->data()[kCombValues] = list;
    }
    Value nargs[] = {nextValue.get()};
    Root nextPromise(vm.heap(), KILN_TRY(call(vm, resolveFn.get(), ctor.get(), nargs)));
    Root onFulfilled(vm.heap(), cap.resolve.get()), onRejected(vm.heap(), cap.reject.get());
    switch (kind) {
      case Combinator::All:
        onFulfilled.set(KILN_TRY(newElementFunction(vm, NativeId::PromiseAllResolveElement, record.get(), index)));
        break;
      case Combinator::AllSettled: {
        onFulfilled.set(KILN_TRY(newElementFunction(vm, NativeId::PromiseAllSettledResolveElement, record.get(), index)));
        onRejected.set(KILN_TRY(newElementFunction(vm, NativeId::PromiseAllSettledRejectElement, record.get(), index)));
        nativeCell(vm, onFulfilled.get())->data2 = onRejected.get();
        nativeCell(vm, onRejected.get())->data2 = onFulfilled.get();
        break;
      }
      case Combinator::Any:
        onRejected.set(KILN_TRY(newElementFunction(vm, NativeId::PromiseAnyRejectElement, record.get(), index)));
        break;
      case Combinator::Race:
        break;
    }
    if (kind != Combinator::Race) {
      auto* r = arr(vm, record.get());
      r->data()[kCombRemaining] = Value::int32(r->data()[kCombRemaining].asInt() + 1);
    }
    Value targs[] = {onFulfilled.get(), onRejected.get()};
    KILN_TRY(invoke(vm, nextPromise.get(), thenKey, targs));
  }
}

Value combinator(VM& vm, CallInfo& info, Combinator kind, const char* name) {
  Value c = info.thisValue;
  if (!c.isObject()) return vm.throwTypeError(std::string("Promise.") + name + " called on non-object");
  Capability cap(vm.heap());
  if (newPromiseCapability(vm, c, &cap, false) == Status::Exception) return Value::exception();
  // GetPromiseResolve (§27.2.4.1.1)
  Value resolveKey = KILN_TRY(atomOf(vm, "resolve"));
  Value promiseResolveFn = get(vm, info.thisValue, resolveKey);
  if (promiseResolveFn.isException()) return rejectWithPending(vm, cap);
  if (!isCallable(vm, promiseResolveFn)) {
    vm.throwTypeError("resolve is not a function");
    return rejectWithPending(vm, cap);
  }
  Root resolveFn(vm.heap(), promiseResolveFn);
  IteratorRecord iter(vm.heap());
  if (getIterator(vm, info.arg(0), &iter) == Status::Exception) return rejectWithPending(vm, cap);
  Value result = performCombinator(vm, kind, iter, info.thisValue, cap, resolveFn.get());
  if (!result.isException()) return result;
  if (!iter.done && !vm.uncatchable()) iteratorCloseOnThrow(vm, iter);
  return rejectWithPending(vm, cap);
}

}  // namespace

Value native_PromiseAll(VM& vm, CallInfo& info) { return combinator(vm, info, Combinator::All, "all"); }
Value native_PromiseAllSettled(VM& vm, CallInfo& info) { return combinator(vm, info, Combinator::AllSettled, "allSettled"); }
Value native_PromiseAny(VM& vm, CallInfo& info) { return combinator(vm, info, Combinator::Any, "any"); }
Value native_PromiseRace(VM& vm, CallInfo& info) { return combinator(vm, info, Combinator::Race, "race"); }

// §27.2.4.1.3 Promise.all Resolve Element Functions
Value native_PromiseAllResolveElement(VM& vm, CallInfo& info) {
  double index = takeElementIndex(vm, info.callee);
  if (index < 0) return Value::undefined();
  return completeElement(vm, nativeCell(vm, info.callee)->data0, index, info.arg(0), false);
}

// §27.2.4.2.2 Promise.allSettled Resolve Element Functions
Value native_PromiseAllSettledResolveElement(VM& vm, CallInfo& info) {
  double index = takeElementIndex(vm, info.callee);
  if (index < 0) return Value::undefined();
  Value obj = KILN_TRY(settledRecord(vm, true, info.arg(0)));
  return completeElement(vm, nativeCell(vm, info.callee)->data0, index, obj, false);
}

// §27.2.4.2.3 Promise.allSettled Reject Element Functions
Value native_PromiseAllSettledRejectElement(VM& vm, CallInfo& info) {
  double index = takeElementIndex(vm, info.callee);
  if (index < 0) return Value::undefined();
  Value obj = KILN_TRY(settledRecord(vm, false, info.arg(0)));
  return completeElement(vm, nativeCell(vm, info.callee)->data0, index, obj, false);
}

// §27.2.4.3.2 Promise.any Reject Element Functions
Value native_PromiseAnyRejectElement(VM& vm, CallInfo& info) {
  double index = takeElementIndex(vm, info.callee);
  if (index < 0) return Value::undefined();
  return completeElement(vm, nativeCell(vm, info.callee)->data0, index, info.arg(0), true);
}

// ---- queueMicrotask (HTML §8.6; node's global) -------------------------------------------------------

Value native_QueueMicrotask(VM& vm, CallInfo& info) {
  Value callback = info.arg(0);
  if (!isCallable(vm, callback)) {
    std::string shown = inspect(vm, callback);
    if (vm.hasException()) return Value::exception();
    Value err = KILN_TRY(newError(vm, ErrorType::TypeError,
                                  "The \"callback\" argument must be of type function. Received " +
                                      (callback.isObject() ? std::string("an instance of Object")
                                       : callback.isNullish() ? shown
                                                              : "type " + toUtf8(vm, typeOf(vm, callback)) + " (" + shown + ")")));
    Root e(vm.heap(), err);
    Value code = KILN_TRY(newString(vm, "ERR_INVALID_ARG_TYPE"));
    Value codeKey = KILN_TRY(atomOf(vm, "code"));
    Root c(vm.heap(), code);
    defineValue(vm, e.get(), codeKey, c.get(), kDefaultAttrs & ~kEnumerable);
    return vm.throwValue(e.get());
  }
  if (enqueueCallbackJob(vm, callback) == Status::Exception) return Value::exception();
  return Value::undefined();
}

// ---- installation ---------------------------------------------------------------------------------------

void installPromise(VM& vm, Value global) {
  Root g(vm.heap(), global);
  if (jobQueue(vm).isException()) return;
  Value protoV = newObject(vm);
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::PromisePrototype, proto.get());
  Value ctorV = defineConstructor(vm, g.get(), "Promise", NativeId::Promise, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Promise, ctor.get());

  struct { const char* name; NativeId id; } statics[] = {
      {"all", NativeId::PromiseAll},       {"allSettled", NativeId::PromiseAllSettled},
      {"any", NativeId::PromiseAny},       {"race", NativeId::PromiseRace},
      {"reject", NativeId::PromiseReject}, {"resolve", NativeId::PromiseResolve},
      {"try", NativeId::PromiseTry},       {"withResolvers", NativeId::PromiseWithResolvers},
  };
  for (auto& s : statics)
    if (defineMethod(vm, ctor.get(), s.name, s.id).isException()) return;
  defineGetter(vm, ctor.get(), WellKnown::species, NativeId::PromiseSpecies);

  if (defineMethod(vm, proto.get(), "then", NativeId::PromiseProtoThen).isException()) return;
  if (defineMethod(vm, proto.get(), "catch", NativeId::PromiseProtoCatch).isException()) return;
  if (defineMethod(vm, proto.get(), "finally", NativeId::PromiseProtoFinally).isException()) return;
  Value tag = keyFor(vm, "Promise");
  if (tag.isException()) return;
  defineValue(vm, proto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);

  // node defines its host globals enumerable.
  defineMethod(vm, g.get(), "queueMicrotask", NativeId::QueueMicrotask, -1, kDefaultAttrs);
  attachPromiseHooks(vm);
}

void attachPromiseHooks(VM& vm) { vm.promises = &kPromiseHooks; }

}  // namespace kiln
