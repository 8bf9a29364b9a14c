// The engine's view of promises. The interpreter's async operations (Await,
// async function completion) and the hosts (job loop, unhandled rejections)
// use these; builtins/promise.cpp implements them and sets VM::promises at
// realm creation. All promise state lives in the heap (Promise objects, the
// job queue in RootsRecord::jobQueue), none in C++.
#pragma once

#include "engine/vm.h"

namespace kiln {

struct PromiseHooks {
  // A new pending promise of the current realm's %Promise%.
  Value (*newPromise)(VM& vm);
  // The promise's resolve / reject functions' behaviour (§27.2.1.3):
  // thenables are followed through a job, a promise resolved with itself is
  // rejected with a TypeError.
  Status (*resolve)(VM& vm, Value promise, Value resolution);
  Status (*reject)(VM& vm, Value promise, Value reason);
  // Await's first steps (§27.7.5.3): promise = PromiseResolve(%Promise%, v),
  // then PerformPromiseThen(promise, onFulfilled, onRejected) where the
  // reactions resume `generator` with mode 0 (value) or 1 (throw) through
  // Interpreter::resumeGenerator.
  Status (*await)(VM& vm, Value generator, Value v);
  // Runs queued jobs (microtasks) until the queue is empty. Returns
  // exception only for uncatchable conditions (process.exit, out of memory);
  // errors thrown by jobs are reported per HostReportErrors (they do not stop the loop).
  Value (*runJobs)(VM& vm);
  // Rejected promises that never got a handler, in rejection order: the host
  // reports them after the job queue drains ("unhandled rejection"). Returns
  // a ValueArray of reasons and forgets them, or undefined when none.
  Value (*takeUnhandledRejections)(VM& vm);
  // PerformPromiseThen(promise, onFulfilled, onRejected) with no result
  // capability (module evaluation's and import()'s reactions, §16.2.1.5.3).
  Status (*then)(VM& vm, Value promise, Value onFulfilled, Value onRejected);
};

}  // namespace kiln
