// Character classes of ECMA-262 source text (§12 ECMAScript Language: Lexical
// Grammar): identifier characters, white space and line terminators. ASCII is
// answered inline; the rest goes to range tables generated from the Unicode
// database (unicode_id.cpp).
#pragma once

#include <cstdint>

namespace kiln::unicode {

bool isIdStartSlow(char32_t c);
bool isIdContinueSlow(char32_t c);

inline bool isAsciiIdStart(char32_t c) {
  return (c | 0x20) - 'a' < 26u || c == '$' || c == '_';
}
inline bool isAsciiIdContinue(char32_t c) {
  return isAsciiIdStart(c) || c - '0' < 10u;
}
// IdentifierStartChar: UnicodeIDStart, $, _
inline bool isIdStart(char32_t c) {
  return c < 0x80 ? isAsciiIdStart(c) : isIdStartSlow(c);
}
// IdentifierPartChar: UnicodeIDContinue, $, ZWNJ, ZWJ
inline bool isIdContinue(char32_t c) {
  if (c < 0x80) return isAsciiIdContinue(c);
  return c == 0x200C || c == 0x200D || isIdContinueSlow(c);
}
inline bool isLineTerminator(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}
// WhiteSpace: TAB VT FF ZWNBSP and every Space_Separator (Zs).
inline bool isWhiteSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || c == '\t' || c == 0x0B || c == 0x0C;
  return c == 0xA0 || c == 0xFEFF || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

inline bool isHighSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
inline bool isLowSurrogate(char32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

}  // namespace kiln::unicode
