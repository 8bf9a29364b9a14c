// The String constructor and String.prototype (ECMA-262 §22.1).
#include <clocale>
#include <cstring>
#include <cmath>
#include <cwctype>
#include <locale.h>
#include <wctype.h>

#include "builtins/builtins.h"
#include "builtins/regexp.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/regexp.h"
#include "engine/strings.h"
#include "engine/unicode.h"

namespace kiln {

namespace {

// §22.1.3.35.1 ThisStringValue
Value thisStringValue(VM& vm, Value v, std::string_view method) {
  if (v.isString()) return v;
  if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
    Value inner = vm.cell<InternalObjectCell>(v)->internal[0];
    if (inner.isString()) return inner;
  }
  return vm.throwTypeError("String.prototype." + std::string(method) + " requires that 'this' be a String");
}

double clampIndex(double pos, double len) { return std::min(std::max(pos, 0.0), len); }

Value unitString(VM& vm, char16_t c) { return newStringUtf16(vm, &c, 1); }

// Invoke(V, P, args) for a well-known symbol method.
Value invoke(VM& vm, Value v, WellKnown symbol, std::span<const Value> args) {
  Root rv(vm.heap(), v);
  Value fn = KILN_TRY(getV(vm, v, vm.wellKnown(symbol)));
  if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
  return call(vm, fn, rv.get(), args);
}

// The shared front of match/search: call searcher[@@symbol] if the argument
// has one, else create a RegExp and invoke the method on it.
Value delegateToRegExp(VM& vm, CallInfo& info, WellKnown symbol, std::string_view method, Value createFlags) {
  Value o = info.thisValue;
  if (o.isNullish()) return vm.throwTypeError("String.prototype." + std::string(method) + " called on null or undefined");
  Root regexp(vm.heap(), info.arg(0)), flags(vm.heap(), createFlags);
  if (regexp.get().isObject()) {
    Value m = KILN_TRY(getMethod(vm, regexp.get(), vm.wellKnown(symbol)));
    if (!m.isUndefined()) {
      Value args[1] = {info.thisValue};
      return call(vm, m, regexp.get(), args);
    }
  }
  Root s(vm.heap(), KILN_TRY(toString(vm, info.thisValue)));
  Value rx = KILN_TRY(regExpCreate(vm, regexp.get(), flags.get()));
  Value args[1] = {s.get()};
  return invoke(vm, rx, symbol, args);
}

// The IsRegExp guard of startsWith/endsWith/includes.
Status rejectRegExp(VM& vm, Value v, std::string_view method) {
  Status s = isRegExp(vm, v);
  if (s == Status::Exception) return s;
  if (s == Status::True) {
    vm.throwTypeError("First argument to String.prototype." + std::string(method) +
                      " must not be a regular expression");
    return Status::Exception;
  }
  return Status::False;
}

// §22.1.3.17.1 StringPad
Value stringPad(VM& vm, CallInfo& info, bool atStart) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, atStart ? "padStart" : "padEnd")));
  Root fill(vm.heap(), info.arg(1));
  double maxLength = KILN_TRY(toLength(vm, info.arg(0))).toDouble();
  uint32_t len = stringLength(vm, s.get());
  if (maxLength <= len) return s.get();
  Value filler = vm.atom(Atom::empty);
  if (fill.get().isUndefined()) {
    filler = KILN_TRY(newString(vm, std::string_view(" ")));
  } else {
    filler = KILN_TRY(toString(vm, fill.get()));
  }
  Root f(vm.heap(), filler);
  uint32_t fillLen = stringLength(vm, filler);
  if (fillLen == 0) return s.get();
  if (maxLength > kMaxStringLength) return vm.throwRangeError("Invalid string length");
  size_t fillCount = size_t(maxLength) - len;
  StringBuilder b;
  const StringCell* fc = str(vm, f.get());
  if (!atStart) b.append(str(vm, s.get()));
  while (b.size() + fc->length <= fillCount + (atStart ? 0 : len)) b.append(fc);
  size_t want = fillCount + (atStart ? 0 : len);
  if (b.size() < want) b.append(fc, 0, uint32_t(want - b.size()));
  if (atStart) b.append(str(vm, s.get()));
  return b.finish(vm);
}

enum class TrimWhere { Start, End, Both };

// §22.1.3.32.1 TrimString
Value trimString(VM& vm, CallInfo& info, TrimWhere where, std::string_view method) {
  Value s = KILN_TRY(thisToString(vm, info, method));
  const StringCell* c = str(vm, s);
  uint32_t start = 0, end = c->length;
  if (where != TrimWhere::End)
    while (start < end && isTrimmable(c->at(start))) start++;
  if (where != TrimWhere::Start)
    while (end > start && isTrimmable(c->at(end - 1))) end--;
  return substring(vm, s, start, end);
}

// ---- case mapping ----------------------------------------------------------------

// The C.UTF-8 ctype locale: an immutable object created once per process
// (glibc's case tables are the Unicode simple mappings).
locale_t utf8Locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(0));
  return loc;
}

char32_t simpleLower(char32_t c) {
  if (c < 0x80) return (c - 'A' < 26u) ? c + 32 : c;
  locale_t l = utf8Locale();
  return l ? char32_t(towlower_l(wint_t(c), l)) : c;
}

char32_t simpleUpper(char32_t c) {
  if (c < 0x80) return (c - 'a' < 26u) ? c - 32 : c;
  locale_t l = utf8Locale();
  return l ? char32_t(towupper_l(wint_t(c), l)) : c;
}

// Membership in a binary Unicode property, from the regexp engine's tables
// (sorted [first,last] range pairs).
bool inBinaryProperty(const char* name, char32_t c) {
  for (const auto& e : regexp::tables::binaryProperties()) {
    if (std::strcmp(e.name, name) != 0) continue;
    auto ranges = regexp::tables::propertyRanges().subspan(2 * size_t(e.offset), 2 * size_t(e.count));
    size_t lo = 0, hi = e.count;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (c < ranges[2 * mid]) hi = mid;
      else if (c > ranges[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }
  return false;
}

bool isCased(char32_t c) { return inBinaryProperty("Cased", c); }

// Case_Ignorable: what SpecialCasing's Final_Sigma context skips over.
bool isCaseIgnorable(char32_t c) {
  if (c < 0x80) return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`';
  return inBinaryProperty("Case_Ignorable", c);
}

// Unconditional multi-character uppercase mappings of SpecialCasing.txt.
struct SpecialUpper {
  char16_t from;
  char16_t to[3];
};
constexpr SpecialUpper kSpecialUpper[] = {
    {0x00DF, {0x0053, 0x0053}},         {0x0149, {0x02BC, 0x004E}},         {0x01F0, {0x004A, 0x030C}},
    {0x0390, {0x0399, 0x0308, 0x0301}}, {0x03B0, {0x03A5, 0x0308, 0x0301}}, {0x0587, {0x0535, 0x0552}},
    {0x1E96, {0x0048, 0x0331}},         {0x1E97, {0x0054, 0x0308}},         {0x1E98, {0x0057, 0x030A}},
    {0x1E99, {0x0059, 0x030A}},         {0x1E9A, {0x0041, 0x02BE}},         {0x1F50, {0x03A5, 0x0313}},
    {0x1F52, {0x03A5, 0x0313, 0x0300}}, {0x1F54, {0x03A5, 0x0313, 0x0301}}, {0x1F56, {0x03A5, 0x0313, 0x0342}},
    {0x1FB6, {0x0391, 0x0342}},         {0x1FC6, {0x0397, 0x0342}},         {0x1FD2, {0x0399, 0x0308, 0x0300}},
    {0x1FD3, {0x0399, 0x0308, 0x0301}}, {0x1FD6, {0x0399, 0x0342}},         {0x1FD7, {0x0399, 0x0308, 0x0342}},
    {0x1FE2, {0x03A5, 0x0308, 0x0300}}, {0x1FE3, {0x03A5, 0x0308, 0x0301}}, {0x1FE4, {0x03A1, 0x0313}},
    {0x1FE6, {0x03A5, 0x0342}},         {0x1FE7, {0x03A5, 0x0308, 0x0342}}, {0x1FF6, {0x03A9, 0x0342}},
    {0xFB00, {0x0046, 0x0046}},         {0xFB01, {0x0046, 0x0049}},         {0xFB02, {0x0046, 0x004C}},
    {0xFB03, {0x0046, 0x0046, 0x0049}}, {0xFB04, {0x0046, 0x0046, 0x004C}}, {0xFB05, {0x0053, 0x0054}},
    {0xFB06, {0x0053, 0x0054}},         {0xFB13, {0x0544, 0x0546}},         {0xFB14, {0x0544, 0x0535}},
    {0xFB15, {0x0544, 0x053B}},         {0xFB16, {0x054E, 0x0546}},         {0xFB17, {0x0544, 0x053D}},
};

// Greek letters with ypogegrammeni / prosgegrammeni (U+1F80..U+1FFC): the
// uppercase is the base capital followed by IOTA (U+0399).
bool greekIotaUpper(char32_t c, StringBuilder& out) {
  char32_t base = 0;
  if (c >= 0x1F80 && c <= 0x1FAF) {
    static constexpr char16_t kBases[6] = {0x1F08, 0x1F28, 0x1F68, 0, 0, 0};
    base = kBases[(c - 0x1F80) / 16] + (c & 7);
  } else if (c == 0x1FB3 || c == 0x1FBC) {
    base = 0x0391;
  } else if (c == 0x1FC3 || c == 0x1FCC) {
    base = 0x0397;
  } else if (c == 0x1FF3 || c == 0x1FFC) {
    base = 0x03A9;
  } else if (c == 0x1FB2 || c == 0x1FC2 || c == 0x1FF2 || c == 0x1FB4 || c == 0x1FC4 || c == 0x1FF4 ||
             c == 0x1FB7 || c == 0x1FC7 || c == 0x1FF7) {
    static constexpr struct { char16_t from, a, b; } kMore[] = {
        {0x1FB2, 0x1FBA, 0}, {0x1FC2, 0x1FCA, 0}, {0x1FF2, 0x1FFA, 0}, {0x1FB4, 0x0386, 0},
        {0x1FC4, 0x0389, 0}, {0x1FF4, 0x038F, 0}, {0x1FB7, 0x0391, 0x0342}, {0x1FC7, 0x0397, 0x0342},
        {0x1FF7, 0x03A9, 0x0342},
    };
    for (auto& m : kMore) {
      if (m.from != c) continue;
      out.append(m.a);
      if (m.b) out.append(m.b);
      out.append(char16_t(0x0399));
      return true;
    }
  }
  if (!base) return false;
  out.appendCodePoint(base);
  out.append(char16_t(0x0399));
  return true;
}

Value convertCase(VM& vm, Value s, bool upper) {
  const StringCell* c = str(vm, s);
  uint32_t n = c->length;
  // ASCII fast path: unchanged strings are returned as is.
  if (!c->twoByte()) {
    const uint8_t* p = c->latin1();
    bool ascii = true, changes = false;
    for (uint32_t i = 0; i < n; i++) {
      uint8_t u = p[i];
      if (u >= 0x80) { ascii = false; break; }
      if (upper ? unsigned(u - 'a') < 26u : unsigned(u - 'A') < 26u) changes = true;
    }
    if (ascii) {
      if (!changes) return s;
      Root sr(vm.heap(), s);
      Value out = KILN_TRY(allocString(vm, n, false));
      s = sr.get();
      uint8_t* d = str(vm, out)->latin1();
      const uint8_t* src = str(vm, s)->latin1();
      for (uint32_t i = 0; i < n; i++) {
        uint8_t u = src[i];
        d[i] = upper ? (unsigned(u - 'a') < 26u ? u - 32 : u) : (unsigned(u - 'A') < 26u ? u + 32 : u);
      }
      return out;
    }
  }
  StringBuilder b;
  for (uint32_t i = 0; i < n;) {
    uint32_t units;
    char32_t cp = codePointAt(c, i, &units);
    if (upper) {
      bool special = false;
      for (const SpecialUpper& m : kSpecialUpper) {
        if (m.from != cp) continue;
        for (char16_t u : m.to)
          if (u) b.append(u);
        special = true;
        break;
      }
      if (!special && !(cp >= 0x1F80 && cp <= 0x1FFC && greekIotaUpper(cp, b))) b.appendCodePoint(simpleUpper(cp));
    } else if (cp == 0x130) {
      b.append(u"i\u0307");
    } else if (cp == 0x3A3) {
      // Final_Sigma: preceded by a cased letter and not followed by one
      // (case-ignorable characters skipped both ways).
      bool before = false, after = false;
      for (uint32_t j = i; j > 0;) {
        char32_t p = c->at(--j);
        if (unicode::isLowSurrogate(p) && j > 0 && unicode::isHighSurrogate(c->at(j - 1))) p = codePointAt(c, --j);
        if (isCaseIgnorable(p)) continue;
        before = isCased(p);
        break;
      }
      for (uint32_t j = i + 1; j < n;) {
        uint32_t w;
        char32_t q = codePointAt(c, j, &w);
        j += w;
        if (isCaseIgnorable(q)) continue;
        after = isCased(q);
        break;
      }
      b.append(char16_t(before && !after ? 0x3C2 : 0x3C3));
    } else {
      b.appendCodePoint(simpleLower(cp));
    }
    i += units;
  }
  return b.finish(vm);
}

// ---- normalization -------------------------------------------------------------

// Canonical decompositions of the Latin-1 letters (U+00C0..U+00FF): base
// letter and combining mark, 0 where there is none.
constexpr char16_t kLatin1Decomp[64][2] = {
    {'A', 0x300}, {'A', 0x301}, {'A', 0x302}, {'A', 0x303}, {'A', 0x308}, {'A', 0x30A}, {0, 0},      {'C', 0x327},
    {'E', 0x300}, {'E', 0x301}, {'E', 0x302}, {'E', 0x308}, {'I', 0x300}, {'I', 0x301}, {'I', 0x302}, {'I', 0x308},
    {0, 0},       {'N', 0x303}, {'O', 0x300}, {'O', 0x301}, {'O', 0x302}, {'O', 0x303}, {'O', 0x308}, {0, 0},
    {0, 0},       {'U', 0x300}, {'U', 0x301}, {'U', 0x302}, {'U', 0x308}, {'Y', 0x301}, {0, 0},      {0, 0},
    {'a', 0x300}, {'a', 0x301}, {'a', 0x302}, {'a', 0x303}, {'a', 0x308}, {'a', 0x30A}, {0, 0},      {'c', 0x327},
    {'e', 0x300}, {'e', 0x301}, {'e', 0x302}, {'e', 0x308}, {'i', 0x300}, {'i', 0x301}, {'i', 0x302}, {'i', 0x308},
    {0, 0},       {'n', 0x303}, {'o', 0x300}, {'o', 0x301}, {'o', 0x302}, {'o', 0x303}, {'o', 0x308}, {0, 0},
    {0, 0},       {'u', 0x300}, {'u', 0x301}, {'u', 0x302}, {'u', 0x308}, {'y', 0x301}, {0, 0},      {'y', 0x308},
};

// Normalization limited to what kiln has tables for without ICU: Latin-1
// letters decompose (NFD/NFKD) and such pairs recompose (NFC/NFKC). Other
// text is returned unchanged.
Value normalizeString(VM& vm, Value s, bool compose) {
  const StringCell* c = str(vm, s);
  StringBuilder b;
  bool changed = false;
  for (uint32_t i = 0; i < c->length; i++) {
    char16_t u = c->at(i);
    if (!compose && u >= 0xC0 && u <= 0xFF && kLatin1Decomp[u - 0xC0][0]) {
      b.append(kLatin1Decomp[u - 0xC0][0]);
      b.append(kLatin1Decomp[u - 0xC0][1]);
      changed = true;
      continue;
    }
    if (compose && u >= 0x300 && u <= 0x327 && !b.empty()) {
      char16_t composed = 0;
      for (int k = 0; k < 64 && !composed; k++)
        if (kLatin1Decomp[k][0] == b.back() && kLatin1Decomp[k][1] == u) composed = char16_t(0xC0 + k);
      if (composed) {
        b.setBack(composed);
        changed = true;
        continue;
      }
    }
    b.append(u);
  }
  if (!changed) return s;
  return b.finish(vm);
}

Value newStringIterator(VM& vm, Value s);

}  // namespace

// §22.1.1.1 String ( value )
Value native_StringCtor(VM& vm, CallInfo& info) {
  Value s;
  if (info.argc == 0) {
    s = vm.atom(Atom::empty);
  } else {
    Value v = info.argv[0];
    if (!info.isConstructCall() && v.isSymbol()) {
      // SymbolDescriptiveString
      Value d = vm.cell<SymbolCell>(v)->description;
      StringBuilder b;
      b.appendAscii("Symbol(");
      if (d.isString()) b.append(str(vm, d));
      b.append(')');
      return b.finish(vm);
    }
    s = KILN_TRY(toString(vm, v));
  }
  if (!info.isConstructCall()) return s;
  Root sr(vm.heap(), s);
  Value o = KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::StringPrototype, CellKind::Primitive));
  vm.cell<InternalObjectCell>(o)->internal[0] = sr.get();
  return o;
}

// §22.1.2.1 String.fromCharCode ( ...codeUnits )
Value native_String_fromCharCode(VM& vm, CallInfo& info) {
  StringBuilder b;
  for (uint32_t i = 0; i < info.argc; i++) {
    Value n = KILN_TRY(toNumber(vm, info.argv[i]));
    b.append(char16_t(toUint16(n.toDouble())));
  }
  return b.finish(vm);
}

// §22.1.2.2 String.fromCodePoint ( ...codePoints )
Value native_String_fromCodePoint(VM& vm, CallInfo& info) {
  StringBuilder b;
  for (uint32_t i = 0; i < info.argc; i++) {
    Value n = KILN_TRY(toNumber(vm, info.argv[i]));
    double d = n.toDouble();
    if (!(d >= 0 && d <= 0x10FFFF && std::trunc(d) == d))
      return vm.throwRangeError("Invalid code point " + describe(vm, n));
    b.appendCodePoint(char32_t(d));
  }
  return b.finish(vm);
}

// §22.1.2.4 String.raw ( template, ...substitutions )
Value native_String_raw(VM& vm, CallInfo& info) {
  Root cooked(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  Value rawV = KILN_TRY(get(vm, cooked.get(), vm.atom(Atom::raw)));
  Root literals(vm.heap(), KILN_TRY(toObject(vm, rawV)));
  double literalCount = KILN_TRY(lengthOfArrayLike(vm, literals.get())).toDouble();
  if (literalCount <= 0) return vm.atom(Atom::empty);
  StringBuilder b;
  for (double next = 0;; next++) {
    Value lit = KILN_TRY(get(vm, literals.get(), Value::number(next)));
    Value ls = KILN_TRY(toString(vm, lit));
    b.append(str(vm, ls));
    if (b.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
    if (next + 1 == literalCount) return b.finish(vm);
    if (next + 1 < info.argc) {
      Value sub = KILN_TRY(toString(vm, info.argv[uint32_t(next) + 1]));
      b.append(str(vm, sub));
    }
  }
}

// §22.1.3.1 String.prototype.at ( index )
Value native_StringProto_at(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "at")));
  double len = stringLength(vm, s.get());
  double rel = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double k = rel >= 0 ? rel : len + rel;
  if (k < 0 || k >= len) return Value::undefined();
  return unitString(vm, str(vm, s.get())->at(uint32_t(k)));
}

// §22.1.3.2 String.prototype.charAt ( pos )
Value native_StringProto_charAt(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "charAt")));
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (pos < 0 || pos >= stringLength(vm, s.get())) return vm.atom(Atom::empty);
  return unitString(vm, str(vm, s.get())->at(uint32_t(pos)));
}

// §22.1.3.3 String.prototype.charCodeAt ( pos )
Value native_StringProto_charCodeAt(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "charCodeAt")));
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (pos < 0 || pos >= stringLength(vm, s.get())) return Value::rawDouble(NAN);
  return Value::int32(str(vm, s.get())->at(uint32_t(pos)));
}

// §22.1.3.4 String.prototype.codePointAt ( pos )
Value native_StringProto_codePointAt(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "codePointAt")));
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (pos < 0 || pos >= stringLength(vm, s.get())) return Value::undefined();
  return Value::int32(int32_t(codePointAt(str(vm, s.get()), uint32_t(pos))));
}

// §22.1.3.5 String.prototype.concat ( ...args )
Value native_StringProto_concat(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "concat"));
  StringBuilder b;
  b.append(str(vm, s));
  for (uint32_t i = 0; i < info.argc; i++) {
    Value next = KILN_TRY(toString(vm, info.argv[i]));
    b.append(str(vm, next));
    if (b.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
  }
  return b.finish(vm);
}

// §22.1.3.7 String.prototype.endsWith ( searchString [ , endPosition ] )
Value native_StringProto_endsWith(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "endsWith")));
  KILN_TRY_STATUS(rejectRegExp(vm, info.arg(0), "endsWith"));
  Root search(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  double len = stringLength(vm, s.get());
  double pos = len;
  if (!info.arg(1).isUndefined()) pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  double end = clampIndex(pos, len);
  const StringCell* sc = str(vm, s.get());
  const StringCell* needle = str(vm, search.get());
  if (needle->length == 0) return Value::boolean(true);
  double start = end - needle->length;
  if (start < 0) return Value::boolean(false);
  for (uint32_t i = 0; i < needle->length; i++)
    if (sc->at(uint32_t(start) + i) != needle->at(i)) return Value::boolean(false);
  return Value::boolean(true);
}

// §22.1.3.8 String.prototype.includes ( searchString [ , position ] )
Value native_StringProto_includes(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "includes")));
  KILN_TRY_STATUS(rejectRegExp(vm, info.arg(0), "includes"));
  Root search(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  double start = clampIndex(pos, stringLength(vm, s.get()));
  return Value::boolean(stringIndexOf(str(vm, s.get()), str(vm, search.get()), uint32_t(start)) >= 0);
}

// §22.1.3.9 String.prototype.indexOf ( searchString [ , position ] )
Value native_StringProto_indexOf(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "indexOf")));
  Root search(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  double start = clampIndex(pos, stringLength(vm, s.get()));
  return Value::number(double(stringIndexOf(str(vm, s.get()), str(vm, search.get()), uint32_t(start))));
}

// §22.1.3.10 String.prototype.isWellFormed ( )
Value native_StringProto_isWellFormed(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "isWellFormed"));
  const StringCell* c = str(vm, s);
  if (!c->twoByte()) return Value::boolean(true);
  for (uint32_t i = 0; i < c->length;) {
    uint32_t units;
    char32_t cp = codePointAt(c, i, &units);
    if (cp >= 0xD800 && cp <= 0xDFFF) return Value::boolean(false);
    i += units;
  }
  return Value::boolean(true);
}

// §22.1.3.11 String.prototype.lastIndexOf ( searchString [ , position ] )
Value native_StringProto_lastIndexOf(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "lastIndexOf")));
  Root search(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  double numPos = KILN_TRY(toNumber(vm, info.arg(1))).toDouble();
  double pos = std::isnan(numPos) ? INFINITY : toIntegerOrInfinity(numPos);
  const StringCell* sc = str(vm, s.get());
  const StringCell* needle = str(vm, search.get());
  double len = sc->length;
  double start = clampIndex(pos, len);
  if (needle->length > sc->length) return Value::int32(-1);
  int64_t i = int64_t(std::min(start, len - needle->length));
  for (; i >= 0; i--) {
    uint32_t k = 0;
    while (k < needle->length && sc->at(uint32_t(i) + k) == needle->at(k)) k++;
    if (k == needle->length) return Value::number(double(i));
  }
  return Value::int32(-1);
}

// §22.1.3.12 String.prototype.localeCompare ( that ): without ICU, an
// approximation of the root collation good enough for sorting words: letters
// compare case-insensitively first, lower case before upper case on ties,
// then code unit order.
Value native_StringProto_localeCompare(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "localeCompare")));
  Value that = KILN_TRY(toString(vm, info.arg(0)));
  const StringCell* a = str(vm, s.get());
  const StringCell* b = str(vm, that);
  uint32_t n = std::min(a->length, b->length);
  int tertiary = 0;
  for (uint32_t i = 0; i < n; i++) {
    char32_t x = a->at(i), y = b->at(i);
    if (x == y) continue;
    char32_t lx = simpleLower(x), ly = simpleLower(y);
    if (lx != ly) return Value::int32(lx < ly ? -1 : 1);
    if (!tertiary) tertiary = (x == lx) ? -1 : 1;  // lower case first
  }
  if (a->length != b->length) return Value::int32(a->length < b->length ? -1 : 1);
  return Value::int32(tertiary);
}

// §22.1.3.13 String.prototype.match ( regexp )
Value native_StringProto_match(VM& vm, CallInfo& info) {
  return delegateToRegExp(vm, info, WellKnown::match, "match", Value::undefined());
}

// §22.1.3.14 String.prototype.matchAll ( regexp )
Value native_StringProto_matchAll(VM& vm, CallInfo& info) {
  if (info.thisValue.isNullish()) return vm.throwTypeError("String.prototype.matchAll called on null or undefined");
  Value regexp = info.arg(0);
  if (regexp.isObject()) {
    bool isRx = KILN_TRY_STATUS(isRegExp(vm, regexp));
    if (isRx) {
      Value flags = KILN_TRY(get(vm, regexp, vm.atom(Atom::flags)));
      if (flags.isNullish()) return vm.throwTypeError("String.prototype.matchAll called with a non-global RegExp argument");
      Value fs = KILN_TRY(toString(vm, flags));
      Root fsr(vm.heap(), fs);
      Value gs = KILN_TRY(newString(vm, std::string_view("g")));
      if (stringIndexOf(str(vm, fsr.get()), str(vm, gs), 0) < 0)
        return vm.throwTypeError("String.prototype.matchAll called with a non-global RegExp argument");
    }
  }
  Value g = KILN_TRY(newString(vm, std::string_view("g")));
  return delegateToRegExp(vm, info, WellKnown::matchAll, "matchAll", g);
}

// §22.1.3.15 String.prototype.normalize ( [ form ] )
Value native_StringProto_normalize(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "normalize")));
  bool compose = true;
  if (!info.arg(0).isUndefined()) {
    Value f = KILN_TRY(toString(vm, info.arg(0)));
    const StringCell* fc = str(vm, f);
    if (stringEqualsAscii(fc, "NFC") || stringEqualsAscii(fc, "NFKC")) compose = true;
    else if (stringEqualsAscii(fc, "NFD") || stringEqualsAscii(fc, "NFKD")) compose = false;
    else return vm.throwRangeError("The normalization form should be one of NFC, NFD, NFKC, NFKD.");
  }
  return normalizeString(vm, s.get(), compose);
}

Value native_StringProto_padEnd(VM& vm, CallInfo& info) { return stringPad(vm, info, false); }
Value native_StringProto_padStart(VM& vm, CallInfo& info) { return stringPad(vm, info, true); }

// §22.1.3.18 String.prototype.repeat ( count )
Value native_StringProto_repeat(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "repeat")));
  Value nv = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0)));
  double n = nv.toDouble();
  if (n < 0 || std::isinf(n)) return vm.throwRangeError("Invalid count value: " + describe(vm, nv));
  uint32_t len = stringLength(vm, s.get());
  if (n == 0 || len == 0) return vm.atom(Atom::empty);
  if (n * len > double(kMaxStringLength)) return vm.throwRangeError("Invalid string length");
  const StringCell* c = str(vm, s.get());
  size_t total = size_t(n) * len;
  Value out = KILN_TRY(allocString(vm, total, c->twoByte()));
  c = str(vm, s.get());
  StringCell* o = str(vm, out);
  if (c->twoByte()) {
    for (size_t i = 0; i < total; i++) o->utf16()[i] = c->utf16()[i % len];
  } else {
    for (size_t i = 0; i < total; i += len) std::memcpy(o->latin1() + i, c->latin1(), len);
  }
  return out;
}

// §22.1.3.19 String.prototype.replace ( searchValue, replaceValue )
Value native_StringProto_replace(VM& vm, CallInfo& info) {
  if (info.thisValue.isNullish()) return vm.throwTypeError("String.prototype.replace called on null or undefined");
  Root searchValue(vm.heap(), info.arg(0)), replaceValue(vm.heap(), info.arg(1));
  if (searchValue.get().isObject()) {
    Value replacer = KILN_TRY(getMethod(vm, searchValue.get(), vm.wellKnown(WellKnown::replace)));
    if (!replacer.isUndefined()) {
      Value args[2] = {info.thisValue, replaceValue.get()};
      return call(vm, replacer, searchValue.get(), args);
    }
  }
  Root string(vm.heap(), KILN_TRY(toString(vm, info.thisValue)));
  Root searchString(vm.heap(), KILN_TRY(toString(vm, searchValue.get())));
  bool functional = isCallable(vm, replaceValue.get());
  if (!functional) replaceValue.set(KILN_TRY(toString(vm, replaceValue.get())));
  uint32_t searchLength = stringLength(vm, searchString.get());
  int64_t position = stringIndexOf(str(vm, string.get()), str(vm, searchString.get()), 0);
  if (position < 0) return string.get();
  StringBuilder b;
  b.append(str(vm, string.get()), 0, uint32_t(position));
  if (functional) {
    Value args[3] = {searchString.get(), Value::number(double(position)), string.get()};
    Value r = KILN_TRY(call(vm, replaceValue.get(), Value::undefined(), args));
    Value rs = KILN_TRY(toString(vm, r));
    b.append(str(vm, rs));
  } else {
    KILN_TRY_STATUS(getSubstitution(vm, searchString.get(), string.get(), uint32_t(position), Value::undefined(),
                                    Value::undefined(), replaceValue.get(), b));
  }
  const StringCell* sc = str(vm, string.get());
  b.append(sc, uint32_t(position) + searchLength, sc->length);
  return b.finish(vm);
}

// §22.1.3.20 String.prototype.replaceAll ( searchValue, replaceValue )
Value native_StringProto_replaceAll(VM& vm, CallInfo& info) {
  if (info.thisValue.isNullish()) return vm.throwTypeError("String.prototype.replaceAll called on null or undefined");
  Root searchValue(vm.heap(), info.arg(0)), replaceValue(vm.heap(), info.arg(1));
  if (searchValue.get().isObject()) {
    bool isRx = KILN_TRY_STATUS(isRegExp(vm, searchValue.get()));
    if (isRx) {
      Value flags = KILN_TRY(get(vm, searchValue.get(), vm.atom(Atom::flags)));
      if (flags.isNullish())
        return vm.throwTypeError("String.prototype.replaceAll called with a non-global RegExp argument");
      Root fs(vm.heap(), KILN_TRY(toString(vm, flags)));
      Value g = KILN_TRY(newString(vm, std::string_view("g")));
      if (stringIndexOf(str(vm, fs.get()), str(vm, g), 0) < 0)
        return vm.throwTypeError("String.prototype.replaceAll called with a non-global RegExp argument");
    }
    Value replacer = KILN_TRY(getMethod(vm, searchValue.get(), vm.wellKnown(WellKnown::replace)));
    if (!replacer.isUndefined()) {
      Value args[2] = {info.thisValue, replaceValue.get()};
      return call(vm, replacer, searchValue.get(), args);
    }
  }
  Root string(vm.heap(), KILN_TRY(toString(vm, info.thisValue)));
  Root searchString(vm.heap(), KILN_TRY(toString(vm, searchValue.get())));
  bool functional = isCallable(vm, replaceValue.get());
  if (!functional) replaceValue.set(KILN_TRY(toString(vm, replaceValue.get())));
  uint32_t searchLength = stringLength(vm, searchString.get());
  uint32_t advanceBy = std::max(1u, searchLength);
  std::vector<uint32_t> positions;
  int64_t p = stringIndexOf(str(vm, string.get()), str(vm, searchString.get()), 0);
  while (p >= 0) {
    positions.push_back(uint32_t(p));
    p = stringIndexOf(str(vm, string.get()), str(vm, searchString.get()), uint32_t(p) + advanceBy);
  }
  uint32_t endOfLastMatch = 0;
  StringBuilder b;
  for (uint32_t pos : positions) {
    b.append(str(vm, string.get()), endOfLastMatch, pos);
    if (functional) {
      Value args[3] = {searchString.get(), Value::number(pos), string.get()};
      Value r = KILN_TRY(call(vm, replaceValue.get(), Value::undefined(), args));
      Value rs = KILN_TRY(toString(vm, r));
      b.append(str(vm, rs));
    } else {
      KILN_TRY_STATUS(getSubstitution(vm, searchString.get(), string.get(), pos, Value::undefined(),
                                      Value::undefined(), replaceValue.get(), b));
    }
    if (b.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
    endOfLastMatch = pos + searchLength;
  }
  const StringCell* sc = str(vm, string.get());
  if (endOfLastMatch < sc->length) b.append(sc, endOfLastMatch, sc->length);
  return b.finish(vm);
}

// §22.1.3.21 String.prototype.search ( regexp )
Value native_StringProto_search(VM& vm, CallInfo& info) {
  return delegateToRegExp(vm, info, WellKnown::search, "search", Value::undefined());
}

// §22.1.3.22 String.prototype.slice ( start, end )
Value native_StringProto_slice(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "slice")));
  Root endArg(vm.heap(), info.arg(1));
  double len = stringLength(vm, s.get());
  double start = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double from = start < 0 ? std::max(len + start, 0.0) : std::min(start, len);
  double end = len;
  if (!endArg.get().isUndefined()) end = KILN_TRY(toIntegerOrInfinity(vm, endArg.get())).toDouble();
  double to = end < 0 ? std::max(len + end, 0.0) : std::min(end, len);
  if (from >= to) return vm.atom(Atom::empty);
  return substring(vm, s.get(), uint32_t(from), uint32_t(to));
}

// §22.1.3.23 String.prototype.split ( separator, limit )
Value native_StringProto_split(VM& vm, CallInfo& info) {
  if (info.thisValue.isNullish()) return vm.throwTypeError("String.prototype.split called on null or undefined");
  Root separator(vm.heap(), info.arg(0)), limit(vm.heap(), info.arg(1));
  if (separator.get().isObject()) {
    Value splitter = KILN_TRY(getMethod(vm, separator.get(), vm.wellKnown(WellKnown::split)));
    if (!splitter.isUndefined()) {
      Value args[2] = {info.thisValue, limit.get()};
      return call(vm, splitter, separator.get(), args);
    }
  }
  Root s(vm.heap(), KILN_TRY(toString(vm, info.thisValue)));
  double lim = 4294967295.0;
  if (!limit.get().isUndefined()) lim = KILN_TRY(toUint32(vm, limit.get())).toDouble();
  Root r(vm.heap(), KILN_TRY(toString(vm, separator.get())));
  if (lim == 0) return newArray(vm, 0);
  Root out(vm.heap(), KILN_TRY(newArray(vm, 0)));
  if (separator.get().isUndefined()) {
    KILN_TRY_STATUS(arrayPush(vm, out.get(), s.get()));
    return out.get();
  }
  uint32_t sepLen = stringLength(vm, r.get());
  uint32_t len = stringLength(vm, s.get());
  if (sepLen == 0) {
    uint32_t count = uint32_t(std::min<double>(lim, len));
    for (uint32_t i = 0; i < count; i++) {
      Value u = KILN_TRY(unitString(vm, str(vm, s.get())->at(i)));
      KILN_TRY_STATUS(arrayPush(vm, out.get(), u));
    }
    return out.get();
  }
  if (len == 0) {
    KILN_TRY_STATUS(arrayPush(vm, out.get(), s.get()));
    return out.get();
  }
  uint32_t i = 0, pushed = 0;
  int64_t j = stringIndexOf(str(vm, s.get()), str(vm, r.get()), 0);
  while (j >= 0) {
    Value t = KILN_TRY(substring(vm, s.get(), i, uint32_t(j)));
    KILN_TRY_STATUS(arrayPush(vm, out.get(), t));
    if (++pushed == lim) return out.get();
    i = uint32_t(j) + sepLen;
    j = stringIndexOf(str(vm, s.get()), str(vm, r.get()), i);
  }
  Value t = KILN_TRY(substring(vm, s.get(), i, len));
  KILN_TRY_STATUS(arrayPush(vm, out.get(), t));
  return out.get();
}

// §22.1.3.24 String.prototype.startsWith ( searchString [ , position ] )
Value native_StringProto_startsWith(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "startsWith")));
  KILN_TRY_STATUS(rejectRegExp(vm, info.arg(0), "startsWith"));
  Root search(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  double len = stringLength(vm, s.get());
  double pos = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  double start = clampIndex(pos, len);
  const StringCell* sc = str(vm, s.get());
  const StringCell* needle = str(vm, search.get());
  if (needle->length == 0) return Value::boolean(true);
  if (start + needle->length > len) return Value::boolean(false);
  for (uint32_t i = 0; i < needle->length; i++)
    if (sc->at(uint32_t(start) + i) != needle->at(i)) return Value::boolean(false);
  return Value::boolean(true);
}

// §22.1.3.25 String.prototype.substring ( start, end )
Value native_StringProto_substring(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "substring")));
  Root endArg(vm.heap(), info.arg(1));
  double len = stringLength(vm, s.get());
  double start = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double end = len;
  if (!endArg.get().isUndefined()) end = KILN_TRY(toIntegerOrInfinity(vm, endArg.get())).toDouble();
  double a = clampIndex(start, len), b = clampIndex(end, len);
  return substring(vm, s.get(), uint32_t(std::min(a, b)), uint32_t(std::max(a, b)));
}

// §B.2.2.1 String.prototype.substr ( start, length )
Value native_StringProto_substr(VM& vm, CallInfo& info) {
  Root s(vm.heap(), KILN_TRY(thisToString(vm, info, "substr")));
  Root lengthArg(vm.heap(), info.arg(1));
  double size = stringLength(vm, s.get());
  double start = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (start == -INFINITY) start = 0;
  else if (start < 0) start = std::max(size + start, 0.0);
  else start = std::min(start, size);
  double length = size;
  if (!lengthArg.get().isUndefined()) length = KILN_TRY(toIntegerOrInfinity(vm, lengthArg.get())).toDouble();
  length = clampIndex(length, size);
  double end = std::min(start + length, size);
  if (start >= end) return vm.atom(Atom::empty);
  return substring(vm, s.get(), uint32_t(start), uint32_t(end));
}

// §22.1.3.28 toLowerCase / §22.1.3.30 toUpperCase; the toLocale* variants use
// the root locale.
Value native_StringProto_toLowerCase(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "toLowerCase"));
  return convertCase(vm, s, false);
}
Value native_StringProto_toUpperCase(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "toUpperCase"));
  return convertCase(vm, s, true);
}
Value native_StringProto_toLocaleLowerCase(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "toLocaleLowerCase"));
  return convertCase(vm, s, false);
}
Value native_StringProto_toLocaleUpperCase(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "toLocaleUpperCase"));
  return convertCase(vm, s, true);
}

// §22.1.3.29 String.prototype.toString / §22.1.3.35 valueOf
Value native_StringProto_toString(VM& vm, CallInfo& info) { return thisStringValue(vm, info.thisValue, "toString"); }
Value native_StringProto_valueOf(VM& vm, CallInfo& info) { return thisStringValue(vm, info.thisValue, "valueOf"); }

// §22.1.3.31 String.prototype.toWellFormed ( )
Value native_StringProto_toWellFormed(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "toWellFormed"));
  const StringCell* c = str(vm, s);
  if (!c->twoByte()) return s;
  StringBuilder b;
  bool changed = false;
  for (uint32_t i = 0; i < c->length;) {
    uint32_t units;
    char32_t cp = codePointAt(c, i, &units);
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      b.append(char16_t(0xFFFD));
      changed = true;
    } else {
      b.append(c, i, i + units);
    }
    i += units;
  }
  return changed ? b.finish(vm) : s;
}

// §22.1.3.32 - §22.1.3.34 trim, trimEnd, trimStart
Value native_StringProto_trim(VM& vm, CallInfo& info) { return trimString(vm, info, TrimWhere::Both, "trim"); }
Value native_StringProto_trimEnd(VM& vm, CallInfo& info) { return trimString(vm, info, TrimWhere::End, "trimEnd"); }
Value native_StringProto_trimStart(VM& vm, CallInfo& info) {
  return trimString(vm, info, TrimWhere::Start, "trimStart");
}

// §22.1.3.36 String.prototype [ @@iterator ] ( )
Value native_StringProto_iterator(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(thisToString(vm, info, "[Symbol.iterator]"));
  return newStringIterator(vm, s);
}

// %StringIteratorPrototype% lives in string_iterator.cpp.
void installStringIterator(VM& vm);
Value createStringIterator(VM& vm, Value s);

namespace {
Value newStringIterator(VM& vm, Value s) { return createStringIterator(vm, s); }
}  // namespace

// §22.1.2, §22.1.3: the constructor and the prototype (itself a String
// object whose [[StringData]] is the empty string).
void installString(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value protoV = newObjectOfKind(vm, CellKind::Primitive, sizeof(InternalObjectCell),
                                 vm.intrinsic(Intrinsic::ObjectPrototype));
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.cell<InternalObjectCell>(protoV)->internal[0] = vm.atom(Atom::empty);
  vm.setIntrinsic(Intrinsic::StringPrototype, protoV);
  Value ctorV = defineConstructor(vm, g.get(), "String", NativeId::StringCtor, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::String, ctorV);
  defineMethod(vm, ctor.get(), "fromCharCode", NativeId::String_fromCharCode);
  defineMethod(vm, ctor.get(), "fromCodePoint", NativeId::String_fromCodePoint);
  defineMethod(vm, ctor.get(), "raw", NativeId::String_raw);

  struct Fn { const char* name; NativeId id; };
  static constexpr Fn kMethods[] = {
      {"at", NativeId::StringProto_at},
      {"charAt", NativeId::StringProto_charAt},
      {"charCodeAt", NativeId::StringProto_charCodeAt},
      {"codePointAt", NativeId::StringProto_codePointAt},
      {"concat", NativeId::StringProto_concat},
      {"endsWith", NativeId::StringProto_endsWith},
      {"includes", NativeId::StringProto_includes},
      {"indexOf", NativeId::StringProto_indexOf},
      {"isWellFormed", NativeId::StringProto_isWellFormed},
      {"lastIndexOf", NativeId::StringProto_lastIndexOf},
      {"localeCompare", NativeId::StringProto_localeCompare},
      {"match", NativeId::StringProto_match},
      {"matchAll", NativeId::StringProto_matchAll},
      {"normalize", NativeId::StringProto_normalize},
      {"padEnd", NativeId::StringProto_padEnd},
      {"padStart", NativeId::StringProto_padStart},
      {"repeat", NativeId::StringProto_repeat},
      {"replace", NativeId::StringProto_replace},
      {"replaceAll", NativeId::StringProto_replaceAll},
      {"search", NativeId::StringProto_search},
      {"slice", NativeId::StringProto_slice},
      {"split", NativeId::StringProto_split},
      {"startsWith", NativeId::StringProto_startsWith},
      {"substring", NativeId::StringProto_substring},
      {"substr", NativeId::StringProto_substr},
      {"toLocaleLowerCase", NativeId::StringProto_toLocaleLowerCase},
      {"toLocaleUpperCase", NativeId::StringProto_toLocaleUpperCase},
      {"toLowerCase", NativeId::StringProto_toLowerCase},
      {"toString", NativeId::StringProto_toString},
      {"toUpperCase", NativeId::StringProto_toUpperCase},
      {"toWellFormed", NativeId::StringProto_toWellFormed},
      {"trim", NativeId::StringProto_trim},
      {"valueOf", NativeId::StringProto_valueOf},
  };
  for (const Fn& f : kMethods) {
    if (defineMethod(vm, proto.get(), f.name, f.id).isException()) return;
  }
  // Annex B: trimLeft/trimRight are the same function objects as
  // trimStart/trimEnd (§B.2.2.15, §B.2.2.16).
  Value trimStart = defineMethod(vm, proto.get(), "trimStart", NativeId::StringProto_trimStart);
  if (trimStart.isException()) return;
  defineProperty(vm, proto.get(), "trimLeft", trimStart);
  Value trimEnd = defineMethod(vm, proto.get(), "trimEnd", NativeId::StringProto_trimEnd);
  if (trimEnd.isException()) return;
  defineProperty(vm, proto.get(), "trimRight", trimEnd);
  if (defineMethod(vm, proto.get(), WellKnown::iterator, NativeId::StringProto_iterator).isException()) return;
  installStringIterator(vm);
}

}  // namespace kiln
