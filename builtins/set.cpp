// Set objects and %SetIteratorPrototype% (ECMA-262 §24.2).
//
// A Set is a CellKind::Set object whose internal[0] is its [[SetData]]: an
// insertion-ordered HashTable of width 1 (engine/hash_table.h). Iteration is
// live across deletes, clear() and growth exactly as for Map (see map.cpp).
//
// A Set Iterator is a CellKind::Iterator object:
//   internal[0]  the table being iterated, or undefined once exhausted
//   internal[1]  the next entry index in that table (Int)
//   internal[2]  the kind: 1 values, 2 entries (Int)
//   internal[5]  Int(NativeId::SetIteratorNext), the brand
#include <string>

#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

// Defined in map.cpp.
Value collectionIterationStep(VM& vm, Ref* table, uint32_t* index);
std::string receiverText(VM& vm, Value v);

namespace {

constexpr int32_t kSetIteratorTag = int32_t(NativeId::SetIteratorNext);
enum IterKind : int32_t { kValues = 1, kEntries = 2 };

Ref setTable(VM& vm, Value set) { return vm.cell<InternalObjectCell>(set)->internal[0].ref(); }

// RequireInternalSlot(S, [[SetData]]) with V8's message.
Value thisSet(VM& vm, CallInfo& info, const char* method) {
  Value t = info.thisValue;
  if (t.isObject() && kindOf(vm, t) == CellKind::Set) return t;
  return vm.throwTypeError(std::string("Method Set.prototype.") + method + " called on incompatible receiver " +
                           receiverText(vm, t));
}

Value canonicalKey(Value key) {
  if (key.isDouble() && key.asDouble() == 0) return Value::int32(0);
  return key;
}

// §24.2.5.1 CreateSetIterator(set, kind)
Value createSetIterator(VM& vm, CallInfo& info, const char* method, IterKind kind) {
  KILN_TRY(thisSet(vm, info, method));
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell),
                                      vm.intrinsic(Intrinsic::SetIteratorPrototype)));
  auto* c = vm.cell<InternalObjectCell>(it);
  c->internal[0] = vm.cell<InternalObjectCell>(info.thisValue)->internal[0];
  c->internal[1] = Value::int32(0);
  c->internal[2] = Value::int32(kind);
  c->internal[5] = Value::int32(kSetIteratorTag);
  return it;
}

}  // namespace

// §24.2.2.1 Set ( [ iterable ] )
Value native_Set(VM& vm, CallInfo& info) {
  // 1. If NewTarget is undefined, throw a TypeError exception.
  if (info.newTarget.isUndefined()) return vm.throwTypeError("Constructor Set requires 'new'");
  // 2-3. OrdinaryCreateFromConstructor with an empty [[SetData]].
  Root set(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::SetPrototype,
                                                             CellKind::Set, sizeof(InternalObjectCell))));
  Ref table = newHashTable(vm, 1);
  if (!table) return Value::exception();
  vm.cell<InternalObjectCell>(set.get())->internal[0] = Value::cell(table);
  // 4. If iterable is either undefined or null, return set.
  Value iterable = info.arg(0);
  if (iterable.isNullish()) return set.get();
  // 5-6. Let adder be ? Get(set, "add"); it must be callable.
  Root adder(vm.heap(), KILN_TRY(get(vm, set.get(), vm.atom(Atom::add))));
  if (!isCallable(vm, adder.get()))
    return vm.throwTypeError("'" + receiverText(vm, adder.get()) +
                             "' returned for property 'add' of object '#<Set>' is not a function");
  // 7-8. Iterate, calling adder for each value; close the iterator on abrupt completions.
  IteratorRecord record(vm.heap());
  if (getIterator(vm, iterable, &record) == Status::Exception) return Value::exception();
  for (;;) {
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) return set.get();
    if (call(vm, adder.get(), set.get(), std::span<const Value>(&next, 1)).isException())
      return iteratorCloseOnThrow(vm, record);
  }
}

// §24.2.3.2 get Set [ @@species ]
Value native_SetSpecies(VM&, CallInfo& info) { return info.thisValue; }

// §24.2.4.1 Set.prototype.add ( value )
Value native_SetProtoAdd(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisSet(vm, info, "add"));
  Value value = canonicalKey(info.arg(0));
  Ref table = setTable(vm, s);
  if (hashTableFind(vm, table, value) != kNotFound) return info.thisValue;
  Ref grown = hashTableAdd(vm, table, value, nullptr);
  if (!grown) return Value::exception();
  vm.cell<InternalObjectCell>(info.thisValue)->internal[0] = Value::cell(grown);
  return info.thisValue;
}

// §24.2.4.2 Set.prototype.clear ( )
Value native_SetProtoClear(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisSet(vm, info, "clear"));
  hashTableClear(vm, setTable(vm, s));
  return Value::undefined();
}

// §24.2.4.4 Set.prototype.delete ( value )
Value native_SetProtoDelete(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisSet(vm, info, "delete"));
  return Value::boolean(hashTableRemove(vm, setTable(vm, s), canonicalKey(info.arg(0))));
}

// §24.2.4.6 Set.prototype.entries ( )
Value native_SetProtoEntries(VM& vm, CallInfo& info) { return createSetIterator(vm, info, "entries", kEntries); }

// §24.2.4.7 Set.prototype.forEach ( callbackfn [ , thisArg ] )
Value native_SetProtoForEach(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisSet(vm, info, "forEach"));
  Value callback = info.arg(0);
  if (!isCallable(vm, callback)) return vm.throwTypeError(describe(vm, callback) + " is not a function");
  RootRef table(vm.heap(), setTable(vm, s));
  uint32_t index = 0;
  for (;;) {
    Ref t = table.get();
    Value step = collectionIterationStep(vm, &t, &index);
    table.set(t);
    if (step.isUndefined()) return Value::undefined();
    Value v = vm.cell<HashTableCell>(t)->entry(index)[0];
    Value args[3] = {v, v, info.thisValue};
    index++;
    KILN_TRY(call(vm, callback, info.arg(1), std::span<const Value>(args, 3)));
  }
}

// §24.2.4.9 Set.prototype.has ( value )
Value native_SetProtoHas(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisSet(vm, info, "has"));
  return Value::boolean(hashTableFind(vm, setTable(vm, s), canonicalKey(info.arg(0))) != kNotFound);
}

// §24.2.4.14 get Set.prototype.size
Value native_SetProtoSize(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Set)
    return vm.throwTypeError("Method get Set.prototype.size called on incompatible receiver " + receiverText(vm, t));
  return Value::int32(int32_t(vm.cell<HashTableCell>(setTable(vm, t))->live));
}

// §24.2.4.17 Set.prototype.values ( )
Value native_SetProtoValues(VM& vm, CallInfo& info) { return createSetIterator(vm, info, "values", kValues); }

// §24.2.6.2.1 %SetIteratorPrototype%.next ( )
Value native_SetIteratorNext(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Iterator ||
      vm.cell<InternalObjectCell>(t)->internal[5] != Value::int32(kSetIteratorTag))
    return vm.throwTypeError("Method Set Iterator.prototype.next called on incompatible receiver " +
                             receiverText(vm, t));
  auto* c = vm.cell<InternalObjectCell>(t);
  if (c->internal[0].isUndefined()) return createIterResult(vm, Value::undefined(), true);
  Ref table = c->internal[0].ref();
  uint32_t index = uint32_t(c->internal[1].asInt());
  Value step = collectionIterationStep(vm, &table, &index);
  if (step.isUndefined()) {
    c->internal[0] = Value::undefined();
    return createIterResult(vm, Value::undefined(), true);
  }
  c->internal[0] = Value::cell(table);
  c->internal[1] = Value::int32(int32_t(index + 1));
  Value v = vm.cell<HashTableCell>(table)->entry(index)[0];
  if (c->internal[2].asInt() == kValues) return createIterResult(vm, v, false);
  Value pair[2] = {v, v};
  Value array = KILN_TRY(newArrayFrom(vm, std::span<const Value>(pair, 2)));
  return createIterResult(vm, array, false);
}

void installSet(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::SetPrototype, proto);
  Value ctorV = defineConstructor(vm, g, "Set", NativeId::Set, 0, proto);
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Set, ctor);
  defineGetter(vm, ctor, WellKnown::species, NativeId::SetSpecies);
  if (vm.hasException()) return;

  if (defineMethod(vm, proto, "add", NativeId::SetProtoAdd).isException()) return;
  if (defineMethod(vm, proto, "clear", NativeId::SetProtoClear).isException()) return;
  if (defineMethod(vm, proto, "delete", NativeId::SetProtoDelete).isException()) return;
  if (defineMethod(vm, proto, "entries", NativeId::SetProtoEntries).isException()) return;
  if (defineMethod(vm, proto, "forEach", NativeId::SetProtoForEach).isException()) return;
  if (defineMethod(vm, proto, "has", NativeId::SetProtoHas).isException()) return;
  defineGetter(vm, proto, "size", NativeId::SetProtoSize);
  if (vm.hasException()) return;
  Value values = defineMethod(vm, proto, "values", NativeId::SetProtoValues);
  if (values.isException()) return;
  Root valuesFn(vm.heap(), values);
  // §24.2.4.10, §24.2.4.18: `keys` and @@iterator are the `values` function itself.
  Value keysKey = keyFor(vm, "keys");
  if (keysKey.isException()) return;
  defineValue(vm, proto, keysKey, valuesFn, kMethodAttrs);
  defineValue(vm, proto, vm.wellKnown(WellKnown::iterator), valuesFn, kMethodAttrs);
  Value tag = newString(vm, std::string_view("Set"));
  if (tag.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);

  // §24.2.6.2 %SetIteratorPrototype%
  Root iterProto(vm.heap(), newObject(vm, vm.intrinsic(Intrinsic::IteratorPrototype)));
  if (iterProto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::SetIteratorPrototype, iterProto);
  if (defineMethod(vm, iterProto, "next", NativeId::SetIteratorNext).isException()) return;
  Value iterTag = newString(vm, std::string_view("Set Iterator"));
  if (iterTag.isException()) return;
  defineValue(vm, iterProto, vm.wellKnown(WellKnown::toStringTag), iterTag, kConfigurable);
}

}  // namespace kiln
