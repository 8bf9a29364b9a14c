// The interpreter loop. Hot state (stack base, frame, pc, locals, constants)
// lives in C++ locals; the stack pointer and pc are written back at every
// dispatch so that any allocation (which may collect) and any throw (which
// captures a stack trace) sees a consistent frame.
#include "engine/interpreter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>

#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/function.h"
#include "engine/interpreter_internal.h"
#include "engine/module.h"
#include "engine/object.h"
#include "engine/operators.h"
#include "engine/proxy.h"
#include "engine/runtime.h"
#include "engine/shape.h"
#include "engine/strings.h"

namespace kiln {

namespace {

constexpr uint32_t kStackCapacity = 256 * 1024;  // Values

inline Value* icEntry(VM& vm, FunctionInfoCell* fi, uint32_t ic) {
  return vm.cell<ValueArrayCell>(fi->icCache)->data() + size_t(ic) * kIcWidth;
}

}  // namespace

Interpreter::Interpreter(VM& vm) : vm_(vm) {
  Ref stack = vm.allocate(CellKind::ValueArray, sizeof(ValueArrayCell) + kStackCapacity * sizeof(Value));
  if (!stack) return;  // out of memory: the VM's creator reports it
  auto* s = vm.cell<ValueArrayCell>(stack);
  s->flags = kTraceUsedOnly;
  s->capacity = kStackCapacity;
  s->length = 0;
  stackCell_ = stack;
  adoptRootsStack();
}

// A VM from an image brings its stack as a compact copy (only the used part
// is written): continue on the full-size one.
void Interpreter::adoptRootsStack() {
  Value old = vm_.roots().stack;
  auto* s = vm_.cell<ValueArrayCell>(stackCell_);
  s->length = 0;
  if (old.isCell() && old.ref() != stackCell_) {
    auto* o = vm_.cell<ValueArrayCell>(old);
    uint32_t n = std::min(o->length, kStackCapacity);
    std::memcpy(s->data(), o->data(), n * sizeof(Value));
    s->length = n;
  }
  vm_.roots().stack = Value::cell(stackCell_);
}

void Interpreter::reset() {
  resumePc_ = UINT32_MAX;
  resumeThrow_ = false;
  restartablePc_ = UINT32_MAX;
  restartLength_ = 0;
  fp_ = UINT32_MAX;
  savedPc_ = 0;
  adoptRootsStack();
}

void Interpreter::forEachFrame(const std::function<void(Value info, uint32_t pc, Value callee, Value thisValue)>& f) {
  Value* S = vm_.cell<ValueArrayCell>(vm_.roots().stack)->data();
  uint32_t fp = fp_;
  uint32_t pc = savedPc_;
  while (fp != UINT32_MAX) {
    uint32_t base = uint32_t(S[fp + frame::kBase].asInt());
    f(S[fp + frame::kInfo], pc, S[base], S[base + 1]);
    int32_t caller = S[fp + frame::kCallerFp].asInt();
    uint32_t callerPc = uint32_t(S[fp + frame::kCallerPc].asInt());
    pc = callerPc > 0 ? callerPc - 1 : 0;
    fp = caller < 0 ? UINT32_MAX : uint32_t(caller);
  }
}

// Pushes a frame for JS function `callee` whose callee/this/args start at
// `base`. Returns false with a RangeError pending on stack overflow.
bool Interpreter::pushFrame(Value callee, uint32_t base, uint32_t argc, Value newTarget, int32_t flags) {
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  Value* S = st->data();
  auto* fn = vm_.cell<FunctionCell>(callee);
  auto* fi = vm_.cell<FunctionInfoCell>(fn->info);
  uint32_t nargs = std::max(argc, fi->paramSlots);
  uint32_t fp = base + 2 + nargs;
  // Calls count toward the deadline as jumps do: recursion without loops
  // (a function that calls itself from its catch block) must time out too.
  if (vm_.deadlineNs != 0 && (++vm_.ticks & 0xFFFF) == 0) vm_.interruptRequested = true;
  if (size_t(fp) + frame::kHeaderSize + fi->localCount + fi->maxStack + 16 > st->capacity) {
    vm_.throwRangeError("Maximum call stack size exceeded");
    return false;
  }
  for (uint32_t i = argc; i < nargs; i++) S[base + 2 + i] = Value::undefined();
  S[fp + frame::kCallerFp] = Value::int32(fp_ == UINT32_MAX ? -1 : int32_t(fp_));
  S[fp + frame::kCallerPc] = Value::int32(int32_t(savedPc_));
  S[fp + frame::kArgc] = Value::int32(int32_t(argc));
  S[fp + frame::kEnv] = fn->env ? Value::cell(fn->env) : Value::undefined();
  S[fp + frame::kNewTarget] = newTarget;
  S[fp + frame::kFlags] = Value::int32(flags);
  S[fp + frame::kBase] = Value::int32(int32_t(base));
  S[fp + frame::kInfo] = Value::cell(fn->info);
  S[fp + frame::kGenerator] = Value::undefined();
  Value* locals = S + fp + frame::kHeaderSize;
  for (uint32_t i = 0; i < fi->localCount; i++) locals[i] = Value::undefined();
  st->length = fp + frame::kHeaderSize + fi->localCount;
  fp_ = fp;
  savedPc_ = 0;
  // OrdinaryCallBindThis for sloppy functions (arrows get `this` from their scope).
  if (!(fi->flags & kStrict) && FunctionKind(fi->kind) != FunctionKind::Arrow && !(flags & frame::kConstruct)) {
    Value t = S[base + 1];
    if (t.isNullish()) {
      Value realm = fn->realm;
      S[base + 1] = vm_.cell<RealmCell>(realm)->intrinsics()[uint32_t(Intrinsic::GlobalObject)];
    } else if (!t.isObject()) {
      Value o = toObject(vm_, t);
      if (o.isException()) return false;
      S[base + 1] = o;
    }
  }
  return true;
}

namespace {

}  // namespace

int64_t unwrapBoundOnStack(VM& vm, Value* S, uint32_t base, uint32_t argc, bool construct, uint32_t capacity) {
  auto* b = vm.cell<BoundFunctionCell>(S[base]);
  auto* bound = vm.cell<ValueArrayCell>(b->boundArgs);
  uint32_t n = bound->length;
  if (size_t(base) + 2 + argc + n + 64 > capacity) return -1;
  std::memmove(S + base + 2 + n, S + base + 2, argc * sizeof(Value));
  for (uint32_t i = 0; i < n; i++) S[base + 2 + i] = bound->data()[i];
  if (!construct) S[base + 1] = b->boundThis;
  S[base] = b->target;
  return int64_t(argc) + n;
}

namespace {

// Native code entering JS (or another native): for the extent of the call,
// the native running now is the "caller native" that checkpoint() names.
struct NativeBoundary {
  VM& vm;
  uint32_t running, caller;
  explicit NativeBoundary(VM& v) : vm(v), running(v.runningNative), caller(v.callerNative) { v.callerNative = running; }
  ~NativeBoundary() {
    vm.runningNative = running;
    vm.callerNative = caller;
  }
};

}  // namespace

std::string describeCallee(VM& vm, Value v) {
  if (v.isString()) return "\"" + toUtf8(vm, v) + "\"";
  return describe(vm, v);
}

uint32_t lastCallPc(const uint8_t* pc, const uint8_t* code) {
  // Every call instruction is at least 1 byte; the line table maps any pc
  // inside the instruction to its position, so one byte back is enough.
  return pc > code ? uint32_t(pc - code) - 1 : 0;
}

bool interruptExpired(VM& vm) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  return now >= vm.deadlineNs;
}

bool Interpreter::pushEvalFrame(uint32_t base, Value evalInfo, Ref env, Value newTarget) {
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  Value* S = st->data();
  auto* fi = vm_.cell<FunctionInfoCell>(evalInfo);
  uint32_t fp = base + 3;  // [callee, this, evalInfo]: the info stays rooted as a pseudo-argument
  if (size_t(fp) + frame::kHeaderSize + fi->localCount + fi->maxStack + 16 > st->capacity) {
    vm_.throwRangeError("Maximum call stack size exceeded");
    return false;
  }
  S[fp + frame::kCallerFp] = Value::int32(fp_ == UINT32_MAX ? -1 : int32_t(fp_));
  S[fp + frame::kCallerPc] = Value::int32(int32_t(savedPc_));
  S[fp + frame::kArgc] = Value::int32(0);
  S[fp + frame::kEnv] = env ? Value::cell(env) : Value::undefined();
  S[fp + frame::kNewTarget] = newTarget;
  S[fp + frame::kFlags] = Value::int32(frame::kEval);
  S[fp + frame::kBase] = Value::int32(int32_t(base));
  S[fp + frame::kInfo] = evalInfo;
  S[fp + frame::kGenerator] = Value::undefined();
  Value* locals = S + fp + frame::kHeaderSize;
  for (uint32_t i = 0; i < fi->localCount; i++) locals[i] = Value::undefined();
  st->length = fp + frame::kHeaderSize + fi->localCount;
  fp_ = fp;
  savedPc_ = 0;
  return true;
}

Value Interpreter::call(Value fn, Value thisValue, std::span<const Value> args) {
  if (vm_.nativeDepth >= VM::kMaxNativeDepth) return vm_.throwRangeError("Maximum call stack size exceeded");
  NativeBoundary boundary(vm_);
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  uint32_t base = st->length;
  uint32_t argc = uint32_t(args.size());
  if (size_t(base) + argc + 64 > st->capacity) return vm_.throwRangeError("Maximum call stack size exceeded");
  Value* S = st->data();
  S[base] = fn;
  S[base + 1] = thisValue;
  for (uint32_t i = 0; i < argc; i++) S[base + 2 + i] = args[i];
  st->length = base + 2 + argc;
  uint32_t savedFp = fp_, savedPc = savedPc_;
  Value result;
  vm_.nativeDepth++;
  for (;;) {
    Value callee = S[base];
    if (!callee.isObject()) {
      result = vm_.throwTypeError(describeCallee(vm_, callee) + " is not a function");
      break;
    }
    CellKind kind = kindOf(vm_, callee);
    if (kind == CellKind::Function) {
      auto* f = vm_.cell<FunctionCell>(callee);
      if (f->flags & ObjectCell::kClassConstructor) {
        Value name = get(vm_, callee, vm_.atom(Atom::name));
        result = vm_.throwTypeError("Class constructor " + (name.isString() ? toUtf8(vm_, name) : std::string()) +
                                    " cannot be invoked without 'new'");
        break;
      }
      if (!pushFrame(callee, base, argc, Value::undefined(), frame::kNativeBoundary)) {
        result = Value::exception();
        break;
      }
      result = run(fp_);
      break;
    }
    if (kind == CellKind::NativeFunction) {
      auto* nf = vm_.cell<NativeFunctionCell>(callee);
      if (vm_.buildMode && vm_.natives().entries[nf->native].effect != Effect::Pure) [[unlikely]] {
        // A getter called by a property read of the outermost loop can pause
        // (the read restarts on resume); native code calling a native cannot.
        PausedCall p;
        p.fp = savedFp;
        p.pcAfter = restartablePc_;
        p.stackLength = restartLength_;
        p.atPc = true;
        // Depth 2: the outermost loop, then this call.
        tryPause(nf->native, p, restartablePc_ != UINT32_MAX ? 2 : UINT32_MAX);
        result = Value::exception();
        break;
      }
      CallInfo info{S[base + 1], callee, Value::undefined(), argc, S + base + 2};
      NativeFn native = vm_.natives().entries[nf->native].fn;
      vm_.runningNative = nf->native;
      result = native ? native(vm_, info) : vm_.throwTypeError(std::string(vm_.natives().entries[nf->native].name) + " is not implemented");
      break;
    }
    if (kind == CellKind::BoundFunction) {
      int64_t n = unwrapBoundOnStack(vm_, S, base, argc, false, st->capacity);
      if (n < 0) {
        result = vm_.throwRangeError("Maximum call stack size exceeded");
        break;
      }
      argc = uint32_t(n);
      st->length = base + 2 + argc;
      continue;
    }
    if (kind == CellKind::Proxy && isCallable(vm_, callee)) {
      result = proxyCall(vm_, callee, S[base + 1], {S + base + 2, argc});
      break;
    }
    result = vm_.throwTypeError(describeCallee(vm_, callee) + " is not a function");
    break;
  }
  vm_.nativeDepth--;
  fp_ = savedFp;
  savedPc_ = savedPc;
  vm_.cell<ValueArrayCell>(vm_.roots().stack)->length = base;
  return result;
}

Value Interpreter::construct(Value fn, std::span<const Value> args, Value newTarget) {
  if (vm_.nativeDepth >= VM::kMaxNativeDepth) return vm_.throwRangeError("Maximum call stack size exceeded");
  NativeBoundary boundary(vm_);
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  uint32_t base = st->length;
  uint32_t argc = uint32_t(args.size());
  if (size_t(base) + argc + 64 > st->capacity) return vm_.throwRangeError("Maximum call stack size exceeded");
  Value* S = st->data();
  S[base] = fn;
  S[base + 1] = Value::undefined();
  for (uint32_t i = 0; i < argc; i++) S[base + 2 + i] = args[i];
  S[base + 2 + argc] = newTarget;  // keep newTarget rooted while `this` is created
  st->length = base + 3 + argc;
  uint32_t savedFp = fp_, savedPc = savedPc_;
  Value result;
  vm_.nativeDepth++;
  for (;;) {
    Value callee = S[base];
    if (!isConstructor(vm_, callee)) {
      result = vm_.throwTypeError(describeCallee(vm_, callee) + " is not a constructor");
      break;
    }
    CellKind kind = kindOf(vm_, callee);
    Value nt = S[base + 2 + argc];
    if (kind == CellKind::Function) {
      auto* fi = vm_.cell<FunctionInfoCell>(vm_.cell<FunctionCell>(callee)->info);
      if (FunctionKind(fi->kind) == FunctionKind::DerivedConstructor) {
        S[base + 1] = Value::hole();
      } else {
        Value thisObj = ordinaryCreateFromConstructor(vm_, nt, Intrinsic::ObjectPrototype);
        if (thisObj.isException()) { result = thisObj; break; }
        S[base + 1] = thisObj;
      }
      st->length = base + 2 + argc;
      if (!pushFrame(S[base], base, argc, nt, frame::kNativeBoundary | frame::kConstruct)) {
        result = Value::exception();
        break;
      }
      result = run(fp_);
      break;
    }
    if (kind == CellKind::NativeFunction) {
      auto* nf = vm_.cell<NativeFunctionCell>(callee);
      if (vm_.buildMode && vm_.natives().entries[nf->native].effect != Effect::Pure) [[unlikely]] {
        // Native code constructing with a native: never a capturable point.
        tryPause(nf->native, PausedCall(), UINT32_MAX);
        result = Value::exception();
        break;
      }
      CallInfo info{Value::undefined(), callee, nt, argc, S + base + 2};
      NativeFn native = vm_.natives().entries[nf->native].fn;
      result = native ? native(vm_, info) : vm_.throwTypeError(std::string(vm_.natives().entries[nf->native].name) + " is not implemented");
      break;
    }
    if (kind == CellKind::BoundFunction) {
      Value target = vm_.cell<BoundFunctionCell>(callee)->target;
      if (nt == callee) S[base + 2 + argc] = target;
      Value keepNt = S[base + 2 + argc];
      int64_t n = unwrapBoundOnStack(vm_, S, base, argc, true, st->capacity);
      if (n < 0) {
        result = vm_.throwRangeError("Maximum call stack size exceeded");
        break;
      }
      argc = uint32_t(n);
      S[base + 2 + argc] = keepNt;
      st->length = base + 3 + argc;
      continue;
    }
    if (kind == CellKind::Proxy) {
      result = proxyConstruct(vm_, callee, {S + base + 2, argc}, nt);
      break;
    }
    result = vm_.throwTypeError(describeCallee(vm_, callee) + " is not a constructor");
    break;
  }
  vm_.nativeDepth--;
  fp_ = savedFp;
  savedPc_ = savedPc;
  vm_.cell<ValueArrayCell>(vm_.roots().stack)->length = base;
  return result;
}

// Build time: a pause at `where`, when only the program driver's C++ frame
// lies below the running code (nativeDepth == expectedDepth); otherwise a
// native frame is on the C++ stack, the program cannot be captured, and it
// unwinds (Blocked) so that the build falls back to module granularity.
bool Interpreter::tryPause(uint32_t native, const PausedCall& where, uint32_t expectedDepth) {
  vm_.pauseNative = native;
  if (vm_.nativeDepth != expectedDepth) {
    vm_.pauseState = PauseState::Blocked;
    vm_.throwValue(Value::undefined());
    return false;
  }
  vm_.pauseState = PauseState::Paused;
  vm_.pausedCall = where;
  return true;
}

bool Interpreter::pauseBeforeNative(uint32_t native, uint32_t base, uint32_t argc, bool construct, uint32_t pcAfter) {
  PausedCall p;
  p.fp = fp_;
  p.pcAfter = pcAfter;
  p.base = base;
  p.argc = argc;
  p.stackLength = vm_.cell<ValueArrayCell>(vm_.roots().stack)->length;
  p.construct = construct;
  return tryPause(native, p, 1);
}

bool Interpreter::pauseAt(uint32_t pc) {
  PausedCall p;
  p.fp = fp_;
  p.pcAfter = pc;
  p.stackLength = vm_.cell<ValueArrayCell>(vm_.roots().stack)->length;
  p.atPc = true;
  return tryPause(UINT32_MAX, p, 1);
}

Value Interpreter::resumePausedCall(const PausedCall& p) {
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  Value* S = st->data();
  st->length = p.stackLength;
  fp_ = p.fp;
  if (p.atPc) {
    savedPc_ = p.pcAfter;
    resumePc_ = p.pcAfter;
    vm_.nativeDepth++;
    Value result = run(fp_);
    vm_.nativeDepth--;
    fp_ = UINT32_MAX;
    savedPc_ = 0;
    return result;
  }
  // The frame's pc is the call instruction's end; an exception from the call
  // belongs to the instruction itself.
  savedPc_ = p.pcAfter - 1;
  vm_.nativeDepth++;
  Value r = p.result;
  if (r.isHole()) {
    Value callee = S[p.base];
    Value newTarget = p.construct ? S[p.base + 2 + p.argc] : Value::undefined();
    CallInfo info{p.construct ? Value::undefined() : S[p.base + 1], callee, newTarget, p.argc, S + p.base + 2};
    auto* nf = vm_.cell<NativeFunctionCell>(callee);
    r = vm_.natives().entries[nf->native].fn(vm_, info);
  }
  st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  S = st->data();
  if (r.isException()) {
    resumePc_ = p.pcAfter - 1;
    resumeThrow_ = true;
    st->length = p.base;
  } else {
    S[p.base] = r;
    st->length = p.base + 1;
    resumePc_ = p.pcAfter;
  }
  Value result = run(fp_);
  vm_.nativeDepth--;
  fp_ = UINT32_MAX;
  savedPc_ = 0;
  return result;
}

Value Interpreter::runTopLevel(Value callee, Value thisValue) {
  Value args[0] = {};
  (void)args;
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  uint32_t base = st->length;
  if (size_t(base) + 64 > st->capacity) return vm_.throwRangeError("Maximum call stack size exceeded");
  Value* S = st->data();
  S[base] = callee;
  S[base + 1] = thisValue;
  st->length = base + 2;
  uint32_t savedFp = fp_, savedPc = savedPc_;
  Value result;
  vm_.nativeDepth++;
  if (!pushFrame(callee, base, 0, Value::undefined(), frame::kNativeBoundary)) {
    result = Value::exception();
  } else {
    // Top-level code: `this` is exactly what the caller gave (no coercion).
    S[base + 1] = thisValue;
    result = run(fp_);
  }
  vm_.nativeDepth--;
  fp_ = savedFp;
  savedPc_ = savedPc;
  vm_.cell<ValueArrayCell>(vm_.roots().stack)->length = base;
  return result;
}

}  // namespace kiln

namespace kiln {

Value call(VM& vm, Value fn, Value thisValue, std::span<const Value> args) {
  return vm.interpreter().call(fn, thisValue, args);
}

Value construct(VM& vm, Value fn, std::span<const Value> args, Value newTarget) {
  return vm.interpreter().construct(fn, args, newTarget);
}

}  // namespace kiln

namespace kiln {

Value Interpreter::resumeGenerator(Value genV, Value value, int mode) {
  auto* g = vm_.cell<GeneratorCell>(genV);
  int32_t state = g->state.asInt();
  if (state == kExecuting) return vm_.throwTypeError("Generator is already running");
  if (state == kCompleted || (state == kSuspendedStart && mode != 0)) {
    g->state = Value::int32(kCompleted);
    g->frame = Value::undefined();
    if (mode == 1) return vm_.throwValue(value);
    return mode == 2 ? value : Value::undefined();
  }
  if (vm_.nativeDepth >= VM::kMaxNativeDepth) return vm_.throwRangeError("Maximum call stack size exceeded");
  NativeBoundary boundary(vm_);
  ValueArrayCell* st = vm_.cell<ValueArrayCell>(vm_.roots().stack);
  Value* S = st->data();
  auto* saved = vm_.cell<ValueArrayCell>(g->frame);
  uint32_t n = saved->length - 2;
  uint32_t pcOff = uint32_t(saved->data()[0].asInt());
  uint32_t fpOff = uint32_t(saved->data()[1].asInt());
  uint32_t base = st->length;
  auto* fi = vm_.cell<FunctionInfoCell>(saved->data()[2 + fpOff + frame::kInfo]);
  if (size_t(base) + n + fi->maxStack + 16 > st->capacity) return vm_.throwRangeError("Maximum call stack size exceeded");
  std::memcpy(S + base, saved->data() + 2, n * sizeof(Value));
  uint32_t fp = base + fpOff;
  S[fp + frame::kBase] = Value::int32(int32_t(base));
  S[fp + frame::kCallerFp] = Value::int32(fp_ == UINT32_MAX ? -1 : int32_t(fp_));
  S[fp + frame::kCallerPc] = Value::int32(int32_t(savedPc_));
  S[fp + frame::kFlags] = Value::int32((S[fp + frame::kFlags].asInt() & ~kDiscardResult) | frame::kNativeBoundary | kResumed);
  S[fp + frame::kGenerator] = genV;
  uint32_t sp = base + n;
  g->state = Value::int32(kExecuting);
  g->frame = Value::undefined();
  const uint8_t* code = vm_.cell<ByteArrayCell>(fi->code)->data();
  resumeThrow_ = false;
  if (state == kSuspendedStart) {
    resumePc_ = pcOff;
  } else if (state == kSuspendedYieldRaw) {
    S[sp++] = value;
    S[sp++] = Value::int32(mode);
    resumePc_ = pcOff + instructionSize(Op::YieldRaw);
  } else if (state == kAwaiting) {
    // Await resumes with the settled value, or throws the rejection reason.
    if (mode == 1) {
      vm_.throwValue(value);
      resumeThrow_ = true;
      resumePc_ = pcOff;
    } else {
      S[sp++] = value;
      resumePc_ = pcOff + instructionSize(Op::Await);
    }
  } else if (mode == 0) {
    S[sp++] = value;
    resumePc_ = pcOff + instructionSize(Op::Yield);
  } else if (mode == 1) {
    vm_.throwValue(value);
    resumeThrow_ = true;
    resumePc_ = pcOff;
  } else {
    S[sp++] = value;
    resumePc_ = pcOff + uint32_t(readI32(code + pcOff + 1));
  }
  st->length = sp;
  uint32_t savedFp = fp_, savedPc = savedPc_;
  fp_ = fp;
  savedPc_ = resumePc_;
  vm_.nativeDepth++;
  Value result = run(fp);
  vm_.nativeDepth--;
  fp_ = savedFp;
  savedPc_ = savedPc;
  vm_.cell<ValueArrayCell>(vm_.roots().stack)->length = base;
  if (result.isException()) {
    auto* gc = vm_.cell<GeneratorCell>(genV);
    gc->state = Value::int32(kCompleted);
    gc->frame = Value::undefined();
  }
  // An async generator settles its pending request after every step.
  if (vm_.asyncGeneratorStep && isAsyncGeneratorObject(vm_, genV)) return vm_.asyncGeneratorStep(vm_, genV, result);
  return result;
}

bool isAsyncGeneratorObject(VM& vm, Value g) {
  if (!g.isObject() || kindOf(vm, g) != CellKind::Generator) return false;
  Value f = vm.cell<GeneratorCell>(g)->function;
  if (!f.isObject() || kindOf(vm, f) != CellKind::Function) return false;
  uint32_t flags = vm.cell<FunctionInfoCell>(vm.cell<FunctionCell>(f)->info)->flags;
  return (flags & kAsync) && (flags & kGenerator);
}

// Saves the frame [base, sp) of the running generator, to be resumed at pcOff.
Status saveGeneratorFrame(VM& vm, Value gen, const Value* S, uint32_t base, uint32_t fp, uint32_t sp, uint32_t pcOff,
                          int32_t state) {
  Root g(vm.heap(), gen);
  uint32_t n = sp - base;
  Ref saved = newValueArray(vm, n + 2, n + 2);
  if (!saved) return Status::Exception;
  Value* d = vm.cell<ValueArrayCell>(saved)->data();
  d[0] = Value::int32(int32_t(pcOff));
  d[1] = Value::int32(int32_t(fp - base));
  std::memcpy(d + 2, S + base, n * sizeof(Value));
  auto* gc = vm.cell<GeneratorCell>(g.get());
  gc->frame = Value::cell(saved);
  gc->state = Value::int32(state);
  return Status::True;
}

}  // namespace kiln

namespace kiln {

Value newGeneratorObject(VM& vm, Value callee, bool async) {
  Root c(vm.heap(), callee);
  Value proto = KILN_TRY(get(vm, callee, vm.atom(Atom::prototype)));
  if (!proto.isObject()) {
    Value realm = KILN_TRY(functionRealm(vm, c.get()));
    proto = vm.cell<RealmCell>(realm)->intrinsics()[uint32_t(async ? Intrinsic::AsyncGeneratorPrototype
                                                                     : Intrinsic::GeneratorPrototype)];
    if (!proto.isObject()) proto = vm.intrinsic(Intrinsic::ObjectPrototype);
  }
  Value g = KILN_TRY(newObjectOfKind(vm, CellKind::Generator, sizeof(GeneratorCell), proto));
  auto* gc = vm.cell<GeneratorCell>(g);
  gc->state = Value::int32(kSuspendedStart);
  gc->frame = Value::undefined();
  gc->function = c.get();
  gc->extra = Value::undefined();
  return g;
}

}  // namespace kiln
