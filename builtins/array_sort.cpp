// Stable sorting of Value lists for Array and %TypedArray% sort/toSorted
// (ECMA-262 §23.1.3.30 SortIndexedProperties and SortCompare).
#include "builtins/array_sort.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

namespace {

constexpr uint32_t kRun = 8;  // runs sorted by insertion before merging

}  // namespace

Status mergeSortValues(VM& vm, Ref list, uint32_t n, SortGreaterFn greater, Value ctxIn) {
  if (n < 2) return Status::True;
  Root ctx(vm.heap(), ctxIn);
  RootRef listRoot(vm.heap(), list);
  RootRef tmp(vm.heap(), newValueArray(vm, n, n));
  if (!tmp.get()) return Status::Exception;
  // Both cells are rooted and the heap does not move cells, so these stay valid
  // across the comparator's allocations.
  Value* a = vm.cell<ValueArrayCell>(listRoot.get())->data();
  Value* b = vm.cell<ValueArrayCell>(tmp.get())->data();
  // Insertion sort of short runs (stable: only strictly greater elements move).
  Root v(vm.heap());  // the element being inserted is out of the list meanwhile
  for (uint32_t lo = 0; lo < n; lo += kRun) {
    uint32_t hi = std::min(lo + kRun, n);
    for (uint32_t i = lo + 1; i < hi; i++) {
      v.set(a[i]);
      uint32_t j = i;
      while (j > lo) {
        SortOrder o = greater(vm, a[j - 1], v.get(), ctx.get());
        if (o == SortOrder::Exception) return Status::Exception;
        if (o != SortOrder::Greater) break;
        a[j] = a[j - 1];
        j--;
      }
      a[j] = v.get();
    }
  }
  Value* src = a;
  Value* dst = b;
  for (uint32_t width = kRun; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        SortOrder o = greater(vm, src[i], src[j], ctx.get());
        if (o == SortOrder::Exception) {
          // Leave the list holding every value (some twice is fine: it is a copy).
          if (src != a) std::copy(src, src + n, a);
          return Status::Exception;
        }
        dst[k++] = o == SortOrder::Greater ? src[j++] : src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    std::swap(src, dst);
  }
  if (src != a) std::copy(src, src + n, a);
  return Status::True;
}

namespace {

SortOrder compareWithFunction(VM& vm, Value x, Value y, Value comparefn) {
  Value args[2] = {x, y};
  Value r = call(vm, comparefn, Value::undefined(), args);
  if (r.isException()) return SortOrder::Exception;
  if (r.isInt()) return r.asInt() > 0 ? SortOrder::Greater : SortOrder::NotGreater;
  Value n = toNumber(vm, r);
  if (n.isException()) return SortOrder::Exception;
  return n.toDouble() > 0 ? SortOrder::Greater : SortOrder::NotGreater;  // NaN compares as +0
}

SortOrder compareAsStrings(VM& vm, Value x, Value y, Value) {
  Root yr(vm.heap(), y);
  Value xs = toString(vm, x);
  if (xs.isException()) return SortOrder::Exception;
  Root xsr(vm.heap(), xs);
  Value ys = toString(vm, yr.get());
  if (ys.isException()) return SortOrder::Exception;
  return compareStrings(str(vm, xsr.get()), str(vm, ys)) > 0 ? SortOrder::Greater : SortOrder::NotGreater;
}

}  // namespace

Status sortValues(VM& vm, Ref list, uint32_t n, Value comparefn) {
  if (n < 2) return Status::True;
  if (!comparefn.isUndefined()) return mergeSortValues(vm, list, n, compareWithFunction, comparefn);
  // Default order. When every value is a string or a number, ToString has no
  // side effects, so the keys can be computed once and sorted off-heap.
  bool allStrings = true, allPrimitive = true;
  {
    Value* d = vm.cell<ValueArrayCell>(list)->data();
    for (uint32_t i = 0; i < n; i++) {
      if (!d[i].isString()) allStrings = false;
      if (!d[i].isString() && !d[i].isNumber()) allPrimitive = false;
    }
  }
  if (!allPrimitive) return mergeSortValues(vm, list, n, compareAsStrings, Value::undefined());
  RootRef listRoot(vm.heap(), list);
  RootRef keys(vm.heap(), list);
  if (!allStrings) {
    keys.set(newValueArray(vm, n, n));
    if (!keys.get()) return Status::Exception;
    for (uint32_t i = 0; i < n; i++) {
      Value v = vm.cell<ValueArrayCell>(listRoot.get())->data()[i];
      Value s = v.isString() ? v : numberToString(vm, v.toDouble());
      if (s.isException()) return Status::Exception;
      vm.cell<ValueArrayCell>(keys.get())->data()[i] = s;
    }
  }
  // No allocation from here on: raw cell pointers are safe.
  const Value* k = vm.cell<ValueArrayCell>(keys.get())->data();
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t i, uint32_t j) {
    return compareStrings(str(vm, k[i]), str(vm, k[j])) < 0;
  });
  Value* d = vm.cell<ValueArrayCell>(listRoot.get())->data();
  std::vector<Value> sorted(n);
  for (uint32_t i = 0; i < n; i++) sorted[i] = d[order[i]];
  std::copy(sorted.begin(), sorted.end(), d);
  return Status::True;
}

}  // namespace kiln
