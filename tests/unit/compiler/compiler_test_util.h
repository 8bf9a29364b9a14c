// Helpers for the compiler tests: parse + compile + disassemble.
#pragma once

#include <optional>
#include <string>

#include "engine/bytecode.h"
#include "engine/compiler.h"
#include "engine/disasm.h"
#include "engine/parser.h"
#include "engine/source.h"

namespace kiln::test {

struct Compiled {
  std::optional<CompiledFunction> fn;
  std::string error;
  std::string text;  // disassembly
};

inline Compiled compileSource(const std::string& code, bool module = false) {
  Compiled c;
  auto src = SourceFile::fromUtf8(module ? "test.mjs" : "test.js", code);
  ParseOptions opts;
  opts.isModule = module;
  ParseError perr;
  auto program = parseProgram(*src, opts, &perr);
  if (!program) {
    c.error = "parse: " + perr.message;
    return c;
  }
  c.fn = module ? compileModule(*program, *src, &c.error) : compileScript(*program, *src, &c.error);
  if (c.fn) c.text = disassemble(*c.fn);
  return c;
}

}  // namespace kiln::test

namespace kiln::test {

// Structural checks every compiled function must pass: whole instructions,
// jumps to instruction starts, indices in range, handlers well formed.
inline std::string verifyFunction(const CompiledFunction& f) {
  std::vector<bool> starts(f.code.size() + 1, false);
  std::vector<std::pair<uint32_t, int64_t>> jumps;
  for (uint32_t pc = 0; pc < f.code.size();) {
    starts[pc] = true;
    if (f.code[pc] >= uint8_t(Op::Count)) return "bad opcode at " + std::to_string(pc);
    Op op = Op(f.code[pc]);
    uint32_t size = instructionSize(op);
    if (pc + size > f.code.size()) return "truncated instruction at " + std::to_string(pc);
    const uint8_t* a = &f.code[pc + 1];
    auto constOk = [&](uint32_t i) { return i < f.constants.size(); };
    switch (opInfo(op).layout) {
      case OperandLayout::I32:
        if (op != Op::Int32) jumps.push_back({pc, int64_t(pc) + readI32(a)});
        break;
      case OperandLayout::U32_U32:
        if (!constOk(readU32(a)) || readU32(a + 4) >= f.icCount) return "bad name/ic at " + std::to_string(pc);
        break;
      case OperandLayout::U16_U32:
        if (readU16(a) >= f.localCount || !constOk(readU32(a + 2))) return "bad local/name at " + std::to_string(pc);
        break;
      case OperandLayout::U16:
        if ((op == Op::GetLocal || op == Op::SetLocal || op == Op::ClearLocal || op == Op::SaveEnv ||
             op == Op::RestoreEnv) && readU16(a) >= f.localCount)
          return "bad local at " + std::to_string(pc);
        break;
      case OperandLayout::U32:
        if (op == Op::Closure && readU32(a) >= f.children.size()) return "bad child at " + std::to_string(pc);
        if ((op == Op::GetElem || op == Op::SetElem || op == Op::GetMethodElem) && readU32(a) >= f.icCount)
          return "bad ic at " + std::to_string(pc);
        if ((op == Op::String || op == Op::Number || op == Op::PushEnv || op == Op::GetProp) && !constOk(readU32(a)))
          return "bad constant at " + std::to_string(pc);
        break;
      default: break;
    }
    pc += size;
  }
  starts[f.code.size()] = true;
  for (auto [at, target] : jumps)
    if (target < 0 || target >= int64_t(f.code.size()) || !starts[size_t(target)])
      return "jump at " + std::to_string(at) + " to non-instruction " + std::to_string(target);
  for (const auto& h : f.handlers)
    if (h.startPc >= h.endPc || h.endPc > f.code.size() || h.handlerPc >= f.code.size() || !starts[h.handlerPc] ||
        h.stackDepth > f.maxStackDepth)
      return "bad handler";
  if (f.code.empty()) return "empty code";
  for (const auto& c : f.children) {
    std::string e = verifyFunction(c);
    if (!e.empty()) return utf16ToUtf8(c.name) + ": " + e;
  }
  return "";
}

}  // namespace kiln::test
