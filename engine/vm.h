// The VM: one heap, one roots record, the interpreter's stack.
//
// All VM state lives in the heap or in RootsRecord (DESIGN §4.3): the roots
// record is a plain struct of Values that the collector traces and that the
// image writer will serialize. C++ members of VM that are not in the roots
// record are caches or per-process state (streams, clocks), never program
// state.
//
// Error convention: an operation that can throw returns Value::exception()
// (or a Status) after storing the thrown value with vm.throwValue(); callers
// propagate it with KILN_TRY.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cells.h"
#include "engine/heap.h"
#include "engine/value.h"

namespace kiln {

enum class Atom : uint32_t {
#define KILN_ATOM(id, text) id,
#include "engine/atoms.def"
#undef KILN_ATOM
  Count
};

enum class WellKnown : uint32_t {
#define KILN_WELL_KNOWN(id, desc) id,
#include "engine/symbols.def"
#undef KILN_WELL_KNOWN
  Count
};

enum class Intrinsic : uint32_t {
#define KILN_INTRINSIC(id) id,
#include "engine/intrinsics.def"
#undef KILN_INTRINSIC
  Count
};

enum class ErrorType : uint8_t { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError };

// Everything a snapshot must hold besides the heap itself.
struct RootsRecord {
  Value atomTable;      // HashTable (width 1) of interned strings
  Value atoms;          // ValueArray: predefined atoms, indexed by Atom
  Value wellKnown;      // ValueArray: well-known symbols, indexed by WellKnown
  Value symbolRegistry; // HashTable: key string -> symbol (Symbol.for)
  Value realm;          // the current Realm cell
  Value stack;          // ValueArray: the interpreter stack (frames, operand stacks)
  Value exception;      // the pending exception, or the hole when none
  Value jobQueue;       // ValueArray used as a queue of pending jobs
  Value timers;         // pending timers (issue 3)
  Value modules;        // HashTable: resolved path -> Module
  Value hostData;       // host-specific state (process object, ...)
  Value emptyShapeCache;// HashTable: prototype -> root shape for objects with that prototype
  Value program;        // the program driver's state (builtins/program.h)
  Value scratch[8];     // registers for native code that must keep values across calls

  template <class F> void forEach(F&& f) {
    f(atomTable); f(atoms); f(wellKnown); f(symbolRegistry); f(realm); f(stack);
    f(exception); f(jobQueue); f(timers); f(modules); f(hostData); f(emptyShapeCache);
    f(program);
    for (Value& v : scratch) f(v);
  }
  static constexpr size_t kCount = 13 + 8;  // Values visited by forEach, in its order
};

// Build-time evaluation (kiln compile, DESIGN §2): the first call of a native
// that is not Pure pauses the program instead of running it.
enum class PauseState : uint8_t {
  None,
  Paused,   // stopped right before a native call; the frames are intact
  Blocked,  // the call was under a native frame (a JS callback of native
            // code): the program unwinds, the build falls back to modules
};
// Where the run loop stopped: frame fp, about to call the native whose
// callee/this/arguments (and new.target when constructing) sit at `base`;
// or, when atPc, simply at instruction `pcAfter` (the time budget ran out).
// `result`, when not the hole, is what the call returns on resume instead of
// being made (checkpoint() returns true in the resumed program).
struct PausedCall {
  uint32_t fp = 0, pcAfter = 0, base = 0, argc = 0, stackLength = 0;
  bool construct = false;
  bool atPc = false;
  Value result = Value::hole();
};

// How a VM is made from an image (loader/): the heap region's bytes are
// written by `fill` before anything is allocated, then the roots are set.
struct HeapImageSource {
  size_t bytes = 0;
  std::function<bool(uint8_t* dest)> fill;
  const uint64_t* roots = nullptr;  // RootsRecord::kCount raw Values
  size_t rootCount = 0;
};

class Interpreter;
struct PromiseHooks;
struct NativeTable;

class VM {
 public:
  explicit VM(const NativeTable& natives, size_t heapLimit = Heap::kDefaultLimit);
  // A VM whose heap and roots come from an image. nullptr and *error when
  // the bytes do not fit or cannot be written.
  static std::unique_ptr<VM> fromImage(const NativeTable& natives, size_t heapLimit, const HeapImageSource& source,
                                       std::string* error);
  // Back to the state fromImage left (the embedding API's reset): `refill`
  // puts the image region's bytes back, everything allocated since is
  // dropped, the roots come from `roots`, the run state below is cleared and
  // the heap limit is `heapLimit` again. The host hooks stay. Must be called
  // with no JS or native frame running. False when refill fails.
  bool resetToImage(const std::function<bool(uint8_t* dest)>& refill, const uint64_t* roots, size_t heapLimit);
  ~VM();
  VM(const VM&) = delete;
  VM& operator=(const VM&) = delete;

  Heap& heap() { return heap_; }
  RootsRecord& roots() { return roots_; }

  template <class T = CellHeader> T* cell(Ref r) const { return heap_.ptr<T>(r); }
  template <class T = CellHeader> T* cell(Value v) const { return heap_.ptr<T>(v.ref()); }
  Ref refOf(const void* p) const { return heap_.ref(p); }

  // Allocation; on failure throws a RangeError ("out of memory") and returns 0.
  Ref allocate(CellKind kind, size_t bytes);

  Value atom(Atom a) const;
  Value wellKnown(WellKnown w) const;
  Value intrinsic(Intrinsic i) const;
  void setIntrinsic(Intrinsic i, Value v);
  RealmCell* realm() const { return cell<RealmCell>(roots_.realm); }

  // Exceptions.
  Value throwValue(Value v);  // stores v as pending, returns Value::exception()
  Value throwError(ErrorType type, std::string_view message);
  Value throwTypeError(std::string_view m) { return throwError(ErrorType::TypeError, m); }
  Value throwRangeError(std::string_view m) { return throwError(ErrorType::RangeError, m); }
  // The deadline passed: "Execution timed out", uncatchable (timedOut).
  Value throwTimedOut();
  Value takeException();      // returns and clears the pending exception
  bool hasException() const { return !roots_.exception.isHole(); }

  Interpreter& interpreter() { return *interpreter_; }
  const NativeTable& natives() const { return natives_; }
  // Set when an allocation failed; the pending exception is then turned into
  // a RangeError by whoever can still allocate (or reported as out-of-memory).
  bool outOfMemory = false;
  // When not 0: the first allocation that fails raises the heap limit by
  // this much and throws a catchable RangeError, so that the program can
  // recover (the embedding API sets it); only a failure past that headroom
  // is the uncatchable out-of-memory above.
  size_t oomHeadroomBytes = 0;
  bool oomHeadroomUsed = false;

  // Native re-entrancy depth (native code calling back into JS).
  uint32_t nativeDepth = 0;
  static constexpr uint32_t kMaxNativeDepth = 400;

  // ---- host I/O and per-process state (not program state: set by the host
  // at every start, never part of an image) ----
  // Program output: fd 1 or 2. Defaults to the process's own streams.
  std::function<void(int fd, std::string_view text)> write;
  std::vector<std::string> argv;  // process.argv as the host wants it seen
  // Builtin host modules ("node:fs", "kiln:snapshot"...): the module's exports
  // object, or undefined when the specifier is not a host module.
  Value (*hostModule)(VM& vm, std::string_view specifier) = nullptr;
  // Promise machinery, set by the builtins at realm creation (engine/promise_hooks.h).
  const PromiseHooks* promises = nullptr;
  // Async iteration (builtins/async_generator.cpp): settles an async
  // generator's pending request after each resumption of its frame (the
  // result is the yielded/returned value, or exception), and wraps a sync
  // iterator for `for await` (CreateAsyncFromSyncIterator).
  Value (*asyncGeneratorStep)(VM& vm, Value generator, Value result) = nullptr;
  Value (*createAsyncFromSyncIterator)(VM& vm, Value syncIterator, Value next) = nullptr;
  // process.exit(): unwinds everything (uncatchable), then the host exits.
  bool exitRequested = false;
  int exitCode = 0;
  // Modules are compiled with -O1 (constant folding, dead code left out);
  // `kiln compile -O 0` turns it off.
  bool optimizeBytecode = true;
  // Build-time evaluation: see PauseState.
  bool buildMode = false;
  PauseState pauseState = PauseState::None;
  uint32_t pauseNative = 0;  // natives-table index of the call that paused or was blocked (UINT32_MAX: the time budget)
  PausedCall pausedCall;
  // The native-depth at which the program can be captured (checkpoint(),
  // build-time pause): the program driver sets 1 while module bodies run (the
  // driver is then the only C++ frame under the JS frames); 0 (nowhere) when
  // the C++ frames below JS are the event loop's, except as below.
  uint32_t capturableDepth = 0;
  // True while the program driver runs the event loop: a job that resumes an
  // async function from `await` then raises capturableDepth for its frame
  // (nothing remains to do in C++ after it), so checkpoint() works there too.
  bool drivingEventLoop = false;
  // The native last entered from the run loop, and the native that was
  // running when native code last called back into JS (set for the extent of
  // Interpreter::call/construct/resumeGenerator): checkpoint() names it as
  // the frame it cannot capture. UINT32_MAX: none.
  uint32_t runningNative = UINT32_MAX, callerNative = UINT32_MAX;
  // checkpoint() of kiln:snapshot, provided by the host that can write images
  // (snapshot/checkpoint.h). `call` is the checkpoint call itself.
  Value (*checkpoint)(VM& vm, std::string_view path, const struct CallInfo& call) = nullptr;
  // kiln:assets: the files of --embed-assets (from the image under `kiln
  // run`, from the folder under `kiln dev --embed-assets`). `readAsset`
  // returns false when there is no such asset.
  std::function<bool(std::string_view name, std::string* bytes)> readAsset;
  std::function<std::vector<std::string>()> assetNames;
  // Files opened by node:fs openSync (builtins/fs.cpp): the OS fds by table
  // index, -1 for a free slot. Host state, never in an image: the heap maps
  // each JS fd to (hostFileEpoch, table index), and the epoch is drawn anew
  // for every VM, so a program resumed from an image finds the fds it had
  // open stale (closed) instead of resolving them to whatever this process
  // has at that index. Closed by ~VM and resetToImage.
  std::vector<int> hostFiles;
  uint64_t hostFileEpoch = 0;  // < 2^53: the heap keeps it as a Number
  // Pending exceptions that JS cannot catch.
  bool uncatchable() const { return outOfMemory || exitRequested || timedOut || pauseState != PauseState::None; }

  // Interrupts: checked at loop back-edges and calls.
  uint64_t deadlineNs = 0;  // CLOCK_MONOTONIC; 0: none
  uint64_t ticks = 0;       // jumps executed while a deadline or tick budget is set
  // The build's budget (kiln compile --init-budget) counts jumps, not time:
  // the same program pauses at the same place on any machine, so images stay
  // reproducible. 0: none.
  uint64_t tickBudget = 0;
  bool interruptRequested = false;
  // The deadline passed: a RangeError ("Execution timed out") is pending and
  // unwinds everything, as out-of-memory does (a `catch` cannot keep a
  // runaway program alive).
  bool timedOut = false;

 private:
  struct FromImage {};
  VM(const NativeTable& natives, size_t heapLimit, FromImage);
  void initCommon();
  void clearRunState();
  void closeHostFiles();
  void newHostFileEpoch();

  Heap heap_;
  RootsRecord roots_;
  const NativeTable& natives_;
  Interpreter* interpreter_;
};

#define KILN_TRY(expr)                            \
  ({                                              \
    ::kiln::Value kiln_try_v_ = (expr);           \
    if (kiln_try_v_.isException()) return kiln_try_v_; \
    kiln_try_v_;                                  \
  })

// For functions returning bool-ish Status values.
enum class Status : uint8_t { False = 0, True = 1, Exception = 2 };
inline Status toStatus(bool b) { return b ? Status::True : Status::False; }
#define KILN_TRY_STATUS(expr)                                           \
  ({                                                                    \
    ::kiln::Status kiln_try_s_ = (expr);                                \
    if (kiln_try_s_ == ::kiln::Status::Exception) return Value::exception(); \
    kiln_try_s_ == ::kiln::Status::True;                                \
  })

}  // namespace kiln
