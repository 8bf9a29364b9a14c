// WeakMap and WeakSet objects (ECMA-262 §24.3, §24.4).
//
// A WeakMap (WeakSet) is a CellKind::WeakMap (WeakSet) object whose
// internal[0] is a HashTable of width 2 (1), keyed by identity: keys are
// objects or non-registered symbols (CanBeHeldWeakly), which hash by
// reference.
//
// The entries are held strongly for now. That is not observable: without
// WeakRef and FinalizationRegistry (not provided by kiln) no program can tell
// whether an unreachable key's entry was dropped; it only costs memory for
// programs that let many keys die while the collection lives. Proper
// ephemeron marking belongs in the collector (engine/heap.cpp).
#include <string>

#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

// Defined in map.cpp.
std::string receiverText(VM& vm, Value v);

namespace {

Ref weakTable(VM& vm, Value c) { return vm.cell<InternalObjectCell>(c)->internal[0].ref(); }

Value thisWeak(VM& vm, CallInfo& info, CellKind kind, const char* method) {
  Value t = info.thisValue;
  if (t.isObject() && kindOf(vm, t) == kind) return t;
  return vm.throwTypeError(std::string("Method ") + (kind == CellKind::WeakMap ? "WeakMap" : "WeakSet") +
                           ".prototype." + method + " called on incompatible receiver " + receiverText(vm, t));
}

// §9.13 CanBeHeldWeakly(v)
bool canBeHeldWeakly(VM& vm, Value v) {
  if (v.isObject()) return true;
  // A registered symbol (Symbol.for) can be recreated from its key, so it
  // could never be collected.
  if (v.isSymbol()) return !(vm.cell<SymbolCell>(v)->flags & SymbolCell::kRegistered);
  return false;
}

Value newWeakCollection(VM& vm, Value newTarget, Intrinsic proto, CellKind kind, uint32_t width) {
  Root o(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, newTarget, proto, kind, sizeof(InternalObjectCell))));
  Ref table = newHashTable(vm, width);
  if (!table) return Value::exception();
  vm.cell<InternalObjectCell>(o.get())->internal[0] = Value::cell(table);
  return o.get();
}

Status weakAdd(VM& vm, Value collection, Value key, Value value) {
  Ref table = weakTable(vm, collection);
  uint32_t i = hashTableFind(vm, table, key);
  auto* t = vm.cell<HashTableCell>(table);
  if (i != kNotFound) {
    if (t->width == 2) t->entry(i)[1] = value;
    return Status::True;
  }
  Root c(vm.heap(), collection);
  Ref grown = hashTableAdd(vm, table, key, &value);
  if (!grown) return Status::Exception;
  vm.cell<InternalObjectCell>(c.get())->internal[0] = Value::cell(grown);
  return Status::True;
}

}  // namespace

// §24.3.1.1 WeakMap ( [ iterable ] )
Value native_WeakMap(VM& vm, CallInfo& info) {
  if (info.newTarget.isUndefined()) return vm.throwTypeError("Constructor WeakMap requires 'new'");
  Root map(vm.heap(), KILN_TRY(newWeakCollection(vm, info.newTarget, Intrinsic::WeakMapPrototype, CellKind::WeakMap, 2)));
  Value iterable = info.arg(0);
  if (iterable.isNullish()) return map.get();
  Root adder(vm.heap(), KILN_TRY(get(vm, map.get(), vm.atom(Atom::set))));
  if (!isCallable(vm, adder.get()))
    return vm.throwTypeError("'" + receiverText(vm, adder.get()) +
                             "' returned for property 'set' of object '#<WeakMap>' is not a function");
  // AddEntriesFromIterable (§24.1.1.2).
  IteratorRecord record(vm.heap());
  if (getIterator(vm, iterable, &record) == Status::Exception) return Value::exception();
  for (;;) {
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) return map.get();
    if (!next.isObject()) {
      vm.throwTypeError("Iterator value " + describe(vm, next) + " is not an entry object");
      return iteratorCloseOnThrow(vm, record);
    }
    Root entry(vm.heap(), next);
    Value k = get(vm, entry.get(), Value::int32(0));
    if (k.isException()) return iteratorCloseOnThrow(vm, record);
    Root key(vm.heap(), k);
    Value v = get(vm, entry.get(), Value::int32(1));
    if (v.isException()) return iteratorCloseOnThrow(vm, record);
    Value args[2] = {key.get(), v};
    if (call(vm, adder.get(), map.get(), std::span<const Value>(args, 2)).isException())
      return iteratorCloseOnThrow(vm, record);
  }
}

// §24.3.3.2 WeakMap.prototype.delete ( key )
Value native_WeakMapProtoDelete(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisWeak(vm, info, CellKind::WeakMap, "delete"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return Value::boolean(false);
  return Value::boolean(hashTableRemove(vm, weakTable(vm, m), info.arg(0)));
}

// §24.3.3.3 WeakMap.prototype.get ( key )
Value native_WeakMapProtoGet(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisWeak(vm, info, CellKind::WeakMap, "get"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return Value::undefined();
  Ref table = weakTable(vm, m);
  uint32_t i = hashTableFind(vm, table, info.arg(0));
  return i == kNotFound ? Value::undefined() : vm.cell<HashTableCell>(table)->entry(i)[1];
}

// §24.3.3.4 WeakMap.prototype.has ( key )
Value native_WeakMapProtoHas(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisWeak(vm, info, CellKind::WeakMap, "has"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return Value::boolean(false);
  return Value::boolean(hashTableFind(vm, weakTable(vm, m), info.arg(0)) != kNotFound);
}

// §24.3.3.5 WeakMap.prototype.set ( key, value )
Value native_WeakMapProtoSet(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisWeak(vm, info, CellKind::WeakMap, "set"));
  if (!canBeHeldWeakly(vm, info.arg(0)))
    return vm.throwTypeError("Invalid value used as weak map key");
  if (weakAdd(vm, m, info.arg(0), info.arg(1)) == Status::Exception) return Value::exception();
  return info.thisValue;
}

// §24.4.1.1 WeakSet ( [ iterable ] )
Value native_WeakSet(VM& vm, CallInfo& info) {
  if (info.newTarget.isUndefined()) return vm.throwTypeError("Constructor WeakSet requires 'new'");
  Root set(vm.heap(), KILN_TRY(newWeakCollection(vm, info.newTarget, Intrinsic::WeakSetPrototype, CellKind::WeakSet, 1)));
  Value iterable = info.arg(0);
  if (iterable.isNullish()) return set.get();
  Root adder(vm.heap(), KILN_TRY(get(vm, set.get(), vm.atom(Atom::add))));
  if (!isCallable(vm, adder.get()))
    return vm.throwTypeError("'" + receiverText(vm, adder.get()) +
                             "' returned for property 'add' of object '#<WeakSet>' is not a function");
  IteratorRecord record(vm.heap());
  if (getIterator(vm, iterable, &record) == Status::Exception) return Value::exception();
  for (;;) {
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) return set.get();
    if (call(vm, adder.get(), set.get(), std::span<const Value>(&next, 1)).isException())
      return iteratorCloseOnThrow(vm, record);
  }
}

// §24.4.3.1 WeakSet.prototype.add ( value )
Value native_WeakSetProtoAdd(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisWeak(vm, info, CellKind::WeakSet, "add"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return vm.throwTypeError("Invalid value used in weak set");
  if (weakAdd(vm, s, info.arg(0), Value::undefined()) == Status::Exception) return Value::exception();
  return info.thisValue;
}

// §24.4.3.3 WeakSet.prototype.delete ( value )
Value native_WeakSetProtoDelete(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisWeak(vm, info, CellKind::WeakSet, "delete"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return Value::boolean(false);
  return Value::boolean(hashTableRemove(vm, weakTable(vm, s), info.arg(0)));
}

// §24.4.3.4 WeakSet.prototype.has ( value )
Value native_WeakSetProtoHas(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisWeak(vm, info, CellKind::WeakSet, "has"));
  if (!canBeHeldWeakly(vm, info.arg(0))) return Value::boolean(false);
  return Value::boolean(hashTableFind(vm, weakTable(vm, s), info.arg(0)) != kNotFound);
}

namespace {

Status installOne(VM& vm, Value global, const char* name, NativeId ctorId, Intrinsic protoIntrinsic,
                  std::initializer_list<std::pair<const char*, NativeId>> methods) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return Status::Exception;
  vm.setIntrinsic(protoIntrinsic, proto);
  if (defineConstructor(vm, g, name, ctorId, 0, proto).isException()) return Status::Exception;
  for (auto& [methodName, id] : methods)
    if (defineMethod(vm, proto, methodName, id).isException()) return Status::Exception;
  Value tag = newString(vm, std::string_view(name));
  if (tag.isException()) return Status::Exception;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
  return Status::True;
}

}  // namespace

void installWeakCollections(VM& vm, Value global) {
  Root g(vm.heap(), global);
  if (installOne(vm, g, "WeakMap", NativeId::WeakMap, Intrinsic::WeakMapPrototype,
                 {{"delete", NativeId::WeakMapProtoDelete},
                  {"get", NativeId::WeakMapProtoGet},
                  {"has", NativeId::WeakMapProtoHas},
                  {"set", NativeId::WeakMapProtoSet}}) == Status::Exception)
    return;
  installOne(vm, g, "WeakSet", NativeId::WeakSet, Intrinsic::WeakSetPrototype,
             {{"add", NativeId::WeakSetProtoAdd},
              {"delete", NativeId::WeakSetProtoDelete},
              {"has", NativeId::WeakSetProtoHas}});
}

}  // namespace kiln
