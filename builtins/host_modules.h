// The host APIs: the `process` object, the builtin host modules (node:fs,
// node:path, node:process, node:util) and the per-program host state they
// share.
//
// Host state lives in the heap (DESIGN §4.3): RootsRecord::hostData is a
// ValueArray indexed by HostSlot, created on first use. Anything read from
// the world (argv, env, cwd, clocks, files) is read by an Ambient native at
// the moment the program asks, never stored at realm creation, so that an
// image built by `kiln compile` never carries the build machine's values.
#pragma once

#include <string>
#include <string_view>

#include "engine/vm.h"

namespace kiln {

enum class HostSlot : uint32_t {
  Process,        // the process object
  Argv,           // process.argv once read (the array the program sees and may modify)
  Env,            // process.env once read
  ConsoleIndent,  // console.group() nesting, in spaces (Int)
  ConsoleCounts,  // HashTable label -> count for console.count
  FsModule,       // exports of node:fs, created on first import
  PathModule,     // exports of node:path
  UtilModule,     // exports of node:util
  SnapshotModule, // exports of kiln:snapshot
  AssetsModule,   // exports of kiln:assets
  TimersPromisesModule, // exports of node:timers/promises
  FsPromisesModule,     // exports of node:fs/promises (also fs.promises)
  Count
};

// The slot's value (undefined until set), and setting it. setHostSlot
// returns false on allocation failure (exception pending).
Value hostSlot(VM& vm, HostSlot slot);
bool setHostSlot(VM& vm, HostSlot slot, Value v);

// The exports object of a builtin host module ("node:fs", "fs", "node:path",
// "path", "node:process", "process", "node:util", "util"), or undefined when
// `specifier` names none. Exception on allocation failure. The loader sets
// vm.hostModule = &hostModule.
Value hostModule(VM& vm, std::string_view specifier);

// Creates the `process` global (called by installConsole).
void installProcess(VM& vm, Value global);

// The exit code of a program that ends normally: process.exitCode if the
// program set it to a number (or numeric string), else 0. May run a getter;
// exceptions are swallowed (the result is then 0).
int processExitCode(VM& vm);

// Node-style errors with a `code` (ERR_INVALID_ARG_TYPE...): the stack's
// first line reads "TypeError [CODE]: message", as Node prints it.
Value throwNodeError(VM& vm, ErrorType type, std::string_view code, std::string_view message);
// " Received ..." as Node's ERR_INVALID_ARG_TYPE messages end.
std::string describeReceived(VM& vm, Value v);

// Exports objects of the modules (fs.cpp, path.cpp).
Value createFsModule(VM& vm);
Value createPathModule(VM& vm);
Value createSnapshotModule(VM& vm);
Value createAssetsModule(VM& vm);
Value createTimersPromisesModule(VM& vm);
Value createFsPromisesModule(VM& vm);
// Bytes as JS values: a Uint8Array of them, or their UTF-8 decoding.
Value bytesToUint8Array(VM& vm, const std::string& bytes);
Value utf8BytesToString(VM& vm, const std::string& bytes);

}  // namespace kiln
