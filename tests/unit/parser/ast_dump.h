// A position-free S-expression dump of the AST, for tests: two programs with
// the same dump have the same tree. TypeScript tests compare the erased tree
// with the tree of the JavaScript tsc would emit.
#pragma once

#include <memory>
#include <string>

#include "engine/ast.h"
#include "engine/parser.h"

namespace kiln::test {

std::string dumpNode(const ast::Node* node);
std::string dumpProgram(const ast::Program& program);

// Parses and dumps; on a syntax error returns "ERROR: <message>".
std::string parseDump(const std::string& code, bool typescript = false, bool module = false);
ParseError parseError(const std::string& code, bool typescript = false, bool module = false);

}  // namespace kiln::test
