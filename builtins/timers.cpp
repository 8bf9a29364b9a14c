// Timers and the event loop (node's globals setTimeout, setInterval,
// setImmediate, clearTimeout, clearInterval, clearImmediate). The heap
// layout and the loop's phases are described in builtins/timers.h.
//
// Registering and clearing only record in the heap (Pure natives); waiting
// for a timer is done by runEventLoop in C++, the host's side of the loop.
#include "builtins/timers.h"

#include <errno.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/inspect.h"
#include "builtins/promise.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/runtime.h"
#include "engine/strings.h"

namespace kiln {

namespace {

enum TimersSlot : uint32_t {
  kTimersNextId = 0, kTimersList, kTimersImmediates, kTimersLoopNow, kTimersEntryKey,
  kTimersTimeoutProto, kTimersImmediateProto,  // Timeout.prototype, Immediate.prototype
  // The check phase's batch (the immediates queued before it began) and the
  // index of the next one: heap data, so that an image taken in one of its
  // callbacks runs the rest of it.
  kTimersBatch, kTimersBatchNext,
  // The entry whose callback is running where checkpoint() may capture it
  // (see finishCapturedCallback), or undefined.
  kTimersRunning,
  kTimersSize
};

// A timer or immediate entry.
enum EntrySlot : uint32_t {
  kEntObject = 0,  // the Timeout / Immediate object handed to JS
  kEntCallback,
  kEntArgs,        // ValueArray of the extra arguments, or undefined
  kEntDue,         // timers: due time (loop ms)
  kEntRepeat,      // setInterval: the period in ms; undefined for one-shot timers
  kEntDelay,       // timers: the normalized delay (refresh re-arms with it)
  kEntId,          // int: the id ([Symbol.toPrimitive], clearTimeout(id))
  kEntSeq,         // int: scheduling sequence, orders timers due at the same time
  kEntFlags,       // int: EntryFlags
  kEntrySize
};
enum EntryFlags : int32_t {
  kActive = 1,     // not cleared, not finished
  kRef = 2,        // keeps the loop alive
  kImmediate = 4,
  kInList = 8,     // a timer currently in the sorted list (not running)
};

constexpr double kTimeoutMax = 2147483647;  // node's TIMEOUT_MAX

ValueArrayCell* arr(VM& vm, Value v) { return vm.cell<ValueArrayCell>(v); }
Value* slots(VM& vm, Value v) { return arr(vm, v)->data(); }
int32_t flagsOf(VM& vm, Value entry) { return slots(vm, entry)[kEntFlags].asInt(); }
void setFlags(VM& vm, Value entry, int32_t f) { slots(vm, entry)[kEntFlags] = Value::int32(f); }

double monotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::floor(double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6);
}

// The timers record, created on first use.
Value timersRecord(VM& vm) {
  Value t = vm.roots().timers;
  if (t.isCell()) return t;
  Ref r = newValueArray(vm, kTimersSize, kTimersSize);
  if (!r) return Value::exception();
  Root rec(vm.heap(), Value::cell(r));
  slots(vm, rec.get())[kTimersNextId] = Value::int32(1);
  Value desc = KILN_TRY(newString(vm, "timer"));
  Value key = KILN_TRY(newPrivateName(vm, desc));
  slots(vm, rec.get())[kTimersEntryKey] = key;
  vm.roots().timers = rec.get();
  return rec.get();
}

Value timersSlot(VM& vm, TimersSlot s) {
  Value t = vm.roots().timers;
  return t.isCell() ? slots(vm, t)[s] : Value::undefined();
}

double loopNow(VM& vm) {
  Value t = vm.roots().timers;
  Value now = slots(vm, t)[kTimersLoopNow];
  if (now.isNumber()) return now.toDouble();
  double n = monotonicMs();
  slots(vm, t)[kTimersLoopNow] = Value::number(n);
  return n;
}

int32_t nextId(VM& vm) {
  Value* t = slots(vm, vm.roots().timers);
  int32_t id = t[kTimersNextId].asInt();
  t[kTimersNextId] = Value::int32(id == INT32_MAX ? 1 : id + 1);
  return id;
}

// (due, sequence) of an entry, the sort key of the timer list.
bool entryBefore(VM& vm, Value a, Value b) {
  double da = slots(vm, a)[kEntDue].toDouble(), db = slots(vm, b)[kEntDue].toDouble();
  if (da != db) return da < db;
  return slots(vm, a)[kEntSeq].asInt() < slots(vm, b)[kEntSeq].asInt();
}

// Inserts a timer entry into the sorted list, after every entry that sorts before it.
Status insertTimer(VM& vm, Value entry) {
  Root e(vm.heap(), entry);
  Value list = listAppend(vm, timersSlot(vm, kTimersList), e.get());
  if (list.isException()) return Status::Exception;
  slots(vm, vm.roots().timers)[kTimersList] = list;
  auto* l = arr(vm, list);
  Value* d = l->data();
  uint32_t n = l->length - 1;  // the entry sits at d[n]; find its place
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (entryBefore(vm, d[mid], e.get())) lo = mid + 1; else hi = mid;
  }
  std::memmove(d + lo + 1, d + lo, (n - lo) * sizeof(Value));
  d[lo] = e.get();
  setFlags(vm, e.get(), flagsOf(vm, e.get()) | kInList);
  return Status::True;
}

void removeTimer(VM& vm, Value entry) {
  if (!(flagsOf(vm, entry) & kInList)) return;
  setFlags(vm, entry, flagsOf(vm, entry) & ~kInList);
  Value list = timersSlot(vm, kTimersList);
  auto* l = arr(vm, list);
  Value* d = l->data();
  uint32_t lo = 0, hi = l->length;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (entryBefore(vm, d[mid], entry)) lo = mid + 1; else hi = mid;
  }
  if (lo >= l->length || d[lo] != entry) return;
  std::memmove(d + lo, d + lo + 1, (l->length - lo - 1) * sizeof(Value));
  d[--l->length] = Value::undefined();
}

// (Re)arms a timer: due = loop time + delay, fresh sequence, into the list.
Status armTimer(VM& vm, Value entry) {
  Value* s = slots(vm, entry);
  s[kEntDue] = Value::number(loopNow(vm) + s[kEntDelay].toDouble());
  s[kEntSeq] = Value::int32(nextId(vm));
  return insertTimer(vm, entry);
}

// The entry of a Timeout / Immediate object, or undefined.
Value entryOf(VM& vm, Value obj) {
  if (!obj.isObject()) return Value::undefined();
  Value key = timersSlot(vm, kTimersEntryKey);
  if (!key.isCell()) return Value::undefined();
  Value* slot = findPrivateElement(vm, obj, key);
  return slot ? *slot : Value::undefined();
}

// The entry with primitive id `v` (clearTimeout(+timeout)), or undefined.
Value entryById(VM& vm, Value v) {
  if (!v.isNumber() && !v.isString()) return Value::undefined();
  double id = v.isNumber() ? v.toDouble() : stringToDouble(vm, v);
  Value list = timersSlot(vm, kTimersList);
  if (!list.isCell()) return Value::undefined();
  auto* l = arr(vm, list);
  for (uint32_t i = 0; i < l->length; i++)
    if (double(slots(vm, l->data()[i])[kEntId].asInt()) == id) return l->data()[i];
  return Value::undefined();
}

// setTimeout / setInterval / setImmediate: validates, records the entry and
// returns the Timeout / Immediate object.
Value schedule(VM& vm, CallInfo& info, bool immediate, bool repeat) {
  Value callback = info.arg(0);
  if (!isCallable(vm, callback)) return throwInvalidCallback(vm, callback);
  double delay = 1;
  uint32_t firstArg = immediate ? 1 : 2;
  if (!immediate) {
    // node: after *= 1; if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1
    Value after = KILN_TRY(toNumber(vm, info.arg(1)));
    double d = after.toDouble();
    delay = (d >= 1 && d <= kTimeoutMax) ? d : 1;
  }
  Root rec(vm.heap(), KILN_TRY(timersRecord(vm)));
  Root args(vm.heap());
  if (info.argc > firstArg) {
    uint32_t n = info.argc - firstArg;
    Ref a = newValueArray(vm, n, n);
    if (!a) return Value::exception();
    for (uint32_t i = 0; i < n; i++) vm.cell<ValueArrayCell>(a)->data()[i] = info.argv[firstArg + i];
    args.set(Value::cell(a));
  }
  Value proto = slots(vm, rec.get())[immediate ? kTimersImmediateProto : kTimersTimeoutProto];
  Root obj(vm.heap(), KILN_TRY(newObject(vm, proto.isObject() ? proto : vm.intrinsic(Intrinsic::ObjectPrototype))));
  Ref e = newValueArray(vm, kEntrySize, kEntrySize);
  if (!e) return Value::exception();
  Root entry(vm.heap(), Value::cell(e));
  Value* s = slots(vm, entry.get());
  s[kEntObject] = obj.get();
  s[kEntCallback] = info.arg(0);
  s[kEntArgs] = args.get();
  s[kEntDelay] = Value::number(delay);
  s[kEntRepeat] = repeat ? Value::number(delay) : Value::undefined();
  s[kEntId] = Value::int32(nextId(vm));
  s[kEntFlags] = Value::int32(kActive | kRef | (immediate ? kImmediate : 0));
  KILN_TRY_STATUS(addPrivateElement(vm, obj.get(), slots(vm, rec.get())[kTimersEntryKey], entry.get()));
  if (immediate) {
    Value list = KILN_TRY(listAppend(vm, slots(vm, rec.get())[kTimersImmediates], entry.get()));
    slots(vm, rec.get())[kTimersImmediates] = list;
  } else {
    KILN_TRY_STATUS(armTimer(vm, entry.get()));
  }
  return obj.get();
}

// clearTimeout / clearInterval (either kind of timer) and clearImmediate.
Value clear(VM& vm, CallInfo& info, bool immediate) {
  Value entry = entryOf(vm, info.arg(0));
  if (entry.isUndefined() && !immediate) entry = entryById(vm, info.arg(0));
  if (entry.isUndefined()) return Value::undefined();
  if (bool(flagsOf(vm, entry) & kImmediate) != immediate) return Value::undefined();
  setFlags(vm, entry, flagsOf(vm, entry) & ~kActive);
  if (!immediate) removeTimer(vm, entry);
  return Value::undefined();
}

Value thisEntry(VM& vm, CallInfo& info) { return entryOf(vm, info.thisValue); }

// ---- running callbacks ---------------------------------------------------------------

// Calls an entry's callback with `this` the Timeout / Immediate object. Run
// by the program's event loop, the callback can be captured by checkpoint():
// the entry is then in the timers record, and a resumed program finishes
// what follows the call (finishCapturedCallback).
Value runCallback(VM& vm, Value entry) {
  Root e(vm.heap(), entry);
  Value* s = slots(vm, entry);
  Root args(vm.heap(), s[kEntArgs]);
  uint32_t n = args.get().isCell() ? arr(vm, args.get())->length : 0;
  // The arguments are copied onto the VM stack by call() before anything can allocate.
  std::span<const Value> a = n ? std::span<const Value>(arr(vm, args.get())->data(), n) : std::span<const Value>();
  bool capturable = vm.drivingEventLoop && vm.nativeDepth == 0;
  uint32_t savedDepth = vm.capturableDepth;
  if (capturable) {
    slots(vm, vm.roots().timers)[kTimersRunning] = e.get();
    vm.capturableDepth = 1;
  }
  s = slots(vm, e.get());
  Value r = call(vm, s[kEntCallback], s[kEntObject], a);
  if (capturable) {
    vm.capturableDepth = savedDepth;
    slots(vm, vm.roots().timers)[kTimersRunning] = Value::undefined();
  }
  return r;
}

// What follows a timer's callback: an interval is armed again, a timeout is done.
Status afterTimerCallback(VM& vm, Value entry) {
  Root e(vm.heap(), entry);
  int32_t f = flagsOf(vm, e.get());
  if ((f & kActive) && !(f & kInList)) {
    if (slots(vm, e.get())[kEntRepeat].isNumber()) {
      slots(vm, e.get())[kEntDelay] = slots(vm, e.get())[kEntRepeat];
      return armTimer(vm, e.get());
    }
    setFlags(vm, e.get(), f & ~kActive);
  }
  return Status::True;
}

enum class Step { Continue, Stop, Exception };

// After every macrotask: the nextTick queue and the microtasks (as node's
// processTicksAndRejections), then stop the loop if a rejection went unhandled.
Step afterTask(VM& vm, bool jobsFirst = false) {
  if (drainTicksAndJobs(vm, jobsFirst).isException()) return Step::Exception;
  return hasUnhandledRejections(vm) ? Step::Stop : Step::Continue;
}

// The timers phase: every timer due at `now`, in (due, sequence) order.
// Timers armed meanwhile are due after `now` (their delay is at least 1ms
// from the loop time), so they wait for the next iteration, as in node.
Step runTimersPhase(VM& vm, double now) {
  for (;;) {
    Value list = timersSlot(vm, kTimersList);
    if (!list.isCell() || arr(vm, list)->length == 0) return Step::Continue;
    Value first = arr(vm, list)->data()[0];
    if (slots(vm, first)[kEntDue].toDouble() > now) return Step::Continue;
    Root entry(vm.heap(), first);
    removeTimer(vm, first);
    if (runCallback(vm, entry.get()).isException()) return Step::Exception;
    if (afterTimerCallback(vm, entry.get()) == Status::Exception) return Step::Exception;
    Step s = afterTask(vm);
    if (s != Step::Continue) return s;
  }
}

// Puts the batch's entries not run yet back in front of the newer immediates.
bool requeueRestOfBatch(VM& vm) {
  Root batch(vm.heap(), timersSlot(vm, kTimersBatch));
  uint32_t from = uint32_t(timersSlot(vm, kTimersBatchNext).asInt());
  Root rest(vm.heap());
  Root newer(vm.heap(), timersSlot(vm, kTimersImmediates));
  for (int part = 0; part < 2; part++) {
    Value list = part == 0 ? batch.get() : newer.get();
    for (uint32_t j = part == 0 ? from : 0; list.isCell() && j < arr(vm, list)->length; j++) {
      Value r = listAppend(vm, rest.get(), arr(vm, list)->data()[j]);
      if (r.isException()) return false;
      rest.set(r);
      list = part == 0 ? batch.get() : newer.get();
    }
  }
  Value* rec = slots(vm, vm.roots().timers);
  rec[kTimersImmediates] = rest.get();
  rec[kTimersBatch] = Value::undefined();
  rec[kTimersBatchNext] = Value::undefined();
  return true;
}

// The check phase: the immediates queued before it began (or, in a program
// resumed from an image taken in one of them, the rest of that batch).
Step runCheckPhase(VM& vm) {
  if (!timersSlot(vm, kTimersBatch).isCell()) {
    Value pending = timersSlot(vm, kTimersImmediates);
    if (!pending.isCell()) return Step::Continue;
    Value* rec = slots(vm, vm.roots().timers);
    rec[kTimersBatch] = pending;
    rec[kTimersBatchNext] = Value::int32(0);
    rec[kTimersImmediates] = Value::undefined();
  }
  for (;;) {
    Value* rec = slots(vm, vm.roots().timers);
    Value batch = rec[kTimersBatch];
    uint32_t i = uint32_t(rec[kTimersBatchNext].asInt());
    if (i >= arr(vm, batch)->length) break;
    rec[kTimersBatchNext] = Value::int32(int32_t(i + 1));
    Value entry = arr(vm, batch)->data()[i];
    int32_t f = flagsOf(vm, entry);
    if (!(f & kActive)) continue;
    setFlags(vm, entry, f & ~kActive);
    if (runCallback(vm, entry).isException()) {
      // The rest of the batch stays queued ahead of newer immediates, for a
      // host that keeps running after reporting the error.
      Root err(vm.heap(), vm.takeException());
      if (!requeueRestOfBatch(vm)) return Step::Exception;
      vm.throwValue(err.get());
      return Step::Exception;
    }
    Step s = afterTask(vm);
    if (s != Step::Continue) return s;
  }
  Value* rec = slots(vm, vm.roots().timers);
  rec[kTimersBatch] = Value::undefined();
  rec[kTimersBatchNext] = Value::undefined();
  return Step::Continue;
}

bool hasPendingImmediates(VM& vm, bool refOnly) {
  for (TimersSlot slot : {kTimersImmediates, kTimersBatch}) {
    Value list = timersSlot(vm, slot);
    if (!list.isCell()) continue;
    auto* l = arr(vm, list);
    uint32_t from = slot == kTimersBatch ? uint32_t(timersSlot(vm, kTimersBatchNext).asInt()) : 0;
    for (uint32_t i = from; i < l->length; i++) {
      int32_t f = flagsOf(vm, l->data()[i]);
      if ((f & kActive) && (!refOnly || (f & kRef))) return true;
    }
  }
  return false;
}

void sleepMs(double ms) {
  if (ms <= 0) return;
  timespec ts;
  ts.tv_sec = time_t(ms / 1000);
  ts.tv_nsec = long(std::fmod(ms, 1000.0) * 1e6);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

}  // namespace

bool hasPendingTimers(VM& vm) {
  if (hasPendingImmediates(vm, true)) return true;
  Value list = timersSlot(vm, kTimersList);
  if (!list.isCell()) return false;
  auto* l = arr(vm, list);
  for (uint32_t i = 0; i < l->length; i++)
    if (flagsOf(vm, l->data()[i]) & kRef) return true;
  return false;
}

namespace {

bool settled(VM& vm, Value promise) {
  return !isPromise(vm, promise) ||
         vm.cell<InternalObjectCell>(promise)->internal[kPromiseState].asInt() != kPromisePending;
}

// The loop of runEventLoop and runEventLoopUntilSettled: runs until no ref'ed
// timer or immediate is left or, when `until` is not the hole, until that
// promise is settled. It never sleeps past vm.deadlineNs.
Value runLoop(VM& vm, Value until, bool afterModules) {
  Root p(vm.heap(), until);
  auto done = [&] { return !p.get().isHole() && settled(vm, p.get()); };
  Step s = afterTask(vm, afterModules);
  while (s == Step::Continue && !done() && hasPendingTimers(vm)) {
    // Timers phase, at the loop time of this iteration.
    double now = monotonicMs();
    slots(vm, vm.roots().timers)[kTimersLoopNow] = Value::number(now);
    s = runTimersPhase(vm, now);
    if (s != Step::Continue || done()) break;
    // Poll: with nothing for the check phase, wait for the next timer.
    if (!hasPendingImmediates(vm, false)) {
      if (!hasPendingTimers(vm)) break;
      Value list = timersSlot(vm, kTimersList);
      if (list.isCell() && arr(vm, list)->length > 0) {
        double wait = slots(vm, arr(vm, list)->data()[0])[kEntDue].toDouble() - monotonicMs();
        if (vm.deadlineNs != 0) wait = std::min(wait, double(vm.deadlineNs) / 1e6 - monotonicMs() + 0.01);
        sleepMs(wait);
      }
      if (vm.deadlineNs != 0 && monotonicMs() * 1e6 >= double(vm.deadlineNs)) return vm.throwTimedOut();
    }
    s = runCheckPhase(vm);
  }
  return s == Step::Exception ? Value::exception() : Value::undefined();
}

}  // namespace

Value runEventLoop(VM& vm, bool afterModules) { return runLoop(vm, Value::hole(), afterModules); }

Value runEventLoopUntilSettled(VM& vm, Value promise) { return runLoop(vm, promise, false); }

Value finishCapturedCallback(VM& vm, Value result) {
  Value entry = timersSlot(vm, kTimersRunning);
  if (!entry.isCell()) return finishCapturedJob(vm, result);
  Root e(vm.heap(), entry);
  slots(vm, vm.roots().timers)[kTimersRunning] = Value::undefined();
  if (result.isException()) return result;  // uncaught, as from the loop's phases
  if (flagsOf(vm, e.get()) & kImmediate) {
    // The rest of the check phase's batch, as the loop would have run it.
    Step s = afterTask(vm);
    if (s == Step::Continue) s = runCheckPhase(vm);
    return s == Step::Exception ? Value::exception() : Value::undefined();
  }
  if (afterTimerCallback(vm, e.get()) == Status::Exception) return Value::exception();
  return Value::undefined();
}

double timersClock(VM& vm) {
  Value t = vm.roots().timers;
  if (!t.isCell() || !slots(vm, t)[kTimersLoopNow].isNumber()) return std::nan("");
  return slots(vm, t)[kTimersLoopNow].toDouble();
}

void rebaseTimers(VM& vm, double deltaMs) {
  Value t = vm.roots().timers;
  if (!t.isCell() || !slots(vm, t)[kTimersLoopNow].isNumber()) return;
  Value* rec = slots(vm, t);
  rec[kTimersLoopNow] = Value::number(rec[kTimersLoopNow].toDouble() + deltaMs);
  if (!rec[kTimersList].isCell()) return;
  auto* list = arr(vm, rec[kTimersList]);
  for (uint32_t i = 0; i < list->length; i++) {
    Value* e = slots(vm, list->data()[i]);
    if (e[kEntDue].isNumber()) e[kEntDue] = Value::number(e[kEntDue].toDouble() + deltaMs);
  }
}

double timersMonotonicMs() { return monotonicMs(); }

Value throwInvalidCallback(VM& vm, Value callback) {
  std::string received;
  if (callback.isNullish()) {
    received = callback.isNull() ? "null" : "undefined";
  } else if (callback.isObject()) {
    Root cb(vm.heap(), callback);
    Value ctor = KILN_TRY(get(vm, callback, vm.atom(Atom::constructor)));
    Value name = ctor.isObject() ? KILN_TRY(get(vm, ctor, vm.atom(Atom::name))) : Value::undefined();
    if (name.isString() && stringLength(vm, name) > 0) {
      received = "an instance of " + toUtf8(vm, name);
    } else {
      InspectOptions o;
      o.depth = -1;
      received = inspect(vm, cb.get(), o);
      if (vm.hasException()) return Value::exception();
    }
  } else {
    std::string shown = inspect(vm, callback);
    if (vm.hasException()) return Value::exception();
    if (shown.size() > 28) shown = shown.substr(0, 25) + "...";
    received = "type " + toUtf8(vm, typeOf(vm, callback)) + " (" + shown + ")";
  }
  Root err(vm.heap(), KILN_TRY(newError(vm, ErrorType::TypeError,
                                        "The \"callback\" argument must be of type function. Received " + received)));
  Value code = KILN_TRY(newString(vm, "ERR_INVALID_ARG_TYPE"));
  Root c(vm.heap(), code);
  Value key = KILN_TRY(atomFromUtf8(vm, "code"));
  defineValue(vm, err.get(), key, c.get(), kDefaultAttrs);
  return vm.throwValue(err.get());
}

// ---- natives ---------------------------------------------------------------------------

Value native_SetTimeout(VM& vm, CallInfo& info) { return schedule(vm, info, false, false); }
Value native_SetInterval(VM& vm, CallInfo& info) { return schedule(vm, info, false, true); }
Value native_SetImmediate(VM& vm, CallInfo& info) { return schedule(vm, info, true, false); }
Value native_ClearTimeout(VM& vm, CallInfo& info) { return clear(vm, info, false); }
Value native_ClearImmediate(VM& vm, CallInfo& info) { return clear(vm, info, true); }

// Timeout.prototype / Immediate.prototype ref(), unref(): return this.
Value native_TimerRef(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  if (e.isCell()) setFlags(vm, e, flagsOf(vm, e) | kRef);
  return info.thisValue;
}
Value native_TimerUnref(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  if (e.isCell()) setFlags(vm, e, flagsOf(vm, e) & ~kRef);
  return info.thisValue;
}
Value native_TimerHasRef(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  return Value::boolean(e.isCell() && (flagsOf(vm, e) & kRef));
}
// Timeout.prototype.refresh(): re-arms an active timer from the current loop time.
Value native_TimeoutRefresh(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  if (e.isCell() && !(flagsOf(vm, e) & kImmediate) && (flagsOf(vm, e) & kActive)) {
    removeTimer(vm, e);
    KILN_TRY_STATUS(armTimer(vm, e));
  }
  return info.thisValue;
}
// Timeout.prototype.close(): clearTimeout(this); returns this.
Value native_TimeoutClose(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  if (e.isCell() && !(flagsOf(vm, e) & kImmediate)) {
    setFlags(vm, e, flagsOf(vm, e) & ~kActive);
    removeTimer(vm, e);
  }
  return info.thisValue;
}
// Timeout.prototype[Symbol.toPrimitive](): the timer's id.
Value native_TimeoutToPrimitive(VM& vm, CallInfo& info) {
  Value e = thisEntry(vm, info);
  return e.isCell() ? slots(vm, e)[kEntId] : Value::rawDouble(NAN);
}
// The Timeout / Immediate constructors exist for `constructor.name` (how
// node's inspect names the objects); they cannot be called from JS.
Value native_Timeout(VM& vm, CallInfo&) { return vm.throwTypeError("Illegal constructor"); }
Value native_Immediate(VM& vm, CallInfo&) { return vm.throwTypeError("Illegal constructor"); }

void installTimers(VM& vm, Value global) {
  Root g(vm.heap(), global);
  if (timersRecord(vm).isException()) return;
  Value tp = newObject(vm);
  if (tp.isException()) return;
  Root timeoutProto(vm.heap(), tp);
  Value ip = newObject(vm);
  if (ip.isException()) return;
  Root immediateProto(vm.heap(), ip);
  if (defineConstructor(vm, Value::undefined(), "Timeout", NativeId::Timeout, 0, timeoutProto.get()).isException()) return;
  if (defineConstructor(vm, Value::undefined(), "Immediate", NativeId::Immediate, 0, immediateProto.get()).isException())
    return;
  struct { Root* proto; const char* name; NativeId id; } methods[] = {
      {&timeoutProto, "refresh", NativeId::TimeoutRefresh}, {&timeoutProto, "unref", NativeId::TimerUnref},
      {&timeoutProto, "ref", NativeId::TimerRef},           {&timeoutProto, "hasRef", NativeId::TimerHasRef},
      {&timeoutProto, "close", NativeId::TimeoutClose},     {&immediateProto, "ref", NativeId::TimerRef},
      {&immediateProto, "unref", NativeId::TimerUnref},     {&immediateProto, "hasRef", NativeId::TimerHasRef},
  };
  for (auto& m : methods)
    if (defineMethod(vm, m.proto->get(), m.name, m.id).isException()) return;
  if (defineMethod(vm, timeoutProto.get(), WellKnown::toPrimitive, NativeId::TimeoutToPrimitive).isException()) return;

  // node defines its timer globals enumerable.
  struct { const char* name; NativeId id; Root* proto; } globals[] = {
      {"setTimeout", NativeId::SetTimeout, &timeoutProto},     {"setInterval", NativeId::SetInterval, &timeoutProto},
      {"setImmediate", NativeId::SetImmediate, &immediateProto}, {"clearTimeout", NativeId::ClearTimeout, nullptr},
      {"clearInterval", NativeId::ClearTimeout, nullptr},       {"clearImmediate", NativeId::ClearImmediate, nullptr},
  };
  for (auto& gl : globals)
    if (defineMethod(vm, g.get(), gl.name, gl.id, -1, kDefaultAttrs).isException()) return;
  Value* rec = slots(vm, vm.roots().timers);
  rec[kTimersTimeoutProto] = timeoutProto.get();
  rec[kTimersImmediateProto] = immediateProto.get();
}

// ---- node:timers/promises ---------------------------------------------------------

namespace {

// setTimeout(delay, value) / setImmediate(value): a promise fulfilled with
// `value` when the timer fires (a timer whose callback is a native resolver).
Value promiseTimer(VM& vm, CallInfo& info, bool immediate) {
  if (!vm.promises) return vm.throwTypeError("timers/promises needs Promise, which this realm lacks");
  Root delay(vm.heap(), immediate ? Value::undefined() : info.arg(0));
  Root value(vm.heap(), immediate ? info.arg(0) : info.arg(1));
  Root promise(vm.heap(), KILN_TRY(vm.promises->newPromise(vm)));
  Root fulfill(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::TimersPromiseFulfill)));
  vm.cell<NativeFunctionCell>(fulfill.get())->data0 = promise.get();
  // The Roots keep these alive while schedule() allocates.
  Value args[3] = {fulfill.get(), delay.get(), value.get()};
  if (immediate) args[1] = value.get();
  CallInfo call{Value::undefined(), info.callee, Value::undefined(), immediate ? 2u : 3u, args};
  KILN_TRY(schedule(vm, call, immediate, false));
  return promise.get();
}

}  // namespace

Value scheduleImmediate(VM& vm, Value callback, std::span<const Value> args) {
  std::vector<Value> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(callback);
  argv.insert(argv.end(), args.begin(), args.end());
  CallInfo call{Value::undefined(), Value::undefined(), Value::undefined(), uint32_t(argv.size()), argv.data()};
  return schedule(vm, call, true, false);
}

Value native_TimersPromisesSetTimeout(VM& vm, CallInfo& info) { return promiseTimer(vm, info, false); }
Value native_TimersPromisesSetImmediate(VM& vm, CallInfo& info) { return promiseTimer(vm, info, true); }
Value native_TimersPromiseFulfill(VM& vm, CallInfo& info) {
  Value promise = vm.cell<NativeFunctionCell>(info.callee)->data0;
  if (vm.promises->resolve(vm, promise, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

Value createTimersPromisesModule(VM& vm) {
  Root exports(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineMethod(vm, exports.get(), "setTimeout", NativeId::TimersPromisesSetTimeout, -1, kDefaultAttrs));
  KILN_TRY(defineMethod(vm, exports.get(), "setImmediate", NativeId::TimersPromisesSetImmediate, -1, kDefaultAttrs));
  return exports.get();
}

}  // namespace kiln
