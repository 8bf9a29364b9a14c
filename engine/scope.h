// Scope analysis for the bytecode compiler: one pass over a Program that
// declares every binding (with hoisting), resolves every reference, and
// decides where each binding lives: an argument slot, a frame local, a slot
// of a heap Environment (captured by a closure, or visible to direct eval or
// `with`), the global scope (script top level) or a module import.
//
// The code generator walks the same tree again and re-resolves names with
// resolve(); because all captures are known before it starts, the answer is
// final. Scopes and bindings are owned by the ScopeTree, keyed by AST node.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/ast.h"
#include "engine/bytecode.h"

namespace kiln::scope {

struct Scope;
struct FunctionScope;

enum class Location : uint8_t { Unassigned, Local, Arg, Env, Global, Import };

struct Binding {
  std::u16string name;
  BindingKind kind = BindingKind::Var;
  Scope* scope = nullptr;
  bool captured = false;     // lives in the scope's Environment
  bool alwaysCheck = false;  // TDZ checks can never be elided (switch cases, for-in/of heads)
  uint32_t initEnd = 0;      // source offset after which a same-function reference is initialized
  int32_t argIndex = -1;     // simple parameters: the argument slot
  uint32_t importIndex = 0;
  Location location = Location::Unassigned;
  uint32_t index = 0;        // local index, arg index or env slot
  bool hasCheckedRef = false;
};

enum class ScopeFlavor : uint8_t { Normal, With, Switch };

struct Scope {
  ScopeKind kind = ScopeKind::Block;
  ScopeFlavor flavor = ScopeFlavor::Normal;
  Scope* parent = nullptr;
  FunctionScope* function = nullptr;
  const ast::Node* node = nullptr;
  std::vector<Binding*> bindings;  // declaration order = slot order
  std::unordered_map<std::u16string, Binding*> byName;
  bool forceEnv = false;     // a direct eval can see it: every binding is captured
  bool extensible = false;   // sloppy direct eval can add vars here
  bool isVarScope = false;
  bool hasEnv = false;       // decided after analysis
  uint32_t envSlots = 0;
  // Function declarations instantiated at this scope's entry.
  std::vector<const ast::FunctionNode*> hoistedFunctions;
  // Annex B: block function declarations also assigned to this var binding.
  std::unordered_map<const ast::FunctionNode*, Binding*> annexBVar;

  Binding* find(const std::u16string& name) const {
    auto it = byName.find(name);
    return it == byName.end() ? nullptr : it->second;
  }
};

// One per compiled function (including the script/module/eval top level and
// the synthetic class field initializers).
struct FunctionScope {
  FunctionScope* parent = nullptr;
  const ast::FunctionNode* node = nullptr;  // null for top levels and synthetic functions
  FunctionKind kind = FunctionKind::Normal;
  Scope* top = nullptr;       // parameters, implicit bindings
  Scope* varScope = nullptr;  // == top unless parameters have expressions
  bool strict = false;
  bool isArrow = false;
  bool isAsync = false, isGenerator = false;
  bool hasDirectEval = false;     // directly contains a direct eval (or an arrow that does)
  bool hasInnerEnvs = false;      // some scope other than top has an env
  bool hasWith = false;
  bool classHasFields = false;    // class constructors: run InitFields
  bool usesThis = false;
  uint32_t localCount = 0;
  std::vector<Scope*> scopes;     // every scope of this function, creation order
};

// What a name means at a given point.
struct Resolution {
  enum Kind : uint8_t { Local, Arg, Env, Global, Dynamic, Import, Escaped } kind = Global;
  Binding* binding = nullptr;
  uint32_t depth = 0;       // Env: environments to walk up
  bool needsTdzCheck = false;
};

struct ClassInfo {
  Scope* scope = nullptr;
  FunctionScope* instanceInit = nullptr;  // synthetic ClassFieldInit (instance fields, private methods)
  FunctionScope* staticInit = nullptr;    // synthetic: static fields and static blocks
  std::vector<Binding*> computedFieldKeys;  // per member index (nullptr unless a computed field)
};

class ScopeTree {
 public:
  // Analyzes a whole program. `evalStrict` etc. only matter for eval code.
  bool analyze(const ast::Program& program, FunctionKind topKind, bool strict, std::string* error);

  FunctionScope* topFunction() const { return top_; }
  FunctionScope* functionFor(const ast::FunctionNode* node) const;
  Scope* scopeFor(const ast::Node* node) const;  // blocks, loops, catch, switch, with, class
  const ClassInfo* classInfo(const ast::ClassNode* node) const;

  // Resolves `name` used at `position` in `from` (a scope of function `fn`).
  Resolution resolve(Scope* from, const std::u16string& name, uint32_t position) const;

 private:
  friend class Analyzer;
  std::deque<Scope> scopes_;
  std::deque<Binding> bindings_;
  std::deque<FunctionScope> functions_;
  std::deque<ClassInfo> classes_;
  std::unordered_map<const ast::Node*, Scope*> scopeMap_;
  std::unordered_map<const ast::FunctionNode*, FunctionScope*> functionMap_;
  std::unordered_map<const ast::ClassNode*, ClassInfo*> classMap_;
  FunctionScope* top_ = nullptr;
};

// Implicit binding names (never valid identifiers).
inline const std::u16string kThisName = u"%this";
inline const std::u16string kNewTargetName = u"%newtarget";
inline const std::u16string kHomeName = u"%home";
inline const std::u16string kCalleeName = u"%callee";

// Bound names of a binding pattern, in source order.
void boundNames(const ast::Node* pattern, std::vector<const ast::Identifier*>& out);

}  // namespace kiln::scope
