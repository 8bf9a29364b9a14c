// bigint_math: results checked against node's BigInt (v20); the tables were
// generated with `node -e` and are hard-coded.
#include <boost/test/unit_test.hpp>

#include <bit>
#include <ostream>
#include <cmath>
#include <string>

#include "engine/bigint_math.h"

using namespace kiln::bigint;

// For Boost.Test messages (found by argument-dependent lookup).
namespace kiln::bigint {
std::ostream& operator<<(std::ostream& os, const BigIntValue& v) { return os << toString(v); }
}  // namespace kiln::bigint

namespace {

struct BinCase {
  const char* op;
  const char* expected;
};
struct SmallCase {
  const char *a, *b, *quotient, *remainder, *bitAnd, *bitOr, *bitXor;
};
struct ShiftCase {
  const char* a;
  int shift;
  const char *left, *right;
};
struct AsNCase {
  uint64_t bits;
  const char *a, *asInt, *asUint;
};
struct ToDoubleCase {
  const char* a;
  uint64_t bits;
};
struct RadixCase {
  const char* a;
  int radix;
  const char* expected;
};

const char* kFact100 = "93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000";
const char* kFact100Hex = "1b30964ec395dc24069528d54bbda40d16e966ef9a70eb21b5b2943a321cdf10391745570cca9420c6ecb3b72ed2ee8b02ea2735c61a000000000000000000000000";
const char* kFact100B36 = "62nh2mc145rixai667gy96xa5x2tuuabwkylst8ietag5jf45r9jdiagivpc8u2hfsbrvrosjbcv7k000000000000000000000000";
const char* kA = "265613988875874769338781322035779626829233452653394495974574961739092490901302182994384699031656";
const char* kB = "-118181386580595879976868414312001964434038548836769923458287039207";
const BinCase kBin[] = {
  {"add", "265613988875874769338781322035661445442652856773417627560262959774658452352465413070926411992449"},
  {"sub", "265613988875874769338781322035897808215814048533371364388886963703526529450138952917842986070863"},
  {"mul", "-31390629500553849808442129919534283442412065925447001889169603971587418663624586344261638170185966934553869085271379266167430639728534621887234908449428206136792"},
  {"div", "-2247511190729976984692420089925"},
  {"mod", "61278143744433893949325506835702144927307337164092632211758342181"},
  {"and", "265613988875874769338781322035771707605679281313716021093907055797669500930507713047038403313672"},
  {"or", "-110262163026424540298393533644096023011048578042299976111991321223"},
  {"xor", "-265613988875874769338781322035881969768705705854014414627551151820680549508550013023150394634895"},
  {"divBA", "0"},
  {"modBA", "-118181386580595879976868414312001964434038548836769923458287039207"},
};
const SmallCase kSmall[] = {
  {"7", "2", "3", "1", "2", "7", "5"},
  {"-7", "2", "-3", "-1", "0", "-5", "-5"},
  {"7", "-2", "-3", "1", "6", "-1", "-7"},
  {"-7", "-2", "3", "-1", "-8", "-1", "7"},
  {"-1", "5", "0", "-1", "5", "-1", "-6"},
  {"0", "3", "0", "0", "0", "3", "3"},
  {"18446744073709551616", "-4294967297", "-4294967295", "1", "18446744073709551616", "-4294967297", "-18446744078004518913"},
  {"-79228162514264337593543950335", "8589934592", "-9223372036854775807", "-8589934591", "0", "-79228162514264337584954015743", "-79228162514264337584954015743"},
};
const ShiftCase kShift[] = {
  {"-5", 1, "-10", "-3"},
  {"-1", 100, "-1267650600228229401496703205376", "-1"},
  {"-1267650600228229401496703205376", 99, "-803469022129495137770981046170581301261101496891396417650688", "-2"},
  {"-1267650600228229401496703205377", 100, "-1606938044258990275541962092342430253122431223184289538506752", "-2"},
  {"12345", -3, "1543", "98760"},
  {"-12345", -3, "-1544", "-98760"},
  {"1", 64, "18446744073709551616", "0"},
  {"-3", 40, "-3298534883328", "-1"},
  {"1606938044258990275541962092341162602522202993782792835301383", 150, "2293498615990071511610820895302086940796564989168281123737598830120771817807652216071804699576080365780992", "1125899906842624"},
  {"-1606938044258990275541962092341162602522202993782792835301383", 150, "-2293498615990071511610820895302086940796564989168281123737598830120771817807652216071804699576080365780992", "-1125899906842625"},
  {"-7", 0, "-7", "-7"},
};
const AsNCase kAsN[] = {
  {64, "-1", "-1", "18446744073709551615"},
  {64, "18446744073709551616", "0", "0"},
  {64, "9223372036854775808", "-9223372036854775808", "9223372036854775808"},
  {8, "255", "-1", "255"},
  {8, "-129", "127", "127"},
  {1, "-1", "-1", "1"},
  {0, "5", "0", "0"},
  {100, "-633825300114114700748351602688", "-633825300114114700748351602688", "633825300114114700748351602688"},
  {100, "633825300114114700748351602688", "-633825300114114700748351602688", "633825300114114700748351602688"},
  {33, "-1099511627779", "-3", "8589934589"},
  {200, "-12345", "-12345", "1606938044258990275541962092341162602522202993782792835289031"},
  {32, "4294967295", "-1", "4294967295"},
};
const ToDoubleCase kToDouble[] = {
  {"9007199254740993", 0x4340000000000000ull},
  {"9007199254740995", 0x4340000000000002ull},
  {"18014398509481986", 0x4350000000000000ull},
  {"18014398509481990", 0x4350000000000002ull},
  {"18446744073709551615", 0x43F0000000000000ull},
  {"-1180591620717411434496", 0xC450000000000000ull},
  {"-1180591620717411434497", 0xC450000000000001ull},
  {"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792", 0x7FF0000000000000ull},
  {"179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368", 0x7FEFFFFFFFFFFFFFull},
  {"179769313486231590772930519078902473361797697894230657273430081157732675805500963132708477322407536021120113879871393357658789768814416622492847430639474124377767893424865485276302219601246094119453082952085005768838150682342462881473913110540827237163350510684586298239947245938479716304835356329624224137216", 0x7FF0000000000000ull},
  {"100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0x7FE1CCF385EBC8A0ull},
  {"12345678901234567890123", 0x4484EA15B273B38Aull},
  {"0", 0x0000000000000000ull},
  {"-1", 0xBFF0000000000000ull},
};
const RadixCase kRadix[] = {
  {"-255", 2, "-11111111"},
  {"-255", 16, "-ff"},
  {"123456789012345678901234567890", 36, "byw97um9s91dlz68tsi"},
  {"123456789012345678901234567890", 7, "21653251153414601406403630240331250"},
  {"-1000000000000000000000000000000", 32, "-p7pcjj84ct7dt9000000"},
  {"1267650600228229401496703205376", 8, "2000000000000000000000000000000000"},
  {"0", 5, "0"},
  {"35", 36, "z"},
};

BigIntValue big(std::string_view s) {
  auto v = stringToBigInt(s);
  BOOST_REQUIRE(v.has_value());
  return *v;
}

std::string str(const BigIntValue& v, int radix = 10) { return toString(v, radix); }
std::string str(const Result& r) {
  BOOST_REQUIRE(r.ok());
  return toString(r.value);
}

BigIntValue factorial(int n) {
  BigIntValue f = fromInt64(1);
  for (int i = 2; i <= n; ++i) f = multiply(f, fromInt64(i)).value;
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bigint_math)

BOOST_AUTO_TEST_CASE(factorials_and_radix_strings) {
  BigIntValue f = factorial(100);
  BOOST_TEST(str(f) == kFact100);
  BOOST_TEST(str(f, 16) == kFact100Hex);
  BOOST_TEST(str(f, 36) == kFact100B36);
  BOOST_TEST(*fromDigits(kFact100Hex, 16) == f);
  BOOST_TEST(*fromDigits(kFact100B36, 36) == f);
  std::string s = str(factorial(1000));
  BOOST_TEST(s.size() == 2568u);
  BOOST_TEST(s.substr(0, 40) == "4023872600770937735437024339230039857193");
  BOOST_TEST(s.substr(s.size() - 260, 20) == "70027753472000000000");
  for (const auto& c : kRadix) BOOST_TEST(str(big(c.a), c.radix) == c.expected);
}

BOOST_AUTO_TEST_CASE(large_operands_match_node) {
  BigIntValue a = big(kA), b = big(kB);
  for (const auto& c : kBin) {
    std::string op = c.op;
    std::string got;
    if (op == "add") got = str(add(a, b));
    if (op == "sub") got = str(subtract(a, b));
    if (op == "mul") got = str(multiply(a, b));
    if (op == "div") got = str(divide(a, b));
    if (op == "mod") got = str(remainder(a, b));
    if (op == "and") got = str(bitwiseAnd(a, b));
    if (op == "or") got = str(bitwiseOr(a, b));
    if (op == "xor") got = str(bitwiseXor(a, b));
    if (op == "divBA") got = str(divide(b, a));
    if (op == "modBA") got = str(remainder(b, a));
    BOOST_TEST(got == c.expected, op);
  }
}

BOOST_AUTO_TEST_CASE(karatsuba_products) {
  // Big enough for several Karatsuba levels; node: (3n**5000n * 7n**4000n).
  BigIntValue p3 = pow(fromInt64(3), 5000).value, p7 = pow(fromInt64(7), 4000).value;
  BigIntValue p = multiply(p3, p7).value;
  std::string s = str(p);
  BOOST_TEST(s.size() == 5766u);
  BOOST_TEST(s.substr(0, 40) == "9963998542549635551862133225073423102120");
  BOOST_TEST(s.substr(s.size() - 40) == "7104265686648367390017845080723398500001");
  // Division undoes it exactly.
  BigIntValue q, r;
  BOOST_TEST((divMod(p, p7, &q, &r) == Error::None));
  BOOST_TEST(q == p3);
  BOOST_TEST(r.isZero());
  BigIntValue p1 = add(p, fromInt64(1)).value;
  BOOST_TEST((divMod(p1, p3, &q, &r) == Error::None));
  BOOST_TEST(q == p7);
  BOOST_TEST(str(r) == "1");
}

BOOST_AUTO_TEST_CASE(division_signs_and_bitwise_of_negatives) {
  for (const auto& c : kSmall) {
    BigIntValue a = big(c.a), b = big(c.b);
    BOOST_TEST(str(divide(a, b)) == c.quotient, c.a << " / " << c.b);
    BOOST_TEST(str(remainder(a, b)) == c.remainder, c.a << " % " << c.b);
    BOOST_TEST(str(bitwiseAnd(a, b)) == c.bitAnd, c.a << " & " << c.b);
    BOOST_TEST(str(bitwiseOr(a, b)) == c.bitOr, c.a << " | " << c.b);
    BOOST_TEST(str(bitwiseXor(a, b)) == c.bitXor, c.a << " ^ " << c.b);
  }
  BOOST_TEST((divide(fromInt64(1), BigIntValue{}).error == Error::DivisionByZero));
  BOOST_TEST((remainder(fromInt64(1), BigIntValue{}).error == Error::DivisionByZero));
  BOOST_TEST(str(bitwiseNot(fromInt64(5))) == "-6");
  BOOST_TEST(str(bitwiseNot(fromInt64(-1))) == "0");
  BOOST_TEST(str(bitwiseNot(BigIntValue{})) == "-1");
}

BOOST_AUTO_TEST_CASE(shifts_round_toward_minus_infinity) {
  for (const auto& c : kShift) {
    BigIntValue a = big(c.a), s = fromInt64(c.shift);
    BOOST_TEST(str(leftShift(a, s)) == c.left, c.a << " << " << c.shift);
    BOOST_TEST(str(signedRightShift(a, s)) == c.right, c.a << " >> " << c.shift);
  }
  // Huge shift counts.
  BigIntValue huge = pow(fromInt64(2), 100).value;
  BOOST_TEST(str(signedRightShift(fromInt64(-5), huge)) == "-1");
  BOOST_TEST(str(signedRightShift(fromInt64(5), huge)) == "0");
  BOOST_TEST((leftShift(fromInt64(1), huge).error == Error::TooBig));
  BOOST_TEST(str(leftShift(BigIntValue{}, huge)) == "0");
}

BOOST_AUTO_TEST_CASE(as_int_n_and_as_uint_n) {
  for (const auto& c : kAsN) {
    BigIntValue a = big(c.a);
    BOOST_TEST(str(asIntN(c.bits, a)) == c.asInt, "asIntN(" << c.bits << ", " << c.a << ")");
    BOOST_TEST(str(asUintN(c.bits, a)) == c.asUint, "asUintN(" << c.bits << ", " << c.a << ")");
  }
  BOOST_TEST((asUintN(uint64_t(1) << 40, fromInt64(-1)).error == Error::TooBig));
  BOOST_TEST(str(asUintN(uint64_t(1) << 40, fromInt64(5))) == "5");
  BOOST_TEST(str(asIntN(uint64_t(1) << 40, fromInt64(-5))) == "-5");
  BOOST_TEST(toInt64(big("-1")) == -1);
  BOOST_TEST(toUint64(big("-1")) == UINT64_MAX);
  BOOST_TEST(toInt64(big("18446744073709551617")) == 1);
}

BOOST_AUTO_TEST_CASE(to_double_rounds_half_even) {
  for (const auto& c : kToDouble) {
    double d = toDouble(big(c.a));
    BOOST_TEST(std::bit_cast<uint64_t>(d) == c.bits, c.a);
  }
}

BOOST_AUTO_TEST_CASE(from_double_and_compare_to_double) {
  BOOST_TEST(str(fromDouble(1e21)) == "1000000000000000000000");
  BOOST_TEST(str(fromDouble(-9007199254740993.0)) == "-9007199254740992");
  BOOST_TEST(str(fromDouble(1.7976931348623157e308)).size() == 309u);
  BOOST_TEST(str(fromDouble(-0.0)) == "0");
  BigIntValue one = fromInt64(1);
  BOOST_TEST((compareToDouble(one, 1.5) == Order::Less));
  BOOST_TEST((compareToDouble(one, 1.0) == Order::Equal));
  BOOST_TEST((compareToDouble(one, 0.5) == Order::Greater));
  BOOST_TEST((compareToDouble(one, NAN) == Order::Unordered));
  BOOST_TEST((compareToDouble(one, -INFINITY) == Order::Greater));
  BOOST_TEST((compareToDouble(fromInt64(-2), -1.5) == Order::Less));
  BOOST_TEST((compareToDouble(fromInt64(-1), -1.5) == Order::Greater));
  BOOST_TEST((compareToDouble(BigIntValue{}, -0.0) == Order::Equal));
  BOOST_TEST((compareToDouble(BigIntValue{}, 5e-324) == Order::Less));
  BigIntValue p = big("9007199254740993");
  BOOST_TEST((compareToDouble(p, 9007199254740992.0) == Order::Greater));
  BOOST_TEST((compareToDouble(p, 9007199254740994.0) == Order::Less));
  BOOST_TEST((compareToDouble(pow(fromInt64(10), 400).value, 1.7976931348623157e308) == Order::Greater));
  BOOST_TEST(compare(big("-5"), big("3")) == -1);
  BOOST_TEST(compare(big("-5"), big("-7")) == 1);
  BOOST_TEST(equals(big("0x10"), big("16")));
}

BOOST_AUTO_TEST_CASE(string_to_bigint) {
  BOOST_TEST(str(big("  0x1f  ")) == "31");
  BOOST_TEST(str(big("-12")) == "-12");
  BOOST_TEST(str(big("+12")) == "12");
  BOOST_TEST(str(big("")) == "0");
  BOOST_TEST(str(big("-0")) == "0");
  BOOST_TEST(!big("-0").negative);
  BOOST_TEST(str(big("0o777")) == "511");
  BOOST_TEST(str(big("0B101")) == "5");
  BOOST_TEST(str(*stringToBigInt(std::u16string_view(u"\u2028\uFEFF 42 \u00A0"))) == "42");
  for (const char* bad : {"-0x1", "1n", "1.5", "1e3", "0b", "++1", "1_0", "0x", "abc", "1 2"}) {
    BOOST_TEST(!stringToBigInt(std::string_view(bad)).has_value(), bad);
  }
  // Literal digits from the lexer may keep their separators.
  BOOST_TEST(str(*fromDigits("1_000_000", 10)) == "1000000");
  BOOST_TEST(str(*fromDigits("ff_ff", 16)) == "65535");
}

BOOST_AUTO_TEST_CASE(pow_and_limits) {
  BOOST_TEST(str(pow(fromInt64(-2), 63)) == "-9223372036854775808");
  BOOST_TEST(str(pow(fromInt64(-3), 3)) == "-27");
  BOOST_TEST(str(pow(fromInt64(10), 0)) == "1");
  BOOST_TEST(str(pow(BigIntValue{}, 0)) == "1");
  BOOST_TEST(str(pow(fromInt64(-1), big("100000000000000000000001"))) == "-1");
  BOOST_TEST((pow(fromInt64(2), fromInt64(-1)).error == Error::NegativeExponent));
  BOOST_TEST((pow(fromInt64(2), uint64_t(1) << 31).error == Error::TooBig));
  BOOST_TEST((pow(fromInt64(3), big("100000000000000000000001")).error == Error::TooBig));
  BOOST_TEST(str(pow(fromInt64(2), 100).value, 16) == "1" + std::string(25, '0'));
  BOOST_TEST(bitLength(pow(fromInt64(2), 100).value) == 101u);
}

BOOST_AUTO_TEST_SUITE_END()
