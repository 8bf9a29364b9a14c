// How a program ends, with node's `process` events (the process object is an
// EventEmitter: process.on/once/off/emit... in builtins/process.cpp).
//
// The sequence, as node runs it (src/api/embed_helpers.cc SpinEventLoop,
// lib/internal/process/execution.js):
//
//   the loop is empty  -> emit 'beforeExit'(process.exitCode ?? 0); microtasks;
//                         if that left timers or immediates, run the loop and
//                         emit 'beforeExit' again; else
//                      -> process._exiting = true, emit 'exit'(code);
//                         microtasks; exit with process.exitCode ?? 0
//   process.exit(code) -> (in the native) emit 'exit' unless already exiting,
//                         then end at once: nothing scheduled runs after it
//   an uncaught error or unhandled rejection
//                      -> unless already exiting: process.exitCode = 1, emit
//                         'exit'(1) (its errors are ignored; process.exit in a
//                         listener ends there, the error unprinted); then the
//                         error is printed and the exit code is
//                         process.exitCode ?? 1
//
// Listener records live in the heap (the data slot of the event methods), and
// `_exiting` is a property of process as in node, so an image carries both.
#pragma once

#include "engine/vm.h"

namespace kiln {

// Prints the pending exception as the host reports an uncaught error and
// returns the exit status that implies (1; or the out-of-memory status).
using ReportUncaughtFn = int (*)(VM& vm);

// Ends a program: `result` is what running it returned (runProgram, or a
// script then runEventLoop): undefined when its work is done, or exception.
// Emits 'beforeExit' and 'exit' (running the loop again while 'beforeExit'
// listeners schedule work), reports an uncaught error or the first
// unhandled rejection through `report`, and returns the exit status.
int finishProgram(VM& vm, Value result, ReportUncaughtFn report);

// process.exitCode as an exit status (0-255), or `fallback` when it is unset
// (undefined or null) or not a number. Reads the property (may run a getter;
// errors are swallowed).
int processExitCodeOr(VM& vm, int fallback);

// The error node reports for a promise rejected with `reason` that nothing
// handled: `reason` itself when it is error-like (an object with an own
// `stack`), else an UnhandledPromiseRejection error (code
// ERR_UNHANDLED_REJECTION) naming the reason without side effects.
Value unhandledRejectionError(VM& vm, Value reason);

}  // namespace kiln
