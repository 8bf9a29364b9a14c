#include "engine/shape.h"

#include "engine/hash_table.h"
#include "engine/object.h"

namespace kiln {

namespace {

// Transition tables are keyed by the property key; a key added with
// different attributes is rare, so the entry's value is a ValueArray of
// candidate shapes only when it happens.
Value transitionKey(VM& vm, Value key) { return key; }

Ref findTransition(VM& vm, ShapeCell* s, Value key, uint32_t attrs) {
  if (!s->transitions) return 0;
  CellHeader* t = vm.cell(s->transitions);
  if (t->kind == CellKind::Shape) {
    auto* c = static_cast<ShapeCell*>(t);
    return (c->key == key && c->attrs == attrs) ? s->transitions : 0;
  }
  uint32_t i = hashTableFind(vm, s->transitions, transitionKey(vm, key));
  if (i == kNotFound) return 0;
  Value v = vm.cell<HashTableCell>(s->transitions)->entry(i)[1];
  auto* c = vm.cell<ShapeCell>(v);
  if (c->attrs == attrs) return v.ref();
  // Rare: same key, other attributes; walk the sibling list kept in `keys` of no one: fall back.
  return 0;
}

}  // namespace

Ref rootShape(VM& vm) {
  Value r = vm.roots().emptyShapeCache;
  if (r.isCell()) return r.ref();
  Ref s = vm.allocate(CellKind::Shape, sizeof(ShapeCell));
  if (!s) return 0;
  auto* c = vm.cell<ShapeCell>(s);
  c->key = Value::undefined();
  vm.roots().emptyShapeCache = Value::cell(s);
  return s;
}

Ref shapeAdd(VM& vm, Ref shape, Value key, uint32_t attrs) {
  if (Ref t = findTransition(vm, vm.cell<ShapeCell>(shape), key, attrs)) return t;
  RootRef parent(vm.heap(), shape);
  Root k(vm.heap(), key);
  Ref child = vm.allocate(CellKind::Shape, sizeof(ShapeCell));
  if (!child) return 0;
  RootRef childRoot(vm.heap(), child);
  auto* c = vm.cell<ShapeCell>(child);
  auto* p = vm.cell<ShapeCell>(parent.get());
  c->parent = parent.get();
  c->key = k.get();
  c->attrs = attrs;
  c->count = p->count + 1;
  if (!p->transitions) {
    p->transitions = child;
  } else {
    Ref table = p->transitions;
    if (vm.cell(table)->kind == CellKind::Shape) {
      auto* only = vm.cell<ShapeCell>(table);
      Value entry[1] = {Value::cell(table)};
      Value onlyKey = only->key;
      Ref t = newHashTable(vm, 2, 4);
      if (!t) return 0;
      t = hashTableAdd(vm, t, onlyKey, entry);
      if (!t) return 0;
      vm.cell<ShapeCell>(parent.get())->transitions = t;
      table = t;
    }
    if (hashTableFind(vm, table, k.get()) == kNotFound) {
      Value entry[1] = {Value::cell(child)};
      Ref t = hashTableAdd(vm, table, k.get(), entry);
      if (!t) return 0;
      vm.cell<ShapeCell>(parent.get())->transitions = t;
    }
    // Otherwise the key is already present with other attributes: the new
    // shape is not shared (objects still work; they just do not share it).
  }
  return child;
}

Ref shapeKeys(VM& vm, Ref shape) {
  auto* s = vm.cell<ShapeCell>(shape);
  if (s->keys) return s->keys;
  uint32_t n = s->count;
  RootRef root(vm.heap(), shape);
  Ref arr = newValueArray(vm, n * 2, n * 2);
  if (!arr) return 0;
  Value* d = vm.cell<ValueArrayCell>(arr)->data();
  Ref cur = root.get();
  for (uint32_t i = n; i > 0; i--) {
    auto* c = vm.cell<ShapeCell>(cur);
    d[(i - 1) * 2] = c->key;
    d[(i - 1) * 2 + 1] = Value::int32(int32_t(c->attrs));
    cur = c->parent;
  }
  vm.cell<ShapeCell>(root.get())->keys = arr;
  return arr;
}

uint32_t shapeFind(VM& vm, Ref shape, Value key, uint32_t* attrs) {
  auto* s = vm.cell<ShapeCell>(shape);
  if (s->count <= 8) {
    for (Ref cur = shape; cur;) {
      auto* c = vm.cell<ShapeCell>(cur);
      if (c->count == 0) break;
      if (c->key == key) {
        *attrs = c->attrs;
        return c->count - 1;
      }
      cur = c->parent;
    }
    return kNotFound;
  }
  if (!s->table) {
    RootRef root(vm.heap(), shape);
    Root k(vm.heap(), key);
    Ref keys = shapeKeys(vm, shape);
    if (!keys) return kNotFound;
    RootRef keysRoot(vm.heap(), keys);
    uint32_t n = vm.cell<ShapeCell>(root.get())->count;
    Ref t = newHashTable(vm, 2, n);
    if (!t) return kNotFound;
    for (uint32_t i = 0; i < n; i++) {
      Value* d = vm.cell<ValueArrayCell>(keysRoot.get())->data();
      Value entry[1] = {Value::int32(int32_t(i))};
      t = hashTableAdd(vm, t, d[i * 2], entry);
      if (!t) return kNotFound;
    }
    vm.cell<ShapeCell>(root.get())->table = t;
    s = vm.cell<ShapeCell>(root.get());
    key = k.get();
  }
  uint32_t i = hashTableFind(vm, s->table, key);
  if (i == kNotFound) return kNotFound;
  uint32_t index = uint32_t(vm.cell<HashTableCell>(s->table)->entry(i)[1].asInt());
  Value* d = vm.cell<ValueArrayCell>(s->keys)->data();
  *attrs = uint32_t(d[index * 2 + 1].asInt());
  return index;
}

}  // namespace kiln
