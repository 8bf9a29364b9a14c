#include "engine/bigint.h"

#include <cstring>

namespace kiln {

Value newBigInt(VM& vm, const bigint::BigIntValue& v) {
  Ref r = vm.allocate(CellKind::BigInt, sizeof(BigIntCell) + v.limbs.size() * 4);
  if (!r) return Value::exception();
  auto* c = vm.cell<BigIntCell>(r);
  c->flags = v.negative ? BigIntCell::kNegative : 0;
  c->limbCount = uint32_t(v.limbs.size());
  if (!v.limbs.empty()) std::memcpy(c->limbs(), v.limbs.data(), v.limbs.size() * 4);
  return Value::bigint(r);
}

Value bigIntResult(VM& vm, const bigint::Result& r) {
  switch (r.error) {
    case bigint::Error::None: return newBigInt(vm, r.value);
    case bigint::Error::DivisionByZero: return vm.throwRangeError("Division by zero");
    case bigint::Error::TooBig: return vm.throwRangeError("Maximum BigInt size exceeded");
    case bigint::Error::NegativeExponent: return vm.throwRangeError("Exponent must be non-negative");
  }
  return Value::exception();
}

}  // namespace kiln
