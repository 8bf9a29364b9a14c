// The parser: ECMAScript source (and TypeScript, whose type syntax it erases)
// to the AST of engine/ast.h, with every early error of the spec reported.
//
// Recursion is bounded: nesting deeper than kMaxNesting is a ParseError
// ("too much nesting"), never a C++ stack overflow.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ast.h"
#include "engine/source.h"

namespace kiln {

struct ParseOptions {
  bool isModule = false;
  bool strict = false;      // code is strict from the start (e.g. strict direct eval)
  bool typescript = false;  // erase TypeScript syntax
  // Direct eval / Function constructor context:
  bool inFunction = false;  // `return` is still an error; this affects new.target etc.
  bool allowNewTarget = false, allowSuperProperty = false, allowSuperCall = false;
  bool allowArguments = true;  // false inside class field initializers (eval there)
  std::vector<std::u16string> privateNames;  // private names visible to eval code in class bodies
};

struct ParseError {
  uint32_t offset = 0;
  std::string message;  // without the "SyntaxError: " prefix
};

// nullptr on error, with *error filled in (when error is not null).
std::unique_ptr<ast::Program> parseProgram(const SourceFile& source, const ParseOptions& options,
                                           ParseError* error);

// CreateDynamicFunction (new Function / GeneratorFunction / AsyncFunction ...):
// parameters and body are parsed separately, as the spec requires. Returns a
// Program whose body is one ExprStmt holding the FunctionNode; its source
// positions refer to the synthesized text
// "function anonymous(" params "\n) {\n" body "\n}" (with the right prefix).
enum class DynamicFunctionKind { Normal, Generator, Async, AsyncGenerator };
std::unique_ptr<ast::Program> parseDynamicFunction(std::u16string_view params, std::u16string_view body,
                                                   DynamicFunctionKind kind, ParseError* error);
// The synthesized source text parseDynamicFunction positions refer to.
std::u16string dynamicFunctionSource(std::u16string_view params, std::u16string_view body,
                                     DynamicFunctionKind kind);

// "path:line:col: SyntaxError: message", the source line, and a caret under the column.
std::string formatSyntaxError(const SourceFile& source, const ParseError& error);

}  // namespace kiln
