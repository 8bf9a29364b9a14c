// Number <-> string conversions and the ToInt32 family, exactly as ECMA-262
// specifies them. No heap or Value dependency: builtins call these with the
// code units of a string cell and box the result themselves.
//
// String inputs come in two flavours because string cells do: one-byte cells
// hold Latin-1 code units (passed as std::string_view, each char read as an
// unsigned byte), two-byte cells hold UTF-16 (std::u16string_view). Both give
// identical results for the same sequence of code units.
//
// Everything here is pure and thread-safe: no global state, no locale (the C
// library is only used through locale-independent std::to_chars/from_chars,
// plus snprintf("%.*e") whose digits are exact in glibc; its decimal point is
// never interpreted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

// Number::toString(x, 10) (§6.1.6.1.20): shortest round-trip digits, laid out
// with the spec's thresholds (plain notation for 1e-7 <= |x| < 1e21).
std::string numberToString(double x);

// Number::toString(x, radix) for radix 2..36 other than 10 (10 is accepted and
// forwards to numberToString). Like V8: fractional digits are produced until
// they identify the double uniquely; integer digits beyond 2^53 are printed
// as zeros once the value is no longer exact.
std::string numberToStringRadix(double x, int radix);

// Number.prototype.toFixed / toExponential / toPrecision after the argument
// checks (the caller throws RangeError for digits outside 0..100, or p outside
// 1..100). Exact decimal results, ties away from zero as the spec's "pick the
// larger n" demands.
std::string numberToFixed(double x, int fractionDigits);
std::string numberToExponential(double x, std::optional<int> fractionDigits);
std::string numberToPrecision(double x, int precision);

// StringToNumber (§7.1.4.1.1): StringNumericLiteral with surrounding
// WhiteSpace/LineTerminator; empty -> 0; anything else NaN. Correctly rounded.
double stringToNumber(std::u16string_view s);
double stringToNumber(std::string_view latin1);

// Global parseFloat (§19.2.4): the longest StrDecimalLiteral prefix after
// leading white space, NaN if there is none.
double parseFloatPrefix(std::u16string_view s);
double parseFloatPrefix(std::string_view latin1);

// Global parseInt (§19.2.5) once the radix has gone through ToInt32: radix 0
// means "10, or 16 with a 0x prefix". Correctly rounded for every radix.
double parseIntString(std::u16string_view s, int radix);
double parseIntString(std::string_view latin1, int radix);

// Converts a run of digits (no sign, no prefix, every char a valid digit of
// `radix`) to the nearest double, ties to even. Used for 0x/0o/0b literals by
// the lexer as well.
double digitsToDouble(std::string_view digits, int radix);

// CanonicalNumericIndexString helpers. isArrayIndexString: the canonical
// decimal form of an integer in 0..2^32-2 (so "0", "42", never "042" or "-0").
bool isArrayIndexString(std::u16string_view s, uint32_t* index);
bool isArrayIndexString(std::string_view latin1, uint32_t* index);
// True when ToString(ToNumber(s)) == s, or s is "-0" (§7.1.21).
bool isCanonicalNumericString(std::u16string_view s);
bool isCanonicalNumericString(std::string_view latin1);

// ToIntegerOrInfinity on a Number: NaN -> 0, truncation toward zero, -0 -> +0.
double toIntegerOrInfinity(double x);

// ToInt32 & co. (§7.1.6 - §7.1.11) on a Number: modular conversion of the
// truncated value, NaN and infinities give 0.
int32_t toInt32(double x);
uint32_t toUint32(double x);
int16_t toInt16(double x);
uint16_t toUint16(double x);
int8_t toInt8(double x);
uint8_t toUint8(double x);
// ToUint8Clamp: clamps to 0..255 and rounds half to even.
uint8_t toUint8Clamp(double x);

}  // namespace kiln
