// Arbitrary-precision integer arithmetic for the BigInt type (ECMA-262
// §6.1.6.2), independent of the heap.
//
// Representation (the same as BigIntCell in cells.h, so a cell's payload can
// be viewed without copying): a sign flag plus the magnitude as little-endian
// 32-bit limbs.
//
// Invariant: every BigIntView passed in and every BigIntValue returned is
// normalized: no most-significant zero limb, and zero is the empty limb list
// with negative == false. Functions assume normalized input and may misbehave
// on anything else (checked by debug asserts only).
//
// Results are returned by value in a BigIntValue; operations that can fail
// (division by zero, results beyond kMaxBits, a negative exponent) return a
// Result whose `error` says why, and the caller throws the matching
// RangeError. Nothing here recurses on input size except Karatsuba
// multiplication, whose depth is log2 of the operand length (at most ~25 for
// kMaxBits operands).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::bigint {

// Largest result, in bits, any operation agrees to produce (V8 uses the same
// 2^30 bound). Beyond it the operation fails with Error::TooBig.
inline constexpr uint64_t kMaxBits = uint64_t(1) << 30;

struct BigIntView {
  bool negative = false;
  std::span<const uint32_t> limbs;

  bool isZero() const { return limbs.empty(); }
};

struct BigIntValue {
  bool negative = false;
  std::vector<uint32_t> limbs;

  BigIntView view() const { return {negative, limbs}; }
  operator BigIntView() const { return view(); }
  bool isZero() const { return limbs.empty(); }
  bool operator==(const BigIntValue&) const = default;
};

enum class Error : uint8_t {
  None,
  DivisionByZero,    // "Division by zero"
  TooBig,            // "Maximum BigInt size exceeded"
  NegativeExponent,  // "Exponent must be non-negative"
};

struct Result {
  BigIntValue value;
  Error error = Error::None;
  bool ok() const { return error == Error::None; }
};

// ---- construction and conversion --------------------------------------------

BigIntValue fromInt64(int64_t v);
BigIntValue fromUint64(uint64_t v);
// The exact value of an integral, finite double. The caller checks
// (NumberToBigInt throws RangeError otherwise).
BigIntValue fromDouble(double d);
// Correctly rounded (round half to even); huge values give +-Infinity.
double toDouble(BigIntView a);
// BigInt.asIntN(64, a) / asUintN(64, a) as machine integers (BigInt64Array).
int64_t toInt64(BigIntView a);
uint64_t toUint64(BigIntView a);
// Number of significant bits of the magnitude (0 for zero).
uint64_t bitLength(BigIntView a);

// BigInt.prototype.toString(radix), radix 2..36: lower-case digits, '-' for
// negatives, no prefix.
std::string toString(BigIntView a, int radix = 10);

// Digits without sign or prefix, each valid for `radix` (2..36); '_'
// separators are skipped, so a lexer can pass a literal's text as is.
// Returns nullopt on an invalid digit, an empty digit string, or a value
// beyond kMaxBits.
std::optional<BigIntValue> fromDigits(std::string_view digits, int radix);

// StringToBigInt (§7.1.14): surrounding WhiteSpace/LineTerminator, empty ->
// 0n, optional sign for decimal only, 0x/0o/0b prefixes; no decimal point,
// exponent or separators. nullopt means SyntaxError (or the value is beyond
// kMaxBits).
std::optional<BigIntValue> stringToBigInt(std::u16string_view s);
std::optional<BigIntValue> stringToBigInt(std::string_view latin1);

// ---- comparison ---------------------------------------------------------------

// -1, 0 or 1.
int compare(BigIntView a, BigIntView b);
bool equals(BigIntView a, BigIntView b);

enum class Order : int8_t { Less = -1, Equal = 0, Greater = 1, Unordered = 2 };
// Exact comparison of a BigInt with a Number (Unordered for NaN): the core of
// IsLessThan and IsLooselyEqual across the two numeric types.
Order compareToDouble(BigIntView a, double d);

// ---- arithmetic -----------------------------------------------------------------

BigIntValue negate(BigIntView a);
Result add(BigIntView a, BigIntView b);
Result subtract(BigIntView a, BigIntView b);
Result multiply(BigIntView a, BigIntView b);
// Truncating division and remainder (the remainder takes the dividend's sign).
Result divide(BigIntView a, BigIntView b);
Result remainder(BigIntView a, BigIntView b);
// Quotient and remainder in one pass; error DivisionByZero leaves both zero.
Error divMod(BigIntView a, BigIntView b, BigIntValue* quotient, BigIntValue* rem);
// a ** b; b negative gives NegativeExponent.
Result pow(BigIntView base, BigIntView exponent);
Result pow(BigIntView base, uint64_t exponent);

// ---- bitwise (two's complement on infinitely sign-extended values) ------------

BigIntValue bitwiseNot(BigIntView a);  // -a - 1
BigIntValue bitwiseAnd(BigIntView a, BigIntView b);
BigIntValue bitwiseOr(BigIntView a, BigIntView b);
BigIntValue bitwiseXor(BigIntView a, BigIntView b);
// a << b and a >> b for a BigInt shift count (negative counts shift the other
// way). Right shifts round toward -infinity, as the spec's floor division.
Result leftShift(BigIntView a, BigIntView shift);
Result signedRightShift(BigIntView a, BigIntView shift);
Result shiftLeft(BigIntView a, int64_t bits);  // bits < 0 shifts right

// BigInt.asIntN / asUintN (bits already through ToIndex, <= 2^53-1).
Result asIntN(uint64_t bits, BigIntView a);
Result asUintN(uint64_t bits, BigIntView a);

}  // namespace kiln::bigint
