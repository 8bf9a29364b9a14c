// The Math object (ECMA-262 §21.3).
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

template <double (*F)(double)>
Value unary(VM& vm, CallInfo& info) {
  Value n = KILN_TRY(toNumber(vm, info.arg(0)));
  return Value::number(F(n.toDouble()));
}

double absD(double x) { return std::fabs(x); }
double acosD(double x) { return std::acos(x); }
double acoshD(double x) { return std::acosh(x); }
double asinD(double x) { return std::asin(x); }
double asinhD(double x) { return std::asinh(x); }
double atanD(double x) { return std::atan(x); }
double atanhD(double x) { return std::atanh(x); }
// glibc's cbrt can be an ulp off (cbrt(27) != 3); one Newton step in long
// double gives the correctly rounded result V8's fdlibm port produces.
double cbrtD(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  long double y = std::cbrt(x);
  y -= (y * y * y - (long double)x) / (3 * y * y);
  return double(y);
}
double ceilD(double x) { return std::ceil(x); }
double cosD(double x) { return std::cos(x); }
double coshD(double x) { return std::cosh(x); }
double expD(double x) { return std::exp(x); }
double expm1D(double x) { return std::expm1(x); }
double floorD(double x) { return std::floor(x); }
double froundD(double x) { return double(float(x)); }
double logD(double x) { return std::log(x); }
double log1pD(double x) { return std::log1p(x); }
double log10D(double x) { return std::log10(x); }
double log2D(double x) { return std::log2(x); }
double sinD(double x) { return std::sin(x); }
double sinhD(double x) { return std::sinh(x); }
double sqrtD(double x) { return std::sqrt(x); }
double tanD(double x) { return std::tan(x); }
double tanhD(double x) { return std::tanh(x); }
double truncD(double x) { return std::trunc(x); }

// §21.3.2.28 Math.round: floor(x + 0.5) without the rounding error of the
// addition (0.49999999999999994 + 0.5 == 1), and -0 for x in [-0.5, -0].
double roundD(double x) {
  if (!std::isfinite(x) || std::trunc(x) == x) return x;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1;
  if (r == 0 && std::signbit(x)) return -0.0;
  return r;
}

// §21.3.2.29 Math.sign
double signD(double x) {
  if (std::isnan(x) || x == 0) return x;
  return x > 0 ? 1 : -1;
}

// §6.1.6.1.3 Number::exponentiate: differs from C pow for NaN exponents and
// for |base| = 1 with an infinite exponent.
double exponentiate(double base, double exponent) {
  if (std::isnan(exponent)) return NAN;
  if (std::isinf(exponent) && std::fabs(base) == 1) return NAN;
  return std::pow(base, exponent);
}

// Coerces every argument with ToNumber, in order, before any computation
// (observable through valueOf side effects). Returns false on an exception.
bool coerceAll(VM& vm, CallInfo& info, std::vector<double>* out) {
  out->reserve(info.argc);
  for (uint32_t i = 0; i < info.argc; i++) {
    Value n = toNumber(vm, info.argv[i]);
    if (n.isException()) return false;
    out->push_back(n.toDouble());
  }
  return true;
}

// xorshift128+ (as V8's Math.random): 64-bit state words, a double built
// from the top 52 bits of s0.
struct RandomState {
  uint64_t s0, s1;
};

uint64_t splitMix(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t freshSeed() {
  uint64_t seed = 0;
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    if (::read(fd, &seed, sizeof seed) != sizeof seed) seed = 0;
    ::close(fd);
  }
  seed ^= uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  seed ^= uint64_t(std::chrono::system_clock::now().time_since_epoch().count()) << 1;
  return seed;
}

}  // namespace

Value native_Math_abs(VM& vm, CallInfo& info) { return unary<absD>(vm, info); }
Value native_Math_acos(VM& vm, CallInfo& info) { return unary<acosD>(vm, info); }
Value native_Math_acosh(VM& vm, CallInfo& info) { return unary<acoshD>(vm, info); }
Value native_Math_asin(VM& vm, CallInfo& info) { return unary<asinD>(vm, info); }
Value native_Math_asinh(VM& vm, CallInfo& info) { return unary<asinhD>(vm, info); }
Value native_Math_atan(VM& vm, CallInfo& info) { return unary<atanD>(vm, info); }
Value native_Math_atanh(VM& vm, CallInfo& info) { return unary<atanhD>(vm, info); }
Value native_Math_cbrt(VM& vm, CallInfo& info) { return unary<cbrtD>(vm, info); }
Value native_Math_ceil(VM& vm, CallInfo& info) { return unary<ceilD>(vm, info); }
Value native_Math_cos(VM& vm, CallInfo& info) { return unary<cosD>(vm, info); }
Value native_Math_cosh(VM& vm, CallInfo& info) { return unary<coshD>(vm, info); }
Value native_Math_exp(VM& vm, CallInfo& info) { return unary<expD>(vm, info); }
Value native_Math_expm1(VM& vm, CallInfo& info) { return unary<expm1D>(vm, info); }
Value native_Math_floor(VM& vm, CallInfo& info) { return unary<floorD>(vm, info); }
Value native_Math_fround(VM& vm, CallInfo& info) { return unary<froundD>(vm, info); }
Value native_Math_log(VM& vm, CallInfo& info) { return unary<logD>(vm, info); }
Value native_Math_log1p(VM& vm, CallInfo& info) { return unary<log1pD>(vm, info); }
Value native_Math_log10(VM& vm, CallInfo& info) { return unary<log10D>(vm, info); }
Value native_Math_log2(VM& vm, CallInfo& info) { return unary<log2D>(vm, info); }
Value native_Math_round(VM& vm, CallInfo& info) { return unary<roundD>(vm, info); }
Value native_Math_sign(VM& vm, CallInfo& info) { return unary<signD>(vm, info); }
Value native_Math_sin(VM& vm, CallInfo& info) { return unary<sinD>(vm, info); }
Value native_Math_sinh(VM& vm, CallInfo& info) { return unary<sinhD>(vm, info); }
Value native_Math_sqrt(VM& vm, CallInfo& info) { return unary<sqrtD>(vm, info); }
Value native_Math_tan(VM& vm, CallInfo& info) { return unary<tanD>(vm, info); }
Value native_Math_tanh(VM& vm, CallInfo& info) { return unary<tanhD>(vm, info); }
Value native_Math_trunc(VM& vm, CallInfo& info) { return unary<truncD>(vm, info); }

// §21.3.2.8 Math.atan2 ( y, x ): y is coerced first.
Value native_Math_atan2(VM& vm, CallInfo& info) {
  Root x(vm.heap(), info.arg(1));
  double ny = KILN_TRY(toNumber(vm, info.arg(0))).toDouble();
  double nx = KILN_TRY(toNumber(vm, x.get())).toDouble();
  return Value::number(std::atan2(ny, nx));
}

// §21.3.2.11 Math.clz32
Value native_Math_clz32(VM& vm, CallInfo& info) {
  Value n = KILN_TRY(toUint32(vm, info.arg(0)));
  return Value::int32(std::countl_zero(uint32_t(n.toDouble())));
}

// §21.3.2.18 Math.hypot ( ...args ): coerce everything, then Infinity wins
// over NaN, and the sum is scaled by the largest magnitude to avoid overflow.
Value native_Math_hypot(VM& vm, CallInfo& info) {
  std::vector<double> xs;
  if (!coerceAll(vm, info, &xs)) return Value::exception();
  bool sawNaN = false;
  double largest = 0;
  for (double x : xs) {
    if (std::isinf(x)) return Value::number(INFINITY);
    if (std::isnan(x)) sawNaN = true;
    else largest = std::max(largest, std::fabs(x));
  }
  if (sawNaN) return Value::rawDouble(NAN);
  if (largest == 0) return Value::int32(0);
  // Kahan-compensated sum of squares of the scaled values.
  double sum = 0, comp = 0;
  for (double x : xs) {
    double r = x / largest;
    double y = r * r - comp;
    double t = sum + y;
    comp = (t - sum) - y;
    sum = t;
  }
  return Value::number(std::sqrt(sum) * largest);
}

// §21.3.2.19 Math.imul
Value native_Math_imul(VM& vm, CallInfo& info) {
  Root b(vm.heap(), info.arg(1));
  uint32_t a = uint32_t(KILN_TRY(toUint32(vm, info.arg(0))).toDouble());
  uint32_t c = uint32_t(KILN_TRY(toUint32(vm, b.get())).toDouble());
  return Value::int32(int32_t(a * c));
}

// §21.3.2.24 Math.max / §21.3.2.25 Math.min: NaN wins, and +0 > -0.
Value native_Math_max(VM& vm, CallInfo& info) {
  std::vector<double> xs;
  if (!coerceAll(vm, info, &xs)) return Value::exception();
  double r = -INFINITY;
  for (double x : xs) {
    if (std::isnan(x)) return Value::rawDouble(NAN);
    if (x > r || (x == 0 && r == 0 && !std::signbit(x))) r = x;
  }
  return Value::number(r);
}

Value native_Math_min(VM& vm, CallInfo& info) {
  std::vector<double> xs;
  if (!coerceAll(vm, info, &xs)) return Value::exception();
  double r = INFINITY;
  for (double x : xs) {
    if (std::isnan(x)) return Value::rawDouble(NAN);
    if (x < r || (x == 0 && r == 0 && std::signbit(x))) r = x;
  }
  return Value::number(r);
}

// §21.3.2.26 Math.pow
Value native_Math_pow(VM& vm, CallInfo& info) {
  Root e(vm.heap(), info.arg(1));
  double base = KILN_TRY(toNumber(vm, info.arg(0))).toDouble();
  double exponent = KILN_TRY(toNumber(vm, e.get())).toDouble();
  return Value::number(exponentiate(base, exponent));
}

// §21.3.2.27 Math.random. The generator state lives in the heap (a 16-byte
// ByteArray in the function's data0 slot), per realm, never in a C++ static;
// it is seeded on first use, which is always at run time because the native
// is Ambient (a build stops before calling it).
Value native_Math_random(VM& vm, CallInfo& info) {
  Root callee(vm.heap(), info.callee);
  auto* fn = vm.cell<NativeFunctionCell>(callee.get());
  if (!fn->data0.isCell()) {
    Ref bytes = newByteArray(vm, sizeof(RandomState));
    if (!bytes) return Value::exception();
    uint64_t seed = freshSeed();
    RandomState st{splitMix(&seed), splitMix(&seed)};
    if ((st.s0 | st.s1) == 0) st.s1 = 1;
    std::memcpy(vm.cell<ByteArrayCell>(bytes)->data(), &st, sizeof st);
    fn = vm.cell<NativeFunctionCell>(callee.get());
    fn->data0 = Value::cell(bytes);
  }
  uint8_t* data = vm.cell<ByteArrayCell>(fn->data0)->data();
  RandomState st;
  std::memcpy(&st, data, sizeof st);
  uint64_t s1 = st.s0;
  uint64_t s0 = st.s1;
  st.s0 = s0;
  s1 ^= s1 << 23;
  s1 ^= s1 >> 17;
  s1 ^= s0;
  s1 ^= s0 >> 26;
  st.s1 = s1;
  std::memcpy(data, &st, sizeof st);
  uint64_t bits = (st.s0 >> 12) | 0x3FF0000000000000ull;
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return Value::number(d - 1);
}

// §21.3: the Math object, its value properties (non-writable,
// non-enumerable, non-configurable) and functions.
void installMath(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value mathV = newObject(vm);
  if (mathV.isException()) return;
  Root math(vm.heap(), mathV);
  struct Constant { const char* name; double value; };
  static constexpr Constant kConstants[] = {
      {"E", 2.718281828459045},       {"LN10", 2.302585092994046}, {"LN2", 0.6931471805599453},
      {"LOG10E", 0.4342944819032518}, {"LOG2E", 1.4426950408889634}, {"PI", 3.141592653589793},
      {"SQRT1_2", 0.7071067811865476}, {"SQRT2", 1.4142135623730951},
  };
  for (const Constant& c : kConstants) defineProperty(vm, math.get(), c.name, Value::number(c.value), 0);
  Value tag = newString(vm, std::string_view("Math"));
  if (tag.isException()) return;
  defineValue(vm, math.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);

  struct Fn { const char* name; NativeId id; };
  static constexpr Fn kFunctions[] = {
      {"abs", NativeId::Math_abs},     {"acos", NativeId::Math_acos},   {"acosh", NativeId::Math_acosh},
      {"asin", NativeId::Math_asin},   {"asinh", NativeId::Math_asinh}, {"atan", NativeId::Math_atan},
      {"atanh", NativeId::Math_atanh}, {"atan2", NativeId::Math_atan2}, {"cbrt", NativeId::Math_cbrt},
      {"ceil", NativeId::Math_ceil},   {"clz32", NativeId::Math_clz32}, {"cos", NativeId::Math_cos},
      {"cosh", NativeId::Math_cosh},   {"exp", NativeId::Math_exp},     {"expm1", NativeId::Math_expm1},
      {"floor", NativeId::Math_floor}, {"fround", NativeId::Math_fround}, {"hypot", NativeId::Math_hypot},
      {"imul", NativeId::Math_imul},   {"log", NativeId::Math_log},     {"log1p", NativeId::Math_log1p},
      {"log10", NativeId::Math_log10}, {"log2", NativeId::Math_log2},   {"max", NativeId::Math_max},
      {"min", NativeId::Math_min},     {"pow", NativeId::Math_pow},     {"random", NativeId::Math_random},
      {"round", NativeId::Math_round}, {"sign", NativeId::Math_sign},   {"sin", NativeId::Math_sin},
      {"sinh", NativeId::Math_sinh},   {"sqrt", NativeId::Math_sqrt},   {"tan", NativeId::Math_tan},
      {"tanh", NativeId::Math_tanh},   {"trunc", NativeId::Math_trunc},
  };
  for (const Fn& f : kFunctions) {
    if (defineMethod(vm, math.get(), f.name, f.id).isException()) return;
  }
  defineProperty(vm, g.get(), "Math", math.get());
}

}  // namespace kiln
