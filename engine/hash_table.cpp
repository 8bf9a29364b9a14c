#include "engine/hash_table.h"

#include <cmath>
#include <cstring>

#include "engine/strings.h"

namespace kiln {

namespace {

size_t tableBytes(uint32_t width, uint32_t capacity, uint32_t buckets) {
  size_t ints = size_t(buckets) + capacity;
  size_t head = sizeof(HashTableCell) + ints * 4;
  head = (head + 7) & ~size_t(7);
  return head + size_t(capacity) * width * sizeof(Value);
}

uint32_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return uint32_t(x);
}

}  // namespace

Ref newHashTable(VM& vm, uint32_t width, uint32_t capacity) {
  if (capacity < 4) capacity = 4;
  uint32_t buckets = 1;
  while (buckets < capacity) buckets <<= 1;
  Ref r = vm.allocate(CellKind::HashTable, tableBytes(width, capacity, buckets));
  if (!r) return 0;
  auto* t = vm.cell<HashTableCell>(r);
  t->width = width;
  t->capacity = capacity;
  t->bucketCount = buckets;
  std::memset(t->buckets(), 0xFF, size_t(buckets) * 4);
  Value* e = t->entries();
  for (size_t i = 0; i < size_t(capacity) * width; i++) e[i] = Value::undefined();
  return r;
}

uint32_t hashKey(VM& vm, Value key) {
  if (key.isString()) return stringHash(str(vm, key));
  if (key.isInt()) return mix(uint64_t(uint32_t(key.asInt())) + 0x9e37);
  if (key.isDouble()) {
    double d = key.asDouble();
    if (d == 0) return mix(0x9e37);  // +0 and -0 are the same key
    // Integral doubles equal to an int32 are always boxed as Int; others hash their bits.
    return mix(key.bits());
  }
  if (key.isBigInt()) {
    auto* b = vm.cell<BigIntCell>(key);
    uint64_t h = b->flags;
    for (uint32_t i = 0; i < b->limbCount; i++) h = h * 1000003u + b->limbs()[i];
    return mix(h);
  }
  // Objects, symbols, booleans, null, undefined: identity. Cells never move.
  return mix(key.bits());
}

bool sameValueZero(VM& vm, Value a, Value b) {
  if (a == b) return true;
  if (a.isNumber() && b.isNumber()) {
    double x = a.toDouble(), y = b.toDouble();
    return x == y || (x != x && y != y);
  }
  if (a.isString() && b.isString()) return stringEquals(str(vm, a), str(vm, b));
  if (a.isBigInt() && b.isBigInt()) {
    auto *x = vm.cell<BigIntCell>(a), *y = vm.cell<BigIntCell>(b);
    return x->flags == y->flags && x->limbCount == y->limbCount &&
           std::memcmp(x->limbs(), y->limbs(), x->limbCount * 4) == 0;
  }
  return false;
}

uint32_t hashTableFind(VM& vm, Ref table, Value key) {
  auto* t = vm.cell<HashTableCell>(table);
  uint32_t h = hashKey(vm, key) & (t->bucketCount - 1);
  uint32_t i = t->buckets()[h];
  uint32_t* chain = t->chain();
  if (key.isString() && str(vm, key)->isAtom()) {
    // Atoms are unique: a reference comparison settles it, unless the table
    // holds non-atom strings (Map keys), which the slow path below handles.
    for (uint32_t j = i; j != kNotFound; j = chain[j]) {
      Value k = t->entry(j)[0];
      if (k == key) return j;
    }
  }
  for (; i != kNotFound; i = chain[i]) {
    Value k = t->entry(i)[0];
    if (!k.isHole() && sameValueZero(vm, k, key)) return i;
  }
  return kNotFound;
}

static Ref rehash(VM& vm, Ref table, uint32_t newCapacity) {
  RootRef old(vm.heap(), table);
  uint32_t width = vm.cell<HashTableCell>(table)->width;
  Ref fresh = newHashTable(vm, width, newCapacity);
  if (!fresh) return 0;
  auto* t = vm.cell<HashTableCell>(old.get());
  auto* n = vm.cell<HashTableCell>(fresh);
  for (uint32_t i = 0; i < t->used; i++) {
    Value* e = t->entry(i);
    if (e[0].isHole()) continue;
    uint32_t j = n->used++;
    std::memcpy(n->entry(j), e, width * sizeof(Value));
    uint32_t h = hashKey(vm, e[0]) & (n->bucketCount - 1);
    n->chain()[j] = n->buckets()[h];
    n->buckets()[h] = j;
    n->live++;
  }
  t->forward = fresh;
  return fresh;
}

Ref hashTableAdd(VM& vm, Ref table, Value key, const Value* values) {
  auto* t = vm.cell<HashTableCell>(table);
  if (t->used == t->capacity) {
    Root k(vm.heap(), key);
    Value saved[4];
    uint32_t width = t->width;
    for (uint32_t w = 1; w < width; w++) saved[w - 1] = values[w - 1];
    Root s0(vm.heap(), saved[0]), s1(vm.heap(), saved[1]), s2(vm.heap(), saved[2]);
    uint32_t cap = t->live * 2 + 8;
    table = rehash(vm, table, cap);
    if (!table) return 0;
    key = k.get();
    saved[0] = s0.get(); saved[1] = s1.get(); saved[2] = s2.get();
    t = vm.cell<HashTableCell>(table);
    uint32_t j = t->used++;
    Value* e = t->entry(j);
    e[0] = key;
    for (uint32_t w = 1; w < width; w++) e[w] = saved[w - 1];
    uint32_t h = hashKey(vm, key) & (t->bucketCount - 1);
    t->chain()[j] = t->buckets()[h];
    t->buckets()[h] = j;
    t->live++;
    return table;
  }
  uint32_t j = t->used++;
  Value* e = t->entry(j);
  e[0] = key;
  for (uint32_t w = 1; w < t->width; w++) e[w] = values[w - 1];
  uint32_t h = hashKey(vm, key) & (t->bucketCount - 1);
  t->chain()[j] = t->buckets()[h];
  t->buckets()[h] = j;
  t->live++;
  return table;
}

bool hashTableRemove(VM& vm, Ref table, Value key) {
  uint32_t i = hashTableFind(vm, table, key);
  if (i == kNotFound) return false;
  auto* t = vm.cell<HashTableCell>(table);
  Value* e = t->entry(i);
  e[0] = Value::hole();
  for (uint32_t w = 1; w < t->width; w++) e[w] = Value::undefined();
  t->live--;
  return true;
}

void hashTableClear(VM& vm, Ref table) {
  auto* t = vm.cell<HashTableCell>(table);
  for (uint32_t i = 0; i < t->used; i++) {
    Value* e = t->entry(i);
    e[0] = Value::hole();
    for (uint32_t w = 1; w < t->width; w++) e[w] = Value::undefined();
  }
  t->live = 0;
}

uint32_t hashTableNextLive(VM& vm, Ref table, uint32_t i) {
  auto* t = vm.cell<HashTableCell>(table);
  for (; i < t->used; i++)
    if (!t->entry(i)[0].isHole()) return i;
  return kNotFound;
}

Ref hashTableCurrent(VM& vm, Ref table, uint32_t* index) {
  auto* t = vm.cell<HashTableCell>(table);
  while (t->forward) {
    uint32_t liveBefore = 0;
    for (uint32_t i = 0; i < *index && i < t->used; i++)
      if (!t->entry(i)[0].isHole()) liveBefore++;
    *index = liveBefore;
    table = t->forward;
    t = vm.cell<HashTableCell>(table);
  }
  return table;
}

void hashTableRebuildChains(HashTableCell* t, const std::function<uint32_t(uint32_t index, Value key)>& hash) {
  std::memset(t->buckets(), 0xFF, size_t(t->bucketCount) * 4);
  for (uint32_t i = 0; i < t->capacity; i++) t->chain()[i] = kNotFound;
  for (uint32_t i = 0; i < t->used; i++) {
    Value key = t->entry(i)[0];
    if (key.isHole()) continue;
    uint32_t h = hash(i, key) & (t->bucketCount - 1);
    t->chain()[i] = t->buckets()[h];
    t->buckets()[h] = i;
  }
}

}  // namespace kiln
