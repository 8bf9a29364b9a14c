#include "builtins/program.h"

#include "builtins/timers.h"
#include "engine/object.h"
#include "engine/interpreter.h"
#include "engine/module.h"

namespace kiln {

namespace {

enum : uint32_t { kOrder, kNext, kPaused, kEntry, kFields };
enum : uint32_t {
  kPausedFp, kPausedPcAfter, kPausedBase, kPausedArgc, kPausedStackLength, kPausedConstruct, kPausedAtPc, kPausedResult,
  kPausedFields
};

Value* fields(VM& vm) { return vm.cell<ValueArrayCell>(vm.roots().program)->data(); }
ValueArrayCell* order(VM& vm) { return vm.cell<ValueArrayCell>(fields(vm)[kOrder]); }

}  // namespace

Value startProgram(VM& vm, Value entry) {
  Root e(vm.heap(), entry);
  Ref record = newValueArray(vm, kFields, kFields);
  if (!record) return Value::exception();
  Value* f = vm.cell<ValueArrayCell>(record)->data();
  f[kOrder] = Value::undefined();
  f[kNext] = Value::int32(0);
  f[kPaused] = Value::undefined();
  f[kEntry] = e.get();
  vm.roots().program = Value::cell(record);
  return Value::undefined();
}

namespace {

// Links the graph and records its evaluation order (once).
Value linkProgram(VM& vm) {
  if (fields(vm)[kOrder].isCell()) return Value::undefined();
  Value entry = fields(vm)[kEntry];
  if (linkModule(vm, entry) == Status::Exception) return Value::exception();
  Value list = KILN_TRY(moduleEvaluationOrder(vm, fields(vm)[kEntry]));
  fields(vm)[kOrder] = list;
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
  // A call paused at build time: make it, and finish that module's body.
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
    // Paused in a module body, or (checkpoint()) in an async function that a
    // promise job of the event loop resumed: finish those frames, then go on.
    vm.capturableDepth = 1;
    Value r = vm.interpreter().resumePausedCall(c);
    vm.capturableDepth = 0;
    if (programInModules(vm)) {
      if (r.isException() && vm.uncatchable()) return r;
      uint32_t i = uint32_t(fields(vm)[kNext].asInt());
      KILN_TRY(finishModuleEvaluation(vm, order(vm)->data()[i], r));
      fields(vm)[kNext] = Value::int32(int32_t(i + 1));
    } else if (r.isException()) {
      return r;
    }
  }
  if (stopBeforeModule == 0) return Value::undefined();
  KILN_TRY(linkProgram(vm));
  for (;;) {
    uint32_t i = uint32_t(fields(vm)[kNext].asInt());
    if (i >= order(vm)->length) break;
    if (stopBeforeModule >= 0 && i >= uint32_t(stopBeforeModule)) return Value::undefined();
    vm.capturableDepth = 1;
    Value r = evaluateModuleBody(vm, order(vm)->data()[i]);
    vm.capturableDepth = 0;
    if (r.isException()) {
      if (vm.pauseState == PauseState::Paused && !recordPause(vm)) return Value::exception();
      return r;
    }
    fields(vm)[kNext] = Value::int32(int32_t(i + 1));
  }
  if (vm.buildMode || !eventLoop) return Value::undefined();
  vm.drivingEventLoop = true;
  Value r = runEventLoop(vm);  // microtasks, timers, immediates
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
  return vm.roots().program.isCell() ? uint32_t(fields(vm)[kNext].asInt()) : 0;
}
Value programModule(VM& vm, uint32_t index) {
  return index < programModuleCount(vm) ? order(vm)->data()[index] : Value::undefined();
}
bool programInModules(VM& vm) {
  return vm.roots().program.isCell() && programNextModule(vm) < programModuleCount(vm);
}
Value programEntry(VM& vm) { return vm.roots().program.isCell() ? fields(vm)[kEntry] : Value::undefined(); }
bool programPaused(VM& vm) { return vm.roots().program.isCell() && fields(vm)[kPaused].isCell(); }

}  // namespace kiln
