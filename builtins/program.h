// The program driver: what `kiln dev`, `kiln run` and `kiln compile` all run.
// It evaluates the entry's module graph in order, then the event loop. Its
// place lives in the heap (roots.program), so that an image can hold a
// program stopped anywhere in it and `kiln run` continues from there with
// the very same code path as `kiln dev` (DESIGN §2).
//
// roots.program is a ValueArray:
//   [0] the graph's modules in evaluation order (ValueArray; undefined until
//       linked): for reports and for the build's module-granularity
//       fallback, which stops before the body of the module of an index
//   [1] int phase: 0 not linked yet, 1 in the synchronous part of the
//       entry's evaluation (module bodies run by the driver), 2 past it
//   [2] the paused call (ValueArray of ints: fp, pcAfter, base, argc,
//       stackLength, construct, atPc, result), or undefined
//   [3] the entry module
//   [4] the entry's evaluation record (engine/module.h), once linked
//
// Modules with top-level await make the evaluation asynchronous: the
// driver runs the synchronous part (ECMA-262 InnerModuleEvaluation, one
// module body at a time, so that a build can pause in any body), and the
// bodies left waiting for an await run from promise jobs of the event loop.
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

// For reports: the number of modules in the order, the index of the one
// whose body runs next (or is paused in), and that module (undefined when
// past the end: the synchronous part is over).
uint32_t programModuleCount(VM& vm);
uint32_t programNextModule(VM& vm);
Value programModule(VM& vm, uint32_t index);
bool programPaused(VM& vm);
// The entry module (undefined when there is no program).
Value programEntry(VM& vm);
// The entry's evaluation (Evaluate()'s promise), undefined before linking;
// and whether it is still pending (node ends a program whose loop ran dry
// while its top-level await never settled with exit code 13).
Value programEvaluation(VM& vm);
bool programEvaluationPending(VM& vm);
// True until the synchronous part of the entry's evaluation is over (not
// yet the event loop; modules awaiting may still be pending after it).
bool programInModules(VM& vm);

}  // namespace kiln
