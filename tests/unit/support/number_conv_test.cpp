// number_conv: conversions checked against node's output (v20). The tables
// were generated with `node -e` and are hard-coded; doubles are given by bit
// pattern so that -0 and exact values are unambiguous.
#define BOOST_TEST_MODULE support
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <string>

#include "engine/number_conv.h"

using namespace kiln;

namespace {

double fromBits(uint64_t b) { return std::bit_cast<double>(b); }
uint64_t toBits(double d) { return std::isnan(d) ? 0x7FF8000000000000ull : std::bit_cast<uint64_t>(d); }

struct ToStringCase {
  uint64_t bits;
  const char* expected;
};
struct RadixCase {
  uint64_t bits;
  int radix;
  const char* expected;
};
struct DigitsCase {
  uint64_t bits;
  int digits;  // -1: argument undefined
  const char* expected;
};
struct ParseCase {
  const char16_t* input;
  uint64_t expected;
};
struct ParseIntCase {
  const char16_t* input;
  int radix;
  uint64_t expected;
};

const ToStringCase kToString[] = {
  {0x0000000000000001ull, "5e-324"},
  {0x444B1AE4D6E2EF50ull, "1e+21"},
  {0x4415AF1D78B58C40ull, "100000000000000000000"},
  {0x3C36B082C2148B8Eull, "1.23e-18"},
  {0x3FD3333333333334ull, "0.30000000000000004"},
  {0xBE7AD7F29ABCAF48ull, "-1e-7"},
  {0x3E7AD7F29ABCAF48ull, "1e-7"},
  {0x4340000000000000ull, "9007199254740992"},
  {0x4340000000000001ull, "9007199254740994"},
  {0x8000000000000000ull, "0"},
  {0x7FEFFFFFFFFFFFFFull, "1.7976931348623157e+308"},
  {0x3EB0C6F7A0B5ED8Dull, "0.000001"},
  {0x3EB92A737110E454ull, "0.0000015"},
  {0x441AC53A7E04BCDAull, "123456789012345680000"},
  {0x3FD5555555555555ull, "0.3333333333333333"},
  {0xC004000000000000ull, "-2.5"},
  {0x4059000000000000ull, "100"},
  {0x4011666666666666ull, "4.35"},
  {0x3FE0000000000000ull, "0.5"},
  {0x3EB0C6F7A0B5ED8Dull, "0.000001"},
  {0x444B1AE4D6E2EF4Full, "999999999999999900000"},
  {0x3E801B2B29A4692Bull, "1.2e-7"},
  {0x7FF0000000000000ull, "Infinity"},
  {0xFFF0000000000000ull, "-Infinity"},
  {0x7FF8000000000000ull, "NaN"},
  {0x41E0000000000000ull, "2147483648"},
  {0xC1E0000000000000ull, "-2147483648"},
  {0x405EDD2F1A9FBE77ull, "123.456"},
  {0x54B249AD2594C37Dull, "1e+100"},
  {0x0010000000000000ull, "2.2250738585072014e-308"},
};
const RadixCase kRadix[] = {
  {0x3FE0000000000000ull, 2, "0.1"},
  {0x406FE00000000000ull, 16, "ff"},
  {0xC06FF00000000000ull, 36, "-73.i"},
  {0x400921FB54442D18ull, 7, "3.066365143203613411"},
  {0x3FB999999999999Aull, 2, "0.0001100110011001100110011001100110011001100110011001101"},
  {0x3FB999999999999Aull, 3, "0.0022002200220022002200220022002201"},
  {0x444B1AE4D6E2EF50ull, 36, "5v1j4f4ds7c000"},
  {0x43B0000000000000ull, 2, "1000000000000000000000000000000000000000000000000000000000000"},
  {0x7E37E43C8800759Cull, 16, "17e43c8800759c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
  {0xBFD3333333333333ull, 5, "-0.122222222222222222222222"},
  {0x405EDD2F1A9FBE77ull, 8, "173.3513615237574734"},
  {0x3FD5555555555555ull, 3, "0.1"},
  {0x7FEFFFFFFFFFFFFFull, 36, "1a1e4vngaiqo0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
  {0x0000000000000001ull, 2, "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"},
  {0x3EB0C6F7A0B5ED8Dull, 36, "0.0001ogs5wo29m8"},
  {0x41EFFFFFFFF80000ull, 16, "ffffffff.c"},
  {0x3E7AD7F29ABCAF48ull, 2, "0.0000000000000000000000011010110101111111001010011010101111001010111101001"},
};
const DigitsCase kToFixed[] = {
  {0x3FE0000000000000ull, 0, "1"},
  {0x3FF8000000000000ull, 0, "2"},
  {0x4004000000000000ull, 0, "3"},
  {0xC004000000000000ull, 0, "-3"},
  {0x3FC0000000000000ull, 2, "0.13"},
  {0x3FF0147AE147AE14ull, 2, "1.00"},
  {0x444B1AE4D6E2EF50ull, 2, "1e+21"},
  {0x3FF7333333333333ull, 1, "1.4"},
  {0x405EDD2F1A9FBE77ull, 10, "123.4560000000"},
  {0x3EB0C6F7A0B5ED8Dull, 7, "0.0000010"},
  {0xBF1A36E2EB1C432Dull, 2, "-0.00"},
  {0x8000000000000000ull, 2, "0.00"},
  {0x3DDB7CDFD9D7BDBBull, 3, "0.000"},
  {0x408F3FF5C28F5C29ull, 2, "1000.00"},
  {0x0000000000000001ull, 100, "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
  {0x43E56A95319D63E1ull, 3, "12345678901234567168.000"},
  {0x3E6AD7F29ABCAF48ull, 7, "0.0000000"},
  {0x4023000000000000ull, 0, "10"},
  {0x4058FF5C28F5C28Full, 1, "100.0"},
};
const DigitsCase kToExponential[] = {
  {0x40FE240000000000ull, 2, "1.23e+5"},
  {0x40FE240000000000ull, -1, "1.23456e+5"},
  {0x0000000000000000ull, -1, "0e+0"},
  {0x0000000000000000ull, 3, "0.000e+0"},
  {0xBE8421F5F40D8376ull, -1, "-1.5e-7"},
  {0x3FF4000000000000ull, 1, "1.3e+0"},
  {0x3FF599999999999Aull, 1, "1.4e+0"},
  {0x0000000000000001ull, -1, "5e-324"},
  {0x0000000000000001ull, 3, "4.941e-324"},
  {0x444B1AE4D6E2EF50ull, 0, "1e+21"},
  {0x3FD3333333333334ull, -1, "3.0000000000000004e-1"},
  {0x8000000000000000ull, 2, "0.00e+0"},
  {0x4023FF7CED916873ull, 2, "1.00e+1"},
  {0x7FF0000000000000ull, 2, "Infinity"},
  {0x7FEFFFFFFFFFFFFFull, 20, "1.79769313486231570815e+308"},
};
const DigitsCase kToPrecision[] = {
  {0x405EDD2F1A9FBE77ull, 4, "123.5"},
  {0x3F201F31F46ED246ull, 2, "0.00012"},
  {0x3E7AD7F29ABCAF48ull, 1, "1e-7"},
  {0x40FE240000000000ull, 2, "1.2e+5"},
  {0x40FE240000000000ull, 6, "123456"},
  {0x40FE240000000000ull, 7, "123456.0"},
  {0x0000000000000000ull, 3, "0.00"},
  {0x8000000000000000ull, 1, "0"},
  {0x3FF8000000000000ull, 1, "2"},
  {0x4004000000000000ull, 1, "3"},
  {0x3EE4F8B588E368F1ull, 1, "0.00001"},
  {0x444B1AE4D6E2EF50ull, 3, "1.00e+21"},
  {0x444B1AE4D6E2EF50ull, 22, "1000000000000000000000"},
  {0x4058FF5C28F5C28Full, 3, "100"},
  {0x0000000000000001ull, 5, "4.9407e-324"},
  {0xBFF0147AE147AE14ull, 3, "-1.00"},
  {0x3FF7333333333333ull, 2, "1.4"},
};
const ParseCase kStringToNumber[] = {
  {u"", 0x0000000000000000ull},
  {u"  ", 0x0000000000000000ull},
  {u"\u00a0 12 \u2028\ufeff", 0x4028000000000000ull},
  {u"1e3", 0x408F400000000000ull},
  {u"-0", 0x8000000000000000ull},
  {u"+1.5", 0x3FF8000000000000ull},
  {u".5", 0x3FE0000000000000ull},
  {u"5.", 0x4014000000000000ull},
  {u"0x1F", 0x403F000000000000ull},
  {u"0X1f", 0x403F000000000000ull},
  {u"-0x10", 0x7FF8000000000000ull},
  {u"0o17", 0x402E000000000000ull},
  {u"0b101", 0x4014000000000000ull},
  {u"0b", 0x7FF8000000000000ull},
  {u"0x", 0x7FF8000000000000ull},
  {u"1_000", 0x7FF8000000000000ull},
  {u"Infinity", 0x7FF0000000000000ull},
  {u"-Infinity", 0xFFF0000000000000ull},
  {u"+Infinity", 0x7FF0000000000000ull},
  {u"infinity", 0x7FF8000000000000ull},
  {u"1e1000", 0x7FF0000000000000ull},
  {u"-1e1000", 0xFFF0000000000000ull},
  {u"1e-400", 0x0000000000000000ull},
  {u"0.1e-400", 0x0000000000000000ull},
  {u"2e-324", 0x0000000000000000ull},
  {u"3e-324", 0x0000000000000001ull},
  {u"12abc", 0x7FF8000000000000ull},
  {u"1.2.3", 0x7FF8000000000000ull},
  {u"00012", 0x4028000000000000ull},
  {u"0.0000000000000000000000000001e28", 0x3FF0000000000000ull},
  {u"9007199254740993", 0x4340000000000000ull},
  {u"0x20000000000001", 0x4340000000000000ull},
  {u"0x1FFFFFFFFFFFFF8", 0x4380000000000000ull},
  {u"1e", 0x7FF8000000000000ull},
  {u"e5", 0x7FF8000000000000ull},
  {u".", 0x7FF8000000000000ull},
  {u"+", 0x7FF8000000000000ull},
  {u".e1", 0x7FF8000000000000ull},
  {u"0b11111111111111111111111111111111111111111111111111111111111111111", 0x4400000000000000ull},
  {u"123456789012345678901234567890", 0x45F8EE90FF6C373Eull},
};
const ParseCase kParseFloat[] = {
  {u"  3.14abc", 0x40091EB851EB851Full},
  {u"-.5e-3x", 0xBF40624DD2F1A9FCull},
  {u"Infinityx", 0x7FF0000000000000ull},
  {u"-Infinity", 0xFFF0000000000000ull},
  {u"1e", 0x3FF0000000000000ull},
  {u"1e+", 0x3FF0000000000000ull},
  {u"1.e2", 0x4059000000000000ull},
  {u".e1", 0x7FF8000000000000ull},
  {u"abc", 0x7FF8000000000000ull},
  {u"0x10", 0x0000000000000000ull},
  {u"\n\t-0", 0x8000000000000000ull},
  {u"1_0", 0x3FF0000000000000ull},
  {u"  +.5", 0x3FE0000000000000ull},
  {u"", 0x7FF8000000000000ull},
  {u" 1e1000", 0x7FF0000000000000ull},
  {u"5e-324garbage", 0x0000000000000001ull},
  {u"\u20281.5", 0x3FF8000000000000ull},
};
const ParseIntCase kParseInt[] = {
  {u"  42px", 0, 0x4045000000000000ull},
  {u"-0", 0, 0x8000000000000000ull},
  {u"0x1F", 0, 0x403F000000000000ull},
  {u"0x1F", 16, 0x403F000000000000ull},
  {u"0x1F", 10, 0x0000000000000000ull},
  {u"1F", 16, 0x403F000000000000ull},
  {u"zz", 36, 0x40943C0000000000ull},
  {u"z", 37, 0x7FF8000000000000ull},
  {u"10", 1, 0x7FF8000000000000ull},
  {u"ff", 0, 0x7FF8000000000000ull},
  {u"  -ff", 16, 0xC06FE00000000000ull},
  {u"123456789012345678901234567890", 0, 0x45F8EE90FF6C373Eull},
  {u"11111111111111111111111111111111111111111111111111111111111", 2, 0x43A0000000000000ull},
  {u"zzzzzzzzzzzzzzzzzzzz", 36, 0x466517168A4523FDull},
  {u"0b11", 0, 0x0000000000000000ull},
  {u"", 10, 0x7FF8000000000000ull},
  {u"-", 10, 0x7FF8000000000000ull},
  {u"9007199254740993", 10, 0x4340000000000000ull},
  {u"1e3", 10, 0x3FF0000000000000ull},
  {u"0x", 16, 0x7FF8000000000000ull},
  {u"077", 8, 0x404F800000000000ull},
  {u"123", -1, 0x7FF8000000000000ull},
};

// The same code units as a one-byte (Latin-1) string, when they fit.
bool toLatin1(std::u16string_view s, std::string* out) {
  out->clear();
  for (char16_t c : s) {
    if (c > 0xFF) return false;
    out->push_back(char(c));
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(number_conv)

BOOST_AUTO_TEST_CASE(number_to_string_matches_node) {
  for (const auto& c : kToString) {
    BOOST_TEST(numberToString(fromBits(c.bits)) == c.expected, "bits " << std::hex << c.bits);
  }
}

BOOST_AUTO_TEST_CASE(number_to_string_round_trips) {
  // Shortest digits must parse back to the same double.
  uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 20000; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    double d = fromBits(state);
    if (!std::isfinite(d)) continue;
    std::string s = numberToString(d);
    std::u16string u(s.begin(), s.end());
    BOOST_TEST_REQUIRE(toBits(stringToNumber(u)) == toBits(d == 0 ? 0.0 : d), s);
  }
}

BOOST_AUTO_TEST_CASE(radix_matches_node) {
  for (const auto& c : kRadix) {
    BOOST_TEST(numberToStringRadix(fromBits(c.bits), c.radix) == c.expected,
               "bits " << std::hex << c.bits << " radix " << std::dec << c.radix);
  }
  BOOST_TEST(numberToStringRadix(-0.0, 2) == "0");
  BOOST_TEST(numberToStringRadix(NAN, 16) == "NaN");
  BOOST_TEST(numberToStringRadix(-INFINITY, 16) == "-Infinity");
  BOOST_TEST(numberToStringRadix(255, 10) == "255");
}

BOOST_AUTO_TEST_CASE(to_fixed_exponential_precision_match_node) {
  for (const auto& c : kToFixed) {
    BOOST_TEST(numberToFixed(fromBits(c.bits), c.digits) == c.expected, "toFixed " << c.expected);
  }
  for (const auto& c : kToExponential) {
    std::optional<int> digits;
    if (c.digits >= 0) digits = c.digits;
    BOOST_TEST(numberToExponential(fromBits(c.bits), digits) == c.expected, "toExponential " << c.expected);
  }
  for (const auto& c : kToPrecision) {
    BOOST_TEST(numberToPrecision(fromBits(c.bits), c.digits) == c.expected, "toPrecision " << c.expected);
  }
  BOOST_TEST(numberToFixed(NAN, 2) == "NaN");
  BOOST_TEST(numberToPrecision(-INFINITY, 2) == "-Infinity");
}

// Digits are printed truncated (rounding toward zero) and rounded by the
// spec's rule; the thread's rounding mode is left as it was.
BOOST_AUTO_TEST_CASE(to_fixed_rounds_the_exact_value_and_restores_the_rounding_mode) {
  BOOST_TEST(numberToFixed(0.5, 0) == "1");      // a tie: the larger n
  BOOST_TEST(numberToFixed(2.5, 0) == "3");
  BOOST_TEST(numberToFixed(1.005, 2) == "1.00");  // 1.00499999999999989...
  BOOST_TEST(numberToFixed(8.345, 2) == "8.35");  // 8.3450000000000006394...
  BOOST_TEST(numberToFixed(99.995, 2) == "100.00");  // 99.9950000000000045...
  BOOST_TEST(numberToPrecision(9.995, 3) == "9.99");  // 9.9949999999999992...
  BOOST_TEST(numberToExponential(1.25, 1) == "1.3e+0");
  BOOST_TEST(std::fegetround() == FE_TONEAREST);
  std::fesetround(FE_UPWARD);
  BOOST_TEST(numberToFixed(1.005, 2) == "1.00");
  BOOST_TEST(std::fegetround() == FE_UPWARD);
  std::fesetround(FE_TONEAREST);
}

BOOST_AUTO_TEST_CASE(string_to_number_matches_node) {
  std::string latin1;
  for (const auto& c : kStringToNumber) {
    std::u16string_view in = c.input;
    BOOST_TEST(toBits(stringToNumber(in)) == c.expected, "input #" << (&c - kStringToNumber));
    if (toLatin1(in, &latin1)) BOOST_TEST(toBits(stringToNumber(std::string_view(latin1))) == c.expected);
  }
  // Long inputs stay correctly rounded.
  std::u16string longDigits = u"0." + std::u16string(5000, u'0') + u"1e5010";
  BOOST_TEST(stringToNumber(longDigits) == 1e9);
  std::u16string longOnes(400, u'1');
  BOOST_TEST(std::isinf(stringToNumber(longOnes)));
}

BOOST_AUTO_TEST_CASE(parse_float_matches_node) {
  for (const auto& c : kParseFloat) {
    BOOST_TEST(toBits(parseFloatPrefix(std::u16string_view(c.input))) == c.expected,
               "input #" << (&c - kParseFloat));
  }
  BOOST_TEST(parseFloatPrefix(std::string_view("\xA0 2.5e1x")) == 25.0);
}

BOOST_AUTO_TEST_CASE(parse_int_matches_node) {
  for (const auto& c : kParseInt) {
    BOOST_TEST(toBits(parseIntString(std::u16string_view(c.input), c.radix)) == c.expected,
               "input #" << (&c - kParseInt));
  }
}

BOOST_AUTO_TEST_CASE(digits_to_double_rounds_half_even) {
  // 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even mantissa wins.
  BOOST_TEST(digitsToDouble("20000000000001", 16) == 9007199254740992.0);
  BOOST_TEST(digitsToDouble("20000000000003", 16) == 9007199254740996.0);
  // Just above the tie rounds up.
  BOOST_TEST(digitsToDouble("200000000000010000001", 16) == std::ldexp(9007199254740994.0, 28));
  BOOST_TEST(std::isinf(digitsToDouble(std::string(300, 'f'), 16)));
  BOOST_TEST(digitsToDouble("0000", 7) == 0.0);
}

BOOST_AUTO_TEST_CASE(array_index_strings) {
  uint32_t index = 0;
  BOOST_TEST(isArrayIndexString(std::u16string_view(u"0"), &index));
  BOOST_TEST(index == 0u);
  BOOST_TEST(isArrayIndexString(std::u16string_view(u"4294967294"), &index));
  BOOST_TEST(index == 4294967294u);
  BOOST_TEST(!isArrayIndexString(std::u16string_view(u"4294967295"), &index));
  BOOST_TEST(!isArrayIndexString(std::u16string_view(u"01"), &index));
  BOOST_TEST(!isArrayIndexString(std::u16string_view(u"-0"), &index));
  BOOST_TEST(!isArrayIndexString(std::u16string_view(u""), &index));
  BOOST_TEST(!isArrayIndexString(std::u16string_view(u"1e3"), &index));
  BOOST_TEST(isArrayIndexString(std::string_view("123"), &index));
  BOOST_TEST(index == 123u);
}

BOOST_AUTO_TEST_CASE(canonical_numeric_strings) {
  for (const char16_t* s : {u"-0", u"0", u"1.5", u"-1", u"NaN", u"Infinity", u"-Infinity", u"1e+21", u"1e-7"}) {
    BOOST_TEST(isCanonicalNumericString(std::u16string_view(s)));
  }
  for (const char16_t* s : {u"01", u"1.50", u"+1", u"1e21", u"0.0000001", u" 1", u"", u"abc", u"-NaN"}) {
    BOOST_TEST(!isCanonicalNumericString(std::u16string_view(s)));
  }
}

BOOST_AUTO_TEST_CASE(to_int32_family) {
  BOOST_TEST(toInt32(4294967296.0 + 5) == 5);
  BOOST_TEST(toInt32(2147483648.0) == -2147483647 - 1);
  BOOST_TEST(toInt32(-2147483649.0) == 2147483647);
  BOOST_TEST(toInt32(-1.9) == -1);
  BOOST_TEST(toInt32(NAN) == 0);
  BOOST_TEST(toInt32(INFINITY) == 0);
  BOOST_TEST(toInt32(1e20) == 1661992960);     // node: 1e20 | 0
  BOOST_TEST(toInt32(-1e20) == -1661992960);
  BOOST_TEST(toUint32(-1) == 4294967295u);
  BOOST_TEST(toUint32(1.8446744073709552e19) == 0u);
  BOOST_TEST(toUint32(9007199254740991.0) == 4294967295u);
  BOOST_TEST(toInt16(32768) == -32768);
  BOOST_TEST(toUint16(-1) == 65535);
  BOOST_TEST(toInt8(200) == -56);
  BOOST_TEST(toUint8(-1.5) == 255);
  BOOST_TEST(toUint8Clamp(2.5) == 2);
  BOOST_TEST(toUint8Clamp(3.5) == 4);
  BOOST_TEST(toUint8Clamp(254.5) == 254);
  BOOST_TEST(toUint8Clamp(-3) == 0);
  BOOST_TEST(toUint8Clamp(300) == 255);
  BOOST_TEST(toUint8Clamp(NAN) == 0);
  BOOST_TEST(toUint8Clamp(1.2) == 1);
  BOOST_TEST(std::signbit(toIntegerOrInfinity(-0.5)) == false);
  BOOST_TEST(toIntegerOrInfinity(-2.5) == -2.0);
}

BOOST_AUTO_TEST_SUITE_END()
