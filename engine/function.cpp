#include "engine/function.h"

#include <cmath>

#include "engine/conversions.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

bool isCallable(VM& vm, Value v) {
  return v.isObject() && (vm.cell<ObjectCell>(v)->flags & ObjectCell::kIsCallable);
}

bool isConstructor(VM& vm, Value v) {
  return v.isObject() && (vm.cell<ObjectCell>(v)->flags & ObjectCell::kIsConstructor);
}

Value newNativeFunction(VM& vm, uint32_t native, Value name, int32_t length, Value proto) {
  Root n(vm.heap(), name);
  if (proto.isUndefined()) proto = vm.intrinsic(Intrinsic::FunctionPrototype);
  Value f = KILN_TRY(newObjectOfKind(vm, CellKind::NativeFunction, sizeof(NativeFunctionCell), proto));
  auto* c = vm.cell<NativeFunctionCell>(f);
  c->native = native;
  c->realm = vm.roots().realm;
  c->data0 = c->data1 = c->data2 = Value::undefined();
  c->flags |= ObjectCell::kIsCallable;
  Root fr(vm.heap(), f);
  const NativeEntry& e = vm.natives().entries[native];
  if (length < 0) length = e.arity;
  defineValue(vm, f, vm.atom(Atom::length), Value::int32(length), kConfigurable);
  if (n.get().isUndefined()) {
    Value s = KILN_TRY(atomFromUtf8(vm, e.name));
    defineValue(vm, fr.get(), vm.atom(Atom::name), s, kConfigurable);
  } else {
    if (setFunctionName(vm, fr.get(), n.get()) == Status::Exception) return Value::exception();
  }
  return fr.get();
}

Status setFunctionName(VM& vm, Value fn, Value key, Value prefix) {
  Root f(vm.heap(), fn), p(vm.heap(), prefix);
  Value name;
  if (key.isSymbol()) {
    Value d = vm.cell<SymbolCell>(key)->description;
    if (d.isUndefined()) {
      name = vm.atom(Atom::empty);
    } else {
      Root dr(vm.heap(), d);
      Value open = newString(vm, std::string_view("["));
      if (open.isException()) return Status::Exception;
      Value a = concatStrings(vm, open, dr.get());
      if (a.isException()) return Status::Exception;
      Root ar(vm.heap(), a);
      Value close = newString(vm, std::string_view("]"));
      if (close.isException()) return Status::Exception;
      name = concatStrings(vm, ar.get(), close);
    }
  } else if (key.isString()) {
    name = key;
  } else if (key.isNumber()) {
    name = numberToString(vm, key.toDouble());
  } else if (key.isCell()) {
    // A private name: its description ("#x").
    name = vm.cell<SymbolCell>(key)->description;
  } else {
    name = vm.atom(Atom::empty);
  }
  if (name.isException()) return Status::Exception;
  if (p.get().isString()) {
    Root nr(vm.heap(), name);
    Value withPrefix = concatStrings(vm, p.get(), nr.get());
    if (withPrefix.isException()) return Status::Exception;
    name = withPrefix;
  }
  return definePropertyOrThrow(vm, f.get(), vm.atom(Atom::name), PropertyDescriptor::data(name, kConfigurable));
}

void setFunctionLength(VM& vm, Value fn, double length) {
  defineValue(vm, fn, vm.atom(Atom::length), Value::number(length), kConfigurable);
}

Value functionRealm(VM& vm, Value fn) {
  for (int guard = 0; guard < 100000; guard++) {
    CellKind k = kindOf(vm, fn);
    if (k == CellKind::Function) return vm.cell<FunctionCell>(fn)->realm;
    if (k == CellKind::NativeFunction) return vm.cell<NativeFunctionCell>(fn)->realm;
    if (k == CellKind::BoundFunction) { fn = vm.cell<BoundFunctionCell>(fn)->target; continue; }
    if (k == CellKind::Proxy) {
      auto* p = vm.cell<ProxyCell>(fn);
      if (p->handler.isNull()) return vm.throwTypeError("Cannot perform operation on a revoked proxy");
      fn = p->target;
      continue;
    }
    break;
  }
  return vm.roots().realm;
}

Value prototypeFromConstructor(VM& vm, Value newTarget, Intrinsic fallback) {
  Root nt(vm.heap(), newTarget);
  Value proto = KILN_TRY(get(vm, newTarget, vm.atom(Atom::prototype)));
  if (proto.isObject()) return proto;
  Value realm = KILN_TRY(functionRealm(vm, nt.get()));
  return vm.cell<RealmCell>(realm)->intrinsics()[uint32_t(fallback)];
}

Value ordinaryCreateFromConstructor(VM& vm, Value newTarget, Intrinsic fallback, CellKind kind, size_t bytes) {
  Value proto = KILN_TRY(prototypeFromConstructor(vm, newTarget, fallback));
  if (bytes == 0) bytes = kind == CellKind::Object ? sizeof(ObjectCell) : sizeof(InternalObjectCell);
  return newObjectOfKind(vm, kind, bytes, proto);
}

Value speciesConstructor(VM& vm, Value o, Value defaultCtor) {
  Root d(vm.heap(), defaultCtor);
  Value c = KILN_TRY(get(vm, o, vm.atom(Atom::constructor)));
  if (c.isUndefined()) return d.get();
  if (!c.isObject()) return vm.throwTypeError("object.constructor is not an object");
  Value s = KILN_TRY(get(vm, c, vm.wellKnown(WellKnown::species)));
  if (s.isNullish()) return d.get();
  if (isConstructor(vm, s)) return s;
  return vm.throwTypeError("object.constructor[Symbol.species] is not a constructor");
}

}  // namespace kiln
