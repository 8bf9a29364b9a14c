// Map objects and %MapIteratorPrototype% (ECMA-262 §24.1), and the install
// function of the whole collections area (Map, Set, WeakMap, WeakSet).
//
// A Map is a CellKind::Map object whose internal[0] is its [[MapData]]: an
// insertion-ordered HashTable of width 2 (key, value), engine/hash_table.h.
// Deleting an entry leaves a hole in the table, growing replaces the table
// with a compacted copy linked from the old one (`forward`), so an iterator
// or a forEach loop that holds the old table and an entry index can always
// find where it stands (hashTableCurrent): iteration is live across deletes,
// clear() and growth, as the spec's list-with-empty-slots model requires.
//
// A Map Iterator is a CellKind::Iterator object:
//   internal[0]  the table being iterated (as it was when last visited), or
//                undefined once the iterator is exhausted
//   internal[1]  the next entry index in that table (Int)
//   internal[2]  the kind: 0 keys, 1 values, 2 entries (Int)
//   internal[5]  Int(NativeId::MapIteratorNext): tells map iterators apart
//                from the other builtin iterators sharing the kind
#include <cmath>
#include <string>

#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

// Shared with set.cpp and weak_collections.cpp (the collections area has no
// header of its own: these are its only cross-file entry points).
void installSet(VM& vm, Value global);
void installWeakCollections(VM& vm, Value global);
Value collectionIterationStep(VM& vm, Ref* table, uint32_t* index);
std::string receiverText(VM& vm, Value v);

namespace {

constexpr int32_t kMapIteratorTag = int32_t(NativeId::MapIteratorNext);
enum IterKind : int32_t { kKeys = 0, kValues = 1, kEntries = 2 };

Ref mapTable(VM& vm, Value map) { return vm.cell<InternalObjectCell>(map)->internal[0].ref(); }

// RequireInternalSlot(M, [[MapData]]) with V8's message.
Value thisMap(VM& vm, CallInfo& info, const char* method) {
  Value t = info.thisValue;
  if (t.isObject() && kindOf(vm, t) == CellKind::Map) return t;
  return vm.throwTypeError(std::string("Method Map.prototype.") + method + " called on incompatible receiver " +
                           receiverText(vm, t));
}

// CanonicalizeKeyedCollectionKey: -0 becomes +0.
Value canonicalKey(Value key) {
  if (key.isDouble() && key.asDouble() == 0) return Value::int32(0);
  return key;
}

// Map.prototype.set's body, shared with the constructor's fast path and groupBy.
Status mapSet(VM& vm, Value map, Value key, Value value) {
  key = canonicalKey(key);
  Ref table = mapTable(vm, map);
  uint32_t i = hashTableFind(vm, table, key);
  if (i != kNotFound) {
    vm.cell<HashTableCell>(table)->entry(i)[1] = value;
    return Status::True;
  }
  Root m(vm.heap(), map);
  Ref grown = hashTableAdd(vm, table, key, &value);
  if (!grown) return Status::Exception;
  vm.cell<InternalObjectCell>(m.get())->internal[0] = Value::cell(grown);
  return Status::True;
}

Value newMapObject(VM& vm, Value newTarget) {
  Root m(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, newTarget, Intrinsic::MapPrototype, CellKind::Map,
                                                           sizeof(InternalObjectCell))));
  Ref table = newHashTable(vm, 2);
  if (!table) return Value::exception();
  vm.cell<InternalObjectCell>(m.get())->internal[0] = Value::cell(table);
  return m.get();
}

// §24.1.5.1 CreateMapIterator(map, kind)
Value createMapIterator(VM& vm, CallInfo& info, const char* method, IterKind kind) {
  KILN_TRY(thisMap(vm, info, method));
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell),
                                      vm.intrinsic(Intrinsic::MapIteratorPrototype)));
  auto* c = vm.cell<InternalObjectCell>(it);
  c->internal[0] = vm.cell<InternalObjectCell>(info.thisValue)->internal[0];
  c->internal[1] = Value::int32(0);
  c->internal[2] = Value::int32(kind);
  c->internal[5] = Value::int32(kMapIteratorTag);
  return it;
}

}  // namespace

// The receiver as V8 shows it in "called on incompatible receiver" messages.
std::string receiverText(VM& vm, Value v) {
  if (v.isString()) return toUtf8(vm, v);
  if (v.isObject() && !isCallable(vm, v)) {
    // V8 names the constructor: #<Foo>.
    PropertyDescriptor d;
    Value c = Value::undefined();
    Value proto = obj(vm, v)->proto ? Value::object(obj(vm, v)->proto) : Value::null();
    if (proto.isObject() && kindOf(vm, proto) != CellKind::Proxy) {
      Root pr(vm.heap(), proto);
      if (ordinaryGetOwnProperty(vm, proto, vm.atom(Atom::constructor), &d) == Status::True && d.hasValue)
        c = d.value;
      if (c.isObject() && kindOf(vm, c) != CellKind::Proxy) {
        Root cr(vm.heap(), c);
        PropertyDescriptor nd;
        if (ordinaryGetOwnProperty(vm, c, vm.atom(Atom::name), &nd) == Status::True && nd.value.isString() &&
            stringLength(vm, nd.value) > 0)
          return "#<" + toUtf8(vm, nd.value) + ">";
      }
    }
    return "#<Object>";
  }
  return describe(vm, v);
}

// One step of live iteration over a collection table: follows the table to
// its current version, skips deleted entries, and returns the entry index
// (as an Int) or undefined when the iteration is over. *table and *index are
// updated; the caller advances *index past the returned entry.
Value collectionIterationStep(VM& vm, Ref* table, uint32_t* index) {
  *table = hashTableCurrent(vm, *table, index);
  uint32_t i = hashTableNextLive(vm, *table, *index);
  if (i == kNotFound) return Value::undefined();
  *index = i;
  return Value::int32(int32_t(i));
}

// §24.1.1.1 Map ( [ iterable ] )
Value native_Map(VM& vm, CallInfo& info) {
  // 1. If NewTarget is undefined, throw a TypeError exception.
  if (info.newTarget.isUndefined()) return vm.throwTypeError("Constructor Map requires 'new'");
  // 2-3. OrdinaryCreateFromConstructor with an empty [[MapData]].
  Root map(vm.heap(), KILN_TRY(newMapObject(vm, info.newTarget)));
  // 4. If iterable is either undefined or null, return map.
  Value iterable = info.arg(0);
  if (iterable.isNullish()) return map.get();
  // 5-6. Let adder be ? Get(map, "set"); it must be callable.
  Root adder(vm.heap(), KILN_TRY(get(vm, map.get(), vm.atom(Atom::set))));
  if (!isCallable(vm, adder.get())) return vm.throwTypeError("'" + receiverText(vm, adder.get()) +
                                                             "' returned for property 'set' of object '#<Map>' is not a function");
  // 7. Return ? AddEntriesFromIterable(map, iterable, adder) (§24.1.1.2).
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
    Root value(vm.heap(), v);
    if (call(vm, adder.get(), map.get(), std::span<const Value>(args, 2)).isException())
      return iteratorCloseOnThrow(vm, record);
  }
}

// §24.1.2.1 Map.groupBy ( items, callbackfn )
Value native_MapGroupBy(VM& vm, CallInfo& info) {
  Value items = info.arg(0), callback = info.arg(1);
  // GroupBy (§7.3.35) with key coercion "zero".
  // 1. Perform ? RequireObjectCoercible(items).
  if (items.isNullish()) return vm.throwTypeError("Map.groupBy called on null or undefined");
  // 2. If IsCallable(callbackfn) is false, throw a TypeError exception.
  if (!isCallable(vm, callback)) return vm.throwTypeError(describe(vm, callback) + " is not a function");
  // The groups live directly in the result Map's table: AddValueToKeyedGroup
  // finds the key's array there, and a Map keeps first-insertion order as the
  // spec's list of groups does.
  Root map(vm.heap(), KILN_TRY(newMapObject(vm, vm.intrinsic(Intrinsic::Map))));
  IteratorRecord record(vm.heap());
  if (getIterator(vm, items, &record) == Status::Exception) return Value::exception();
  for (double k = 0;; k++) {
    // 6.a. k >= 2^53 - 1 cannot be reached in practice, but the spec says what to do.
    if (k >= 9007199254740991.0) {
      vm.throwTypeError("Too many elements passed to Map.groupBy");
      return iteratorCloseOnThrow(vm, record);
    }
    Value next = KILN_TRY(iteratorStepValue(vm, record));
    if (next.isEmpty()) return map.get();
    Root value(vm.heap(), next);
    Value args[2] = {next, Value::number(k)};
    Value key = call(vm, callback, Value::undefined(), std::span<const Value>(args, 2));
    if (key.isException()) return iteratorCloseOnThrow(vm, record);
    key = canonicalKey(key);
    Root keyRoot(vm.heap(), key);
    Ref table = mapTable(vm, map.get());
    uint32_t i = hashTableFind(vm, table, key);
    if (i != kNotFound) {
      Root group(vm.heap(), vm.cell<HashTableCell>(table)->entry(i)[1]);
      if (arrayPush(vm, group.get(), value.get()) == Status::Exception) return iteratorCloseOnThrow(vm, record);
    } else {
      Value group = newArrayFrom(vm, std::span<const Value>(value.slot(), 1));
      if (group.isException()) return iteratorCloseOnThrow(vm, record);
      if (mapSet(vm, map.get(), keyRoot.get(), group) == Status::Exception) return iteratorCloseOnThrow(vm, record);
    }
  }
}

// §24.1.2.3 get Map [ @@species ]
Value native_MapSpecies(VM&, CallInfo& info) { return info.thisValue; }

// §24.1.3.1 Map.prototype.clear ( )
Value native_MapProtoClear(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "clear"));
  hashTableClear(vm, mapTable(vm, m));
  return Value::undefined();
}

// §24.1.3.3 Map.prototype.delete ( key )
Value native_MapProtoDelete(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "delete"));
  return Value::boolean(hashTableRemove(vm, mapTable(vm, m), canonicalKey(info.arg(0))));
}

// §24.1.3.4 Map.prototype.entries ( )
Value native_MapProtoEntries(VM& vm, CallInfo& info) { return createMapIterator(vm, info, "entries", kEntries); }

// §24.1.3.5 Map.prototype.forEach ( callbackfn [ , thisArg ] )
Value native_MapProtoForEach(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "forEach"));
  Value callback = info.arg(0);
  if (!isCallable(vm, callback)) return vm.throwTypeError(describe(vm, callback) + " is not a function");
  // Entries added during the loop are visited, deleted ones are skipped.
  RootRef table(vm.heap(), mapTable(vm, m));
  uint32_t index = 0;
  for (;;) {
    Ref t = table.get();
    Value step = collectionIterationStep(vm, &t, &index);
    table.set(t);
    if (step.isUndefined()) return Value::undefined();
    Value* e = vm.cell<HashTableCell>(t)->entry(index);
    Value args[3] = {e[1], e[0], info.thisValue};
    index++;
    KILN_TRY(call(vm, callback, info.arg(1), std::span<const Value>(args, 3)));
  }
}

// §24.1.3.6 Map.prototype.get ( key )
Value native_MapProtoGet(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "get"));
  Ref table = mapTable(vm, m);
  uint32_t i = hashTableFind(vm, table, canonicalKey(info.arg(0)));
  return i == kNotFound ? Value::undefined() : vm.cell<HashTableCell>(table)->entry(i)[1];
}

// §24.1.3.7 Map.prototype.has ( key )
Value native_MapProtoHas(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "has"));
  return Value::boolean(hashTableFind(vm, mapTable(vm, m), canonicalKey(info.arg(0))) != kNotFound);
}

// §24.1.3.8 Map.prototype.keys ( )
Value native_MapProtoKeys(VM& vm, CallInfo& info) { return createMapIterator(vm, info, "keys", kKeys); }

// §24.1.3.9 Map.prototype.set ( key, value )
Value native_MapProtoSet(VM& vm, CallInfo& info) {
  Value m = KILN_TRY(thisMap(vm, info, "set"));
  if (mapSet(vm, m, info.arg(0), info.arg(1)) == Status::Exception) return Value::exception();
  return info.thisValue;
}

// §24.1.3.10 get Map.prototype.size
Value native_MapProtoSize(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Map)
    return vm.throwTypeError("Method get Map.prototype.size called on incompatible receiver " + receiverText(vm, t));
  return Value::int32(int32_t(vm.cell<HashTableCell>(mapTable(vm, t))->live));
}

// §24.1.3.11 Map.prototype.values ( )
Value native_MapProtoValues(VM& vm, CallInfo& info) { return createMapIterator(vm, info, "values", kValues); }

// §24.1.5.2.1 %MapIteratorPrototype%.next ( )
Value native_MapIteratorNext(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Iterator ||
      vm.cell<InternalObjectCell>(t)->internal[5] != Value::int32(kMapIteratorTag))
    return vm.throwTypeError("Method Map Iterator.prototype.next called on incompatible receiver " +
                             receiverText(vm, t));
  auto* c = vm.cell<InternalObjectCell>(t);
  if (c->internal[0].isUndefined()) return createIterResult(vm, Value::undefined(), true);
  Ref table = c->internal[0].ref();
  uint32_t index = uint32_t(c->internal[1].asInt());
  Value step = collectionIterationStep(vm, &table, &index);
  if (step.isUndefined()) {
    // The generator of the spec has returned: the iterator stays done even
    // if the map grows later.
    c->internal[0] = Value::undefined();
    return createIterResult(vm, Value::undefined(), true);
  }
  c->internal[0] = Value::cell(table);
  c->internal[1] = Value::int32(int32_t(index + 1));
  Value* e = vm.cell<HashTableCell>(table)->entry(index);
  switch (c->internal[2].asInt()) {
    case kKeys: return createIterResult(vm, e[0], false);
    case kValues: return createIterResult(vm, e[1], false);
    default: {
      Value pair[2] = {e[0], e[1]};
      Value array = KILN_TRY(newArrayFrom(vm, std::span<const Value>(pair, 2)));
      return createIterResult(vm, array, false);
    }
  }
}

namespace {

void installMap(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::MapPrototype, proto);
  Value ctorV = defineConstructor(vm, g, "Map", NativeId::Map, 0, proto);
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Map, ctor);
  if (defineMethod(vm, ctor, "groupBy", NativeId::MapGroupBy).isException()) return;
  defineGetter(vm, ctor, WellKnown::species, NativeId::MapSpecies);
  if (vm.hasException()) return;

  if (defineMethod(vm, proto, "clear", NativeId::MapProtoClear).isException()) return;
  if (defineMethod(vm, proto, "delete", NativeId::MapProtoDelete).isException()) return;
  Value entries = defineMethod(vm, proto, "entries", NativeId::MapProtoEntries);
  if (entries.isException()) return;
  Root entriesFn(vm.heap(), entries);
  if (defineMethod(vm, proto, "forEach", NativeId::MapProtoForEach).isException()) return;
  if (defineMethod(vm, proto, "get", NativeId::MapProtoGet).isException()) return;
  if (defineMethod(vm, proto, "has", NativeId::MapProtoHas).isException()) return;
  if (defineMethod(vm, proto, "keys", NativeId::MapProtoKeys).isException()) return;
  if (defineMethod(vm, proto, "set", NativeId::MapProtoSet).isException()) return;
  defineGetter(vm, proto, "size", NativeId::MapProtoSize);
  if (vm.hasException()) return;
  if (defineMethod(vm, proto, "values", NativeId::MapProtoValues).isException()) return;
  // §24.1.3.12: the initial value of @@iterator is the `entries` function itself.
  defineValue(vm, proto, vm.wellKnown(WellKnown::iterator), entriesFn, kMethodAttrs);
  Value tag = newString(vm, std::string_view("Map"));
  if (tag.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);

  // §24.1.5.2 %MapIteratorPrototype%
  Root iterProto(vm.heap(), newObject(vm, vm.intrinsic(Intrinsic::IteratorPrototype)));
  if (iterProto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::MapIteratorPrototype, iterProto);
  if (defineMethod(vm, iterProto, "next", NativeId::MapIteratorNext).isException()) return;
  Value iterTag = newString(vm, std::string_view("Map Iterator"));
  if (iterTag.isException()) return;
  defineValue(vm, iterProto, vm.wellKnown(WellKnown::toStringTag), iterTag, kConfigurable);
}

}  // namespace

void installCollections(VM& vm, Value global) {
  Root g(vm.heap(), global);
  installMap(vm, g);
  if (vm.hasException()) return;
  installSet(vm, g);
  if (vm.hasException()) return;
  installWeakCollections(vm, g);
}

}  // namespace kiln
