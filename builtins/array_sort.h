// The sort shared by Array.prototype.sort/toSorted and
// %TypedArray%.prototype.sort/toSorted: a stable bottom-up merge sort over a
// ValueArray cell, iterative (no recursion), calling back into JS for the
// comparator (whose exceptions propagate).
#pragma once

#include "engine/vm.h"

namespace kiln {

// Result of one comparison: Greater when y must come before x.
enum class SortOrder : uint8_t { NotGreater, Greater, Exception };
using SortGreaterFn = SortOrder (*)(VM& vm, Value x, Value y, Value ctx);

// Sorts data[0..n) of the ValueArray `list` stably with `greater`. The list
// must be rooted by the caller; `ctx` is passed through (rooted here).
Status mergeSortValues(VM& vm, Ref list, uint32_t n, SortGreaterFn greater, Value ctx);

// SortCompare (§23.1.3.30.2) for values that are not undefined: comparefn
// undefined compares ToString(x) with ToString(y); otherwise ToNumber of
// comparefn(x, y), NaN as +0.
Status sortValues(VM& vm, Ref list, uint32_t n, Value comparefn);

}  // namespace kiln
