// Code generation: walks the AST a second time with the scope tree built by
// engine/scope.cpp and emits the stack bytecode of opcodes.def.
//
// Conventions kept throughout, because the unwinding logic depends on them:
//  - statements start and end at operand stack depth 0 (iterators, switch
//    discriminants, finally state live in temporary locals, never on the
//    operand stack), so break/continue/return never pop operands;
//  - every environment pushed inside a function is recorded on the control
//    stack (EnvScope), so jumps out of it emit the PopEnvs they cross;
//  - try regions save the current environment when the function pushes
//    inner environments, and handlers restore it.
#include "engine/compiler.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <fmt/format.h>

#include "engine/compiler_const_fold.h"
#include <unordered_map>

#include "engine/number_conv.h"
#include "engine/scope.h"

namespace kiln {
namespace {

using ast::Node;
using ast::Kind;
using ast::NodeList;
using ast::Program;
using namespace ast;
using FunctionKind = kiln::FunctionKind;
using scope::Binding;
using scope::FunctionScope;
using scope::Location;
using scope::Resolution;
using scope::Scope;
using scope::ScopeTree;

std::u16string ascii16(std::string_view s) { return std::u16string(s.begin(), s.end()); }

struct Label {
  int64_t pos = -1;
  std::vector<uint32_t> patches;  // instruction starts of jumps to this label
  int32_t depth = -1;
};

struct Shared {
  ScopeTree tree;
  const SourceFile* source = nullptr;
  std::string* error = nullptr;
  bool failed = false;
  uint32_t depth = 0;
  const EvalContext* eval = nullptr;
  // -O1: fold constant expressions, leave out code that cannot run.
  bool optimize = true;
  void fail(const std::string& msg) {
    if (!failed && error) *error = msg;
    failed = true;
  }
};

enum class ControlKind : uint8_t { Loop, Breakable, Finally, EnvScope };
struct Action {
  enum Kind : uint8_t { Break, Continue, Return } kind;
  size_t target;  // control stack index (Break/Continue)
};
struct Control {
  ControlKind kind;
  std::vector<std::u16string> labels;
  Label* breakLabel = nullptr;
  Label* continueLabel = nullptr;
  bool isLoop = false;  // unlabeled break/continue target
  bool isSwitch = false;
  // for-of iterator closed when a jump leaves the loop
  bool closesIterator = false, asyncIterator = false;
  uint16_t iterLocal = 0;
  // finally
  uint16_t kindLocal = 0, valueLocal = 0;
  Label* finallyEntry = nullptr;
  std::vector<Action> actions;
};

class FunctionCompiler {
 public:
  FunctionCompiler(Shared& shared, FunctionScope* fs, CompiledFunction& out) : sh_(shared), fs_(fs), out_(out) {
    nextLocal_ = fs->localCount;
  }

  // ---- entry points ----

  void compileFunction(const FunctionNode* node, const std::u16string& inferredName);
  void compileScript(const Program& p);
  void compileModule(const Program& p);
  void compileEval(const Program& p);
  void compileFieldInit(const ClassNode* cls, bool isStatic);

 private:
  Shared& sh_;
  FunctionScope* fs_;
  CompiledFunction& out_;
  Scope* scope_ = nullptr;
  uint32_t nextLocal_ = 0;
  std::vector<uint16_t> freeTemps_;
  int32_t depth_ = 0;
  uint32_t pos_ = 0;
  std::deque<Label> labels_;
  std::vector<Control> control_;
  std::vector<std::u16string> pendingLabels_;
  std::unordered_map<std::u16string, uint32_t> strings_;
  std::unordered_map<uint64_t, uint32_t> numbers_;
  int32_t completion_ = -1;    // script/eval completion value local
  struct OptionalCtx { Label* nullish; int32_t baseDepth; };
  std::vector<OptionalCtx> optional_;
  const ClassNode* fieldClass_ = nullptr;

  // ---- emission ----

  bool failed() const { return sh_.failed; }
  uint32_t pc() const { return uint32_t(out_.code.size()); }

  void put8(uint8_t v) { out_.code.push_back(v); }
  void put16(uint16_t v) { put8(uint8_t(v)); put8(uint8_t(v >> 8)); }
  void put32(uint32_t v) { put16(uint16_t(v)); put16(uint16_t(v >> 16)); }

  void adjust(int32_t delta) {
    depth_ += delta;
    if (depth_ < 0) depth_ = 0;  // unreachable code after a jump
    if (uint32_t(depth_) > out_.maxStackDepth) out_.maxStackDepth = uint32_t(depth_);
  }

  void noteLine() {
    auto& lt = out_.lineTable;
    if (!lt.empty() && lt.back().sourceOffset == pos_) return;
    if (!lt.empty() && lt.back().pc == pc()) {
      lt.back().sourceOffset = pos_;
      return;
    }
    lt.push_back({pc(), pos_});
  }

  void emit(Op op, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0) {
    noteLine();
    const OpInfo& info = opInfo(op);
    put8(uint8_t(op));
    switch (info.layout) {
      case OperandLayout::None: break;
      case OperandLayout::U8: put8(uint8_t(a)); break;
      case OperandLayout::U16: put16(uint16_t(a)); break;
      case OperandLayout::U32:
      case OperandLayout::I32: put32(a); break;
      case OperandLayout::U16_U8: put16(uint16_t(a)); put8(uint8_t(b)); break;
      case OperandLayout::U16_U16: put16(uint16_t(a)); put16(uint16_t(b)); break;
      case OperandLayout::U16_U32: put16(uint16_t(a)); put32(b); break;
      case OperandLayout::U32_U32: put32(a); put32(b); break;
      case OperandLayout::U16_U16_U32: put16(uint16_t(a)); put16(uint16_t(b)); put32(c); break;
    }
    if (info.pops >= 0 && info.pushes >= 0) adjust(info.pushes - info.pops);
  }
  // Variable stack effect ops.
  void emitN(Op op, uint32_t a, int32_t delta, uint32_t b = 0) {
    emit(op, a, b);
    adjust(delta);
  }

  Label* newLabel() { return &labels_.emplace_back(); }
  void jump(Op op, Label* l) {
    uint32_t at = pc();
    emit(op, 0);
    if (l->pos >= 0) {
      int32_t off = int32_t(l->pos - int64_t(at));
      std::memcpy(&out_.code[at + 1], &off, 4);
    } else {
      l->patches.push_back(at);
    }
    if (l->depth < 0) l->depth = depth_;
  }
  void bind(Label* l) {
    l->pos = pc();
    for (uint32_t at : l->patches) {
      int32_t off = int32_t(l->pos - int64_t(at));
      uint8_t* p = &out_.code[at + 1];
      p[0] = uint8_t(off); p[1] = uint8_t(off >> 8); p[2] = uint8_t(off >> 16); p[3] = uint8_t(off >> 24);
    }
    l->patches.clear();
    if (l->depth >= 0) depth_ = l->depth;
    else l->depth = depth_;
  }

  uint32_t addConstant(Constant c) {
    out_.constants.push_back(std::move(c));
    if (out_.constants.size() > UINT32_MAX - 1) sh_.fail("too many constants");
    return uint32_t(out_.constants.size() - 1);
  }
  uint32_t str(const std::u16string& s) {
    auto it = strings_.find(s);
    if (it != strings_.end()) return it->second;
    uint32_t i = addConstant(s);
    strings_[s] = i;
    return i;
  }
  uint32_t num(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    auto it = numbers_.find(bits);
    if (it != numbers_.end()) return it->second;
    uint32_t i = addConstant(d);
    numbers_[bits] = i;
    return i;
  }
  uint32_t ic() { return out_.icCount++; }

  uint16_t temp() {
    if (!freeTemps_.empty()) {
      uint16_t t = freeTemps_.back();
      freeTemps_.pop_back();
      return t;
    }
    if (nextLocal_ >= 65535) {
      sh_.fail("function has too many local variables");
      return 0;
    }
    return uint16_t(nextLocal_++);
  }
  void release(uint16_t t) { freeTemps_.push_back(t); }

  void pushNumber(double d) {
    if (d >= INT32_MIN && d <= INT32_MAX && double(int32_t(d)) == d && !(d == 0 && std::signbit(d)))
      emit(Op::Int32, uint32_t(int32_t(d)));
    else
      emit(Op::Number, num(d));
  }

  // ---- handlers ----

  struct Region { uint32_t start; int32_t depth; };
  Region beginRegion() { return {pc(), depth_}; }
  void endRegion(const Region& r, Label* handler) {
    // The handler pc is patched when the label is bound: record with a fixup.
    out_.handlers.push_back({r.start, pc(), 0, uint32_t(r.depth)});
    handlerFixups_.push_back({out_.handlers.size() - 1, handler});
  }
  struct HandlerFixup { size_t index; Label* label; };
  std::vector<HandlerFixup> handlerFixups_;
  void finishHandlers() {
    for (auto& f : handlerFixups_) out_.handlers[f.index].handlerPc = uint32_t(f.label->pos);
    // Drop empty regions.
    std::vector<ExceptionHandler> kept;
    for (auto& h : out_.handlers)
      if (h.endPc > h.startPc) kept.push_back(h);
    out_.handlers = std::move(kept);
  }
  // Saves the current environment for a handler when this function pushes
  // environments below its top scope; returns the local or -1.
  int32_t saveEnv() {
    if (!(fs_->hasInnerEnvs || fs_->hasWith)) return -1;
    uint16_t t = temp();
    emit(Op::SaveEnv, t);
    return t;
  }
  // Binds a handler label: the exception is on the stack above `depth`.
  void bindHandler(Label* l, int32_t depth, int32_t envLocal = -1) {
    l->depth = depth + 1;
    bind(l);
    if (envLocal >= 0) emit(Op::RestoreEnv, uint32_t(envLocal));
  }
  void releaseEnv(int32_t envLocal) {
    if (envLocal >= 0) release(uint16_t(envLocal));
  }

  // ---- depth guard ----
  struct DepthGuard {
    Shared& s;
    explicit DepthGuard(Shared& sh) : s(sh) {
      if (++s.depth > kMaxCompileDepth) s.fail("program too deeply nested to compile");
    }
    ~DepthGuard() { s.depth--; }
  };

  // ---- scopes ----

  uint32_t scopeConstant(Scope* s) {
    ScopeDescriptor d;
    d.kind = s->kind;
    d.extensible = s->extensible;
    d.isVarScope = s->isVarScope;
    d.strict = fs_->strict;
    d.bindings.resize(s->envSlots);
    for (Binding* b : s->bindings)
      if (b->location == Location::Env || b->location == Location::Import) d.bindings[b->index] = {b->name, b->kind};
    return addConstant(std::move(d));
  }

  // Enters a block-like scope: pushes its env, clears TDZ locals, hoists functions.
  void enterScope(Scope* s) {
    scope_ = s;
    if (s->hasEnv && s->flavor != scope::ScopeFlavor::With) {
      emit(Op::PushEnv, scopeConstant(s));
      control_.push_back({ControlKind::EnvScope});
    }
    for (Binding* b : s->bindings)
      if (b->location == Location::Local && bindingStartsAsHole(b->kind) && b->hasCheckedRef) emit(Op::ClearLocal, b->index);
    for (const FunctionNode* f : s->hoistedFunctions) {
      emit(Op::Closure, compileChild(f, f->name ? f->name->name : u"default"));
      storeBinding(s->find(f->name ? f->name->name : u"*default*"), true);
    }
  }
  void leaveScope(Scope* s, Scope* parent) {
    if (s->hasEnv && s->flavor != scope::ScopeFlavor::With) {
      emit(Op::PopEnv);
      control_.pop_back();
    }
    scope_ = parent;
  }

  // Stores the stack top into a binding of the current function (initialization).
  void storeBinding(Binding* b, bool init) {
    Resolution r = sh_.tree.resolve(scope_, b->name, UINT32_MAX);
    storeResolved(r, b->name, init);
  }

  // ---- names ----

  std::u16string displayName(const std::u16string& n) {
    if (n == scope::kThisName) return u"this";
    return n;
  }

  void loadFrameImplicit(const std::u16string& name) {
    if (name == scope::kThisName) emit(Op::LoadThis);
    else if (name == scope::kNewTargetName) emit(Op::LoadNewTarget);
    else if (name == scope::kHomeName) emit(Op::LoadHomeObject);
    else if (name == scope::kCalleeName) emit(Op::LoadCallee);
    else emit(Op::Undefined);
  }

  bool isModuleTop() const {
    const FunctionScope* f = fs_;
    while (f->parent) f = f->parent;
    return f->kind == FunctionKind::Module;
  }

  // Name lookup through an eval's runtime chain (names that escaped the eval code).
  bool loadFromChain(const std::u16string& name, uint32_t baseDepth) {
    if (!sh_.eval) return false;
    uint32_t depth = baseDepth;
    for (const ScopeDescriptor* d : sh_.eval->chain) {
      if (!d) return false;  // object environment: only a run-time lookup is right
      for (size_t i = 0; i < d->bindings.size(); i++) {
        if (d->bindings[i].name == name) {
          if (bindingStartsAsHole(d->bindings[i].kind))
            emit(Op::GetEnvChecked, depth, uint32_t(i), str(displayName(name)));
          else
            emit(Op::GetEnv, depth, uint32_t(i));
          return true;
        }
      }
      depth++;
    }
    return false;
  }

  void loadImplicitFallback(const std::u16string& name) {
    if (name == scope::kThisName) {
      bool module = isModuleTop();
      if (sh_.eval)
        for (const ScopeDescriptor* d : sh_.eval->chain)
          if (d && d->kind == ScopeKind::Module) module = true;
      if (module) emit(Op::Undefined);
      else emit(Op::LoadGlobalThis);
    } else {
      emit(Op::Undefined);
    }
  }

  void loadName(const std::u16string& name, uint32_t position) {
    Resolution r = sh_.tree.resolve(scope_, name, position);
    bool implicit = !name.empty() && (name[0] == u'%');
    switch (r.kind) {
      case Resolution::Local:
        if (r.binding->location == Location::Unassigned) loadFrameImplicit(name);
        else if (r.needsTdzCheck) emit(Op::GetLocalChecked, r.binding->index, str(displayName(name)));
        else emit(Op::GetLocal, r.binding->index);
        break;
      case Resolution::Arg: emit(Op::GetArg, r.binding->index); break;
      case Resolution::Env:
        if (r.needsTdzCheck) emit(Op::GetEnvChecked, r.depth, r.binding->index, str(displayName(name)));
        else emit(Op::GetEnv, r.depth, r.binding->index);
        break;
      case Resolution::Global:
        if (implicit) loadImplicitFallback(name);
        else emit(Op::GetGlobal, str(name), ic());
        break;
      case Resolution::Dynamic:
        if (implicit && !r.binding) loadImplicitFallback(name);
        else emit(Op::GetName, str(name));
        break;
      case Resolution::Import: emit(Op::GetImport, r.binding->importIndex); break;
      case Resolution::Escaped:
        if ((implicit || name[0] == u'#') && loadFromChain(name, r.depth)) break;
        if (implicit) loadImplicitFallback(name);
        else emit(Op::GetName, str(name));
        break;
    }
  }

  void typeofName(const std::u16string& name, uint32_t position) {
    Resolution r = sh_.tree.resolve(scope_, name, position);
    if (r.kind == Resolution::Global) {
      emit(Op::TypeofGlobal, str(name), ic());
    } else if (r.kind == Resolution::Dynamic || r.kind == Resolution::Escaped) {
      emit(Op::TypeofName, str(name));
    } else {
      loadName(name, position);
      emit(Op::Typeof);
    }
  }

  // Value on the stack is consumed.
  void storeResolved(const Resolution& r, const std::u16string& name, bool init) {
    Binding* b = r.binding;
    if (!init && b && r.kind != Resolution::Dynamic) {
      bool isConst = b->kind == BindingKind::Const || b->kind == BindingKind::ClassInner ||
                     b->kind == BindingKind::Import;
      if (b->kind == BindingKind::FunctionName) {
        emit(Op::Pop);
        if (fs_->strict) emit(Op::ThrowConstAssign, str(name));
        return;
      }
      if (isConst) {
        if (r.needsTdzCheck) {
          loadName(name, 0);
          emit(Op::Pop);
        }
        emit(Op::Pop);
        emit(Op::ThrowConstAssign, str(name));
        return;
      }
    }
    switch (r.kind) {
      case Resolution::Local:
        if (!init && r.needsTdzCheck) emit(Op::SetLocalChecked, b->index, str(displayName(name)));
        else emit(Op::SetLocal, b->index);
        break;
      case Resolution::Arg: emit(Op::SetArg, b->index); break;
      case Resolution::Env:
        if (!init && r.needsTdzCheck) emit(Op::SetEnvChecked, r.depth, b->index, str(displayName(name)));
        else emit(Op::SetEnv, r.depth, b->index);
        break;
      case Resolution::Global:
        if (init && b && (b->kind == BindingKind::Let || b->kind == BindingKind::Const || b->kind == BindingKind::Class))
          emit(Op::InitGlobalLexical, str(name));
        else
          emit(Op::SetGlobal, str(name), ic());
        break;
      case Resolution::Dynamic:
      case Resolution::Escaped: emit(Op::SetName, str(name)); break;
      case Resolution::Import:
        emit(Op::Pop);
        emit(Op::ThrowConstAssign, str(name));
        break;
    }
  }

  void storeName(const std::u16string& name, uint32_t position, bool init) {
    storeResolved(sh_.tree.resolve(scope_, name, position), name, init);
  }

  // ---- children ----

  uint32_t compileChild(const FunctionNode* f, const std::u16string& name) {
    FunctionScope* cfs = sh_.tree.functionFor(f);
    CompiledFunction child;
    if (cfs && !failed()) {
      DepthGuard g(sh_);
      FunctionCompiler fc(sh_, cfs, child);
      fc.compileFunction(f, name);
    }
    out_.children.push_back(std::move(child));
    return uint32_t(out_.children.size() - 1);
  }

  static bool isAnonymousFunctionDefinition(const Node* n) {
    if (!n) return false;
    if (n->kind == Kind::Function) return n->as<FunctionNode>()->name == nullptr;
    if (n->kind == Kind::Class) return n->as<ClassNode>()->name == nullptr;
    return false;
  }

  static std::u16string keyName(const Node* key) {
    switch (key->kind) {
      case Kind::Identifier: return key->as<Identifier>()->name;
      case Kind::StringLit: return key->as<StringLit>()->value;
      case Kind::NumberLit: return ascii16(numberToString(key->as<NumberLit>()->value));
      case Kind::BigIntLit: return ascii16(key->as<BigIntLit>()->digits);
      default: return u"";
    }
  }

  // Pushes a property key: a String constant for static keys, else the
  // evaluated key converted with ToPropertyKey.
  void pushKey(const Node* key, bool computed) {
    if (computed) {
      compileExpr(key);
      emit(Op::ToPropertyKey);
    } else {
      emit(Op::String, str(keyName(key)));
    }
  }

  // ---- control flow helpers ----

  void emitFunctionReturn() {
    // value on the stack
    if (fs_->kind == FunctionKind::DerivedConstructor) {
      Resolution r = sh_.tree.resolve(scope_, scope::kThisName, UINT32_MAX);
      if (r.kind == Resolution::Env) emit(Op::GetEnv, r.depth, r.binding->index);
      else emit(Op::LoadThisRaw);
      emit(Op::DerivedReturn);
    } else if (fs_->isAsync && !fs_->isGenerator) {
      emit(Op::AsyncFunctionResolve);
    } else if (fs_->kind == FunctionKind::Module && out_.module && out_.module->hasTopLevelAwait) {
      emit(Op::AsyncFunctionResolve);
    } else {
      emit(Op::Return);
    }
  }

  void closeIteratorNormal(const Control& c) {
    // The local is cleared first so the loop's throw handler does not close twice.
    emit(Op::GetLocal, c.iterLocal);
    emit(Op::Undefined);
    emit(Op::SetLocal, c.iterLocal);
    if (c.asyncIterator) asyncIteratorClose(/*throwCompletion=*/false);
    else emit(Op::IteratorClose, 0);
  }

  // iter on the stack -> nothing
  void asyncIteratorClose(bool throwCompletion) {
    Label* skip = newLabel();
    Label* done = newLabel();
    emit(Op::GetMethodOrUndefined, str(u"return"));  // f iter
    emit(Op::Swap);                                  // iter f
    jump(Op::JumpIfNullishPeek, skip);
    emit(Op::Swap);                                  // f iter
    emitN(Op::Call, 0, -1);
    emit(Op::Await);
    if (!throwCompletion) emit(Op::ThrowIfNotObject, str(u"iterator result is not an object"));
    emit(Op::Pop);
    jump(Op::Jump, done);
    bind(skip);
    emit(Op::Pop);
    emit(Op::Pop);
    bind(done);
  }

  // Emits the unwinding for a jump from the current position (control stack
  // indices >= `from` are inside it) to the action's target.
  void emitAction(const Action& a, size_t from) {
    for (size_t i = from; i-- > 0;) {
      Control& c = control_[i];
      if ((a.kind == Action::Break || a.kind == Action::Continue) && i == a.target) {
        if (a.kind == Action::Break) {
          if (c.closesIterator) closeIteratorNormal(c);
          jump(Op::Jump, c.breakLabel);
        } else {
          jump(Op::Jump, c.continueLabel);
        }
        return;
      }
      switch (c.kind) {
        case ControlKind::EnvScope:
          if (a.kind != Action::Return) emit(Op::PopEnv);
          break;
        case ControlKind::Loop:
          if (c.closesIterator) closeIteratorNormal(c);
          break;
        case ControlKind::Breakable: break;
        case ControlKind::Finally: {
          if (a.kind == Action::Return) emit(Op::SetLocal, c.valueLocal);
          uint32_t k = uint32_t(c.actions.size()) + 2;
          c.actions.push_back(a);
          emit(Op::Int32, k);
          emit(Op::SetLocal, c.kindLocal);
          jump(Op::Jump, c.finallyEntry);
          return;
        }
      }
    }
    if (a.kind == Action::Return) emitFunctionReturn();
  }

  void emitReturnValue() {
    // value on the stack: async generators await the operand of return
    if (fs_->isAsync && fs_->isGenerator) emit(Op::Await);
    emitAction({Action::Return, 0}, control_.size());
  }

  size_t findTarget(const std::u16string& label, bool isContinue) {
    for (size_t i = control_.size(); i-- > 0;) {
      const Control& c = control_[i];
      if (label.empty()) {
        if (isContinue ? c.isLoop : (c.isLoop || c.isSwitch)) return i;
      } else {
        for (const auto& l : c.labels)
          if (l == label && (!isContinue || c.isLoop)) return i;
      }
    }
    return SIZE_MAX;
  }

  std::vector<std::u16string> takeLabels() {
    std::vector<std::u16string> l;
    l.swap(pendingLabels_);
    return l;
  }

  void setCompletionUndefined() {
    if (completion_ >= 0) {
      emit(Op::Undefined);
      emit(Op::SetLocal, uint32_t(completion_));
    }
  }

  // ---- statements ----

  void compileStatements(const NodeList& list) {
    for (const Node* n : list) {
      compileStatement(n);
      // What follows an unconditional jump in the same list cannot run (its
      // declarations are hoisted by scope analysis, which saw them).
      if (sh_.optimize && (n->kind == Kind::Return || n->kind == Kind::Throw || n->kind == Kind::Break ||
                           n->kind == Kind::Continue))
        break;
    }
  }

  void pushConstant(const FoldedValue& c) {
    switch (c.kind) {
      case FoldedValue::Number: pushNumber(c.number); break;
      case FoldedValue::String: emit(Op::String, str(c.string)); break;
      case FoldedValue::Boolean: emit(c.boolean ? Op::True : Op::False); break;
      case FoldedValue::Null: emit(Op::Null); break;
      case FoldedValue::Undefined: emit(Op::Undefined); break;
    }
  }

  void compileStatement(const Node* n);
  void compileVarDecl(const VarDecl* d);
  void compileFor(const For* f);
  void compileForInOf(const Node* n);
  void compileTry(const Try* t);
  void compileSwitch(const Switch* s);
  void compileLoopBody(const Node* body, Label* brk, Label* cont, bool closesIter = false, uint16_t iter = 0,
                       bool asyncIter = false);

  // ---- expressions ----

  void compileExpr(const Node* n, const std::u16string* inferredName = nullptr);
  void compileNamed(const Node* n, const std::u16string& name) {
    if (isAnonymousFunctionDefinition(n)) compileExpr(n, &name);
    else compileExpr(n);
  }
  void compileCall(const Call* c);
  void compileArguments(const NodeList& args, bool* spread);
  void compileSpreadInto();
  void compileAssign(const Assign* a);
  void compileUpdate(const Update* u);
  void compileUnary(const Unary* u);
  void compileMember(const Member* m);
  void compileObject(const ObjectLit* o);
  void compileArray(const ArrayLit* a);
  void compileTemplate(const TemplateLit* t);
  void compileTagged(const TaggedTemplate* t);
  void compileClass(const ClassNode* c, const std::u16string* inferredName);
  void compileYield(const Yield* y);
  void compileYieldDelegate(const Yield* y);
  void compileSuperCall(const SuperCall* s);
  void pushSuperBase();  // this home
  void afterSuperCall();

  // Assignment targets: prepare pushes the reference parts, store consumes
  // them plus the value.
  int prepareTarget(const Node* target);
  void storeTarget(const Node* target, bool init, bool keepValue);
  void bindPattern(const Node* pattern, bool init);  // value on stack -> consumed
  void destructureObject(const ObjectPattern* p, bool init);
  void destructureArray(const ArrayPattern* p, bool init);

  void loadPrivateName(const std::u16string& name) { loadName(u"#" + name, UINT32_MAX); }

  // Function prologue helpers.
  void emitPrologue(const FunctionNode* node);
  void storeImplicitIfCaptured(const std::u16string& name, Op load);
  void finishFunction();
};

// ============================================================================
// statements
// ============================================================================

void FunctionCompiler::compileStatement(const Node* n) {
  if (!n || failed()) return;
  DepthGuard guard(sh_);
  pos_ = n->start;
  switch (n->kind) {
    case Kind::Empty: break;
    case Kind::Debugger: emit(Op::Debugger); break;
    case Kind::VarDecl: compileVarDecl(n->as<VarDecl>()); break;
    case Kind::FunctionDecl: {
      // Instantiated at scope entry; Annex B copies the block binding to the var.
      const FunctionNode* f = n->as<FunctionDecl>()->function;
      auto it = scope_->annexBVar.find(f);
      if (it != scope_->annexBVar.end()) {
        loadName(f->name->name, UINT32_MAX);
        // Resolve past the block binding (nothing lexical lies between, see the analyzer).
        Resolution r = sh_.tree.resolve(scope_->parent, f->name->name, UINT32_MAX);
        if (r.kind == Resolution::Env && scope_->hasEnv) r.depth++;
        storeResolved(r, f->name->name, true);
      }
      break;
    }
    case Kind::ClassDecl: {
      const ClassNode* c = n->as<ClassDecl>()->cls;
      compileClass(c, nullptr);
      storeName(c->name->name, UINT32_MAX, true);
      break;
    }
    case Kind::ExprStmt:
      compileExpr(n->as<ExprStmt>()->expression);
      if (completion_ >= 0) emit(Op::SetLocal, uint32_t(completion_));
      else emit(Op::Pop);
      break;
    case Kind::Block: {
      auto labels = takeLabels();
      Label* brk = nullptr;
      if (!labels.empty()) {
        brk = newLabel();
        Control c{ControlKind::Breakable};
        c.labels = labels;
        c.breakLabel = brk;
        control_.push_back(c);
      }
      Scope* parent = scope_;
      Scope* s = sh_.tree.scopeFor(n);
      enterScope(s);
      compileStatements(n->as<Block>()->body);
      leaveScope(s, parent);
      if (brk) {
        control_.pop_back();
        bind(brk);
      }
      break;
    }
    case Kind::If: {
      auto* i = n->as<If>();
      auto labels = takeLabels();
      Label* brk = newLabel();
      if (!labels.empty()) {
        Control c{ControlKind::Breakable};
        c.labels = labels;
        c.breakLabel = brk;
        control_.push_back(c);
      }
      setCompletionUndefined();
      if (std::optional<bool> known = sh_.optimize ? foldTruthiness(i->test) : std::nullopt) {
        // A constant test: only the branch that runs is compiled.
        const Node* taken = *known ? i->consequent : i->alternate;
        if (taken) compileStatement(taken);
        if (!labels.empty()) control_.pop_back();
        bind(brk);
        break;
      }
      Label* elseL = newLabel();
      compileExpr(i->test);
      jump(Op::JumpIfFalse, elseL);
      compileStatement(i->consequent);
      if (i->alternate) {
        Label* end = newLabel();
        jump(Op::Jump, end);
        bind(elseL);
        compileStatement(i->alternate);
        bind(end);
      } else {
        bind(elseL);
      }
      if (!labels.empty()) control_.pop_back();
      bind(brk);
      break;
    }
    case Kind::While: {
      auto* w = n->as<While>();
      setCompletionUndefined();
      Label* top = newLabel();
      Label* brk = newLabel();
      bind(top);
      compileExpr(w->test);
      jump(Op::JumpIfFalse, brk);
      compileLoopBody(w->body, brk, top);
      jump(Op::Jump, top);
      bind(brk);
      break;
    }
    case Kind::DoWhile: {
      auto* d = n->as<DoWhile>();
      setCompletionUndefined();
      Label* top = newLabel();
      Label* cont = newLabel();
      Label* brk = newLabel();
      bind(top);
      compileLoopBody(d->body, brk, cont);
      bind(cont);
      compileExpr(d->test);
      jump(Op::JumpIfTrue, top);
      bind(brk);
      break;
    }
    case Kind::For: setCompletionUndefined(); compileFor(n->as<For>()); break;
    case Kind::ForIn:
    case Kind::ForOf: setCompletionUndefined(); compileForInOf(n); break;
    case Kind::Return: {
      auto* r = n->as<Return>();
      if (r->argument) compileExpr(r->argument);
      else emit(Op::Undefined);
      emitReturnValue();
      break;
    }
    case Kind::Break:
    case Kind::Continue: {
      bool isContinue = n->kind == Kind::Continue;
      const std::u16string& label = isContinue ? n->as<Continue>()->label : n->as<Break>()->label;
      size_t target = findTarget(label, isContinue);
      if (target == SIZE_MAX) {
        sh_.fail("internal: unresolved break/continue target");
        return;
      }
      emitAction({isContinue ? Action::Continue : Action::Break, target}, control_.size());
      break;
    }
    case Kind::Throw:
      compileExpr(n->as<Throw>()->argument);
      pos_ = n->start;
      emit(Op::Throw);
      break;
    case Kind::Try: setCompletionUndefined(); compileTry(n->as<Try>()); break;
    case Kind::Switch: setCompletionUndefined(); compileSwitch(n->as<Switch>()); break;
    case Kind::Labeled: {
      auto* l = n->as<Labeled>();
      pendingLabels_.push_back(l->label);
      Kind bk = l->body->kind;
      bool labelsLoop = bk == Kind::For || bk == Kind::ForIn || bk == Kind::ForOf || bk == Kind::While ||
                        bk == Kind::DoWhile || bk == Kind::Labeled || bk == Kind::Block || bk == Kind::If ||
                        bk == Kind::Switch || bk == Kind::Try;
      if (!labelsLoop) {
        // A labeled simple statement: `break L` may still leave it.
        auto labels = takeLabels();
        Label* brk = newLabel();
        Control c{ControlKind::Breakable};
        c.labels = labels;
        c.breakLabel = brk;
        control_.push_back(c);
        compileStatement(l->body);
        control_.pop_back();
        bind(brk);
      } else {
        compileStatement(l->body);
      }
      break;
    }
    case Kind::With: {
      auto* w = n->as<With>();
      auto labels = takeLabels();
      setCompletionUndefined();
      compileExpr(w->object);
      emit(Op::PushWithEnv);
      Scope* parent = scope_;
      scope_ = sh_.tree.scopeFor(n);
      control_.push_back({ControlKind::EnvScope});
      Label* brk = nullptr;
      if (!labels.empty()) {
        brk = newLabel();
        Control c{ControlKind::Breakable};
        c.labels = labels;
        c.breakLabel = brk;
        control_.push_back(c);
      }
      compileStatement(w->body);
      if (brk) {
        control_.pop_back();
        bind(brk);
      }
      control_.pop_back();
      emit(Op::PopEnv);
      scope_ = parent;
      break;
    }
    case Kind::Import:
    case Kind::ExportAll: break;
    case Kind::ExportNamed: {
      auto* e = n->as<ExportNamed>();
      if (e->declaration) compileStatement(e->declaration);
      break;
    }
    case Kind::ExportDefault: {
      auto* e = n->as<ExportDefault>();
      if (e->value->kind == Kind::Function && e->isDeclaration) break;  // hoisted
      if (e->value->kind == Kind::Class && e->isDeclaration) {
        const ClassNode* c = e->value->as<ClassNode>();
        std::u16string dflt = u"default";
        compileClass(c, c->name ? nullptr : &dflt);
        storeName(c->name ? c->name->name : u"*default*", UINT32_MAX, true);
        break;
      }
      compileNamed(e->value, u"default");
      storeName(u"*default*", UINT32_MAX, true);
      break;
    }
    default:
      sh_.fail(fmt::format("internal: unexpected statement kind {}", int(n->kind)));
      break;
  }
}

void FunctionCompiler::compileVarDecl(const VarDecl* d) {
  bool lexical = d->declKind != DeclKind::Var;
  for (const auto& dec : d->declarations) {
    pos_ = dec.target->start;
    if (!dec.init) {
      if (lexical) {
        emit(Op::Undefined);
        bindPattern(dec.target, true);
      }
      continue;
    }
    if (dec.target->kind == Kind::Identifier) compileNamed(dec.init, dec.target->as<Identifier>()->name);
    else compileExpr(dec.init);
    // `var x = v` is a PutValue on the resolved binding (it may be a with object's property).
    bindPattern(dec.target, lexical);
  }
}

void FunctionCompiler::compileLoopBody(const Node* body, Label* brk, Label* cont, bool closesIter, uint16_t iter,
                                       bool asyncIter) {
  Control c{ControlKind::Loop};
  c.labels = takeLabels();
  c.breakLabel = brk;
  c.continueLabel = cont;
  c.isLoop = true;
  c.closesIterator = closesIter;
  c.iterLocal = iter;
  c.asyncIterator = asyncIter;
  control_.push_back(c);
  compileStatement(body);
  control_.pop_back();
}

void FunctionCompiler::compileFor(const For* f) {
  auto labels = takeLabels();
  Scope* parent = scope_;
  Scope* head = sh_.tree.scopeFor(f);
  bool perIteration = head && head->hasEnv;
  if (head) enterScope(head);
  if (f->init) {
    if (f->init->kind == Kind::VarDecl) compileVarDecl(f->init->as<VarDecl>());
    else {
      compileExpr(f->init);
      emit(Op::Pop);
    }
  }
  if (perIteration) emit(Op::CloneEnv);
  Label* top = newLabel();
  Label* cont = newLabel();
  Label* brk = newLabel();
  bind(top);
  if (f->test) {
    compileExpr(f->test);
    jump(Op::JumpIfFalse, brk);
  }
  pendingLabels_ = labels;
  compileLoopBody(f->body, brk, cont);
  bind(cont);
  if (perIteration) emit(Op::CloneEnv);
  if (f->update) {
    compileExpr(f->update);
    emit(Op::Pop);
  }
  jump(Op::Jump, top);
  bind(brk);
  if (head) leaveScope(head, parent);
}

void FunctionCompiler::compileForInOf(const Node* n) {
  bool isForIn = n->kind == Kind::ForIn;
  const Node* left = isForIn ? n->as<ForIn>()->left : n->as<ForOf>()->left;
  const Node* right = isForIn ? n->as<ForIn>()->right : n->as<ForOf>()->right;
  const Node* body = isForIn ? n->as<ForIn>()->body : n->as<ForOf>()->body;
  bool isAwait = !isForIn && n->as<ForOf>()->isAwait;
  auto labels = takeLabels();
  Scope* parent = scope_;
  Scope* head = sh_.tree.scopeFor(n);

  // Legacy `for (var x = init in o)`.
  if (left->kind == Kind::VarDecl && left->as<VarDecl>()->declarations[0].init) {
    const auto& dec = left->as<VarDecl>()->declarations[0];
    compileExpr(dec.init);
    bindPattern(dec.target, false);
  }
  // The right side sees the head bindings in their TDZ.
  if (head) enterScope(head);
  compileExpr(right);
  if (head) leaveScope(head, parent);

  uint16_t iter = temp();
  uint16_t next = isForIn ? 0 : temp();
  if (isForIn) {
    emit(Op::ForInPrepare);
    emit(Op::SetLocal, iter);
  } else {
    emit(isAwait ? Op::GetAsyncIterator : Op::GetIterator);
    emit(Op::SetLocal, next);
    emit(Op::SetLocal, iter);
  }
  Label* top = newLabel();
  Label* cont = newLabel();
  Label* brk = newLabel();
  Label* done = newLabel();
  bind(top);
  if (isForIn) {
    emit(Op::GetLocal, iter);
    emit(Op::ForInNext);
  } else if (isAwait) {
    emit(Op::GetLocal, iter);
    emit(Op::GetLocal, next);
    emit(Op::IteratorNext);
    emit(Op::Await);
    emit(Op::IteratorUnpack);
  } else {
    emit(Op::GetLocal, iter);
    emit(Op::GetLocal, next);
    emit(Op::IteratorStep);
  }
  jump(Op::JumpIfTrue, done);
  // value on the stack; the loop control encloses the per-iteration env
  int32_t envSave = saveEnv();
  Region region = beginRegion();
  region.depth -= 1;  // the value is consumed by the binding
  Control loopControl{ControlKind::Loop};
  loopControl.labels = labels;
  loopControl.breakLabel = brk;
  loopControl.continueLabel = cont;
  loopControl.isLoop = true;
  loopControl.closesIterator = !isForIn;
  loopControl.iterLocal = iter;
  loopControl.asyncIterator = isAwait;
  control_.push_back(loopControl);
  if (head) enterScope(head);
  const Node* target = left;
  bool init = false;
  if (left->kind == Kind::VarDecl) {
    target = left->as<VarDecl>()->declarations[0].target;
    init = left->as<VarDecl>()->declKind != DeclKind::Var;
  }
  bindPattern(target, init);
  // Leaving the body by break/return closes the iterator (for-of only).
  compileStatement(body);
  if (head) leaveScope(head, parent);
  control_.pop_back();
  Region closeEnd = region;
  bind(cont);
  jump(Op::Jump, top);
  if (!isForIn) {
    // Throw completion: close the iterator, ignoring errors from return().
    Label* handler = newLabel();
    out_.handlers.push_back({closeEnd.start, pc(), 0, uint32_t(region.depth)});
    // Region ends at the back jump: patch the end to the continue label.
    out_.handlers.back().endPc = uint32_t(cont->pos);
    handlerFixups_.push_back({out_.handlers.size() - 1, handler});
    bindHandler(handler, region.depth, envSave);
    uint16_t exc = temp();
    emit(Op::SetLocal, exc);
    Label* rethrow = newLabel();
    emit(Op::GetLocal, iter);
    jump(Op::JumpIfNullishPeek, rethrow);
    Region quiet = beginRegion();
    if (isAwait) asyncIteratorClose(true);
    else emit(Op::IteratorClose, 1);
    Label* afterQuiet = newLabel();
    jump(Op::Jump, afterQuiet);
    Label* swallow = newLabel();
    endRegion(quiet, swallow);
    bindHandler(swallow, quiet.depth);
    emit(Op::Pop);
    jump(Op::Jump, afterQuiet);
    bind(rethrow);
    emit(Op::Pop);
    bind(afterQuiet);
    emit(Op::GetLocal, exc);
    emit(Op::Throw);
    release(exc);
  }
  bind(done);
  emit(Op::Pop);
  bind(brk);
  releaseEnv(envSave);
  if (!isForIn) release(next);
  release(iter);
}

void FunctionCompiler::compileTry(const Try* t) {
  auto labels = takeLabels();
  Label* brk = nullptr;
  if (!labels.empty()) {
    brk = newLabel();
    Control c{ControlKind::Breakable};
    c.labels = labels;
    c.breakLabel = brk;
    control_.push_back(c);
  }
  int32_t outerEnv = -1, innerEnv = -1;
  Label* end = newLabel();
  size_t finallyIndex = SIZE_MAX;
  Region outer{};
  if (t->finalizer) {
    Control c{ControlKind::Finally};
    c.kindLocal = temp();
    c.valueLocal = temp();
    c.finallyEntry = newLabel();
    control_.push_back(c);
    finallyIndex = control_.size() - 1;
    outerEnv = saveEnv();
    outer = beginRegion();
  }
  // try block (with catch)
  if (t->handler) innerEnv = saveEnv();
  Region inner = beginRegion();
  compileStatement(t->block);
  if (t->handler) {
    Label* afterCatch = newLabel();
    jump(Op::Jump, afterCatch);
    Label* handler = newLabel();
    endRegion(inner, handler);
    bindHandler(handler, inner.depth, innerEnv);
    Scope* parent = scope_;
    Scope* cs = sh_.tree.scopeFor(t);
    if (cs) enterScope(cs);
    if (t->param) bindPattern(t->param, true);
    else emit(Op::Pop);
    Scope* hs = sh_.tree.scopeFor(t->handler);
    Scope* mid = scope_;
    if (hs) enterScope(hs);
    compileStatements(t->handler->body);
    if (hs) leaveScope(hs, mid);
    if (cs) leaveScope(cs, parent);
    bind(afterCatch);
  }
  if (t->finalizer) {
    Control fc = control_[finallyIndex];
    control_.pop_back();
    // normal completion
    emit(Op::Int32, 0);
    emit(Op::SetLocal, fc.kindLocal);
    jump(Op::Jump, fc.finallyEntry);
    Label* handler = newLabel();
    endRegion(outer, handler);
    bindHandler(handler, outer.depth, outerEnv);
    emit(Op::SetLocal, fc.valueLocal);
    emit(Op::Int32, 1);
    emit(Op::SetLocal, fc.kindLocal);
    bind(fc.finallyEntry);
    // The completion value of the try statement is not changed by finally.
    int32_t savedCompletion = completion_;
    uint16_t completionSave = 0;
    if (completion_ >= 0) {
      completionSave = temp();
      emit(Op::GetLocal, uint32_t(completion_));
      emit(Op::SetLocal, completionSave);
    }
    compileStatement(t->finalizer);
    if (savedCompletion >= 0) {
      emit(Op::GetLocal, completionSave);
      emit(Op::SetLocal, uint32_t(savedCompletion));
      release(completionSave);
    }
    // dispatch
    Label* notThrow = newLabel();
    emit(Op::GetLocal, fc.kindLocal);
    emit(Op::Int32, 1);
    emit(Op::StrictEq);
    jump(Op::JumpIfFalse, notThrow);
    emit(Op::GetLocal, fc.valueLocal);
    emit(Op::Throw);
    bind(notThrow);
    for (size_t k = 0; k < fc.actions.size(); k++) {
      Label* skip = newLabel();
      emit(Op::GetLocal, fc.kindLocal);
      emit(Op::Int32, uint32_t(k + 2));
      emit(Op::StrictEq);
      jump(Op::JumpIfFalse, skip);
      if (fc.actions[k].kind == Action::Return) emit(Op::GetLocal, fc.valueLocal);
      emitAction(fc.actions[k], control_.size());
      bind(skip);
    }
    release(fc.valueLocal);
    release(fc.kindLocal);
  }
  bind(end);
  releaseEnv(innerEnv);
  releaseEnv(outerEnv);
  if (brk) {
    control_.pop_back();
    bind(brk);
  }
}

void FunctionCompiler::compileSwitch(const Switch* sw) {
  auto labels = takeLabels();
  compileExpr(sw->discriminant);
  uint16_t d = temp();
  emit(Op::SetLocal, d);
  Scope* parent = scope_;
  Scope* s = sh_.tree.scopeFor(sw);
  enterScope(s);
  Label* brk = newLabel();
  Control c{ControlKind::Breakable};
  c.labels = labels;
  c.breakLabel = brk;
  c.isSwitch = true;
  control_.push_back(c);
  std::vector<Label*> caseLabels;
  Label* defaultLabel = nullptr;
  for (const auto& cs : sw->cases) {
    Label* l = newLabel();
    caseLabels.push_back(l);
    if (!cs.test) {
      defaultLabel = l;
      continue;
    }
    emit(Op::GetLocal, d);
    compileExpr(cs.test);
    emit(Op::StrictEq);
    jump(Op::JumpIfTrue, l);
  }
  jump(Op::Jump, defaultLabel ? defaultLabel : brk);
  for (size_t i = 0; i < sw->cases.size(); i++) {
    bind(caseLabels[i]);
    compileStatements(sw->cases[i].body);
  }
  control_.pop_back();
  bind(brk);
  leaveScope(s, parent);
  release(d);
}

// ============================================================================
// patterns
// ============================================================================

int FunctionCompiler::prepareTarget(const Node* t) {
  switch (t->kind) {
    case Kind::Member: {
      auto* m = t->as<Member>();
      compileExpr(m->object);
      if (m->isPrivate) {
        loadPrivateName(m->property->as<Identifier>()->name);
        return 2;
      }
      if (m->computed) {
        compileExpr(m->property);
        return 2;
      }
      return 1;
    }
    case Kind::SuperMember: {
      auto* m = t->as<SuperMember>();
      pushSuperBase();
      pushKey(m->property, m->computed);
      return 3;
    }
    default: return 0;
  }
}

void FunctionCompiler::storeTarget(const Node* t, bool init, bool keepValue) {
  switch (t->kind) {
    case Kind::Identifier:
      if (keepValue) emit(Op::Dup);
      storeName(t->as<Identifier>()->name, t->start, init);
      break;
    case Kind::Member: {
      auto* m = t->as<Member>();
      pos_ = t->start;
      if (m->isPrivate) emit(Op::SetPrivate);
      else if (m->computed) emit(Op::SetElem, ic());
      else emit(Op::SetProp, str(m->property->as<Identifier>()->name), ic());
      if (!keepValue) emit(Op::Pop);
      break;
    }
    case Kind::SuperMember:
      emit(Op::SetSuperProp);
      if (!keepValue) emit(Op::Pop);
      break;
    default:
      if (keepValue) emit(Op::Dup);
      bindPattern(t, init);
      break;
  }
}

void FunctionCompiler::bindPattern(const Node* p, bool init) {
  DepthGuard guard(sh_);
  switch (p->kind) {
    case Kind::Identifier: storeName(p->as<Identifier>()->name, p->start, init); break;
    case Kind::AssignPattern: {
      auto* a = p->as<AssignPattern>();
      Label* skip = newLabel();
      jump(Op::JumpIfNotUndefinedPeek, skip);
      emit(Op::Pop);
      if (a->target->kind == Kind::Identifier) compileNamed(a->defaultValue, a->target->as<Identifier>()->name);
      else compileExpr(a->defaultValue);
      bind(skip);
      bindPattern(a->target, init);
      break;
    }
    case Kind::ObjectPattern: destructureObject(p->as<ObjectPattern>(), init); break;
    case Kind::ArrayPattern: destructureArray(p->as<ArrayPattern>(), init); break;
    case Kind::Member:
    case Kind::SuperMember: {
      // value on the stack; the reference parts go under it
      uint16_t v = temp();
      emit(Op::SetLocal, v);
      prepareTarget(p);
      emit(Op::GetLocal, v);
      release(v);
      storeTarget(p, init, false);
      break;
    }
    default: sh_.fail("internal: bad binding pattern"); break;
  }
}

// Destructuring element: target reference, value from `loadValue`, default, store.
void FunctionCompiler::destructureObject(const ObjectPattern* p, bool init) {
  pos_ = p->start;
  emit(Op::RequireObjectCoercible);
  uint16_t src = temp();
  emit(Op::SetLocal, src);
  std::vector<uint16_t> keyTemps;
  std::vector<std::u16string> staticKeys;
  for (const auto& prop : p->properties) {
    const Node* target = prop.value;
    const Node* dflt = nullptr;
    if (target->kind == Kind::AssignPattern) {
      dflt = target->as<AssignPattern>()->defaultValue;
      target = target->as<AssignPattern>()->target;
    }
    uint16_t keyT = 0;
    if (prop.computed) {
      compileExpr(prop.key);
      emit(Op::ToPropertyKey);
      keyT = temp();
      emit(Op::SetLocal, keyT);
      keyTemps.push_back(keyT);
    } else {
      staticKeys.push_back(keyName(prop.key));
    }
    int parts = prepareTarget(target);
    (void)parts;
    emit(Op::GetLocal, src);
    if (prop.computed) {
      emit(Op::GetLocal, keyT);
      emit(Op::GetElem, ic());
    } else {
      emit(Op::GetProp, str(keyName(prop.key)), ic());
    }
    if (dflt) {
      Label* skip = newLabel();
      jump(Op::JumpIfNotUndefinedPeek, skip);
      emit(Op::Pop);
      if (target->kind == Kind::Identifier) compileNamed(dflt, target->as<Identifier>()->name);
      else compileExpr(dflt);
      bind(skip);
    }
    storeTarget(target, init, false);
  }
  if (p->rest) {
    prepareTarget(p->rest);
    emit(Op::GetLocal, src);
    for (const auto& k : staticKeys) emit(Op::String, str(k));
    for (uint16_t t : keyTemps) emit(Op::GetLocal, t);
    uint32_t n = uint32_t(staticKeys.size() + keyTemps.size());
    emitN(Op::ObjectRest, n, -int32_t(n));
    storeTarget(p->rest, init, false);
  }
  for (uint16_t t : keyTemps) release(t);
  release(src);
}

void FunctionCompiler::destructureArray(const ArrayPattern* p, bool init) {
  pos_ = p->start;
  emit(Op::GetIterator);
  uint16_t next = temp(), iter = temp(), done = temp();
  emit(Op::SetLocal, next);
  emit(Op::SetLocal, iter);
  emit(Op::False);
  emit(Op::SetLocal, done);
  int32_t envSave = saveEnv();
  Region region = beginRegion();
  auto step = [&]() {
    // -> value (undefined once done)
    Label* undef = newLabel();
    Label* have = newLabel();
    emit(Op::GetLocal, done);
    jump(Op::JumpIfTrue, undef);
    emit(Op::True);
    emit(Op::SetLocal, done);
    emit(Op::GetLocal, iter);
    emit(Op::GetLocal, next);
    emit(Op::IteratorStep);
    emit(Op::SetLocal, done);
    jump(Op::Jump, have);
    bind(undef);
    emit(Op::Undefined);
    bind(have);
  };
  for (const Node* el : p->elements) {
    if (!el) {
      step();
      emit(Op::Pop);
      continue;
    }
    if (el->kind == Kind::Rest) {
      const Node* target = el->as<Rest>()->target;
      prepareTarget(target);
      emit(Op::CreateArray, 0);
      Label* loop = newLabel();
      Label* end = newLabel();
      Label* popEnd = newLabel();
      bind(loop);
      emit(Op::GetLocal, done);
      jump(Op::JumpIfTrue, end);
      emit(Op::True);
      emit(Op::SetLocal, done);
      emit(Op::GetLocal, iter);
      emit(Op::GetLocal, next);
      emit(Op::IteratorStep);
      emit(Op::SetLocal, done);
      emit(Op::GetLocal, done);
      jump(Op::JumpIfTrue, popEnd);
      emit(Op::ArrayPush);
      jump(Op::Jump, loop);
      bind(popEnd);
      emit(Op::Pop);
      bind(end);
      storeTarget(target, init, false);
      continue;
    }
    const Node* target = el;
    const Node* dflt = nullptr;
    if (el->kind == Kind::AssignPattern) {
      target = el->as<AssignPattern>()->target;
      dflt = el->as<AssignPattern>()->defaultValue;
    }
    prepareTarget(target);
    step();
    if (dflt) {
      Label* skip = newLabel();
      jump(Op::JumpIfNotUndefinedPeek, skip);
      emit(Op::Pop);
      if (target->kind == Kind::Identifier) compileNamed(dflt, target->as<Identifier>()->name);
      else compileExpr(dflt);
      bind(skip);
    }
    storeTarget(target, init, false);
  }
  Label* after = newLabel();
  Label* handler = newLabel();
  endRegion(region, handler);
  // normal completion: close unless done
  emit(Op::GetLocal, done);
  jump(Op::JumpIfTrue, after);
  emit(Op::GetLocal, iter);
  emit(Op::IteratorClose, 0);
  jump(Op::Jump, after);
  // throw completion
  bindHandler(handler, region.depth, envSave);
  uint16_t exc = temp();
  emit(Op::SetLocal, exc);
  Label* rethrow = newLabel();
  emit(Op::GetLocal, done);
  jump(Op::JumpIfTrue, rethrow);
  Region quiet = beginRegion();
  emit(Op::GetLocal, iter);
  emit(Op::IteratorClose, 1);
  jump(Op::Jump, rethrow);
  Label* swallow = newLabel();
  endRegion(quiet, swallow);
  bindHandler(swallow, quiet.depth);
  emit(Op::Pop);
  bind(rethrow);
  emit(Op::GetLocal, exc);
  emit(Op::Throw);
  release(exc);
  bind(after);
  releaseEnv(envSave);
  release(done);
  release(iter);
  release(next);
}

// ============================================================================
// expressions
// ============================================================================

void FunctionCompiler::compileExpr(const Node* n, const std::u16string* inferredName) {
  if (!n || failed()) {
    emit(Op::Undefined);
    return;
  }
  DepthGuard guard(sh_);
  pos_ = n->start;
  switch (n->kind) {
    case Kind::NumberLit: pushNumber(n->as<NumberLit>()->value); break;
    case Kind::BigIntLit: emit(Op::BigInt, addConstant(BigIntConstant{n->as<BigIntLit>()->digits})); break;
    case Kind::StringLit: emit(Op::String, str(n->as<StringLit>()->value)); break;
    case Kind::NullLit: emit(Op::Null); break;
    case Kind::BooleanLit: emit(n->as<BooleanLit>()->value ? Op::True : Op::False); break;
    case Kind::RegExpLit: {
      auto* r = n->as<RegExpLit>();
      emit(Op::NewRegExp, addConstant(RegExpConstant{r->pattern, r->flags}));
      break;
    }
    case Kind::TemplateLit: compileTemplate(n->as<TemplateLit>()); break;
    case Kind::TaggedTemplate: compileTagged(n->as<TaggedTemplate>()); break;
    case Kind::Identifier: {
      const auto& name = n->as<Identifier>()->name;
      if (name == u"undefined" && sh_.tree.resolve(scope_, name, n->start).kind == Resolution::Global) {
        // Still a global lookup: `undefined` is a non-writable global property.
        emit(Op::GetGlobal, str(name), ic());
      } else {
        loadName(name, n->start);
      }
      break;
    }
    case Kind::This: loadName(scope::kThisName, n->start); break;
    case Kind::NewTarget: loadName(scope::kNewTargetName, n->start); break;
    case Kind::ImportMeta: emit(Op::ImportMeta); break;
    case Kind::SuperMember: {
      auto* m = n->as<SuperMember>();
      pushSuperBase();
      pushKey(m->property, m->computed);
      pos_ = n->start;
      emit(Op::GetSuperProp);
      break;
    }
    case Kind::SuperCall: compileSuperCall(n->as<SuperCall>()); break;
    case Kind::ArrayLit: compileArray(n->as<ArrayLit>()); break;
    case Kind::ObjectLit: compileObject(n->as<ObjectLit>()); break;
    case Kind::Function: {
      auto* f = n->as<FunctionNode>();
      std::u16string name = f->name ? f->name->name : (inferredName ? *inferredName : u"");
      emit(Op::Closure, compileChild(f, name));
      break;
    }
    case Kind::Class: compileClass(n->as<ClassNode>(), inferredName); break;
    case Kind::Unary:
      if (std::optional<FoldedValue> c = sh_.optimize ? foldConstant(n) : std::nullopt) {
        pushConstant(*c);
        break;
      }
      compileUnary(n->as<Unary>());
      break;
    case Kind::Update: compileUpdate(n->as<Update>()); break;
    case Kind::Binary: {
      if (std::optional<FoldedValue> c = sh_.optimize ? foldConstant(n) : std::nullopt) {
        pushConstant(*c);
        break;
      }
      auto* b = n->as<Binary>();
      compileExpr(b->left);
      compileExpr(b->right);
      pos_ = n->start;
      static const std::pair<const char*, Op> ops[] = {
          {"+", Op::Add}, {"-", Op::Sub}, {"*", Op::Mul}, {"/", Op::Div}, {"%", Op::Mod}, {"**", Op::Exp},
          {"<<", Op::Shl}, {">>", Op::Shr}, {">>>", Op::UShr}, {"&", Op::BitAnd}, {"|", Op::BitOr},
          {"^", Op::BitXor}, {"==", Op::Eq}, {"!=", Op::Ne}, {"===", Op::StrictEq}, {"!==", Op::StrictNe},
          {"<", Op::Lt}, {"<=", Op::Le}, {">", Op::Gt}, {">=", Op::Ge}, {"in", Op::In},
          {"instanceof", Op::InstanceOf}};
      for (const auto& [s, op] : ops)
        if (b->op == s) {
          emit(op);
          return;
        }
      sh_.fail("internal: unknown binary operator " + b->op);
      break;
    }
    case Kind::Logical: {
      auto* l = n->as<Logical>();
      if (sh_.optimize) {
        if (std::optional<FoldedValue> c = foldConstant(n)) {
          pushConstant(*c);
          break;
        }
        // A constant left operand that does not decide: the value is the right one.
        if (foldConstant(l->left)) {
          compileExpr(l->right);
          break;
        }
      }
      Label* end = newLabel();
      compileExpr(l->left);
      if (l->op == "&&") jump(Op::JumpIfFalsePeek, end);
      else if (l->op == "||") jump(Op::JumpIfTruePeek, end);
      else jump(Op::JumpIfNotNullishPeek, end);
      emit(Op::Pop);
      compileExpr(l->right);
      bind(end);
      break;
    }
    case Kind::Assign: compileAssign(n->as<Assign>()); break;
    case Kind::PrivateIn: {
      auto* p = n->as<PrivateIn>();
      compileExpr(p->right);
      loadPrivateName(p->name);
      pos_ = n->start;
      emit(Op::HasPrivate);
      break;
    }
    case Kind::Conditional: {
      auto* c = n->as<Conditional>();
      if (std::optional<bool> known = sh_.optimize ? foldTruthiness(c->test) : std::nullopt) {
        compileExpr(*known ? c->consequent : c->alternate, inferredName);
        break;
      }
      Label* elseL = newLabel();
      Label* end = newLabel();
      compileExpr(c->test);
      jump(Op::JumpIfFalse, elseL);
      compileExpr(c->consequent);
      jump(Op::Jump, end);
      bind(elseL);
      compileExpr(c->alternate);
      bind(end);
      break;
    }
    case Kind::Call: compileCall(n->as<Call>()); break;
    case Kind::New: {
      auto* nw = n->as<New>();
      compileExpr(nw->callee);
      bool spread = false;
      compileArguments(nw->arguments, &spread);
      pos_ = n->start;
      if (spread) emit(Op::NewSpread);
      else emitN(Op::New, uint32_t(nw->arguments.size()), -int32_t(nw->arguments.size()));
      break;
    }
    case Kind::Member: compileMember(n->as<Member>()); break;
    case Kind::OptionalChain: {
      Label* nullish = newLabel();
      Label* end = newLabel();
      optional_.push_back({nullish, depth_});
      compileExpr(n->as<OptionalChain>()->expression);
      int32_t base = optional_.back().baseDepth;
      optional_.pop_back();
      jump(Op::Jump, end);
      nullish->depth = base;
      bind(nullish);
      emit(Op::Undefined);
      bind(end);
      break;
    }
    case Kind::Sequence: {
      const auto& list = n->as<Sequence>()->expressions;
      for (size_t i = 0; i < list.size(); i++) {
        compileExpr(list[i]);
        if (i + 1 < list.size()) emit(Op::Pop);
      }
      break;
    }
    case Kind::Yield: {
      auto* y = n->as<Yield>();
      if (y->delegate) compileYieldDelegate(y);
      else compileYield(y);
      break;
    }
    case Kind::Await:
      compileExpr(n->as<Await>()->argument);
      pos_ = n->start;
      emit(Op::Await);
      break;
    case Kind::ImportCall:
      compileExpr(n->as<ImportCall>()->argument);
      pos_ = n->start;
      emit(Op::ImportCall);
      break;
    default:
      sh_.fail(fmt::format("internal: unexpected expression kind {}", int(n->kind)));
      emit(Op::Undefined);
      break;
  }
}

void FunctionCompiler::compileMember(const Member* m) {
  compileExpr(m->object);
  if (m->optional && !optional_.empty()) {
    Label* ok = newLabel();
    jump(Op::JumpIfNotNullishPeek, ok);
    emit(Op::Pop);
    jump(Op::Jump, optional_.back().nullish);
    bind(ok);
  }
  pos_ = m->start;
  if (m->isPrivate) {
    loadPrivateName(m->property->as<Identifier>()->name);
    emit(Op::GetPrivate);
  } else if (m->computed) {
    compileExpr(m->property);
    pos_ = m->start;
    emit(Op::GetElem, ic());
  } else {
    emit(Op::GetProp, str(m->property->as<Identifier>()->name), ic());
  }
}

void FunctionCompiler::compileSpreadInto() {
  // arr iterable -> arr
  emit(Op::GetIterator);
  uint16_t next = temp(), iter = temp();
  emit(Op::SetLocal, next);
  emit(Op::SetLocal, iter);
  Label* loop = newLabel();
  Label* end = newLabel();
  bind(loop);
  emit(Op::GetLocal, iter);
  emit(Op::GetLocal, next);
  emit(Op::IteratorStep);
  jump(Op::JumpIfTrue, end);
  emit(Op::ArrayPush);
  jump(Op::Jump, loop);
  bind(end);
  emit(Op::Pop);
  release(iter);
  release(next);
}

void FunctionCompiler::compileArguments(const NodeList& args, bool* spread) {
  *spread = false;
  for (auto* a : args)
    if (a->kind == Kind::Spread) *spread = true;
  if (!*spread) {
    for (auto* a : args) compileExpr(a);
    return;
  }
  emit(Op::CreateArray, uint32_t(args.size()));
  for (auto* a : args) {
    if (a->kind == Kind::Spread) {
      compileExpr(a->as<Spread>()->argument);
      compileSpreadInto();
    } else {
      compileExpr(a);
      emit(Op::ArrayPush);
    }
  }
}

void FunctionCompiler::compileCall(const Call* c) {
  const Node* callee = c->callee;
  bool direct = false;
  // callee and this
  if (callee->kind == Kind::Member) {
    auto* m = callee->as<Member>();
    compileExpr(m->object);
    if (m->optional && !optional_.empty()) {
      Label* ok = newLabel();
      jump(Op::JumpIfNotNullishPeek, ok);
      emit(Op::Pop);
      jump(Op::Jump, optional_.back().nullish);
      bind(ok);
    }
    pos_ = callee->start;
    if (m->isPrivate) {
      emit(Op::Dup);
      loadPrivateName(m->property->as<Identifier>()->name);
      emit(Op::GetPrivate);
      emit(Op::Swap);
    } else if (m->computed) {
      compileExpr(m->property);
      pos_ = callee->start;
      emit(Op::GetMethodElem, ic());
    } else {
      emit(Op::GetMethod, str(m->property->as<Identifier>()->name), ic());
    }
  } else if (callee->kind == Kind::SuperMember) {
    compileExpr(callee);
    loadName(scope::kThisName, callee->start);
  } else if (callee->kind == Kind::Identifier) {
    const auto& name = callee->as<Identifier>()->name;
    Resolution r = sh_.tree.resolve(scope_, name, callee->start);
    if (r.kind == Resolution::Dynamic || (r.kind == Resolution::Escaped)) {
      emit(Op::GetNameAndThis, str(name));
    } else {
      loadName(name, callee->start);
      emit(Op::Undefined);
    }
    direct = name == u"eval" && !c->optional;
  } else {
    compileExpr(callee);
    emit(Op::Undefined);
  }
  if (c->optional && !optional_.empty()) {
    // test the callee (below this)
    Label* ok = newLabel();
    emit(Op::Pick, 1);
    jump(Op::JumpIfNotNullishPeek, ok);
    emit(Op::Pop);
    emit(Op::Pop);
    emit(Op::Pop);
    jump(Op::Jump, optional_.back().nullish);
    bind(ok);
    emit(Op::Pop);
  }
  bool spread = false;
  compileArguments(c->arguments, &spread);
  // Stack traces point at a method call's property name, as V8's do (`o.f()` -> `f`).
  pos_ = c->start;
  if (callee->kind == Kind::Member && !callee->as<Member>()->computed) pos_ = callee->as<Member>()->property->start;
  uint32_t argc = uint32_t(c->arguments.size());
  if (argc > 65535) {
    sh_.fail("too many call arguments");
    return;
  }
  if (spread) emit(Op::CallSpread);
  else if (direct) emitN(Op::DirectEval, argc, -int32_t(argc) - 1, fs_->strict ? 1 : 0);
  else emitN(Op::Call, argc, -int32_t(argc) - 1);
}

void FunctionCompiler::pushSuperBase() {
  loadName(scope::kThisName, UINT32_MAX);
  loadName(scope::kHomeName, UINT32_MAX);
}

void FunctionCompiler::compileSuperCall(const SuperCall* s) {
  loadName(scope::kCalleeName, UINT32_MAX);
  emit(Op::GetSuperConstructor);
  loadName(scope::kNewTargetName, UINT32_MAX);
  bool spread = false;
  compileArguments(s->arguments, &spread);
  pos_ = s->start;
  uint32_t argc = uint32_t(s->arguments.size());
  if (spread) emit(Op::SuperCallSpread);
  else emitN(Op::SuperCall, argc, -int32_t(argc) - 1);
  afterSuperCall();
}

void FunctionCompiler::afterSuperCall() {
  // thisObj on the stack: bind it, then run the field initializers.
  Resolution r = sh_.tree.resolve(scope_, scope::kThisName, UINT32_MAX);
  if (r.kind == Resolution::Env) {
    emit(Op::InitThisEnv, r.depth, r.binding->index);
  } else {
    emit(Op::BindThis);
    // A derived constructor's `this` read through a local: keep it in step
    // with the frame's this (which DerivedReturn reads).
    if (r.kind == Resolution::Local) {
      emit(Op::Dup);
      emit(Op::SetLocal, r.binding->index);
    }
  }
  // The constructor's class decides whether fields exist.
  const FunctionScope* ctor = fs_;
  while (ctor->isArrow && ctor->parent) ctor = ctor->parent;
  if (ctor->classHasFields || fs_ != ctor) {
    emit(Op::Dup);
    loadName(scope::kCalleeName, UINT32_MAX);
    emit(Op::InitFields);
  }
}

void FunctionCompiler::compileUnary(const Unary* u) {
  const std::string& op = u->op;
  if (op == "typeof" && u->argument->kind == Kind::Identifier) {
    typeofName(u->argument->as<Identifier>()->name, u->argument->start);
    return;
  }
  if (op == "delete") {
    const Node* a = u->argument;
    if (a->kind == Kind::OptionalChain) {
      // delete a?.b: short-circuits to true
      Label* nullish = newLabel();
      Label* end = newLabel();
      optional_.push_back({nullish, depth_});
      const Node* inner = a->as<OptionalChain>()->expression;
      if (inner->kind == Kind::Member) {
        auto* m = inner->as<Member>();
        compileExpr(m->object);
        if (m->optional) {
          Label* ok = newLabel();
          jump(Op::JumpIfNotNullishPeek, ok);
          emit(Op::Pop);
          jump(Op::Jump, nullish);
          bind(ok);
        }
        if (m->computed) {
          compileExpr(m->property);
          emit(Op::DeleteElem);
        } else {
          emit(Op::DeleteProp, str(m->property->as<Identifier>()->name));
        }
      } else {
        compileExpr(inner);
        emit(Op::Pop);
        emit(Op::True);
      }
      optional_.pop_back();
      jump(Op::Jump, end);
      bind(nullish);
      emit(Op::True);
      bind(end);
      return;
    }
    if (a->kind == Kind::Member) {
      auto* m = a->as<Member>();
      compileExpr(m->object);
      pos_ = u->start;
      if (m->computed) {
        compileExpr(m->property);
        emit(Op::DeleteElem);
      } else {
        emit(Op::DeleteProp, str(m->property->as<Identifier>()->name));
      }
      return;
    }
    if (a->kind == Kind::SuperMember) {
      auto* m = a->as<SuperMember>();
      loadName(scope::kThisName, UINT32_MAX);
      if (m->computed) {
        compileExpr(m->property);
        emit(Op::Pop);
      }
      emit(Op::Pop);
      emit(Op::ThrowReferenceError, str(u"Unsupported reference to 'super'"));
      emit(Op::Undefined);
      return;
    }
    if (a->kind == Kind::Identifier) {
      const auto& name = a->as<Identifier>()->name;
      Resolution r = sh_.tree.resolve(scope_, name, a->start);
      if (r.kind == Resolution::Global) emit(Op::DeleteGlobal, str(name));
      else if (r.kind == Resolution::Dynamic || r.kind == Resolution::Escaped) emit(Op::DeleteName, str(name));
      else emit(Op::False);
      return;
    }
    compileExpr(a);
    emit(Op::Pop);
    emit(Op::True);
    return;
  }
  compileExpr(u->argument);
  pos_ = u->start;
  if (op == "-") emit(Op::Neg);
  else if (op == "+") emit(Op::Plus);
  else if (op == "!") emit(Op::Not);
  else if (op == "~") emit(Op::BitNot);
  else if (op == "typeof") emit(Op::Typeof);
  else if (op == "void") {
    emit(Op::Pop);
    emit(Op::Undefined);
  } else sh_.fail("internal: unknown unary operator " + op);
}

static Op binaryOpFor(const std::string& op) {
  static const std::pair<const char*, Op> ops[] = {
      {"+=", Op::Add}, {"-=", Op::Sub}, {"*=", Op::Mul}, {"/=", Op::Div}, {"%=", Op::Mod}, {"**=", Op::Exp},
      {"<<=", Op::Shl}, {">>=", Op::Shr}, {">>>=", Op::UShr}, {"&=", Op::BitAnd}, {"|=", Op::BitOr},
      {"^=", Op::BitXor}};
  for (const auto& [s, o] : ops)
    if (op == s) return o;
  return Op::Nop;
}

void FunctionCompiler::compileAssign(const Assign* a) {
  const Node* t = a->target;
  if (a->op == "=") {
    if (t->kind == Kind::ObjectPattern || t->kind == Kind::ArrayPattern) {
      compileExpr(a->value);
      emit(Op::Dup);
      bindPattern(t, false);
      return;
    }
    prepareTarget(t);
    if (t->kind == Kind::Identifier) compileNamed(a->value, t->as<Identifier>()->name);
    else compileExpr(a->value);
    pos_ = a->start;
    storeTarget(t, false, true);
    return;
  }
  bool logical = a->op == "&&=" || a->op == "||=" || a->op == "?\?=";
  // Load the current value, keeping the reference parts.
  int parts = 0;
  switch (t->kind) {
    case Kind::Identifier: loadName(t->as<Identifier>()->name, t->start); break;
    case Kind::Member: {
      auto* m = t->as<Member>();
      compileExpr(m->object);
      parts = 1;
      if (m->isPrivate) {
        loadPrivateName(m->property->as<Identifier>()->name);
        emit(Op::Dup2);
        emit(Op::GetPrivate);
        parts = 2;
      } else if (m->computed) {
        compileExpr(m->property);
        emit(Op::ToPropertyKey);
        emit(Op::Dup2);
        emit(Op::GetElem, ic());
        parts = 2;
      } else {
        emit(Op::Dup);
        emit(Op::GetProp, str(m->property->as<Identifier>()->name), ic());
      }
      break;
    }
    case Kind::SuperMember: {
      auto* m = t->as<SuperMember>();
      pushSuperBase();
      pushKey(m->property, m->computed);
      emit(Op::Pick, 2);
      emit(Op::Pick, 2);
      emit(Op::Pick, 2);
      emit(Op::GetSuperProp);
      parts = 3;
      break;
    }
    default: sh_.fail("internal: bad compound assignment target"); return;
  }
  if (!logical) {
    compileExpr(a->value);
    pos_ = a->start;
    emit(binaryOpFor(a->op));
    storeTarget(t, false, true);
    return;
  }
  Label* skip = newLabel();
  Label* end = newLabel();
  if (a->op == "&&=") jump(Op::JumpIfFalsePeek, skip);
  else if (a->op == "||=") jump(Op::JumpIfTruePeek, skip);
  else jump(Op::JumpIfNotNullishPeek, skip);
  emit(Op::Pop);
  if (t->kind == Kind::Identifier) compileNamed(a->value, t->as<Identifier>()->name);
  else compileExpr(a->value);
  storeTarget(t, false, true);
  jump(Op::Jump, end);
  bind(skip);
  // Drop the reference parts under the kept value.
  for (int i = 0; i < parts; i++) {
    emit(Op::Swap);
    emit(Op::Pop);
  }
  bind(end);
}

void FunctionCompiler::compileUpdate(const Update* u) {
  const Node* t = u->argument;
  Op step = u->increment ? Op::Inc : Op::Dec;
  bool postfix = !u->prefix;
  int parts = 0;
  switch (t->kind) {
    case Kind::Identifier: loadName(t->as<Identifier>()->name, t->start); break;
    case Kind::Member: {
      auto* m = t->as<Member>();
      compileExpr(m->object);
      if (m->isPrivate) {
        loadPrivateName(m->property->as<Identifier>()->name);
        emit(Op::Dup2);
        emit(Op::GetPrivate);
        parts = 2;
      } else if (m->computed) {
        compileExpr(m->property);
        emit(Op::ToPropertyKey);
        emit(Op::Dup2);
        emit(Op::GetElem, ic());
        parts = 2;
      } else {
        emit(Op::Dup);
        emit(Op::GetProp, str(m->property->as<Identifier>()->name), ic());
        parts = 1;
      }
      break;
    }
    case Kind::SuperMember: {
      auto* m = t->as<SuperMember>();
      pushSuperBase();
      pushKey(m->property, m->computed);
      emit(Op::Pick, 2);
      emit(Op::Pick, 2);
      emit(Op::Pick, 2);
      emit(Op::GetSuperProp);
      parts = 3;
      break;
    }
    default: sh_.fail("internal: bad update target"); return;
  }
  pos_ = u->start;
  if (postfix) {
    emit(Op::ToNumeric);
    emit(Op::Dup);
    // old value goes under the reference parts
    if (parts > 0) emitN(Op::Insert, uint32_t(parts + 1), 0);
    emit(step);
    storeTarget(t, false, parts > 0);
    if (parts > 0) emit(Op::Pop);
  } else {
    emit(step);
    storeTarget(t, false, true);
  }
}

void FunctionCompiler::compileArray(const ArrayLit* a) {
  bool simple = true;
  for (auto* e : a->elements)
    if (!e || e->kind == Kind::Spread) simple = false;
  if (simple) {
    for (auto* e : a->elements) compileExpr(e);
    uint32_t n = uint32_t(a->elements.size());
    emitN(Op::ArrayLiteral, n, 1 - int32_t(n));
    return;
  }
  emit(Op::CreateArray, uint32_t(a->elements.size()));
  for (auto* e : a->elements) {
    if (!e) emit(Op::ArrayPushHole);
    else if (e->kind == Kind::Spread) {
      compileExpr(e->as<Spread>()->argument);
      compileSpreadInto();
    } else {
      compileExpr(e);
      emit(Op::ArrayPush);
    }
  }
}

void FunctionCompiler::compileObject(const ObjectLit* o) {
  emit(Op::CreateObject);
  for (const auto& p : o->properties) {
    switch (p.kind) {
      case PropKind::Init:
        if (p.computed) {
          pushKey(p.key, true);
          compileExpr(p.value);
          if (isAnonymousFunctionDefinition(p.value)) {
            emit(Op::Pick, 1);
            emit(Op::SetFunctionName, 0);
          }
          emit(Op::InitElem);
        } else {
          std::u16string name = keyName(p.key);
          compileNamed(p.value, name);
          emit(Op::InitProp, str(name));
        }
        break;
      case PropKind::Get:
      case PropKind::Set:
      case PropKind::Method: {
        pushKey(p.key, p.computed);
        std::u16string name = p.computed ? u"" : keyName(p.key);
        if (p.kind == PropKind::Get && !p.computed) name = u"get " + name;
        if (p.kind == PropKind::Set && !p.computed) name = u"set " + name;
        emit(Op::Closure, compileChild(p.value->as<FunctionNode>(), name));
        emit(p.kind == PropKind::Get ? Op::DefineGetter : p.kind == PropKind::Set ? Op::DefineSetter : Op::DefineMethod, 1);
        break;
      }
      case PropKind::Spread:
        compileExpr(p.value);
        emit(Op::CopyDataProperties);
        break;
      case PropKind::Proto:
        compileExpr(p.value);
        emit(Op::InitProtoLiteral);
        break;
    }
  }
}

void FunctionCompiler::compileTemplate(const TemplateLit* t) {
  const auto& cooked = t->cooked;
  emit(Op::String, str(cooked.empty() || !cooked[0] ? u"" : *cooked[0]));
  for (size_t i = 0; i < t->expressions.size(); i++) {
    compileExpr(t->expressions[i]);
    emit(Op::ToString);
    emit(Op::Add);
    if (i + 1 < cooked.size() && cooked[i + 1] && !cooked[i + 1]->empty()) {
      emit(Op::String, str(*cooked[i + 1]));
      emit(Op::Add);
    }
  }
}

void FunctionCompiler::compileTagged(const TaggedTemplate* t) {
  const Node* tag = t->tag;
  if (tag->kind == Kind::Member && !tag->as<Member>()->isPrivate) {
    auto* m = tag->as<Member>();
    compileExpr(m->object);
    if (m->computed) {
      compileExpr(m->property);
      emit(Op::GetMethodElem, ic());
    } else {
      emit(Op::GetMethod, str(m->property->as<Identifier>()->name), ic());
    }
  } else {
    compileExpr(tag);
    emit(Op::Undefined);
  }
  TemplateSite site;
  site.cooked = t->quasi->cooked;
  site.raw = t->quasi->raw;
  emit(Op::GetTemplateObject, addConstant(std::move(site)));
  for (auto* e : t->quasi->expressions) compileExpr(e);
  uint32_t argc = uint32_t(t->quasi->expressions.size() + 1);
  pos_ = t->start;
  emitN(Op::Call, argc, -int32_t(argc) - 1);
}

void FunctionCompiler::compileYield(const Yield* y) {
  if (y->argument) compileExpr(y->argument);
  else emit(Op::Undefined);
  pos_ = y->start;
  if (fs_->isAsync) emit(Op::Await);
  Label* ret = newLabel();
  Label* after = newLabel();
  jump(Op::Yield, ret);
  jump(Op::Jump, after);
  bind(ret);
  emitReturnValue();
  bind(after);
}

// yield*: the delegation loop of ECMA-262 15.5.5, lowered to ordinary ops.
void FunctionCompiler::compileYieldDelegate(const Yield* y) {
  bool async = fs_->isAsync;
  compileExpr(y->argument);
  pos_ = y->start;
  emit(async ? Op::GetAsyncIterator : Op::GetIterator);
  uint16_t next = temp(), iter = temp(), received = temp(), kind = temp(), result = temp();
  emit(Op::SetLocal, next);
  emit(Op::SetLocal, iter);
  emit(Op::Undefined);
  emit(Op::SetLocal, received);
  emit(Op::Int32, 0);
  emit(Op::SetLocal, kind);
  Label* loop = newLabel();
  Label* notNext = newLabel();
  Label* notThrow = newLabel();
  Label* gotResult = newLabel();
  Label* done = newLabel();
  Label* end = newLabel();
  bind(loop);
  // next
  emit(Op::GetLocal, kind);
  emit(Op::Int32, 0);
  emit(Op::StrictEq);
  jump(Op::JumpIfFalse, notNext);
  emit(Op::GetLocal, next);
  emit(Op::GetLocal, iter);
  emit(Op::GetLocal, received);
  emitN(Op::Call, 1, -2);
  jump(Op::Jump, gotResult);
  // throw
  bind(notNext);
  emit(Op::GetLocal, kind);
  emit(Op::Int32, 1);
  emit(Op::StrictEq);
  jump(Op::JumpIfFalse, notThrow);
  {
    Label* hasThrow = newLabel();
    emit(Op::GetLocal, iter);
    emit(Op::GetMethodOrUndefined, str(u"throw"));  // f iter
    emit(Op::Swap);
    jump(Op::JumpIfNotNullishPeek, hasThrow);
    emit(Op::Pop);
    emit(Op::Pop);
    // No throw method: close the iterator, then TypeError.
    emit(Op::GetLocal, iter);
    if (async) asyncIteratorClose(false);
    else emit(Op::IteratorClose, 0);
    emit(Op::ThrowTypeError, str(u"The iterator does not provide a 'throw' method"));
    bind(hasThrow);
    adjust(0);
    emit(Op::Swap);
    emit(Op::GetLocal, received);
    emitN(Op::Call, 1, -2);
    jump(Op::Jump, gotResult);
  }
  // return
  bind(notThrow);
  {
    Label* hasReturn = newLabel();
    emit(Op::GetLocal, iter);
    emit(Op::GetMethodOrUndefined, str(u"return"));
    emit(Op::Swap);
    jump(Op::JumpIfNotNullishPeek, hasReturn);
    emit(Op::Pop);
    emit(Op::Pop);
    emit(Op::GetLocal, received);
    if (async) emit(Op::Await);
    emitAction({Action::Return, 0}, control_.size());
    bind(hasReturn);
    emit(Op::Swap);
    emit(Op::GetLocal, received);
    emitN(Op::Call, 1, -2);
    if (async) emit(Op::Await);
    emit(Op::ThrowIfNotObject, str(u"iterator result is not an object"));
    emit(Op::SetLocal, result);
    emit(Op::GetLocal, result);
    emit(Op::GetProp, str(u"done"), ic());
    Label* notDone = newLabel();
    jump(Op::JumpIfFalse, notDone);
    emit(Op::GetLocal, result);
    emit(Op::GetProp, str(u"value"), ic());
    emitAction({Action::Return, 0}, control_.size());
    bind(notDone);
    Label* yieldIt = newLabel();
    jump(Op::Jump, yieldIt);
    // common result handling
    bind(gotResult);
    if (async) emit(Op::Await);
    emit(Op::ThrowIfNotObject, str(u"iterator result is not an object"));
    emit(Op::SetLocal, result);
    emit(Op::GetLocal, result);
    emit(Op::GetProp, str(u"done"), ic());
    jump(Op::JumpIfTrue, done);
    bind(yieldIt);
    emit(Op::GetLocal, result);
    if (async) emit(Op::GetProp, str(u"value"), ic());
    emit(Op::YieldRaw);
    emit(Op::SetLocal, kind);
    emit(Op::SetLocal, received);
    if (async) {
      // Async generators await the value of a return resumption.
      Label* noAwait = newLabel();
      emit(Op::GetLocal, kind);
      emit(Op::Int32, 2);
      emit(Op::StrictEq);
      jump(Op::JumpIfFalse, noAwait);
      emit(Op::GetLocal, received);
      emit(Op::Await);
      emit(Op::SetLocal, received);
      bind(noAwait);
    }
    jump(Op::Jump, loop);
  }
  bind(done);
  emit(Op::GetLocal, result);
  emit(Op::GetProp, str(u"value"), ic());
  bind(end);
  release(result);
  release(kind);
  release(received);
  release(iter);
  release(next);
}

// ============================================================================
// classes
// ============================================================================

void FunctionCompiler::compileClass(const ClassNode* c, const std::u16string* inferredName) {
  const scope::ClassInfo* info = sh_.tree.classInfo(c);
  if (!info) {
    sh_.fail("internal: class without scope info");
    return;
  }
  Scope* parent = scope_;
  Scope* cs = info->scope;
  enterScope(cs);
  // Fresh private names for this evaluation.
  std::vector<std::u16string> privateDone;
  for (const auto& m : c->members) {
    if (!m.isPrivate) continue;
    std::u16string pn = u"#" + m.key->as<Identifier>()->name;
    if (std::find(privateDone.begin(), privateDone.end(), pn) != privateDone.end()) continue;
    privateDone.push_back(pn);
    emit(Op::NewPrivateName, str(pn));
    storeName(pn, UINT32_MAX, true);
  }
  std::u16string className = c->name ? c->name->name : (inferredName ? *inferredName : u"");
  if (c->superClass) compileExpr(c->superClass);
  pos_ = c->start;
  ClassConstant cc;
  cc.name = className;
  cc.hasHeritage = c->superClass != nullptr;
  cc.constructorIndex = compileChild(c->constructor, className);
  emitN(Op::CreateClass, addConstant(std::move(cc)), c->superClass ? 1 : 2);
  // stack: ctor proto
  for (size_t i = 0; i < c->members.size(); i++) {
    const auto& m = c->members[i];
    if (m.kind == ClassMemberKind::Field) {
      if (m.computed) {
        pushKey(m.key, true);
        storeBinding(info->computedFieldKeys[i], true);
      }
      continue;
    }
    if (m.kind == ClassMemberKind::StaticBlock) continue;
    const FunctionNode* fn = m.value->as<FunctionNode>();
    if (m.isPrivate) {
      std::u16string pn = u"#" + m.key->as<Identifier>()->name;
      std::u16string fname = m.kind == ClassMemberKind::Getter   ? u"get " + pn
                             : m.kind == ClassMemberKind::Setter ? u"set " + pn
                                                                 : pn;
      loadName(pn, UINT32_MAX);
      emit(Op::Closure, compileChild(fn, fname));
      emit(Op::Pick, m.isStatic ? 3 : 2);
      emit(Op::SetHomeObject);
      emit(Op::DefinePrivateMethod, m.kind == ClassMemberKind::Getter ? 1 : m.kind == ClassMemberKind::Setter ? 2 : 0);
      continue;
    }
    emit(Op::Pick, m.isStatic ? 1 : 0);
    pushKey(m.key, m.computed);
    std::u16string fname = m.computed ? u"" : keyName(m.key);
    emit(Op::Closure, compileChild(fn, fname));
    emit(m.kind == ClassMemberKind::Getter ? Op::DefineGetter : m.kind == ClassMemberKind::Setter ? Op::DefineSetter : Op::DefineMethod, 0);
    emit(Op::Pop);
  }
  // The inner name binding is initialized before static elements run.
  if (c->name) {
    emit(Op::Pick, 1);
    storeName(c->name->name, UINT32_MAX, true);
  }
  if (info->instanceInit) {
    CompiledFunction child;
    {
      FunctionCompiler fc(sh_, info->instanceInit, child);
      fc.compileFieldInit(c, false);
    }
    out_.children.push_back(std::move(child));
    emit(Op::Pick, 1);                                         // ctor proto ctor
    emit(Op::Closure, uint32_t(out_.children.size() - 1));     // ctor proto ctor f
    emit(Op::Pick, 2);                                         // ... f proto
    emit(Op::SetHomeObject);
    emit(Op::SetClassFieldInit);                               // ctor proto ctor
    emit(Op::Pop);
  }
  // Static private methods are added to the constructor before static fields.
  std::vector<std::u16string> staticPrivate;
  for (const auto& m : c->members) {
    if (!m.isStatic || !m.isPrivate || m.kind == ClassMemberKind::Field) continue;
    std::u16string pn = u"#" + m.key->as<Identifier>()->name;
    if (std::find(staticPrivate.begin(), staticPrivate.end(), pn) != staticPrivate.end()) continue;
    staticPrivate.push_back(pn);
    emit(Op::Pick, 1);
    loadName(pn, UINT32_MAX);
    emit(Op::AddPrivateMethod);
  }
  if (info->staticInit) {
    CompiledFunction child;
    {
      FunctionCompiler fc(sh_, info->staticInit, child);
      fc.compileFieldInit(c, true);
    }
    out_.children.push_back(std::move(child));
    emit(Op::Pick, 1);                                         // ctor proto ctor
    emit(Op::Closure, uint32_t(out_.children.size() - 1));     // ctor proto ctor f
    emit(Op::Pick, 1);
    emit(Op::SetHomeObject);                                   // ctor proto ctor f
    emit(Op::Swap);                                            // ctor proto f ctor
    emitN(Op::Call, 0, -1);
    emit(Op::Pop);
  }
  emit(Op::Pop);  // proto
  leaveScope(cs, parent);
}

void FunctionCompiler::compileFieldInit(const ClassNode* c, bool isStatic) {
  const scope::ClassInfo* info = sh_.tree.classInfo(c);
  out_.kind = FunctionKind::ClassFieldInit;
  out_.flags = kStrict | kHasHomeObject | kUsesThis | kEvalInFieldInit | kEvalAllowsSuperProperty;
  out_.name = isStatic ? u"<static_initializer>" : u"<instance_members_initializer>";
  out_.sourceStart = c->start;
  out_.sourceEnd = c->end;
  scope_ = fs_->top;
  if (fs_->top->hasEnv) {
    emit(Op::PushEnv, scopeConstant(fs_->top));
    storeImplicitIfCaptured(scope::kThisName, Op::LoadThis);
    storeImplicitIfCaptured(scope::kHomeName, Op::LoadHomeObject);
    storeImplicitIfCaptured(scope::kNewTargetName, Op::LoadNewTarget);
    storeImplicitIfCaptured(scope::kCalleeName, Op::LoadCallee);
  }
  if (!isStatic) {
    std::vector<std::u16string> done;
    for (const auto& m : c->members) {
      if (m.isStatic || !m.isPrivate || m.kind == ClassMemberKind::Field) continue;
      std::u16string pn = u"#" + m.key->as<Identifier>()->name;
      if (std::find(done.begin(), done.end(), pn) != done.end()) continue;
      done.push_back(pn);
      emit(Op::LoadThis);
      loadName(pn, UINT32_MAX);
      emit(Op::AddPrivateMethod);
    }
  }
  uint32_t childForBlock = 0;
  (void)childForBlock;
  for (size_t i = 0; i < c->members.size(); i++) {
    const auto& m = c->members[i];
    if (m.isStatic != isStatic) continue;
    if (m.kind == ClassMemberKind::StaticBlock) {
      emit(Op::Closure, compileChild(m.value->as<FunctionNode>(), u""));
      emit(Op::LoadHomeObject);
      emit(Op::SetHomeObject);
      emit(Op::LoadThis);
      emitN(Op::Call, 0, -1);
      emit(Op::Pop);
      continue;
    }
    if (m.kind != ClassMemberKind::Field) continue;
    pos_ = m.key->start;
    emit(Op::LoadThis);
    if (m.isPrivate) {
      std::u16string pn = u"#" + m.key->as<Identifier>()->name;
      loadName(pn, UINT32_MAX);
      if (m.value) compileNamed(m.value, pn);
      else emit(Op::Undefined);
      emit(Op::DefinePrivateField);
      continue;
    }
    if (m.computed) {
      loadName(info->computedFieldKeys[i]->name, UINT32_MAX);
      if (m.value) {
        compileExpr(m.value);
        if (isAnonymousFunctionDefinition(m.value)) {
          emit(Op::Pick, 1);
          emit(Op::SetFunctionName, 0);
        }
      } else {
        emit(Op::Undefined);
      }
    } else {
      std::u16string name = keyName(m.key);
      emit(Op::String, str(name));
      if (m.value) compileNamed(m.value, name);
      else emit(Op::Undefined);
    }
    emit(Op::InitElem);
    emit(Op::Pop);
  }
  emit(Op::Undefined);
  emit(Op::Return);
  finishFunction();
}

// ============================================================================
// functions
// ============================================================================

void FunctionCompiler::storeImplicitIfCaptured(const std::u16string& name, Op load) {
  if (name.empty()) return;
  Binding* b = fs_->top->find(name);
  if (!b || b->location != Location::Env) return;
  if (name == scope::kThisName && fs_->kind == FunctionKind::DerivedConstructor) return;  // starts as the hole
  emit(load);
  emit(Op::SetEnv, 0, b->index);
}

void FunctionCompiler::emitPrologue(const FunctionNode* node) {
  Scope* top = fs_->top;
  if (top->hasEnv) emit(Op::PushEnv, scopeConstant(top));
  storeImplicitIfCaptured(scope::kThisName, Op::LoadThis);
  storeImplicitIfCaptured(scope::kNewTargetName, Op::LoadNewTarget);
  storeImplicitIfCaptured(scope::kHomeName, Op::LoadHomeObject);
  storeImplicitIfCaptured(scope::kCalleeName, Op::LoadCallee);
  if (node->isExpression && node->name) {
    Binding* b = top->find(node->name->name);
    if (b && b->kind == BindingKind::FunctionName && b->location != Location::Unassigned) {
      emit(Op::LoadCallee);
      storeBinding(b, true);
    }
  }
  if (fs_->kind == FunctionKind::ClassConstructor && fs_->classHasFields) {
    emit(Op::LoadThis);
    emit(Op::LoadCallee);
    emit(Op::InitFields);
  }
  // Parameters.
  bool simple = node->simpleParams;
  bool anyParamInEnv = false;
  if (simple) {
    for (size_t i = 0; i < node->params.size(); i++) {
      Binding* b = top->find(node->params[i]->as<Identifier>()->name);
      if (b->argIndex == int32_t(i) && b->location == Location::Env) {
        anyParamInEnv = true;
        emit(Op::GetArg, uint32_t(i));
        emit(Op::SetEnv, 0, b->index);
      }
    }
  }
  // arguments
  if (Binding* args = top->find(u"arguments"); args && args->kind == BindingKind::Arguments) {
    bool mapped = !fs_->strict && simple;
    out_.argumentsKind = mapped ? ArgumentsKind::Mapped : ArgumentsKind::Unmapped;
    if (mapped) {
      for (size_t i = 0; i < node->params.size(); i++) {
        Binding* b = top->find(node->params[i]->as<Identifier>()->name);
        if (b->argIndex != int32_t(i)) out_.mappedParamSlots.push_back(0xFFFF);
        else out_.mappedParamSlots.push_back(uint16_t(b->location == Location::Env ? b->index : i));
      }
    }
    emit(Op::CreateArguments);
    storeBinding(args, true);
  }
  if (anyParamInEnv) out_.flags |= kParamsInEnv;
  // Parameters of a non-simple list have a TDZ until bound; they must not be
  // cleared again with the body's lexical bindings below.
  std::vector<Binding*> paramTdz;
  if (!simple) {
    for (Binding* b : top->bindings)
      if (b->location == Location::Local && b->kind == BindingKind::Let) {
        emit(Op::ClearLocal, b->index);
        paramTdz.push_back(b);
      }
    for (size_t i = 0; i < node->params.size(); i++) {
      const Node* p = node->params[i];
      pos_ = p->start;
      if (p->kind == Kind::Rest) {
        emit(Op::CreateRestArray, uint32_t(i));
        bindPattern(p->as<Rest>()->target, true);
        out_.flags |= kHasRest;
      } else {
        emit(Op::GetArg, uint32_t(i));
        bindPattern(p, true);
      }
    }
  }
  // Body var scope.
  Scope* body = fs_->varScope;
  if (body != top) {
    scope_ = body;
    if (body->hasEnv) {
      emit(Op::PushEnv, scopeConstant(body));
      control_.push_back({ControlKind::EnvScope});
    }
    for (Binding* b : body->bindings) {
      if (b->kind == BindingKind::Var && top->find(b->name)) {
        scope_ = top;
        loadName(b->name, UINT32_MAX);
        scope_ = body;
        storeBinding(b, true);
      }
    }
  }
  scope_ = body;
  for (Binding* b : body->bindings)
    if (b->location == Location::Local && bindingStartsAsHole(b->kind) && b->hasCheckedRef &&
        std::find(paramTdz.begin(), paramTdz.end(), b) == paramTdz.end())
      emit(Op::ClearLocal, b->index);
  for (const FunctionNode* f : body->hoistedFunctions) {
    emit(Op::Closure, compileChild(f, f->name->name));
    storeBinding(body->find(f->name->name), true);
  }
}

void FunctionCompiler::compileFunction(const FunctionNode* node, const std::u16string& name) {
  out_.name = name;
  out_.length = node->paramCount;
  out_.kind = fs_->kind;
  out_.sourceStart = node->start;
  out_.sourceEnd = node->end;
  uint32_t flags = 0;
  if (fs_->strict) flags |= kStrict;
  if (node->isAsync) flags |= kAsync;
  if (node->isGenerator) flags |= kGenerator;
  if (node->simpleParams) flags |= kSimpleParams;
  if (node->isExpression) flags |= kIsExpression;
  if (fs_->hasDirectEval) flags |= kHasDirectEval;
  if (fs_->usesThis) flags |= kUsesThis;
  if (fs_->classHasFields) flags |= kHasInstanceFields;
  if (fs_->top->hasEnv) flags |= kNeedsFunctionScopeEnv;
  switch (fs_->kind) {
    case FunctionKind::Normal:
      if (!node->isAsync && !node->isGenerator) flags |= kIsConstructor;
      break;
    case FunctionKind::ClassConstructor:
    case FunctionKind::DerivedConstructor: flags |= kIsConstructor | kHasHomeObject; break;
    case FunctionKind::Method:
    case FunctionKind::Getter:
    case FunctionKind::Setter: flags |= kHasHomeObject; break;
    default: break;
  }
  // Eval context flags: arrows see their enclosing function's.
  const FunctionScope* tf = fs_;
  while (tf->isArrow && tf->parent) tf = tf->parent;
  if (tf->node || tf->kind == FunctionKind::ClassFieldInit) flags |= kEvalAllowsNewTarget;
  if (tf->kind == FunctionKind::Method || tf->kind == FunctionKind::Getter || tf->kind == FunctionKind::Setter ||
      tf->kind == FunctionKind::ClassConstructor || tf->kind == FunctionKind::DerivedConstructor ||
      tf->kind == FunctionKind::ClassFieldInit)
    flags |= kEvalAllowsSuperProperty;
  if (tf->kind == FunctionKind::DerivedConstructor) flags |= kEvalAllowsSuperCall;
  if (tf->kind == FunctionKind::ClassFieldInit) flags |= kEvalInFieldInit;
  out_.flags = flags;
  uint32_t paramSlots = 0;
  for (const Node* p : node->params)
    if (p->kind != Kind::Rest) paramSlots++;
  if (paramSlots > 65535) {
    sh_.fail("function has too many parameters");
    return;
  }
  out_.paramSlots = uint16_t(paramSlots);
  scope_ = fs_->top;
  pos_ = node->start;

  bool asyncFunction = node->isAsync && !node->isGenerator;
  Region asyncRegion{};
  if (asyncFunction) {
    emit(Op::AsyncFunctionEnter);
    asyncRegion = beginRegion();
  }
  emitPrologue(node);
  if (node->isGenerator) emit(Op::InitialYield);
  compileStatements(node->body);
  pos_ = node->end > 0 ? node->end - 1 : node->end;
  emit(Op::Undefined);
  emitAction({Action::Return, 0}, control_.size());
  if (asyncFunction) {
    Label* reject = newLabel();
    endRegion(asyncRegion, reject);
    reject->depth = 1;
    bind(reject);
    emit(Op::AsyncFunctionReject);
  }
  finishFunction();
}

void FunctionCompiler::finishFunction() {
  finishHandlers();
  if (nextLocal_ > 65535) sh_.fail("function has too many local variables");
  out_.localCount = uint16_t(std::min<uint32_t>(nextLocal_, 65535));
}

static void collectDeclList(Scope* top, DeclarationList& list, const std::vector<uint32_t>& funcChildren,
                            const std::vector<const FunctionNode*>& funcs, bool lexicals) {
  for (Binding* b : top->bindings) {
    if (b->kind == BindingKind::Var) list.varNames.push_back(b->name);
    else if (lexicals && (b->kind == BindingKind::Let || b->kind == BindingKind::Const || b->kind == BindingKind::Class))
      list.lexicals.push_back({b->name, b->kind == BindingKind::Const});
  }
  for (size_t i = 0; i < funcs.size(); i++) list.functions.push_back({funcs[i]->name->name, funcChildren[i]});
}

void FunctionCompiler::compileScript(const Program& p) {
  out_.kind = FunctionKind::Script;
  out_.flags = fs_->strict ? uint32_t(kStrict) : 0u;
  out_.name = u"";
  out_.sourceStart = 0;
  completion_ = temp();
  scope_ = fs_->top;
  DeclarationList decls;
  std::vector<uint32_t> children;
  for (const FunctionNode* f : fs_->top->hoistedFunctions) children.push_back(compileChild(f, f->name->name));
  collectDeclList(fs_->top, decls, children, fs_->top->hoistedFunctions, true);
  // Function names are not also var names.
  std::vector<std::u16string> vars;
  for (auto& v : decls.varNames) {
    bool isFn = false;
    for (auto& f : decls.functions) isFn |= f.name == v;
    if (!isFn) vars.push_back(v);
  }
  decls.varNames = vars;
  if (!decls.varNames.empty() || !decls.functions.empty() || !decls.lexicals.empty())
    emit(Op::GlobalDeclarationInstantiation, addConstant(std::move(decls)));
  compileStatements(p.body);
  emit(Op::GetLocal, uint32_t(completion_));
  emit(Op::Return);
  finishFunction();
}

void FunctionCompiler::compileEval(const Program& p) {
  out_.kind = FunctionKind::Eval;
  out_.flags = fs_->strict ? uint32_t(kStrict) : 0u;
  completion_ = temp();
  Scope* top = fs_->top;
  scope_ = top;
  if (top->hasEnv) emit(Op::PushEnv, scopeConstant(top));
  if (!fs_->strict) {
    // Vars and top-level functions go to the caller's variable environment.
    DeclarationList decls;
    std::vector<const Identifier*> names;
    std::vector<const FunctionNode*> funcs;
    for (const Node* n : p.body)
      if (n->kind == Kind::FunctionDecl) funcs.push_back(n->as<FunctionDecl>()->function);
    // VarDeclaredNames (through blocks, not functions).
    std::vector<const Node*> stack(p.body.rbegin(), p.body.rend());
    while (!stack.empty()) {
      const Node* n = stack.back();
      stack.pop_back();
      if (!n) continue;
      switch (n->kind) {
        case Kind::VarDecl:
          if (n->as<VarDecl>()->declKind == DeclKind::Var)
            for (auto& d : n->as<VarDecl>()->declarations) scope::boundNames(d.target, names);
          break;
        case Kind::Block: for (auto* s : n->as<Block>()->body) stack.push_back(s); break;
        case Kind::If: stack.push_back(n->as<If>()->consequent); stack.push_back(n->as<If>()->alternate); break;
        case Kind::For: stack.push_back(n->as<For>()->init); stack.push_back(n->as<For>()->body); break;
        case Kind::ForIn: stack.push_back(n->as<ForIn>()->left); stack.push_back(n->as<ForIn>()->body); break;
        case Kind::ForOf: stack.push_back(n->as<ForOf>()->left); stack.push_back(n->as<ForOf>()->body); break;
        case Kind::While: stack.push_back(n->as<While>()->body); break;
        case Kind::DoWhile: stack.push_back(n->as<DoWhile>()->body); break;
        case Kind::Labeled: stack.push_back(n->as<Labeled>()->body); break;
        case Kind::With: stack.push_back(n->as<With>()->body); break;
        case Kind::Try:
          stack.push_back(n->as<Try>()->block);
          stack.push_back(n->as<Try>()->handler);
          stack.push_back(n->as<Try>()->finalizer);
          break;
        case Kind::Switch:
          for (auto& c : n->as<Switch>()->cases)
            for (auto* s : c.body) stack.push_back(s);
          break;
        default: break;
      }
    }
    for (auto* f : funcs) decls.functions.push_back({f->name->name, compileChild(f, f->name->name)});
    for (auto* id : names) {
      bool dup = false;
      for (auto& v : decls.varNames) dup |= v == id->name;
      for (auto& f : decls.functions) dup |= f.name == id->name;
      if (!dup) decls.varNames.push_back(id->name);
    }
    if (!decls.varNames.empty() || !decls.functions.empty())
      emit(Op::EvalDeclarationInstantiation, addConstant(std::move(decls)));
  } else {
    for (const FunctionNode* f : top->hoistedFunctions) {
      emit(Op::Closure, compileChild(f, f->name->name));
      storeBinding(top->find(f->name->name), true);
    }
  }
  for (Binding* b : top->bindings)
    if (b->location == Location::Local && bindingStartsAsHole(b->kind) && b->hasCheckedRef) emit(Op::ClearLocal, b->index);
  compileStatements(p.body);
  emit(Op::GetLocal, uint32_t(completion_));
  emit(Op::Return);
  finishFunction();
}

static bool containsTopLevelAwait(const Program& p) {
  // An Await or for-await outside any function.
  std::vector<const Node*> stack(p.body.begin(), p.body.end());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!n) continue;
    switch (n->kind) {
      case Kind::Await: return true;
      case Kind::ForOf:
        if (n->as<ForOf>()->isAwait) return true;
        stack.push_back(n->as<ForOf>()->left);
        stack.push_back(n->as<ForOf>()->right);
        stack.push_back(n->as<ForOf>()->body);
        break;
      case Kind::Function: break;  // own scope
      case Kind::Class: {
        auto* c = n->as<ClassNode>();
        stack.push_back(c->superClass);
        for (auto& m : c->members)
          if (m.computed) stack.push_back(m.key);
        break;
      }
      case Kind::ExprStmt: stack.push_back(n->as<ExprStmt>()->expression); break;
      case Kind::VarDecl:
        for (auto& d : n->as<VarDecl>()->declarations) {
          stack.push_back(d.target);
          stack.push_back(d.init);
        }
        break;
      case Kind::Block: for (auto* s : n->as<Block>()->body) stack.push_back(s); break;
      case Kind::If:
        stack.push_back(n->as<If>()->test);
        stack.push_back(n->as<If>()->consequent);
        stack.push_back(n->as<If>()->alternate);
        break;
      case Kind::For:
        stack.push_back(n->as<For>()->init);
        stack.push_back(n->as<For>()->test);
        stack.push_back(n->as<For>()->update);
        stack.push_back(n->as<For>()->body);
        break;
      case Kind::ForIn: stack.push_back(n->as<ForIn>()->right); stack.push_back(n->as<ForIn>()->body); break;
      case Kind::While: stack.push_back(n->as<While>()->test); stack.push_back(n->as<While>()->body); break;
      case Kind::DoWhile: stack.push_back(n->as<DoWhile>()->test); stack.push_back(n->as<DoWhile>()->body); break;
      case Kind::Return: stack.push_back(n->as<Return>()->argument); break;
      case Kind::Throw: stack.push_back(n->as<Throw>()->argument); break;
      case Kind::Labeled: stack.push_back(n->as<Labeled>()->body); break;
      case Kind::Try:
        stack.push_back(n->as<Try>()->block);
        stack.push_back(n->as<Try>()->param);
        stack.push_back(n->as<Try>()->handler);
        stack.push_back(n->as<Try>()->finalizer);
        break;
      case Kind::Switch:
        stack.push_back(n->as<Switch>()->discriminant);
        for (auto& c : n->as<Switch>()->cases) {
          stack.push_back(c.test);
          for (auto* s : c.body) stack.push_back(s);
        }
        break;
      case Kind::ClassDecl: stack.push_back(n->as<ClassDecl>()->cls); break;
      case Kind::ExportNamed: stack.push_back(n->as<ExportNamed>()->declaration); break;
      case Kind::ExportDefault: stack.push_back(n->as<ExportDefault>()->value); break;
      case Kind::Unary: stack.push_back(n->as<Unary>()->argument); break;
      case Kind::Update: stack.push_back(n->as<Update>()->argument); break;
      case Kind::Binary: stack.push_back(n->as<Binary>()->left); stack.push_back(n->as<Binary>()->right); break;
      case Kind::Logical: stack.push_back(n->as<Logical>()->left); stack.push_back(n->as<Logical>()->right); break;
      case Kind::Assign: stack.push_back(n->as<Assign>()->target); stack.push_back(n->as<Assign>()->value); break;
      case Kind::Conditional:
        stack.push_back(n->as<Conditional>()->test);
        stack.push_back(n->as<Conditional>()->consequent);
        stack.push_back(n->as<Conditional>()->alternate);
        break;
      case Kind::Call:
        stack.push_back(n->as<Call>()->callee);
        for (auto* a : n->as<Call>()->arguments) stack.push_back(a);
        break;
      case Kind::New:
        stack.push_back(n->as<New>()->callee);
        for (auto* a : n->as<New>()->arguments) stack.push_back(a);
        break;
      case Kind::Member:
        stack.push_back(n->as<Member>()->object);
        if (n->as<Member>()->computed) stack.push_back(n->as<Member>()->property);
        break;
      case Kind::OptionalChain: stack.push_back(n->as<OptionalChain>()->expression); break;
      case Kind::Sequence: for (auto* e : n->as<Sequence>()->expressions) stack.push_back(e); break;
      case Kind::Spread: stack.push_back(n->as<Spread>()->argument); break;
      case Kind::ArrayLit: for (auto* e : n->as<ArrayLit>()->elements) stack.push_back(e); break;
      case Kind::ObjectLit:
        for (auto& pr : n->as<ObjectLit>()->properties) {
          if (pr.computed) stack.push_back(pr.key);
          if (pr.kind != PropKind::Get && pr.kind != PropKind::Set && pr.kind != PropKind::Method) stack.push_back(pr.value);
        }
        break;
      case Kind::TemplateLit: for (auto* e : n->as<TemplateLit>()->expressions) stack.push_back(e); break;
      case Kind::TaggedTemplate:
        stack.push_back(n->as<TaggedTemplate>()->tag);
        stack.push_back(n->as<TaggedTemplate>()->quasi);
        break;
      case Kind::ImportCall: stack.push_back(n->as<ImportCall>()->argument); break;
      case Kind::AssignPattern:
        stack.push_back(n->as<AssignPattern>()->target);
        stack.push_back(n->as<AssignPattern>()->defaultValue);
        break;
      case Kind::ArrayPattern: for (auto* e : n->as<ArrayPattern>()->elements) stack.push_back(e); break;
      case Kind::ObjectPattern:
        for (auto& pr : n->as<ObjectPattern>()->properties) {
          if (pr.computed) stack.push_back(pr.key);
          stack.push_back(pr.value);
        }
        stack.push_back(n->as<ObjectPattern>()->rest);
        break;
      case Kind::Rest: stack.push_back(n->as<Rest>()->target); break;
      case Kind::With: stack.push_back(n->as<With>()->object); stack.push_back(n->as<With>()->body); break;
      case Kind::PrivateIn: stack.push_back(n->as<PrivateIn>()->right); break;
      default: break;
    }
  }
  return false;
}

void FunctionCompiler::compileModule(const Program& p) {
  out_.kind = FunctionKind::Module;
  out_.flags = kStrict;
  Scope* top = fs_->top;
  ModuleDescriptor md;
  auto request = [&](const std::u16string& spec) {
    for (size_t i = 0; i < md.requests.size(); i++)
      if (md.requests[i] == spec) return uint32_t(i);
    md.requests.push_back(spec);
    return uint32_t(md.requests.size() - 1);
  };
  // Requests in source order (imports and re-exports interleaved).
  for (const Node* n : p.body) {
    if (n->kind == Kind::Import) {
      auto* im = n->as<Import>();
      uint32_t r = request(im->source);
      for (const auto& s : im->specifiers) md.imports.push_back({r, s.imported, s.local});
    } else if (n->kind == Kind::ExportNamed && n->as<ExportNamed>()->source) {
      request(*n->as<ExportNamed>()->source);
    } else if (n->kind == Kind::ExportAll) {
      request(n->as<ExportAll>()->source);
    }
  }
  auto localSlot = [&](const std::u16string& local) -> uint32_t {
    Binding* b = top->find(local);
    return b ? b->index : 0;
  };
  for (const Node* n : p.body) {
    if (n->kind == Kind::ExportNamed) {
      auto* e = n->as<ExportNamed>();
      if (e->source) {
        uint32_t r = request(*e->source);
        for (const auto& s : e->specifiers) md.indirectExports.push_back({s.exported, r, s.local});
      } else if (e->declaration) {
        std::vector<const Identifier*> names;
        const Node* d = e->declaration;
        if (d->kind == Kind::VarDecl)
          for (auto& dec : d->as<VarDecl>()->declarations) scope::boundNames(dec.target, names);
        else if (d->kind == Kind::FunctionDecl) names.push_back(d->as<FunctionDecl>()->function->name);
        else if (d->kind == Kind::ClassDecl) names.push_back(d->as<ClassDecl>()->cls->name);
        for (auto* id : names) md.localExports.push_back({id->name, localSlot(id->name), id->name});
      } else {
        for (const auto& s : e->specifiers) {
          Binding* b = top->find(s.local);
          if (b && b->kind == BindingKind::Import) {
            // Re-export of an import: an indirect export (or a namespace object).
            const auto& imp = md.imports[b->importIndex];
            if (imp.importName == u"*") md.localExports.push_back({s.exported, b->index, s.local});
            else md.indirectExports.push_back({s.exported, imp.request, imp.importName});
          } else {
            md.localExports.push_back({s.exported, localSlot(s.local), s.local});
          }
        }
      }
    } else if (n->kind == Kind::ExportDefault) {
      auto* e = n->as<ExportDefault>();
      std::u16string local = u"*default*";
      if (e->isDeclaration && e->value->kind == Kind::Function && e->value->as<FunctionNode>()->name)
        local = e->value->as<FunctionNode>()->name->name;
      if (e->isDeclaration && e->value->kind == Kind::Class && e->value->as<ClassNode>()->name)
        local = e->value->as<ClassNode>()->name->name;
      md.localExports.push_back({u"default", localSlot(local), local});
    } else if (n->kind == Kind::ExportAll) {
      auto* e = n->as<ExportAll>();
      uint32_t r = request(e->source);
      if (e->exportedName) md.indirectExports.push_back({*e->exportedName, r, u"*"});
      else md.starExports.push_back(r);
    }
  }
  md.hasTopLevelAwait = containsTopLevelAwait(p);
  if (md.hasTopLevelAwait) out_.flags |= kAsync;
  scope_ = top;
  md.scopeConstant = scopeConstant(top);
  for (const FunctionNode* f : top->hoistedFunctions) {
    std::u16string local = f->name ? f->name->name : u"*default*";
    uint32_t child = compileChild(f, f->name ? f->name->name : u"default");
    md.functions.push_back({localSlot(local), child});
  }
  out_.module = std::move(md);
  Region asyncRegion{};
  if (out_.module->hasTopLevelAwait) {
    emit(Op::AsyncFunctionEnter);
    asyncRegion = beginRegion();
  }
  compileStatements(p.body);
  emit(Op::Undefined);
  emitFunctionReturn();
  if (out_.module->hasTopLevelAwait) {
    Label* reject = newLabel();
    endRegion(asyncRegion, reject);
    reject->depth = 1;
    bind(reject);
    emit(Op::AsyncFunctionReject);
  }
  finishFunction();
}

template <class F>
std::optional<CompiledFunction> run(const Program& program, kiln::FunctionKind kind, bool strict, const SourceFile* source,
                                    const EvalContext* eval, std::string* error, F body, bool optimize = true) {
  Shared sh;
  sh.optimize = optimize;
  sh.source = source;
  sh.error = error;
  sh.eval = eval;
  std::string analysisError;
  if (!sh.tree.analyze(program, kind, strict, &analysisError)) {
    if (error) *error = analysisError;
    return std::nullopt;
  }
  CompiledFunction out;
  {
    FunctionCompiler fc(sh, sh.tree.topFunction(), out);
    body(fc);
  }
  if (sh.failed) return std::nullopt;
  if (source) out.sourceEnd = uint32_t(source->text().size());
  return out;
}

}  // namespace

std::optional<CompiledFunction> compileScript(const Program& program, const SourceFile& source, std::string* error) {
  return run(program, kiln::FunctionKind::Script, program.isStrict, &source, nullptr, error,
             [&](FunctionCompiler& fc) { fc.compileScript(program); });
}

std::optional<CompiledFunction> compileModule(const Program& program, const SourceFile& source, std::string* error,
                                              bool optimize) {
  return run(program, kiln::FunctionKind::Module, true, &source, nullptr, error,
             [&](FunctionCompiler& fc) { fc.compileModule(program); }, optimize);
}

std::optional<CompiledFunction> compileEval(const Program& program, const EvalContext& context,
                                            const SourceFile& source, std::string* error) {
  return run(program, kiln::FunctionKind::Eval, context.strict || program.isStrict, &source, &context, error,
             [&](FunctionCompiler& fc) { fc.compileEval(program); });
}

std::optional<CompiledFunction> compileDynamicFunction(const Program& program, const SourceFile& source,
                                                       std::string* error) {
  auto script = run(program, kiln::FunctionKind::Script, false, &source, nullptr, error,
                    [&](FunctionCompiler& fc) { fc.compileScript(program); });
  if (!script) return std::nullopt;
  // The program is one ExprStmt holding the function: its Closure is child 0.
  if (script->children.empty()) {
    if (error) *error = "dynamic function program has no function";
    return std::nullopt;
  }
  CompiledFunction f = std::move(script->children[0]);
  return f;
}

}  // namespace kiln
