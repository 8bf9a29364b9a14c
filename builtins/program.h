// The program driver: what `kiln dev`, `kiln run` and `kiln compile` all run.
// It evaluates the entry's module graph in order, then the event loop. Its
// place lives in the heap (roots.program), so that an image can hold a
// program stopped anywhere in it and `kiln run` continues from there with
// the very same code path as `kiln dev` (DESIGN §2).
//
// roots.program is a ValueArray:
//   [0] the modules to evaluate, in order (ValueArray; undefined until linked)
//   [1] int: index of the next module to evaluate (or the one paused in)
//   [2] the paused call (ValueArray of ints: fp, pcAfter, base, argc,
//       stackLength, construct), or undefined
//   [3] the entry module
#pragma once

#include "engine/vm.h"

namespace kiln {

// Makes the program record for `entry` (a loaded module graph). Links and
// evaluates nothing yet: runProgram does, so that a link error happens at
// run time from an image exactly as from source.
Value startProgram(VM& vm, Value entry);

// Runs the program from where it is: the paused call if any, the remaining
// modules, then (unless at build time) the event loop. Returns undefined when
// the program's work is done, or exception: an uncaught exception,
// process.exit, out of memory, or — at build time — a pause (vm.pauseState
// says which kind). With stopBeforeModule >= 0, returns undefined before
// evaluating the module of that index (the build's module-granularity
// fallback; 0 also leaves linking to run time). Without eventLoop, returns
// once the modules are evaluated (the embedding API then calls an export
// and runs the loop itself).
Value runProgram(VM& vm, int32_t stopBeforeModule = -1, bool eventLoop = true);

// After a build-time pause: stores vm.pausedCall in the program record and
// puts the stack back as the paused frames left it (runTopLevel's unwinding
// of its C++ frame shrank it).
bool recordPause(VM& vm);
// Stores `call` as the program's paused call (checkpoint(): the frames are
// live, the call in progress). False on allocation failure.
bool recordPausedCall(VM& vm, const PausedCall& call);
// Clears the paused call (after checkpoint() wrote its image).
void clearPausedCall(VM& vm);

// For reports: the number of modules in the order, the index of the next one
// (or the paused one), and that module (undefined when past the end).
uint32_t programModuleCount(VM& vm);
uint32_t programNextModule(VM& vm);
Value programModule(VM& vm, uint32_t index);
bool programPaused(VM& vm);
// The entry module (undefined when there is no program).
Value programEntry(VM& vm);
// True while module bodies are being evaluated (not yet the event loop).
bool programInModules(VM& vm);

}  // namespace kiln
