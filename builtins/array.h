// Helpers shared by the Array, array iterator and typed array builtins.
#pragma once

#include "engine/function.h"
#include "engine/object.h"
#include "engine/vm.h"

namespace kiln {

// 2^53 - 1: the largest length of an array-like (§7.1.20 ToLength).
inline constexpr double kMaxSafeLength = 9007199254740991.0;

// True when `o` is an Array whose indexed properties all live in its dense
// `elements` and whose prototype chain (Array.prototype, Object.prototype)
// holds no indexed property at all. For such an array a hole or an index
// past the stored elements reads as undefined, HasProperty of it is false,
// and no getter or setter can run while elements are read or overwritten.
bool isFastArray(VM& vm, Value o);

// The property key of integer index i (0 <= i <= 2^53-1): a Number for
// array indices, an atom string above. May allocate for large i.
Value keyForIndex(VM& vm, double i);

// ArrayCreate(length, proto) (§10.4.2.2); proto undefined means
// %Array.prototype%. Reserves dense storage for up to `reserve` elements.
Value arrayCreate(VM& vm, double length, Value proto = Value::undefined(), uint32_t reserve = 0);

// CreateArrayIterator(array, kind) (§23.1.5.1).
enum class ArrayIterKind : int32_t { Keys = 0, Values = 1, Entries = 2 };
Value createArrayIterator(VM& vm, Value array, ArrayIterKind kind);

// Array.prototype.join's body on an already converted object (shared with
// %TypedArray%.prototype.join through the generic [[Get]]).
Value arrayJoin(VM& vm, Value o, double len, Value separator);

}  // namespace kiln
