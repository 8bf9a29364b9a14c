// Insertion-ordered hash tables in the heap (HashTableCell), used for Map,
// Set, dictionary-mode objects, the atom table and the global lexical scope.
//
// Keys are compared with SameValueZero, except that strings compare by
// content (atoms and non-atoms alike). Tables grow by rehashing into a new
// cell; the caller stores the returned table ref back where it keeps it.
#pragma once

#include <functional>

#include "engine/vm.h"

namespace kiln {

constexpr uint32_t kNotFound = ~0u;

Ref newHashTable(VM& vm, uint32_t width, uint32_t capacity = 8);
uint32_t hashKey(VM& vm, Value key);
bool sameValueZero(VM& vm, Value a, Value b);
// Index of the live entry for key, or kNotFound.
uint32_t hashTableFind(VM& vm, Ref table, Value key);
// Appends an entry (the key must not be present) and returns the table,
// possibly a new one. `values` holds width-1 Values following the key.
// Returns 0 on allocation failure (exception pending).
Ref hashTableAdd(VM& vm, Ref table, Value key, const Value* values);
// Marks the entry deleted. Returns true if it was present.
bool hashTableRemove(VM& vm, Ref table, Value key);
void hashTableClear(VM& vm, Ref table);
// Live iteration: the next live entry index at or after i, or kNotFound.
uint32_t hashTableNextLive(VM& vm, Ref table, uint32_t i);
// For iterators: follows `forward` links to the current table, translating
// an entry index in an old table into one in the newest.
Ref hashTableCurrent(VM& vm, Ref table, uint32_t* index);
// Rebuilds the bucket chains of `t` in place, hashing every live key with
// `hash(entry index, key)` (the image writer: relocation changes identity
// hashes). Entry order, and so iteration order, is unchanged.
void hashTableRebuildChains(HashTableCell* t, const std::function<uint32_t(uint32_t index, Value key)>& hash);

}  // namespace kiln
