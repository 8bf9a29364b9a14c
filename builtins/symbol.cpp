// Symbol (ECMA-262 §20.4). Symbols are SymbolCells (description: a string
// or undefined). The global registry of Symbol.for is
// RootsRecord::symbolRegistry, a HashTable of width 2: key string -> symbol;
// registered symbols carry SymbolCell::kRegistered and their key as
// description.
#include <string>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

namespace {

Value newSymbol(VM& vm, Value description, uint8_t flags = 0) {
  Root d(vm.heap(), description);
  Ref s = vm.allocate(CellKind::Symbol, sizeof(SymbolCell));
  if (!s) return Value::exception();
  auto* c = vm.cell<SymbolCell>(s);
  c->description = d.get();
  c->flags = flags;
  return Value::symbol(s);
}

// §20.4.3.4.1 ThisSymbolValue ( value )
Value thisSymbolValue(VM& vm, Value v, const char* method) {
  if (v.isSymbol()) return v;
  if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
    Value p = vm.cell<InternalObjectCell>(v)->internal[0];
    if (p.isSymbol()) return p;
  }
  return vm.throwTypeError(std::string(method) + " requires that 'this' be a Symbol");
}

// §20.4.3.3.1 SymbolDescriptiveString ( sym )
Value symbolDescriptiveString(VM& vm, Value sym) {
  Value desc = vm.cell<SymbolCell>(sym)->description;
  std::u16string text = u"Symbol(";
  if (desc.isString()) text += toUtf16(vm, desc);
  text += u')';
  return newString(vm, std::u16string_view(text));
}

}  // namespace

// §20.4.1.1 Symbol ( [ description ] )
Value native_Symbol(VM& vm, CallInfo& info) {
  if (!info.newTarget.isUndefined()) return vm.throwTypeError("Symbol is not a constructor");
  Value description = info.arg(0);
  Value descString = description.isUndefined() ? Value::undefined() : KILN_TRY(toString(vm, description));
  return newSymbol(vm, descString);
}

// §20.4.2.2 Symbol.for ( key )
Value native_SymbolFor(VM& vm, CallInfo& info) {
  Root key(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Ref registry = vm.roots().symbolRegistry.ref();
  uint32_t i = hashTableFind(vm, registry, key);
  if (i != kNotFound) return vm.cell<HashTableCell>(registry)->entry(i)[1];
  Root sym(vm.heap(), KILN_TRY(newSymbol(vm, key, SymbolCell::kRegistered)));
  Value entry[1] = {sym.get()};
  Ref grown = hashTableAdd(vm, vm.roots().symbolRegistry.ref(), key, entry);
  if (!grown) return Value::exception();
  vm.roots().symbolRegistry = Value::cell(grown);
  return sym.get();
}

// §20.4.2.6 Symbol.keyFor ( sym )
Value native_SymbolKeyFor(VM& vm, CallInfo& info) {
  Value sym = info.arg(0);
  if (!sym.isSymbol()) return vm.throwTypeError(describe(vm, sym) + " is not a symbol");
  auto* c = vm.cell<SymbolCell>(sym);
  // §20.4.5.1 KeyForSymbol: the registry key is the description.
  if (c->flags & SymbolCell::kRegistered) return c->description;
  return Value::undefined();
}

// §20.4.3.3 Symbol.prototype.toString ( )
Value native_SymbolProtoToString(VM& vm, CallInfo& info) {
  Value sym = KILN_TRY(thisSymbolValue(vm, info.thisValue, "Symbol.prototype.toString"));
  return symbolDescriptiveString(vm, sym);
}

// §20.4.3.4 Symbol.prototype.valueOf ( )
Value native_SymbolProtoValueOf(VM& vm, CallInfo& info) {
  return thisSymbolValue(vm, info.thisValue, "Symbol.prototype.valueOf");
}

// §20.4.3.2 get Symbol.prototype.description
Value native_SymbolProtoDescription(VM& vm, CallInfo& info) {
  Value sym = KILN_TRY(thisSymbolValue(vm, info.thisValue, "Symbol.prototype.description"));
  return vm.cell<SymbolCell>(sym)->description;
}

// §20.4.3.5 Symbol.prototype [ @@toPrimitive ] ( hint )
Value native_SymbolProtoToPrimitive(VM& vm, CallInfo& info) {
  return thisSymbolValue(vm, info.thisValue, "Symbol.prototype [ @@toPrimitive ]");
}

void installSymbol(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::SymbolPrototype, proto);
  Value ctorV = defineConstructor(vm, g, "Symbol", NativeId::Symbol, 0, proto);
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Symbol, ctor);
  if (defineMethod(vm, ctor, "for", NativeId::SymbolFor).isException()) return;
  if (defineMethod(vm, ctor, "keyFor", NativeId::SymbolKeyFor).isException()) return;

  // §20.4.2: the well-known symbols, non-writable and non-configurable.
  static constexpr struct { const char* name; WellKnown symbol; } kWellKnown[] = {
      {"asyncIterator", WellKnown::asyncIterator}, {"hasInstance", WellKnown::hasInstance},
      {"isConcatSpreadable", WellKnown::isConcatSpreadable}, {"iterator", WellKnown::iterator},
      {"match", WellKnown::match}, {"matchAll", WellKnown::matchAll},
      {"replace", WellKnown::replace}, {"search", WellKnown::search},
      {"species", WellKnown::species}, {"split", WellKnown::split},
      {"toPrimitive", WellKnown::toPrimitive}, {"toStringTag", WellKnown::toStringTag},
      {"unscopables", WellKnown::unscopables},
  };
  for (const auto& w : kWellKnown) defineProperty(vm, ctor, w.name, vm.wellKnown(w.symbol), 0);

  if (defineMethod(vm, proto, "toString", NativeId::SymbolProtoToString).isException()) return;
  if (defineMethod(vm, proto, "valueOf", NativeId::SymbolProtoValueOf).isException()) return;
  defineGetter(vm, proto, "description", NativeId::SymbolProtoDescription);
  if (vm.hasException()) return;
  if (defineMethod(vm, proto, WellKnown::toPrimitive, NativeId::SymbolProtoToPrimitive, 1, kConfigurable).isException())
    return;
  Value tag = newString(vm, std::string_view("Symbol"));
  if (tag.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
