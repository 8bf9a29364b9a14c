// Helpers shared by the heap unit tests and the heap micro benchmark.
#pragma once

#include <set>
#include <vector>

#include "engine/heap.h"

namespace kiln::heaptest {

// A ValueArray of n Values (all undefined).
inline Ref newArray(Heap& heap, size_t n) {
  Ref r = heap.allocate(CellKind::ValueArray, 8 + 8 * n);
  if (r) {
    Value* v = heap.ptr<Value>(r + 8);
    for (size_t i = 0; i < n; ++i) v[i] = Value::undefined();
  }
  return r;
}

inline Value* slots(Heap& heap, Ref array) { return heap.ptr<Value>(array + 8); }

// The cells reachable from `roots`, computed by the test's own traversal (the
// model the collector must agree with).
inline std::set<Ref> reachable(Heap& heap, const std::vector<Ref>& roots) {
  struct Collect : Tracer {
    std::set<Ref> seen;
    std::vector<Ref> todo;
    void visitRef(Ref r) override {
      if (r && seen.insert(r).second) todo.push_back(r);
    }
  } c;
  for (Ref r : roots) c.visitRef(r);
  while (!c.todo.empty()) {
    Ref r = c.todo.back();
    c.todo.pop_back();
    traceCell(heap, heap.ptr(r), c);
  }
  return c.seen;
}

}  // namespace kiln::heaptest
