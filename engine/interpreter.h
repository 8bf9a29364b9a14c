// The bytecode interpreter (opcodes.def) and the entry points that run code.
//
// Frames live on the VM stack (RootsRecord::stack, a ValueArray cell): a JS
// call pushes a frame and continues in the same C++ loop, so JS-to-JS calls
// never recurse on the C++ stack (DESIGN §5.1). Frame layout, from low to high:
//
//   base+0  callee            base+1  this        base+2.. arguments (at least paramSlots)
//   fp+0    caller fp         fp+1    caller pc   fp+2  argc
//   fp+3    environment       fp+4    new.target  fp+5  frame flags
//   fp+6    base              fp+7    FunctionInfo of the running code
//   fp+8    the generator / async function object owning the frame, or undefined
//   fp+9..  locals (localCount), then the operand stack
//
// Only the header's caller fp, caller pc and base are absolute positions, so
// a suspended frame (generators, async functions: DESIGN §5.2) is saved as a
// plain copy of its slots and restored anywhere on the stack.
//
// Every slot is a Value (ints for the bookkeeping ones), so the collector and
// the image writer see a frame as plain data.
#pragma once

#include <functional>
#include <span>
#include <string>

#include "engine/source.h"
#include "engine/vm.h"

namespace kiln {

struct CallInfo;
struct CompiledFunction;
enum class DynamicFunctionKind;

// GeneratorCell::state values.
enum GeneratorState : int32_t {
  kSuspendedStart = 0, kSuspendedYield = 1, kSuspendedYieldRaw = 2, kExecuting = 3, kCompleted = 4,
  kAwaiting = 5,  // an async function suspended at Await
};

// True for the generator object of an async generator function (whose
// every resumption ends in asyncGeneratorStep, work left in C++).
bool isAsyncGeneratorObject(VM& vm, Value generator);

namespace frame {
enum : uint32_t {
  kCallerFp = 0, kCallerPc, kArgc, kEnv, kNewTarget, kFlags, kBase, kInfo, kGenerator, kHeaderSize,
};
enum Flags : int32_t {
  kConstruct = 1,       // [[Construct]]: a non-object return value gives `this`
  kNativeBoundary = 2,  // returning from this frame leaves the run loop (a native called into JS)
  kEval = 4,            // direct eval code: this/new.target/callee are the caller's
};
}  // namespace frame

class Interpreter {
 public:
  explicit Interpreter(VM& vm);

  // Calls fn from native code (re-entrant: runs a nested loop until fn returns).
  Value call(Value fn, Value thisValue, std::span<const Value> args);
  Value construct(Value fn, std::span<const Value> args, Value newTarget);
  // Runs top-level code (script, module body or eval) as a frame whose callee
  // is `callee` (a Function closing over `env`), this `thisValue`.
  Value runTopLevel(Value callee, Value thisValue);

  // Resumes a suspended generator or async function (GeneratorResume /
  // GeneratorResumeAbrupt): `mode` 0 next, 1 throw, 2 return. Returns the
  // yielded or returned value (the object's state says which), or exception.
  Value resumeGenerator(Value generator, Value value, int mode);

  // Build-time pause (VM::buildMode): called by the run loop before a call
  // of a non-Pure native. True when the program paused (vm.pausedCall says
  // where); false when it cannot (an uncatchable exception is then pending).
  bool pauseBeforeNative(uint32_t native, uint32_t base, uint32_t argc, bool construct, uint32_t pcAfter);
  bool tryPause(uint32_t native, const PausedCall& where, uint32_t expectedDepth);
  // Build time, at an instruction start (the time budget ran out): pauses
  // there, at depth 1; deeper, unwinds (Blocked) as pauseBeforeNative does.
  bool pauseAt(uint32_t pc);
  // Continues a program paused at `p` (from an image: the driver is the only
  // C++ frame): performs the native call, then runs the frames to the bottom
  // one. Returns what the bottom frame returns, or exception.
  Value resumePausedCall(const PausedCall& p);

  // Stack walking, innermost first: (FunctionInfo cell, pc offset, callee, this).
  void forEachFrame(const std::function<void(Value info, uint32_t pc, Value callee, Value thisValue)>& f);
  // The pc of the innermost frame as last saved by the loop.
  uint32_t currentPc() const { return savedPc_; }
  uint32_t currentFp() const { return fp_; }

  // Back to the state of a new interpreter over the roots record (the
  // embedding API's reset, after the roots were put back): the roots' stack,
  // an image's compact copy, is copied into this interpreter's own stack
  // cell, which the heap kept (Heap::rewindToImage).
  void reset();
  Ref stackCell() const { return stackCell_; }

 private:
  void adoptRootsStack();
  Value run(uint32_t entryFp);
  bool pushFrame(Value callee, uint32_t base, uint32_t argc, Value newTarget, int32_t flags);
  // A direct-eval frame: [callee, this] of the calling frame already at base.
  bool pushEvalFrame(uint32_t base, Value evalInfo, Ref env, Value newTarget);

  VM& vm_;
  // Where run() starts when resuming a suspended frame (UINT32_MAX: at pc 0).
  uint32_t resumePc_ = UINT32_MAX;
  bool resumeThrow_ = false;
  // Build time: the instruction start and stack length of a property read
  // in progress whose getter may pause the program (see RESTARTABLE).
  uint32_t restartablePc_ = UINT32_MAX;
  uint32_t restartLength_ = 0;
  uint32_t fp_ = UINT32_MAX;  // innermost frame header index (UINT32_MAX: none)
  uint32_t savedPc_ = 0;
  Ref stackCell_ = 0;  // the full-size stack (roots.stack once adopted)
  friend struct InterpreterAccess;
};

// ---- running source -------------------------------------------------------------

// A ScriptRecord (ValueArray: path, source text, line starts) for `source`.
Value newScriptRecord(VM& vm, const SourceFile& source);
// Turns compiled code into FunctionInfo cells (strings interned, constants materialized).
Value materializeFunction(VM& vm, const CompiledFunction& fn, Value scriptRecord);
// A closure of a FunctionInfo over `env` (0: none), with its standard properties.
Value newClosure(VM& vm, Value info, Ref env);

// Parses, compiles and runs a script in the current realm. Syntax errors are
// thrown as SyntaxError objects (with the file:line:col position in the message).
Value evaluateScript(VM& vm, const SourceFile& source);

// The engine hooks builtins call (Function constructor, indirect eval,
// Function.prototype.toString).
Value createDynamicFunction(VM& vm, Value newTarget, DynamicFunctionKind kind, CallInfo& info);
Value performIndirectEval(VM& vm, Value x);
Value functionSourceText(VM& vm, Value fn);

// Position of a pc in a FunctionInfo: file path, 1-based line and column.
struct SourcePosition {
  std::string path;
  uint32_t line = 0, column = 0;
  uint32_t offset = 0;
};
bool sourcePositionOf(VM& vm, Value info, uint32_t pc, SourcePosition* out);
std::string functionDisplayName(VM& vm, Value info);

}  // namespace kiln
