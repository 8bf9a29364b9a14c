#include "engine/disasm.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/source.h"

namespace kiln {
namespace {

const char* functionKindName(FunctionKind k) {
  switch (k) {
    case FunctionKind::Normal: return "Normal";
    case FunctionKind::Arrow: return "Arrow";
    case FunctionKind::Method: return "Method";
    case FunctionKind::Getter: return "Getter";
    case FunctionKind::Setter: return "Setter";
    case FunctionKind::ClassConstructor: return "ClassConstructor";
    case FunctionKind::DerivedConstructor: return "DerivedConstructor";
    case FunctionKind::ClassFieldInit: return "ClassFieldInit";
    case FunctionKind::Script: return "Script";
    case FunctionKind::Module: return "Module";
    case FunctionKind::Eval: return "Eval";
  }
  return "?";
}

const char* bindingKindName(BindingKind k) {
  switch (k) {
    case BindingKind::Var: return "var";
    case BindingKind::Let: return "let";
    case BindingKind::Const: return "const";
    case BindingKind::Class: return "class";
    case BindingKind::ClassInner: return "classinner";
    case BindingKind::Function: return "function";
    case BindingKind::Param: return "param";
    case BindingKind::CatchParam: return "catch";
    case BindingKind::FunctionName: return "fname";
    case BindingKind::Arguments: return "arguments";
    case BindingKind::Implicit: return "implicit";
    case BindingKind::Import: return "import";
  }
  return "?";
}

const char* scopeKindName(ScopeKind k) {
  switch (k) {
    case ScopeKind::Function: return "function";
    case ScopeKind::FunctionBody: return "body";
    case ScopeKind::Block: return "block";
    case ScopeKind::Class: return "class";
    case ScopeKind::Module: return "module";
    case ScopeKind::Eval: return "eval";
    case ScopeKind::Script: return "script";
  }
  return "?";
}

std::string quote(const std::u16string& s) {
  std::string out = "\"";
  for (char c : utf16ToUtf8(s)) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out + "\"";
}

std::string formatNumber(double d) {
  if (d != d) return "NaN";
  if (d == 0 && std::signbit(d)) return "-0";
  return fmt::format("{}", d);
}

std::string constantText(const CompiledFunction& f, uint32_t index) {
  if (index >= f.constants.size()) return fmt::format("<bad constant {}>", index);
  const Constant& c = f.constants[index];
  switch (constantKind(c)) {
    case ConstantKind::Number: return formatNumber(std::get<double>(c));
    case ConstantKind::String: return quote(std::get<std::u16string>(c));
    case ConstantKind::BigInt: return std::get<BigIntConstant>(c).digits + "n";
    case ConstantKind::Scope: {
      const auto& s = std::get<ScopeDescriptor>(c);
      std::string out = fmt::format("scope({}{}", scopeKindName(s.kind), s.extensible ? ",ext" : "");
      out += ":";
      for (const auto& b : s.bindings) out += fmt::format(" {}:{}", bindingKindName(b.kind), utf16ToUtf8(b.name));
      return out + ")";
    }
    case ConstantKind::TemplateSite: {
      const auto& t = std::get<TemplateSite>(c);
      std::string out = "template(";
      for (size_t i = 0; i < t.raw.size(); i++) out += (i ? ", " : "") + quote(t.raw[i]);
      return out + ")";
    }
    case ConstantKind::RegExp: {
      const auto& r = std::get<RegExpConstant>(c);
      return "/" + utf16ToUtf8(r.pattern) + "/" + utf16ToUtf8(r.flags);
    }
    case ConstantKind::Declarations: {
      const auto& d = std::get<DeclarationList>(c);
      std::string out = "decls(";
      for (const auto& v : d.varNames) out += " var " + utf16ToUtf8(v);
      for (const auto& fn : d.functions) out += fmt::format(" function {}=#{}", utf16ToUtf8(fn.name), fn.childIndex);
      for (const auto& l : d.lexicals) out += fmt::format(" {} {}", l.isConst ? "const" : "let", utf16ToUtf8(l.name));
      return out + " )";
    }
    case ConstantKind::Class: {
      const auto& k = std::get<ClassConstant>(c);
      return fmt::format("class({} ctor=#{}{})", quote(k.name), k.constructorIndex, k.hasHeritage ? " extends" : "");
    }
  }
  return "?";
}

// Ops whose U32 operand is not a constant index.
bool u32IsPlain(Op op) {
  switch (op) {
    case Op::GetElem: case Op::SetElem: case Op::GetMethodElem: case Op::CreateArray:
    case Op::ArrayLiteral: case Op::Closure: case Op::GetImport:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string disassembleInstruction(const CompiledFunction& f, uint32_t pc, uint32_t* next) {
  const uint8_t* p = f.code.data() + pc;
  if (p[0] >= uint8_t(Op::Count)) {
    *next = pc + 1;
    return fmt::format("{:5}: <bad opcode {}>", pc, p[0]);
  }
  Op op = Op(p[0]);
  const OpInfo& info = opInfo(op);
  *next = pc + instructionSize(op);
  if (*next > f.code.size()) return fmt::format("{:5}: {} <truncated>", pc, info.name);
  const uint8_t* a = p + 1;
  std::string out = fmt::format("{:5}: {}", pc, info.name);
  switch (info.layout) {
    case OperandLayout::None: break;
    case OperandLayout::U8: out += fmt::format(" {}", readU8(a)); break;
    case OperandLayout::U16: out += fmt::format(" {}", readU16(a)); break;
    case OperandLayout::U32: {
      uint32_t v = readU32(a);
      if (op == Op::GetElem || op == Op::SetElem || op == Op::GetMethodElem) {
        out += fmt::format(" ic={}", v);
      } else if (op == Op::Closure) {
        out += fmt::format(" #{}", v);
        if (v < f.children.size()) {
          const auto& name = f.children[v].name;
          out += name.empty() ? " <anonymous>" : " " + utf16ToUtf8(name);
        }
      } else if (op == Op::GetImport && f.module && v < f.module->imports.size()) {
        out += fmt::format(" {} ({})", v, utf16ToUtf8(f.module->imports[v].localName));
      } else if (u32IsPlain(op)) {
        out += fmt::format(" {}", v);
      } else {
        out += " " + constantText(f, v);
      }
      break;
    }
    case OperandLayout::I32:
      if (op == Op::Int32) out += fmt::format(" {}", readI32(a));
      else out += fmt::format(" -> {}", int64_t(pc) + readI32(a));
      break;
    case OperandLayout::U16_U8: out += fmt::format(" {} {}", readU16(a), readU8(a + 2)); break;
    case OperandLayout::U16_U16: out += fmt::format(" {} {}", readU16(a), readU16(a + 2)); break;
    case OperandLayout::U16_U32: out += fmt::format(" {} {}", readU16(a), constantText(f, readU32(a + 2))); break;
    case OperandLayout::U32_U32: out += fmt::format(" {} ic={}", constantText(f, readU32(a)), readU32(a + 4)); break;
    case OperandLayout::U16_U16_U32:
      out += fmt::format(" {} {} {}", readU16(a), readU16(a + 2), constantText(f, readU32(a + 4)));
      break;
  }
  return out;
}

std::string disassemble(const CompiledFunction& root) {
  std::string out;
  // Explicit stack: function trees can be as deep as the source nesting.
  std::vector<std::pair<const CompiledFunction*, std::string>> stack{{&root, ""}};
  while (!stack.empty()) {
    auto [f, path] = stack.back();
    stack.pop_back();
    std::string flags;
    auto flag = [&](FunctionFlag bit, const char* name) { if (f->hasFlag(bit)) flags += std::string(" ") + name; };
    flag(kStrict, "strict");
    flag(kAsync, "async");
    flag(kGenerator, "generator");
    flag(kIsConstructor, "ctor");
    flag(kHasRest, "rest");
    flag(kUsesThis, "this");
    flag(kHasDirectEval, "eval");
    flag(kParamsInEnv, "paramsInEnv");
    flag(kHasHomeObject, "home");
    flag(kHasInstanceFields, "fields");
    if (f->argumentsKind == ArgumentsKind::Mapped) flags += " mappedArguments";
    if (f->argumentsKind == ArgumentsKind::Unmapped) flags += " unmappedArguments";
    out += fmt::format("function {}{} ({}, length={} params={} locals={} stack={} ics={}{})\n",
                       path.empty() ? "" : path + " ", f->name.empty() ? "<anonymous>" : utf16ToUtf8(f->name),
                       functionKindName(f->kind), f->length, f->paramSlots, f->localCount, f->maxStackDepth,
                       f->icCount, flags);
    for (uint32_t pc = 0; pc < f->code.size();) {
      uint32_t next;
      out += disassembleInstruction(*f, pc, &next);
      out += '\n';
      pc = next;
    }
    for (const auto& h : f->handlers)
      out += fmt::format("  handler [{}, {}) -> {} depth={}\n", h.startPc, h.endPc, h.handlerPc, h.stackDepth);
    if (f->module) {
      const auto& m = *f->module;
      for (size_t i = 0; i < m.requests.size(); i++) out += fmt::format("  request {} {}\n", i, quote(m.requests[i]));
      for (const auto& e : m.imports)
        out += fmt::format("  import {} from #{} as {}\n", quote(e.importName), e.request, utf16ToUtf8(e.localName));
      for (const auto& e : m.localExports)
        out += fmt::format("  export {} = slot {} ({})\n", quote(e.exportName), e.slot, utf16ToUtf8(e.localName));
      for (const auto& e : m.indirectExports)
        out += fmt::format("  export {} = {} from #{}\n", quote(e.exportName), quote(e.importName), e.request);
      for (auto r : m.starExports) out += fmt::format("  export * from #{}\n", r);
      for (const auto& fn : m.functions) out += fmt::format("  instantiate slot {} = #{}\n", fn.slot, fn.childIndex);
      if (m.hasTopLevelAwait) out += "  top-level await\n";
    }
    for (size_t i = f->children.size(); i-- > 0;)
      stack.push_back({&f->children[i], fmt::format("{}#{}", path.empty() ? "" : path + "/", i)});
  }
  return out;
}

}  // namespace kiln
