// Generic (slow-path) operator semantics; the interpreter handles the int32
// and double fast paths inline and calls these for everything else.
#pragma once

#include "engine/vm.h"

namespace kiln {

enum class BinaryOp : uint8_t { Add, Sub, Mul, Div, Mod, Exp, Shl, Shr, UShr, BitAnd, BitOr, BitXor };

Value binaryOp(VM& vm, BinaryOp op, Value a, Value b);
Value unaryMinus(VM& vm, Value a);
Value bitwiseNot(VM& vm, Value a);
Value increment(VM& vm, Value a, int delta);  // ToNumeric(a) + delta (BigInt aware)

}  // namespace kiln
