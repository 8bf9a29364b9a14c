// Promises (ECMA-262 §27.2) and the job queue (§9.5 HostEnqueuePromiseJob).
//
// All state is heap data (DESIGN §4.3), so a paused program's pending
// promises and jobs are part of its image:
//
// A Promise is an InternalObjectCell of CellKind::Promise:
//   internal[kPromiseState]     int: PromiseState ([[PromiseState]])
//   internal[kPromiseResult]    [[PromiseResult]] (undefined while pending)
//   internal[kPromiseReactions] the first reaction record, or undefined
//   internal[kPromiseMoreReactions] growable ValueArray of the later
//                               reaction records, or undefined.
//                               The spec keeps two lists,
//                               [[PromiseFulfillReactions]] and
//                               [[PromiseRejectReactions]], but
//                               PerformPromiseThen always appends to both at
//                               once, so one sequence of records that carry
//                               both handlers is the same thing; and most
//                               promises get one reaction, which then costs
//                               no list at all.
//   internal[kPromiseIsHandled] bool ([[PromiseIsHandled]])
//
// A reaction record (ValueArray of kReactionSize): the capability's promise,
// resolve and reject (all undefined for an absent capability, as Await uses;
// resolve and reject undefined with a promise: a "direct" capability of a
// fresh %Promise% that nothing else can resolve, settled without resolving
// function objects), then the fulfill and reject handlers (undefined:
// pass the argument through). A handler that is a Generator object (not
// callable, so never confused with a JS handler) is an Await continuation:
// the job resumes it instead of calling it. These handlers are never visible
// to JS, so sparing the two function objects per await is unobservable.
//
// The job queue, RootsRecord::jobQueue (a ValueArray):
//   [kQueueHead]         int: index of the next job to run
//   [kQueueRejections]   growable ValueArray of rejected promises that have
//                        no handler yet (HostPromiseRejectionTracker), or undefined
//   [kQueueFirstJob ..)  job records, FIFO; slots below the head are spent
// A job record is a ValueArray whose slot 0 is its JobKind.
#pragma once

#include "engine/promise_hooks.h"
#include "engine/vm.h"

namespace kiln {

enum PromiseSlot : uint32_t { kPromiseState = 0, kPromiseResult, kPromiseReactions, kPromiseIsHandled, kPromiseMoreReactions };
enum PromiseState : int32_t { kPromisePending = 0, kPromiseFulfilled = 1, kPromiseRejected = 2 };

// The contract of engine/promise_hooks.h; installPromise sets vm.promises to it.
extern const PromiseHooks kPromiseHooks;

bool isPromise(VM& vm, Value v);
// A new pending promise whose prototype is the current realm's %Promise.prototype%.
Value newPromise(VM& vm);
// The resolve / reject behaviour of a promise's resolving functions.
Status resolvePromise(VM& vm, Value promise, Value resolution);
Status rejectPromise(VM& vm, Value promise, Value reason);
// PerformPromiseThen(promise, onFulfilled, onRejected) with no result capability.
Status promiseThenNoCapability(VM& vm, Value promise, Value onFulfilled, Value onRejected);

// Appends a job that calls `callback` with no arguments (queueMicrotask).
Status enqueueCallbackJob(VM& vm, Value callback);

// How drainJobs treats an exception thrown by a job that nothing handles.
enum class JobErrors {
  Report,  // write it to stderr and go on (HostReportErrors; the runJobs hook)
  Stop,    // stop and return it pending, as node does with an uncaught error
};
// Runs jobs until the queue is empty, including jobs they enqueue. Returns
// exception for uncatchable conditions, an expired deadline, or (Stop) an
// unhandled job error; undefined otherwise.
Value drainJobs(VM& vm, JobErrors mode);
// process.nextTick: queues callback(...args) (args: a ValueArray or
// undefined) on the nextTick queue, which runs before the microtasks.
Status enqueueTick(VM& vm, Value callback, Value args);
// What node runs after each macrotask (processTicksAndRejections): every
// queued tick (and those they queue), then the microtasks, again while ticks
// remain. jobsFirst: the microtasks once before, as after an ES module's
// evaluation (which itself runs as a microtask in node). Returns exception
// for an error nothing catches (pending) or an uncatchable condition.
Value drainTicksAndJobs(VM& vm, bool jobsFirst);
// finishCapturedCallback (builtins/timers.h) for a job: settles the promise
// of the reaction whose handler checkpoint() captured, with `result` (its
// return value, or exception). Returns `result` when no job was captured.
Value finishCapturedJob(VM& vm, Value result);
// True when some rejected promise has had no handler since it was rejected.
bool hasUnhandledRejections(VM& vm);

}  // namespace kiln
