#include "engine/scope.h"

#include <fmt/format.h>

#include "engine/compiler.h"

namespace kiln::scope {

using namespace kiln::ast;
using FunctionKind = kiln::FunctionKind;

void boundNames(const Node* pattern, std::vector<const Identifier*>& out) {
  // Explicit stack: patterns nest as deep as the parser allows.
  std::vector<const Node*> stack{pattern};
  std::vector<const Node*> ordered;
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!n) continue;
    switch (n->kind) {
      case Kind::Identifier: out.push_back(n->as<Identifier>()); break;
      case Kind::AssignPattern: stack.push_back(n->as<AssignPattern>()->target); break;
      case Kind::Rest: stack.push_back(n->as<Rest>()->target); break;
      case Kind::ArrayPattern: {
        const auto& els = n->as<ArrayPattern>()->elements;
        for (size_t i = els.size(); i-- > 0;) stack.push_back(els[i]);
        break;
      }
      case Kind::ObjectPattern: {
        const auto* p = n->as<ObjectPattern>();
        stack.push_back(p->rest);
        for (size_t i = p->properties.size(); i-- > 0;) stack.push_back(p->properties[i].value);
        break;
      }
      default: break;  // member targets (assignment patterns) bind nothing
    }
  }
}

FunctionScope* ScopeTree::functionFor(const FunctionNode* node) const {
  auto it = functionMap_.find(node);
  return it == functionMap_.end() ? nullptr : it->second;
}
Scope* ScopeTree::scopeFor(const Node* node) const {
  auto it = scopeMap_.find(node);
  return it == scopeMap_.end() ? nullptr : it->second;
}
const ClassInfo* ScopeTree::classInfo(const ClassNode* node) const {
  auto it = classMap_.find(node);
  return it == classMap_.end() ? nullptr : it->second;
}

Resolution ScopeTree::resolve(Scope* from, const std::u16string& name, uint32_t position) const {
  Resolution r;
  FunctionScope* fn = from ? from->function : nullptr;
  bool crossed = false, dynamic = false;
  uint32_t depth = 0;
  for (Scope* s = from; s; s = s->parent) {
    if (s->function != fn) crossed = true;
    if (s->flavor == ScopeFlavor::With) {
      dynamic = true;
      depth++;
      continue;
    }
    if (Binding* b = s->find(name)) {
      r.binding = b;
      if (dynamic) {
        r.kind = Resolution::Dynamic;
        return r;
      }
      r.needsTdzCheck = bindingStartsAsHole(b->kind) && (crossed || b->alwaysCheck || position < b->initEnd);
      switch (b->location) {
        case Location::Local: r.kind = Resolution::Local; break;
        case Location::Arg: r.kind = Resolution::Arg; break;
        case Location::Env: r.kind = Resolution::Env; r.depth = depth; break;
        case Location::Global: r.kind = Resolution::Global; break;
        case Location::Import: r.kind = Resolution::Import; break;
        case Location::Unassigned: r.kind = Resolution::Local; break;  // frame implicit (this, new.target...)
      }
      return r;
    }
    if (s->hasEnv) depth++;
    if (s->extensible) dynamic = true;
  }
  r.depth = depth;
  if (dynamic) r.kind = Resolution::Dynamic;
  else if (top_ && top_->kind == FunctionKind::Eval) r.kind = Resolution::Escaped;
  else r.kind = Resolution::Global;
  return r;
}

// ---- the analyzer -----------------------------------------------------------

class Analyzer {
 public:
  Analyzer(ScopeTree& tree, std::string* error) : t_(tree), error_(error) {}

  bool run(const Program& program, FunctionKind topKind, bool strict) {
    FunctionScope* fn = newFunction(nullptr, nullptr, topKind);
    fn->strict = strict || program.isStrict || program.isModule;
    t_.top_ = fn;
    ScopeKind sk = topKind == FunctionKind::Module ? ScopeKind::Module
                   : topKind == FunctionKind::Eval ? ScopeKind::Eval : ScopeKind::Script;
    Scope* top = newScope(sk, nullptr, fn, nullptr);
    fn->top = fn->varScope = top;
    if (sk == ScopeKind::Module) top->forceEnv = true;
    bool evalVarsAreDynamic = topKind == FunctionKind::Eval && !fn->strict;
    top->isVarScope = !evalVarsAreDynamic;

    if (sk == ScopeKind::Module) declareModuleItems(program, top);
    if (!evalVarsAreDynamic) {
      std::vector<const Identifier*> vars;
      std::vector<const FunctionNode*> annexB;
      collectVars(program.body, vars, annexB, fn->strict);
      BindingKind vk = BindingKind::Var;
      for (auto* id : vars) declare(top, id->name, vk, 0);
      declareTopFunctions(program.body, top);
      for (auto* f : annexB)
        if (!top->find(f->name->name) || top->find(f->name->name)->kind == BindingKind::Var ||
            top->find(f->name->name)->kind == BindingKind::Function)
          declare(top, f->name->name, BindingKind::Var, 0);
    } else {
      // Sloppy eval: vars and top-level functions belong to the caller's
      // variable environment (EvalDeclarationInstantiation); only the
      // lexical declarations are ours. Top-level functions are still
      // "hoisted" through the declaration list, not here.
    }
    declareLexicals(program.body, top, /*includeFunctions=*/false);
    visitStatements(program.body, top);
    if (failed_) return false;
    assignSlots();
    return !failed_;
  }

 private:
  ScopeTree& t_;
  std::string* error_;
  bool failed_ = false;
  uint32_t depth_ = 0;

  struct DepthGuard {
    Analyzer& a;
    explicit DepthGuard(Analyzer& an) : a(an) {
      if (++a.depth_ > kMaxCompileDepth && !a.failed_) a.fail("program too deeply nested to compile");
    }
    ~DepthGuard() { a.depth_--; }
  };

  void fail(const std::string& msg) {
    if (!failed_ && error_) *error_ = msg;
    failed_ = true;
  }

  FunctionScope* newFunction(FunctionScope* parent, const FunctionNode* node, FunctionKind kind) {
    FunctionScope& f = t_.functions_.emplace_back();
    f.parent = parent;
    f.node = node;
    f.kind = kind;
    if (node) {
      f.strict = node->isStrict;
      f.isArrow = node->fkind == ast::FunctionKind::Arrow;
      f.isAsync = node->isAsync;
      f.isGenerator = node->isGenerator;
      t_.functionMap_[node] = &f;
    } else if (parent) {
      f.strict = true;  // synthetic class functions
    }
    return &f;
  }

  Scope* newScope(ScopeKind kind, Scope* parent, FunctionScope* fn, const Node* node) {
    Scope& s = t_.scopes_.emplace_back();
    s.kind = kind;
    s.parent = parent;
    s.function = fn;
    s.node = node;
    fn->scopes.push_back(&s);
    if (node) t_.scopeMap_[node] = &s;
    return &s;
  }

  Binding* declare(Scope* s, const std::u16string& name, BindingKind kind, uint32_t initEnd) {
    if (Binding* existing = s->find(name)) {
      // var/function redeclarations merge; a function declaration wins.
      if (kind == BindingKind::Function && existing->kind == BindingKind::Var) existing->kind = kind;
      return existing;
    }
    Binding& b = t_.bindings_.emplace_back();
    b.name = name;
    b.kind = kind;
    b.scope = s;
    b.initEnd = initEnd;
    s->bindings.push_back(&b);
    s->byName[name] = &b;
    return &b;
  }

  // VarScopedDeclarations of a function body / script (not entering functions).
  void collectVars(const NodeList& body, std::vector<const Identifier*>& vars,
                   std::vector<const FunctionNode*>& annexB, bool strict) {
    struct Item { const Node* node; bool nested; };
    std::vector<Item> stack;
    for (size_t i = body.size(); i-- > 0;) stack.push_back({body[i], false});
    while (!stack.empty()) {
      auto [n, nested] = stack.back();
      stack.pop_back();
      if (!n) continue;
      switch (n->kind) {
        case Kind::VarDecl: {
          auto* d = n->as<VarDecl>();
          if (d->declKind == DeclKind::Var)
            for (const auto& dec : d->declarations) boundNames(dec.target, vars);
          break;
        }
        case Kind::FunctionDecl:
          if (nested && !strict) {
            auto* f = n->as<FunctionDecl>()->function;
            if (!f->isAsync && !f->isGenerator && f->name) annexB.push_back(f);
          }
          break;
        case Kind::Block: {
          const auto& b = n->as<Block>()->body;
          for (size_t i = b.size(); i-- > 0;) stack.push_back({b[i], true});
          break;
        }
        case Kind::If:
          stack.push_back({n->as<If>()->alternate, true});
          stack.push_back({n->as<If>()->consequent, true});
          break;
        case Kind::For:
          stack.push_back({n->as<For>()->body, true});
          stack.push_back({n->as<For>()->init, true});
          break;
        case Kind::ForIn:
          stack.push_back({n->as<ForIn>()->body, true});
          stack.push_back({n->as<ForIn>()->left, true});
          break;
        case Kind::ForOf:
          stack.push_back({n->as<ForOf>()->body, true});
          stack.push_back({n->as<ForOf>()->left, true});
          break;
        case Kind::While: stack.push_back({n->as<While>()->body, true}); break;
        case Kind::DoWhile: stack.push_back({n->as<DoWhile>()->body, true}); break;
        case Kind::Labeled: stack.push_back({n->as<Labeled>()->body, nested}); break;
        case Kind::With: stack.push_back({n->as<With>()->body, true}); break;
        case Kind::Try: {
          auto* t = n->as<Try>();
          stack.push_back({t->finalizer, true});
          stack.push_back({t->handler, true});
          stack.push_back({t->block, true});
          break;
        }
        case Kind::Switch: {
          auto* s = n->as<Switch>();
          for (size_t c = s->cases.size(); c-- > 0;)
            for (size_t i = s->cases[c].body.size(); i-- > 0;) stack.push_back({s->cases[c].body[i], true});
          break;
        }
        case Kind::ExportNamed:
          stack.push_back({n->as<ExportNamed>()->declaration, nested});
          break;
        default: break;
      }
    }
  }

  static const FunctionNode* topFunctionDecl(const Node* n) {
    if (n->kind == Kind::FunctionDecl) return n->as<FunctionDecl>()->function;
    if (n->kind == Kind::ExportNamed && n->as<ExportNamed>()->declaration &&
        n->as<ExportNamed>()->declaration->kind == Kind::FunctionDecl)
      return n->as<ExportNamed>()->declaration->as<FunctionDecl>()->function;
    if (n->kind == Kind::ExportDefault && n->as<ExportDefault>()->isDeclaration &&
        n->as<ExportDefault>()->value->kind == Kind::Function)
      return n->as<ExportDefault>()->value->as<FunctionNode>();
    return nullptr;
  }

  void declareTopFunctions(const NodeList& body, Scope* s) {
    for (const Node* n : body) {
      if (!n) continue;
      if (const FunctionNode* f = topFunctionDecl(n)) {
        std::u16string name = f->name ? f->name->name : u"*default*";
        declare(s, name, BindingKind::Function, 0);
        s->hoistedFunctions.push_back(f);
      }
    }
  }

  // Lexically scoped declarations of a statement list. Functions are lexical
  // in blocks (includeFunctions) and var-like at function/script top level.
  void declareLexicals(const NodeList& body, Scope* s, bool includeFunctions) {
    for (const Node* n : body) {
      if (!n) continue;
      const Node* d = n;
      if (d->kind == Kind::ExportNamed && d->as<ExportNamed>()->declaration) d = d->as<ExportNamed>()->declaration;
      if (d->kind == Kind::ExportDefault) {
        auto* e = d->as<ExportDefault>();
        if (e->value->kind == Kind::Class && e->isDeclaration) {
          auto* c = e->value->as<ClassNode>();
          declare(s, c->name ? c->name->name : u"*default*", BindingKind::Class, c->end);
        } else if (!e->isDeclaration || e->value->kind != Kind::Function) {
          declare(s, u"*default*", BindingKind::Let, e->end);
        }
        continue;
      }
      if (d->kind == Kind::VarDecl) {
        auto* v = d->as<VarDecl>();
        if (v->declKind == DeclKind::Var) continue;
        for (const auto& dec : v->declarations) {
          std::vector<const Identifier*> names;
          boundNames(dec.target, names);
          uint32_t end = dec.init ? std::max(dec.init->end, dec.target->end) : dec.target->end;
          for (auto* id : names)
            declare(s, id->name, v->declKind == DeclKind::Const ? BindingKind::Const : BindingKind::Let, end);
        }
      } else if (d->kind == Kind::ClassDecl) {
        auto* c = d->as<ClassDecl>()->cls;
        if (c->name) declare(s, c->name->name, BindingKind::Class, c->end);
      } else if (includeFunctions && d->kind == Kind::FunctionDecl) {
        auto* f = d->as<FunctionDecl>()->function;
        declare(s, f->name->name, BindingKind::Function, 0);
        s->hoistedFunctions.push_back(f);
      }
    }
  }

  void declareModuleItems(const Program& program, Scope* s) {
    uint32_t importIndex = 0;
    for (const Node* n : program.body) {
      if (n->kind != Kind::Import) continue;
      for (const auto& spec : n->as<Import>()->specifiers) {
        Binding* b = declare(s, spec.local, BindingKind::Import, 0);
        b->importIndex = importIndex++;
      }
    }
  }

  // ---- references ----

  void noteReference(Scope* from, const std::u16string& name, uint32_t pos) {
    FunctionScope* fn = from->function;
    bool crossed = false, dynamic = false;
    for (Scope* s = from; s; s = s->parent) {
      if (s->function != fn) crossed = true;
      if (s->flavor == ScopeFlavor::With) {
        dynamic = true;
        continue;
      }
      Binding* b = s->find(name);
      if (!b && name == u"arguments" && s == s->function->top && s->function->node && !s->function->isArrow)
        b = declare(s, name, BindingKind::Arguments, 0);
      if (b) {
        if (crossed || dynamic) b->captured = true;
        if (bindingStartsAsHole(b->kind) && (crossed || b->alwaysCheck || pos < b->initEnd)) b->hasCheckedRef = true;
        return;
      }
      if (s->extensible) dynamic = true;
    }
  }

  // The function scope holding this/new.target/home/callee for code in `from`.
  FunctionScope* thisFunction(Scope* from) {
    FunctionScope* f = from->function;
    while (f->isArrow && f->parent) f = f->parent;
    return f;
  }

  void noteImplicit(Scope* from, const std::u16string& name) {
    FunctionScope* f = thisFunction(from);
    if (f->node || (f->parent && f->kind == FunctionKind::ClassFieldInit)) {
      BindingKind kind = BindingKind::Implicit;
      if (name == kThisName && f->kind == FunctionKind::DerivedConstructor) kind = BindingKind::Let;
      Binding* b = declare(f->top, name, kind, 0);
      if (name == kThisName && f->kind == FunctionKind::DerivedConstructor) b->alwaysCheck = true;
      if (name == kThisName) f->usesThis = true;
    }
    noteReference(from, name, 0);
  }

  void noteDirectEval(Scope* from) {
    for (Scope* s = from; s; s = s->parent) s->forceEnv = true;
    for (FunctionScope* f = from->function; f; f = f->parent) f->hasDirectEval = true;
    FunctionScope* fn = from->function;
    FunctionScope* tf = thisFunction(from);
    if (tf->node || tf->kind == FunctionKind::ClassFieldInit) {
      noteImplicit(from, kThisName);
      noteImplicit(from, kNewTargetName);
      noteImplicit(from, kHomeName);
      noteImplicit(from, kCalleeName);
      if (tf->node) noteReference(from, u"arguments", 0);
    }
    if (!fn->strict && fn->varScope && fn->varScope->kind != ScopeKind::Script) fn->varScope->extensible = true;
    // Sloppy eval in a block-free scope that is not a var scope still adds to the var scope.
  }

  // ---- statements ----

  void visitStatements(const NodeList& list, Scope* s) {
    for (const Node* n : list) visitStatement(n, s);
  }

  Scope* blockScope(const Node* node, Scope* parent, const NodeList& body) {
    Scope* s = newScope(ScopeKind::Block, parent, parent->function, node);
    declareLexicals(body, s, true);
    // Annex B: record the var binding a block function is also assigned to.
    FunctionScope* fn = parent->function;
    if (!fn->strict) {
      for (const FunctionNode* f : s->hoistedFunctions) {
        if (f->isAsync || f->isGenerator) continue;
        bool blocked = false;
        for (Scope* p = parent; p && p != fn->varScope; p = p->parent) {
          if (Binding* b = p->find(f->name->name); b && b->kind != BindingKind::Var) blocked = true;
        }
        Binding* var = fn->varScope ? fn->varScope->find(f->name->name) : nullptr;
        if (!blocked && var && (var->kind == BindingKind::Var || var->kind == BindingKind::Function))
          s->annexBVar[f] = var;
        else if (!blocked && fn->varScope && fn->varScope->kind == ScopeKind::Script)
          s->annexBVar[f] = declare(fn->varScope, f->name->name, BindingKind::Var, 0);
      }
    }
    return s;
  }

  void visitStatement(const Node* n, Scope* s) {
    if (!n || failed_) return;
    DepthGuard guard(*this);
    switch (n->kind) {
      case Kind::VarDecl: {
        for (const auto& d : n->as<VarDecl>()->declarations) {
          visitPattern(d.target, s);
          visitExpr(d.init, s);
        }
        break;
      }
      case Kind::FunctionDecl: visitFunction(n->as<FunctionDecl>()->function, s); break;
      case Kind::ClassDecl: visitClass(n->as<ClassDecl>()->cls, s); break;
      case Kind::ExprStmt: visitExpr(n->as<ExprStmt>()->expression, s); break;
      case Kind::Block: {
        auto* b = n->as<Block>();
        Scope* inner = blockScope(n, s, b->body);
        visitStatements(b->body, inner);
        break;
      }
      case Kind::If: {
        auto* i = n->as<If>();
        visitExpr(i->test, s);
        visitStatement(i->consequent, s);
        visitStatement(i->alternate, s);
        break;
      }
      case Kind::For: {
        auto* f = n->as<For>();
        Scope* head = s;
        if (f->init && f->init->kind == Kind::VarDecl && f->init->as<VarDecl>()->declKind != DeclKind::Var) {
          head = newScope(ScopeKind::Block, s, s->function, n);
          declareLexicals(NodeList{const_cast<Node*>(f->init)}, head, false);
        }
        if (f->init && f->init->kind == Kind::VarDecl) visitStatement(f->init, head);
        else visitExpr(f->init, head);
        visitExpr(f->test, head);
        visitExpr(f->update, head);
        visitStatement(f->body, head);
        break;
      }
      case Kind::ForIn:
      case Kind::ForOf: {
        const Node* left = n->kind == Kind::ForIn ? n->as<ForIn>()->left : n->as<ForOf>()->left;
        const Node* right = n->kind == Kind::ForIn ? n->as<ForIn>()->right : n->as<ForOf>()->right;
        const Node* body = n->kind == Kind::ForIn ? n->as<ForIn>()->body : n->as<ForOf>()->body;
        Scope* head = s;
        if (left->kind == Kind::VarDecl && left->as<VarDecl>()->declKind != DeclKind::Var) {
          head = newScope(ScopeKind::Block, s, s->function, n);
          declareLexicals(NodeList{const_cast<Node*>(left)}, head, false);
          for (Binding* b : head->bindings) b->initEnd = right->end;
        }
        visitExpr(right, head);
        if (left->kind == Kind::VarDecl) visitStatement(left, head);
        else visitPattern(left, head);
        visitStatement(body, head);
        break;
      }
      case Kind::While: visitExpr(n->as<While>()->test, s); visitStatement(n->as<While>()->body, s); break;
      case Kind::DoWhile: visitStatement(n->as<DoWhile>()->body, s); visitExpr(n->as<DoWhile>()->test, s); break;
      case Kind::Return: visitExpr(n->as<Return>()->argument, s); break;
      case Kind::Throw: visitExpr(n->as<Throw>()->argument, s); break;
      case Kind::Try: {
        auto* t = n->as<Try>();
        visitStatement(t->block, s);
        if (t->handler) {
          Scope* c = newScope(ScopeKind::Block, s, s->function, t->handler);
          // The catch parameter scope; the handler block gets its own scope below it.
          if (t->param) {
            std::vector<const Identifier*> names;
            boundNames(t->param, names);
            for (auto* id : names) declare(c, id->name, BindingKind::CatchParam, 0);
            visitPattern(t->param, c);
          }
          t_.scopeMap_[t] = c;  // catch parameter scope keyed by the Try node
          t_.scopeMap_.erase(t->handler);
          Scope* inner = blockScope(t->handler, c, t->handler->body);
          visitStatements(t->handler->body, inner);
        }
        visitStatement(t->finalizer, s);
        break;
      }
      case Kind::Switch: {
        auto* sw = n->as<Switch>();
        visitExpr(sw->discriminant, s);
        Scope* inner = newScope(ScopeKind::Block, s, s->function, n);
        inner->flavor = ScopeFlavor::Switch;
        NodeList all;
        for (const auto& c : sw->cases) all.insert(all.end(), c.body.begin(), c.body.end());
        Scope* tmp = blockScope(nullptr, s, all);  // reuse the Annex B logic, then move
        inner->bindings = tmp->bindings;
        inner->byName = tmp->byName;
        inner->hoistedFunctions = tmp->hoistedFunctions;
        inner->annexBVar = tmp->annexBVar;
        for (Binding* b : inner->bindings) {
          b->scope = inner;
          b->alwaysCheck = true;
        }
        tmp->bindings.clear();
        tmp->byName.clear();
        tmp->hoistedFunctions.clear();
        for (const auto& c : sw->cases) {
          visitExpr(c.test, inner);
          visitStatements(c.body, inner);
        }
        break;
      }
      case Kind::Labeled: visitStatement(n->as<Labeled>()->body, s); break;
      case Kind::With: {
        auto* w = n->as<With>();
        visitExpr(w->object, s);
        Scope* ws = newScope(ScopeKind::Block, s, s->function, n);
        ws->flavor = ScopeFlavor::With;
        s->function->hasWith = true;
        visitStatement(w->body, ws);
        break;
      }
      case Kind::ExportNamed: {
        auto* e = n->as<ExportNamed>();
        if (e->declaration) visitStatement(e->declaration, s);
        else if (!e->source)
          for (const auto& spec : e->specifiers) noteReference(s, spec.local, UINT32_MAX);
        break;
      }
      case Kind::ExportDefault: {
        auto* e = n->as<ExportDefault>();
        if (e->value->kind == Kind::Function) visitFunction(e->value->as<FunctionNode>(), s);
        else if (e->value->kind == Kind::Class) visitClass(e->value->as<ClassNode>(), s);
        else visitExpr(e->value, s);
        break;
      }
      default: break;  // Empty, Debugger, Break, Continue, Import, ExportAll
    }
  }

  // ---- patterns and expressions ----

  void visitPattern(const Node* n, Scope* s) {
    if (!n || failed_) return;
    DepthGuard guard(*this);
    switch (n->kind) {
      case Kind::Identifier: noteReference(s, n->as<Identifier>()->name, UINT32_MAX); break;
      case Kind::AssignPattern:
        visitPattern(n->as<AssignPattern>()->target, s);
        visitExpr(n->as<AssignPattern>()->defaultValue, s);
        break;
      case Kind::Rest: visitPattern(n->as<Rest>()->target, s); break;
      case Kind::ArrayPattern:
        for (auto* e : n->as<ArrayPattern>()->elements) visitPattern(e, s);
        break;
      case Kind::ObjectPattern: {
        auto* p = n->as<ObjectPattern>();
        for (const auto& prop : p->properties) {
          if (prop.computed) visitExpr(prop.key, s);
          visitPattern(prop.value, s);
        }
        visitPattern(p->rest, s);
        break;
      }
      default: visitExpr(n, s); break;  // member expression targets
    }
  }

  void visitExprs(const NodeList& list, Scope* s) {
    for (auto* e : list) visitExpr(e, s);
  }

  void visitExpr(const Node* n, Scope* s) {
    if (!n || failed_) return;
    DepthGuard guard(*this);
    switch (n->kind) {
      case Kind::Identifier: noteReference(s, n->as<Identifier>()->name, n->start); break;
      case Kind::This: noteImplicit(s, kThisName); break;
      case Kind::NewTarget: noteImplicit(s, kNewTargetName); break;
      case Kind::SuperMember: {
        auto* m = n->as<SuperMember>();
        noteImplicit(s, kThisName);
        noteImplicit(s, kHomeName);
        if (m->computed) visitExpr(m->property, s);
        break;
      }
      case Kind::SuperCall:
        noteImplicit(s, kCalleeName);
        noteImplicit(s, kNewTargetName);
        noteImplicit(s, kThisName);
        visitExprs(n->as<SuperCall>()->arguments, s);
        break;
      case Kind::TemplateLit: visitExprs(n->as<TemplateLit>()->expressions, s); break;
      case Kind::TaggedTemplate:
        visitExpr(n->as<TaggedTemplate>()->tag, s);
        visitExpr(n->as<TaggedTemplate>()->quasi, s);
        break;
      case Kind::ArrayLit: visitExprs(n->as<ArrayLit>()->elements, s); break;
      case Kind::ObjectLit:
        for (const auto& p : n->as<ObjectLit>()->properties) {
          if (p.computed) visitExpr(p.key, s);
          visitExpr(p.value, s);
        }
        break;
      case Kind::Function: visitFunction(n->as<FunctionNode>(), s); break;
      case Kind::Class: visitClass(n->as<ClassNode>(), s); break;
      case Kind::Unary: visitExpr(n->as<Unary>()->argument, s); break;
      case Kind::Update: visitPattern(n->as<Update>()->argument, s); break;
      case Kind::Binary: visitExpr(n->as<Binary>()->left, s); visitExpr(n->as<Binary>()->right, s); break;
      case Kind::Logical: visitExpr(n->as<Logical>()->left, s); visitExpr(n->as<Logical>()->right, s); break;
      case Kind::Assign: visitPattern(n->as<Assign>()->target, s); visitExpr(n->as<Assign>()->value, s); break;
      case Kind::PrivateIn:
        noteReference(s, u"#" + n->as<PrivateIn>()->name, UINT32_MAX);
        visitExpr(n->as<PrivateIn>()->right, s);
        break;
      case Kind::Conditional: {
        auto* c = n->as<Conditional>();
        visitExpr(c->test, s);
        visitExpr(c->consequent, s);
        visitExpr(c->alternate, s);
        break;
      }
      case Kind::Call: {
        auto* c = n->as<Call>();
        if (c->callee->kind == Kind::Identifier && c->callee->as<Identifier>()->name == u"eval" && !c->optional)
          noteDirectEval(s);
        visitExpr(c->callee, s);
        visitExprs(c->arguments, s);
        break;
      }
      case Kind::New: visitExpr(n->as<New>()->callee, s); visitExprs(n->as<New>()->arguments, s); break;
      case Kind::Member: {
        auto* m = n->as<Member>();
        visitExpr(m->object, s);
        if (m->isPrivate) noteReference(s, u"#" + m->property->as<Identifier>()->name, UINT32_MAX);
        else if (m->computed) visitExpr(m->property, s);
        break;
      }
      case Kind::OptionalChain: visitExpr(n->as<OptionalChain>()->expression, s); break;
      case Kind::Sequence: visitExprs(n->as<Sequence>()->expressions, s); break;
      case Kind::Spread: visitExpr(n->as<Spread>()->argument, s); break;
      case Kind::Yield: visitExpr(n->as<Yield>()->argument, s); break;
      case Kind::Await: visitExpr(n->as<Await>()->argument, s); break;
      case Kind::ImportCall: visitExpr(n->as<ImportCall>()->argument, s); break;
      case Kind::ObjectPattern:
      case Kind::ArrayPattern:
      case Kind::AssignPattern:
      case Kind::Rest: visitPattern(n, s); break;
      default: break;  // literals, ImportMeta
    }
  }

  FunctionKind mapKind(ast::FunctionKind k) {
    switch (k) {
      case ast::FunctionKind::Normal: return FunctionKind::Normal;
      case ast::FunctionKind::Arrow: return FunctionKind::Arrow;
      case ast::FunctionKind::Method: return FunctionKind::Method;
      case ast::FunctionKind::Getter: return FunctionKind::Getter;
      case ast::FunctionKind::Setter: return FunctionKind::Setter;
      case ast::FunctionKind::ClassConstructor: return FunctionKind::ClassConstructor;
      case ast::FunctionKind::DerivedConstructor: return FunctionKind::DerivedConstructor;
      case ast::FunctionKind::ClassFieldInit: return FunctionKind::ClassFieldInit;
    }
    return FunctionKind::Normal;
  }

  static bool hasParameterExpressions(const FunctionNode* f) {
    if (f->simpleParams) return false;
    // Conservative: any non-simple list gets the separate body var scope when
    // it has defaults or patterns (patterns may hold computed keys/defaults).
    for (const Node* p : f->params)
      if (p->kind != Kind::Identifier && !(p->kind == Kind::Rest && p->as<Rest>()->target->kind == Kind::Identifier))
        return true;
    return false;
  }

  FunctionScope* visitFunction(const FunctionNode* node, Scope* parent, bool classHasFields = false) {
    DepthGuard guard(*this);
    FunctionScope* fn = newFunction(parent->function, node, mapKind(node->fkind));
    fn->classHasFields = classHasFields;
    Scope* top = newScope(ScopeKind::Function, parent, fn, node);
    top->isVarScope = true;
    fn->top = fn->varScope = top;
    // Parameters.
    std::vector<const Identifier*> paramNames;
    for (const Node* p : node->params) boundNames(p, paramNames);
    bool simple = node->simpleParams;
    for (size_t i = 0; i < paramNames.size(); i++) {
      Binding* b = declare(top, paramNames[i]->name, simple ? BindingKind::Param : BindingKind::Let, 0);
      if (!simple) b->alwaysCheck = true;
    }
    if (simple) {
      for (size_t i = 0; i < node->params.size(); i++) top->find(node->params[i]->as<Identifier>()->name)->argIndex = int32_t(i);
    }
    Scope* body = top;
    if (hasParameterExpressions(node)) {
      body = newScope(ScopeKind::FunctionBody, top, fn, nullptr);
      body->isVarScope = true;
      top->isVarScope = false;
      fn->varScope = body;
    }
    std::vector<const Identifier*> vars;
    std::vector<const FunctionNode*> annexB;
    collectVars(node->body, vars, annexB, fn->strict);
    for (auto* id : vars) declare(body, id->name, BindingKind::Var, 0);
    declareTopFunctions(node->body, body);
    for (auto* f : annexB) {
      Binding* existing = body->find(f->name->name);
      bool isParam = top != body ? top->find(f->name->name) != nullptr : (existing && existing->kind == BindingKind::Param);
      if (!isParam && (!existing || existing->kind == BindingKind::Var || existing->kind == BindingKind::Function))
        declare(body, f->name->name, BindingKind::Var, 0);
    }
    declareLexicals(node->body, body, false);
    if (node->isExpression && node->name && !top->find(node->name->name) && !body->find(node->name->name))
      declare(top, node->name->name, BindingKind::FunctionName, 0);
    for (const Node* p : node->params) visitPattern(p, top);
    visitStatements(node->body, body);
    return fn;
  }

  void visitClass(const ClassNode* c, Scope* parent) {
    DepthGuard guard(*this);
    ClassInfo& info = t_.classes_.emplace_back();
    t_.classMap_[c] = &info;
    Scope* cs = newScope(ScopeKind::Class, parent, parent->function, c);
    info.scope = cs;
    if (c->name) declare(cs, c->name->name, BindingKind::ClassInner, c->end);
    bool instanceElements = false, staticElements = false;
    for (const auto& m : c->members) {
      if (m.isPrivate) {
        Binding* b = declare(cs, u"#" + m.key->as<Identifier>()->name, BindingKind::Implicit, 0);
        (void)b;
      }
      bool fieldLike = m.kind == ClassMemberKind::Field || m.kind == ClassMemberKind::StaticBlock;
      if (!m.isStatic && (m.kind == ClassMemberKind::Field || m.isPrivate)) instanceElements = true;
      if (m.isStatic && fieldLike) staticElements = true;
    }
    visitExpr(c->superClass, cs);
    visitFunction(c->constructor, cs, instanceElements);
    if (instanceElements) {
      info.instanceInit = newFunction(parent->function, nullptr, FunctionKind::ClassFieldInit);
      Scope* top = newScope(ScopeKind::Function, cs, info.instanceInit, nullptr);
      top->isVarScope = true;
      info.instanceInit->top = info.instanceInit->varScope = top;
    }
    if (staticElements) {
      info.staticInit = newFunction(parent->function, nullptr, FunctionKind::ClassFieldInit);
      Scope* top = newScope(ScopeKind::Function, cs, info.staticInit, nullptr);
      top->isVarScope = true;
      info.staticInit->top = info.staticInit->varScope = top;
    }
    info.computedFieldKeys.assign(c->members.size(), nullptr);
    uint32_t fieldIndex = 0;
    for (size_t i = 0; i < c->members.size(); i++) {
      const auto& m = c->members[i];
      if (m.computed) visitExpr(m.key, cs);
      if (m.kind == ClassMemberKind::Field) {
        if (m.computed) {
          Binding* b = declare(cs, u"%field" + toU16(fieldIndex++), BindingKind::Implicit, 0);
          b->captured = true;
          info.computedFieldKeys[i] = b;
        }
        FunctionScope* init = m.isStatic ? info.staticInit : info.instanceInit;
        if (m.isPrivate) noteReferenceFrom(init->top, u"#" + m.key->as<Identifier>()->name);
        if (m.value) visitExpr(m.value, init->top);
      } else if (m.kind == ClassMemberKind::StaticBlock) {
        visitFunction(m.value->as<FunctionNode>(), info.staticInit->top);
      } else {
        if (m.isPrivate && !m.isStatic && info.instanceInit)
          noteReferenceFrom(info.instanceInit->top, u"#" + m.key->as<Identifier>()->name);
        visitFunction(m.value->as<FunctionNode>(), cs);
      }
    }
  }

  void noteReferenceFrom(Scope* s, const std::u16string& name) { noteReference(s, name, UINT32_MAX); }

  static std::u16string toU16(uint32_t v) {
    std::u16string out;
    for (char ch : std::to_string(v)) out += char16_t(ch);
    return out;
  }

  // ---- slot assignment ----

  void assignSlots() {
    for (FunctionScope& f : t_.functions_) {
      uint32_t locals = 0;
      for (Scope* s : f.scopes) {
        uint32_t slots = 0;
        bool isScript = s->kind == ScopeKind::Script;
        for (Binding* b : s->bindings) {
          if (isScript) { b->location = Location::Global; continue; }
          if (b->kind == BindingKind::Import) {
            b->location = Location::Import;
            // Imports keep a (never read) slot so the descriptor lists them by name.
            b->index = slots++;
            continue;
          }
          if (s->forceEnv || b->captured) {
            b->captured = true;
            b->location = Location::Env;
            b->index = slots++;
          } else if (b->kind == BindingKind::Implicit && b->name[0] == u'%' && b->name.rfind(u"%field", 0) != 0) {
            b->location = Location::Unassigned;  // read from the frame (LoadThis...)
          } else if (b->argIndex >= 0) {
            b->location = Location::Arg;
            b->index = uint32_t(b->argIndex);
          } else {
            b->location = Location::Local;
            b->index = locals++;
          }
        }
        s->envSlots = slots;
        s->hasEnv = !isScript && (slots > 0 || s->extensible || s->kind == ScopeKind::Module);
        if (s->hasEnv && s != f.top) f.hasInnerEnvs = true;
        if (s->flavor == ScopeFlavor::With) {
          s->hasEnv = true;
          f.hasInnerEnvs = true;
        }
      }
      f.localCount = locals;
      if (locals > 65535) fail("function has too many local variables");
    }
  }
};

bool ScopeTree::analyze(const Program& program, FunctionKind topKind, bool strict, std::string* error) {
  Analyzer a(*this, error);
  return a.run(program, topKind, strict);
}

}  // namespace kiln::scope
