// Calling and constructing functions, and creating function objects.
//
// call()/construct() are for native code that must call back into JS: they
// run the interpreter re-entrantly (a native frame stays on the C++ stack, so
// keep such callbacks out of hot builtins when a self-hosted JS version is
// possible: DESIGN §5.3). JS-to-JS calls never go through here.
#pragma once

#include <span>

#include "engine/vm.h"

namespace kiln {

enum class Effect : uint8_t { Pure, Ambient, Io };

// What a native function receives. argv points into the VM stack.
struct CallInfo {
  Value thisValue;
  Value callee;
  Value newTarget;  // undefined for [[Call]]
  uint32_t argc;
  const Value* argv;
  Value arg(uint32_t i) const { return i < argc ? argv[i] : Value::undefined(); }
  bool isConstructCall() const { return !newTarget.isUndefined(); }
};
using NativeFn = Value (*)(VM& vm, CallInfo& info);

struct NativeEntry {
  NativeFn fn;
  const char* name;    // the function's `name` property (as created by default)
  uint16_t arity;      // its `length`
  Effect effect;
  const char* id;      // its identifier in natives.def (Console_log): for reports
};
struct NativeTable {
  const NativeEntry* entries;
  uint32_t count;
  uint64_t fingerprint;  // hash of the ordered names and the layout version
};

bool isCallable(VM& vm, Value v);
bool isConstructor(VM& vm, Value v);

Value call(VM& vm, Value fn, Value thisValue, std::span<const Value> args);
inline Value call(VM& vm, Value fn, Value thisValue) { return call(vm, fn, thisValue, {}); }
Value construct(VM& vm, Value fn, std::span<const Value> args, Value newTarget);
inline Value construct(VM& vm, Value fn, std::span<const Value> args) { return construct(vm, fn, args, fn); }

// A native function object for natives-table entry `native`, with the
// standard `length` and `name` properties. `name` may be a string or symbol
// key (symbols become "[desc]"); undefined uses the table's name.
Value newNativeFunction(VM& vm, uint32_t native, Value name = Value::undefined(), int32_t length = -1,
                        Value proto = Value::undefined());
// SetFunctionName / SetFunctionLength.
Status setFunctionName(VM& vm, Value fn, Value key, Value prefix = Value::undefined());
void setFunctionLength(VM& vm, Value fn, double length);

// The realm a function object belongs to (GetFunctionRealm), as a Realm cell value.
Value functionRealm(VM& vm, Value fn);
// GetPrototypeFromConstructor: newTarget.prototype if an object, else the
// realm's intrinsic `fallback`.
Value prototypeFromConstructor(VM& vm, Value newTarget, Intrinsic fallback);
Value ordinaryCreateFromConstructor(VM& vm, Value newTarget, Intrinsic fallback, CellKind kind = CellKind::Object,
                                    size_t bytes = 0);
Value speciesConstructor(VM& vm, Value o, Value defaultCtor);

}  // namespace kiln
