// The Array constructor and Array.prototype (ECMA-262 §23.1).
//
// Every method is written against the generic internal methods (get, set,
// hasProperty, deletePropertyOrThrow...) so that it behaves per spec on
// array-likes, proxies, typed arrays and arrays with holes or accessors.
// Hot paths short-circuit those calls for "fast arrays" (isFastArray): an
// Array whose indexed properties are all in its dense `elements` and whose
// prototype chain holds no indexed property. The check is cheap and is
// repeated after anything that can run user code, since a callback may turn
// a fast array into a slow one (or change Array.prototype) at any time.
#include "builtins/array.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "builtins/array_sort.h"
#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

// ---- shared helpers -----------------------------------------------------------------------

namespace {

bool protoHasNoIndexed(VM& vm, Ref r) {
  auto* p = vm.cell<ObjectCell>(r);
  return !p->elements && !(p->flags & ObjectCell::kHasIndexedAccessors);
}

ValueArrayCell* elementsOf(VM& vm, Value o) {
  Ref e = vm.cell<ObjectCell>(o)->elements;
  return e ? vm.cell<ValueArrayCell>(e) : nullptr;
}

}  // namespace

bool isFastArray(VM& vm, Value o) {
  if (!o.isObject()) return false;
  auto* a = vm.cell<ObjectCell>(o);
  if (a->kind != CellKind::Array || (a->flags & ObjectCell::kHasIndexedAccessors)) return false;
  Value arrayProto = vm.intrinsic(Intrinsic::ArrayPrototype);
  if (!arrayProto.isObject() || a->proto != arrayProto.ref() || !protoHasNoIndexed(vm, a->proto)) return false;
  Ref op = vm.cell<ObjectCell>(a->proto)->proto;
  Value objectProto = vm.intrinsic(Intrinsic::ObjectPrototype);
  // %Object.prototype% has an immutable [[Prototype]] (null), so the chain ends there.
  return op && op == objectProto.ref() && protoHasNoIndexed(vm, op);
}

Value keyForIndex(VM& vm, double i) {
  if (i <= 4294967294.0) return keyFromIndex(uint32_t(i));
  Value s = KILN_TRY(numberToString(vm, i));
  return atomize(vm, s);
}

Value arrayCreate(VM& vm, double length, Value proto, uint32_t reserve) {
  if (length > 4294967295.0) return vm.throwRangeError("Invalid array length");
  if (proto.isUndefined()) proto = vm.intrinsic(Intrinsic::ArrayPrototype);
  Root a(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Array, sizeof(ArrayCell), proto)));
  if (reserve) {
    Ref e = newValueArray(vm, reserve, 0);
    if (!e) return Value::exception();
    vm.cell<ObjectCell>(a.get())->elements = e;
  }
  auto* c = vm.cell<ArrayCell>(a.get());
  c->length = uint32_t(length);
  c->lengthWritable = 1;
  return a.get();
}

namespace {

constexpr uint32_t kMaxReserve = 1u << 20;

uint32_t reserveFor(double len) { return len <= 0 ? 0 : uint32_t(std::min<double>(len, kMaxReserve)); }

// Get(O, ! ToString(𝔽(i))).
Value getIndex(VM& vm, Value o, double i) {
  if (isFastArray(vm, o) && i <= 4294967294.0) {
    ValueArrayCell* e = elementsOf(vm, o);
    if (e && i < e->length) {
      Value v = e->data()[uint32_t(i)];
      if (!v.isHole()) return v;
    }
    return Value::undefined();
  }
  Root obj(vm.heap(), o);
  Value key = KILN_TRY(keyForIndex(vm, i));
  return get(vm, obj.get(), key);
}

// HasProperty(O, ! ToString(𝔽(i))).
Status hasIndex(VM& vm, Value o, double i) {
  if (isFastArray(vm, o) && i <= 4294967294.0) {
    ValueArrayCell* e = elementsOf(vm, o);
    return toStatus(e && i < e->length && !e->data()[uint32_t(i)].isHole());
  }
  Root obj(vm.heap(), o);
  Value key = keyForIndex(vm, i);
  if (key.isException()) return Status::Exception;
  return hasProperty(vm, obj.get(), key);
}

// Set(O, ! ToString(𝔽(i)), v, true).
Status setIndex(VM& vm, Value o, double i, Value v) {
  if (isFastArray(vm, o) && i <= 4294967294.0) {
    ValueArrayCell* e = elementsOf(vm, o);
    if (e && i < e->length && !e->data()[uint32_t(i)].isHole()) {
      e->data()[uint32_t(i)] = v;
      return Status::True;
    }
  }
  Root obj(vm.heap(), o), val(vm.heap(), v);
  Value key = keyForIndex(vm, i);
  if (key.isException()) return Status::Exception;
  return setOrThrow(vm, obj.get(), key, val.get());
}

// CreateDataPropertyOrThrow(O, ! ToString(𝔽(i)), v).
Status createIndex(VM& vm, Value o, double i, Value v) {
  if (o.isObject() && i <= 4294967294.0) {
    auto* a = vm.cell<ArrayCell>(o);
    if (a->kind == CellKind::Array && !(a->flags & ObjectCell::kHasIndexedAccessors) && a->extensible() &&
        (i < a->length || a->lengthWritable)) {
      uint32_t idx = uint32_t(i);
      ValueArrayCell* e = elementsOf(vm, o);
      if (e && idx < e->length) {
        e->data()[idx] = v;
        return Status::True;
      }
      if (e && idx == e->length && idx < e->capacity) {
        e->data()[idx] = v;
        e->length = idx + 1;
        if (idx >= a->length) a->length = idx + 1;
        return Status::True;
      }
    }
  }
  Root obj(vm.heap(), o), val(vm.heap(), v);
  Value key = keyForIndex(vm, i);
  if (key.isException()) return Status::Exception;
  return createDataPropertyOrThrow(vm, obj.get(), key, val.get());
}

// DeletePropertyOrThrow(O, ! ToString(𝔽(i))).
Status deleteIndex(VM& vm, Value o, double i) {
  if (isFastArray(vm, o) && i <= 4294967294.0) {
    ValueArrayCell* e = elementsOf(vm, o);
    if (e && i < e->length) e->data()[uint32_t(i)] = Value::hole();
    return Status::True;
  }
  Root obj(vm.heap(), o);
  Value key = keyForIndex(vm, i);
  if (key.isException()) return Status::Exception;
  return deletePropertyOrThrow(vm, obj.get(), key);
}

// Set(O, "length", 𝔽(len), true).
Status setLength(VM& vm, Value o, double len) {
  return setOrThrow(vm, o, vm.atom(Atom::length), Value::number(len));
}

// ToObject(this value), with V8's message for null and undefined.
Value thisObject(VM& vm, CallInfo& info, const char* method) {
  if (info.thisValue.isNullish())
    return vm.throwTypeError(std::string("Array.prototype.") + method + " called on null or undefined");
  return toObject(vm, info.thisValue);
}

Value throwNotFunction(VM& vm, Value v) { return vm.throwTypeError(describe(vm, v) + " is not a function"); }

// Resolves a relative index (at, slice, fill...): ToIntegerOrInfinity, then
// negative values count from `len`; the result is clamped to [0, len].
// `dflt` is used when the argument is undefined.
Value relativeIndex(VM& vm, Value arg, double len, double dflt) {
  if (arg.isUndefined()) return Value::number(dflt);
  Value n = KILN_TRY(toIntegerOrInfinity(vm, arg));
  double r = n.toDouble();
  if (r < 0) return Value::number(std::max(len + r, 0.0));
  return Value::number(std::min(r, len));
}

Value throwLengthTooLarge(VM& vm) { return vm.throwTypeError("Invalid array length: exceeds 2**53-1"); }

// §10.4.2.3 ArraySpeciesCreate(originalArray, length)
Value arraySpeciesCreate(VM& vm, Value original, double length) {
  Status isArr = isArray(vm, original);
  if (isArr == Status::Exception) return Value::exception();
  if (isArr == Status::False) return arrayCreate(vm, length, Value::undefined(), reserveFor(length));
  Root c(vm.heap(), KILN_TRY(get(vm, original, vm.atom(Atom::constructor))));
  if (isConstructor(vm, c.get())) {
    Value realmC = KILN_TRY(functionRealm(vm, c.get()));
    if (realmC != vm.roots().realm) {
      Value otherArray = vm.cell<RealmCell>(realmC)->intrinsics()[uint32_t(Intrinsic::Array)];
      if (c.get() == otherArray) c.set(Value::undefined());
    }
  }
  if (c.get().isObject()) {
    c.set(KILN_TRY(get(vm, c.get(), vm.wellKnown(WellKnown::species))));
    if (c.get().isNull()) c.set(Value::undefined());
  }
  if (c.get().isUndefined()) return arrayCreate(vm, length, Value::undefined(), reserveFor(length));
  if (!isConstructor(vm, c.get())) return vm.throwTypeError("object.constructor[Symbol.species] is not a constructor");
  Value args[1] = {Value::number(length)};
  return construct(vm, c.get(), args);
}

// §23.1.3.2.1 IsConcatSpreadable(O)
Status isConcatSpreadable(VM& vm, Value o) {
  if (!o.isObject()) return Status::False;
  Root obj(vm.heap(), o);
  Value spreadable = get(vm, o, vm.wellKnown(WellKnown::isConcatSpreadable));
  if (spreadable.isException()) return Status::Exception;
  if (!spreadable.isUndefined()) return toStatus(toBoolean(vm, spreadable));
  return isArray(vm, obj.get());
}

Value callFn(VM& vm, Value fn, Value thisArg, Value a, Value b, Value c) {
  Value args[3] = {a, b, c};
  return call(vm, fn, thisArg, args);
}

}  // namespace

// ---- Array constructor ------------------------------------------------------------------

// §23.1.1.1 Array ( ...values )
Value native_ArrayCtor(VM& vm, CallInfo& info) {
  Value newTarget = info.isConstructCall() ? info.newTarget : info.callee;
  Root proto(vm.heap(), KILN_TRY(prototypeFromConstructor(vm, newTarget, Intrinsic::ArrayPrototype)));
  if (info.argc == 0) return arrayCreate(vm, 0, proto.get());
  if (info.argc == 1) {
    Value len = info.argv[0];
    if (!len.isNumber()) {
      Root array(vm.heap(), KILN_TRY(arrayCreate(vm, 0, proto.get(), 1)));
      if (createIndex(vm, array.get(), 0, info.argv[0]) == Status::Exception) return Value::exception();
      return array.get();
    }
    double d = len.toDouble();
    uint32_t intLen = doubleToUint32(d);
    if (double(intLen) != d) return vm.throwRangeError("Invalid array length");
    return arrayCreate(vm, intLen, proto.get(), std::min<uint32_t>(intLen, 4096));
  }
  Root array(vm.heap(), KILN_TRY(arrayCreate(vm, 0, proto.get(), info.argc)));
  for (uint32_t k = 0; k < info.argc; k++)
    if (createIndex(vm, array.get(), k, info.argv[k]) == Status::Exception) return Value::exception();
  return array.get();
}

// §23.1.2.1 Array.from ( items [ , mapfn [ , thisArg ] ] )
Value native_Array_from(VM& vm, CallInfo& info) {
  Value c = info.thisValue;
  Value items = info.arg(0), mapfn = info.arg(1), thisArg = info.arg(2);
  bool mapping = !mapfn.isUndefined();
  if (mapping && !isCallable(vm, mapfn)) return throwNotFunction(vm, mapfn);
  Value usingIterator = KILN_TRY(getMethod(vm, items, vm.wellKnown(WellKnown::iterator)));
  Root a(vm.heap());
  if (!usingIterator.isUndefined()) {
    Root method(vm.heap(), usingIterator);
    a.set(KILN_TRY(isConstructor(vm, c) ? construct(vm, c, {}) : arrayCreate(vm, 0)));
    IteratorRecord record(vm.heap());
    if (getIteratorFromMethod(vm, items, method.get(), &record) == Status::Exception) return Value::exception();
    for (double k = 0;; k++) {
      if (k >= kMaxSafeLength) {
        throwLengthTooLarge(vm);
        return iteratorCloseOnThrow(vm, record);
      }
      Root next(vm.heap(), KILN_TRY(iteratorStepValue(vm, record)));
      if (next.get().isEmpty()) {
        if (setLength(vm, a.get(), k) == Status::Exception) return Value::exception();
        return a.get();
      }
      if (mapping) {
        Value margs[2] = {next.get(), Value::number(k)};
        Value mapped = call(vm, mapfn, thisArg, margs);
        if (mapped.isException()) return iteratorCloseOnThrow(vm, record);
        next.set(mapped);
      }
      if (createIndex(vm, a.get(), k, next.get()) == Status::Exception) return iteratorCloseOnThrow(vm, record);
    }
  }
  // Not iterable: an array-like.
  Root arrayLike(vm.heap(), KILN_TRY(toObject(vm, items)));
  double len = KILN_TRY(lengthOfArrayLike(vm, arrayLike.get())).toDouble();
  if (isConstructor(vm, c)) {
    Value args[1] = {Value::number(len)};
    a.set(KILN_TRY(construct(vm, c, args)));
  } else {
    a.set(KILN_TRY(arrayCreate(vm, len, Value::undefined(), reserveFor(len))));
  }
  for (double k = 0; k < len; k++) {
    Value v = KILN_TRY(getIndex(vm, arrayLike.get(), k));
    if (mapping) {
      Value margs[2] = {v, Value::number(k)};
      v = KILN_TRY(call(vm, mapfn, thisArg, margs));
    }
    if (createIndex(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  if (setLength(vm, a.get(), len) == Status::Exception) return Value::exception();
  return a.get();
}

// §23.1.2.2 Array.isArray ( arg )
Value native_Array_isArray(VM& vm, CallInfo& info) {
  Status s = isArray(vm, info.arg(0));
  if (s == Status::Exception) return Value::exception();
  return Value::boolean(s == Status::True);
}

// §23.1.2.3 Array.of ( ...items )
Value native_Array_of(VM& vm, CallInfo& info) {
  double len = info.argc;
  Root a(vm.heap());
  if (isConstructor(vm, info.thisValue)) {
    Value args[1] = {Value::number(len)};
    a.set(KILN_TRY(construct(vm, info.thisValue, args)));
  } else {
    a.set(KILN_TRY(arrayCreate(vm, len, Value::undefined(), info.argc)));
  }
  for (uint32_t k = 0; k < info.argc; k++)
    if (createIndex(vm, a.get(), k, info.argv[k]) == Status::Exception) return Value::exception();
  if (setLength(vm, a.get(), len) == Status::Exception) return Value::exception();
  return a.get();
}

// §23.1.2.5 get Array [ @@species ]
Value native_Array_species(VM&, CallInfo& info) { return info.thisValue; }

// ---- Array.prototype ------------------------------------------------------------------------

// §23.1.3.1 Array.prototype.at ( index )
Value native_ArrayProto_at(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "at")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double rel = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double k = rel >= 0 ? rel : len + rel;
  if (k < 0 || k >= len) return Value::undefined();
  return getIndex(vm, o.get(), k);
}

// §23.1.3.2 Array.prototype.concat ( ...items )
Value native_ArrayProto_concat(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "concat")));
  Root a(vm.heap(), KILN_TRY(arraySpeciesCreate(vm, o.get(), 0)));
  double n = 0;
  Root e(vm.heap());
  for (uint32_t i = 0; i <= info.argc; i++) {
    e.set(i == 0 ? o.get() : info.argv[i - 1]);
    Status spreadable = isConcatSpreadable(vm, e.get());
    if (spreadable == Status::Exception) return Value::exception();
    if (spreadable == Status::True) {
      double len = KILN_TRY(lengthOfArrayLike(vm, e.get())).toDouble();
      if (n + len > kMaxSafeLength) return throwLengthTooLarge(vm);
      for (double k = 0; k < len; k++, n++) {
        Status exists = hasIndex(vm, e.get(), k);
        if (exists == Status::Exception) return Value::exception();
        if (exists == Status::False) continue;
        Value sub = KILN_TRY(getIndex(vm, e.get(), k));
        if (createIndex(vm, a.get(), n, sub) == Status::Exception) return Value::exception();
      }
    } else {
      if (n >= kMaxSafeLength) return throwLengthTooLarge(vm);
      if (createIndex(vm, a.get(), n, e.get()) == Status::Exception) return Value::exception();
      n++;
    }
  }
  if (setLength(vm, a.get(), n) == Status::Exception) return Value::exception();
  return a.get();
}

// §23.1.3.4 Array.prototype.copyWithin ( target, start [ , end ] )
Value native_ArrayProto_copyWithin(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "copyWithin")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double to = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  double from = KILN_TRY(relativeIndex(vm, info.arg(1), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(2), len, len)).toDouble();
  double count = std::min(fin - from, len - to);
  int dir = 1;
  if (from < to && to < from + count) {
    dir = -1;
    from = from + count - 1;
    to = to + count - 1;
  }
  for (; count > 0; count--, from += dir, to += dir) {
    Status exists = hasIndex(vm, o.get(), from);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::True) {
      Value v = KILN_TRY(getIndex(vm, o.get(), from));
      if (setIndex(vm, o.get(), to, v) == Status::Exception) return Value::exception();
    } else if (deleteIndex(vm, o.get(), to) == Status::Exception) {
      return Value::exception();
    }
  }
  return o.get();
}

// §23.1.3.5 Array.prototype.entries ( )
Value native_ArrayProto_entries(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisObject(vm, info, "entries"));
  return createArrayIterator(vm, o, ArrayIterKind::Entries);
}

namespace {

// The shared loop of every, some, forEach, find*, filter and map.
enum class IterOp { Every, Some, ForEach, Map, Filter };

Value iterate(VM& vm, CallInfo& info, const char* name, IterOp op) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, name)));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return throwNotFunction(vm, fn);
  Value thisArg = info.arg(1);
  Root a(vm.heap());
  if (op == IterOp::Map) a.set(KILN_TRY(arraySpeciesCreate(vm, o.get(), len)));
  if (op == IterOp::Filter) a.set(KILN_TRY(arraySpeciesCreate(vm, o.get(), 0)));
  double to = 0;
  Root v(vm.heap());
  for (double k = 0; k < len; k++) {
    Status exists = hasIndex(vm, o.get(), k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    v.set(KILN_TRY(getIndex(vm, o.get(), k)));
    Value r = KILN_TRY(callFn(vm, fn, thisArg, v.get(), Value::number(k), o.get()));
    switch (op) {
      case IterOp::Every:
        if (!toBoolean(vm, r)) return Value::boolean(false);
        break;
      case IterOp::Some:
        if (toBoolean(vm, r)) return Value::boolean(true);
        break;
      case IterOp::ForEach: break;
      case IterOp::Map:
        if (createIndex(vm, a.get(), k, r) == Status::Exception) return Value::exception();
        break;
      case IterOp::Filter:
        if (toBoolean(vm, r)) {
          if (createIndex(vm, a.get(), to, v.get()) == Status::Exception) return Value::exception();
          to++;
        }
        break;
    }
  }
  switch (op) {
    case IterOp::Every: return Value::boolean(true);
    case IterOp::Some: return Value::boolean(false);
    case IterOp::ForEach: return Value::undefined();
    default: return a.get();
  }
}

// §23.1.3.12.1 FindViaPredicate(O, len, direction, predicate, thisArg)
Value findVia(VM& vm, CallInfo& info, const char* name, bool ascending, bool wantIndex) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, name)));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  Value pred = info.arg(0);
  if (!isCallable(vm, pred)) return throwNotFunction(vm, pred);
  Root v(vm.heap());
  for (double i = 0; i < len; i++) {
    double k = ascending ? i : len - 1 - i;
    v.set(KILN_TRY(getIndex(vm, o.get(), k)));
    Value r = KILN_TRY(callFn(vm, pred, info.arg(1), v.get(), Value::number(k), o.get()));
    if (toBoolean(vm, r)) return wantIndex ? Value::number(k) : v.get();
  }
  return wantIndex ? Value::int32(-1) : Value::undefined();
}

}  // namespace

// §23.1.3.6 Array.prototype.every ( callbackfn [ , thisArg ] )
Value native_ArrayProto_every(VM& vm, CallInfo& info) { return iterate(vm, info, "every", IterOp::Every); }

// §23.1.3.7 Array.prototype.fill ( value [ , start [ , end ] ] )
Value native_ArrayProto_fill(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "fill")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double k = KILN_TRY(relativeIndex(vm, info.arg(1), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(2), len, len)).toDouble();
  for (; k < fin; k++)
    if (setIndex(vm, o.get(), k, info.arg(0)) == Status::Exception) return Value::exception();
  return o.get();
}

// §23.1.3.8 Array.prototype.filter ( callbackfn [ , thisArg ] )
Value native_ArrayProto_filter(VM& vm, CallInfo& info) { return iterate(vm, info, "filter", IterOp::Filter); }

// §23.1.3.9 - §23.1.3.12 find, findIndex, findLast, findLastIndex
Value native_ArrayProto_find(VM& vm, CallInfo& info) { return findVia(vm, info, "find", true, false); }
Value native_ArrayProto_findIndex(VM& vm, CallInfo& info) { return findVia(vm, info, "findIndex", true, true); }
Value native_ArrayProto_findLast(VM& vm, CallInfo& info) { return findVia(vm, info, "findLast", false, false); }
Value native_ArrayProto_findLastIndex(VM& vm, CallInfo& info) {
  return findVia(vm, info, "findLastIndex", false, true);
}

namespace {

// §23.1.3.13.1 FlattenIntoArray(target, source, sourceLen, start, depth [ , mapperFunction, thisArg ])
// Iterative: nested sources are kept on an explicit stack (a heap ValueArray
// of [source, sourceLen, nextIndex, depth] quadruples), so deep nesting with
// depth Infinity cannot exhaust the C++ stack.
Value flattenIntoArray(VM& vm, Value target, Value source, double sourceLen, double depth, Value mapper,
                       Value thisArg) {
  Root t(vm.heap(), target), m(vm.heap(), mapper), ta(vm.heap(), thisArg);
  constexpr uint32_t kWidth = 4;
  RootRef stack(vm.heap(), newValueArray(vm, kWidth * 8, 0));
  if (!stack.get()) return Value::exception();
  auto push = [&](Value src, double len, double d) -> bool {
    auto* s = vm.cell<ValueArrayCell>(stack.get());
    if (s->length + kWidth > s->capacity) {
      Root srcRoot(vm.heap(), src);
      Ref grown = newValueArray(vm, s->capacity * 2, 0);
      if (!grown) return false;
      s = vm.cell<ValueArrayCell>(stack.get());
      std::copy(s->data(), s->data() + s->length, vm.cell<ValueArrayCell>(grown)->data());
      vm.cell<ValueArrayCell>(grown)->length = s->length;
      stack.set(grown);
      s = vm.cell<ValueArrayCell>(grown);
      src = srcRoot.get();
    }
    Value* d0 = s->data() + s->length;
    d0[0] = src;
    d0[1] = Value::number(len);
    d0[2] = Value::int32(0);
    d0[3] = Value::number(d);
    s->length += kWidth;
    return true;
  };
  if (!push(source, sourceLen, depth)) return Value::exception();
  double targetIndex = 0;
  Root src(vm.heap()), element(vm.heap());
  while (vm.cell<ValueArrayCell>(stack.get())->length) {
    auto* s = vm.cell<ValueArrayCell>(stack.get());
    Value* top = s->data() + s->length - kWidth;
    src.set(top[0]);
    double len = top[1].toDouble();
    double idx = top[2].toDouble();
    double d = top[3].toDouble();
    if (idx >= len) {
      s->length -= kWidth;
      continue;
    }
    top[2] = Value::number(idx + 1);
    bool topLevel = s->length == kWidth;
    Status exists = hasIndex(vm, src.get(), idx);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    element.set(KILN_TRY(getIndex(vm, src.get(), idx)));
    if (topLevel && !m.get().isUndefined())
      element.set(KILN_TRY(callFn(vm, m.get(), ta.get(), element.get(), Value::number(idx), src.get())));
    bool flatten = false;
    if (d > 0) {
      Status s2 = isArray(vm, element.get());
      if (s2 == Status::Exception) return Value::exception();
      flatten = s2 == Status::True;
    }
    if (flatten) {
      if (vm.cell<ValueArrayCell>(stack.get())->length / kWidth > 100000)
        return vm.throwRangeError("Maximum call stack size exceeded");
      double elementLen = KILN_TRY(lengthOfArrayLike(vm, element.get())).toDouble();
      if (!push(element.get(), elementLen, d - 1)) return Value::exception();
    } else {
      if (targetIndex >= kMaxSafeLength) return throwLengthTooLarge(vm);
      if (createIndex(vm, t.get(), targetIndex, element.get()) == Status::Exception) return Value::exception();
      targetIndex++;
    }
  }
  return Value::number(targetIndex);
}

}  // namespace

// §23.1.3.13 Array.prototype.flat ( [ depth ] )
Value native_ArrayProto_flat(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "flat")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double depth = 1;
  if (!info.arg(0).isUndefined()) {
    depth = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
    if (depth < 0) depth = 0;
  }
  Root a(vm.heap(), KILN_TRY(arraySpeciesCreate(vm, o.get(), 0)));
  KILN_TRY(flattenIntoArray(vm, a.get(), o.get(), len, depth, Value::undefined(), Value::undefined()));
  return a.get();
}

// §23.1.3.14 Array.prototype.flatMap ( mapperFunction [ , thisArg ] )
Value native_ArrayProto_flatMap(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "flatMap")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (!isCallable(vm, info.arg(0))) return vm.throwTypeError("flatMap mapper function is not callable");
  Root a(vm.heap(), KILN_TRY(arraySpeciesCreate(vm, o.get(), 0)));
  KILN_TRY(flattenIntoArray(vm, a.get(), o.get(), len, 1, info.arg(0), info.arg(1)));
  return a.get();
}

// §23.1.3.15 Array.prototype.forEach ( callbackfn [ , thisArg ] )
Value native_ArrayProto_forEach(VM& vm, CallInfo& info) { return iterate(vm, info, "forEach", IterOp::ForEach); }

// §23.1.3.16 Array.prototype.includes ( searchElement [ , fromIndex ] )
Value native_ArrayProto_includes(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "includes")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len == 0) return Value::boolean(false);
  double n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == INFINITY) return Value::boolean(false);
  if (n == -INFINITY) n = 0;
  double k = n >= 0 ? n : std::max(len + n, 0.0);
  Value target = info.arg(0);
  if (isFastArray(vm, o.get()) && len <= 4294967295.0) {
    // No user code can run below: scan the dense storage directly.
    ValueArrayCell* e = elementsOf(vm, o.get());
    uint32_t stored = e ? e->length : 0;
    for (; k < len; k++) {
      Value v = k < stored ? e->data()[uint32_t(k)] : Value::hole();
      if (v.isHole()) v = Value::undefined();
      if (sameValueZero(vm, v, target)) return Value::boolean(true);
      if (k >= stored && !target.isUndefined()) break;
    }
    return Value::boolean(false);
  }
  for (; k < len; k++) {
    Value v = KILN_TRY(getIndex(vm, o.get(), k));
    if (sameValueZero(vm, v, info.arg(0))) return Value::boolean(true);
  }
  return Value::boolean(false);
}

// §23.1.3.17 Array.prototype.indexOf ( searchElement [ , fromIndex ] )
Value native_ArrayProto_indexOf(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "indexOf")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len == 0) return Value::int32(-1);
  double n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == INFINITY) return Value::int32(-1);
  if (n == -INFINITY) n = 0;
  double k = n >= 0 ? n : std::max(len + n, 0.0);
  Value target = info.arg(0);
  if (isFastArray(vm, o.get())) {
    ValueArrayCell* e = elementsOf(vm, o.get());
    uint32_t stored = e ? e->length : 0;
    double end = std::min<double>(len, stored);
    for (; k < end; k++) {
      Value v = e->data()[uint32_t(k)];
      if (!v.isHole() && strictEquals(vm, v, target)) return Value::number(k);
    }
    return Value::int32(-1);
  }
  for (; k < len; k++) {
    Status exists = hasIndex(vm, o.get(), k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    Value v = KILN_TRY(getIndex(vm, o.get(), k));
    if (strictEquals(vm, v, info.arg(0))) return Value::number(k);
  }
  return Value::int32(-1);
}

// The body of §23.1.3.18 Array.prototype.join after ToObject and the length.
Value arrayJoin(VM& vm, Value o, double len, Value separator) {
  Root obj(vm.heap(), o);
  Root sep(vm.heap());
  if (separator.isUndefined()) {
    sep.set(KILN_TRY(newString(vm, std::string_view(","))));
  } else {
    sep.set(KILN_TRY(toString(vm, separator)));
  }
  StringBuilder out;
  for (double k = 0; k < len; k++) {
    if (k > 0) out.append(str(vm, sep.get()));
    Value element = KILN_TRY(getIndex(vm, obj.get(), k));
    if (element.isNullish()) continue;
    if (element.isString()) {
      out.append(str(vm, element));
    } else if (element.isNumber()) {
      out.appendAscii(numberToString(element.toDouble()));
    } else {
      Value s = KILN_TRY(toString(vm, element));
      out.append(str(vm, s));
    }
    if (out.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
  }
  return out.finish(vm);
}

// §23.1.3.18 Array.prototype.join ( separator )
Value native_ArrayProto_join(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "join")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  return arrayJoin(vm, o.get(), len, info.arg(0));
}

// §23.1.3.19 Array.prototype.keys ( )
Value native_ArrayProto_keys(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisObject(vm, info, "keys"));
  return createArrayIterator(vm, o, ArrayIterKind::Keys);
}

// §23.1.3.20 Array.prototype.lastIndexOf ( searchElement [ , fromIndex ] )
Value native_ArrayProto_lastIndexOf(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "lastIndexOf")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len == 0) return Value::int32(-1);
  double n = len - 1;
  if (info.argc > 1) n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == -INFINITY) return Value::int32(-1);
  double k = n >= 0 ? std::min(n, len - 1) : len + n;
  for (; k >= 0; k--) {
    Status exists = hasIndex(vm, o.get(), k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    Value v = KILN_TRY(getIndex(vm, o.get(), k));
    if (strictEquals(vm, v, info.arg(0))) return Value::number(k);
  }
  return Value::int32(-1);
}

// §23.1.3.21 Array.prototype.map ( callbackfn [ , thisArg ] )
Value native_ArrayProto_map(VM& vm, CallInfo& info) { return iterate(vm, info, "map", IterOp::Map); }

// §23.1.3.22 Array.prototype.pop ( )
Value native_ArrayProto_pop(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (isFastArray(vm, t)) {
    auto* a = vm.cell<ArrayCell>(t);
    if (a->lengthWritable && a->length > 0) {
      uint32_t last = a->length - 1;
      ValueArrayCell* e = elementsOf(vm, t);
      Value v = Value::undefined();
      if (e && last < e->length) {
        v = e->data()[last];
        if (v.isHole()) v = Value::undefined();
        e->data()[last] = Value::hole();
        e->length = last;
      }
      a->length = last;
      return v;
    }
  }
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "pop")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len == 0) {
    if (setLength(vm, o.get(), 0) == Status::Exception) return Value::exception();
    return Value::undefined();
  }
  double newLen = len - 1;
  Root element(vm.heap(), KILN_TRY(getIndex(vm, o.get(), newLen)));
  if (deleteIndex(vm, o.get(), newLen) == Status::Exception) return Value::exception();
  if (setLength(vm, o.get(), newLen) == Status::Exception) return Value::exception();
  return element.get();
}

// §23.1.3.23 Array.prototype.push ( ...items )
Value native_ArrayProto_push(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (isFastArray(vm, t)) {
    auto* a = vm.cell<ArrayCell>(t);
    if (a->lengthWritable && a->extensible() && double(a->length) + info.argc <= 4294967295.0) {
      for (uint32_t i = 0; i < info.argc; i++)
        if (arrayPush(vm, info.thisValue, info.argv[i]) == Status::Exception) return Value::exception();
      return Value::number(double(vm.cell<ArrayCell>(info.thisValue)->length));
    }
  }
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "push")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len + info.argc > kMaxSafeLength)
    return vm.throwTypeError("Pushing " + std::to_string(info.argc) + " elements on an array-like of length " +
                             numberToString(len) + " is disallowed, as the total surpasses 2**53-1");
  for (uint32_t i = 0; i < info.argc; i++, len++)
    if (setIndex(vm, o.get(), len, info.argv[i]) == Status::Exception) return Value::exception();
  if (setLength(vm, o.get(), len) == Status::Exception) return Value::exception();
  return Value::number(len);
}

namespace {

// §23.1.3.24 / §23.1.3.25 reduce and reduceRight.
Value reduce(VM& vm, CallInfo& info, const char* name, bool right) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, name)));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return throwNotFunction(vm, fn);
  double k = 0;
  auto index = [&](double i) { return right ? len - 1 - i : i; };
  Root acc(vm.heap());
  if (info.argc >= 2) {
    acc.set(info.argv[1]);
  } else {
    bool present = false;
    for (; !present && k < len; k++) {
      Status s = hasIndex(vm, o.get(), index(k));
      if (s == Status::Exception) return Value::exception();
      if (s == Status::True) {
        present = true;
        acc.set(KILN_TRY(getIndex(vm, o.get(), index(k))));
      }
    }
    if (!present) return vm.throwTypeError("Reduce of empty array with no initial value");
  }
  for (; k < len; k++) {
    double i = index(k);
    Status s = hasIndex(vm, o.get(), i);
    if (s == Status::Exception) return Value::exception();
    if (s == Status::False) continue;
    Value v = KILN_TRY(getIndex(vm, o.get(), i));
    Value args[4] = {acc.get(), v, Value::number(i), o.get()};
    acc.set(KILN_TRY(call(vm, fn, Value::undefined(), args)));
  }
  return acc.get();
}

}  // namespace

Value native_ArrayProto_reduce(VM& vm, CallInfo& info) { return reduce(vm, info, "reduce", false); }
Value native_ArrayProto_reduceRight(VM& vm, CallInfo& info) { return reduce(vm, info, "reduceRight", true); }

// §23.1.3.26 Array.prototype.reverse ( )
Value native_ArrayProto_reverse(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "reverse")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (isFastArray(vm, o.get()) && vm.cell<ObjectCell>(o.get())->extensible()) {
    ValueArrayCell* e = elementsOf(vm, o.get());
    if (len == 0 || (e && e->length == len)) {
      // Holes move like values: a hole is exactly a missing property here.
      if (e) std::reverse(e->data(), e->data() + e->length);
      return o.get();
    }
  }
  double middle = std::floor(len / 2);
  Root lower(vm.heap()), upper(vm.heap());
  for (double lo = 0; lo != middle; lo++) {
    double up = len - lo - 1;
    Status lowerExists = hasIndex(vm, o.get(), lo);
    if (lowerExists == Status::Exception) return Value::exception();
    if (lowerExists == Status::True) lower.set(KILN_TRY(getIndex(vm, o.get(), lo)));
    Status upperExists = hasIndex(vm, o.get(), up);
    if (upperExists == Status::Exception) return Value::exception();
    if (upperExists == Status::True) upper.set(KILN_TRY(getIndex(vm, o.get(), up)));
    Status s1 = Status::True, s2 = Status::True;
    if (lowerExists == Status::True && upperExists == Status::True) {
      s1 = setIndex(vm, o.get(), lo, upper.get());
      if (s1 != Status::Exception) s2 = setIndex(vm, o.get(), up, lower.get());
    } else if (upperExists == Status::True) {
      s1 = setIndex(vm, o.get(), lo, upper.get());
      if (s1 != Status::Exception) s2 = deleteIndex(vm, o.get(), up);
    } else if (lowerExists == Status::True) {
      s1 = deleteIndex(vm, o.get(), lo);
      if (s1 != Status::Exception) s2 = setIndex(vm, o.get(), up, lower.get());
    }
    if (s1 == Status::Exception || s2 == Status::Exception) return Value::exception();
  }
  return o.get();
}

// §23.1.3.27 Array.prototype.shift ( )
Value native_ArrayProto_shift(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (isFastArray(vm, t)) {
    auto* a = vm.cell<ArrayCell>(t);
    if (a->lengthWritable && a->extensible() && a->length > 0) {
      ValueArrayCell* e = elementsOf(vm, t);
      Value first = Value::undefined();
      if (e && e->length > 0) {
        first = e->data()[0];
        if (first.isHole()) first = Value::undefined();
        std::copy(e->data() + 1, e->data() + e->length, e->data());
        e->length--;
        e->data()[e->length] = Value::hole();
      }
      a->length--;
      return first;
    }
  }
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "shift")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  if (len == 0) {
    if (setLength(vm, o.get(), 0) == Status::Exception) return Value::exception();
    return Value::undefined();
  }
  Root first(vm.heap(), KILN_TRY(getIndex(vm, o.get(), 0)));
  for (double k = 1; k < len; k++) {
    Status exists = hasIndex(vm, o.get(), k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::True) {
      Value v = KILN_TRY(getIndex(vm, o.get(), k));
      if (setIndex(vm, o.get(), k - 1, v) == Status::Exception) return Value::exception();
    } else if (deleteIndex(vm, o.get(), k - 1) == Status::Exception) {
      return Value::exception();
    }
  }
  if (deleteIndex(vm, o.get(), len - 1) == Status::Exception) return Value::exception();
  if (setLength(vm, o.get(), len - 1) == Status::Exception) return Value::exception();
  return first.get();
}

// §23.1.3.28 Array.prototype.slice ( start, end )
Value native_ArrayProto_slice(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "slice")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double k = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(1), len, len)).toDouble();
  double count = std::max(fin - k, 0.0);
  Root a(vm.heap(), KILN_TRY(arraySpeciesCreate(vm, o.get(), count)));
  double n = 0;
  for (; k < fin; k++, n++) {
    Status exists = hasIndex(vm, o.get(), k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    Value v = KILN_TRY(getIndex(vm, o.get(), k));
    if (createIndex(vm, a.get(), n, v) == Status::Exception) return Value::exception();
  }
  if (setLength(vm, a.get(), n) == Status::Exception) return Value::exception();
  return a.get();
}

// §23.1.3.29 Array.prototype.some ( callbackfn [ , thisArg ] )
Value native_ArrayProto_some(VM& vm, CallInfo& info) { return iterate(vm, info, "some", IterOp::Some); }

namespace {

// SortIndexedProperties(obj, len, SortCompare, holes) (§23.1.3.30.1) up to
// the sort itself: collects the values (skipping holes when asked) into a
// ValueArray, sorts them with SortCompare, and returns the list with
// undefined values last. `*count` receives the number of items.
Value sortIndexedProperties(VM& vm, Value o, double len, Value comparefn, bool skipHoles, uint32_t* count) {
  Root obj(vm.heap(), o), cmp(vm.heap(), comparefn);
  if (len > 4294967295.0) return vm.throwRangeError("Invalid array length");
  RootRef list(vm.heap(), newValueArray(vm, std::min<uint32_t>(uint32_t(len), kMaxReserve), 0));
  if (!list.get()) return Value::exception();
  uint32_t undefinedCount = 0;
  for (double k = 0; k < len; k++) {
    if (skipHoles) {
      Status s = hasIndex(vm, obj.get(), k);
      if (s == Status::Exception) return Value::exception();
      if (s == Status::False) continue;
    }
    Value v = KILN_TRY(getIndex(vm, obj.get(), k));
    if (v.isUndefined()) {
      undefinedCount++;
      continue;
    }
    auto* l = vm.cell<ValueArrayCell>(list.get());
    if (l->length == l->capacity) {
      Root vr(vm.heap(), v);
      Ref grown = newValueArray(vm, l->capacity * 2 + 8, 0);
      if (!grown) return Value::exception();
      l = vm.cell<ValueArrayCell>(list.get());
      std::copy(l->data(), l->data() + l->length, vm.cell<ValueArrayCell>(grown)->data());
      vm.cell<ValueArrayCell>(grown)->length = l->length;
      list.set(grown);
      l = vm.cell<ValueArrayCell>(grown);
      v = vr.get();
    }
    l->data()[l->length++] = v;
  }
  uint32_t n = vm.cell<ValueArrayCell>(list.get())->length;
  if (sortValues(vm, list.get(), n, cmp.get()) == Status::Exception) return Value::exception();
  // Undefined values go last.
  auto* l = vm.cell<ValueArrayCell>(list.get());
  if (l->capacity < n + undefinedCount) {
    Ref grown = newValueArray(vm, n + undefinedCount, 0);
    if (!grown) return Value::exception();
    l = vm.cell<ValueArrayCell>(list.get());
    std::copy(l->data(), l->data() + n, vm.cell<ValueArrayCell>(grown)->data());
    list.set(grown);
    l = vm.cell<ValueArrayCell>(grown);
  }
  for (uint32_t i = 0; i < undefinedCount; i++) l->data()[n + i] = Value::undefined();
  l->length = n + undefinedCount;
  *count = l->length;
  return Value::cell(list.get());
}

Value checkComparator(VM& vm, Value comparefn) {
  if (!comparefn.isUndefined() && !isCallable(vm, comparefn))
    return vm.throwTypeError("The comparison function must be either a function or undefined");
  return Value::undefined();
}

}  // namespace

// §23.1.3.30 Array.prototype.sort ( comparefn )
Value native_ArrayProto_sort(VM& vm, CallInfo& info) {
  KILN_TRY(checkComparator(vm, info.arg(0)));
  Root o(vm.heap(), KILN_TRY(toObject(vm, info.thisValue)));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  uint32_t count = 0;
  Root list(vm.heap(), KILN_TRY(sortIndexedProperties(vm, o.get(), len, info.arg(0), true, &count)));
  for (uint32_t j = 0; j < count; j++) {
    Value v = vm.cell<ValueArrayCell>(list.get())->data()[j];
    if (setIndex(vm, o.get(), j, v) == Status::Exception) return Value::exception();
  }
  // Holes go after everything; SortIndexedProperties skipped them.
  for (double j = count; j < len; j++)
    if (deleteIndex(vm, o.get(), j) == Status::Exception) return Value::exception();
  return o.get();
}

// §23.1.3.31 Array.prototype.splice ( start, deleteCount, ...items )
Value native_ArrayProto_splice(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "splice")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double start = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  uint32_t itemCount = info.argc > 2 ? info.argc - 2 : 0;
  double deleteCount;
  if (info.argc == 0) {
    deleteCount = 0;
  } else if (info.argc == 1) {
    deleteCount = len - start;
  } else {
    double dc = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
    deleteCount = std::min(std::max(dc, 0.0), len - start);
  }
  if (len + itemCount - deleteCount > kMaxSafeLength) return throwLengthTooLarge(vm);
  Root a(vm.heap(), KILN_TRY(arraySpeciesCreate(vm, o.get(), deleteCount)));
  for (double k = 0; k < deleteCount; k++) {
    Status exists = hasIndex(vm, o.get(), start + k);
    if (exists == Status::Exception) return Value::exception();
    if (exists == Status::False) continue;
    Value v = KILN_TRY(getIndex(vm, o.get(), start + k));
    if (createIndex(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  if (setLength(vm, a.get(), deleteCount) == Status::Exception) return Value::exception();
  auto move = [&](double from, double to) -> bool {
    Status exists = hasIndex(vm, o.get(), from);
    if (exists == Status::Exception) return false;
    if (exists == Status::True) {
      Value v = getIndex(vm, o.get(), from);
      if (v.isException()) return false;
      return setIndex(vm, o.get(), to, v) != Status::Exception;
    }
    return deleteIndex(vm, o.get(), to) != Status::Exception;
  };
  if (itemCount < deleteCount) {
    for (double k = start; k < len - deleteCount; k++)
      if (!move(k + deleteCount, k + itemCount)) return Value::exception();
    for (double k = len; k > len - deleteCount + itemCount; k--)
      if (deleteIndex(vm, o.get(), k - 1) == Status::Exception) return Value::exception();
  } else if (itemCount > deleteCount) {
    for (double k = len - deleteCount; k > start; k--)
      if (!move(k + deleteCount - 1, k + itemCount - 1)) return Value::exception();
  }
  for (uint32_t i = 0; i < itemCount; i++)
    if (setIndex(vm, o.get(), start + i, info.argv[i + 2]) == Status::Exception) return Value::exception();
  if (setLength(vm, o.get(), len - deleteCount + itemCount) == Status::Exception) return Value::exception();
  return a.get();
}

// §23.1.3.32 Array.prototype.toLocaleString ( [ reserved1 [ , reserved2 ] ] )
Value native_ArrayProto_toLocaleString(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "toLocaleString")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  StringBuilder out;
  Root key(vm.heap(), KILN_TRY(atomFromUtf8(vm, "toLocaleString")));
  for (double k = 0; k < len; k++) {
    if (k > 0) out.append(u',');
    Root element(vm.heap(), KILN_TRY(getIndex(vm, o.get(), k)));
    if (element.get().isNullish()) continue;
    Value fn = KILN_TRY(getV(vm, element.get(), key.get()));
    if (!isCallable(vm, fn)) return throwNotFunction(vm, fn);
    Value r = KILN_TRY(call(vm, fn, element.get()));
    Value s = KILN_TRY(toString(vm, r));
    out.append(str(vm, s));
  }
  return out.finish(vm);
}

// §23.1.3.33 Array.prototype.toReversed ( )
Value native_ArrayProto_toReversed(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "toReversed")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  Root a(vm.heap(), KILN_TRY(arrayCreate(vm, len, Value::undefined(), reserveFor(len))));
  for (double k = 0; k < len; k++) {
    Value v = KILN_TRY(getIndex(vm, o.get(), len - k - 1));
    if (createIndex(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.1.3.34 Array.prototype.toSorted ( comparefn )
Value native_ArrayProto_toSorted(VM& vm, CallInfo& info) {
  KILN_TRY(checkComparator(vm, info.arg(0)));
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "toSorted")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  Root a(vm.heap(), KILN_TRY(arrayCreate(vm, len, Value::undefined(), reserveFor(len))));
  uint32_t count = 0;
  Root list(vm.heap(), KILN_TRY(sortIndexedProperties(vm, o.get(), len, info.arg(0), false, &count)));
  for (uint32_t j = 0; j < count; j++) {
    Value v = vm.cell<ValueArrayCell>(list.get())->data()[j];
    if (createIndex(vm, a.get(), j, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.1.3.35 Array.prototype.toSpliced ( start, skipCount, ...items )
Value native_ArrayProto_toSpliced(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "toSpliced")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double start = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  uint32_t insertCount = info.argc > 2 ? info.argc - 2 : 0;
  double skipCount;
  if (info.argc == 0) {
    skipCount = 0;
  } else if (info.argc == 1) {
    skipCount = len - start;
  } else {
    double sc = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
    skipCount = std::min(std::max(sc, 0.0), len - start);
  }
  double newLen = len + insertCount - skipCount;
  if (newLen > kMaxSafeLength) return throwLengthTooLarge(vm);
  Root a(vm.heap(), KILN_TRY(arrayCreate(vm, newLen, Value::undefined(), reserveFor(newLen))));
  double i = 0, r = start + skipCount;
  for (; i < start; i++) {
    Value v = KILN_TRY(getIndex(vm, o.get(), i));
    if (createIndex(vm, a.get(), i, v) == Status::Exception) return Value::exception();
  }
  for (uint32_t j = 0; j < insertCount; j++, i++)
    if (createIndex(vm, a.get(), i, info.argv[j + 2]) == Status::Exception) return Value::exception();
  for (; i < newLen; i++, r++) {
    Value v = KILN_TRY(getIndex(vm, o.get(), r));
    if (createIndex(vm, a.get(), i, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.1.3.36 Array.prototype.toString ( )
Value native_ArrayProto_toString(VM& vm, CallInfo& info) {
  Root array(vm.heap(), KILN_TRY(thisObject(vm, info, "toString")));
  Value fn = KILN_TRY(get(vm, array.get(), vm.atom(Atom::join)));
  if (!isCallable(vm, fn)) {
    Value objToString = vm.intrinsic(Intrinsic::ObjectProtoToString);
    return call(vm, objToString, array.get());
  }
  return call(vm, fn, array.get());
}

// §23.1.3.37 Array.prototype.unshift ( ...items )
Value native_ArrayProto_unshift(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "unshift")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  uint32_t argCount = info.argc;
  if (argCount > 0) {
    if (len + argCount > kMaxSafeLength) return throwLengthTooLarge(vm);
    bool done = false;
    if (isFastArray(vm, o.get()) && len + argCount <= 4294967295.0) {
      auto* a = vm.cell<ArrayCell>(o.get());
      if (a->lengthWritable && a->extensible()) {
        // Shift the dense storage up in one go (holes move as missing properties).
        ValueArrayCell* e = elementsOf(vm, o.get());
        uint32_t stored = e ? e->length : 0;
        uint32_t need = stored + argCount;
        if (!e || e->capacity < need) {
          Ref grown = newValueArray(vm, need + need / 2 + 4, 0);
          if (!grown) return Value::exception();
          e = elementsOf(vm, o.get());
          ValueArrayCell* g = vm.cell<ValueArrayCell>(grown);
          if (e) std::copy(e->data(), e->data() + stored, g->data() + argCount);
          g->length = need;
          vm.cell<ObjectCell>(o.get())->elements = grown;
          e = g;
        } else {
          std::copy_backward(e->data(), e->data() + stored, e->data() + need);
          e->length = need;
        }
        for (uint32_t j = 0; j < argCount; j++) e->data()[j] = info.argv[j];
        a = vm.cell<ArrayCell>(o.get());
        a->length = uint32_t(len) + argCount;
        done = true;
      }
    }
    if (!done) {
      for (double k = len; k > 0; k--) {
        double from = k - 1, to = k + argCount - 1;
        Status exists = hasIndex(vm, o.get(), from);
        if (exists == Status::Exception) return Value::exception();
        if (exists == Status::True) {
          Value v = KILN_TRY(getIndex(vm, o.get(), from));
          if (setIndex(vm, o.get(), to, v) == Status::Exception) return Value::exception();
        } else if (deleteIndex(vm, o.get(), to) == Status::Exception) {
          return Value::exception();
        }
      }
      for (uint32_t j = 0; j < argCount; j++)
        if (setIndex(vm, o.get(), j, info.argv[j]) == Status::Exception) return Value::exception();
    }
  }
  if (setLength(vm, o.get(), len + argCount) == Status::Exception) return Value::exception();
  return Value::number(len + argCount);
}

// §23.1.3.38 Array.prototype.values ( )
Value native_ArrayProto_values(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisObject(vm, info, "values"));
  return createArrayIterator(vm, o, ArrayIterKind::Values);
}

// §23.1.3.39 Array.prototype.with ( index, value )
Value native_ArrayProto_with(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisObject(vm, info, "with")));
  double len = KILN_TRY(lengthOfArrayLike(vm, o.get())).toDouble();
  double rel = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double actual = rel >= 0 ? rel : len + rel;
  if (actual >= len || actual < 0) return vm.throwRangeError("Invalid index : " + numberToString(rel));
  Root a(vm.heap(), KILN_TRY(arrayCreate(vm, len, Value::undefined(), reserveFor(len))));
  for (double k = 0; k < len; k++) {
    Value v = k == actual ? info.arg(1) : KILN_TRY(getIndex(vm, o.get(), k));
    if (createIndex(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// ---- installation ------------------------------------------------------------------------

void installArrayIterator(VM& vm);

void installArray(VM& vm, Value global) {
  // §23.1.3: Array.prototype is itself an Array exotic object.
  Root proto(vm.heap(), newObjectOfKind(vm, CellKind::Array, sizeof(ArrayCell),
                                        vm.intrinsic(Intrinsic::ObjectPrototype)));
  if (proto.get().isException()) return;
  vm.cell<ArrayCell>(proto.get())->lengthWritable = 1;
  vm.setIntrinsic(Intrinsic::ArrayPrototype, proto.get());

  Value ctorV = defineConstructor(vm, global, "Array", NativeId::ArrayCtor, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Array, ctor.get());
  defineMethod(vm, ctor, "from", NativeId::Array_from);
  defineMethod(vm, ctor, "isArray", NativeId::Array_isArray);
  defineMethod(vm, ctor, "of", NativeId::Array_of);
  defineGetter(vm, ctor, WellKnown::species, NativeId::Array_species);

  struct Method { const char* name; NativeId id; };
  static constexpr Method kMethods[] = {
      {"at", NativeId::ArrayProto_at},
      {"concat", NativeId::ArrayProto_concat},
      {"copyWithin", NativeId::ArrayProto_copyWithin},
      {"entries", NativeId::ArrayProto_entries},
      {"every", NativeId::ArrayProto_every},
      {"fill", NativeId::ArrayProto_fill},
      {"filter", NativeId::ArrayProto_filter},
      {"find", NativeId::ArrayProto_find},
      {"findIndex", NativeId::ArrayProto_findIndex},
      {"findLast", NativeId::ArrayProto_findLast},
      {"findLastIndex", NativeId::ArrayProto_findLastIndex},
      {"flat", NativeId::ArrayProto_flat},
      {"flatMap", NativeId::ArrayProto_flatMap},
      {"forEach", NativeId::ArrayProto_forEach},
      {"includes", NativeId::ArrayProto_includes},
      {"indexOf", NativeId::ArrayProto_indexOf},
      {"join", NativeId::ArrayProto_join},
      {"keys", NativeId::ArrayProto_keys},
      {"lastIndexOf", NativeId::ArrayProto_lastIndexOf},
      {"map", NativeId::ArrayProto_map},
      {"pop", NativeId::ArrayProto_pop},
      {"push", NativeId::ArrayProto_push},
      {"reduce", NativeId::ArrayProto_reduce},
      {"reduceRight", NativeId::ArrayProto_reduceRight},
      {"reverse", NativeId::ArrayProto_reverse},
      {"shift", NativeId::ArrayProto_shift},
      {"slice", NativeId::ArrayProto_slice},
      {"some", NativeId::ArrayProto_some},
      {"sort", NativeId::ArrayProto_sort},
      {"splice", NativeId::ArrayProto_splice},
      {"toLocaleString", NativeId::ArrayProto_toLocaleString},
      {"toReversed", NativeId::ArrayProto_toReversed},
      {"toSorted", NativeId::ArrayProto_toSorted},
      {"toSpliced", NativeId::ArrayProto_toSpliced},
      {"toString", NativeId::ArrayProto_toString},
      {"unshift", NativeId::ArrayProto_unshift},
      {"with", NativeId::ArrayProto_with},
  };
  for (const Method& m : kMethods)
    if (defineMethod(vm, proto, m.name, m.id).isException()) return;

  // values and @@iterator are the same function object (§23.1.3.40).
  Value values = defineMethod(vm, proto, "values", NativeId::ArrayProto_values);
  if (values.isException()) return;
  vm.setIntrinsic(Intrinsic::ArrayProtoValues, values);
  defineValue(vm, proto, vm.wellKnown(WellKnown::iterator), values, kMethodAttrs);

  // §23.1.3.41 Array.prototype [ @@unscopables ]
  Value unscopablesV = newObject(vm, Value::null());
  if (unscopablesV.isException()) return;
  Root unscopables(vm.heap(), unscopablesV);
  static constexpr const char* kUnscopable[] = {
      "at", "copyWithin", "entries", "fill", "find", "findIndex", "findLast", "findLastIndex", "flat",
      "flatMap", "includes", "keys", "toReversed", "toSorted", "toSpliced", "values"};
  for (const char* name : kUnscopable) defineProperty(vm, unscopables, name, Value::boolean(true), kDefaultAttrs);
  defineValue(vm, proto, vm.wellKnown(WellKnown::unscopables), unscopables, kConfigurable);

  installArrayIterator(vm);
}

}  // namespace kiln
