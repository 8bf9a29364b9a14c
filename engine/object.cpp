#include "engine/object.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/hash_table.h"
#include "engine/shape.h"
#include "engine/strings.h"

namespace kiln {

// ---- creation ----------------------------------------------------------------

Ref newValueArray(VM& vm, uint32_t capacity, uint32_t length) {
  Ref r = vm.allocate(CellKind::ValueArray, sizeof(ValueArrayCell) + size_t(capacity) * sizeof(Value));
  if (!r) return 0;
  auto* a = vm.cell<ValueArrayCell>(r);
  a->capacity = capacity;
  a->length = length;
  Value* d = a->data();
  for (uint32_t i = 0; i < capacity; i++) d[i] = Value::undefined();
  return r;
}

Value listAppend(VM& vm, Value list, Value v) {
  if (list.isCell()) {
    auto* a = vm.cell<ValueArrayCell>(list);
    if (a->length < a->capacity) {
      a->data()[a->length++] = v;
      return list;
    }
  }
  Root l(vm.heap(), list), val(vm.heap(), v);
  uint32_t n = list.isCell() ? vm.cell<ValueArrayCell>(list)->length : 0;
  Ref grown = newValueArray(vm, std::max<uint32_t>(8, n * 2), 0);
  if (!grown) return Value::exception();
  auto* g = vm.cell<ValueArrayCell>(grown);
  if (n) std::memcpy(g->data(), vm.cell<ValueArrayCell>(l.get())->data(), n * sizeof(Value));
  g->data()[n] = val.get();
  g->length = n + 1;
  return Value::cell(grown);
}

Ref newByteArray(VM& vm, uint32_t length) {
  Ref r = vm.allocate(CellKind::ByteArray, sizeof(ByteArrayCell) + length);
  if (!r) return 0;
  vm.cell<ByteArrayCell>(r)->length = length;
  return r;
}

Value newObjectOfKind(VM& vm, CellKind kind, size_t bytes, Value proto) {
  Root p(vm.heap(), proto);
  Ref shape = rootShape(vm);
  if (!shape) return Value::exception();
  Ref r = vm.allocate(kind, std::max(bytes, sizeof(ObjectCell)));
  if (!r) return Value::exception();
  auto* o = vm.cell<ObjectCell>(r);
  o->flags = ObjectCell::kExtensible;
  o->shape = shape;
  o->proto = p.get().isObject() ? p.get().ref() : 0;
  return Value::object(r);
}

Value newObject(VM& vm, Value proto) { return newObjectOfKind(vm, CellKind::Object, sizeof(ObjectCell), proto); }
Value newObject(VM& vm) { return newObject(vm, vm.intrinsic(Intrinsic::ObjectPrototype)); }

Value newArray(VM& vm, uint32_t length) {
  Value a = KILN_TRY(newObjectOfKind(vm, CellKind::Array, sizeof(ArrayCell), vm.intrinsic(Intrinsic::ArrayPrototype)));
  auto* c = vm.cell<ArrayCell>(a);
  c->length = length;
  c->lengthWritable = 1;
  return a;
}

Value newArrayFrom(VM& vm, std::span<const Value> values) {
  // The span may point into the heap; copy into a rooted buffer first.
  uint32_t n = uint32_t(values.size());
  Root arr(vm.heap(), KILN_TRY(newArray(vm, 0)));
  RootRef elems(vm.heap(), newValueArray(vm, n, n));
  if (!elems.get()) return Value::exception();
  Value* d = vm.cell<ValueArrayCell>(elems.get())->data();
  for (uint32_t i = 0; i < n; i++) d[i] = values[i];
  auto* c = vm.cell<ArrayCell>(arr.get());
  c->elements = elems.get();
  c->length = n;
  return arr.get();
}

// ---- keys ------------------------------------------------------------------------

Value keyFromIndex(uint32_t index) { return Value::number(double(index)); }

Value keyFromString(VM& vm, Value s) {
  uint32_t index;
  if (stringToArrayIndex(str(vm, s), &index)) return keyFromIndex(index);
  return atomize(vm, s);
}

Value keyFromAtom(VM& vm, Atom a) { return vm.atom(a); }

Value toPropertyKey(VM& vm, Value v) {
  if (v.isInt() && v.asInt() >= 0) return v;
  if (v.isString()) return keyFromString(vm, v);
  if (v.isSymbol()) return v;
  if (v.isObject()) {
    Value p = KILN_TRY(toPrimitive(vm, v, PreferredType::String));
    if (p.isSymbol()) return p;
    v = p;
  }
  if (v.isNumber()) {
    double d = v.toDouble();
    if (d >= 0 && d <= 4294967294.0 && d == std::floor(d) && !(d == 0 && std::signbit(d))) return Value::number(d);
  }
  Value s = KILN_TRY(toString(vm, v));
  return keyFromString(vm, s);
}

Value keyToValue(VM& vm, Value key) {
  if (key.isNumber()) return numberToString(vm, key.toDouble());
  return key;
}

// ---- storage helpers -------------------------------------------------------------

namespace {

bool isOrdinaryStorageKind(CellKind k) {
  return k != CellKind::Proxy && k != CellKind::TypedArray && k != CellKind::Namespace;
}

ValueArrayCell* elementsOf(VM& vm, ObjectCell* o) {
  return o->elements ? vm.cell<ValueArrayCell>(o->elements) : nullptr;
}

// Reads an own dense element (default attributes) if present.
bool getElement(VM& vm, ObjectCell* o, uint32_t index, Value* out) {
  ValueArrayCell* e = elementsOf(vm, o);
  if (!e || index >= e->length) return false;
  Value v = e->data()[index];
  if (v.isHole()) return false;
  *out = v;
  return true;
}

struct NamedLookup {
  bool found = false;
  uint32_t attrs = 0;
  Value* slot = nullptr;  // where the value (or accessor pair) lives
};

NamedLookup findNamed(VM& vm, ObjectCell* o, Value key) {
  NamedLookup r;
  if (o->dictionary()) {
    uint32_t i = hashTableFind(vm, o->slots, key);
    if (i == kNotFound) return r;
    Value* e = vm.cell<HashTableCell>(o->slots)->entry(i);
    r.found = true;
    r.slot = &e[1];
    r.attrs = uint32_t(e[2].asInt());
    return r;
  }
  uint32_t attrs;
  uint32_t index = shapeFind(vm, o->shape, key, &attrs);
  if (index == kNotFound) return r;
  r.found = true;
  r.attrs = attrs;
  r.slot = vm.cell<ValueArrayCell>(o->slots)->data() + index;
  return r;
}

// An accessor property's value is a ValueArray [getter, setter].
Value accessorGetter(VM& vm, Value pair) { return vm.cell<ValueArrayCell>(pair)->data()[0]; }
Value accessorSetter(VM& vm, Value pair) { return vm.cell<ValueArrayCell>(pair)->data()[1]; }

Value newAccessorPair(VM& vm, Value getter, Value setter) {
  Root g(vm.heap(), getter), s(vm.heap(), setter);
  Ref r = newValueArray(vm, 2, 2);
  if (!r) return Value::exception();
  Value* d = vm.cell<ValueArrayCell>(r)->data();
  d[0] = g.get();
  d[1] = s.get();
  return Value::cell(r);
}

// Converts a fast-mode object to dictionary mode.
bool toDictionary(VM& vm, Value ov) {
  ObjectCell* o = obj(vm, ov);
  if (o->dictionary()) return true;
  Root root(vm.heap(), ov);
  uint32_t n = vm.cell<ShapeCell>(o->shape)->count;
  Ref keys = shapeKeys(vm, o->shape);
  if (!keys) return false;
  RootRef keysRoot(vm.heap(), keys);
  Ref table = newHashTable(vm, 3, n + 4);
  if (!table) return false;
  for (uint32_t i = 0; i < n; i++) {
    o = obj(vm, root.get());
    Value* kd = vm.cell<ValueArrayCell>(keysRoot.get())->data();
    Value vals[2] = {vm.cell<ValueArrayCell>(o->slots)->data()[i], kd[i * 2 + 1]};
    table = hashTableAdd(vm, table, kd[i * 2], vals);
    if (!table) return false;
  }
  o = obj(vm, root.get());
  o->slots = table;
  o->shape = 0;
  o->flags |= ObjectCell::kDictionary;
  return true;
}

// Adds a new named property (the key must be absent from named storage).
bool addNamed(VM& vm, Value ov, Value key, Value value, uint32_t attrs) {
  ObjectCell* o = obj(vm, ov);
  Root root(vm.heap(), ov), k(vm.heap(), key), v(vm.heap(), value);
  if (!o->dictionary()) {
    uint32_t count = vm.cell<ShapeCell>(o->shape)->count;
    if (count >= kMaxFastProperties) {
      if (!toDictionary(vm, ov)) return false;
    } else {
      Ref next = shapeAdd(vm, o->shape, key, attrs);
      if (!next) return false;
      RootRef nextRoot(vm.heap(), next);
      o = obj(vm, root.get());
      ValueArrayCell* slots = o->slots ? vm.cell<ValueArrayCell>(o->slots) : nullptr;
      if (!slots || slots->length == slots->capacity) {
        uint32_t cap = slots ? slots->capacity * 2 : 4;
        if (cap < count + 1) cap = count + 1;
        Ref grown = newValueArray(vm, cap, count);
        if (!grown) return false;
        o = obj(vm, root.get());
        if (o->slots) {
          auto* old = vm.cell<ValueArrayCell>(o->slots);
          std::copy(old->data(), old->data() + count, vm.cell<ValueArrayCell>(grown)->data());
        }
        o->slots = grown;
        slots = vm.cell<ValueArrayCell>(grown);
      }
      slots->data()[count] = v.get();
      slots->length = count + 1;
      o->shape = nextRoot.get();
      return true;
    }
  }
  o = obj(vm, root.get());
  Value vals[2] = {v.get(), Value::int32(int32_t(attrs))};
  Ref t = hashTableAdd(vm, o->slots, k.get(), vals);
  if (!t) return false;
  obj(vm, root.get())->slots = t;
  return true;
}

// Changes the attributes (and value) of an existing named property.
bool updateNamed(VM& vm, Value ov, Value key, Value value, uint32_t attrs) {
  ObjectCell* o = obj(vm, ov);
  NamedLookup l = findNamed(vm, o, key);
  if (l.attrs == attrs) {
    *l.slot = value;
    return true;
  }
  Root root(vm.heap(), ov), k(vm.heap(), key), v(vm.heap(), value);
  if (!toDictionary(vm, ov)) return false;
  o = obj(vm, root.get());
  uint32_t i = hashTableFind(vm, o->slots, k.get());
  Value* e = vm.cell<HashTableCell>(o->slots)->entry(i);
  e[1] = v.get();
  e[2] = Value::int32(int32_t(attrs));
  return true;
}

bool removeNamed(VM& vm, Value ov, Value key) {
  Root root(vm.heap(), ov), k(vm.heap(), key);
  ObjectCell* o = obj(vm, ov);
  if (!o->dictionary()) {
    // Deleting the last-added property can step back to the parent shape.
    auto* s = vm.cell<ShapeCell>(o->shape);
    if (s->count > 0 && s->key == key) {
      o->shape = s->parent;
      auto* slots = vm.cell<ValueArrayCell>(o->slots);
      slots->length--;
      slots->data()[slots->length] = Value::undefined();
      return true;
    }
    if (!toDictionary(vm, ov)) return false;
    o = obj(vm, root.get());
  }
  hashTableRemove(vm, o->slots, k.get());
  return true;
}

// Moves the dense elements into named storage (before giving an element
// non-default attributes, or freezing).
bool elementsToNamed(VM& vm, Value ov) {
  Root root(vm.heap(), ov);
  ObjectCell* o = obj(vm, ov);
  if (!o->elements) return true;
  RootRef elems(vm.heap(), o->elements);
  o->elements = 0;
  uint32_t n = vm.cell<ValueArrayCell>(elems.get())->length;
  if (n > 8 && !toDictionary(vm, root.get())) return false;
  for (uint32_t i = 0; i < n; i++) {
    Value v = vm.cell<ValueArrayCell>(elems.get())->data()[i];
    if (v.isHole()) continue;
    if (!addNamed(vm, root.get(), keyFromIndex(i), v, kDefaultAttrs)) return false;
  }
  return true;
}

// Stores a default-attribute element densely when that stays dense.
// Returns false (without side effects) when the index is too sparse.
bool trySetElement(VM& vm, Value ov, uint32_t index, Value value, bool* oom) {
  ObjectCell* o = obj(vm, ov);
  ValueArrayCell* e = elementsOf(vm, o);
  uint32_t len = e ? e->length : 0;
  uint32_t cap = e ? e->capacity : 0;
  if (index < len) {
    e->data()[index] = value;
    return true;
  }
  if (index > len + 1024 && index > len * 2) return false;
  if (index < cap) {
    for (uint32_t i = len; i < index; i++) e->data()[i] = Value::hole();
    e->data()[index] = value;
    e->length = index + 1;
    return true;
  }
  Root root(vm.heap(), ov), v(vm.heap(), value);
  uint32_t newCap = std::max<uint32_t>(index + 1, cap + cap / 2 + 4);
  Ref grown = newValueArray(vm, newCap, index + 1);
  if (!grown) { *oom = true; return false; }
  o = obj(vm, root.get());
  e = elementsOf(vm, o);
  Value* d = vm.cell<ValueArrayCell>(grown)->data();
  for (uint32_t i = 0; i < index; i++) d[i] = (e && i < len) ? e->data()[i] : Value::hole();
  d[index] = v.get();
  for (uint32_t i = index + 1; i < newCap; i++) d[i] = Value::hole();
  o->elements = grown;
  return true;
}

bool hasNamedIndexKeys(VM& vm, ObjectCell* o) { return o->flags & ObjectCell::kHasIndexedAccessors; }

}  // namespace

Value* findPrivateElement(VM& vm, Value ov, Value pn) {
  NamedLookup l = findNamed(vm, obj(vm, ov), pn);
  return l.found ? l.slot : nullptr;
}

Status addPrivateElement(VM& vm, Value ov, Value pn, Value v) {
  return addNamed(vm, ov, pn, v, kWritable) ? Status::True : Status::Exception;
}

Value* slotAddress(VM& vm, ObjectCell* o, uint32_t slot) { return vm.cell<ValueArrayCell>(o->slots)->data() + slot; }

uint32_t findOwnSlot(VM& vm, ObjectCell* o, Value key, uint32_t* attrs) {
  if (o->dictionary()) return kNotFound;
  return shapeFind(vm, o->shape, key, attrs);
}

void defineValue(VM& vm, Value o, Value key, Value v, uint8_t attrs) {
  PropertyDescriptor d = PropertyDescriptor::data(v, attrs);
  ordinaryDefineOwnProperty(vm, o, key, d);
}

void defineAccessor(VM& vm, Value o, Value key, Value getter, Value setter, uint8_t attrs) {
  PropertyDescriptor d;
  d.getter = getter;
  d.setter = setter;
  d.hasGet = d.hasSet = true;
  d.hasEnumerable = d.hasConfigurable = true;
  d.enumerable = attrs & kEnumerable;
  d.configurable = attrs & kConfigurable;
  ordinaryDefineOwnProperty(vm, o, key, d);
}

// ---- ordinary internal methods -------------------------------------------------------

Status ordinaryGetOwnProperty(VM& vm, Value ov, Value key, PropertyDescriptor* out) {
  ObjectCell* o = obj(vm, ov);
  if (isIndexKey(key)) {
    Value v;
    if (getElement(vm, o, indexOfKey(key), &v)) {
      *out = PropertyDescriptor::data(v, kDefaultAttrs);
      return Status::True;
    }
  }
  if (o->kind == CellKind::Array && key == vm.atom(Atom::length)) {
    auto* a = static_cast<ArrayCell*>(o);
    *out = PropertyDescriptor::data(Value::number(double(a->length)), a->lengthWritable ? kWritable : 0);
    return Status::True;
  }
  NamedLookup l = findNamed(vm, o, key);
  if (!l.found) return Status::False;
  PropertyDescriptor d;
  d.hasEnumerable = d.hasConfigurable = true;
  d.enumerable = l.attrs & kEnumerable;
  d.configurable = l.attrs & kConfigurable;
  if (l.attrs & kAccessor) {
    d.hasGet = d.hasSet = true;
    d.getter = accessorGetter(vm, *l.slot);
    d.setter = accessorSetter(vm, *l.slot);
  } else {
    d.hasValue = d.hasWritable = true;
    d.value = *l.slot;
    d.writable = l.attrs & kWritable;
  }
  *out = d;
  return Status::True;
}

bool isCompatiblePropertyDescriptor(VM& vm, bool extensible, const PropertyDescriptor& desc,
                                    const PropertyDescriptor* current) {
  if (!current) return extensible;
  if (!current->configurable) {
    if (desc.hasConfigurable && desc.configurable) return false;
    if (desc.hasEnumerable && desc.enumerable != current->enumerable) return false;
    bool descGeneric = !desc.isAccessor() && !desc.isData();
    if (!descGeneric && desc.isAccessor() != current->isAccessor()) return false;
    if (current->isAccessor()) {
      if (desc.hasGet && !sameValue(vm, desc.getter, current->getter)) return false;
      if (desc.hasSet && !sameValue(vm, desc.setter, current->setter)) return false;
    } else if (!current->writable) {
      if (desc.hasWritable && desc.writable) return false;
      if (desc.hasValue && !sameValue(vm, desc.value, current->value)) return false;
    }
  }
  return true;
}

// ValidateAndApplyPropertyDescriptor (§10.1.6.3) for ordinary storage.
Status ordinaryDefineOwnProperty(VM& vm, Value ov, Value key, const PropertyDescriptor& descIn) {
  Root root(vm.heap(), ov), k(vm.heap(), key);
  RootedDescriptor desc(vm.heap());
  *desc.get() = descIn;
  desc.sync();
  if (obj(vm, ov)->kind == CellKind::Array) {
    if (key == vm.atom(Atom::length)) return arraySetLength(vm, ov, descIn);
  }
  PropertyDescriptor current;
  Status has = ordinaryGetOwnProperty(vm, ov, key, &current);
  ObjectCell* o = obj(vm, ov);
  bool extensible = o->extensible();
  if (!isCompatiblePropertyDescriptor(vm, extensible, descIn, has == Status::True ? &current : nullptr))
    return Status::False;

  // Arrays: an index at or above a non-writable length cannot be added.
  uint32_t arrayIndex = 0;
  bool isArrayIndexOnArray = o->kind == CellKind::Array && isIndexKey(key);
  if (isArrayIndexOnArray) {
    arrayIndex = indexOfKey(key);
    auto* a = static_cast<ArrayCell*>(o);
    if (arrayIndex >= a->length && !a->lengthWritable) return Status::False;
  }

  // Resulting property.
  bool accessor;
  Value value = Value::undefined(), getter = Value::undefined(), setter = Value::undefined();
  bool writable, enumerable, configurable;
  if (has == Status::False) {
    accessor = descIn.isAccessor();
    value = descIn.value;
    getter = descIn.getter;
    setter = descIn.setter;
    writable = descIn.hasWritable && descIn.writable;
    enumerable = descIn.hasEnumerable && descIn.enumerable;
    configurable = descIn.hasConfigurable && descIn.configurable;
  } else {
    bool toAccessor = descIn.isAccessor() || (!descIn.isData() && current.isAccessor());
    accessor = toAccessor;
    enumerable = descIn.hasEnumerable ? descIn.enumerable : current.enumerable;
    configurable = descIn.hasConfigurable ? descIn.configurable : current.configurable;
    if (accessor) {
      bool was = current.isAccessor();
      getter = descIn.hasGet ? descIn.getter : (was ? current.getter : Value::undefined());
      setter = descIn.hasSet ? descIn.setter : (was ? current.setter : Value::undefined());
      writable = false;
    } else {
      bool was = !current.isAccessor();
      value = descIn.hasValue ? descIn.value : (was ? current.value : Value::undefined());
      writable = descIn.hasWritable ? descIn.writable : (was ? current.writable : false);
    }
  }
  uint32_t attrs = (writable ? kWritable : 0) | (enumerable ? kEnumerable : 0) | (configurable ? kConfigurable : 0) |
                   (accessor ? kAccessor : 0);
  Root vroot(vm.heap(), value), groot(vm.heap(), getter), sroot(vm.heap(), setter);

  // Dense elements: default-attribute data properties on index keys.
  if (isIndexKey(key)) {
    uint32_t index = indexOfKey(key);
    o = obj(vm, root.get());
    bool inElements = false;
    Value tmp;
    if (getElement(vm, o, index, &tmp)) inElements = true;
    if (attrs == kDefaultAttrs && (inElements || has == Status::False)) {
      bool oom = false;
      if (trySetElement(vm, root.get(), index, vroot.get(), &oom)) {
        if (isArrayIndexOnArray) {
          auto* a = vm.cell<ArrayCell>(root.get());
          if (index >= a->length) a->length = index + 1;
        }
        return Status::True;
      }
      if (oom) return Status::Exception;
    } else if (inElements) {
      // The element changes attributes: move elements to named storage first.
      if (!elementsToNamed(vm, root.get())) return Status::Exception;
      has = Status::True;
    }
    obj(vm, root.get())->flags |= ObjectCell::kHasIndexedAccessors;
  }

  Value stored = vroot.get();
  if (accessor) {
    stored = newAccessorPair(vm, groot.get(), sroot.get());
    if (stored.isException()) return Status::Exception;
  }
  bool ok = (has == Status::True) ? updateNamed(vm, root.get(), k.get(), stored, attrs)
                                  : addNamed(vm, root.get(), k.get(), stored, attrs);
  if (!ok) return Status::Exception;
  if (isArrayIndexOnArray) {
    auto* a = vm.cell<ArrayCell>(root.get());
    if (arrayIndex >= a->length) a->length = arrayIndex + 1;
  }
  return Status::True;
}

Status ordinaryHasProperty(VM& vm, Value ov, Value key) {
  Root k(vm.heap(), key);
  Value cur = ov;
  while (true) {
    CellKind kind = kindOf(vm, cur);
    Status s;
    // Exotic objects met on the prototype chain use their own [[HasProperty]];
    // `ov` itself is treated ordinarily (exotic methods delegate here).
    if (cur != ov && (kind == CellKind::Proxy || kind == CellKind::TypedArray || kind == CellKind::Namespace))
      return hasProperty(vm, cur, k.get());
    PropertyDescriptor d;
    s = getOwnProperty(vm, cur, k.get(), &d);
    if (s != Status::False) return s;
    Value proto = getPrototypeOf(vm, cur);
    if (proto.isException()) return Status::Exception;
    if (proto.isNull()) return Status::False;
    cur = proto;
  }
}

Value ordinaryGet(VM& vm, Value ov, Value key, Value receiver) {
  Value cur = ov;
  for (uint32_t depth = 0;; depth++) {
    ObjectCell* o = obj(vm, cur);
    if (!isOrdinaryStorageKind(o->kind) || o->kind == CellKind::Primitive || o->kind == CellKind::Arguments) {
      // Exotic objects met on the prototype chain use their own [[Get]]; the
      // receiver itself is treated ordinarily (exotic methods delegate here).
      if (depth > 0 && !isOrdinaryStorageKind(o->kind)) return get(vm, cur, key, receiver);
      PropertyDescriptor d;
      Root r(vm.heap(), receiver), k(vm.heap(), key), c(vm.heap(), cur);
      Status s = getOwnProperty(vm, cur, key, &d);
      if (s == Status::Exception) return Value::exception();
      if (s == Status::True) {
        if (!d.isAccessor()) return d.value;
        if (d.getter.isUndefined()) return Value::undefined();
        return call(vm, d.getter, r.get());
      }
      key = k.get(); receiver = r.get(); cur = c.get();
      o = obj(vm, cur);
      if (!o->proto) return Value::undefined();
      cur = Value::object(o->proto);
      continue;
    }
    if (isIndexKey(key)) {
      Value v;
      if (getElement(vm, o, indexOfKey(key), &v)) return v;
    }
    if (o->kind == CellKind::Array && key == vm.atom(Atom::length))
      return Value::number(double(static_cast<ArrayCell*>(o)->length));
    NamedLookup l = findNamed(vm, o, key);
    if (l.found) {
      if (!(l.attrs & kAccessor)) return *l.slot;
      Value getter = accessorGetter(vm, *l.slot);
      if (getter.isUndefined()) return Value::undefined();
      return call(vm, getter, receiver);
    }
    if (!o->proto) return Value::undefined();
    cur = Value::object(o->proto);
  }
}

Status ordinarySetWithOwnDescriptor(VM& vm, Value ov, Value key, Value v, Value receiver, PropertyDescriptor* ownDesc) {
  Root k(vm.heap(), key), val(vm.heap(), v), recv(vm.heap(), receiver);
  PropertyDescriptor fresh;
  if (!ownDesc) {
    Value parent = getPrototypeOf(vm, ov);
    if (parent.isException()) return Status::Exception;
    if (!parent.isNull()) return set(vm, parent, k.get(), val.get(), recv.get());
    fresh = PropertyDescriptor::data(Value::undefined(), kDefaultAttrs);
    ownDesc = &fresh;
  }
  if (!ownDesc->isAccessor()) {
    if (!ownDesc->writable) return Status::False;
    if (!recv.get().isObject()) return Status::False;
    PropertyDescriptor existing;
    Status s = getOwnProperty(vm, recv.get(), k.get(), &existing);
    if (s == Status::Exception) return s;
    if (s == Status::True) {
      if (existing.isAccessor() || !existing.writable) return Status::False;
      PropertyDescriptor valueDesc;
      valueDesc.value = val.get();
      valueDesc.hasValue = true;
      return defineOwnProperty(vm, recv.get(), k.get(), valueDesc);
    }
    return createDataProperty(vm, recv.get(), k.get(), val.get());
  }
  if (ownDesc->setter.isUndefined()) return Status::False;
  Value args[1] = {val.get()};
  Value r = call(vm, ownDesc->setter, recv.get(), args);
  return r.isException() ? Status::Exception : Status::True;
}

Status ordinarySet(VM& vm, Value ov, Value key, Value v, Value receiver) {
  // Fast path: walk ordinary objects without exotic behaviour iteratively.
  Value cur = ov;
  while (true) {
    ObjectCell* o = obj(vm, cur);
    CellKind kind = o->kind;
    if (!isOrdinaryStorageKind(kind) || kind == CellKind::Primitive || kind == CellKind::Arguments) {
      if (cur == ov && (kind == CellKind::Primitive || kind == CellKind::Arguments)) {
        PropertyDescriptor d;
        Root r(vm.heap(), receiver), k(vm.heap(), key), val(vm.heap(), v), c(vm.heap(), cur);
        Status s = getOwnProperty(vm, cur, key, &d);
        if (s == Status::Exception) return s;
        return ordinarySetWithOwnDescriptor(vm, c.get(), k.get(), val.get(), r.get(), s == Status::True ? &d : nullptr);
      }
      if (cur != ov) return set(vm, cur, key, v, receiver);
      PropertyDescriptor d;
      Root r(vm.heap(), receiver), k(vm.heap(), key), val(vm.heap(), v), c(vm.heap(), cur);
      Status s = getOwnProperty(vm, cur, key, &d);
      if (s == Status::Exception) return s;
      return ordinarySetWithOwnDescriptor(vm, c.get(), k.get(), val.get(), r.get(), s == Status::True ? &d : nullptr);
    }
    PropertyDescriptor d;
    bool found = false;
    if (isIndexKey(key)) {
      Value ev;
      if (getElement(vm, o, indexOfKey(key), &ev)) {
        if (cur == receiver) {
          elementsOf(vm, o)->data()[indexOfKey(key)] = v;
          return Status::True;
        }
        d = PropertyDescriptor::data(ev, kDefaultAttrs);
        found = true;
      }
    }
    if (!found && kind == CellKind::Array && key == vm.atom(Atom::length)) {
      auto* a = static_cast<ArrayCell*>(o);
      if (cur == receiver) {
        if (!a->lengthWritable) return Status::False;  // OrdinarySetWithOwnDescriptor step 2.a
        PropertyDescriptor ld;
        ld.value = v;
        ld.hasValue = true;
        return arraySetLength(vm, cur, ld);
      }
      d = PropertyDescriptor::data(Value::number(double(a->length)), a->lengthWritable ? kWritable : 0);
      found = true;
    }
    if (!found) {
      NamedLookup l = findNamed(vm, o, key);
      if (l.found) {
        if (!(l.attrs & kAccessor) && (l.attrs & kWritable) && cur == receiver) {
          *l.slot = v;
          return Status::True;
        }
        Status s = ordinaryGetOwnProperty(vm, cur, key, &d);
        (void)s;
        found = true;
      }
    }
    if (found) return ordinarySetWithOwnDescriptor(vm, cur, key, v, receiver, &d);
    if (!o->proto) return ordinarySetWithOwnDescriptor(vm, cur, key, v, receiver, nullptr);
    cur = Value::object(o->proto);
  }
}

Status ordinaryDelete(VM& vm, Value ov, Value key) {
  ObjectCell* o = obj(vm, ov);
  if (isIndexKey(key)) {
    Value v;
    if (getElement(vm, o, indexOfKey(key), &v)) {
      elementsOf(vm, o)->data()[indexOfKey(key)] = Value::hole();
      return Status::True;
    }
  }
  if (o->kind == CellKind::Array && key == vm.atom(Atom::length)) return Status::False;
  NamedLookup l = findNamed(vm, o, key);
  if (!l.found) return Status::True;
  if (!(l.attrs & kConfigurable)) return Status::False;
  return removeNamed(vm, ov, key) ? Status::True : Status::Exception;
}

namespace {

int keyClass(Value k) { return k.isNumber() ? 0 : k.isString() ? 1 : k.isSymbol() ? 2 : 3; }

}  // namespace

Ref ordinaryOwnPropertyKeys(VM& vm, Value ov) {
  Root root(vm.heap(), ov);
  ObjectCell* o = obj(vm, ov);
  std::vector<uint32_t> indices;
  if (ValueArrayCell* e = elementsOf(vm, o)) {
    for (uint32_t i = 0; i < e->length; i++)
      if (!e->data()[i].isHole()) indices.push_back(i);
  }
  // Named keys in insertion order (numbers among them are sorted into the indices).
  std::vector<Value> strings, symbols;
  bool extraIndices = false;
  auto take = [&](Value k) {
    switch (keyClass(k)) {
      case 0: indices.push_back(indexOfKey(k)); extraIndices = true; break;
      case 1: strings.push_back(k); break;
      case 2: symbols.push_back(k); break;
      default: break;  // private elements
    }
  };
  if (o->dictionary()) {
    auto* t = vm.cell<HashTableCell>(o->slots);
    for (uint32_t i = 0; i < t->used; i++) {
      Value k = t->entry(i)[0];
      if (!k.isHole()) take(k);
    }
  } else {
    uint32_t n = vm.cell<ShapeCell>(o->shape)->count;
    Ref keys = n ? shapeKeys(vm, o->shape) : 0;
    if (n && !keys) return 0;
    o = obj(vm, root.get());
    for (uint32_t i = 0; i < n; i++) take(vm.cell<ValueArrayCell>(keys)->data()[i * 2]);
  }
  if (extraIndices) std::sort(indices.begin(), indices.end());
  bool isArray = o->kind == CellKind::Array;
  size_t total = indices.size() + strings.size() + symbols.size() + (isArray ? 1 : 0);
  // Keys held in C++ vectors are atoms/symbols reachable from the object; no
  // allocation below can free them while the object is rooted.
  Ref out = newValueArray(vm, uint32_t(total), uint32_t(total));
  if (!out) return 0;
  Value* d = vm.cell<ValueArrayCell>(out)->data();
  size_t j = 0;
  for (uint32_t i : indices) d[j++] = keyFromIndex(i);
  if (isArray) d[j++] = vm.atom(Atom::length);
  for (Value k : strings) d[j++] = k;
  for (Value k : symbols) d[j++] = k;
  return out;
}

// ---- dispatching internal methods -----------------------------------------------------

Value getPrototypeOf(VM& vm, Value ov) {
  ObjectCell* o = obj(vm, ov);
  if (o->kind == CellKind::Proxy) return proxyGetPrototypeOf(vm, ov);
  return o->proto ? Value::object(o->proto) : Value::null();
}

Status setPrototypeOf(VM& vm, Value ov, Value proto) {
  ObjectCell* o = obj(vm, ov);
  if (o->kind == CellKind::Proxy) return proxySetPrototypeOf(vm, ov, proto);
  Ref current = o->proto;
  Ref wanted = proto.isObject() ? proto.ref() : 0;
  if (current == wanted) return Status::True;
  if (!o->extensible()) return Status::False;
  if (o->kind == CellKind::Namespace) return Status::False;
  // Immutable prototype exotic: %Object.prototype%.
  if (ov == vm.intrinsic(Intrinsic::ObjectPrototype)) return Status::False;
  for (Ref p = wanted; p;) {
    if (p == ov.ref()) return Status::False;
    ObjectCell* pc = vm.cell<ObjectCell>(p);
    if (pc->kind == CellKind::Proxy) break;
    p = pc->proto;
  }
  o->proto = wanted;
  return Status::True;
}

Status isExtensible(VM& vm, Value ov) {
  ObjectCell* o = obj(vm, ov);
  if (o->kind == CellKind::Proxy) return proxyIsExtensible(vm, ov);
  return toStatus(o->extensible());
}

Status preventExtensions(VM& vm, Value ov) {
  ObjectCell* o = obj(vm, ov);
  if (o->kind == CellKind::Proxy) return proxyPreventExtensions(vm, ov);
  if (o->kind == CellKind::TypedArray) {
    // Typed arrays with a length-tracking or resizable buffer cannot be made non-extensible; handled by the ops.
  }
  o->flags &= ~ObjectCell::kExtensible;
  return Status::True;
}

namespace {

// String exotic objects (§10.4.3): the wrapped string's indices and length.
Value primitiveString(VM& vm, ObjectCell* o) {
  Value v = static_cast<InternalObjectCell*>(o)->internal[0];
  return v.isString() ? v : Value::undefined();
}

Status stringGetOwn(VM& vm, Value ov, Value key, PropertyDescriptor* out) {
  Value s = primitiveString(vm, obj(vm, ov));
  if (!s.isUndefined()) {
    if (key == vm.atom(Atom::length)) {
      *out = PropertyDescriptor::data(Value::int32(int32_t(stringLength(vm, s))), 0);
      return Status::True;
    }
    if (isIndexKey(key) && indexOfKey(key) < stringLength(vm, s)) {
      uint32_t i = indexOfKey(key);
      char16_t c = str(vm, s)->at(i);
      Value ch = newStringUtf16(vm, &c, 1);
      if (ch.isException()) return Status::Exception;
      *out = PropertyDescriptor::data(ch, kEnumerable);
      return Status::True;
    }
  }
  return ordinaryGetOwnProperty(vm, ov, key, out);
}

}  // namespace

Status getOwnProperty(VM& vm, Value ov, Value key, PropertyDescriptor* out) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.getOwnProperty(vm, ov, key, out);
    case CellKind::TypedArray: return kTypedArrayOps.getOwnProperty(vm, ov, key, out);
    case CellKind::Namespace: return kNamespaceOps.getOwnProperty(vm, ov, key, out);
    case CellKind::Primitive: return stringGetOwn(vm, ov, key, out);
    default: return ordinaryGetOwnProperty(vm, ov, key, out);
  }
}

Status defineOwnProperty(VM& vm, Value ov, Value key, const PropertyDescriptor& desc) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.defineOwnProperty(vm, ov, key, desc);
    case CellKind::TypedArray: return kTypedArrayOps.defineOwnProperty(vm, ov, key, desc);
    case CellKind::Namespace: return kNamespaceOps.defineOwnProperty(vm, ov, key, desc);
    case CellKind::Primitive: {
      Value s = primitiveString(vm, obj(vm, ov));
      if (!s.isUndefined() && (key == vm.atom(Atom::length) || (isIndexKey(key) && indexOfKey(key) < stringLength(vm, s)))) {
        PropertyDescriptor current;
        Root k(vm.heap(), key), o(vm.heap(), ov);
        RootedDescriptor d(vm.heap());
        *d.get() = desc;
        d.sync();
        if (stringGetOwn(vm, ov, key, &current) == Status::Exception) return Status::Exception;
        return toStatus(isCompatiblePropertyDescriptor(vm, false, desc, &current));
      }
      return ordinaryDefineOwnProperty(vm, ov, key, desc);
    }
    default: return ordinaryDefineOwnProperty(vm, ov, key, desc);
  }
}

Status hasProperty(VM& vm, Value ov, Value key) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.hasProperty(vm, ov, key);
    case CellKind::TypedArray: return kTypedArrayOps.hasProperty(vm, ov, key);
    case CellKind::Namespace: return kNamespaceOps.hasProperty(vm, ov, key);
    default: return ordinaryHasProperty(vm, ov, key);
  }
}

Value get(VM& vm, Value ov, Value key, Value receiver) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.get(vm, ov, key, receiver);
    case CellKind::TypedArray: return kTypedArrayOps.get(vm, ov, key, receiver);
    case CellKind::Namespace: return kNamespaceOps.get(vm, ov, key, receiver);
    default: return ordinaryGet(vm, ov, key, receiver);
  }
}

Status set(VM& vm, Value ov, Value key, Value v, Value receiver) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.set(vm, ov, key, v, receiver);
    case CellKind::TypedArray: return kTypedArrayOps.set(vm, ov, key, v, receiver);
    case CellKind::Namespace: return kNamespaceOps.set(vm, ov, key, v, receiver);
    default: return ordinarySet(vm, ov, key, v, receiver);
  }
}

Status deleteProperty(VM& vm, Value ov, Value key) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.deleteProperty(vm, ov, key);
    case CellKind::TypedArray: return kTypedArrayOps.deleteProperty(vm, ov, key);
    case CellKind::Namespace: return kNamespaceOps.deleteProperty(vm, ov, key);
    case CellKind::Primitive: {
      PropertyDescriptor d;
      Status s = getOwnProperty(vm, ov, key, &d);
      if (s == Status::Exception) return s;
      if (s == Status::True && !d.configurable) return Status::False;
      return ordinaryDelete(vm, ov, key);
    }
    default: return ordinaryDelete(vm, ov, key);
  }
}

Ref ownPropertyKeys(VM& vm, Value ov) {
  switch (kindOf(vm, ov)) {
    case CellKind::Proxy: return kProxyOps.ownPropertyKeys(vm, ov);
    case CellKind::TypedArray: return kTypedArrayOps.ownPropertyKeys(vm, ov);
    case CellKind::Namespace: return kNamespaceOps.ownPropertyKeys(vm, ov);
    case CellKind::Primitive: {
      Value s = primitiveString(vm, obj(vm, ov));
      Root root(vm.heap(), ov);
      RootRef base(vm.heap(), ordinaryOwnPropertyKeys(vm, ov));
      if (!base.get()) return 0;
      if (s.isUndefined()) return base.get();
      s = primitiveString(vm, obj(vm, root.get()));
      uint32_t n = stringLength(vm, s);
      auto* b = vm.cell<ValueArrayCell>(base.get());
      Ref out = newValueArray(vm, b->length + n + 1, b->length + n + 1);  // + "length"
      if (!out) return 0;
      b = vm.cell<ValueArrayCell>(base.get());
      Value* d = vm.cell<ValueArrayCell>(out)->data();
      uint32_t j = 0;
      for (uint32_t i = 0; i < n; i++) d[j++] = keyFromIndex(i);
      // Integer keys of the object itself (beyond the string) come next, then the rest in order.
      for (uint32_t i = 0; i < b->length; i++)
        if (b->data()[i].isNumber()) d[j++] = b->data()[i];
      d[j++] = vm.atom(Atom::length);
      for (uint32_t i = 0; i < b->length; i++)
        if (!b->data()[i].isNumber()) d[j++] = b->data()[i];
      vm.cell<ValueArrayCell>(out)->length = j;
      return out;
    }
    default: return ordinaryOwnPropertyKeys(vm, ov);
  }
}

// ---- arrays ---------------------------------------------------------------------------

Status isArray(VM& vm, Value v) {
  if (!v.isObject()) return Status::False;
  CellKind k = kindOf(vm, v);
  if (k == CellKind::Array) return Status::True;
  if (k == CellKind::Proxy) {
    auto* p = vm.cell<ProxyCell>(v);
    if (p->handler.isNull()) {
      vm.throwTypeError("Cannot perform 'IsArray' on a proxy that has been revoked");
      return Status::Exception;
    }
    return isArray(vm, p->target);
  }
  return Status::False;
}

// ArraySetLength (§10.4.2.4).
Status arraySetLength(VM& vm, Value av, const PropertyDescriptor& desc) {
  Root root(vm.heap(), av);
  auto* a = vm.cell<ArrayCell>(av);
  if (!desc.hasValue) {
    PropertyDescriptor current = PropertyDescriptor::data(Value::number(double(a->length)), a->lengthWritable ? kWritable : 0);
    if (!isCompatiblePropertyDescriptor(vm, true, desc, &current)) return Status::False;
    if (desc.hasWritable && !desc.writable) a->lengthWritable = 0;
    return Status::True;
  }
  RootedDescriptor d(vm.heap());
  *d.get() = desc;
  d.sync();
  Value n32 = toUint32(vm, desc.value);
  if (n32.isException()) return Status::Exception;
  Value num = toNumber(vm, d->value);
  if (num.isException()) return Status::Exception;
  double newLen = n32.toDouble();
  if (newLen != num.toDouble()) {
    vm.throwRangeError("Invalid array length");
    return Status::Exception;
  }
  a = vm.cell<ArrayCell>(root.get());
  PropertyDescriptor current = PropertyDescriptor::data(Value::number(double(a->length)), a->lengthWritable ? kWritable : 0);
  PropertyDescriptor check = *d.get();
  check.value = Value::number(newLen);
  if (!isCompatiblePropertyDescriptor(vm, true, check, &current)) return Status::False;
  uint32_t oldLen = a->length;
  uint32_t target = uint32_t(newLen);
  if (target >= oldLen) {
    a->length = target;
    if (d->hasWritable && !d->writable) a->lengthWritable = 0;
    return Status::True;
  }
  if (!a->lengthWritable) return Status::False;
  // Shrink: delete elements from the end; stop at a non-configurable one.
  if (ValueArrayCell* e = elementsOf(vm, a)) {
    if (e->length > target) {
      for (uint32_t i = target; i < e->length; i++) e->data()[i] = Value::hole();
      e->length = target;
    }
  }
  a->length = target;
  if (a->flags & ObjectCell::kHasIndexedAccessors) {
    Ref keys = ordinaryOwnPropertyKeys(vm, root.get());
    if (!keys) return Status::Exception;
    RootRef keysRoot(vm.heap(), keys);
    uint32_t n = vm.cell<ValueArrayCell>(keys)->length;
    for (uint32_t i = n; i > 0; i--) {
      Value k = vm.cell<ValueArrayCell>(keysRoot.get())->data()[i - 1];
      if (!k.isNumber() || indexOfKey(k) < target) continue;
      Status s = ordinaryDelete(vm, root.get(), k);
      if (s == Status::Exception) return s;
      if (s == Status::False) {
        a = vm.cell<ArrayCell>(root.get());
        a->length = indexOfKey(k) + 1;
        if (d->hasWritable && !d->writable) a->lengthWritable = 0;
        return Status::False;
      }
    }
  }
  a = vm.cell<ArrayCell>(root.get());
  if (d->hasWritable && !d->writable) a->lengthWritable = 0;
  return Status::True;
}

Status arrayPush(VM& vm, Value av, Value v) {
  auto* a = vm.cell<ArrayCell>(av);
  uint32_t index = a->length;
  bool oom = false;
  if (!(a->flags & ObjectCell::kHasIndexedAccessors) && a->lengthWritable && a->extensible()) {
    Root root(vm.heap(), av);
    if (trySetElement(vm, av, index, v, &oom)) {
      vm.cell<ArrayCell>(root.get())->length = index + 1;
      return Status::True;
    }
    if (oom) return Status::Exception;
    av = root.get();
  }
  return createDataPropertyOrThrow(vm, av, keyFromIndex(index), v);
}

// ---- abstract operations --------------------------------------------------------------

Value getV(VM& vm, Value v, Value key) {
  if (v.isObject()) return get(vm, v, key, v);
  Value proto;
  if (v.isString()) {
    if (key == vm.atom(Atom::length)) return Value::int32(int32_t(stringLength(vm, v)));
    if (isIndexKey(key) && indexOfKey(key) < stringLength(vm, v)) {
      char16_t c = str(vm, v)->at(indexOfKey(key));
      return newStringUtf16(vm, &c, 1);
    }
    proto = vm.intrinsic(Intrinsic::StringPrototype);
  } else if (v.isNumber()) {
    proto = vm.intrinsic(Intrinsic::NumberPrototype);
  } else if (v.isBool()) {
    proto = vm.intrinsic(Intrinsic::BooleanPrototype);
  } else if (v.isSymbol()) {
    proto = vm.intrinsic(Intrinsic::SymbolPrototype);
  } else if (v.isBigInt()) {
    proto = vm.intrinsic(Intrinsic::BigIntPrototype);
  } else {
    Value o = KILN_TRY(toObject(vm, v));  // throws the TypeError for null/undefined
    return get(vm, o, key, o);
  }
  return get(vm, proto, key, v);
}

Value getMethod(VM& vm, Value v, Value key) {
  Value f = KILN_TRY(getV(vm, v, key));
  if (f.isNullish()) return Value::undefined();
  if (!isCallable(vm, f)) return vm.throwTypeError("Property is not a function");
  return f;
}

Status setOrThrow(VM& vm, Value o, Value key, Value v) {
  Root k(vm.heap(), key);
  Status s = set(vm, o, key, v, o);
  if (s == Status::False) {
    std::string name = k.get().isSymbol() ? "symbol" : toUtf8(vm, keyToValue(vm, k.get()));
    vm.throwTypeError("Cannot assign to read only property '" + name + "' of object");
    return Status::Exception;
  }
  return s;
}

Status createDataProperty(VM& vm, Value o, Value key, Value v) {
  return defineOwnProperty(vm, o, key, PropertyDescriptor::data(v, kDefaultAttrs));
}

Status createDataPropertyOrThrow(VM& vm, Value o, Value key, Value v) {
  Status s = createDataProperty(vm, o, key, v);
  if (s == Status::False) {
    vm.throwTypeError("Cannot define property");
    return Status::Exception;
  }
  return s;
}

Status definePropertyOrThrow(VM& vm, Value o, Value key, const PropertyDescriptor& desc) {
  Root k(vm.heap(), key);
  Status s = defineOwnProperty(vm, o, key, desc);
  if (s == Status::False) {
    std::string name = k.get().isSymbol() ? "symbol" : toUtf8(vm, keyToValue(vm, k.get()));
    vm.throwTypeError("Cannot redefine property: " + name);
    return Status::Exception;
  }
  return s;
}

Status deletePropertyOrThrow(VM& vm, Value o, Value key) {
  Root k(vm.heap(), key);
  Status s = deleteProperty(vm, o, key);
  if (s == Status::False) {
    std::string name = k.get().isSymbol() ? "symbol" : toUtf8(vm, keyToValue(vm, k.get()));
    vm.throwTypeError("Cannot delete property '" + name + "'");
    return Status::Exception;
  }
  return s;
}

Status hasOwnProperty(VM& vm, Value o, Value key) {
  PropertyDescriptor d;
  return getOwnProperty(vm, o, key, &d);
}

Status setIntegrityLevel(VM& vm, Value o, bool frozen) {
  Root root(vm.heap(), o);
  Status s = preventExtensions(vm, o);
  if (s != Status::True) return s;
  if (kindOf(vm, o) != CellKind::Proxy && kindOf(vm, o) != CellKind::TypedArray) {
    if (!elementsToNamed(vm, o)) return Status::Exception;
  }
  Ref keys = ownPropertyKeys(vm, root.get());
  if (!keys) return Status::Exception;
  RootRef keysRoot(vm.heap(), keys);
  uint32_t n = vm.cell<ValueArrayCell>(keys)->length;
  for (uint32_t i = 0; i < n; i++) {
    Value k = vm.cell<ValueArrayCell>(keysRoot.get())->data()[i];
    PropertyDescriptor d;
    d.hasConfigurable = true;
    d.configurable = false;
    if (frozen) {
      PropertyDescriptor current;
      Root kr(vm.heap(), k);
      Status g = getOwnProperty(vm, root.get(), k, &current);
      if (g == Status::Exception) return g;
      if (g == Status::False) continue;
      if (!current.isAccessor()) {
        d.hasWritable = true;
        d.writable = false;
      }
      k = kr.get();
    }
    if (definePropertyOrThrow(vm, root.get(), k, d) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

Status testIntegrityLevel(VM& vm, Value o, bool frozen) {
  Root root(vm.heap(), o);
  Status s = isExtensible(vm, o);
  if (s != Status::False) return s == Status::True ? Status::False : s;
  Ref keys = ownPropertyKeys(vm, root.get());
  if (!keys) return Status::Exception;
  RootRef keysRoot(vm.heap(), keys);
  uint32_t n = vm.cell<ValueArrayCell>(keys)->length;
  for (uint32_t i = 0; i < n; i++) {
    Value k = vm.cell<ValueArrayCell>(keysRoot.get())->data()[i];
    PropertyDescriptor d;
    Status g = getOwnProperty(vm, root.get(), k, &d);
    if (g == Status::Exception) return g;
    if (g == Status::False) continue;
    if (d.configurable) return Status::False;
    if (frozen && d.isData() && d.writable) return Status::False;
  }
  return Status::True;
}

Value lengthOfArrayLike(VM& vm, Value o) {
  if (kindOf(vm, o) == CellKind::Array) return Value::number(double(vm.cell<ArrayCell>(o)->length));
  Value len = KILN_TRY(get(vm, o, vm.atom(Atom::length)));
  return toLength(vm, len);
}

Value createListFromArrayLike(VM& vm, Value o) {
  if (!o.isObject()) return vm.throwTypeError("CreateListFromArrayLike called on non-object");
  Root root(vm.heap(), o);
  Value lenV = KILN_TRY(lengthOfArrayLike(vm, o));
  double len = lenV.toDouble();
  if (len > 1e7) return vm.throwRangeError("Too many arguments in function call");
  uint32_t n = uint32_t(len);
  RootRef list(vm.heap(), newValueArray(vm, n, n));
  if (!list.get()) return Value::exception();
  for (uint32_t i = 0; i < n; i++) {
    Value v = KILN_TRY(get(vm, root.get(), keyFromIndex(i)));
    vm.cell<ValueArrayCell>(list.get())->data()[i] = v;
  }
  return Value::cell(list.get());
}

Value fromPropertyDescriptor(VM& vm, const PropertyDescriptor& dIn) {
  RootedDescriptor d(vm.heap());
  *d.get() = dIn;
  d.sync();
  Root o(vm.heap(), KILN_TRY(newObject(vm)));
  if (d->hasValue) defineValue(vm, o, vm.atom(Atom::value), d->value, kDefaultAttrs);
  if (d->hasWritable) defineValue(vm, o, vm.atom(Atom::writable), Value::boolean(d->writable), kDefaultAttrs);
  if (d->hasGet) defineValue(vm, o, vm.atom(Atom::get), d->getter, kDefaultAttrs);
  if (d->hasSet) defineValue(vm, o, vm.atom(Atom::set), d->setter, kDefaultAttrs);
  if (d->hasEnumerable) defineValue(vm, o, vm.atom(Atom::enumerable), Value::boolean(d->enumerable), kDefaultAttrs);
  if (d->hasConfigurable) defineValue(vm, o, vm.atom(Atom::configurable), Value::boolean(d->configurable), kDefaultAttrs);
  return o.get();
}

Status toPropertyDescriptor(VM& vm, Value o, PropertyDescriptor* out) {
  if (!o.isObject()) {
    vm.throwTypeError("Property description must be an object");
    return Status::Exception;
  }
  Root root(vm.heap(), o);
  RootedDescriptor d(vm.heap());
  auto field = [&](Atom a, bool* has, Value* v) -> bool {
    Status s = hasProperty(vm, root.get(), vm.atom(a));
    if (s == Status::Exception) return false;
    *has = s == Status::True;
    if (*has) {
      Value r = get(vm, root.get(), vm.atom(a));
      if (r.isException()) return false;
      *v = r;
      d.sync();
    }
    return true;
  };
  Value tmp;
  bool has;
  if (!field(Atom::enumerable, &has, &tmp)) return Status::Exception;
  if (has) { d->hasEnumerable = true; d->enumerable = toBoolean(vm, tmp); }
  if (!field(Atom::configurable, &has, &tmp)) return Status::Exception;
  if (has) { d->hasConfigurable = true; d->configurable = toBoolean(vm, tmp); }
  if (!field(Atom::value, &has, &d->value)) return Status::Exception;
  d->hasValue = has;
  d.sync();
  if (!field(Atom::writable, &has, &tmp)) return Status::Exception;
  if (has) { d->hasWritable = true; d->writable = toBoolean(vm, tmp); }
  if (!field(Atom::get, &has, &d->getter)) return Status::Exception;
  d->hasGet = has;
  d.sync();
  if (has && !d->getter.isUndefined() && !isCallable(vm, d->getter)) {
    vm.throwTypeError("Getter must be a function");
    return Status::Exception;
  }
  if (!field(Atom::set, &has, &d->setter)) return Status::Exception;
  d->hasSet = has;
  d.sync();
  if (has && !d->setter.isUndefined() && !isCallable(vm, d->setter)) {
    vm.throwTypeError("Setter must be a function");
    return Status::Exception;
  }
  if ((d->hasGet || d->hasSet) && (d->hasValue || d->hasWritable)) {
    vm.throwTypeError("Invalid property descriptor. Cannot both specify accessors and a value or writable attribute");
    return Status::Exception;
  }
  *out = *d.get();
  return Status::True;
}

}  // namespace kiln
