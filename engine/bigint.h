// BigInt values in the heap: conversion between BigIntCell and the
// arithmetic of engine/bigint_math.h.
#pragma once

#include "engine/bigint_math.h"
#include "engine/vm.h"

namespace kiln {

Value newBigInt(VM& vm, const bigint::BigIntValue& v);
// Turns a failed Result into the matching RangeError.
Value bigIntResult(VM& vm, const bigint::Result& r);
inline bigint::BigIntView bigIntView(VM& vm, Value v) {
  auto* c = vm.cell<BigIntCell>(v);
  return {bool(c->flags & BigIntCell::kNegative), {c->limbs(), c->limbCount}};
}

}  // namespace kiln
