// Value: a NaN-boxed 64-bit JavaScript value.
//
// A value is either a double stored as is, or a tagged word whose top 16 bits
// are >= 0xFFF9 (a negative quiet NaN pattern no arithmetic produces, because
// every NaN is canonicalized to kCanonicalNaN when boxed). Tagged payloads:
//
//   0xFFF9'0000'xxxx'xxxx  int32 (the common integer fast path)
//   0xFFFA'0000'0000'000k  special: undefined, null, false, true, hole, empty
//   0xFFFB'0000'rrrr'rrrr  reference to a string cell   (r: 32-bit cage offset)
//   0xFFFC'0000'rrrr'rrrr  reference to an object cell (any JS object kind)
//   0xFFFD'0000'rrrr'rrrr  reference to a symbol cell
//   0xFFFE'0000'rrrr'rrrr  reference to a bigint cell
//   0xFFFF'0000'rrrr'rrrr  reference to an internal cell (shapes, code, envs...)
//
// References are offsets from the heap cage base (DESIGN §4.1): a Value never
// holds a native pointer, so heap bytes are position independent.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace kiln {

using Ref = uint32_t;  // offset of a cell from the cage base; 0 is the null reference

class Value {
 public:
  enum class Tag : uint16_t {
    Int = 0xFFF9, Special = 0xFFFA, String = 0xFFFB, Object = 0xFFFC,
    Symbol = 0xFFFD, BigInt = 0xFFFE, Cell = 0xFFFF,
  };
  enum Special : uint32_t { kUndefined = 0, kNull = 1, kFalse = 2, kTrue = 3, kHole = 4, kEmpty = 5, kException = 6 };
  static constexpr uint64_t kCanonicalNaN = 0x7FF8000000000000ull;

  constexpr Value() : bits_(tagged(Tag::Special, kUndefined)) {}

  static constexpr Value fromBits(uint64_t b) { Value v; v.bits_ = b; return v; }
  static constexpr Value undefined() { return fromBits(tagged(Tag::Special, kUndefined)); }
  static constexpr Value null() { return fromBits(tagged(Tag::Special, kNull)); }
  // The hole marks an uninitialized binding (TDZ) or a missing array element.
  static constexpr Value hole() { return fromBits(tagged(Tag::Special, kHole)); }
  // Empty is an internal marker (e.g. "no value yet"), never visible to JS.
  static constexpr Value empty() { return fromBits(tagged(Tag::Special, kEmpty)); }
  // Returned by operations that threw: the thrown value is pending in the VM
  // (VM::exception()). Never stored in the heap.
  static constexpr Value exception() { return fromBits(tagged(Tag::Special, kException)); }
  static constexpr Value boolean(bool b) { return fromBits(tagged(Tag::Special, b ? kTrue : kFalse)); }
  static constexpr Value int32(int32_t i) { return fromBits(tagged(Tag::Int, uint32_t(i))); }
  static Value number(double d) {
    int32_t i = int32_t(d);
    if (double(i) == d && !(i == 0 && std::signbit(d))) return int32(i);
    return rawDouble(d);
  }
  // A double that is never turned into an int32 (for -0 and when the caller knows).
  static Value rawDouble(double d) {
    uint64_t b;
    std::memcpy(&b, &d, 8);
    if (d != d) b = kCanonicalNaN;
    return fromBits(b);
  }
  static constexpr Value string(Ref r) { return fromBits(tagged(Tag::String, r)); }
  static constexpr Value object(Ref r) { return fromBits(tagged(Tag::Object, r)); }
  static constexpr Value symbol(Ref r) { return fromBits(tagged(Tag::Symbol, r)); }
  static constexpr Value bigint(Ref r) { return fromBits(tagged(Tag::BigInt, r)); }
  static constexpr Value cell(Ref r) { return fromBits(tagged(Tag::Cell, r)); }

  constexpr uint64_t bits() const { return bits_; }
  constexpr Tag tag() const { return Tag(bits_ >> 48); }
  constexpr bool isDouble() const { return bits_ < (uint64_t(0xFFF9) << 48); }
  constexpr bool isInt() const { return tag() == Tag::Int && !isDouble(); }
  constexpr bool isNumber() const { return isDouble() || isInt(); }
  constexpr bool isUndefined() const { return bits_ == tagged(Tag::Special, kUndefined); }
  constexpr bool isNull() const { return bits_ == tagged(Tag::Special, kNull); }
  constexpr bool isNullish() const { return isUndefined() || isNull(); }
  constexpr bool isHole() const { return bits_ == tagged(Tag::Special, kHole); }
  constexpr bool isEmpty() const { return bits_ == tagged(Tag::Special, kEmpty); }
  constexpr bool isException() const { return bits_ == tagged(Tag::Special, kException); }
  constexpr bool isBool() const { return bits_ == tagged(Tag::Special, kTrue) || bits_ == tagged(Tag::Special, kFalse); }
  constexpr bool isTrue() const { return bits_ == tagged(Tag::Special, kTrue); }
  constexpr bool isFalse() const { return bits_ == tagged(Tag::Special, kFalse); }
  constexpr bool isString() const { return !isDouble() && tag() == Tag::String; }
  constexpr bool isObject() const { return !isDouble() && tag() == Tag::Object; }
  constexpr bool isSymbol() const { return !isDouble() && tag() == Tag::Symbol; }
  constexpr bool isBigInt() const { return !isDouble() && tag() == Tag::BigInt; }
  constexpr bool isCell() const { return !isDouble() && tag() == Tag::Cell; }
  // True for every value that refers to a heap cell (strings, objects, symbols, bigints, cells).
  constexpr bool isRef() const { return bits_ >= (uint64_t(0xFFFB) << 48); }

  constexpr int32_t asInt() const { return int32_t(uint32_t(bits_)); }
  double asDouble() const { double d; std::memcpy(&d, &bits_, 8); return d; }
  // The numeric value of an Int or Double.
  double toDouble() const { return isInt() ? double(asInt()) : asDouble(); }
  constexpr bool asBool() const { return isTrue(); }
  constexpr Ref ref() const { return Ref(uint32_t(bits_)); }

  constexpr bool operator==(const Value& o) const { return bits_ == o.bits_; }
  constexpr bool operator!=(const Value& o) const { return bits_ != o.bits_; }

 private:
  static constexpr uint64_t tagged(Tag t, uint32_t payload) { return (uint64_t(t) << 48) | payload; }
  uint64_t bits_;
};

static_assert(sizeof(Value) == 8);

}  // namespace kiln
