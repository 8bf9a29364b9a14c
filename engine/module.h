// ES modules (ECMA-262 §16.2): loading a graph from files, linking (live
// bindings resolved to module-environment slots), evaluation in dependency
// order with cycles and top-level await, import(), import.meta and module
// namespace objects.
//
// A ModuleCell (cells.h) holds the module's FunctionInfo, its Environment
// (flag kModule; the environment's `object` field points back at the
// module), the resolved requested modules, the import table filled at link
// time (per import: [Environment, slot] or [namespace object, -1]) and the
// static descriptor (descriptor layout in module.cpp), plus the fields of
// the spec's Cyclic Module Record that evaluation with top-level await needs
// ([[CycleRoot]], [[AsyncEvaluationOrder]], [[PendingAsyncDependencies]],
// [[AsyncParentModules]], [[TopLevelCapability]]). All of it is heap data,
// so a program paused anywhere in its evaluation is an image like any other.
//
// Synthetic modules (host modules such as node:fs, JSON modules) have no
// function; they are evaluated when made.
#pragma once

#include <string>

#include "engine/parser.h"
#include "engine/vm.h"

namespace kiln {

struct ModuleLoadError {
  std::string message;  // user-facing text (a formatted syntax error, or "Cannot find module ...")
  bool isSyntaxError = false;
  bool inEntry = false;  // the error is in the entry module itself (not a dependency)
  std::string code;      // node's error code ("ERR_MODULE_NOT_FOUND"), or empty
  std::string detail;    // the message alone (a syntax error without its code frame)
};

// Loads the module at `path` and everything it imports (parse + compile).
// Returns the entry Module cell, or undefined with *error filled.
Value loadModuleGraph(VM& vm, const std::string& path, ModuleLoadError* error);
// Links the graph (InitializeEnvironment); throws SyntaxError on unresolvable imports.
Status linkModule(VM& vm, Value module);

// ---- evaluation (§16.2.1.5.3) ------------------------------------------------
//
// Evaluate() is a process its caller drives one module body at a time, so
// that the program driver (builtins/program.h) can pause in a body at build
// time, or stop before one (the module-granularity fallback), and continue
// from an image. Its state is an evaluation record (a ValueArray, layout in
// module.cpp) holding InnerModuleEvaluation's explicit DFS stack:
//
//   Value ev = beginModuleEvaluation(vm, module);
//   while ((m = nextModuleToRun(vm, ev)) is a module) {
//     r = runModuleBody(vm, ev);           // may pause; resumed later, then
//     moduleBodyCompleted(vm, ev, r);      // records how the body ended
//   }
//
// Bodies of modules with top-level await (or waiting on one) that cannot run
// now run later, from promise jobs (AsyncModuleExecutionFulfilled).
Value beginModuleEvaluation(VM& vm, Value module);
// The next module whose body must run (runModuleBody runs it), or undefined
// when the synchronous part of the evaluation is over (its promise is then
// settled, or pending on modules suspended in an await). Exception only when
// allocation fails.
Value nextModuleToRun(VM& vm, Value evaluation);
// Runs the body nextModuleToRun returned: undefined, the promise of an
// async module body, or exception (the body threw, or an uncatchable stop:
// a build-time pause, process.exit...).
Value runModuleBody(VM& vm, Value evaluation);
// Records the outcome of the running body (`result` as runModuleBody
// returned it, or as the resumed frames returned it after a pause). A throw
// fails the evaluation (its promise is rejected), it is not rethrown.
// Returns exception only for uncatchable conditions.
Value moduleBodyCompleted(VM& vm, Value evaluation, Value result);
// The module whose body runs (or will run next), or undefined.
Value evaluationRunningModule(VM& vm, Value evaluation);
// Evaluate()'s promise (undefined in a realm without Promise), and the
// module it stands for (the cycle root).
Value evaluationPromise(VM& vm, Value evaluation);
Value evaluationModule(VM& vm, Value evaluation);

// Link + Evaluate() driven to the end of its synchronous part, then (when a
// module is suspended in a top-level await) the job queue until the
// evaluation settles. Returns undefined, or exception with the evaluation
// error pending. For hosts without an event loop of their own (test262).
Value evaluateModule(VM& vm, Value module);
Value runModule(VM& vm, Value module);

// The evaluation order of a graph, for reports: the modules not yet
// evaluated in the order InnerModuleEvaluation reaches the end of each
// (post order of the depth-first walk from the entry; a ValueArray).
Value moduleEvaluationOrder(VM& vm, Value entry);
// True once the module's body ran to its end without error.
bool moduleIsEvaluated(VM& vm, Value module);
// True when the module's evaluation failed; *error (when given) is the error.
bool moduleEvaluationFailed(VM& vm, Value module, Value* error = nullptr);

// The spec's abstract closures, as natives (builtins/natives_modules.def;
// builtins/program.cpp forwards to these). `data` is the native's data0/data1.
Value asyncModuleExecutionFulfilled(VM& vm, Value module);
Value asyncModuleExecutionRejected(VM& vm, Value module, Value error);
// import()'s steps after loading (ContinueDynamicImport, §16.2.1.?): link
// and evaluate `module`, then settle `promise` with its namespace.
Value dynamicImportLinkAndEvaluate(VM& vm, Value module, Value promise);
Value dynamicImportFulfilled(VM& vm, Value module, Value promise);

// Interpreter hooks.
Value getImportBinding(VM& vm, Value info, Ref env, uint32_t index);
// import(specifier) from code of `info` (EvaluateImportCall, §13.3.10.1):
// always a promise (errors reject it). The file is loaded (parsed and
// compiled, with its static imports) right away; linking and evaluation
// follow in a promise job.
Value dynamicImport(VM& vm, Value info, Value specifier);
// import.meta of the module `info` belongs to: one object per module, with
// node's dirname, filename, resolve and url.
Value importMeta(VM& vm, Value info);
// import.meta.resolve(specifier) for the module at `modulePath` (a string).
Value importMetaResolve(VM& vm, Value modulePath, Value specifier);
Value moduleNamespace(VM& vm, Value module);

}  // namespace kiln
