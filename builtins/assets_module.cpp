// kiln:assets — readAsset(name[, "bytes"]) and listAssets(): the files that
// `kiln compile --embed-assets DIR` stored in the image, read at run time
// (text decoded as UTF-8, or a Uint8Array of the bytes). The host provides
// them through vm.readAsset / vm.assetNames.
#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

Value native_Assets_readAsset(VM& vm, CallInfo& info) {
  Value name = info.arg(0);
  if (!name.isString())
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "readAsset(name): name must be a string, like \"data/table.json\"");
  Value as = info.arg(1);
  bool bytes = false;
  if (as.isString()) {
    std::string mode = toUtf8(vm, as);
    if (mode == "bytes") bytes = true;
    else if (mode != "text" && mode != "utf8" && mode != "utf-8")
      return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_VALUE",
                            "readAsset(name, as): as must be \"text\" or \"bytes\", not \"" + mode + "\"");
  } else if (!as.isUndefined()) {
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "readAsset(name, as): as must be \"text\" or \"bytes\"");
  }
  std::string key = toUtf8(vm, name);
  std::string data;
  if (!vm.readAsset || !vm.readAsset(key, &data)) {
    std::string where = vm.readAsset ? "this program's assets" : "this run (no --embed-assets)";
    return throwNodeError(vm, ErrorType::Error, "ENOENT", "kiln:assets: no asset named '" + key + "' in " + where);
  }
  return bytes ? bytesToUint8Array(vm, data) : utf8BytesToString(vm, data);
}

Value native_Assets_listAssets(VM& vm, CallInfo&) {
  std::vector<std::string> names = vm.assetNames ? vm.assetNames() : std::vector<std::string>();
  Root list(vm.heap(), KILN_TRY(newArray(vm, 0)));
  for (size_t i = 0; i < names.size(); i++) {
    Value s = KILN_TRY(newStringUtf8(vm, names[i]));
    KILN_TRY_STATUS(createDataProperty(vm, list.get(), Value::number(double(i)), s));
  }
  return list.get();
}

Value createAssetsModule(VM& vm) {
  Root exports(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY(defineMethod(vm, exports.get(), "readAsset", NativeId::Assets_readAsset, -1, kDefaultAttrs));
  KILN_TRY(defineMethod(vm, exports.get(), "listAssets", NativeId::Assets_listAssets, -1, kDefaultAttrs));
  return exports.get();
}

}  // namespace kiln
