// Materialization: CompiledFunction (plain C++ from the compiler) -> FunctionInfo
// cells. Constants become Values (see runtime.h for the layouts of the
// internal constant cells).
#include <cstring>

#include "engine/bigint.h"
#include "engine/bytecode.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/runtime.h"
#include "engine/strings.h"

namespace kiln {

Value newScriptRecord(VM& vm, const SourceFile& source) {
  Root rec(vm.heap(), Value::cell(newValueArray(vm, 3, 3)));
  if (!rec.get().ref()) return Value::exception();
  Value path = KILN_TRY(newStringUtf8(vm, source.path()));
  vm.cell<ValueArrayCell>(rec.get())->data()[0] = path;
  const std::u16string& text = source.text();
  Value textV = KILN_TRY(newStringUtf16(vm, text.data(), text.size()));
  vm.cell<ValueArrayCell>(rec.get())->data()[1] = textV;
  // Line starts, for offset -> line:col without the SourceFile.
  std::vector<uint32_t> starts{0};
  for (uint32_t i = 0; i < text.size(); i++) {
    char16_t c = text[i];
    if (c == '\n' || c == 0x2028 || c == 0x2029 || (c == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n')))
      starts.push_back(i + 1);
  }
  Ref bytes = newByteArray(vm, uint32_t(starts.size() * 4));
  if (!bytes) return Value::exception();
  std::memcpy(vm.cell<ByteArrayCell>(bytes)->data(), starts.data(), starts.size() * 4);
  vm.cell<ValueArrayCell>(rec.get())->data()[2] = Value::cell(bytes);
  return rec.get();
}

namespace {

Value stringValue(VM& vm, const std::u16string& s) { return atomFromUtf16(vm, s); }

Value materializeConstant(VM& vm, const Constant& c) {
  switch (constantKind(c)) {
    case ConstantKind::Number: return Value::number(std::get<double>(c));
    case ConstantKind::String: return stringValue(vm, std::get<std::u16string>(c));
    case ConstantKind::BigInt: {
      std::string digits = std::get<BigIntConstant>(c).digits;
      bool neg = !digits.empty() && digits[0] == '-';
      auto v = bigint::fromDigits(neg ? std::string_view(digits).substr(1) : std::string_view(digits), 10);
      if (!v) return vm.throwError(ErrorType::SyntaxError, "Invalid BigInt literal");
      if (neg) *v = bigint::negate(*v);
      return newBigInt(vm, *v);
    }
    case ConstantKind::Scope: {
      const auto& s = std::get<ScopeDescriptor>(c);
      uint32_t n = uint32_t(s.bindings.size());
      Root arr(vm.heap(), Value::cell(newValueArray(vm, 1 + 2 * n, 1 + 2 * n)));
      if (!arr.get().ref()) return Value::exception();
      int32_t flags = int32_t(s.kind) | (s.extensible ? scope::kExtensible : 0) |
                      (s.isVarScope ? scope::kVarScope : 0) | (s.strict ? scope::kStrict : 0);
      vm.cell<ValueArrayCell>(arr.get())->data()[0] = Value::int32(flags);
      for (uint32_t i = 0; i < n; i++) {
        Value name = KILN_TRY(stringValue(vm, s.bindings[i].name));
        Value* d = vm.cell<ValueArrayCell>(arr.get())->data();
        d[1 + 2 * i] = name;
        d[2 + 2 * i] = Value::int32(int32_t(s.bindings[i].kind));
      }
      return arr.get();
    }
    case ConstantKind::TemplateSite: {
      const auto& t = std::get<TemplateSite>(c);
      uint32_t n = uint32_t(t.raw.size());
      Root arr(vm.heap(), Value::cell(newValueArray(vm, 3, 3)));
      if (!arr.get().ref()) return Value::exception();
      Root cooked(vm.heap(), Value::cell(newValueArray(vm, n, n)));
      Root raw(vm.heap(), Value::cell(newValueArray(vm, n, n)));
      if (!cooked.get().ref() || !raw.get().ref()) return Value::exception();
      for (uint32_t i = 0; i < n; i++) {
        Value cv = Value::undefined();
        if (t.cooked[i]) cv = KILN_TRY(newString(vm, std::u16string_view(*t.cooked[i])));
        vm.cell<ValueArrayCell>(cooked.get())->data()[i] = cv;
        Value rv = KILN_TRY(newString(vm, std::u16string_view(t.raw[i])));
        vm.cell<ValueArrayCell>(raw.get())->data()[i] = rv;
      }
      Value* d = vm.cell<ValueArrayCell>(arr.get())->data();
      d[0] = cooked.get();
      d[1] = raw.get();
      d[2] = Value::undefined();  // the template object, once created
      return arr.get();
    }
    case ConstantKind::RegExp: {
      const auto& r = std::get<RegExpConstant>(c);
      Root arr(vm.heap(), Value::cell(newValueArray(vm, 2, 2)));
      if (!arr.get().ref()) return Value::exception();
      Value p = KILN_TRY(newString(vm, std::u16string_view(r.pattern)));
      vm.cell<ValueArrayCell>(arr.get())->data()[0] = p;
      Value f = KILN_TRY(newString(vm, std::u16string_view(r.flags)));
      vm.cell<ValueArrayCell>(arr.get())->data()[1] = f;
      return arr.get();
    }
    case ConstantKind::Declarations: {
      const auto& d = std::get<DeclarationList>(c);
      Root arr(vm.heap(), Value::cell(newValueArray(vm, 3, 3)));
      if (!arr.get().ref()) return Value::exception();
      uint32_t nv = uint32_t(d.varNames.size()), nf = uint32_t(d.functions.size()), nl = uint32_t(d.lexicals.size());
      Root vars(vm.heap(), Value::cell(newValueArray(vm, nv, nv)));
      Root fns(vm.heap(), Value::cell(newValueArray(vm, 2 * nf, 2 * nf)));
      Root lex(vm.heap(), Value::cell(newValueArray(vm, 2 * nl, 2 * nl)));
      if (!vars.get().ref() || !fns.get().ref() || !lex.get().ref()) return Value::exception();
      for (uint32_t i = 0; i < nv; i++) {
        Value s = KILN_TRY(stringValue(vm, d.varNames[i]));
        vm.cell<ValueArrayCell>(vars.get())->data()[i] = s;
      }
      for (uint32_t i = 0; i < nf; i++) {
        Value s = KILN_TRY(stringValue(vm, d.functions[i].name));
        Value* fd = vm.cell<ValueArrayCell>(fns.get())->data();
        fd[2 * i] = s;
        fd[2 * i + 1] = Value::int32(int32_t(d.functions[i].childIndex));
      }
      for (uint32_t i = 0; i < nl; i++) {
        Value s = KILN_TRY(stringValue(vm, d.lexicals[i].name));
        Value* ld = vm.cell<ValueArrayCell>(lex.get())->data();
        ld[2 * i] = s;
        ld[2 * i + 1] = Value::boolean(d.lexicals[i].isConst);
      }
      Value* ad = vm.cell<ValueArrayCell>(arr.get())->data();
      ad[0] = vars.get();
      ad[1] = fns.get();
      ad[2] = lex.get();
      return arr.get();
    }
    case ConstantKind::Class: {
      const auto& k = std::get<ClassConstant>(c);
      Root arr(vm.heap(), Value::cell(newValueArray(vm, 3, 3)));
      if (!arr.get().ref()) return Value::exception();
      Value name = KILN_TRY(stringValue(vm, k.name));
      Value* d = vm.cell<ValueArrayCell>(arr.get())->data();
      d[0] = Value::int32(int32_t(k.constructorIndex));
      d[1] = name;
      d[2] = Value::boolean(k.hasHeritage);
      return arr.get();
    }
  }
  return Value::undefined();
}

Ref bytesOf(VM& vm, const void* data, size_t n) {
  Ref r = newByteArray(vm, uint32_t(n));
  if (r && n) std::memcpy(vm.cell<ByteArrayCell>(r)->data(), data, n);
  return r;
}

}  // namespace

Value materializeFunction(VM& vm, const CompiledFunction& fn, Value scriptRecord) {
  Root script(vm.heap(), scriptRecord);
  Ref infoRef = vm.allocate(CellKind::FunctionInfo, sizeof(FunctionInfoCell));
  if (!infoRef) return Value::exception();
  Root info(vm.heap(), Value::cell(infoRef));
  auto* fi = vm.cell<FunctionInfoCell>(infoRef);
  fi->name = Value::undefined();
  fi->source = script.get();
  fi->flags = fn.flags;
  fi->length = fn.length;
  fi->paramSlots = fn.paramSlots;
  fi->localCount = fn.localCount;
  fi->maxStack = fn.maxStackDepth;
  fi->sourceStart = fn.sourceStart;
  fi->sourceEnd = fn.sourceEnd;
  fi->kind = uint32_t(fn.kind);
  fi->extra0 = uint32_t(fn.argumentsKind);

  Value name = KILN_TRY(stringValue(vm, fn.name));
  vm.cell<FunctionInfoCell>(info.get())->name = name;

  Ref code = bytesOf(vm, fn.code.data(), fn.code.size());
  if (!code) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->code = code;

  std::vector<uint32_t> lines;
  for (const LineEntry& e : fn.lineTable) { lines.push_back(e.pc); lines.push_back(e.sourceOffset); }
  Ref lt = bytesOf(vm, lines.data(), lines.size() * 4);
  if (!lt) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->lineTable = lt;

  std::vector<uint32_t> handlers;
  for (const ExceptionHandler& h : fn.handlers) {
    handlers.insert(handlers.end(), {h.startPc, h.endPc, h.handlerPc, h.stackDepth});
  }
  Ref ht = bytesOf(vm, handlers.data(), handlers.size() * 4);
  if (!ht) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->handlers = ht;

  // The inline-cache array has one extra trailing slot: the mapped-parameter
  // table (a ByteArray of uint16) of functions with a mapped arguments object.
  uint32_t icCount = fn.icCount;
  Ref ic = newValueArray(vm, icCount * kIcWidth + 1, icCount * kIcWidth + 1);
  if (!ic) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->icCache = ic;
  if (!fn.mappedParamSlots.empty()) {
    Ref mp = bytesOf(vm, fn.mappedParamSlots.data(), fn.mappedParamSlots.size() * 2);
    if (!mp) return Value::exception();
    vm.cell<ValueArrayCell>(vm.cell<FunctionInfoCell>(info.get())->icCache)->data()[icCount * kIcWidth] = Value::cell(mp);
  }

  uint32_t nc = uint32_t(fn.constants.size());
  Ref consts = newValueArray(vm, nc, nc);
  if (!consts) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->constants = consts;
  for (uint32_t i = 0; i < nc; i++) {
    Value c = KILN_TRY(materializeConstant(vm, fn.constants[i]));
    vm.cell<ValueArrayCell>(vm.cell<FunctionInfoCell>(info.get())->constants)->data()[i] = c;
  }

  uint32_t nch = uint32_t(fn.children.size());
  Ref children = newValueArray(vm, nch, nch);
  if (!children) return Value::exception();
  vm.cell<FunctionInfoCell>(info.get())->children = children;
  for (uint32_t i = 0; i < nch; i++) {
    Value child = KILN_TRY(materializeFunction(vm, fn.children[i], script.get()));
    vm.cell<ValueArrayCell>(vm.cell<FunctionInfoCell>(info.get())->children)->data()[i] = child;
  }
  return info.get();
}

}  // namespace kiln

namespace kiln {

// OrdinaryFunctionCreate + MakeConstructor (§10.2.3, §10.2.5) for a closure.
Value newClosure(VM& vm, Value infoV, Ref env) {
  Root info(vm.heap(), infoV);
  RootRef e(vm.heap(), env);
  auto* fi = vm.cell<FunctionInfoCell>(infoV);
  auto kind = FunctionKind(fi->kind);
  bool generator = fi->flags & kGenerator, async = fi->flags & kAsync;
  Intrinsic protoIntrinsic = generator ? (async ? Intrinsic::AsyncGeneratorFunctionPrototype : Intrinsic::GeneratorFunctionPrototype)
                             : async   ? Intrinsic::AsyncFunctionPrototype
                                       : Intrinsic::FunctionPrototype;
  Value proto = vm.intrinsic(protoIntrinsic);
  if (!proto.isObject()) proto = vm.intrinsic(Intrinsic::FunctionPrototype);
  Root f(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Function, sizeof(FunctionCell), proto)));
  auto* fc = vm.cell<FunctionCell>(f.get());
  fi = vm.cell<FunctionInfoCell>(info.get());
  fc->info = info.get().ref();
  fc->env = e.get();
  fc->home = Value::undefined();
  fc->thisValue = Value::undefined();
  fc->fields = Value::undefined();
  fc->realm = vm.roots().realm;
  fc->flags |= ObjectCell::kIsCallable;
  if (fi->flags & kStrict) fc->flags |= ObjectCell::kStrictFunction;
  bool isClassCtor = kind == FunctionKind::ClassConstructor || kind == FunctionKind::DerivedConstructor;
  if ((fi->flags & kIsConstructor) || isClassCtor) fc->flags |= ObjectCell::kIsConstructor;
  defineValue(vm, f.get(), vm.atom(Atom::length), Value::int32(int32_t(fi->length)), kConfigurable);
  defineValue(vm, f.get(), vm.atom(Atom::name), vm.cell<FunctionInfoCell>(info.get())->name, kConfigurable);
  if (isClassCtor) return f.get();  // CreateClass defines `prototype`
  if (generator) {
    Value gp = vm.intrinsic(async ? Intrinsic::AsyncGeneratorPrototype : Intrinsic::GeneratorPrototype);
    Value p = KILN_TRY(newObject(vm, gp.isObject() ? gp : vm.intrinsic(Intrinsic::ObjectPrototype)));
    defineValue(vm, f.get(), vm.atom(Atom::prototype), p, kWritable);
  } else if (vm.cell<FunctionInfoCell>(info.get())->flags & kIsConstructor) {
    Root p(vm.heap(), KILN_TRY(newObject(vm)));
    defineValue(vm, p.get(), vm.atom(Atom::constructor), f.get(), kWritable | kConfigurable);
    defineValue(vm, f.get(), vm.atom(Atom::prototype), p.get(), kWritable);
  }
  return f.get();
}

}  // namespace kiln
