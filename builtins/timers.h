// Timers (setTimeout, setInterval, setImmediate and their clear functions)
// and the event loop that runs them, with node's ordering:
//
//   main module, then microtasks
//   loop while a ref'ed timer or immediate is pending:
//     timers phase: every timer due at the loop time, by due time then
//                   scheduling order; microtasks after each callback
//     poll:         with no immediate pending, sleep until the next due time
//     check phase:  the immediates queued before the phase began, in order;
//                   microtasks after each callback
//
// All state is heap data in RootsRecord::timers (DESIGN §4.3), a ValueArray:
//   [kTimersNextId]      int: the next timer id (also the scheduling sequence)
//   [kTimersList]        growable ValueArray of timer entries, sorted by (due, sequence)
//   [kTimersImmediates]  growable ValueArray of immediate entries, FIFO
//   [kTimersLoopNow]     the loop time in ms (CLOCK_MONOTONIC, whole ms, as
//                        libuv caches it per iteration), or undefined before
//                        the first timer. Per-process: a loader resuming an
//                        image must rebase due times and reset this slot.
//   [kTimersEntryKey]    the private name that links a Timeout / Immediate
//                        object to its entry
// An entry is a ValueArray: see EntrySlot in timers.cpp.
#pragma once

#include <span>

#include "engine/vm.h"

namespace kiln {

// Runs the event loop until no ref'ed timer or immediate is left: microtasks
// first, then timers and immediates, draining microtasks after each callback.
// Returns exception when a callback (or a microtask) throws an error nothing
// catches — it is pending, for the host to report as node reports an
// uncaught exception — and on uncatchable conditions (process.exit: check
// vm.exitRequested). Returns undefined otherwise; it also returns early,
// leaving timers pending, as soon as a rejected promise is left without a
// handler after a microtask drain: the host then takes it with
// PromiseHooks::takeUnhandledRejections and reports it (node's default
// --unhandled-rejections=throw ends the process there).
// afterModules: the program's modules were just evaluated, so microtasks run
// before the nextTick queue the first time (in node an ES module's evaluation
// is itself a microtask); a classic script's ticks run first.
Value runEventLoop(VM& vm, bool afterModules = false);

// The embedding API's loop (loader/embed.cpp): runs microtasks, timers and
// immediates as runEventLoop does, but only until `promise` is settled (or
// the loop has nothing left to do, or a rejection went unhandled: the caller
// checks which), and never sleeps past vm.deadlineNs (then it throws the
// timeout, as the interpreter does). Returns exception as runEventLoop does.
Value runEventLoopUntilSettled(VM& vm, Value promise);

// A program resumed from an image that checkpoint() wrote inside a callback
// of the event loop (a timer, an immediate, a microtask, a promise reaction):
// `result` is what the callback's frames returned, or exception. Does what
// the loop does after such a callback (arms an interval again, runs the rest
// of the check phase, settles the reaction's promise...), so that the loop
// can go on. Returns exception for an error nothing catches.
Value finishCapturedCallback(VM& vm, Value result);

// Images: timer due times are loop milliseconds of CLOCK_MONOTONIC, which
// means nothing in another process. The image writer makes them relative
// (rebaseTimers(vm, -timersClock(vm)) before writing, then back), and the
// loader rebases them on its own clock (rebaseTimers(vm, timersMonotonicMs())).
// timersClock is NaN when the loop has no time yet.
double timersClock(VM& vm);
void rebaseTimers(VM& vm, double deltaMs);
double timersMonotonicMs();

// Queues `callback(...args)` for the check phase, as setImmediate does (the
// callback and arguments must be rooted by the caller). Returns the
// Immediate object, or exception. For natives that complete a request
// asynchronously (fs callbacks and promises).
Value scheduleImmediate(VM& vm, Value callback, std::span<const Value> args);

// True when a ref'ed timer or immediate is pending.
bool hasPendingTimers(VM& vm);

// Throws node's ERR_INVALID_ARG_TYPE TypeError for a `callback` argument
// that is not a function ("The "callback" argument must be of type
// function. Received ..."), with its `code` property. Returns exception.
Value throwInvalidCallback(VM& vm, Value callback);

}  // namespace kiln
