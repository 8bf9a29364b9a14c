// Number <-> string conversions (ECMA-262 §6.1.6.1.20, §7.1.4.1, §19.2.4-5,
// §21.1.3). Digit generation is delegated to the C++ library where it is
// exact and locale-free (std::to_chars shortest, std::from_chars correctly
// rounded); the layout rules on top are the spec's.
#include "engine/number_conv.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cfenv>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "engine/bigint_math.h"
#include "engine/unicode.h"

namespace kiln {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A positive decimal d0.d1d2... x 10^exponent; digits has no leading zero
// and (for exact and shortest forms) no trailing zero.
struct Decimal {
  std::string digits;
  int exponent = 0;
};

// Splits to_chars/snprintf scientific output ("1.2345e+02", "5e-324") into
// digits and exponent. Any non-digit before the 'e' (the decimal point, in
// whatever locale) is skipped.
Decimal parseScientific(std::string_view text) {
  Decimal d;
  size_t i = 0;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] >= '0' && text[i] <= '9') d.digits.push_back(text[i]);
  }
  int exp = 0;
  bool negative = false;
  if (i < text.size()) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    for (; i < text.size(); ++i) exp = exp * 10 + (text[i] - '0');
  }
  d.exponent = negative ? -exp : exp;
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

// The shortest digits that round-trip to x (x finite and > 0), choosing the
// closest when several have that length: exactly the n, k, s of the spec.
Decimal shortestDecimal(double x) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  return parseScientific(std::string_view(buf, size_t(res.ptr - buf)));
}

// Every significant digit of x's exact value (x finite and > 0). A double has
// at most 767 significant decimal digits, and glibc prints them exactly.
Decimal exactDecimal(double x) {
  std::array<char, 1024> buf;
  int len = std::snprintf(buf.data(), buf.size(), "%.800e", x);
  return parseScientific(std::string_view(buf.data(), size_t(len)));
}

// The first `count` significant digits of x's exact value, truncated (x
// finite and > 0): enough for roundSignificant(_, count - 1). printf rounds
// in the current rounding mode, so toward zero it prints exact truncated
// digits; the mode is per thread. toFixed(2) of a price prints ~24 digits
// instead of all 767.
Decimal exactDecimalPrefix(double x, int count) {
  std::array<char, 1024> buf;
  const int saved = std::fegetround();
  std::fesetround(FE_TOWARDZERO);
  int len = std::snprintf(buf.data(), buf.size(), "%.*e", std::min(count, 800) - 1, x);
  std::fesetround(saved);
  return parseScientific(std::string_view(buf.data(), size_t(len)));
}

// `count` (>= 1) significant digits of `exact`, rounding half away from zero
// ("if there are two such n, pick the larger n").
Decimal roundSignificant(const Decimal& exact, int count) {
  Decimal r;
  r.exponent = exact.exponent;
  r.digits = exact.digits.substr(0, size_t(count));
  r.digits.resize(size_t(count), '0');
  if (exact.digits.size() > size_t(count) && exact.digits[size_t(count)] >= '5') {
    int i = count - 1;
    while (i >= 0 && r.digits[size_t(i)] == '9') r.digits[size_t(i--)] = '0';
    if (i >= 0) {
      ++r.digits[size_t(i)];
    } else {
      r.digits.insert(r.digits.begin(), '1');
      r.digits.pop_back();
      ++r.exponent;
    }
  }
  return r;
}

std::string exponentSuffix(int e) {
  std::string s = e < 0 ? "e-" : "e+";
  s += std::to_string(e < 0 ? -e : e);
  return s;
}

template <typename Char>
bool isStrWhiteSpaceChar(Char c) {
  auto u = char32_t(std::make_unsigned_t<Char>(c));
  return unicode::isWhiteSpace(u) || unicode::isLineTerminator(u);
}

// The code units in [b, e) as ASCII; false if any is not ASCII.
template <typename Char>
bool toAscii(std::basic_string_view<Char> s, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (Char c : s) {
    auto u = std::make_unsigned_t<Char>(c);
    if (u >= 0x80) return false;
    out->push_back(char(u));
  }
  return true;
}

int digitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses the longest StrDecimalLiteral prefix of s (no leading white space).
// *consumed is 0 when there is none (and the result NaN).
double parseDecimalPrefix(std::string_view s, size_t* consumed) {
  *consumed = 0;
  size_t i = 0, n = s.size();
  bool negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (s.substr(i).starts_with("Infinity")) {
    *consumed = i + 8;
    return negative ? -kInfinity : kInfinity;
  }
  size_t intBegin = i;
  while (i < n && isDigit(s[i])) ++i;
  size_t intEnd = i, fracBegin = i, fracEnd = i;
  if (i < n && s[i] == '.') {
    size_t j = i + 1;
    while (j < n && isDigit(s[j])) ++j;
    fracBegin = i + 1;
    fracEnd = j;
    if (intEnd > intBegin || fracEnd > fracBegin) i = j;
  }
  if (intEnd == intBegin && fracEnd == fracBegin) return kNaN;
  int64_t exp10 = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    bool expNegative = false;
    if (j < n && (s[j] == '+' || s[j] == '-')) expNegative = s[j++] == '-';
    size_t expBegin = j;
    int64_t e = 0;
    for (; j < n && isDigit(s[j]); ++j) {
      if (e < 1'000'000'000) e = e * 10 + (s[j] - '0');  // saturates: beyond it the result is 0 or inf anyway
    }
    if (j > expBegin) {
      exp10 = expNegative ? -e : e;
      i = j;
    }
  }
  *consumed = i;
  // Significant digits without leading/trailing zeros, and their scale.
  std::string digits;
  digits.reserve(fracEnd - intBegin);
  digits.append(s.substr(intBegin, intEnd - intBegin));
  digits.append(s.substr(fracBegin, fracEnd - fracBegin));
  exp10 -= int64_t(fracEnd - fracBegin);
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return negative ? -0.0 : 0.0;
  size_t last = digits.find_last_not_of('0');
  exp10 += int64_t(digits.size() - 1 - last);
  digits = digits.substr(first, last + 1 - first);
  // value = digits x 10^exp10; its decimal magnitude is digits.size() + exp10.
  int64_t magnitude = int64_t(digits.size()) + exp10;
  double value;
  if (magnitude > 310) {
    value = kInfinity;
  } else if (magnitude < -330) {
    value = 0;
  } else {
    digits += 'e';
    digits += std::to_string(exp10);
    auto res = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (res.ec == std::errc::result_out_of_range) value = magnitude > 0 ? kInfinity : 0.0;
  }
  return negative ? -value : value;
}

template <typename Char>
double stringToNumberImpl(std::basic_string_view<Char> s) {
  size_t b = 0, e = s.size();
  while (b < e && isStrWhiteSpaceChar(s[b])) ++b;
  while (e > b && isStrWhiteSpaceChar(s[e - 1])) --e;
  if (b == e) return 0;
  std::string ascii;
  if (!toAscii(s.substr(b, e - b), &ascii)) return kNaN;
  std::string_view t = ascii;
  if (t.size() > 2 && t[0] == '0') {
    int radix = 0;
    switch (t[1]) {
      case 'x': case 'X': radix = 16; break;
      case 'o': case 'O': radix = 8; break;
      case 'b': case 'B': radix = 2; break;
    }
    if (radix) {
      std::string_view digits = t.substr(2);
      for (char c : digits) {
        if (digitValue(c) >= radix) return kNaN;
      }
      return digitsToDouble(digits, radix);
    }
  }
  size_t consumed;
  double v = parseDecimalPrefix(t, &consumed);
  return consumed == t.size() ? v : kNaN;
}

template <typename Char>
double parseFloatImpl(std::basic_string_view<Char> s) {
  size_t b = 0;
  while (b < s.size() && isStrWhiteSpaceChar(s[b])) ++b;
  // Only an ASCII prefix can be part of the literal.
  size_t e = b;
  while (e < s.size() && std::make_unsigned_t<Char>(s[e]) < 0x80) ++e;
  std::string ascii;
  toAscii(s.substr(b, e - b), &ascii);
  size_t consumed;
  return parseDecimalPrefix(ascii, &consumed);
}

template <typename Char>
double parseIntImpl(std::basic_string_view<Char> s, int radix) {
  size_t i = 0;
  while (i < s.size() && isStrWhiteSpaceChar(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  bool stripPrefix = true;
  if (radix != 0) {
    if (radix < 2 || radix > 36) return kNaN;
    if (radix != 16) stripPrefix = false;
  } else {
    radix = 10;
  }
  if (stripPrefix && i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    i += 2;
    radix = 16;
  }
  std::string digits;
  for (; i < s.size(); ++i) {
    auto u = std::make_unsigned_t<Char>(s[i]);
    if (u >= 0x80 || digitValue(char(u)) >= radix) break;
    digits.push_back(char(u));
  }
  if (digits.empty()) return kNaN;
  double v = digitsToDouble(digits, radix);
  return negative ? -v : v;
}

template <typename Char>
bool isArrayIndexImpl(std::basic_string_view<Char> s, uint32_t* index) {
  if (s.empty() || s.size() > 10) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  uint64_t v = 0;
  for (Char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint64_t(c - '0');
  }
  if (v > 4294967294u) return false;
  if (index) *index = uint32_t(v);
  return true;
}

template <typename Char>
bool isCanonicalNumericImpl(std::basic_string_view<Char> s) {
  if (s.empty()) return false;
  auto c0 = s[0];
  if (!(c0 == '-' || c0 == 'I' || c0 == 'N' || (c0 >= '0' && c0 <= '9'))) return false;
  if (s.size() == 2 && s[0] == '-' && s[1] == '0') return true;
  std::string str = numberToString(stringToNumberImpl(s));
  if (str.size() != s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::make_unsigned_t<Char>(s[i]) != static_cast<unsigned char>(str[i])) return false;
  }
  return true;
}

// Truncated x modulo 2^32 (x finite).
uint32_t wrap32(double x) {
  if (x >= -2147483648.0 && x < 4294967296.0) return uint32_t(int64_t(x));
  double m = std::fmod(std::trunc(x), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return uint32_t(m);
}

}  // namespace

// ---- Number -> string ----------------------------------------------------------

std::string numberToString(double x) {
  if (std::isnan(x)) return "NaN";
  if (x == 0) return "0";
  if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
  if (x < 0) return "-" + numberToString(-x);
  if (x < 9007199254740992.0 && x == std::trunc(x)) return std::to_string(uint64_t(x));
  Decimal d = shortestDecimal(x);
  const int k = int(d.digits.size());
  const int n = d.exponent + 1;  // x = 0.digits x 10^n
  std::string out;
  if (k <= n && n <= 21) {
    out = d.digits;
    out.append(size_t(n - k), '0');
  } else if (0 < n && n <= 21) {
    out = d.digits.substr(0, size_t(n)) + "." + d.digits.substr(size_t(n));
  } else if (-6 < n && n <= 0) {
    out = "0.";
    out.append(size_t(-n), '0');
    out += d.digits;
  } else {
    out = d.digits.substr(0, 1);
    if (k > 1) out += "." + d.digits.substr(1);
    out += exponentSuffix(n - 1);
  }
  return out;
}

std::string numberToStringRadix(double x, int radix) {
  if (radix == 10) return numberToString(x);
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x < 0 ? "-Infinity" : "Infinity";
  if (x == 0) return "0";
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  bool negative = x < 0;
  x = std::fabs(x);
  double integer = std::floor(x);
  double fraction = x - integer;
  // Half the gap to the next double: fractional digits stop once the
  // remaining uncertainty exceeds what is left to print.
  double delta = std::max(0.5 * (std::nextafter(x, kInfinity) - x), std::nextafter(0.0, 1.0));
  std::string frac;
  if (fraction >= delta) {
    do {
      fraction *= radix;
      delta *= radix;
      int digit = int(fraction);
      frac.push_back(char(digit));
      fraction -= digit;
      // Round half to even on the last digit, carrying into earlier ones.
      if ((fraction > 0.5 || (fraction == 0.5 && (digit & 1))) && fraction + delta > 1) {
        while (!frac.empty() && frac.back() + 1 == radix) frac.pop_back();
        if (frac.empty()) {
          integer += 1;
        } else {
          ++frac.back();
        }
        break;
      }
    } while (fraction >= delta);
  }
  // Integer digits, least significant first. Past 2^53 the low digits are
  // not represented in the double; they print as zeros.
  std::string out;
  while (integer / radix >= 9007199254740992.0) {
    integer /= radix;
    out.push_back('0');
  }
  do {
    double rem = std::fmod(integer, double(radix));
    out.push_back(kDigits[int(rem)]);
    integer = (integer - rem) / radix;
  } while (integer > 0);
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  if (!frac.empty()) {
    out.push_back('.');
    for (char d : frac) out.push_back(kDigits[int(d)]);
  }
  return out;
}

// Number.prototype.toFixed steps 6-12 (§21.1.3.3).
std::string numberToFixed(double x, int f) {
  if (std::isnan(x)) return "NaN";
  if (std::fabs(x) >= 1e21) return numberToString(x);
  std::string sign = x < 0 ? "-" : "";
  x = std::fabs(x);
  // n: the integer nearest x * 10^f, as decimal digits.
  std::string n = "0";
  if (x != 0) {
    // x < 1e21: n has at most 21 + f digits, and one more decides its rounding.
    Decimal exact = exactDecimalPrefix(x, f + 23);
    int count = exact.exponent + 1 + f;  // digits of exact that belong to n
    if (count == 0) {
      n = exact.digits[0] >= '5' ? "1" : "0";
    } else if (count > 0) {
      Decimal r = roundSignificant(exact, count);
      n = r.digits;
      n.append(size_t(r.exponent + 1 + f - count), '0');
    }
  }
  if (f == 0) return sign + n;
  size_t k = n.size();
  if (k <= size_t(f)) {
    n.insert(0, size_t(f) + 1 - k, '0');
    k = size_t(f) + 1;
  }
  return sign + n.substr(0, k - size_t(f)) + "." + n.substr(k - size_t(f));
}

// Number.prototype.toExponential steps 4-15 (§21.1.3.2).
std::string numberToExponential(double x, std::optional<int> fractionDigits) {
  if (!std::isfinite(x)) return numberToString(x);
  std::string sign = x < 0 ? "-" : "";
  x = std::fabs(x);
  Decimal d;
  if (x == 0) {
    d.digits.assign(size_t(fractionDigits.value_or(0) + 1), '0');
  } else if (!fractionDigits) {
    d = shortestDecimal(x);
  } else {
    d = roundSignificant(exactDecimalPrefix(x, *fractionDigits + 2), *fractionDigits + 1);
  }
  std::string m = d.digits.substr(0, 1);
  if (d.digits.size() > 1) m += "." + d.digits.substr(1);
  return sign + m + exponentSuffix(d.exponent);
}

// Number.prototype.toPrecision steps 4-12 (§21.1.3.5).
std::string numberToPrecision(double x, int p) {
  if (!std::isfinite(x)) return numberToString(x);
  std::string sign = x < 0 ? "-" : "";
  x = std::fabs(x);
  Decimal d;
  if (x == 0) {
    d.digits.assign(size_t(p), '0');
  } else {
    d = roundSignificant(exactDecimalPrefix(x, p + 1), p);
  }
  const int e = d.exponent;
  const std::string& m = d.digits;
  if (e < -6 || e >= p) {
    std::string out = m.substr(0, 1);
    if (p != 1) out += "." + m.substr(1);
    return sign + out + exponentSuffix(e);
  }
  if (e == p - 1) return sign + m;
  if (e >= 0) return sign + m.substr(0, size_t(e) + 1) + "." + m.substr(size_t(e) + 1);
  return sign + "0." + std::string(size_t(-(e + 1)), '0') + m;
}

// ---- string -> Number ----------------------------------------------------------

double digitsToDouble(std::string_view digits, int radix) {
  size_t first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return 0;
  digits.remove_prefix(first);
  if (radix == 10) {
    size_t consumed;
    return parseDecimalPrefix(digits, &consumed);
  }
  // More than 1024 bits is infinite whatever the digits; this also bounds
  // the BigInt work below.
  if (double(digits.size() - 1) * std::log2(double(radix)) >= 1025) return kInfinity;
  auto v = bigint::fromDigits(digits, radix);
  return v ? bigint::toDouble(*v) : kNaN;
}

double stringToNumber(std::u16string_view s) { return stringToNumberImpl(s); }
double stringToNumber(std::string_view s) { return stringToNumberImpl(s); }
double parseFloatPrefix(std::u16string_view s) { return parseFloatImpl(s); }
double parseFloatPrefix(std::string_view s) { return parseFloatImpl(s); }
double parseIntString(std::u16string_view s, int radix) { return parseIntImpl(s, radix); }
double parseIntString(std::string_view s, int radix) { return parseIntImpl(s, radix); }
bool isArrayIndexString(std::u16string_view s, uint32_t* index) { return isArrayIndexImpl(s, index); }
bool isArrayIndexString(std::string_view s, uint32_t* index) { return isArrayIndexImpl(s, index); }
bool isCanonicalNumericString(std::u16string_view s) { return isCanonicalNumericImpl(s); }
bool isCanonicalNumericString(std::string_view s) { return isCanonicalNumericImpl(s); }

// ---- ToInt32 family ------------------------------------------------------------------

double toIntegerOrInfinity(double x) {
  if (std::isnan(x)) return 0;
  return std::trunc(x) + 0.0;  // + 0.0 turns -0 into +0
}

int32_t toInt32(double x) {
  if (!std::isfinite(x)) return 0;
  return int32_t(wrap32(x));
}

uint32_t toUint32(double x) {
  if (!std::isfinite(x)) return 0;
  return wrap32(x);
}

int16_t toInt16(double x) { return int16_t(uint16_t(toUint32(x))); }
uint16_t toUint16(double x) { return uint16_t(toUint32(x)); }
int8_t toInt8(double x) { return int8_t(uint8_t(toUint32(x))); }
uint8_t toUint8(double x) { return uint8_t(toUint32(x)); }

uint8_t toUint8Clamp(double x) {
  if (std::isnan(x) || x <= 0) return 0;
  if (x >= 255) return 255;
  // Round half to even, independent of the floating-point rounding mode.
  double f = std::floor(x);
  double diff = x - f;
  if (diff > 0.5 || (diff == 0.5 && std::fmod(f, 2.0) != 0)) f += 1;
  return uint8_t(f);
}

}  // namespace kiln
