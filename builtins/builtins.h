// Shared declarations of the builtins: the natives table, realm creation, and
// helpers to install functions and properties from static tables.
#pragma once

#include <string_view>

#include "engine/function.h"
#include "engine/object.h"
#include "engine/vm.h"

namespace kiln {

enum class NativeId : uint32_t {
#define KILN_NATIVE(id, name, arity, effect) id,
#include "builtins/natives.def"
#undef KILN_NATIVE
  Count
};

// Strong references: a native missing from the builtins is a link error, and
// a static library (libkiln.a) links every native the table names.
#define KILN_NATIVE(id, name, arity, effect) Value native_##id(VM& vm, CallInfo& info);
#include "builtins/natives.def"
#undef KILN_NATIVE

const NativeTable& nativeTable();

// Creates a fresh realm (global object and every intrinsic) and makes it the
// VM's current realm. Returns the global object, or exception.
Value createRealm(VM& vm);

// Connects a VM to the builtins' C++ side: the hooks the engine calls
// (promises, async iteration, host modules). createRealm does it; a VM made
// from an image, whose realm is already in its heap, calls this instead.
void attachBuiltinHooks(VM& vm);
void attachPromiseHooks(VM& vm);
void attachAsyncIterationHooks(VM& vm);

#define KILN_BUILTIN_AREA(name) void install##name(VM& vm, Value global);
#include "builtins/install.def"
#undef KILN_BUILTIN_AREA

// The test262 host globals (print, $262); see builtins/test262.cpp.
void installTest262(VM& vm, Value global);

// ---- installation helpers (realm setup: no user code runs, allocation only) ----

constexpr uint8_t kMethodAttrs = kWritable | kConfigurable;  // builtin methods: non-enumerable

Value newBuiltin(VM& vm, NativeId id, Value name = Value::undefined(), int32_t length = -1);
// target[name] = a native function (name and length from the table unless given).
Value defineMethod(VM& vm, Value target, std::string_view name, NativeId id, int32_t length = -1,
                   uint8_t attrs = kMethodAttrs);
Value defineMethod(VM& vm, Value target, WellKnown symbol, NativeId id, int32_t length = -1,
                   uint8_t attrs = kMethodAttrs);
// An accessor with a native getter (and optional setter); name "get x"/"set x".
void defineGetter(VM& vm, Value target, std::string_view name, NativeId getter,
                  NativeId setter = NativeId::Count, uint8_t attrs = kConfigurable);
void defineGetter(VM& vm, Value target, WellKnown symbol, NativeId getter, uint8_t attrs = kConfigurable);
void defineProperty(VM& vm, Value target, std::string_view name, Value v, uint8_t attrs = kMethodAttrs);
// A constructor `name` on `global` with `prototype` (ctor.prototype non-writable,
// non-enumerable, non-configurable; prototype.constructor = ctor).
Value defineConstructor(VM& vm, Value global, std::string_view name, NativeId id, int32_t length, Value prototype);
Value keyFor(VM& vm, std::string_view name);  // atom key for an ASCII name

// ---- argument helpers for natives ----
// The `this` of a method that requires an object of `kind`; TypeError naming `method` otherwise.
Value thisOfKind(VM& vm, CallInfo& info, CellKind kind, std::string_view method);

}  // namespace kiln
