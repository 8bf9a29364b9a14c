// BigInt arithmetic on sign + magnitude (little-endian 32-bit limbs).
//
// The magnitude routines (the `mag*` helpers) work on spans of limbs and
// return normalized vectors; the public functions add signs on top. Limbs are
// 32 bits so every intermediate product fits in uint64_t without compiler
// extensions.
#include "engine/bigint_math.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>

#include "engine/unicode.h"

namespace kiln::bigint {

namespace {

using Limbs = std::vector<uint32_t>;
using Span = std::span<const uint32_t>;

// Below this many limbs in the shorter operand, schoolbook multiplication
// beats Karatsuba's extra additions.
constexpr size_t kKaratsubaThreshold = 40;

void normalize(Limbs& v) {
  while (!v.empty() && v.back() == 0) v.pop_back();
}

Span trim(Span s) {
  size_t n = s.size();
  while (n > 0 && s[n - 1] == 0) --n;
  return s.first(n);
}

BigIntValue make(bool negative, Limbs limbs) {
  normalize(limbs);
  BigIntValue r;
  r.negative = negative && !limbs.empty();
  r.limbs = std::move(limbs);
  return r;
}

uint64_t magBitLength(Span a) {
  if (a.empty()) return 0;
  return uint64_t(a.size()) * 32 - uint64_t(std::countl_zero(a.back()));
}

int magCompare(Span a, Span b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

Limbs magAdd(Span a, Span b) {
  if (a.size() < b.size()) std::swap(a, b);
  Limbs r(a.size() + 1);
  uint64_t carry = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t s = uint64_t(a[i]) + (i < b.size() ? b[i] : 0) + carry;
    r[i] = uint32_t(s);
    carry = s >> 32;
  }
  r[a.size()] = uint32_t(carry);
  normalize(r);
  return r;
}

// a - b with |a| >= |b|.
Limbs magSub(Span a, Span b) {
  assert(magCompare(a, b) >= 0);
  Limbs r(a.size());
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t d = int64_t(a[i]) - (i < b.size() ? int64_t(b[i]) : 0) - borrow;
    borrow = d < 0;
    r[i] = uint32_t(d);
  }
  normalize(r);
  return r;
}

// acc[offset..] += b, growing acc as needed.
void addInto(Limbs& acc, Span b, size_t offset) {
  if (acc.size() < offset + b.size() + 1) acc.resize(offset + b.size() + 1, 0);
  uint64_t carry = 0;
  size_t i = 0;
  for (; i < b.size(); ++i) {
    uint64_t s = uint64_t(acc[offset + i]) + b[i] + carry;
    acc[offset + i] = uint32_t(s);
    carry = s >> 32;
  }
  for (size_t k = offset + i; carry; ++k) {
    if (k == acc.size()) acc.push_back(0);
    uint64_t s = uint64_t(acc[k]) + carry;
    acc[k] = uint32_t(s);
    carry = s >> 32;
  }
}

// acc -= b where acc >= b (acc is not normalized afterwards).
void subInto(Limbs& acc, Span b) {
  int64_t borrow = 0;
  for (size_t i = 0; i < acc.size() && (i < b.size() || borrow); ++i) {
    int64_t d = int64_t(acc[i]) - (i < b.size() ? int64_t(b[i]) : 0) - borrow;
    borrow = d < 0;
    acc[i] = uint32_t(d);
  }
  assert(!borrow);
}

Limbs magMulSchoolbook(Span a, Span b) {
  Limbs r(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    uint64_t ai = a[i];
    if (ai == 0) continue;
    for (size_t j = 0; j < b.size(); ++j) {
      uint64_t t = ai * b[j] + r[i + j] + carry;
      r[i + j] = uint32_t(t);
      carry = t >> 32;
    }
    r[i + b.size()] = uint32_t(carry);
  }
  normalize(r);
  return r;
}

Limbs magMul(Span a, Span b) {
  a = trim(a);
  b = trim(b);
  if (a.empty() || b.empty()) return {};
  if (a.size() < b.size()) std::swap(a, b);
  if (b.size() < kKaratsubaThreshold) return magMulSchoolbook(a, b);
  if (a.size() >= 2 * b.size()) {
    // Unbalanced: multiply b by b-sized slices of a.
    Limbs r;
    for (size_t off = 0; off < a.size(); off += b.size()) {
      Span slice = a.subspan(off, std::min(b.size(), a.size() - off));
      Limbs p = magMul(slice, b);
      addInto(r, p, off);
    }
    normalize(r);
    return r;
  }
  // Karatsuba: a = a1 B^m + a0, b = b1 B^m + b0 with m < b.size().
  size_t m = a.size() / 2;
  Span a0 = trim(a.first(m)), a1 = a.subspan(m);
  Span b0 = trim(b.first(m)), b1 = b.subspan(m);
  Limbs z0 = magMul(a0, b0);
  Limbs z2 = magMul(a1, b1);
  Limbs sa = magAdd(a0, a1), sb = magAdd(b0, b1);
  Limbs z1 = magMul(sa, sb);
  subInto(z1, z0);
  subInto(z1, z2);
  normalize(z1);
  Limbs r = z0;
  addInto(r, z1, m);
  addInto(r, z2, 2 * m);
  normalize(r);
  return r;
}

// Short division by one limb; returns the remainder.
uint32_t magDivSmall(Span a, uint32_t d, Limbs* q) {
  if (q) q->assign(a.size(), 0);
  uint64_t rem = 0;
  for (size_t i = a.size(); i-- > 0;) {
    uint64_t cur = (rem << 32) | a[i];
    if (q) (*q)[i] = uint32_t(cur / d);
    rem = cur % d;
  }
  if (q) normalize(*q);
  return uint32_t(rem);
}

// Knuth, TAOCP vol. 2, §4.3.1, Algorithm D. b must be non-zero.
void magDivMod(Span a, Span b, Limbs* q, Limbs* r) {
  assert(!b.empty());
  if (magCompare(a, b) < 0) {
    if (q) q->clear();
    if (r) r->assign(a.begin(), a.end());
    return;
  }
  if (b.size() == 1) {
    uint32_t rem = magDivSmall(a, b[0], q);
    if (r) {
      r->clear();
      if (rem) r->push_back(rem);
    }
    return;
  }
  const size_t n = b.size(), m = a.size() - b.size();
  const int s = std::countl_zero(b.back());
  // D1: normalize so the divisor's top limb has its high bit set.
  Limbs vn(n), un(a.size() + 1);
  for (size_t i = n; i-- > 0;) {
    vn[i] = (b[i] << s) | (s && i > 0 ? b[i - 1] >> (32 - s) : 0);
  }
  un[a.size()] = s ? a.back() >> (32 - s) : 0;
  for (size_t i = a.size(); i-- > 0;) {
    un[i] = (a[i] << s) | (s && i > 0 ? a[i - 1] >> (32 - s) : 0);
  }
  if (q) q->assign(m + 1, 0);
  const uint64_t vTop = vn[n - 1], vNext = vn[n - 2];
  for (size_t j = m + 1; j-- > 0;) {
    // D3: estimate the quotient digit from the top two limbs.
    uint64_t num = (uint64_t(un[j + n]) << 32) | un[j + n - 1];
    uint64_t qhat = num / vTop, rhat = num % vTop;
    while (qhat > 0xFFFFFFFFull || qhat * vNext > ((rhat << 32) | un[j + n - 2])) {
      --qhat;
      rhat += vTop;
      if (rhat > 0xFFFFFFFFull) break;
    }
    // D4: multiply and subtract.
    uint64_t carry = 0;
    int64_t borrow = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t p = qhat * vn[i] + carry;
      carry = p >> 32;
      int64_t t = int64_t(un[i + j]) - int64_t(p & 0xFFFFFFFFu) - borrow;
      un[i + j] = uint32_t(t);
      borrow = t < 0;
    }
    int64_t t = int64_t(un[j + n]) - int64_t(carry) - borrow;
    un[j + n] = uint32_t(t);
    // D5/D6: the estimate was one too large (rare); add the divisor back.
    if (t < 0) {
      --qhat;
      uint64_t c = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t sum = uint64_t(un[i + j]) + vn[i] + c;
        un[i + j] = uint32_t(sum);
        c = sum >> 32;
      }
      un[j + n] += uint32_t(c);
    }
    if (q) (*q)[j] = uint32_t(qhat);
  }
  if (q) normalize(*q);
  if (r) {
    // D8: unnormalize the remainder.
    r->assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      (*r)[i] = (un[i] >> s) | (s && i + 1 < un.size() ? uint32_t(uint64_t(un[i + 1]) << (32 - s)) : 0);
    }
    normalize(*r);
  }
}

Limbs magShiftLeft(Span a, uint64_t bits) {
  if (a.empty()) return {};
  size_t limbShift = size_t(bits / 32);
  int s = int(bits % 32);
  Limbs r(a.size() + limbShift + 1, 0);
  for (size_t i = 0; i < a.size(); ++i) {
    r[i + limbShift] |= a[i] << s;
    if (s) r[i + limbShift + 1] |= a[i] >> (32 - s);
  }
  normalize(r);
  return r;
}

Limbs magShiftRight(Span a, uint64_t bits) {
  if (bits >= uint64_t(a.size()) * 32) return {};
  size_t limbShift = size_t(bits / 32);
  int s = int(bits % 32);
  Limbs r(a.size() - limbShift, 0);
  for (size_t i = 0; i < r.size(); ++i) {
    uint32_t lo = a[i + limbShift] >> s;
    uint32_t hi = (s && i + limbShift + 1 < a.size()) ? a[i + limbShift + 1] << (32 - s) : 0;
    r[i] = lo | hi;
  }
  normalize(r);
  return r;
}

// True if any of the lowest `bits` bits of a is set.
bool magAnyLowBits(Span a, uint64_t bits) {
  size_t full = size_t(std::min<uint64_t>(bits / 32, a.size()));
  for (size_t i = 0; i < full; ++i) {
    if (a[i]) return true;
  }
  if (full < a.size() && bits % 32) return (a[full] & ((1u << (bits % 32)) - 1)) != 0;
  return false;
}

const Limbs kOne = {1};

// The magnitude as `width` limbs of two's complement (sign-extended).
Limbs toTwos(BigIntView a, size_t width) {
  Limbs w(width, 0);
  std::copy(a.limbs.begin(), a.limbs.end(), w.begin());
  if (a.negative) {
    uint64_t carry = 1;
    for (auto& x : w) {
      uint64_t s = uint64_t(uint32_t(~x)) + carry;
      x = uint32_t(s);
      carry = s >> 32;
    }
  }
  return w;
}

BigIntValue fromTwos(Limbs w) {
  bool negative = !w.empty() && (w.back() >> 31);
  if (negative) {
    uint64_t carry = 1;
    for (auto& x : w) {
      uint64_t s = uint64_t(uint32_t(~x)) + carry;
      x = uint32_t(s);
      carry = s >> 32;
    }
  }
  return make(negative, std::move(w));
}

Result tooBig() { return {{}, Error::TooBig}; }

int digitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

}  // namespace

// ---- construction and conversion ---------------------------------------------

BigIntValue fromUint64(uint64_t v) {
  return make(false, {uint32_t(v), uint32_t(v >> 32)});
}

BigIntValue fromInt64(int64_t v) {
  uint64_t mag = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  BigIntValue r = fromUint64(mag);
  r.negative = v < 0;
  return r;
}

BigIntValue fromDouble(double d) {
  assert(std::isfinite(d) && std::trunc(d) == d);
  if (d == 0) return {};
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  bool negative = bits >> 63;
  int biased = int((bits >> 52) & 0x7FF);
  uint64_t mantissa = bits & ((uint64_t(1) << 52) - 1);
  int exponent;
  if (biased == 0) {
    exponent = -1074;  // subnormals are never integral, but stay well-defined
  } else {
    mantissa |= uint64_t(1) << 52;
    exponent = biased - 1075;
  }
  Limbs m = {uint32_t(mantissa), uint32_t(mantissa >> 32)};
  normalize(m);
  Limbs r = exponent >= 0 ? magShiftLeft(m, uint64_t(exponent)) : magShiftRight(m, uint64_t(-exponent));
  return make(negative, std::move(r));
}

uint64_t bitLength(BigIntView a) { return magBitLength(a.limbs); }

double toDouble(BigIntView a) {
  uint64_t len = magBitLength(a.limbs);
  if (len == 0) return 0;
  double sign = a.negative ? -1.0 : 1.0;
  if (len <= 64) {
    uint64_t v = a.limbs[0] | (a.limbs.size() > 1 ? uint64_t(a.limbs[1]) << 32 : 0);
    if (len <= 53) return sign * double(v);
  }
  if (len > 1024) return sign * HUGE_VAL;
  // The top 64 bits, left-aligned, plus a sticky bit for everything below.
  uint64_t top = 0;
  uint64_t shift = len - 64;  // >= 0 when len >= 64
  if (len < 64) {
    top = (a.limbs[0] | (a.limbs.size() > 1 ? uint64_t(a.limbs[1]) << 32 : 0)) << (64 - len);
    shift = 0;
  } else {
    Limbs hi = magShiftRight(a.limbs, shift);
    top = hi[0] | (hi.size() > 1 ? uint64_t(hi[1]) << 32 : 0);
  }
  bool sticky = len > 64 && magAnyLowBits(a.limbs, shift);
  // Round the 64-bit window to 53 bits, half to even.
  uint64_t mant = top >> 11;
  uint64_t rest = top & 0x7FF;
  if (rest > 0x400 || (rest == 0x400 && (sticky || (mant & 1)))) ++mant;
  // mant may now be 2^53, which ldexp handles; overflow gives infinity.
  return sign * std::ldexp(double(mant), int(len) - 53);
}

uint64_t toUint64(BigIntView a) {
  Limbs w = toTwos(a, std::max<size_t>(a.limbs.size(), 2));
  return w[0] | (uint64_t(w[1]) << 32);
}

int64_t toInt64(BigIntView a) { return int64_t(toUint64(a)); }

std::string toString(BigIntView a, int radix) {
  assert(radix >= 2 && radix <= 36);
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (a.isZero()) return "0";
  std::string out;  // least significant digit first, reversed at the end
  if (std::has_single_bit(unsigned(radix))) {
    int bitsPerDigit = std::countr_zero(unsigned(radix));
    uint64_t len = magBitLength(a.limbs);
    out.reserve(size_t(len / bitsPerDigit + 2));
    for (uint64_t pos = 0; pos < len; pos += bitsPerDigit) {
      size_t limb = size_t(pos / 32);
      int off = int(pos % 32);
      uint64_t window = a.limbs[limb] >> off;
      if (off + bitsPerDigit > 32 && limb + 1 < a.limbs.size()) window |= uint64_t(a.limbs[limb + 1]) << (32 - off);
      out.push_back(kDigits[window & (radix - 1)]);
    }
  } else {
    // Peel off chunks of k digits, radix^k being the largest power in a limb.
    uint32_t chunk = uint32_t(radix);
    int k = 1;
    while (uint64_t(chunk) * radix <= 0xFFFFFFFFull) {
      chunk *= radix;
      ++k;
    }
    Limbs cur(a.limbs.begin(), a.limbs.end());
    Limbs next;
    while (!cur.empty()) {
      uint32_t rem = magDivSmall(cur, chunk, &next);
      cur.swap(next);
      for (int i = 0; i < k; ++i) {
        if (cur.empty() && rem == 0) break;  // no zero padding in the top chunk
        out.push_back(kDigits[rem % radix]);
        rem /= radix;
      }
    }
  }
  while (out.size() > 1 && out.back() == '0') out.pop_back();
  if (a.negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

std::optional<BigIntValue> fromDigits(std::string_view digits, int radix) {
  assert(radix >= 2 && radix <= 36);
  size_t count = 0;
  for (char c : digits) {
    if (c == '_') continue;
    if (digitValue(c) >= radix) return std::nullopt;
    ++count;
  }
  if (count == 0) return std::nullopt;
  // Skip leading zeros before estimating the size.
  size_t start = 0;
  while (start < digits.size() && (digits[start] == '0' || digits[start] == '_')) ++start;
  digits.remove_prefix(start);
  double bitsPerDigit = std::log2(double(radix));
  size_t significant = size_t(std::count_if(digits.begin(), digits.end(), [](char c) { return c != '_'; }));
  if (significant > 0 && double(significant - 1) * bitsPerDigit > double(kMaxBits)) return std::nullopt;
  Limbs mag;
  if (std::has_single_bit(unsigned(radix))) {
    int bits = std::countr_zero(unsigned(radix));
    mag.assign(size_t((uint64_t(significant) * bits + 31) / 32), 0);
    uint64_t pos = 0;
    for (size_t i = digits.size(); i-- > 0;) {
      if (digits[i] == '_') continue;
      uint64_t v = uint64_t(digitValue(digits[i]));
      size_t limb = size_t(pos / 32);
      int off = int(pos % 32);
      mag[limb] |= uint32_t(v << off);
      if (off + bits > 32) mag[limb + 1] |= uint32_t(v >> (32 - off));
      pos += bits;
    }
  } else {
    // mag = mag * radix^k + chunk, k digits at a time.
    uint32_t chunkValue = 0, chunkScale = 1;
    auto flush = [&] {
      uint64_t carry = chunkValue;
      for (auto& limb : mag) {
        uint64_t t = uint64_t(limb) * chunkScale + carry;
        limb = uint32_t(t);
        carry = t >> 32;
      }
      if (carry) mag.push_back(uint32_t(carry));
      chunkValue = 0;
      chunkScale = 1;
    };
    for (char c : digits) {
      if (c == '_') continue;
      if (uint64_t(chunkScale) * radix > 0xFFFFFFFFull) flush();
      chunkValue = chunkValue * radix + uint32_t(digitValue(c));
      chunkScale *= radix;
    }
    flush();
  }
  normalize(mag);
  if (magBitLength(mag) > kMaxBits) return std::nullopt;
  return make(false, std::move(mag));
}

namespace {

template <typename Char>
std::optional<BigIntValue> stringToBigIntImpl(std::basic_string_view<Char> s) {
  using unicode::isLineTerminator;
  using unicode::isWhiteSpace;
  size_t b = 0, e = s.size();
  while (b < e && (isWhiteSpace(char32_t(s[b])) || isLineTerminator(char32_t(s[b])))) ++b;
  while (e > b && (isWhiteSpace(char32_t(s[e - 1])) || isLineTerminator(char32_t(s[e - 1])))) --e;
  if (b == e) return BigIntValue{};
  std::string ascii;
  ascii.reserve(e - b);
  for (size_t i = b; i < e; ++i) {
    auto c = std::make_unsigned_t<Char>(s[i]);
    if (c >= 0x80 || c == '_') return std::nullopt;  // no separators in StringIntegerLiteral
    ascii.push_back(char(c));
  }
  std::string_view t = ascii;
  if (t.size() > 2 && t[0] == '0') {
    int radix = 0;
    switch (t[1]) {
      case 'x': case 'X': radix = 16; break;
      case 'o': case 'O': radix = 8; break;
      case 'b': case 'B': radix = 2; break;
    }
    if (radix) return fromDigits(t.substr(2), radix);
  }
  bool negative = false;
  if (t[0] == '+' || t[0] == '-') {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  for (char c : t) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto v = fromDigits(t, 10);
  if (v && negative) *v = negate(*v);
  return v;
}

}  // namespace

std::optional<BigIntValue> stringToBigInt(std::u16string_view s) { return stringToBigIntImpl(s); }
std::optional<BigIntValue> stringToBigInt(std::string_view latin1) { return stringToBigIntImpl(latin1); }

// ---- comparison ---------------------------------------------------------------

int compare(BigIntView a, BigIntView b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int c = magCompare(a.limbs, b.limbs);
  return a.negative ? -c : c;
}

bool equals(BigIntView a, BigIntView b) {
  return a.negative == b.negative && magCompare(a.limbs, b.limbs) == 0;
}

Order compareToDouble(BigIntView a, double d) {
  if (std::isnan(d)) return Order::Unordered;
  if (std::isinf(d)) return d > 0 ? Order::Less : Order::Greater;
  bool dNegative = d < 0;
  if (a.isZero() || d == 0) {
    if (a.isZero() && d == 0) return Order::Equal;
    if (a.isZero()) return dNegative ? Order::Greater : Order::Less;
    return a.negative ? Order::Less : Order::Greater;
  }
  if (a.negative != dNegative) return a.negative ? Order::Less : Order::Greater;
  // Same sign: compare magnitudes, then flip for negatives.
  double mag = std::fabs(d);
  double whole = std::floor(mag);
  int c;
  // A quick size check avoids building huge BigInts for small doubles.
  uint64_t aBits = magBitLength(a.limbs);
  int dExp;
  std::frexp(mag, &dExp);  // mag in [2^(dExp-1), 2^dExp)
  if (dExp <= 0) {
    c = 1;  // |a| >= 1 > |d|
  } else if (aBits != uint64_t(dExp)) {
    c = aBits < uint64_t(dExp) ? -1 : 1;
  } else {
    BigIntValue w = fromDouble(whole);
    c = magCompare(a.limbs, w.limbs);
    if (c == 0 && whole != mag) c = -1;  // |a| == floor(|d|) < |d|
  }
  if (a.negative) c = -c;
  return c < 0 ? Order::Less : c > 0 ? Order::Greater : Order::Equal;
}

// ---- arithmetic -----------------------------------------------------------------

BigIntValue negate(BigIntView a) {
  return make(!a.negative, Limbs(a.limbs.begin(), a.limbs.end()));
}

Result add(BigIntView a, BigIntView b) {
  BigIntValue r;
  if (a.negative == b.negative) {
    r = make(a.negative, magAdd(a.limbs, b.limbs));
  } else if (magCompare(a.limbs, b.limbs) >= 0) {
    r = make(a.negative, magSub(a.limbs, b.limbs));
  } else {
    r = make(b.negative, magSub(b.limbs, a.limbs));
  }
  if (magBitLength(r.limbs) > kMaxBits) return tooBig();
  return {std::move(r)};
}

Result subtract(BigIntView a, BigIntView b) {
  return add(a, BigIntView{!b.negative && !b.isZero(), b.limbs});
}

Result multiply(BigIntView a, BigIntView b) {
  if (a.isZero() || b.isZero()) return {};
  if (magBitLength(a.limbs) + magBitLength(b.limbs) - 1 > kMaxBits) return tooBig();
  return {make(a.negative != b.negative, magMul(a.limbs, b.limbs))};
}

Error divMod(BigIntView a, BigIntView b, BigIntValue* quotient, BigIntValue* rem) {
  if (b.isZero()) {
    if (quotient) *quotient = {};
    if (rem) *rem = {};
    return Error::DivisionByZero;
  }
  Limbs q, r;
  magDivMod(a.limbs, b.limbs, quotient ? &q : nullptr, rem ? &r : nullptr);
  if (quotient) *quotient = make(a.negative != b.negative, std::move(q));
  if (rem) *rem = make(a.negative, std::move(r));
  return Error::None;
}

Result divide(BigIntView a, BigIntView b) {
  Result r;
  r.error = divMod(a, b, &r.value, nullptr);
  return r;
}

Result remainder(BigIntView a, BigIntView b) {
  Result r;
  r.error = divMod(a, b, nullptr, &r.value);
  return r;
}

Result pow(BigIntView base, uint64_t exponent) {
  if (exponent == 0) return {fromUint64(1)};
  if (base.isZero()) return {};
  bool negative = base.negative && (exponent & 1);
  if (base.limbs.size() == 1 && base.limbs[0] == 1) return {make(negative, {1})};
  uint64_t baseBits = magBitLength(base.limbs);
  // |base| >= 2, so the result has more than (baseBits - 1) * exponent bits.
  if (exponent > kMaxBits || (baseBits - 1) * exponent >= kMaxBits) return tooBig();
  if (std::has_single_bit(base.limbs.back()) &&
      std::all_of(base.limbs.begin(), base.limbs.end() - 1, [](uint32_t l) { return l == 0; })) {
    return {make(negative, magShiftLeft(kOne, (baseBits - 1) * exponent))};
  }
  // Left-to-right square and multiply.
  Limbs acc(base.limbs.begin(), base.limbs.end());
  for (int bit = 62 - std::countl_zero(exponent); bit >= 0; --bit) {
    acc = magMul(acc, acc);
    if ((exponent >> bit) & 1) acc = magMul(acc, base.limbs);
    if (magBitLength(acc) > kMaxBits) return tooBig();
  }
  return {make(negative, std::move(acc))};
}

Result pow(BigIntView base, BigIntView exponent) {
  if (exponent.negative) return {{}, Error::NegativeExponent};
  if (exponent.limbs.size() > 2) {
    // Only bases 0 and +-1 give a representable result.
    if (base.isZero()) return {};
    if (base.limbs.size() == 1 && base.limbs[0] == 1) {
      return {make(base.negative && (exponent.limbs[0] & 1), {1})};
    }
    return tooBig();
  }
  return pow(base, toUint64(exponent));
}

// ---- bitwise ----------------------------------------------------------------------

BigIntValue bitwiseNot(BigIntView a) {
  // ~a == -a - 1: for a >= 0 that is -(a + 1), for a < 0 it is |a| - 1.
  if (a.negative) return make(false, magSub(a.limbs, kOne));
  return make(true, magAdd(a.limbs, kOne));
}

namespace {

template <typename Op>
BigIntValue bitwise(BigIntView a, BigIntView b, Op op) {
  size_t width = std::max(a.limbs.size(), b.limbs.size()) + 1;
  Limbs x = toTwos(a, width), y = toTwos(b, width);
  for (size_t i = 0; i < width; ++i) x[i] = op(x[i], y[i]);
  return fromTwos(std::move(x));
}

}  // namespace

BigIntValue bitwiseAnd(BigIntView a, BigIntView b) {
  if (!a.negative && !b.negative) {
    size_t n = std::min(a.limbs.size(), b.limbs.size());
    Limbs r(n);
    for (size_t i = 0; i < n; ++i) r[i] = a.limbs[i] & b.limbs[i];
    return make(false, std::move(r));
  }
  return bitwise(a, b, [](uint32_t x, uint32_t y) { return x & y; });
}

BigIntValue bitwiseOr(BigIntView a, BigIntView b) {
  return bitwise(a, b, [](uint32_t x, uint32_t y) { return x | y; });
}

BigIntValue bitwiseXor(BigIntView a, BigIntView b) {
  return bitwise(a, b, [](uint32_t x, uint32_t y) { return x ^ y; });
}

Result shiftLeft(BigIntView a, int64_t bits) {
  if (a.isZero() || bits == 0) return {make(a.negative, Limbs(a.limbs.begin(), a.limbs.end()))};
  if (bits > 0) {
    if (uint64_t(bits) > kMaxBits || magBitLength(a.limbs) + uint64_t(bits) > kMaxBits) return tooBig();
    return {make(a.negative, magShiftLeft(a.limbs, uint64_t(bits)))};
  }
  uint64_t n = bits == INT64_MIN ? uint64_t(INT64_MAX) + 1 : uint64_t(-bits);
  if (!a.negative) return {make(false, magShiftRight(a.limbs, n))};
  // floor(a / 2^n) for a < 0 is -(((|a| - 1) >> n) + 1).
  Limbs m = magShiftRight(magSub(a.limbs, kOne), n);
  return {make(true, magAdd(m, kOne))};
}

namespace {

// A shift count as int64, saturated (any count beyond 2^62 behaves the same).
int64_t shiftCount(BigIntView s, bool negate) {
  constexpr uint64_t kLimit = uint64_t(1) << 62;
  uint64_t mag = s.limbs.size() > 2 ? kLimit : toUint64(BigIntView{false, s.limbs});
  if (mag > kLimit) mag = kLimit;
  bool negative = s.negative != negate;
  return negative ? -int64_t(mag) : int64_t(mag);
}

}  // namespace

Result leftShift(BigIntView a, BigIntView shift) { return shiftLeft(a, shiftCount(shift, false)); }
Result signedRightShift(BigIntView a, BigIntView shift) { return shiftLeft(a, shiftCount(shift, true)); }

Result asUintN(uint64_t bits, BigIntView a) {
  if (a.isZero() || bits == 0) return {};
  if (!a.negative) {
    if (magBitLength(a.limbs) <= bits) return {make(false, Limbs(a.limbs.begin(), a.limbs.end()))};
    size_t n = size_t((bits + 31) / 32);
    Limbs r(a.limbs.begin(), a.limbs.begin() + n);
    if (bits % 32) r.back() &= (1u << (bits % 32)) - 1;
    return {make(false, std::move(r))};
  }
  // 2^bits - (|a| mod 2^bits): the two's complement of a, cut to `bits`.
  if (bits > kMaxBits) return tooBig();
  size_t n = size_t((bits + 31) / 32);
  Limbs w = toTwos(BigIntView{true, a.limbs.first(std::min(a.limbs.size(), n))}, n);
  if (bits % 32) w.back() &= (1u << (bits % 32)) - 1;
  return {make(false, std::move(w))};
}

Result asIntN(uint64_t bits, BigIntView a) {
  if (a.isZero() || bits == 0) return {};
  uint64_t len = magBitLength(a.limbs);
  if (len < bits) return {make(a.negative, Limbs(a.limbs.begin(), a.limbs.end()))};
  // bits <= len <= kMaxBits from here on.
  Result u = asUintN(bits, a);
  if (!u.ok()) return u;
  Limbs& m = u.value.limbs;
  uint64_t top = bits - 1;
  bool signBit = top / 32 < m.size() && ((m[size_t(top / 32)] >> (top % 32)) & 1);
  if (!signBit) return u;
  // u - 2^bits, i.e. -(2^bits - u).
  Limbs power = magShiftLeft(kOne, bits);
  return {make(true, magSub(power, m))};
}

}  // namespace kiln::bigint
