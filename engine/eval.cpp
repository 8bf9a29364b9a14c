#include "engine/eval.h"

#include <memory>
#include <vector>

#include "engine/bytecode.h"
#include "engine/compiler.h"
#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/runtime.h"
#include "engine/strings.h"

namespace kiln {

namespace {

Value throwSyntaxError(VM& vm, const SourceFile& source, const ParseError& e) {
  return vm.throwError(ErrorType::SyntaxError, e.message);
}

Value materialize(VM& vm, const CompiledFunction& fn, const SourceFile& source) {
  Value record = KILN_TRY(newScriptRecord(vm, source));
  return materializeFunction(vm, fn, record);
}

// Rebuilds the compiler's view of a runtime scope chain from the scope
// descriptors the environments carry.
struct ChainView {
  std::vector<std::unique_ptr<ScopeDescriptor>> owned;
  EvalContext context;
};

void describeChain(VM& vm, Ref env, ChainView* out, std::vector<std::u16string>* privateNames) {
  for (Ref e = env; e; e = vm.cell<EnvironmentCell>(e)->parent) {
    auto* ec = vm.cell<EnvironmentCell>(e);
    if (ec->flags & EnvironmentCell::kWith) {
      out->context.chain.push_back(nullptr);
      continue;
    }
    auto* d = vm.cell<ValueArrayCell>(ec->scope);
    auto desc = std::make_unique<ScopeDescriptor>();
    int32_t flags = d->data()[0].asInt();
    desc->kind = ScopeKind(flags & scope::kKindMask);
    desc->extensible = flags & scope::kExtensible;
    desc->isVarScope = flags & scope::kVarScope;
    desc->strict = flags & scope::kStrict;
    for (uint32_t i = 0; i < ec->count; i++) {
      ScopeBinding b;
      b.name = toUtf16(vm, d->data()[1 + 2 * i]);
      b.kind = BindingKind(d->data()[2 + 2 * i].asInt());
      if (!b.name.empty() && b.name[0] == u'#') privateNames->push_back(b.name.substr(1));
      desc->bindings.push_back(std::move(b));
    }
    out->context.chain.push_back(desc.get());
    out->owned.push_back(std::move(desc));
  }
}

}  // namespace

Value compileScriptInfo(VM& vm, const SourceFile& source, ParseError* syntaxError) {
  ParseOptions options;
  options.typescript = source.isTypeScript();
  auto program = parseProgram(source, options, syntaxError);
  if (!program) return Value::undefined();
  std::string error;
  auto compiled = compileScript(*program, source, &error);
  if (!compiled) return vm.throwError(ErrorType::SyntaxError, error);
  return materialize(vm, *compiled, source);
}

Value runScriptInfo(VM& vm, Value info) {
  Root i(vm.heap(), info);
  Value closure = KILN_TRY(newClosure(vm, info, 0));
  return vm.interpreter().runTopLevel(closure, vm.intrinsic(Intrinsic::GlobalObject));
}

Value evaluateScript(VM& vm, const SourceFile& source) {
  ParseError err;
  Value info = KILN_TRY(compileScriptInfo(vm, source, &err));
  if (info.isUndefined()) return throwSyntaxError(vm, source, err);
  return runScriptInfo(vm, info);
}

Value compileDirectEval(VM& vm, Value code, uint32_t fp, bool strict) {
  Value* S = vm.cell<ValueArrayCell>(vm.roots().stack)->data();
  Value frameEnv = S[fp + frame::kEnv];
  auto* callerInfo = vm.cell<FunctionInfoCell>(S[fp + frame::kInfo]);
  uint32_t callerFlags = callerInfo->flags;
  auto callerKind = FunctionKind(callerInfo->kind);

  ChainView view;
  std::vector<std::u16string> privateNames;
  describeChain(vm, frameEnv.isCell() ? frameEnv.ref() : 0, &view, &privateNames);
  view.context.strict = strict;
  view.context.inFunction = callerKind != FunctionKind::Script && callerKind != FunctionKind::Module &&
                            !(callerKind == FunctionKind::Eval && !(callerFlags & kEvalAllowsNewTarget));
  view.context.allowNewTarget = callerFlags & kEvalAllowsNewTarget;
  view.context.allowSuperProperty = callerFlags & kEvalAllowsSuperProperty;
  view.context.allowSuperCall = callerFlags & kEvalAllowsSuperCall;
  view.context.inFieldInit = callerFlags & kEvalInFieldInit;

  auto source = SourceFile::fromUtf16("<eval>", toUtf16(vm, code));
  ParseOptions options;
  options.strict = strict;
  options.inFunction = view.context.inFunction;
  options.allowNewTarget = view.context.allowNewTarget;
  options.allowSuperProperty = view.context.allowSuperProperty;
  options.allowSuperCall = view.context.allowSuperCall;
  options.allowArguments = !view.context.inFieldInit;
  options.privateNames = privateNames;
  ParseError err;
  auto program = parseProgram(*source, options, &err);
  if (!program) return throwSyntaxError(vm, *source, err);
  std::string error;
  auto compiled = compileEval(*program, view.context, *source, &error);
  if (!compiled) return vm.throwError(ErrorType::SyntaxError, error);
  return materialize(vm, *compiled, *source);
}

Value performIndirectEval(VM& vm, Value x) {
  if (!x.isString()) return x;
  auto source = SourceFile::fromUtf16("<eval>", toUtf16(vm, x));
  ParseOptions options;
  ParseError err;
  auto program = parseProgram(*source, options, &err);
  if (!program) return throwSyntaxError(vm, *source, err);
  EvalContext context;
  std::string error;
  auto compiled = compileEval(*program, context, *source, &error);
  if (!compiled) return vm.throwError(ErrorType::SyntaxError, error);
  Value info = KILN_TRY(materialize(vm, *compiled, *source));
  Root i(vm.heap(), info);
  Value closure = KILN_TRY(newClosure(vm, info, 0));
  return vm.interpreter().runTopLevel(closure, vm.intrinsic(Intrinsic::GlobalObject));
}

// CreateDynamicFunction (§20.2.1.1.1)
Value createDynamicFunction(VM& vm, Value newTarget, DynamicFunctionKind kind, CallInfo& info) {
  Root nt(vm.heap(), newTarget.isUndefined() ? info.callee : newTarget);
  std::u16string params, body;
  uint32_t argc = info.argc;
  for (uint32_t i = 0; i + 1 < argc; i++) {
    Value s = KILN_TRY(toString(vm, info.argv[i]));
    if (i) params += u",";
    params += toUtf16(vm, s);
  }
  if (argc > 0) {
    Value s = KILN_TRY(toString(vm, info.argv[argc - 1]));
    body = toUtf16(vm, s);
  }
  ParseError err;
  auto program = parseDynamicFunction(params, body, kind, &err);
  if (!program) return vm.throwError(ErrorType::SyntaxError, err.message);
  auto source = SourceFile::fromUtf16("<anonymous>", dynamicFunctionSource(params, body, kind));
  std::string error;
  auto compiled = compileDynamicFunction(*program, *source, &error);
  if (!compiled) return vm.throwError(ErrorType::SyntaxError, error);
  Value fnInfo = KILN_TRY(materialize(vm, *compiled, *source));
  Root fi(vm.heap(), fnInfo);
  Intrinsic fallback = kind == DynamicFunctionKind::Generator        ? Intrinsic::GeneratorFunctionPrototype
                       : kind == DynamicFunctionKind::Async          ? Intrinsic::AsyncFunctionPrototype
                       : kind == DynamicFunctionKind::AsyncGenerator ? Intrinsic::AsyncGeneratorFunctionPrototype
                                                                     : Intrinsic::FunctionPrototype;
  Value proto = KILN_TRY(prototypeFromConstructor(vm, nt.get(), fallback));
  Root p(vm.heap(), proto);
  Value fn = KILN_TRY(newClosure(vm, fi.get(), 0));
  vm.cell<ObjectCell>(fn)->proto = p.get().isObject() ? p.get().ref() : 0;
  return fn;
}

Value functionSourceText(VM& vm, Value fn) {
  if (kindOf(vm, fn) != CellKind::Function) return Value::undefined();
  auto* fi = vm.cell<FunctionInfoCell>(vm.cell<FunctionCell>(fn)->info);
  Value record = fi->source;
  if (!record.isCell()) return Value::undefined();
  Value text = vm.cell<ValueArrayCell>(record)->data()[1];
  if (!text.isString()) return Value::undefined();
  uint32_t len = stringLength(vm, text);
  uint32_t start = std::min(fi->sourceStart, len), end = std::min(fi->sourceEnd, len);
  return substring(vm, text, start, end);
}

}  // namespace kiln
