// How the kiln command reports a program's uncaught exception (the format of
// node's: the throw site's source line with a caret, a blank line, then the
// error as util.inspect prints it — its stack for Error objects).
#pragma once

#include "engine/vm.h"

namespace kiln {

constexpr int kExitUncaught = 1;
constexpr int kExitOutOfMemory = 3;  // distinct from a JS exception (DESIGN §8)

// Prints the pending exception to stderr; returns the process exit code.
int reportUncaught(VM& vm);
// How a program run ends: `r` is what runProgram returned (or a script and
// runEventLoop). Runs the 'beforeExit' and 'exit' listeners and reports an
// uncaught exception or unhandled rejection (finishProgram, with
// reportUncaught); returns the exit code.
int programExitStatus(VM& vm, Value r);

}  // namespace kiln
