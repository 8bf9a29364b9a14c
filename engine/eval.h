// Compiling and running source at run time: scripts, direct and indirect
// eval, the Function constructor (CreateDynamicFunction).
#pragma once

#include "engine/parser.h"
#include "engine/source.h"
#include "engine/vm.h"

namespace kiln {

// Parses and compiles a script into a FunctionInfo. On a syntax error returns
// undefined and fills *syntaxError (nothing is thrown); an internal compiler
// limit throws a SyntaxError and returns exception().
Value compileScriptInfo(VM& vm, const SourceFile& source, ParseError* syntaxError);
// Runs a compiled script in the current realm (this = the global object).
Value runScriptInfo(VM& vm, Value info);
// Compiles eval code against the environment chain of frame `fp` (direct eval).
// Syntax errors are thrown as SyntaxError. Returns the FunctionInfo.
Value compileDirectEval(VM& vm, Value code, uint32_t fp, bool strict);

}  // namespace kiln
