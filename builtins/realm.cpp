// Realm creation (ECMA-262 §9.3 CreateRealm, SetDefaultGlobalBindings) and the
// installation helpers every builtins area uses.
#include <cstring>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

Value native_FunctionPrototype(VM&, CallInfo&) { return Value::undefined(); }

Value native_ThrowTypeError(VM& vm, CallInfo&) {
  return vm.throwTypeError("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them");
}

namespace {

bool initWellKnownSymbols(VM& vm) {
  if (vm.roots().wellKnown.isCell()) return true;
  static const char* const kDescriptions[] = {
#define KILN_WELL_KNOWN(id, desc) desc,
#include "engine/symbols.def"
#undef KILN_WELL_KNOWN
  };
  constexpr uint32_t n = uint32_t(WellKnown::Count);
  Ref arr = newValueArray(vm, n, n);
  if (!arr) return false;
  vm.roots().wellKnown = Value::cell(arr);
  for (uint32_t i = 0; i < n; i++) {
    Value desc = atomFromUtf8(vm, kDescriptions[i]);
    if (desc.isException()) return false;
    Root d(vm.heap(), desc);
    Ref s = vm.allocate(CellKind::Symbol, sizeof(SymbolCell));
    if (!s) return false;
    vm.cell<SymbolCell>(s)->description = d.get();
    vm.cell<SymbolCell>(s)->flags = SymbolCell::kWellKnown;
    vm.cell<ValueArrayCell>(vm.roots().wellKnown)->data()[i] = Value::symbol(s);
  }
  Ref registry = newHashTable(vm, 2, 8);
  if (!registry) return false;
  vm.roots().symbolRegistry = Value::cell(registry);
  return true;
}

}  // namespace

void attachBuiltinHooks(VM& vm) {
  attachPromiseHooks(vm);
  attachAsyncIterationHooks(vm);
  vm.hostModule = &hostModule;
}

Value createRealm(VM& vm) {
  if (!initWellKnownSymbols(vm)) return Value::exception();
  constexpr uint32_t n = uint32_t(Intrinsic::Count);
  Ref realm = vm.allocate(CellKind::Realm, sizeof(RealmCell) + n * sizeof(Value));
  if (!realm) return Value::exception();
  auto* rc = vm.cell<RealmCell>(realm);
  rc->count = n;
  for (uint32_t i = 0; i < n; i++) rc->intrinsics()[i] = Value::undefined();
  vm.roots().realm = Value::cell(realm);

  // The fundamental objects first: everything else refers to them.
  Value objectProto = KILN_TRY(newObject(vm, Value::null()));
  vm.setIntrinsic(Intrinsic::ObjectPrototype, objectProto);
  Value functionProto = KILN_TRY(newObjectOfKind(vm, CellKind::NativeFunction, sizeof(NativeFunctionCell), objectProto));
  {
    auto* f = vm.cell<NativeFunctionCell>(functionProto);
    f->native = uint32_t(NativeId::FunctionPrototype);
    f->realm = vm.roots().realm;
    f->flags |= ObjectCell::kIsCallable;
  }
  vm.setIntrinsic(Intrinsic::FunctionPrototype, functionProto);
  defineValue(vm, functionProto, vm.atom(Atom::length), Value::int32(0), kConfigurable);
  defineValue(vm, functionProto, vm.atom(Atom::name), vm.atom(Atom::empty), kConfigurable);

  Value thrower = KILN_TRY(newBuiltin(vm, NativeId::ThrowTypeError, vm.atom(Atom::empty), 0));
  vm.setIntrinsic(Intrinsic::ThrowTypeError, thrower);
  preventExtensions(vm, thrower);
  {
    // %ThrowTypeError%'s length and name are non-configurable (§10.2.4.1).
    PropertyDescriptor d;
    d.hasConfigurable = true;
    d.configurable = false;
    defineOwnProperty(vm, thrower, vm.atom(Atom::length), d);
    defineOwnProperty(vm, thrower, vm.atom(Atom::name), d);
  }

  Value global = KILN_TRY(newObject(vm, objectProto));
  vm.setIntrinsic(Intrinsic::GlobalObject, global);
  Ref lexicals = newHashTable(vm, 3, 16);
  if (!lexicals) return Value::exception();
  vm.setIntrinsic(Intrinsic::GlobalLexicals, Value::cell(lexicals));
  Ref templates = newHashTable(vm, 2, 8);
  if (!templates) return Value::exception();
  vm.setIntrinsic(Intrinsic::TemplateRegistry, Value::cell(templates));

  Root g(vm.heap(), global);
#define KILN_BUILTIN_AREA(name)                     \
  install##name(vm, g.get());                       \
  if (vm.hasException()) return Value::exception();
#include "builtins/install.def"
#undef KILN_BUILTIN_AREA

  defineProperty(vm, g.get(), "globalThis", g.get(), kWritable | kConfigurable);
  return g.get();
}

// ---- installation helpers ---------------------------------------------------------

Value keyFor(VM& vm, std::string_view name) {
  Value s = newString(vm, name);
  if (s.isException()) return s;
  return keyFromString(vm, s);
}

Value newBuiltin(VM& vm, NativeId id, Value name, int32_t length) {
  return newNativeFunction(vm, uint32_t(id), name, length);
}

Value defineMethod(VM& vm, Value target, std::string_view name, NativeId id, int32_t length, uint8_t attrs) {
  Root t(vm.heap(), target);
  Root key(vm.heap(), KILN_TRY(keyFor(vm, name)));
  Value f = KILN_TRY(newBuiltin(vm, id, key.get(), length));
  defineValue(vm, t.get(), key.get(), f, attrs);
  return f;
}

Value defineMethod(VM& vm, Value target, WellKnown symbol, NativeId id, int32_t length, uint8_t attrs) {
  Root t(vm.heap(), target);
  Value key = vm.wellKnown(symbol);
  Value f = KILN_TRY(newBuiltin(vm, id, key, length));
  defineValue(vm, t.get(), vm.wellKnown(symbol), f, attrs);
  return f;
}

void defineGetter(VM& vm, Value target, std::string_view name, NativeId getter, NativeId setter, uint8_t attrs) {
  Root t(vm.heap(), target);
  Value keyV = keyFor(vm, name);
  if (keyV.isException()) return;
  Root key(vm.heap(), keyV);
  Value g = newNativeFunction(vm, uint32_t(getter), key.get(), 0);
  if (g.isException()) return;
  Root gr(vm.heap(), g);
  setFunctionName(vm, g, key.get(), vm.atom(Atom::get_space));
  Value s = Value::undefined();
  if (setter != NativeId::Count) {
    s = newNativeFunction(vm, uint32_t(setter), key.get(), 1);
    if (s.isException()) return;
    Root sr(vm.heap(), s);
    setFunctionName(vm, s, key.get(), vm.atom(Atom::set_space));
    defineAccessor(vm, t.get(), key.get(), gr.get(), sr.get(), attrs);
    return;
  }
  defineAccessor(vm, t.get(), key.get(), gr.get(), s, attrs);
}

void defineGetter(VM& vm, Value target, WellKnown symbol, NativeId getter, uint8_t attrs) {
  Root t(vm.heap(), target);
  Value key = vm.wellKnown(symbol);
  Value g = newNativeFunction(vm, uint32_t(getter), key, 0);
  if (g.isException()) return;
  Root gr(vm.heap(), g);
  setFunctionName(vm, g, key, vm.atom(Atom::get_space));
  defineAccessor(vm, t.get(), vm.wellKnown(symbol), gr.get(), Value::undefined(), attrs);
}

void defineProperty(VM& vm, Value target, std::string_view name, Value v, uint8_t attrs) {
  Root t(vm.heap(), target), val(vm.heap(), v);
  Value key = keyFor(vm, name);
  if (key.isException()) return;
  defineValue(vm, t.get(), key, val.get(), attrs);
}

Value defineConstructor(VM& vm, Value global, std::string_view name, NativeId id, int32_t length, Value prototype) {
  Root g(vm.heap(), global), p(vm.heap(), prototype);
  Root key(vm.heap(), KILN_TRY(keyFor(vm, name)));
  Value ctor = KILN_TRY(newBuiltin(vm, id, key.get(), length));
  vm.cell<ObjectCell>(ctor)->flags |= ObjectCell::kIsConstructor;
  Root c(vm.heap(), ctor);
  if (p.get().isObject()) {
    defineValue(vm, c.get(), vm.atom(Atom::prototype), p.get(), 0);
    defineValue(vm, p.get(), vm.atom(Atom::constructor), c.get(), kMethodAttrs);
  }
  if (g.get().isObject()) defineValue(vm, g.get(), key.get(), c.get(), kMethodAttrs);
  return c.get();
}

Value thisOfKind(VM& vm, CallInfo& info, CellKind kind, std::string_view method) {
  Value t = info.thisValue;
  if (t.isObject() && kindOf(vm, t) == kind) return t;
  return vm.throwTypeError(std::string("Method ") + std::string(method) + " called on incompatible receiver");
}

}  // namespace kiln
