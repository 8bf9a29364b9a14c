// The host-defined globals test262 needs (test262/INTERPRETING.md): print()
// and the $262 object. Installed by the conformance runner's host only.
#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "builtins/inspect.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/source.h"
#include "engine/strings.h"

namespace kiln {

Value native_Test262Print(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  vm.write(1, toUtf8(vm, s) + "\n");
  return Value::undefined();
}

Value native_Test262EvalScript(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  auto source = SourceFile::fromUtf16("evalScript", toUtf16(vm, s));
  return evaluateScript(vm, *source);
}

Value native_Test262DetachArrayBuffer(VM& vm, CallInfo& info) {
  if (detachArrayBuffer(vm, info.arg(0)) == Status::Exception) return Value::exception();
  return Value::null();
}

Value native_Test262Gc(VM& vm, CallInfo&) {
  vm.heap().collect();
  return Value::undefined();
}

void installTest262(VM& vm, Value global) {
  Root g(vm.heap(), global);
  defineMethod(vm, g.get(), "print", NativeId::Test262Print);
  Root host(vm.heap(), newObject(vm));
  if (host.get().isException()) return;
  defineMethod(vm, host.get(), "evalScript", NativeId::Test262EvalScript);
  defineMethod(vm, host.get(), "detachArrayBuffer", NativeId::Test262DetachArrayBuffer);
  defineMethod(vm, host.get(), "gc", NativeId::Test262Gc);
  defineProperty(vm, host.get(), "global", g.get());
  defineProperty(vm, g.get(), "$262", host.get());
}

}  // namespace kiln
