#include "builtins/program.h"

#include "builtins/builtins.h"
#include "builtins/promise.h"
#include "builtins/timers.h"
#include "engine/interpreter.h"
#include "engine/module.h"
#include "engine/object.h"

namespace kiln {

namespace {

enum : uint32_t { kOrder, kPhase, kPaused, kEntry, kEvaluation, kFields };
enum Phase : int32_t {
  kUnlinked = 0,  // nothing done yet (linking happens in runProgram)
  kModules = 1,   // the synchronous part of the entry's evaluation
  kLoop = 2,      // past it: what is left runs from the event loop
};
enum : uint32_t {
  kPausedFp, kPausedPcAfter, kPausedBase, kPausedArgc, kPausedStackLength, kPausedConstruct, kPausedAtPc, kPausedResult,
  kPausedFields
};

Value* fields(VM& vm) { return vm.cell<ValueArrayCell>(vm.roots().program)->data(); }
ValueArrayCell* order(VM& vm) { return vm.cell<ValueArrayCell>(fields(vm)[kOrder]); }
int32_t phase(VM& vm) { return fields(vm)[kPhase].asInt(); }

}  // namespace

Value startProgram(VM& vm, Value entry) {
  Root e(vm.heap(), entry);
  Ref record = newValueArray(vm, kFields, kFields);
  if (!record) return Value::exception();
  Value* f = vm.cell<ValueArrayCell>(record)->data();
  f[kOrder] = Value::undefined();
  f[kPhase] = Value::int32(kUnlinked);
  f[kPaused] = Value::undefined();
  f[kEntry] = e.get();
  f[kEvaluation] = Value::undefined();
  vm.roots().program = Value::cell(record);
  return Value::undefined();
}

namespace {

// Links the graph, records its evaluation order (for reports) and begins
// its evaluation (once).
Value linkProgram(VM& vm) {
  if (phase(vm) != kUnlinked) return Value::undefined();
  Value entry = fields(vm)[kEntry];
  if (linkModule(vm, entry) == Status::Exception) return Value::exception();
  Value list = KILN_TRY(moduleEvaluationOrder(vm, fields(vm)[kEntry]));
  fields(vm)[kOrder] = list;
  Value ev = KILN_TRY(beginModuleEvaluation(vm, fields(vm)[kEntry]));
  fields(vm)[kEvaluation] = ev;
  fields(vm)[kPhase] = Value::int32(kModules);
  return Value::undefined();
}

// The index of `module` in the evaluation order.
uint32_t orderIndex(VM& vm, Value module) {
  if (!fields(vm)[kOrder].isCell()) return 0;
  ValueArrayCell* o = order(vm);
  for (uint32_t i = 0; i < o->length; i++)
    if (o->data()[i] == module) return i;
  return o->length;
}

// The end of the synchronous part: a failure is the program's uncaught
// error now; a failure after an await (the evaluation's promise rejected
// later) is rethrown from a job, which ends the event loop the same way.
Value endModulePhase(VM& vm) {
  fields(vm)[kPhase] = Value::int32(kLoop);
  Value ev = fields(vm)[kEvaluation];
  Root promise(vm.heap(), evaluationPromise(vm, ev));
  Root module(vm.heap(), evaluationModule(vm, ev));
  Root onRejected(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::ProgramEvaluationRejected)));
  if (promise.get().isObject() &&
      promiseThenNoCapability(vm, promise.get(), Value::undefined(), onRejected.get()) == Status::Exception)
    return Value::exception();
  Value error;
  if (moduleEvaluationFailed(vm, module.get(), &error)) return vm.throwValue(error);
  return Value::undefined();
}

}  // namespace

bool recordPause(VM& vm) {
  // The frames first: they hold values only they keep alive.
  vm.cell<ValueArrayCell>(vm.roots().stack)->length = vm.pausedCall.stackLength;
  return recordPausedCall(vm, vm.pausedCall);
}

bool recordPausedCall(VM& vm, const PausedCall& call) {
  Root result(vm.heap(), call.result);
  Ref p = newValueArray(vm, kPausedFields, kPausedFields);
  if (!p) return false;
  const PausedCall& c = call;
  Value* d = vm.cell<ValueArrayCell>(p)->data();
  d[kPausedFp] = Value::int32(int32_t(c.fp));
  d[kPausedPcAfter] = Value::int32(int32_t(c.pcAfter));
  d[kPausedBase] = Value::int32(int32_t(c.base));
  d[kPausedArgc] = Value::int32(int32_t(c.argc));
  d[kPausedStackLength] = Value::int32(int32_t(c.stackLength));
  d[kPausedConstruct] = Value::boolean(c.construct);
  d[kPausedAtPc] = Value::boolean(c.atPc);
  d[kPausedResult] = result.get();
  fields(vm)[kPaused] = Value::cell(p);
  return true;
}

Value runProgram(VM& vm, int32_t stopBeforeModule, bool eventLoop) {
  // A call paused at build time (or by checkpoint()): make it, and finish
  // the frames above the driver.
  if (fields(vm)[kPaused].isCell()) {
    Value* d = vm.cell<ValueArrayCell>(fields(vm)[kPaused])->data();
    PausedCall c;
    c.fp = uint32_t(d[kPausedFp].asInt());
    c.pcAfter = uint32_t(d[kPausedPcAfter].asInt());
    c.base = uint32_t(d[kPausedBase].asInt());
    c.argc = uint32_t(d[kPausedArgc].asInt());
    c.stackLength = uint32_t(d[kPausedStackLength].asInt());
    c.construct = d[kPausedConstruct].isTrue();
    c.atPc = d[kPausedAtPc].isTrue();
    c.result = d[kPausedResult];
    fields(vm)[kPaused] = Value::undefined();
    // Paused in a module body the driver runs (the only frames that can be
    // captured while modules are evaluated), or (checkpoint()) in a
    // callback of the event loop: finish those frames, then what the loop
    // does after such a callback, then go on.
    vm.capturableDepth = 1;
    Value r = vm.interpreter().resumePausedCall(c);
    vm.capturableDepth = 0;
    if (phase(vm) == kModules) {
      KILN_TRY(moduleBodyCompleted(vm, fields(vm)[kEvaluation], r));
    } else {
      KILN_TRY(finishCapturedCallback(vm, r));
    }
  }
  if (stopBeforeModule == 0 && phase(vm) == kUnlinked) return Value::undefined();
  KILN_TRY(linkProgram(vm));
  if (phase(vm) == kModules) {
    for (;;) {
      Value m = KILN_TRY(nextModuleToRun(vm, fields(vm)[kEvaluation]));
      if (m.isUndefined()) break;
      // The build's fallback: this module and the rest run at startup.
      if (stopBeforeModule >= 0 && orderIndex(vm, m) >= uint32_t(stopBeforeModule)) return Value::undefined();
      vm.capturableDepth = 1;
      Value r = runModuleBody(vm, fields(vm)[kEvaluation]);
      vm.capturableDepth = 0;
      if (r.isException() && vm.uncatchable()) {
        if (vm.pauseState == PauseState::Paused && !recordPause(vm)) return Value::exception();
        return r;
      }
      KILN_TRY(moduleBodyCompleted(vm, fields(vm)[kEvaluation], r));
    }
    KILN_TRY(endModulePhase(vm));
  }
  if (vm.buildMode || !eventLoop) return Value::undefined();
  vm.drivingEventLoop = true;
  Value r = runEventLoop(vm, /*afterModules=*/true);  // microtasks (modules past their awaits among them), timers, immediates
  vm.drivingEventLoop = false;
  return r;
}

void clearPausedCall(VM& vm) {
  if (vm.roots().program.isCell()) fields(vm)[kPaused] = Value::undefined();
}

uint32_t programModuleCount(VM& vm) {
  return vm.roots().program.isCell() && fields(vm)[kOrder].isCell() ? order(vm)->length : 0;
}
uint32_t programNextModule(VM& vm) {
  if (!vm.roots().program.isCell() || phase(vm) == kUnlinked) return 0;
  if (phase(vm) == kLoop) return programModuleCount(vm);
  Value running = evaluationRunningModule(vm, fields(vm)[kEvaluation]);
  return running.isCell() ? orderIndex(vm, running) : programModuleCount(vm);
}
Value programModule(VM& vm, uint32_t index) {
  return index < programModuleCount(vm) ? order(vm)->data()[index] : Value::undefined();
}
bool programInModules(VM& vm) { return vm.roots().program.isCell() && phase(vm) != kLoop; }
Value programEvaluation(VM& vm) {
  if (!vm.roots().program.isCell() || !fields(vm)[kEvaluation].isCell()) return Value::undefined();
  return evaluationPromise(vm, fields(vm)[kEvaluation]);
}
bool programEvaluationPending(VM& vm) {
  Value p = programEvaluation(vm);
  return isPromise(vm, p) && vm.cell<InternalObjectCell>(p)->internal[kPromiseState].asInt() == kPromisePending;
}
Value programEntry(VM& vm) { return vm.roots().program.isCell() ? fields(vm)[kEntry] : Value::undefined(); }
bool programPaused(VM& vm) { return vm.roots().program.isCell() && fields(vm)[kPaused].isCell(); }

// ---- the natives of builtins/natives_modules.def ------------------------------------

namespace {
NativeFunctionCell* closure(VM& vm, CallInfo& info) { return vm.cell<NativeFunctionCell>(info.callee); }
}  // namespace

Value native_ModuleAsyncFulfilled(VM& vm, CallInfo& info) {
  return asyncModuleExecutionFulfilled(vm, closure(vm, info)->data0);
}

Value native_ModuleAsyncRejected(VM& vm, CallInfo& info) {
  return asyncModuleExecutionRejected(vm, closure(vm, info)->data0, info.arg(0));
}

Value native_DynamicImportLinkAndEvaluate(VM& vm, CallInfo& info) {
  return dynamicImportLinkAndEvaluate(vm, closure(vm, info)->data0, closure(vm, info)->data1);
}

Value native_DynamicImportFulfilled(VM& vm, CallInfo& info) {
  return dynamicImportFulfilled(vm, closure(vm, info)->data0, closure(vm, info)->data1);
}

Value native_DynamicImportRejected(VM& vm, CallInfo& info) {
  if (rejectPromise(vm, closure(vm, info)->data1, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

Value native_ProgramEvaluationRejected(VM& vm, CallInfo& info) { return vm.throwValue(info.arg(0)); }

Value native_ImportMetaResolve(VM& vm, CallInfo& info) {
  return importMetaResolve(vm, closure(vm, info)->data0, info.arg(0));
}

}  // namespace kiln
