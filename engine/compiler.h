// The bytecode compiler: ast::Program -> CompiledFunction tree (bytecode.h).
//
// The parser has rejected every early error, so the compiler does not throw
// and does not re-validate; it only fails on internal limits (more than 65535
// locals, nesting deeper than kMaxCompileDepth, ...), returning nullopt with
// a message in *error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/ast.h"
#include "engine/bytecode.h"
#include "engine/source.h"

namespace kiln {

// Nesting of the AST (expressions, statements, functions) beyond which the
// compiler reports an error rather than risk the C++ stack.
inline constexpr uint32_t kMaxCompileDepth = 1200;

// The runtime scope chain seen by a direct eval, innermost first. A null
// scope is an object environment (`with`); the global scope is implicit at
// the end of the chain.
struct EvalContext {
  std::vector<const ScopeDescriptor*> chain;
  bool strict = false;  // the calling code is strict (eval code is then strict too)
  // From the calling function's flags (kEvalAllows*, kEvalInFieldInit):
  bool inFunction = false;
  bool allowNewTarget = false, allowSuperProperty = false, allowSuperCall = false;
  bool inFieldInit = false;
};

std::optional<CompiledFunction> compileScript(const ast::Program& program, const SourceFile& source,
                                              std::string* error);
// `optimize` (-O1, the default): constant expressions folded, code that
// cannot run left out (engine/compiler_const_fold.h). Scripts and eval always are.
std::optional<CompiledFunction> compileModule(const ast::Program& program, const SourceFile& source,
                                              std::string* error, bool optimize = true);
// Eval code: `program` was parsed with ParseOptions built from the context.
std::optional<CompiledFunction> compileEval(const ast::Program& program, const EvalContext& context,
                                            const SourceFile& source, std::string* error);
// The Function constructor: `program` from parseDynamicFunction (one ExprStmt
// holding the FunctionNode). Returns the function itself (kind Normal, or
// generator/async per the node), to be closed over the global environment.
std::optional<CompiledFunction> compileDynamicFunction(const ast::Program& program, const SourceFile& source,
                                                       std::string* error);

}  // namespace kiln
