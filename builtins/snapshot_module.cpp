// kiln:snapshot — checkpoint(path): writes an image of the running program
// and returns false; the program resumed from that image (`kiln run path`)
// sees the same call return true (DESIGN §1). Writing the image is the
// host's (snapshot/checkpoint.cpp, through vm.checkpoint); this side checks
// that the program can be captured here.
#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/program.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

Value native_Snapshot_checkpoint(VM& vm, CallInfo& info) {
  Value path = info.arg(0);
  if (!path.isString() || stringLength(vm, path) == 0)
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "checkpoint(path): path must be a non-empty string");
  if (!vm.checkpoint) return vm.throwError(ErrorType::Error, "checkpoint() is not available in this host");
  // Only JS frames may lie between the program driver and this call: a C++
  // frame (a native that called back into JS, or the event loop) cannot be
  // written into an image.
  if (vm.capturableDepth == 0 || vm.nativeDepth != vm.capturableDepth) {
    std::string under;
    if (vm.nativeDepth > 1 && vm.callerNative != UINT32_MAX)
      under = std::string("under the native frame of ") + vm.natives().entries[vm.callerNative].id + " (" +
              vm.natives().entries[vm.callerNative].name + "), which called back into JavaScript";
    else if (vm.nativeDepth > 1)
      under = "under a native frame that called back into JavaScript";
    else
      under = "under a native frame of the event loop (a thenable's then, an async generator's step, an exit event)";
    return vm.throwError(ErrorType::Error, "checkpoint() cannot capture the program here: it was called " + under +
                                               ". Call it from module code, event-loop callbacks (timers, immediates, "
                                               "promise reactions, microtasks) or async functions, and functions they call.");
  }
  return vm.checkpoint(vm, toUtf8(vm, path), info);
}

Value createSnapshotModule(VM& vm) {
  Root exports(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineMethod(vm, exports.get(), "checkpoint", NativeId::Snapshot_checkpoint, -1, kDefaultAttrs));
  return exports.get();
}

}  // namespace kiln
