#include "engine/lexer.h"

#include "engine/number_conv.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "engine/unicode.h"

namespace kiln {

namespace {

struct KeywordEntry { std::u16string_view text; Kw kw; };

// Sorted by text for binary search.
constexpr KeywordEntry kKeywords[] = {
    {u"abstract", Kw::Abstract}, {u"accessor", Kw::Accessor}, {u"arguments", Kw::Arguments},
    {u"as", Kw::As}, {u"asserts", Kw::Asserts}, {u"async", Kw::Async}, {u"await", Kw::Await},
    {u"break", Kw::Break}, {u"case", Kw::Case}, {u"catch", Kw::Catch}, {u"class", Kw::Class},
    {u"const", Kw::Const}, {u"constructor", Kw::Constructor}, {u"continue", Kw::Continue},
    {u"debugger", Kw::Debugger}, {u"declare", Kw::Declare}, {u"default", Kw::Default},
    {u"delete", Kw::Delete}, {u"do", Kw::Do}, {u"else", Kw::Else}, {u"enum", Kw::Enum},
    {u"eval", Kw::Eval}, {u"export", Kw::Export}, {u"extends", Kw::Extends}, {u"false", Kw::False},
    {u"finally", Kw::Finally}, {u"for", Kw::For}, {u"from", Kw::From}, {u"function", Kw::Function},
    {u"get", Kw::Get}, {u"global", Kw::Global}, {u"if", Kw::If}, {u"implements", Kw::Implements},
    {u"import", Kw::Import}, {u"in", Kw::In}, {u"infer", Kw::Infer}, {u"instanceof", Kw::Instanceof},
    {u"interface", Kw::Interface}, {u"is", Kw::Is}, {u"keyof", Kw::Keyof}, {u"let", Kw::Let},
    {u"meta", Kw::Meta}, {u"module", Kw::Module}, {u"namespace", Kw::Namespace}, {u"new", Kw::New},
    {u"null", Kw::Null}, {u"of", Kw::Of}, {u"override", Kw::Override}, {u"package", Kw::Package},
    {u"private", Kw::Private}, {u"protected", Kw::Protected}, {u"public", Kw::Public},
    {u"readonly", Kw::Readonly}, {u"return", Kw::Return}, {u"satisfies", Kw::Satisfies},
    {u"set", Kw::Set}, {u"static", Kw::Static}, {u"super", Kw::Super}, {u"switch", Kw::Switch},
    {u"target", Kw::Target}, {u"this", Kw::This}, {u"throw", Kw::Throw}, {u"true", Kw::True},
    {u"try", Kw::Try}, {u"type", Kw::Type}, {u"typeof", Kw::Typeof}, {u"unique", Kw::Unique},
    {u"var", Kw::Var}, {u"void", Kw::Void}, {u"while", Kw::While}, {u"with", Kw::With},
    {u"yield", Kw::Yield},
};

int hexValue(char32_t c) {
  if (c >= '0' && c <= '9') return int(c - '0');
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return int((c | 0x20) - 'a' + 10);
  return -1;
}

void appendCodePoint(std::u16string& out, char32_t c) {
  if (c >= 0x10000) {
    c -= 0x10000;
    out.push_back(char16_t(0xD800 + (c >> 10)));
    out.push_back(char16_t(0xDC00 + (c & 0x3FF)));
  } else {
    out.push_back(char16_t(c));
  }
}

// Correctly rounded conversion of a binary/octal/hex digit string.
double radixToDouble(std::u16string_view digits, int bitsPerDigit) {
  uint64_t mant = 0;
  int exp = 0;
  bool sticky = false;
  for (char16_t ch : digits) {
    if (ch == '_') continue;
    uint64_t d = uint64_t(hexValue(ch));
    if (mant < (uint64_t(1) << (64 - bitsPerDigit))) {
      mant = mant << bitsPerDigit | d;
    } else {
      // The digit falls below the 64 bits we keep: it can only matter as a sticky bit.
      exp += bitsPerDigit;
      sticky |= d != 0;
    }
  }
  if (mant == 0) return 0;
  int bits = 64 - __builtin_clzll(mant);
  if (bits > 53) {
    int shift = bits - 53;
    uint64_t rem = mant & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    mant >>= shift;
    exp += shift;
    if (rem > half || (rem == half && (sticky || (mant & 1)))) ++mant;
  }
  return std::ldexp(double(mant), exp);
}

// Decimal digits of a BigInt given in radix 2/8/16.
std::string radixToDecimal(std::u16string_view digits, int radix) {
  std::vector<uint32_t> limbs;  // base 1e9, little endian
  for (char16_t ch : digits) {
    if (ch == '_') continue;
    uint64_t carry = uint64_t(hexValue(ch));
    for (auto& limb : limbs) {
      uint64_t v = uint64_t(limb) * uint64_t(radix) + carry;
      limb = uint32_t(v % 1000000000u);
      carry = v / 1000000000u;
    }
    while (carry) {
      limbs.push_back(uint32_t(carry % 1000000000u));
      carry /= 1000000000u;
    }
  }
  if (limbs.empty()) return "0";
  std::string out = std::to_string(limbs.back());
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

}  // namespace

namespace {

// For each first letter a..z, the range of kKeywords starting with it.
struct LetterIndex {
  uint8_t begin[27] = {};
  constexpr LetterIndex() {
    size_t n = std::size(kKeywords);
    for (int c = 0; c < 26; ++c) {
      size_t i = 0;
      while (i < n && kKeywords[i].text[0] < char16_t('a' + c)) ++i;
      begin[c] = uint8_t(i);
    }
    begin[26] = uint8_t(n);
  }
};
constexpr LetterIndex kLetterIndex;

}  // namespace

Kw keywordOf(std::u16string_view name) {
  if (name.size() < 2 || name.size() > 11) return Kw::None;
  char16_t first = name[0];
  if (first < 'a' || first > 'y') return Kw::None;
  int letter = first - 'a';
  for (size_t i = kLetterIndex.begin[letter]; i < kLetterIndex.begin[letter + 1]; ++i) {
    const auto& entry = kKeywords[i];
    if (entry.text.size() == name.size() && entry.text == name) return entry.kw;
  }
  return Kw::None;
}

const char* tokSpelling(Tok t) {
  switch (t) {
    case Tok::EOS: return "end of input";
    case Tok::Name: return "identifier";
    case Tok::PrivateName: return "private name";
    case Tok::Number: return "number";
    case Tok::BigInt: return "bigint";
    case Tok::String: return "string";
    case Tok::Template: return "template string";
    case Tok::RegExp: return "regular expression";
    case Tok::LBrace: return "{"; case Tok::RBrace: return "}";
    case Tok::LParen: return "("; case Tok::RParen: return ")";
    case Tok::LBracket: return "["; case Tok::RBracket: return "]";
    case Tok::Dot: return "."; case Tok::Ellipsis: return "...";
    case Tok::Semicolon: return ";"; case Tok::Comma: return ",";
    case Tok::Colon: return ":"; case Tok::Question: return "?";
    case Tok::QuestionDot: return "?."; case Tok::Arrow: return "=>"; case Tok::At: return "@";
    case Tok::Lt: return "<"; case Tok::Gt: return ">"; case Tok::Le: return "<="; case Tok::Ge: return ">=";
    case Tok::Eq: return "=="; case Tok::Ne: return "!="; case Tok::StrictEq: return "===";
    case Tok::StrictNe: return "!==";
    case Tok::Plus: return "+"; case Tok::Minus: return "-"; case Tok::Star: return "*";
    case Tok::Slash: return "/"; case Tok::Percent: return "%"; case Tok::StarStar: return "**";
    case Tok::Inc: return "++"; case Tok::Dec: return "--";
    case Tok::Shl: return "<<"; case Tok::Sar: return ">>"; case Tok::Shr: return ">>>";
    case Tok::BitAnd: return "&"; case Tok::BitOr: return "|"; case Tok::BitXor: return "^";
    case Tok::Not: return "!"; case Tok::BitNot: return "~";
    case Tok::And: return "&&"; case Tok::Or: return "||"; case Tok::Nullish: return "??";
    case Tok::Assign: return "="; case Tok::PlusAssign: return "+="; case Tok::MinusAssign: return "-=";
    case Tok::StarAssign: return "*="; case Tok::SlashAssign: return "/=";
    case Tok::PercentAssign: return "%="; case Tok::StarStarAssign: return "**=";
    case Tok::ShlAssign: return "<<="; case Tok::SarAssign: return ">>="; case Tok::ShrAssign: return ">>>=";
    case Tok::BitAndAssign: return "&="; case Tok::BitOrAssign: return "|=";
    case Tok::BitXorAssign: return "^="; case Tok::AndAssign: return "&&=";
    case Tok::OrAssign: return "||="; case Tok::NullishAssign: return "?\?=";
  }
  return "?";
}

void Lexer::fail(uint32_t offset, std::string message) const {
  throw SyntaxErrorException{offset, std::move(message)};
}

char32_t Lexer::codePointAt(uint32_t pos, uint32_t* len) const {
  char32_t c = src_[pos];
  *len = 1;
  if (unicode::isHighSurrogate(c) && pos + 1 < src_.size() && unicode::isLowSurrogate(src_[pos + 1])) {
    *len = 2;
    return 0x10000 + ((c - 0xD800) << 10) + (src_[pos + 1] - 0xDC00);
  }
  return c;
}

void Lexer::skipHashbang() {
  if (src_.size() >= 2 && src_[0] == '#' && src_[1] == '!') {
    pos_ = 2;
    while (!atEnd() && !unicode::isLineTerminator(src_[pos_])) ++pos_;
  }
}

bool Lexer::skipSpaceAndComments() {
  bool newline = pos_ == 0;  // `-->` at the very start counts as at a line start
  bool sawNewline = false;
  while (!atEnd()) {
    char16_t c = src_[pos_];
    if (c == ' ' || c == '\t') {
      ++pos_;
    } else if (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029) {
      ++pos_;
      newline = sawNewline = true;
    } else if (c == '/') {
      char16_t d = peekChar(1);
      if (d == '/') {
        pos_ += 2;
        while (!atEnd() && !unicode::isLineTerminator(src_[pos_])) ++pos_;
      } else if (d == '*') {
        uint32_t begin = pos_;
        pos_ += 2;
        for (;;) {
          if (atEnd()) fail(begin, "Unterminated comment");
          char16_t e = src_[pos_];
          if (e == '*' && peekChar(1) == '/') { pos_ += 2; break; }
          if (unicode::isLineTerminator(e)) newline = sawNewline = true;
          ++pos_;
        }
      } else {
        break;
      }
    } else if (c == '<' && !module_ && peekChar(1) == '!' && peekChar(2) == '-' && peekChar(3) == '-') {
      pos_ += 4;  // <!-- starts a single-line comment (Annex B, scripts only)
      while (!atEnd() && !unicode::isLineTerminator(src_[pos_])) ++pos_;
    } else if (c == '-' && newline && !module_ && peekChar(1) == '-' && peekChar(2) == '>') {
      pos_ += 3;
      while (!atEnd() && !unicode::isLineTerminator(src_[pos_])) ++pos_;
    } else if (c >= 0x80 && unicode::isWhiteSpace(c)) {
      ++pos_;
    } else if (c == 0x0B || c == 0x0C) {
      ++pos_;
    } else {
      break;
    }
  }
  return sawNewline;
}

void Lexer::next() {
  prevEnd_ = tok_.end;
  tok_.newlineBefore = skipSpaceAndComments();
  tok_.escaped = tok_.legacyOctal = false;
  tok_.kw = Kw::None;
  tok_.start = pos_;
  if (atEnd()) {
    tok_.type = Tok::EOS;
    tok_.end = pos_;
    tok_.source = {};
    return;
  }
  char16_t c = src_[pos_];
  if (unicode::isAsciiIdStart(c) || c == '\\' || (c >= 0x80 && !unicode::isLowSurrogate(c))) {
    scanIdentifier(false);
  } else if (c >= '0' && c <= '9') {
    scanNumber();
  } else if (c == '.' && peekChar(1) >= '0' && peekChar(1) <= '9') {
    scanNumber();
  } else if (c == '"' || c == '\'') {
    scanString(c);
  } else if (c == '`') {
    ++pos_;
    scanTemplate();
  } else if (c == '#') {
    ++pos_;
    if (atEnd()) fail(tok_.start, "Invalid or unexpected token");
    scanIdentifier(true);
  } else {
    scanPunctuator();
  }
  tok_.end = pos_;
  tok_.source = src_.substr(tok_.start, tok_.end - tok_.start);
}

uint32_t Lexer::readUnicodeEscape(uint32_t* cp) {
  // pos_ is at the character after "\u".
  uint32_t begin = pos_;
  *cp = uint32_t(-1);
  if (peekChar() == '{') {
    ++pos_;
    uint32_t v = 0;
    bool any = false;
    while (!atEnd() && hexValue(src_[pos_]) >= 0) {
      v = v * 16 + uint32_t(hexValue(src_[pos_]));
      if (v > 0x10FFFF) return pos_ - begin;
      any = true;
      ++pos_;
    }
    if (!any || peekChar() != '}') return pos_ - begin;
    ++pos_;
    *cp = v;
    return pos_ - begin;
  }
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    int h = atEnd() ? -1 : hexValue(src_[pos_]);
    if (h < 0) return pos_ - begin;
    v = v * 16 + uint32_t(h);
    ++pos_;
  }
  *cp = v;
  return pos_ - begin;
}

void Lexer::scanIdentifier(bool isPrivate) {
  tok_.type = isPrivate ? Tok::PrivateName : Tok::Name;
  uint32_t nameStart = pos_;
  bool first = true;
  bool escaped = false;
  std::u16string& value = tok_.value;
  while (!atEnd()) {
    char16_t c = src_[pos_];
    if (c < 0x80 && c != '\\') {
      if (first ? !unicode::isAsciiIdStart(c) : !unicode::isAsciiIdContinue(c)) break;
      if (escaped) value.push_back(c);
      ++pos_;
    } else if (c == '\\') {
      if (!escaped) {
        value.assign(src_.substr(nameStart, pos_ - nameStart));
        escaped = true;
      }
      uint32_t at = pos_;
      if (peekChar(1) != 'u') fail(at, "Invalid Unicode escape sequence");
      pos_ += 2;
      uint32_t cp;
      readUnicodeEscape(&cp);
      if (cp == uint32_t(-1) || !(first ? unicode::isIdStart(cp) : unicode::isIdContinue(cp)))
        fail(at, "Invalid Unicode escape sequence");
      appendCodePoint(value, cp);
    } else {
      uint32_t len;
      char32_t cp = codePointAt(pos_, &len);
      if (first ? !unicode::isIdStart(cp) : !unicode::isIdContinue(cp)) {
        if (first) fail(pos_, "Invalid or unexpected token");
        break;
      }
      if (escaped) value.append(src_.substr(pos_, len));
      pos_ += len;
    }
    first = false;
  }
  if (first) fail(tok_.start, "Invalid or unexpected token");
  tok_.escaped = escaped;
  if (!isPrivate) tok_.kw = keywordOf(escaped ? std::u16string_view(value) : src_.substr(nameStart, pos_ - nameStart));
}

void Lexer::scanNumber() {
  uint32_t start = pos_;
  tok_.type = Tok::Number;
  auto digitsWithSeparators = [&](auto isDigit) {
    // Returns the number of digits; separators only between digits.
    uint32_t count = 0;
    bool lastSep = false;
    while (!atEnd()) {
      char16_t c = src_[pos_];
      if (c == '_') {
        if (count == 0 || lastSep) fail(pos_, "Numeric separators are not allowed here");
        lastSep = true;
      } else if (isDigit(c)) {
        lastSep = false;
        ++count;
      } else {
        break;
      }
      ++pos_;
    }
    if (lastSep) fail(pos_ - 1, "Numeric separators are not allowed at the end of numeric literals");
    return count;
  };
  auto isDec = [](char16_t c) { return c >= '0' && c <= '9'; };
  auto finish = [&]() {
    if (!atEnd()) {
      uint32_t len;
      char32_t cp = codePointAt(pos_, &len);
      if (unicode::isIdStart(cp) || cp == '\\' || isDec(char16_t(cp)))
        fail(pos_, "Invalid or unexpected token");
    }
  };
  char16_t c0 = src_[pos_];
  char16_t c1 = peekChar(1) | 0x20;
  if (c0 == '0' && (c1 == 'x' || c1 == 'o' || c1 == 'b')) {
    int bits = c1 == 'x' ? 4 : c1 == 'o' ? 3 : 1;
    pos_ += 2;
    uint32_t digitsStart = pos_;
    uint32_t n = digitsWithSeparators([&](char16_t c) {
      int h = hexValue(c);
      return h >= 0 && h < (1 << bits) && (bits == 4 || isDec(c));
    });
    if (n == 0) fail(start, "Invalid or unexpected token");
    auto digits = src_.substr(digitsStart, pos_ - digitsStart);
    if (peekChar() == 'n') {
      ++pos_;
      tok_.type = Tok::BigInt;
      tok_.bigint = radixToDecimal(digits, 1 << bits);
    } else {
      tok_.number = radixToDouble(digits, bits);
    }
    finish();
    return;
  }
  if (c0 == '0' && peekChar(1) == '_') fail(pos_ + 1, "Numeric separator can not be used after leading 0.");
  if (c0 == '0' && isDec(peekChar(1))) {
    // LegacyOctalIntegerLiteral or NonOctalDecimalIntegerLiteral: no separators, no BigInt.
    tok_.legacyOctal = true;
    ++pos_;
    bool octal = true;
    while (!atEnd() && isDec(src_[pos_])) {
      if (src_[pos_] >= '8') octal = false;
      ++pos_;
    }
    if (octal) {
      tok_.number = radixToDouble(src_.substr(start + 1, pos_ - start - 1), 3);
      if (peekChar() == '_') fail(pos_, "Numeric separators are not allowed here");
      if (peekChar() == 'n') fail(start, "Invalid BigInt literal");
      finish();
      return;
    }
    // 08 / 09.5 / 08e1: a decimal literal with a leading zero.
  } else {
    digitsWithSeparators(isDec);
  }
  bool isInteger = true;
  if (peekChar() == '.') {
    isInteger = false;
    ++pos_;
    if (peekChar() == '_') fail(pos_, "Numeric separators are not allowed here");
    digitsWithSeparators(isDec);
  }
  if ((peekChar() | 0x20) == 'e') {
    isInteger = false;
    ++pos_;
    if (peekChar() == '+' || peekChar() == '-') ++pos_;
    if (digitsWithSeparators(isDec) == 0) fail(start, "Invalid or unexpected token");
  }
  std::string ascii;
  ascii.reserve(pos_ - start);
  for (uint32_t i = start; i < pos_; ++i)
    if (src_[i] != '_') ascii.push_back(char(src_[i]));
  if (peekChar() == 'n') {
    if (!isInteger || tok_.legacyOctal) fail(start, "Invalid BigInt literal");
    ++pos_;
    tok_.type = Tok::BigInt;
    size_t nz = ascii.find_first_not_of('0');
    tok_.bigint = nz == std::string::npos ? "0" : ascii.substr(nz);
    finish();
    return;
  }
  // Correctly rounded, with overflow to Infinity (from_chars reports
  // out-of-range and leaves its output untouched: 1e400 must be Infinity).
  tok_.number = stringToNumber(std::string_view(ascii));
  finish();
}

// Reads one escape sequence (pos_ just after the backslash) into `out`.
// Returns false when it is malformed; for templates *invalidAt is set instead
// of failing, since tagged templates accept invalid escapes.
bool Lexer::readEscape(std::u16string& out, bool inTemplate, uint32_t* invalidAt) {
  uint32_t at = pos_ - 1;
  auto invalid = [&](const char* message) {
    if (!inTemplate) fail(at, message);
    if (*invalidAt == UINT32_MAX) *invalidAt = at;
    return false;
  };
  if (atEnd()) fail(at, "Invalid or unexpected token");
  char16_t c = src_[pos_++];
  switch (c) {
    case 'n': out.push_back('\n'); return true;
    case 't': out.push_back('\t'); return true;
    case 'r': out.push_back('\r'); return true;
    case 'b': out.push_back('\b'); return true;
    case 'f': out.push_back('\f'); return true;
    case 'v': out.push_back('\v'); return true;
    case '\r':
      if (peekChar() == '\n') ++pos_;
      return true;
    case '\n': case 0x2028: case 0x2029:
      return true;
    case 'x': {
      int h1 = hexValue(peekChar()), h2 = h1 >= 0 ? hexValue(peekChar(1)) : -1;
      if (h1 < 0 || h2 < 0) return invalid("Invalid hexadecimal escape sequence");
      pos_ += 2;
      out.push_back(char16_t(h1 * 16 + h2));
      return true;
    }
    case 'u': {
      uint32_t cp;
      readUnicodeEscape(&cp);
      if (cp == uint32_t(-1)) return invalid("Invalid Unicode escape sequence");
      appendCodePoint(out, cp);
      return true;
    }
    case '0':
      if (!(peekChar() >= '0' && peekChar() <= '9')) {
        out.push_back(0);
        return true;
      }
      [[fallthrough]];
    case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      if (inTemplate) return invalid("Octal escape sequences are not allowed in template strings");
      // LegacyOctalEscapeSequence: up to three digits, the value at most 0o377.
      uint32_t v = c - '0';
      if (peekChar() >= '0' && peekChar() <= '7') {
        v = v * 8 + (src_[pos_++] - '0');
        if (c <= '3' && peekChar() >= '0' && peekChar() <= '7') v = v * 8 + (src_[pos_++] - '0');
      }
      if (!tok_.legacyOctal) tok_.octalEscapeOffset = at;
      tok_.legacyOctal = true;
      out.push_back(char16_t(v));
      return true;
    }
    case '8': case '9':
      if (inTemplate) return invalid("\\8 and \\9 are not allowed in template strings");
      if (!tok_.legacyOctal) tok_.octalEscapeOffset = at;
      tok_.legacyOctal = true;
      out.push_back(c);
      return true;
    default:
      if (unicode::isHighSurrogate(c) && unicode::isLowSurrogate(peekChar())) {
        out.push_back(c);
        out.push_back(src_[pos_++]);
        return true;
      }
      out.push_back(c);
      return true;
  }
}

void Lexer::scanString(char16_t quote) {
  tok_.type = Tok::String;
  tok_.value.clear();
  uint32_t start = pos_++;
  for (;;) {
    if (atEnd()) fail(start, "Invalid or unexpected token");
    char16_t c = src_[pos_];
    if (c == quote) { ++pos_; break; }
    if (c == '\\') {
      ++pos_;
      uint32_t unused = UINT32_MAX;
      readEscape(tok_.value, false, &unused);
    } else if (c == '\n' || c == '\r') {
      fail(start, "Invalid or unexpected token");
    } else {
      tok_.value.push_back(c);
      ++pos_;
    }
  }
}

void Lexer::scanTemplate() {
  // pos_ is just after the opening ` or the } closing a substitution.
  tok_.type = Tok::Template;
  tok_.value.clear();
  tok_.raw.clear();
  tok_.cookedValid = true;
  uint32_t invalidAt = UINT32_MAX;
  uint32_t start = tok_.start;
  for (;;) {
    if (atEnd()) fail(start, "Unterminated template literal");
    char16_t c = src_[pos_];
    if (c == '`') {
      ++pos_;
      tok_.templateTail = true;
      break;
    }
    if (c == '$' && peekChar(1) == '{') {
      pos_ += 2;
      tok_.templateTail = false;
      break;
    }
    if (c == '\\') {
      uint32_t escStart = pos_;
      ++pos_;
      readEscape(tok_.value, true, &invalidAt);
      for (uint32_t i = escStart; i < pos_; ++i) {
        char16_t r = src_[i];
        if (r == '\r') {
          if (i + 1 < pos_ && src_[i + 1] == '\n') ++i;
          r = '\n';
        }
        tok_.raw.push_back(r);
      }
    } else if (c == '\r') {
      ++pos_;
      if (peekChar() == '\n') ++pos_;
      tok_.value.push_back('\n');
      tok_.raw.push_back('\n');
    } else {
      tok_.value.push_back(c);
      tok_.raw.push_back(c);
      ++pos_;
    }
  }
  if (invalidAt != UINT32_MAX) {
    tok_.cookedValid = false;
    tok_.octalEscapeOffset = invalidAt;
  }
}

void Lexer::rescanTemplateContinuation() {
  // The current token is `}`; the template continues right after it.
  pos_ = tok_.start + 1;
  tok_.newlineBefore = false;
  scanTemplate();
  tok_.end = pos_;
  tok_.source = src_.substr(tok_.start, tok_.end - tok_.start);
}

void Lexer::rescanRegExp() {
  pos_ = tok_.start + 1;
  bool inClass = false;
  uint32_t bodyStart = pos_;
  for (;;) {
    if (atEnd() || unicode::isLineTerminator(src_[pos_]))
      fail(tok_.start, "Invalid regular expression: missing /");
    char16_t c = src_[pos_];
    if (c == '\\') {
      ++pos_;
      if (atEnd() || unicode::isLineTerminator(src_[pos_]))
        fail(tok_.start, "Invalid regular expression: missing /");
    } else if (c == '[') {
      inClass = true;
    } else if (c == ']') {
      inClass = false;
    } else if (c == '/' && !inClass) {
      break;
    }
    ++pos_;
  }
  tok_.value.assign(src_.substr(bodyStart, pos_ - bodyStart));
  ++pos_;
  uint32_t flagsStart = pos_;
  while (!atEnd()) {
    uint32_t len;
    char32_t cp = codePointAt(pos_, &len);
    if (cp == '\\') fail(pos_, "Invalid regular expression flags");
    if (!unicode::isIdContinue(cp)) break;
    pos_ += len;
  }
  tok_.raw.assign(src_.substr(flagsStart, pos_ - flagsStart));
  tok_.type = Tok::RegExp;
  tok_.end = pos_;
  tok_.source = src_.substr(tok_.start, tok_.end - tok_.start);
}

void Lexer::splitGreater() {
  pos_ = tok_.start + 1;
  tok_.type = Tok::Gt;
  tok_.end = pos_;
  tok_.source = src_.substr(tok_.start, 1);
}

void Lexer::scanPunctuator() {
  char16_t c = src_[pos_];
  char16_t c1 = peekChar(1), c2 = peekChar(2), c3 = peekChar(3);
  auto set = [&](Tok t, uint32_t len) { tok_.type = t; pos_ += len; };
  switch (c) {
    case '{': return set(Tok::LBrace, 1);
    case '}': return set(Tok::RBrace, 1);
    case '(': return set(Tok::LParen, 1);
    case ')': return set(Tok::RParen, 1);
    case '[': return set(Tok::LBracket, 1);
    case ']': return set(Tok::RBracket, 1);
    case ';': return set(Tok::Semicolon, 1);
    case ',': return set(Tok::Comma, 1);
    case ':': return set(Tok::Colon, 1);
    case '~': return set(Tok::BitNot, 1);
    case '@': return set(Tok::At, 1);
    case '.':
      if (c1 == '.' && c2 == '.') return set(Tok::Ellipsis, 3);
      return set(Tok::Dot, 1);
    case '?':
      if (c1 == '?') return c2 == '=' ? set(Tok::NullishAssign, 3) : set(Tok::Nullish, 2);
      if (c1 == '.' && !(c2 >= '0' && c2 <= '9')) return set(Tok::QuestionDot, 2);
      return set(Tok::Question, 1);
    case '<':
      if (c1 == '<') return c2 == '=' ? set(Tok::ShlAssign, 3) : set(Tok::Shl, 2);
      return c1 == '=' ? set(Tok::Le, 2) : set(Tok::Lt, 1);
    case '>':
      if (c1 == '>') {
        if (c2 == '>') return c3 == '=' ? set(Tok::ShrAssign, 4) : set(Tok::Shr, 3);
        return c2 == '=' ? set(Tok::SarAssign, 3) : set(Tok::Sar, 2);
      }
      return c1 == '=' ? set(Tok::Ge, 2) : set(Tok::Gt, 1);
    case '=':
      if (c1 == '>') return set(Tok::Arrow, 2);
      if (c1 == '=') return c2 == '=' ? set(Tok::StrictEq, 3) : set(Tok::Eq, 2);
      return set(Tok::Assign, 1);
    case '!':
      if (c1 == '=') return c2 == '=' ? set(Tok::StrictNe, 3) : set(Tok::Ne, 2);
      return set(Tok::Not, 1);
    case '+':
      if (c1 == '+') return set(Tok::Inc, 2);
      return c1 == '=' ? set(Tok::PlusAssign, 2) : set(Tok::Plus, 1);
    case '-':
      if (c1 == '-') return set(Tok::Dec, 2);
      return c1 == '=' ? set(Tok::MinusAssign, 2) : set(Tok::Minus, 1);
    case '*':
      if (c1 == '*') return c2 == '=' ? set(Tok::StarStarAssign, 3) : set(Tok::StarStar, 2);
      return c1 == '=' ? set(Tok::StarAssign, 2) : set(Tok::Star, 1);
    case '/': return c1 == '=' ? set(Tok::SlashAssign, 2) : set(Tok::Slash, 1);
    case '%': return c1 == '=' ? set(Tok::PercentAssign, 2) : set(Tok::Percent, 1);
    case '&':
      if (c1 == '&') return c2 == '=' ? set(Tok::AndAssign, 3) : set(Tok::And, 2);
      return c1 == '=' ? set(Tok::BitAndAssign, 2) : set(Tok::BitAnd, 1);
    case '|':
      if (c1 == '|') return c2 == '=' ? set(Tok::OrAssign, 3) : set(Tok::Or, 2);
      return c1 == '=' ? set(Tok::BitOrAssign, 2) : set(Tok::BitOr, 1);
    case '^': return c1 == '=' ? set(Tok::BitXorAssign, 2) : set(Tok::BitXor, 1);
    default: break;
  }
  fail(pos_, "Invalid or unexpected token");
}

}  // namespace kiln
