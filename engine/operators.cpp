// Slow paths of the arithmetic, bitwise and relational operators
// (ECMA-262 §13.15.3 ApplyStringOrNumericBinaryOperator, §6.1.6).
#include "engine/operators.h"

#include <cmath>

#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

double numberMod(double a, double b) {
  if (b == 0 || std::isinf(a) || a != a || b != b) return NAN;
  if (std::isinf(b)) return a;
  if (a == 0) return a;
  double r = std::fmod(a, b);
  return r;
}

double numberExp(double base, double exp) {
  if (exp != exp) return NAN;
  if (exp == 0) return 1;
  if ((base == 1 || base == -1) && std::isinf(exp)) return NAN;
  return std::pow(base, exp);
}

Value numberBinary(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::Add: return Value::number(a + b);
    case BinaryOp::Sub: return Value::number(a - b);
    case BinaryOp::Mul: return Value::number(a * b);
    case BinaryOp::Div: return Value::number(a / b);
    case BinaryOp::Mod: return Value::number(numberMod(a, b));
    case BinaryOp::Exp: return Value::number(numberExp(a, b));
    case BinaryOp::Shl: return Value::int32(int32_t(uint32_t(doubleToInt32(a)) << (doubleToUint32(b) & 31)));
    case BinaryOp::Shr: return Value::int32(doubleToInt32(a) >> (doubleToUint32(b) & 31));
    case BinaryOp::UShr: return Value::number(double(doubleToUint32(a) >> (doubleToUint32(b) & 31)));
    case BinaryOp::BitAnd: return Value::int32(doubleToInt32(a) & doubleToInt32(b));
    case BinaryOp::BitOr: return Value::int32(doubleToInt32(a) | doubleToInt32(b));
    case BinaryOp::BitXor: return Value::int32(doubleToInt32(a) ^ doubleToInt32(b));
  }
  return Value::undefined();
}

Value bigintBinary(VM& vm, BinaryOp op, Value a, Value b) {
  bigint::BigIntView x = bigIntView(vm, a), y = bigIntView(vm, b);
  switch (op) {
    case BinaryOp::Add: return bigIntResult(vm, bigint::add(x, y));
    case BinaryOp::Sub: return bigIntResult(vm, bigint::subtract(x, y));
    case BinaryOp::Mul: return bigIntResult(vm, bigint::multiply(x, y));
    case BinaryOp::Div: return bigIntResult(vm, bigint::divide(x, y));
    case BinaryOp::Mod: return bigIntResult(vm, bigint::remainder(x, y));
    case BinaryOp::Exp: return bigIntResult(vm, bigint::pow(x, y));
    case BinaryOp::Shl: return bigIntResult(vm, bigint::leftShift(x, y));
    case BinaryOp::Shr: return bigIntResult(vm, bigint::signedRightShift(x, y));
    case BinaryOp::UShr: return vm.throwTypeError("BigInts have no unsigned right shift, use >> instead");
    case BinaryOp::BitAnd: return newBigInt(vm, bigint::bitwiseAnd(x, y));
    case BinaryOp::BitOr: return newBigInt(vm, bigint::bitwiseOr(x, y));
    case BinaryOp::BitXor: return newBigInt(vm, bigint::bitwiseXor(x, y));
  }
  return Value::undefined();
}

}  // namespace

Value binaryOp(VM& vm, BinaryOp op, Value a, Value b) {
  if (a.isNumber() && b.isNumber()) return numberBinary(op, a.toDouble(), b.toDouble());
  Root ra(vm.heap(), a), rb(vm.heap(), b);
  if (op == BinaryOp::Add) {
    Value pa = KILN_TRY(toPrimitive(vm, a));
    ra.set(pa);
    Value pb = KILN_TRY(toPrimitive(vm, rb.get()));
    rb.set(pb);
    if (ra.get().isString() || rb.get().isString()) {
      Value sa = KILN_TRY(toString(vm, ra.get()));
      ra.set(sa);
      Value sb = KILN_TRY(toString(vm, rb.get()));
      return concatStrings(vm, ra.get(), sb);
    }
  }
  Value na = KILN_TRY(toNumeric(vm, ra.get()));
  ra.set(na);
  Value nb = KILN_TRY(toNumeric(vm, rb.get()));
  na = ra.get();
  if (na.isBigInt() && nb.isBigInt()) return bigintBinary(vm, op, na, nb);
  if (na.isBigInt() || nb.isBigInt())
    return vm.throwTypeError("Cannot mix BigInt and other types, use explicit conversions");
  return numberBinary(op, na.toDouble(), nb.toDouble());
}

Value unaryMinus(VM& vm, Value a) {
  Value n = KILN_TRY(toNumeric(vm, a));
  if (n.isBigInt()) return newBigInt(vm, bigint::negate(bigIntView(vm, n)));
  return Value::number(-n.toDouble());
}

Value bitwiseNot(VM& vm, Value a) {
  Value n = KILN_TRY(toNumeric(vm, a));
  if (n.isBigInt()) return newBigInt(vm, bigint::bitwiseNot(bigIntView(vm, n)));
  return Value::int32(~doubleToInt32(n.toDouble()));
}

Value increment(VM& vm, Value a, int delta) {
  if (a.isInt()) {
    int64_t r = int64_t(a.asInt()) + delta;
    return Value::number(double(r));
  }
  Value n = KILN_TRY(toNumeric(vm, a));
  if (n.isBigInt()) {
    bigint::BigIntValue one = bigint::fromInt64(delta);
    return bigIntResult(vm, bigint::add(bigIntView(vm, n), one.view()));
  }
  return Value::number(n.toDouble() + delta);
}

}  // namespace kiln
