// ES modules (ECMA-262 §16.2): loading a graph from files, linking (live
// bindings resolved to module-environment slots), evaluation in dependency
// order with cycles, and module namespace objects.
//
// A ModuleCell (cells.h) holds the module's FunctionInfo, its Environment
// (flag kModule; the environment's `object` field points back at the
// module), the resolved requested modules, the import table filled at link
// time (per import: [Environment, slot] or [namespace object, -1]) and the
// static descriptor (descriptor layout in module.cpp).
#pragma once

#include <string>

#include "engine/parser.h"
#include "engine/vm.h"

namespace kiln {

struct ModuleLoadError {
  std::string message;  // user-facing text (a formatted syntax error, or "Cannot find module ...")
  bool isSyntaxError = false;
  bool inEntry = false;  // the error is in the entry module itself (not a dependency)
};

// Loads the module at `path` and everything it imports (parse + compile).
// Returns the entry Module cell, or undefined with *error filled.
Value loadModuleGraph(VM& vm, const std::string& path, ModuleLoadError* error);
// Links the graph (InitializeEnvironment); throws SyntaxError on unresolvable imports.
Status linkModule(VM& vm, Value module);
// Evaluates the graph; returns undefined or exception.
Value evaluateModule(VM& vm, Value module);
// The pieces of evaluateModule, for a driver that keeps its place in the heap
// (builtins/program.h): the graph's modules still to evaluate, in order (a
// ValueArray); the evaluation of one module's body (its dependencies done);
// and recording how a body that was paused and resumed ended.
Value moduleEvaluationOrder(VM& vm, Value entry);
Value evaluateModuleBody(VM& vm, Value module);
Value finishModuleEvaluation(VM& vm, Value module, Value result);
// True once the module's body ran to its end.
bool moduleIsEvaluated(VM& vm, Value module);
// Link + evaluate.
Value runModule(VM& vm, Value module);

// Interpreter hooks.
Value getImportBinding(VM& vm, Value info, Ref env, uint32_t index);
Value dynamicImport(VM& vm, Value info, Value specifier);
Value importMeta(VM& vm, Value info);
Value moduleNamespace(VM& vm, Value module);

}  // namespace kiln
