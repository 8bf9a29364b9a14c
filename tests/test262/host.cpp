// The engine side of the test262 runner: one test, one fresh VM and realm.
#include "tests/test262/host.h"

#include <ctime>
#include <memory>

#include "builtins/builtins.h"
#include "engine/eval.h"
#include "engine/interpreter.h"
#include "engine/module.h"
#include "engine/object.h"
#include "engine/promise_hooks.h"
#include "engine/strings.h"

namespace kiln::test262 {

namespace {

uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// The constructor name of a thrown value, read without running JS getters
// where possible (test262's negative tests compare it with `type`).
std::string errorName(VM& vm, Value e) {
  if (!e.isObject()) return "";
  Root err(vm.heap(), e);
  Value ctor = get(vm, err.get(), vm.atom(Atom::constructor));
  if (ctor.isException() || !ctor.isObject()) {
    if (vm.hasException()) vm.takeException();
    return "";
  }
  Value name = get(vm, ctor, vm.atom(Atom::name));
  if (name.isException() || !name.isString()) {
    if (vm.hasException()) vm.takeException();
    return "";
  }
  return toUtf8(vm, name);
}

std::string errorMessage(VM& vm, Value e) {
  if (e.isString()) return toUtf8(vm, e);
  if (!e.isObject()) return "";
  PropertyDescriptor d;
  if (ordinaryGetOwnProperty(vm, e, vm.atom(Atom::message), &d) == Status::True && d.value.isString())
    return toUtf8(vm, d.value);
  return "";
}

void recordThrow(VM& vm, ErrorPhase phase, RunResult* result) {
  if (vm.outOfMemory) {
    result->errorPhase = ErrorPhase::Runtime;
    result->errorName = "OutOfMemory";
    return;
  }
  Root e(vm.heap(), vm.takeException());
  result->errorPhase = phase;
  result->errorName = errorName(vm, e.get());
  result->errorMessage = errorMessage(vm, e.get());
  if (result->errorMessage == "Execution timed out") result->timedOut = true;
}

// Drains the job queue (async tests report through print() from jobs).
void runJobs(VM& vm, RunResult* result) {
  if (!vm.promises) return;
  if (vm.promises->runJobs(vm).isException()) recordThrow(vm, ErrorPhase::Runtime, result);
}

}  // namespace

RunResult runTest(const RunRequest& request) {
  RunResult result;
  auto vm = std::make_unique<VM>(nativeTable(), size_t(512) << 20);
  vm->write = [&result](int, std::string_view text) { result.printed.append(text); };
  vm->deadlineNs = monotonicNs() + uint64_t(request.timeoutMs) * 1000000ull;
  Value global = createRealm(*vm);
  if (global.isException()) {
    recordThrow(*vm, ErrorPhase::Runtime, &result);
    return result;
  }
  installTest262(*vm, global);

  if (!request.isModule) {
    auto source = SourceFile::fromUtf8(request.path, request.source);
    ParseError err;
    Value info = compileScriptInfo(*vm, *source, &err);
    if (info.isException()) {
      recordThrow(*vm, ErrorPhase::Parse, &result);
      return result;
    }
    if (info.isUndefined()) {
      result.errorPhase = ErrorPhase::Parse;
      result.errorName = "SyntaxError";
      result.errorMessage = err.message;
      return result;
    }
    if (runScriptInfo(*vm, info).isException()) {
      recordThrow(*vm, ErrorPhase::Runtime, &result);
      return result;
    }
    runJobs(*vm, &result);
    return result;
  }

  for (const auto& [name, text] : request.preludeScripts) {
    auto source = SourceFile::fromUtf8(name, text);
    if (evaluateScript(*vm, *source).isException()) {
      recordThrow(*vm, ErrorPhase::Runtime, &result);
      return result;
    }
  }
  ModuleLoadError loadError;
  Value module = loadModuleGraph(*vm, request.path, &loadError);
  if (module.isException()) {
    recordThrow(*vm, ErrorPhase::Resolution, &result);
    return result;
  }
  if (module.isUndefined()) {
    result.errorPhase = loadError.isSyntaxError && loadError.inEntry ? ErrorPhase::Parse : ErrorPhase::Resolution;
    result.errorName = "SyntaxError";
    result.errorMessage = loadError.message;
    return result;
  }
  Root m(vm->heap(), module);
  if (linkModule(*vm, module) == Status::Exception) {
    recordThrow(*vm, ErrorPhase::Resolution, &result);
    return result;
  }
  if (evaluateModule(*vm, m.get()).isException()) {
    recordThrow(*vm, ErrorPhase::Runtime, &result);
    return result;
  }
  runJobs(*vm, &result);
  return result;
}

}  // namespace kiln::test262
