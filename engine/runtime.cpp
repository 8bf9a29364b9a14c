#include "engine/runtime.h"

#include <cstring>

#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/hash_table.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

#define KILN_TRY_STATUS_KEY(expr)                           \
  ({                                                       \
    Value kiln_k_ = (expr);                                \
    if (kiln_k_.isException()) return Status::Exception;   \
    kiln_k_;                                               \
  })

namespace {

std::string nameText(VM& vm, Value name) { return toUtf8(vm, name); }

Value referenceError(VM& vm, const std::string& msg) { return vm.throwError(ErrorType::ReferenceError, msg); }

Value tdzError(VM& vm, Value name) {
  return referenceError(vm, "Cannot access '" + nameText(vm, name) + "' before initialization");
}

ValueArrayCell* arr(VM& vm, Value v) { return vm.cell<ValueArrayCell>(v); }

Ref lexicalsTable(VM& vm) { return vm.intrinsic(Intrinsic::GlobalLexicals).ref(); }

}  // namespace

// ---- environments --------------------------------------------------------------------

Ref newEnvironment(VM& vm, Value scopeConst, Ref parent) {
  Root s(vm.heap(), scopeConst);
  RootRef p(vm.heap(), parent);
  ValueArrayCell* desc = arr(vm, scopeConst);
  uint32_t n = (desc->length - 1) / 2;
  Ref r = vm.allocate(CellKind::Environment, sizeof(EnvironmentCell) + n * sizeof(Value));
  if (!r) return 0;
  auto* e = vm.cell<EnvironmentCell>(r);
  desc = arr(vm, s.get());
  e->parent = p.get();
  e->scope = s.get();
  e->object = Value::undefined();
  e->count = n;
  for (uint32_t i = 0; i < n; i++) {
    auto kind = BindingKind(desc->data()[2 + 2 * i].asInt());
    e->slots()[i] = bindingStartsAsHole(kind) ? Value::hole() : Value::undefined();
  }
  return r;
}

Ref newWithEnvironment(VM& vm, Value object, Ref parent) {
  Root o(vm.heap(), object);
  RootRef p(vm.heap(), parent);
  Ref r = vm.allocate(CellKind::Environment, sizeof(EnvironmentCell));
  if (!r) return 0;
  auto* e = vm.cell<EnvironmentCell>(r);
  e->flags = EnvironmentCell::kWith;
  e->parent = p.get();
  e->scope = Value::undefined();
  e->object = o.get();
  return r;
}

Ref cloneEnvironment(VM& vm, Ref env) {
  RootRef src(vm.heap(), env);
  uint32_t size = vm.cell(env)->size;
  Ref r = vm.allocate(CellKind::Environment, size);
  if (!r) return 0;
  std::memcpy(reinterpret_cast<uint8_t*>(vm.cell(r)) + sizeof(CellHeader),
              reinterpret_cast<uint8_t*>(vm.cell(src.get())) + sizeof(CellHeader), size - sizeof(CellHeader));
  vm.cell(r)->flags = vm.cell(src.get())->flags;
  return r;
}

// ---- globals -------------------------------------------------------------------------

Value getGlobal(VM& vm, Value name) {
  Ref lex = lexicalsTable(vm);
  uint32_t i = hashTableFind(vm, lex, name);
  if (i != kNotFound) {
    Value v = vm.cell<HashTableCell>(lex)->entry(i)[1];
    if (v.isHole()) return tdzError(vm, name);
    return v;
  }
  Value global = vm.intrinsic(Intrinsic::GlobalObject);
  Root n(vm.heap(), name);
  Status has = hasProperty(vm, global, name);
  if (has == Status::Exception) return Value::exception();
  if (has == Status::False) return referenceError(vm, nameText(vm, n.get()) + " is not defined");
  return get(vm, vm.intrinsic(Intrinsic::GlobalObject), n.get());
}

Value typeofGlobal(VM& vm, Value name) {
  Ref lex = lexicalsTable(vm);
  uint32_t i = hashTableFind(vm, lex, name);
  if (i != kNotFound) {
    Value v = vm.cell<HashTableCell>(lex)->entry(i)[1];
    if (v.isHole()) return tdzError(vm, name);
    return typeOf(vm, v);
  }
  Root n(vm.heap(), name);
  Status has = hasProperty(vm, vm.intrinsic(Intrinsic::GlobalObject), name);
  if (has == Status::Exception) return Value::exception();
  if (has == Status::False) return vm.atom(Atom::undefined);
  Value v = KILN_TRY(get(vm, vm.intrinsic(Intrinsic::GlobalObject), n.get()));
  return typeOf(vm, v);
}

Status setGlobal(VM& vm, Value name, Value v, bool strict) {
  Ref lex = lexicalsTable(vm);
  uint32_t i = hashTableFind(vm, lex, name);
  if (i != kNotFound) {
    Value* e = vm.cell<HashTableCell>(lex)->entry(i);
    if (e[1].isHole()) { tdzError(vm, name); return Status::Exception; }
    if (e[2].isTrue()) { vm.throwTypeError("Assignment to constant variable."); return Status::Exception; }
    e[1] = v;
    return Status::True;
  }
  Root n(vm.heap(), name), val(vm.heap(), v);
  Value global = vm.intrinsic(Intrinsic::GlobalObject);
  if (strict) {
    Status has = hasProperty(vm, global, name);
    if (has == Status::Exception) return has;
    if (has == Status::False) {
      referenceError(vm, nameText(vm, n.get()) + " is not defined");
      return Status::Exception;
    }
  }
  Status s = set(vm, vm.intrinsic(Intrinsic::GlobalObject), n.get(), val.get(), vm.intrinsic(Intrinsic::GlobalObject));
  if (s == Status::False && strict) {
    vm.throwTypeError("Cannot assign to read only property '" + nameText(vm, n.get()) + "' of object '#<Object>'");
    return Status::Exception;
  }
  return s == Status::Exception ? s : Status::True;
}

Value deleteGlobal(VM& vm, Value name) {
  if (hashTableFind(vm, lexicalsTable(vm), name) != kNotFound) return Value::boolean(false);
  Status s = deleteProperty(vm, vm.intrinsic(Intrinsic::GlobalObject), name);
  if (s == Status::Exception) return Value::exception();
  return Value::boolean(s == Status::True);
}

Status initGlobalLexical(VM& vm, Value name, Value v) {
  Ref lex = lexicalsTable(vm);
  uint32_t i = hashTableFind(vm, lex, name);
  if (i == kNotFound) return Status::False;
  vm.cell<HashTableCell>(lex)->entry(i)[1] = v;
  return Status::True;
}

namespace {

// CanDeclareGlobalFunction (§9.1.1.4.16)
Status canDeclareGlobalFunction(VM& vm, Value global, Value name) {
  PropertyDescriptor d;
  Status s = getOwnProperty(vm, global, name, &d);
  if (s == Status::Exception) return s;
  if (s == Status::False) return isExtensible(vm, global);
  if (d.configurable) return Status::True;
  return toStatus(d.isData() && d.writable && d.enumerable);
}

Status canDeclareGlobalVar(VM& vm, Value global, Value name) {
  Status s = hasOwnProperty(vm, global, name);
  if (s != Status::False) return s;
  return isExtensible(vm, global);
}

Status createGlobalFunctionBinding(VM& vm, Value global, Value name, Value fn, bool deletable) {
  Root g(vm.heap(), global), n(vm.heap(), name), f(vm.heap(), fn);
  PropertyDescriptor existing;
  Status s = getOwnProperty(vm, global, name, &existing);
  if (s == Status::Exception) return s;
  PropertyDescriptor d;
  if (s == Status::False || existing.configurable) {
    d = PropertyDescriptor::data(fn, kWritable | kEnumerable | (deletable ? kConfigurable : 0));
  } else {
    d.value = fn;
    d.hasValue = true;
  }
  if (definePropertyOrThrow(vm, g.get(), n.get(), d) == Status::Exception) return Status::Exception;
  return setOrThrow(vm, g.get(), n.get(), f.get());
}

Status createGlobalVarBinding(VM& vm, Value global, Value name, bool deletable) {
  Status has = hasOwnProperty(vm, global, name);
  if (has == Status::Exception) return has;
  if (has == Status::True) return Status::True;
  Status ext = isExtensible(vm, global);
  if (ext != Status::True) return ext == Status::Exception ? ext : Status::True;
  return definePropertyOrThrow(vm, global, name,
                               PropertyDescriptor::data(Value::undefined(), kWritable | kEnumerable | (deletable ? kConfigurable : 0)));
}

}  // namespace

// GlobalDeclarationInstantiation (§16.1.7)
Status globalDeclarationInstantiation(VM& vm, Value declsV, Value info, Ref env) {
  Root decls(vm.heap(), declsV), inf(vm.heap(), info);
  RootRef envRoot(vm.heap(), env);
  Root global(vm.heap(), vm.intrinsic(Intrinsic::GlobalObject));
  auto list = [&](uint32_t i) { return arr(vm, arr(vm, decls.get())->data()[i]); };
  Ref lex = lexicalsTable(vm);
  // 3. lexically declared names: no clash with lexical or var names, nor restricted globals.
  for (uint32_t i = 0; i < list(2)->length; i += 2) {
    Value name = list(2)->data()[i];
    if (hashTableFind(vm, lex, name) != kNotFound) {
      vm.throwError(ErrorType::SyntaxError, "Identifier '" + nameText(vm, name) + "' has already been declared");
      return Status::Exception;
    }
    PropertyDescriptor d;
    Status s = getOwnProperty(vm, global.get(), name, &d);
    if (s == Status::Exception) return s;
    if (s == Status::True && !d.configurable) {
      vm.throwError(ErrorType::SyntaxError, "Identifier '" + nameText(vm, list(2)->data()[i]) + "' has already been declared");
      return Status::Exception;
    }
  }
  // 4. var and function names must not clash with lexical declarations.
  for (uint32_t k = 0; k < 2; k++) {
    ValueArrayCell* l = list(k);
    uint32_t step = k == 0 ? 1 : 2;
    for (uint32_t i = 0; i < l->length; i += step) {
      Value name = list(k)->data()[i];
      if (hashTableFind(vm, lexicalsTable(vm), name) != kNotFound) {
        vm.throwError(ErrorType::SyntaxError, "Identifier '" + nameText(vm, name) + "' has already been declared");
        return Status::Exception;
      }
    }
  }
  for (uint32_t i = 0; i < list(1)->length; i += 2) {
    Value name = list(1)->data()[i];
    Status s = canDeclareGlobalFunction(vm, global.get(), name);
    if (s == Status::Exception) return s;
    if (s == Status::False) {
      vm.throwTypeError("Cannot redefine global function '" + nameText(vm, list(1)->data()[i]) + "'");
      return Status::Exception;
    }
  }
  for (uint32_t i = 0; i < list(0)->length; i++) {
    Value name = list(0)->data()[i];
    Status s = canDeclareGlobalVar(vm, global.get(), name);
    if (s == Status::Exception) return s;
    if (s == Status::False) {
      vm.throwTypeError("Cannot declare global variable '" + nameText(vm, list(0)->data()[i]) + "'");
      return Status::Exception;
    }
  }
  for (uint32_t i = 0; i < list(2)->length; i += 2) {
    Value entry[2] = {Value::hole(), list(2)->data()[i + 1]};
    Ref t = hashTableAdd(vm, lexicalsTable(vm), list(2)->data()[i], entry);
    if (!t) return Status::Exception;
    vm.setIntrinsic(Intrinsic::GlobalLexicals, Value::cell(t));
  }
  for (uint32_t i = 0; i < list(1)->length; i += 2) {
    uint32_t child = uint32_t(list(1)->data()[i + 1].asInt());
    Value childInfo = arr(vm, Value::cell(vm.cell<FunctionInfoCell>(inf.get())->children))->data()[child];
    Value fn = newClosure(vm, childInfo, envRoot.get());
    if (fn.isException()) return Status::Exception;
    if (createGlobalFunctionBinding(vm, global.get(), list(1)->data()[i], fn, false) == Status::Exception)
      return Status::Exception;
  }
  for (uint32_t i = 0; i < list(0)->length; i++) {
    if (createGlobalVarBinding(vm, global.get(), list(0)->data()[i], false) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

// EvalDeclarationInstantiation (§19.2.1.3), for sloppy direct eval and indirect eval.
Status evalDeclarationInstantiation(VM& vm, Value declsV, Value info, Ref env, bool strict) {
  Root decls(vm.heap(), declsV), inf(vm.heap(), info);
  RootRef envRoot(vm.heap(), env);
  auto list = [&](uint32_t i) { return arr(vm, arr(vm, decls.get())->data()[i]); };
  // Find the variable environment: the nearest var-scope declarative env, else global.
  Ref varEnv = 0;
  for (Ref e = env; e; e = vm.cell<EnvironmentCell>(e)->parent) {
    auto* ec = vm.cell<EnvironmentCell>(e);
    if (ec->flags & EnvironmentCell::kWith) continue;
    if (arr(vm, ec->scope)->data()[0].asInt() & scope::kVarScope) { varEnv = e; break; }
  }
  // Var names must not clash with lexical bindings between here and the var scope.
  for (uint32_t k = 0; k < 2; k++) {
    uint32_t step = k == 0 ? 1 : 2;
    for (uint32_t i = 0; i < list(k)->length; i += step) {
      Value name = list(k)->data()[i];
      for (Ref e = envRoot.get(); e && e != varEnv; e = vm.cell<EnvironmentCell>(e)->parent) {
        auto* ec = vm.cell<EnvironmentCell>(e);
        if (ec->flags & EnvironmentCell::kWith) continue;
        ValueArrayCell* d = arr(vm, ec->scope);
        for (uint32_t j = 0; j < ec->count; j++) {
          if (d->data()[1 + 2 * j] == name) {
            auto kind = BindingKind(d->data()[2 + 2 * j].asInt());
            if (kind != BindingKind::Var && kind != BindingKind::Param && kind != BindingKind::Function &&
                kind != BindingKind::Arguments && kind != BindingKind::FunctionName) {
              vm.throwError(ErrorType::SyntaxError, "Identifier '" + nameText(vm, name) + "' has already been declared");
              return Status::Exception;
            }
          }
        }
      }
      if (!varEnv && hashTableFind(vm, lexicalsTable(vm), name) != kNotFound) {
        vm.throwError(ErrorType::SyntaxError, "Identifier '" + nameText(vm, name) + "' has already been declared");
        return Status::Exception;
      }
    }
  }
  RootRef varEnvRoot(vm.heap(), varEnv);
  auto declare = [&](Value name, Value v, bool isFunction) -> Status {
    Root n(vm.heap(), name), val(vm.heap(), v);
    if (!varEnvRoot.get()) {
      Root global(vm.heap(), vm.intrinsic(Intrinsic::GlobalObject));
      if (isFunction) return createGlobalFunctionBinding(vm, global.get(), n.get(), val.get(), true);
      return createGlobalVarBinding(vm, global.get(), n.get(), true);
    }
    // A declarative var scope: an existing slot, else its extension table.
    auto* ec = vm.cell<EnvironmentCell>(varEnvRoot.get());
    ValueArrayCell* d = arr(vm, ec->scope);
    for (uint32_t j = 0; j < ec->count; j++) {
      if (d->data()[1 + 2 * j] == n.get()) {
        if (isFunction) ec->slots()[j] = val.get();
        return Status::True;
      }
    }
    if (!ec->object.isCell()) {
      Ref t = newHashTable(vm, 2, 4);
      if (!t) return Status::Exception;
      vm.cell<EnvironmentCell>(varEnvRoot.get())->object = Value::cell(t);
    }
    Ref table = vm.cell<EnvironmentCell>(varEnvRoot.get())->object.ref();
    uint32_t i = hashTableFind(vm, table, n.get());
    if (i != kNotFound) {
      if (isFunction) vm.cell<HashTableCell>(table)->entry(i)[1] = val.get();
      return Status::True;
    }
    Value entry[1] = {isFunction ? val.get() : Value::undefined()};
    Ref t = hashTableAdd(vm, table, n.get(), entry);
    if (!t) return Status::Exception;
    vm.cell<EnvironmentCell>(varEnvRoot.get())->object = Value::cell(t);
    return Status::True;
  };
  if (!varEnv) {
    Root global(vm.heap(), vm.intrinsic(Intrinsic::GlobalObject));
    for (uint32_t i = 0; i < list(1)->length; i += 2) {
      Status s = canDeclareGlobalFunction(vm, global.get(), list(1)->data()[i]);
      if (s == Status::Exception) return s;
      if (s == Status::False) { vm.throwTypeError("Cannot declare global function"); return Status::Exception; }
    }
    for (uint32_t i = 0; i < list(0)->length; i++) {
      Status s = canDeclareGlobalVar(vm, global.get(), list(0)->data()[i]);
      if (s == Status::Exception) return s;
      if (s == Status::False) { vm.throwTypeError("Cannot declare global variable"); return Status::Exception; }
    }
  }
  for (uint32_t i = 0; i < list(1)->length; i += 2) {
    uint32_t child = uint32_t(list(1)->data()[i + 1].asInt());
    Value childInfo = arr(vm, Value::cell(vm.cell<FunctionInfoCell>(inf.get())->children))->data()[child];
    Value fn = newClosure(vm, childInfo, envRoot.get());
    if (fn.isException()) return Status::Exception;
    if (declare(list(1)->data()[i], fn, true) == Status::Exception) return Status::Exception;
  }
  for (uint32_t i = 0; i < list(0)->length; i++) {
    if (declare(list(0)->data()[i], Value::undefined(), false) == Status::Exception) return Status::Exception;
  }
  (void)strict;
  return Status::True;
}

// ---- name-based lookups ------------------------------------------------------------------

namespace {

enum class Found { No, Slot, Object, Extension, Error };

struct NameRef {
  Found found = Found::No;
  Ref env = 0;
  uint32_t slot = 0;
  BindingKind kind = BindingKind::Var;
  Value object;
};

// Walks the chain; object environments consult HasProperty and @@unscopables.
NameRef resolveName(VM& vm, Ref env, Value name) {
  NameRef r;
  Root n(vm.heap(), name);
  RootRef cur(vm.heap(), env);
  while (cur.get()) {
    auto* ec = vm.cell<EnvironmentCell>(cur.get());
    if (ec->flags & EnvironmentCell::kWith) {
      Root o(vm.heap(), ec->object);
      Status has = hasProperty(vm, o.get(), n.get());
      if (has == Status::Exception) { r.found = Found::Error; return r; }
      if (has == Status::True) {
        Value u = get(vm, o.get(), vm.wellKnown(WellKnown::unscopables));
        if (u.isException()) { r.found = Found::Error; return r; }
        bool blocked = false;
        if (u.isObject()) {
          Value b = get(vm, u, n.get());
          if (b.isException()) { r.found = Found::Error; return r; }
          blocked = toBoolean(vm, b);
        }
        if (!blocked) {
          r.found = Found::Object;
          r.object = o.get();
          r.env = cur.get();
          return r;
        }
      }
    } else {
      ValueArrayCell* d = vm.cell<ValueArrayCell>(ec->scope);
      for (uint32_t j = 0; j < ec->count; j++) {
        if (d->data()[1 + 2 * j] == n.get()) {
          r.found = Found::Slot;
          r.env = cur.get();
          r.slot = j;
          r.kind = BindingKind(d->data()[2 + 2 * j].asInt());
          return r;
        }
      }
      if (ec->object.isCell()) {
        uint32_t i = hashTableFind(vm, ec->object.ref(), n.get());
        if (i != kNotFound) {
          r.found = Found::Extension;
          r.env = cur.get();
          r.slot = i;
          return r;
        }
      }
    }
    cur.set(vm.cell<EnvironmentCell>(cur.get())->parent);
  }
  return r;
}

}  // namespace

Value getName(VM& vm, Ref env, Value name, Value* thisOut) {
  Root n(vm.heap(), name);
  NameRef r = resolveName(vm, env, name);
  if (thisOut) *thisOut = Value::undefined();
  switch (r.found) {
    case Found::Error: return Value::exception();
    case Found::No: return getGlobal(vm, n.get());
    case Found::Slot: {
      Value v = vm.cell<EnvironmentCell>(r.env)->slots()[r.slot];
      if (v.isHole()) return tdzError(vm, n.get());
      return v;
    }
    case Found::Extension:
      return vm.cell<HashTableCell>(vm.cell<EnvironmentCell>(r.env)->object.ref())->entry(r.slot)[1];
    case Found::Object: {
      Root o(vm.heap(), r.object);
      if (thisOut) *thisOut = r.object;
      return get(vm, o.get(), n.get());
    }
  }
  return Value::undefined();
}

Value typeofName(VM& vm, Ref env, Value name) {
  Root n(vm.heap(), name);
  NameRef r = resolveName(vm, env, name);
  if (r.found == Found::No) return typeofGlobal(vm, n.get());
  if (r.found == Found::Error) return Value::exception();
  Value v = KILN_TRY(getName(vm, env, n.get()));
  return typeOf(vm, v);
}

Status setName(VM& vm, Ref env, Value name, Value v, bool strict) {
  Root n(vm.heap(), name), val(vm.heap(), v);
  NameRef r = resolveName(vm, env, name);
  switch (r.found) {
    case Found::Error: return Status::Exception;
    case Found::No: return setGlobal(vm, n.get(), val.get(), strict);
    case Found::Slot: {
      Value* slot = &vm.cell<EnvironmentCell>(r.env)->slots()[r.slot];
      if (slot->isHole()) { tdzError(vm, n.get()); return Status::Exception; }
      if (r.kind == BindingKind::Const || r.kind == BindingKind::ClassInner) {
        vm.throwTypeError("Assignment to constant variable.");
        return Status::Exception;
      }
      if (r.kind == BindingKind::FunctionName) {
        if (strict) { vm.throwTypeError("Assignment to constant variable."); return Status::Exception; }
        return Status::True;
      }
      *slot = val.get();
      return Status::True;
    }
    case Found::Extension:
      vm.cell<HashTableCell>(vm.cell<EnvironmentCell>(r.env)->object.ref())->entry(r.slot)[1] = val.get();
      return Status::True;
    case Found::Object: {
      Root o(vm.heap(), r.object);
      Status still = hasProperty(vm, o.get(), n.get());
      if (still == Status::Exception) return still;
      if (still == Status::False && strict) {
        referenceError(vm, nameText(vm, n.get()) + " is not defined");
        return Status::Exception;
      }
      Status s = set(vm, o.get(), n.get(), val.get(), o.get());
      if (s == Status::False && strict) {
        vm.throwTypeError("Cannot assign to read only property '" + nameText(vm, n.get()) + "'");
        return Status::Exception;
      }
      return s == Status::Exception ? s : Status::True;
    }
  }
  return Status::True;
}

Value deleteName(VM& vm, Ref env, Value name) {
  Root n(vm.heap(), name);
  NameRef r = resolveName(vm, env, name);
  switch (r.found) {
    case Found::Error: return Value::exception();
    case Found::No: return deleteGlobal(vm, n.get());
    case Found::Slot: return Value::boolean(false);
    case Found::Extension: {
      Ref t = vm.cell<EnvironmentCell>(r.env)->object.ref();
      hashTableRemove(vm, t, n.get());
      return Value::boolean(true);
    }
    case Found::Object: {
      Status s = deleteProperty(vm, r.object, n.get());
      if (s == Status::Exception) return Value::exception();
      return Value::boolean(s == Status::True);
    }
  }
  return Value::boolean(true);
}

// ---- classes ----------------------------------------------------------------------------

Value createClass(VM& vm, Value classConst, Value info, Ref env, Value heritage, bool hasHeritage, Value* protoOut) {
  Root cc(vm.heap(), classConst), inf(vm.heap(), info), her(vm.heap(), heritage);
  RootRef envRoot(vm.heap(), env);
  Root protoParent(vm.heap(), vm.intrinsic(Intrinsic::ObjectPrototype));
  Root ctorParent(vm.heap(), vm.intrinsic(Intrinsic::FunctionPrototype));
  if (hasHeritage) {
    if (heritage.isNull()) {
      protoParent.set(Value::null());
    } else if (!isConstructor(vm, heritage)) {
      return vm.throwTypeError("Class extends value " + describe(vm, heritage) + " is not a constructor or null");
    } else {
      Value pp = KILN_TRY(get(vm, her.get(), vm.atom(Atom::prototype)));
      if (!pp.isObject() && !pp.isNull())
        return vm.throwTypeError("Class extends value does not have valid prototype property " + describe(vm, pp));
      protoParent.set(pp);
      ctorParent.set(her.get());
    }
  }
  Root proto(vm.heap(), KILN_TRY(newObject(vm, protoParent.get())));
  ValueArrayCell* c = arr(vm, cc.get());
  uint32_t ctorIndex = uint32_t(c->data()[0].asInt());
  Value ctorInfo = arr(vm, Value::cell(vm.cell<FunctionInfoCell>(inf.get())->children))->data()[ctorIndex];
  Root ctor(vm.heap(), KILN_TRY(newClosure(vm, ctorInfo, envRoot.get())));
  auto* f = vm.cell<FunctionCell>(ctor.get());
  f->proto = ctorParent.get().ref();
  f->home = proto.get();
  f->flags |= ObjectCell::kClassConstructor | ObjectCell::kIsConstructor;
  Value name = arr(vm, cc.get())->data()[1];
  if (setFunctionName(vm, ctor.get(), name) == Status::Exception) return Value::exception();
  defineValue(vm, ctor.get(), vm.atom(Atom::prototype), proto.get(), 0);
  defineValue(vm, proto.get(), vm.atom(Atom::constructor), ctor.get(), kWritable | kConfigurable);
  *protoOut = proto.get();
  return ctor.get();
}

Status defineMethodProperty(VM& vm, Value obj, Value key, Value fn, int kind, bool enumerable) {
  // Literal keys arrive as strings: "0" is keyed by number like every index.
  if (key.isString()) key = KILN_TRY_STATUS_KEY(keyFromString(vm, key));
  Root o(vm.heap(), obj), k(vm.heap(), key), f(vm.heap(), fn);
  if (kindOf(vm, fn) == CellKind::Function) vm.cell<FunctionCell>(fn)->home = obj;
  Value prefix = kind == 1 ? vm.atom(Atom::get_space) : kind == 2 ? vm.atom(Atom::set_space) : Value::undefined();
  if (setFunctionName(vm, f.get(), k.get(), prefix) == Status::Exception) return Status::Exception;
  PropertyDescriptor d;
  d.hasEnumerable = d.hasConfigurable = true;
  d.enumerable = enumerable;
  d.configurable = true;
  if (kind == 0) {
    d.value = f.get();
    d.hasValue = d.hasWritable = true;
    d.writable = true;
  } else if (kind == 1) {
    d.getter = f.get();
    d.hasGet = true;
  } else {
    d.setter = f.get();
    d.hasSet = true;
  }
  return definePropertyOrThrow(vm, o.get(), k.get(), d);
}

// ---- private names ------------------------------------------------------------------------
// A Private Name is a ValueArray cell [description, kind, method-or-getter, setter],
// kind 0: field, 1: method, 2: accessor. Objects hold private elements in
// their named storage under the Private Name cell (invisible to ownKeys).

Value newPrivateName(VM& vm, Value description) {
  Root d(vm.heap(), description);
  Ref r = newValueArray(vm, 4, 4);
  if (!r) return Value::exception();
  Value* v = vm.cell<ValueArrayCell>(r)->data();
  v[0] = d.get();
  v[1] = Value::int32(0);
  return Value::cell(r);
}

Status definePrivateMethod(VM& vm, Value pn, Value fn, int kind) {
  Value* v = arr(vm, pn)->data();
  if (kind == 0) {
    v[1] = Value::int32(1);
    v[2] = fn;
  } else {
    v[1] = Value::int32(2);
    v[kind == 1 ? 2 : 3] = fn;
  }
  return Status::True;
}

namespace {
std::string privateText(VM& vm, Value pn) { return toUtf8(vm, arr(vm, pn)->data()[0]); }
}  // namespace

Status addPrivateMethod(VM& vm, Value obj, Value pn) {
  if (findPrivateElement(vm, obj, pn)) {
    vm.throwTypeError("Cannot initialize private methods of class twice on the same object");
    return Status::Exception;
  }
  return addPrivateElement(vm, obj, pn, Value::undefined());
}

Status definePrivateField(VM& vm, Value obj, Value pn, Value v) {
  if (!obj.isObject()) {
    vm.throwTypeError("Cannot define private field on a non-object");
    return Status::Exception;
  }
  if (findPrivateElement(vm, obj, pn)) {
    vm.throwTypeError("Cannot initialize " + privateText(vm, pn) + " twice on the same object");
    return Status::Exception;
  }
  return addPrivateElement(vm, obj, pn, v);
}

Value getPrivate(VM& vm, Value obj, Value pn) {
  Value* slot = obj.isObject() ? findPrivateElement(vm, obj, pn) : nullptr;
  if (!slot) return vm.throwTypeError("Cannot read private member " + privateText(vm, pn) + " from an object whose class did not declare it");
  Value* p = arr(vm, pn)->data();
  int kind = p[1].asInt();
  if (kind == 0) return *slot;
  if (kind == 1) return p[2];
  if (p[2].isUndefined()) return vm.throwTypeError("'" + privateText(vm, pn) + "' was defined without a getter");
  return call(vm, p[2], obj);
}

Status setPrivate(VM& vm, Value obj, Value pn, Value v) {
  Value* slot = obj.isObject() ? findPrivateElement(vm, obj, pn) : nullptr;
  if (!slot) {
    vm.throwTypeError("Cannot write private member " + privateText(vm, pn) + " to an object whose class did not declare it");
    return Status::Exception;
  }
  Value* p = arr(vm, pn)->data();
  int kind = p[1].asInt();
  if (kind == 0) { *slot = v; return Status::True; }
  if (kind == 1) { vm.throwTypeError("Private method is not writable"); return Status::Exception; }
  if (p[3].isUndefined()) {
    vm.throwTypeError("'" + privateText(vm, pn) + "' was defined without a setter");
    return Status::Exception;
  }
  Value args[1] = {v};
  return call(vm, p[3], obj, args).isException() ? Status::Exception : Status::True;
}

Value hasPrivate(VM& vm, Value obj, Value pn) {
  if (!obj.isObject()) return vm.throwTypeError("Cannot use 'in' operator to search for '" + privateText(vm, pn) + "' in " + describe(vm, obj));
  return Value::boolean(findPrivateElement(vm, obj, pn) != nullptr);
}

// ---- literals ----------------------------------------------------------------------------

Value getTemplateObject(VM& vm, Value siteV) {
  Root site(vm.heap(), siteV);
  Value cached = arr(vm, siteV)->data()[2];
  if (cached.isObject()) return cached;
  Value cookedList = arr(vm, siteV)->data()[0];
  Value rawList = arr(vm, siteV)->data()[1];
  uint32_t n = arr(vm, cookedList)->length;
  Root cooked(vm.heap(), KILN_TRY(newArrayFrom(vm, {arr(vm, cookedList)->data(), n})));
  Root raw(vm.heap(), KILN_TRY(newArrayFrom(vm, {arr(vm, arr(vm, site.get())->data()[1])->data(), n})));
  (void)rawList;
  if (setIntegrityLevel(vm, raw.get(), true) == Status::Exception) return Value::exception();
  defineValue(vm, cooked.get(), vm.atom(Atom::raw), raw.get(), 0);
  if (setIntegrityLevel(vm, cooked.get(), true) == Status::Exception) return Value::exception();
  arr(vm, site.get())->data()[2] = cooked.get();
  return cooked.get();
}

Value copyDataProperties(VM& vm, Value target, Value source, std::span<const Value> excluded) {
  if (source.isNullish()) return target;
  Root t(vm.heap(), target);
  Root from(vm.heap(), KILN_TRY(toObject(vm, source)));
  // Copy the excluded keys: `excluded` may point into the VM stack, which stays put.
  RootRef keys(vm.heap(), ownPropertyKeys(vm, from.get()));
  if (!keys.get()) return Value::exception();
  uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
  for (uint32_t i = 0; i < n; i++) {
    Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
    bool skip = false;
    for (Value e : excluded)
      if (e == key.get()) { skip = true; break; }
    if (skip) continue;
    PropertyDescriptor d;
    Status s = getOwnProperty(vm, from.get(), key.get(), &d);
    if (s == Status::Exception) return Value::exception();
    if (s == Status::False || !d.enumerable) continue;
    Value v = KILN_TRY(get(vm, from.get(), key.get()));
    if (createDataProperty(vm, t.get(), key.get(), v) == Status::Exception) return Value::exception();
  }
  return t.get();
}

Value newRegExpFromConstant(VM& vm, Value regexpConst) {
  // RegExpCreate(P, F) with %RegExp% is what `new %RegExp%(P, F)` does for string P.
  Value args[2] = {arr(vm, regexpConst)->data()[0], arr(vm, regexpConst)->data()[1]};
  Value ctor = vm.intrinsic(Intrinsic::RegExp);
  if (!isConstructor(vm, ctor)) return vm.throwError(ErrorType::SyntaxError, "RegExp is not available");
  return construct(vm, ctor, args);
}

// ---- arguments -----------------------------------------------------------------------------

Value createArgumentsObject(VM& vm, Value callee, const Value* args, uint32_t argc, bool mapped) {
  Root c(vm.heap(), callee);
  Root a(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Arguments, sizeof(InternalObjectCell),
                                             vm.intrinsic(Intrinsic::ObjectPrototype))));
  RootRef elems(vm.heap(), newValueArray(vm, argc, argc));
  if (!elems.get()) return Value::exception();
  for (uint32_t i = 0; i < argc; i++) vm.cell<ValueArrayCell>(elems.get())->data()[i] = args[i];
  vm.cell<ObjectCell>(a.get())->elements = elems.get();
  defineValue(vm, a.get(), vm.atom(Atom::length), Value::int32(int32_t(argc)), kWritable | kConfigurable);
  Value values = vm.intrinsic(Intrinsic::ArrayProtoValues);
  if (!values.isUndefined()) defineValue(vm, a.get(), vm.wellKnown(WellKnown::iterator), values, kWritable | kConfigurable);
  if (mapped) {
    defineValue(vm, a.get(), vm.atom(Atom::callee), c.get(), kWritable | kConfigurable);
  } else {
    Value thrower = vm.intrinsic(Intrinsic::ThrowTypeError);
    defineAccessor(vm, a.get(), vm.atom(Atom::callee), thrower, thrower, 0);
  }
  return a.get();
}

// ---- iteration -----------------------------------------------------------------------------

Value getIterator(VM& vm, Value obj, Value* nextOut) {
  Root o(vm.heap(), obj);
  Value method = KILN_TRY(getMethod(vm, obj, vm.wellKnown(WellKnown::iterator)));
  if (method.isUndefined()) return vm.throwTypeError(describe(vm, o.get()) + " is not iterable");
  Root iter(vm.heap(), KILN_TRY(call(vm, method, o.get())));
  if (!iter.get().isObject()) return vm.throwTypeError("Result of the Symbol.iterator method is not an object");
  *nextOut = KILN_TRY(get(vm, iter.get(), vm.atom(Atom::next)));
  return iter.get();
}

Value iteratorStep(VM& vm, Value iter, Value next, bool* done) {
  Value result = KILN_TRY(call(vm, next, iter));
  if (!result.isObject()) return vm.throwTypeError("Iterator result " + describe(vm, result) + " is not an object");
  Root r(vm.heap(), result);
  Value d = KILN_TRY(get(vm, result, vm.atom(Atom::done)));
  *done = toBoolean(vm, d);
  if (*done) return Value::undefined();
  return get(vm, r.get(), vm.atom(Atom::value));
}

Status iteratorClose(VM& vm, Value iter, bool throwCompletion) {
  Root it(vm.heap(), iter);
  Value ret = getMethod(vm, iter, vm.atom(Atom::return_));
  if (ret.isException()) return Status::Exception;
  if (ret.isUndefined()) return Status::True;
  Value r = call(vm, ret, it.get());
  if (r.isException()) return Status::Exception;
  if (!throwCompletion && !r.isObject()) {
    vm.throwTypeError("Iterator result " + describe(vm, r) + " is not an object");
    return Status::Exception;
  }
  return Status::True;
}

// for-in state: an Iterator-kind object, internal [object, keys ValueArray, next index].
Value forInPrepare(VM& vm, Value objV) {
  Root state(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell), Value::null())));
  auto* st = vm.cell<InternalObjectCell>(state.get());
  st->internal[2] = Value::int32(0);
  if (objV.isNullish()) {
    st->internal[1] = Value::cell(newValueArray(vm, 0, 0));
    return state.get();
  }
  Root obj(vm.heap(), KILN_TRY(toObject(vm, objV)));
  vm.cell<InternalObjectCell>(state.get())->internal[0] = obj.get();
  RootRef list(vm.heap(), newValueArray(vm, 8, 0));
  RootRef seen(vm.heap(), newHashTable(vm, 1, 8));
  if (!list.get() || !seen.get()) return Value::exception();
  Root cur(vm.heap(), obj.get());
  while (true) {
    RootRef keys(vm.heap(), ownPropertyKeys(vm, cur.get()));
    if (!keys.get()) return Value::exception();
    uint32_t n = vm.cell<ValueArrayCell>(keys.get())->length;
    for (uint32_t i = 0; i < n; i++) {
      Root key(vm.heap(), vm.cell<ValueArrayCell>(keys.get())->data()[i]);
      if (key.get().isSymbol()) continue;
      if (hashTableFind(vm, seen.get(), key.get()) != kNotFound) continue;
      Ref t = hashTableAdd(vm, seen.get(), key.get(), nullptr);
      if (!t) return Value::exception();
      seen.set(t);
      PropertyDescriptor d;
      Status s = getOwnProperty(vm, cur.get(), key.get(), &d);
      if (s == Status::Exception) return Value::exception();
      if (s == Status::False || !d.enumerable) continue;
      auto* l = vm.cell<ValueArrayCell>(list.get());
      if (l->length == l->capacity) {
        Ref grown = newValueArray(vm, l->capacity * 2, l->length);
        if (!grown) return Value::exception();
        std::memcpy(vm.cell<ValueArrayCell>(grown)->data(), vm.cell<ValueArrayCell>(list.get())->data(),
                    vm.cell<ValueArrayCell>(list.get())->length * sizeof(Value));
        list.set(grown);
        l = vm.cell<ValueArrayCell>(grown);
      }
      l->data()[l->length++] = key.get();
    }
    Value proto = KILN_TRY(getPrototypeOf(vm, cur.get()));
    if (proto.isNull()) break;
    cur.set(proto);
  }
  vm.cell<InternalObjectCell>(state.get())->internal[1] = Value::cell(list.get());
  return state.get();
}

Value forInNext(VM& vm, Value stateV, bool* done) {
  Root state(vm.heap(), stateV);
  while (true) {
    auto* st = vm.cell<InternalObjectCell>(state.get());
    auto* l = vm.cell<ValueArrayCell>(st->internal[1]);
    int32_t i = st->internal[2].asInt();
    if (uint32_t(i) >= l->length) {
      *done = true;
      return Value::undefined();
    }
    Root key(vm.heap(), l->data()[i]);
    st->internal[2] = Value::int32(i + 1);
    // A key deleted before it was visited is skipped.
    Status s = hasProperty(vm, st->internal[0], key.get());
    if (s == Status::Exception) return Value::exception();
    if (s == Status::False) continue;
    *done = false;
    return keyToValue(vm, key.get());
  }
}

}  // namespace kiln
