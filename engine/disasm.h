// Human-readable bytecode listings, generated from opcodes.def (operand
// decoding follows each opcode's layout). Used by `kiln dev --dump-bytecode`
// and the compiler's golden tests, so the format is stable:
//
//   function f (Normal, params=1 locals=2 stack=3 ics=1 strict)
//      0: GetArg 0
//      3: GetProp "x" ic=0
//   handlers: [0, 12) -> 20 depth=0
#pragma once

#include <string>

#include "engine/bytecode.h"

namespace kiln {

// The function and all its children, depth first.
std::string disassemble(const CompiledFunction& function);
// One instruction at `pc` (no trailing newline); `*next` receives the next pc.
std::string disassembleInstruction(const CompiledFunction& function, uint32_t pc, uint32_t* next);

}  // namespace kiln
