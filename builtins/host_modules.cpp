// Builtin host modules: the exports objects the module loader asks for
// through vm.hostModule. Each exports object is made on first import and
// kept in the host state (HostSlot), so every import sees the same object.
#include "builtins/host_modules.h"

#include "builtins/builtins.h"
#include "builtins/inspect.h"
#include "engine/strings.h"

namespace kiln {

namespace {

Value createUtilModule(VM& vm) {
  Root util(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineMethod(vm, util, "inspect", NativeId::UtilInspect, -1, kDefaultAttrs));
  KILN_TRY(defineMethod(vm, util, "format", NativeId::UtilFormat, -1, kDefaultAttrs));
  return util.get();
}

Value cachedModule(VM& vm, HostSlot slot, Value (*create)(VM&)) {
  Value cached = hostSlot(vm, slot);
  if (cached.isObject()) return cached;
  Root exports(vm.heap(), KILN_TRY(create(vm)));
  if (!setHostSlot(vm, slot, exports.get())) return Value::exception();
  return exports.get();
}

}  // namespace

// util.format(format, ...args)
Value native_UtilFormat(VM& vm, CallInfo& info) {
  return formatLogArguments(vm, std::span<const Value>(info.argv, info.argc));
}

Value hostModule(VM& vm, std::string_view specifier) {
  if (specifier == "kiln:snapshot") return cachedModule(vm, HostSlot::SnapshotModule, createSnapshotModule);
  if (specifier == "kiln:assets") return cachedModule(vm, HostSlot::AssetsModule, createAssetsModule);
  if (specifier.starts_with("node:")) specifier.remove_prefix(5);
  if (specifier == "fs") return cachedModule(vm, HostSlot::FsModule, createFsModule);
  if (specifier == "path") return cachedModule(vm, HostSlot::PathModule, createPathModule);
  if (specifier == "util") return cachedModule(vm, HostSlot::UtilModule, createUtilModule);
  if (specifier == "timers/promises") return cachedModule(vm, HostSlot::TimersPromisesModule, createTimersPromisesModule);
  if (specifier == "fs/promises") return cachedModule(vm, HostSlot::FsPromisesModule, createFsPromisesModule);
  if (specifier == "process") {
    Value p = hostSlot(vm, HostSlot::Process);
    return p.isObject() ? p : Value::undefined();
  }
  return Value::undefined();
}

}  // namespace kiln
