// %GeneratorFunction%, %GeneratorFunction.prototype%, %GeneratorPrototype%
// (ECMA-262 §27.3, §27.5), and the AsyncFunction / AsyncGeneratorFunction
// constructors with their prototypes (§27.7, §27.4). Generator objects hold
// their suspended frame (engine/interpreter.h resumeGenerator).
#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/parser.h"

namespace kiln {

void installAsyncIteration(VM& vm);  // builtins/async_generator.cpp

namespace {

// GeneratorValidate + GeneratorResume / GeneratorResumeAbrupt (§27.5.3).
Value resume(VM& vm, CallInfo& info, int mode, const char* method) {
  Value g = info.thisValue;
  if (!g.isObject() || kindOf(vm, g) != CellKind::Generator ||
      (vm.cell<FunctionInfoCell>(vm.cell<FunctionCell>(vm.cell<GeneratorCell>(g)->function)->info)->flags & kAsync))
    return vm.throwTypeError(std::string(method) + " method called on incompatible receiver " + describe(vm, g));
  Root gen(vm.heap(), g);
  Value r = KILN_TRY(vm.interpreter().resumeGenerator(g, info.arg(0), mode));
  bool done = vm.cell<GeneratorCell>(gen.get())->state.asInt() == kCompleted;
  if (!done && vm.cell<GeneratorCell>(gen.get())->state.asInt() == kSuspendedYieldRaw) return r;  // yield*: as is
  return createIterResult(vm, r, done);
}

}  // namespace

Value native_GeneratorProto_next(VM& vm, CallInfo& info) { return resume(vm, info, 0, "next"); }
Value native_GeneratorProto_return(VM& vm, CallInfo& info) { return resume(vm, info, 2, "return"); }
Value native_GeneratorProto_throw(VM& vm, CallInfo& info) { return resume(vm, info, 1, "throw"); }

Value native_GeneratorFunction(VM& vm, CallInfo& info) {
  return createDynamicFunction(vm, info.newTarget, DynamicFunctionKind::Generator, info);
}
Value native_AsyncFunction(VM& vm, CallInfo& info) {
  return createDynamicFunction(vm, info.newTarget, DynamicFunctionKind::Async, info);
}
Value native_AsyncGeneratorFunction(VM& vm, CallInfo& info) {
  return createDynamicFunction(vm, info.newTarget, DynamicFunctionKind::AsyncGenerator, info);
}

namespace {

// A function-kind constructor (not a global): Ctor.prototype = fnProto,
// fnProto.constructor = Ctor, fnProto[@@toStringTag] = tag.
Value installFunctionKind(VM& vm, NativeId ctorId, const char* tag, Intrinsic protoIntrinsic) {
  Root fnProto(vm.heap(), KILN_TRY(newObject(vm, vm.intrinsic(Intrinsic::FunctionPrototype))));
  vm.setIntrinsic(protoIntrinsic, fnProto.get());
  Root ctor(vm.heap(), KILN_TRY(newBuiltin(vm, ctorId)));
  vm.cell<ObjectCell>(ctor.get())->flags |= ObjectCell::kIsConstructor;
  vm.cell<ObjectCell>(ctor.get())->proto = vm.intrinsic(Intrinsic::Function).isObject()
                                               ? vm.intrinsic(Intrinsic::Function).ref()
                                               : vm.intrinsic(Intrinsic::FunctionPrototype).ref();
  defineValue(vm, ctor.get(), vm.atom(Atom::prototype), fnProto.get(), 0);
  defineValue(vm, fnProto.get(), vm.atom(Atom::constructor), ctor.get(), kConfigurable);
  Value t = KILN_TRY(keyFor(vm, tag));
  defineValue(vm, fnProto.get(), vm.wellKnown(WellKnown::toStringTag), t, kConfigurable);
  return fnProto.get();
}

}  // namespace

void installGenerator(VM& vm, Value global) {
  // %GeneratorFunction.prototype% and %GeneratorPrototype%.
  Value gfp = installFunctionKind(vm, NativeId::GeneratorFunction, "GeneratorFunction", Intrinsic::GeneratorFunctionPrototype);
  if (gfp.isException()) return;
  Root genFnProto(vm.heap(), gfp);
  Value iterProto = vm.intrinsic(Intrinsic::IteratorPrototype);
  Root genProto(vm.heap(), newObject(vm, iterProto.isObject() ? iterProto : vm.intrinsic(Intrinsic::ObjectPrototype)));
  if (genProto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::GeneratorPrototype, genProto.get());
  defineValue(vm, genFnProto.get(), vm.atom(Atom::prototype), genProto.get(), kConfigurable);
  defineValue(vm, genProto.get(), vm.atom(Atom::constructor), genFnProto.get(), kConfigurable);
  defineMethod(vm, genProto.get(), "next", NativeId::GeneratorProto_next);
  defineMethod(vm, genProto.get(), "return", NativeId::GeneratorProto_return);
  defineMethod(vm, genProto.get(), "throw", NativeId::GeneratorProto_throw);
  Value tag = keyFor(vm, "Generator");
  if (tag.isException()) return;
  defineValue(vm, genProto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);

  // %AsyncFunction.prototype%.
  if (installFunctionKind(vm, NativeId::AsyncFunction, "AsyncFunction", Intrinsic::AsyncFunctionPrototype).isException())
    return;
  // %AsyncGeneratorFunction.prototype% and %AsyncGeneratorPrototype%.
  Value agfp = installFunctionKind(vm, NativeId::AsyncGeneratorFunction, "AsyncGeneratorFunction",
                                   Intrinsic::AsyncGeneratorFunctionPrototype);
  if (agfp.isException()) return;
  Root asyncGenFnProto(vm.heap(), agfp);
  Value asyncIterProto = vm.intrinsic(Intrinsic::AsyncIteratorPrototype);
  Root asyncGenProto(vm.heap(), newObject(vm, asyncIterProto.isObject() ? asyncIterProto : vm.intrinsic(Intrinsic::ObjectPrototype)));
  if (asyncGenProto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::AsyncGeneratorPrototype, asyncGenProto.get());
  defineValue(vm, asyncGenFnProto.get(), vm.atom(Atom::prototype), asyncGenProto.get(), kConfigurable);
  defineValue(vm, asyncGenProto.get(), vm.atom(Atom::constructor), asyncGenFnProto.get(), kConfigurable);
  Value atag = keyFor(vm, "AsyncGenerator");
  if (atag.isException()) return;
  defineValue(vm, asyncGenProto.get(), vm.wellKnown(WellKnown::toStringTag), atag, kConfigurable);
  installAsyncIteration(vm);
}

}  // namespace kiln
