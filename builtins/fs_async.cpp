// fs.readFile / fs.writeFile with callbacks, and node:fs/promises readFile /
// writeFile. The I/O is done when the function is called, with the sync
// forms' code; its completion — the callback, or the promise settling — is
// delivered from the event loop's check phase (see deliver()), as a finished
// request is in node: never synchronously, never before the caller's
// microtasks. Thread-pool races between requests are not modelled.
#include <vector>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/timers.h"
#include "engine/function.h"
#include "engine/object.h"
#include "engine/promise_hooks.h"

namespace kiln {

namespace {

// A finished request's completion `callback(...args)`: delivered two check
// phases later, since a file request takes node at least one turn of the
// loop (open, read, close on its thread pool): an immediate queued right
// after the call runs first, as in node.
Value deliver(VM& vm, Value callback, std::span<const Value> args) {
  Root deliverer(vm.heap(), KILN_TRY(newBuiltin(vm, NativeId::FsDeliver)));
  std::vector<Value> all{callback};
  all.insert(all.end(), args.begin(), args.end());
  return scheduleImmediate(vm, deliverer.get(), all);
}

// fs.readFile(path[, options], callback) and fs.writeFile(file, data[, options], callback).
Value callbackForm(VM& vm, CallInfo& info, NativeFn sync, bool passesResult) {
  Value last = info.argc ? info.argv[info.argc - 1] : Value::undefined();
  if (!isCallable(vm, last)) return throwInvalidCallback(vm, last);
  Root callback(vm.heap(), last);
  CallInfo syncInfo = info;
  syncInfo.argc = info.argc - 1;
  Value r = sync(vm, syncInfo);
  if (r.isException()) {
    if (vm.uncatchable()) return r;
    Root error(vm.heap(), vm.takeException());
    Value args[] = {error.get()};
    KILN_TRY(deliver(vm, callback.get(), args));
    return Value::undefined();
  }
  Root result(vm.heap(), r);
  Value args[] = {Value::null(), result.get()};
  KILN_TRY(deliver(vm, callback.get(), std::span<const Value>(args, passesResult ? 2 : 1)));
  return Value::undefined();
}

// fs/promises: a promise settled with the sync form's outcome.
Value promiseForm(VM& vm, CallInfo& info, NativeFn sync, bool passesResult) {
  if (!vm.promises) return vm.throwTypeError("fs/promises needs Promise, which this realm lacks");
  Root promise(vm.heap(), KILN_TRY(vm.promises->newPromise(vm)));
  Value r = sync(vm, info);
  bool failed = r.isException();
  if (failed && vm.uncatchable()) return r;
  Root outcome(vm.heap(), failed ? vm.takeException() : passesResult ? r : Value::undefined());
  Root settle(vm.heap(),
              KILN_TRY(newBuiltin(vm, failed ? NativeId::FsPromiseReject : NativeId::TimersPromiseFulfill)));
  vm.cell<NativeFunctionCell>(settle.get())->data0 = promise.get();
  Value args[] = {outcome.get()};
  KILN_TRY(deliver(vm, settle.get(), args));
  return promise.get();
}

}  // namespace

Value native_FsReadFile(VM& vm, CallInfo& info) { return callbackForm(vm, info, native_FsReadFileSync, true); }
Value native_FsWriteFile(VM& vm, CallInfo& info) { return callbackForm(vm, info, native_FsWriteFileSync, false); }
Value native_FsPromisesReadFile(VM& vm, CallInfo& info) {
  return promiseForm(vm, info, native_FsReadFileSync, true);
}
Value native_FsPromisesWriteFile(VM& vm, CallInfo& info) {
  return promiseForm(vm, info, native_FsWriteFileSync, false);
}
// The first hop of deliver(): queues the completion itself.
Value native_FsDeliver(VM& vm, CallInfo& info) {
  if (info.argc == 0) return Value::undefined();
  KILN_TRY(scheduleImmediate(vm, info.argv[0], std::span<const Value>(info.argv + 1, info.argc - 1)));
  return Value::undefined();
}

Value native_FsPromiseReject(VM& vm, CallInfo& info) {
  Value promise = vm.cell<NativeFunctionCell>(info.callee)->data0;
  if (vm.promises->reject(vm, promise, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::undefined();
}

Value createFsPromisesModule(VM& vm) {
  Root exports(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineMethod(vm, exports.get(), "readFile", NativeId::FsPromisesReadFile, -1, kDefaultAttrs));
  KILN_TRY(defineMethod(vm, exports.get(), "writeFile", NativeId::FsPromisesWriteFile, -1, kDefaultAttrs));
  return exports.get();
}

}  // namespace kiln
