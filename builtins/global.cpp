// Value and function properties of the global object (ECMA-262 §19.1,
// §19.2) and Annex B's escape/unescape (§B.2.1). globalThis is defined by
// realm.cpp.
#include <cmath>
#include <string>
#include <string_view>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/number_conv.h"
#include "engine/strings.h"
#include "engine/unicode.h"

namespace kiln {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

int hexValue(char16_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isAsciiAlnum(char16_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

bool inSet(char16_t c, std::string_view set) { return c < 0x80 && set.find(char(c)) != std::string_view::npos; }

// §19.2.6.5 Encode ( string, extraUnescaped )
Value encode(VM& vm, Value input, std::string_view extraUnescaped) {
  Value s = KILN_TRY(toString(vm, input));
  std::u16string in = toUtf16(vm, s);
  std::u16string out;
  out.reserve(in.size());
  constexpr std::string_view kUriMark = "-_.!~*'()";
  for (size_t k = 0; k < in.size();) {
    char16_t c = in[k];
    if (isAsciiAlnum(c) || inSet(c, kUriMark) || inSet(c, extraUnescaped)) {
      out += c;
      k++;
      continue;
    }
    // CodePointAt: an unpaired surrogate cannot be encoded.
    char32_t cp = c;
    if (unicode::isLowSurrogate(c)) return vm.throwError(ErrorType::URIError, "URI malformed");
    if (unicode::isHighSurrogate(c)) {
      if (k + 1 >= in.size() || !unicode::isLowSurrogate(in[k + 1])) return vm.throwError(ErrorType::URIError, "URI malformed");
      cp = 0x10000 + ((char32_t(c) - 0xD800) << 10) + (char32_t(in[k + 1]) - 0xDC00);
      k += 2;
    } else {
      k += 1;
    }
    uint8_t octets[4];
    int n;
    if (cp < 0x80) {
      octets[0] = uint8_t(cp);
      n = 1;
    } else if (cp < 0x800) {
      octets[0] = uint8_t(0xC0 | (cp >> 6));
      octets[1] = uint8_t(0x80 | (cp & 0x3F));
      n = 2;
    } else if (cp < 0x10000) {
      octets[0] = uint8_t(0xE0 | (cp >> 12));
      octets[1] = uint8_t(0x80 | ((cp >> 6) & 0x3F));
      octets[2] = uint8_t(0x80 | (cp & 0x3F));
      n = 3;
    } else {
      octets[0] = uint8_t(0xF0 | (cp >> 18));
      octets[1] = uint8_t(0x80 | ((cp >> 12) & 0x3F));
      octets[2] = uint8_t(0x80 | ((cp >> 6) & 0x3F));
      octets[3] = uint8_t(0x80 | (cp & 0x3F));
      n = 4;
    }
    for (int i = 0; i < n; i++) {
      out += u'%';
      out += char16_t(kHexDigits[octets[i] >> 4]);
      out += char16_t(kHexDigits[octets[i] & 0xF]);
    }
  }
  return newString(vm, std::u16string_view(out));
}

// ParseHexOctet ( string, position ): -1 when the two code units are not hex digits.
int parseHexOctet(const std::u16string& s, size_t pos) {
  int hi = hexValue(s[pos]), lo = hexValue(s[pos + 1]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

// §19.2.6.6 Decode ( string, preserveEscapeSet )
Value decode(VM& vm, Value input, std::string_view preserveEscapeSet) {
  Value s = KILN_TRY(toString(vm, input));
  std::u16string in = toUtf16(vm, s);
  std::u16string out;
  out.reserve(in.size());
  size_t len = in.size();
  for (size_t k = 0; k < len; k++) {
    char16_t c = in[k];
    if (c != '%') {
      out += c;
      continue;
    }
    size_t start = k;
    if (k + 3 > len) return vm.throwError(ErrorType::URIError, "URI malformed");
    int b = parseHexOctet(in, k + 1);
    if (b < 0) return vm.throwError(ErrorType::URIError, "URI malformed");
    k += 2;
    if (b < 0x80) {
      if (inSet(char16_t(b), preserveEscapeSet)) out.append(in, start, 3);
      else out += char16_t(b);
      continue;
    }
    // The number of leading one bits gives the length of the UTF-8 sequence.
    int n = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0) return vm.throwError(ErrorType::URIError, "URI malformed");
    if (k + 3 * size_t(n - 1) >= len) return vm.throwError(ErrorType::URIError, "URI malformed");
    char32_t cp = char32_t(b) & (0xFF >> (n + 1));
    for (int j = 1; j < n; j++) {
      k++;
      if (in[k] != '%') return vm.throwError(ErrorType::URIError, "URI malformed");
      int cont = parseHexOctet(in, k + 1);
      if (cont < 0 || (cont & 0xC0) != 0x80) return vm.throwError(ErrorType::URIError, "URI malformed");
      cp = (cp << 6) | char32_t(cont & 0x3F);
      k += 2;
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return vm.throwError(ErrorType::URIError, "URI malformed");
    if (cp < 0x10000) {
      out += char16_t(cp);
    } else {
      cp -= 0x10000;
      out += char16_t(0xD800 + (cp >> 10));
      out += char16_t(0xDC00 + (cp & 0x3FF));
    }
  }
  return newString(vm, std::u16string_view(out));
}

constexpr std::string_view kUriReservedAndHash = ";/?:@&=+$,#";

}  // namespace

// §19.2.1 eval ( x ): indirect eval; direct eval is recognized by the
// interpreter (it compares the callee with Intrinsic::Eval).
Value native_Eval(VM& vm, CallInfo& info) { return performIndirectEval(vm, info.arg(0)); }

// §19.2.2 isFinite ( number )
Value native_IsFinite(VM& vm, CallInfo& info) {
  Value n = KILN_TRY(toNumber(vm, info.arg(0)));
  return Value::boolean(std::isfinite(n.toDouble()));
}

// §19.2.3 isNaN ( number )
Value native_IsNaN(VM& vm, CallInfo& info) {
  Value n = KILN_TRY(toNumber(vm, info.arg(0)));
  return Value::boolean(std::isnan(n.toDouble()));
}

// §19.2.4 parseFloat ( string )
Value native_ParseFloat(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  StringCell* c = str(vm, s);
  double d = c->twoByte() ? parseFloatPrefix(std::u16string_view(c->utf16(), c->length))
                          : parseFloatPrefix(std::string_view(reinterpret_cast<const char*>(c->latin1()), c->length));
  return Value::number(d);
}

// §19.2.5 parseInt ( string, radix )
Value native_ParseInt(VM& vm, CallInfo& info) {
  Root radixArg(vm.heap(), info.arg(1));
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Value r = KILN_TRY(toInt32(vm, radixArg));
  int radix = r.asInt();
  StringCell* c = str(vm, s);
  double d = c->twoByte() ? parseIntString(std::u16string_view(c->utf16(), c->length), radix)
                          : parseIntString(std::string_view(reinterpret_cast<const char*>(c->latin1()), c->length), radix);
  return Value::number(d);
}

// §19.2.6.1 decodeURI ( encodedURI )
Value native_DecodeURI(VM& vm, CallInfo& info) { return decode(vm, info.arg(0), kUriReservedAndHash); }

// §19.2.6.2 decodeURIComponent ( encodedURIComponent )
Value native_DecodeURIComponent(VM& vm, CallInfo& info) { return decode(vm, info.arg(0), ""); }

// §19.2.6.3 encodeURI ( uri )
Value native_EncodeURI(VM& vm, CallInfo& info) { return encode(vm, info.arg(0), kUriReservedAndHash); }

// §19.2.6.4 encodeURIComponent ( uriComponent )
Value native_EncodeURIComponent(VM& vm, CallInfo& info) { return encode(vm, info.arg(0), ""); }

// §B.2.1.1 escape ( string )
Value native_Escape(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  std::u16string in = toUtf16(vm, s);
  std::u16string out;
  out.reserve(in.size());
  for (char16_t c : in) {
    if (isAsciiAlnum(c) || inSet(c, "@*_+-./")) {
      out += c;
    } else if (c < 256) {
      out += u'%';
      out += char16_t(kHexDigits[c >> 4]);
      out += char16_t(kHexDigits[c & 0xF]);
    } else {
      out += u"%u";
      for (int shift = 12; shift >= 0; shift -= 4) out += char16_t(kHexDigits[(c >> shift) & 0xF]);
    }
  }
  return newString(vm, std::u16string_view(out));
}

// §B.2.1.2 unescape ( string )
Value native_Unescape(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  std::u16string in = toUtf16(vm, s);
  std::u16string out;
  out.reserve(in.size());
  size_t len = in.size();
  for (size_t k = 0; k < len; k++) {
    char16_t c = in[k];
    if (c == '%') {
      if (k + 6 <= len && in[k + 1] == 'u') {
        int a = hexValue(in[k + 2]), b = hexValue(in[k + 3]), d = hexValue(in[k + 4]), e = hexValue(in[k + 5]);
        if (a >= 0 && b >= 0 && d >= 0 && e >= 0) {
          out += char16_t((a << 12) | (b << 8) | (d << 4) | e);
          k += 5;
          continue;
        }
      }
      if (k + 3 <= len) {
        int a = hexValue(in[k + 1]), b = hexValue(in[k + 2]);
        if (a >= 0 && b >= 0) {
          out += char16_t((a << 4) | b);
          k += 2;
          continue;
        }
      }
    }
    out += c;
  }
  return newString(vm, std::u16string_view(out));
}

void installGlobal(VM& vm, Value global) {
  Root g(vm.heap(), global);
  // §19.1: the value properties are non-writable, non-enumerable, non-configurable.
  defineValue(vm, g, vm.atom(Atom::Infinity), Value::rawDouble(INFINITY), 0);
  defineValue(vm, g, vm.atom(Atom::NaN), Value::rawDouble(NAN), 0);
  defineValue(vm, g, vm.atom(Atom::undefined), Value::undefined(), 0);

  static constexpr struct { const char* name; NativeId id; } kFunctions[] = {
      {"eval", NativeId::Eval},
      {"isFinite", NativeId::IsFinite},
      {"isNaN", NativeId::IsNaN},
      {"parseFloat", NativeId::ParseFloat},
      {"parseInt", NativeId::ParseInt},
      {"decodeURI", NativeId::DecodeURI},
      {"decodeURIComponent", NativeId::DecodeURIComponent},
      {"encodeURI", NativeId::EncodeURI},
      {"encodeURIComponent", NativeId::EncodeURIComponent},
      {"escape", NativeId::Escape},
      {"unescape", NativeId::Unescape},
  };
  // Number.parseFloat / Number.parseInt are the same function objects (§21.1.2.12-13).
  Value number = vm.intrinsic(Intrinsic::Number);
  for (const auto& f : kFunctions) {
    if ((f.id == NativeId::ParseFloat || f.id == NativeId::ParseInt) && number.isObject()) {
      PropertyDescriptor d;
      Value key = keyFor(vm, f.name);
      if (key.isException()) return;
      if (ordinaryGetOwnProperty(vm, vm.intrinsic(Intrinsic::Number), key, &d) == Status::True && d.value.isObject()) {
        defineValue(vm, g, key, d.value, kMethodAttrs);
        continue;
      }
    }
    Value fn = defineMethod(vm, g, f.name, f.id);
    if (fn.isException()) return;
    if (f.id == NativeId::Eval) vm.setIntrinsic(Intrinsic::Eval, fn);
  }
}

}  // namespace kiln
