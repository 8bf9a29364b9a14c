// Pattern parser (§22.2.1, with the Annex B §B.1.2 grammar outside unicode
// mode) and the compiler from the parse tree to the program bytes described
// in regexp.h.
//
// The parser builds a small tree in a vector (indices, no pointers); the
// compiler walks it once. Both recurse only along group and class nesting,
// which the parser caps at kMaxNesting. Case-insensitive character sets are
// closed under Canonicalize at compile time, so the matcher tests membership
// only and never folds a character of a class or literal at run time.
#include "engine/regexp.h"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <set>

#include "engine/unicode.h"

namespace kiln::regexp {

using namespace detail;

namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kInfinity = UINT32_MAX;

// ---------------------------------------------------------------------------
// Code point sets.

struct Range {
  char32_t first, last;
};

class CharSet {
 public:
  void add(char32_t c) { addRange(c, c); }
  void addRange(char32_t a, char32_t b) {
    ranges_.push_back({a, b});
    normalized_ = false;
  }
  void addSet(const CharSet& other) {
    ranges_.insert(ranges_.end(), other.ranges_.begin(), other.ranges_.end());
    normalized_ = false;
  }
  const std::vector<Range>& ranges() const {
    normalize();
    return ranges_;
  }
  bool empty() const { return ranges().empty(); }
  bool contains(char32_t c) const {
    const auto& r = ranges();
    auto it = std::upper_bound(r.begin(), r.end(), c, [](char32_t v, const Range& x) { return v < x.first; });
    return it != r.begin() && c <= std::prev(it)->last;
  }
  uint64_t size() const {
    uint64_t n = 0;
    for (auto& r : ranges()) n += r.last - r.first + 1;
    return n;
  }
  CharSet complement(char32_t max) const {
    CharSet out;
    char32_t next = 0;
    for (auto& r : ranges()) {
      if (r.first > max) break;
      if (r.first > next) out.ranges_.push_back({next, r.first - 1});
      next = r.last + 1;
    }
    if (next <= max) out.ranges_.push_back({next, max});
    return out;
  }
  CharSet intersect(const CharSet& other) const {
    CharSet out;
    const auto& a = ranges();
    const auto& b = other.ranges();
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
      char32_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].last, b[j].last);
      if (lo <= hi) out.ranges_.push_back({lo, hi});
      if (a[i].last < b[j].last) ++i; else ++j;
    }
    return out;
  }
  CharSet subtract(const CharSet& other) const { return intersect(other.complement(kMaxCodePoint)); }

 private:
  void normalize() const {
    if (normalized_) return;
    std::sort(ranges_.begin(), ranges_.end(), [](const Range& x, const Range& y) { return x.first < y.first; });
    size_t out = 0;
    for (size_t i = 0; i < ranges_.size(); ++i) {
      if (out > 0 && ranges_[i].first <= ranges_[out - 1].last + 1) {
        ranges_[out - 1].last = std::max(ranges_[out - 1].last, ranges_[i].last);
      } else {
        ranges_[out++] = ranges_[i];
      }
    }
    ranges_.resize(out);
    normalized_ = true;
  }
  mutable std::vector<Range> ranges_;
  mutable bool normalized_ = true;
};

std::span<const tables::CaseMapping> caseTable(bool unicode) {
  return unicode ? tables::simpleCaseFolding() : tables::legacyUppercase();
}

// Every character whose canonical form is the canonical form of a member
// (§22.2.2.9 CharacterSetMatcher compares Canonicalize(a) with
// Canonicalize(ch)). Relies on Canonicalize being idempotent, which the table
// generator asserts.
CharSet caseClosure(const CharSet& set, bool unicode) {
  auto table = caseTable(unicode);
  CharSet out = set;
  for (auto& m : table)
    if (set.contains(m.from)) out.add(m.to);
  CharSet canon = out;  // now holds canon(s) for every s
  for (auto& m : table)
    if (canon.contains(m.to)) out.add(m.from);
  return out;
}

bool isSyntaxChar(char32_t c) {
  return c < 0x80 && std::strchr("^$\\.*+?()[]{}|", static_cast<char>(c)) != nullptr && c != 0;
}
bool isDecimal(char32_t c) { return c >= '0' && c <= '9'; }
int hexValue(char32_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}
bool isAsciiLetter(char32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool isSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }

CharSet digitSet() {
  CharSet s;
  s.addRange('0', '9');
  return s;
}
CharSet spaceSet() {
  CharSet s;
  for (char32_t c : {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
                     0xFEFF})
    s.add(c);
  s.addRange(0x2000, 0x200A);
  return s;
}
CharSet wordSet(bool extra) {
  CharSet s;
  s.addRange('a', 'z');
  s.addRange('A', 'Z');
  s.addRange('0', '9');
  s.add('_');
  if (extra) {  // WordCharacters with u/v and i: those that fold into [a-z]
    s.add(0x017F);
    s.add(0x212A);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Parse tree.

enum class NodeKind : uint8_t { Empty, Char, Set, Dot, Seq, Alt, Group, Look, Quant, BackRef, Assert };
enum class AssertKind : uint8_t { Start, End, WordBoundary, NotWordBoundary };

struct ClassData {
  CharSet set;
  std::vector<std::u32string> strings;  // v flag: multi-character strings (and the empty string)
  bool invert = false;
};

struct Node {
  NodeKind kind = NodeKind::Empty;
  bool ignoreCase = false;  // Char, Set, BackRef
  bool flag = false;        // Dot: dotAll; Assert: multiline; Look: negative
  bool backward = false;    // Look: lookbehind
  bool greedy = true;
  AssertKind assert = AssertKind::Start;
  char32_t ch = 0;
  uint32_t min = 0, max = 0;
  uint32_t group = 0;  // Group: capture index or kNone; BackRef: group
  uint32_t capFrom = 0, capTo = 0;
  uint32_t data = kNone;  // Set: index into classes
  std::vector<uint32_t> kids;
  std::u16string name;  // BackRef by name, resolved after parsing
};

struct Modifiers {
  bool ignoreCase, multiline, dotAll;
};

class Parser {
 public:
  Parser(std::u16string_view pattern, Flags flags) : flags_(flags), unicode_(flags.unicode || flags.unicodeSets) {
    // In unicode mode the pattern is a sequence of code points.
    for (size_t i = 0; i < pattern.size(); ++i) {
      char32_t c = pattern[i];
      if (unicode_ && unicode::isHighSurrogate(c) && i + 1 < pattern.size() &&
          unicode::isLowSurrogate(pattern[i + 1])) {
        c = 0x10000 + ((c - 0xD800) << 10) + (pattern[i + 1] - 0xDC00);
        ++i;
      }
      src_.push_back(c);
    }
    mods_ = {flags.ignoreCase, flags.multiline, flags.dotAll};
  }

  bool parse() {
    prescan();
    root_ = parseDisjunction(0);
    if (failed()) return false;
    if (pos_ < src_.size()) return fail(src_[pos_] == ')' ? "Unmatched ')'" : "Unexpected character");
    for (auto& n : nodes_) {
      if (n.kind == NodeKind::BackRef && !n.name.empty()) {
        auto it = std::find_if(names_.begin(), names_.end(), [&](auto& p) { return p.first == n.name; });
        if (it == names_.end()) return fail("Invalid named capture referenced");
        n.group = it->second;
      }
    }
    return true;
  }

  const std::string& error() const { return error_; }
  bool failed() const { return !error_.empty(); }

  Flags flags_;
  bool unicode_;
  std::vector<Node> nodes_;
  std::vector<ClassData> classes_;
  std::vector<std::pair<std::u16string, uint32_t>> names_;
  uint32_t captureCount_ = 0;
  uint32_t root_ = kNone;

 private:
  bool fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return false;
  }
  uint32_t failNode(std::string msg) {
    fail(std::move(msg));
    return kNone;
  }
  bool atEnd() const { return pos_ >= src_.size(); }
  char32_t peek(size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : char32_t(-1); }
  bool eat(char32_t c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  uint32_t newNode(NodeKind kind) {
    nodes_.push_back(Node{});
    nodes_.back().kind = kind;
    return static_cast<uint32_t>(nodes_.size() - 1);
  }
  uint32_t charNode(char32_t c) {
    uint32_t n = newNode(NodeKind::Char);
    nodes_[n].ch = c;
    nodes_[n].ignoreCase = mods_.ignoreCase;
    return n;
  }
  uint32_t setNode(ClassData data) {
    uint32_t n = newNode(NodeKind::Set);
    nodes_[n].data = static_cast<uint32_t>(classes_.size());
    nodes_[n].ignoreCase = mods_.ignoreCase;
    classes_.push_back(std::move(data));
    return n;
  }

  // Counts the capturing groups and finds whether any is named: decimal
  // escapes (Annex B) and \k depend on them before their groups are parsed.
  void prescan() {
    int classDepth = 0;
    for (size_t i = 0; i < src_.size(); ++i) {
      char32_t c = src_[i];
      if (c == '\\') {
        ++i;
      } else if (c == '[') {
        if (classDepth == 0 || flags_.unicodeSets) ++classDepth;
      } else if (c == ']') {
        if (classDepth > 0) --classDepth;
      } else if (c == '(' && classDepth == 0) {
        if (i + 1 < src_.size() && src_[i + 1] == '?') {
          if (i + 2 < src_.size() && src_[i + 2] == '<' && i + 3 < src_.size() && src_[i + 3] != '=' &&
              src_[i + 3] != '!') {
            ++totalCaptures_;
            hasNamedGroups_ = true;
          }
        } else {
          ++totalCaptures_;
        }
      }
    }
  }

  uint32_t parseDisjunction(int depth) {
    if (depth > kMaxNesting) return failNode("Regular expression too deeply nested");
    uint32_t first = parseAlternative(depth);
    if (failed()) return kNone;
    if (peek() != '|') return first;
    uint32_t alt = newNode(NodeKind::Alt);
    nodes_[alt].kids.push_back(first);
    while (eat('|')) {
      uint32_t next = parseAlternative(depth);
      if (failed()) return kNone;
      nodes_[alt].kids.push_back(next);
    }
    return alt;
  }

  uint32_t parseAlternative(int depth) {
    uint32_t seq = newNode(NodeKind::Seq);
    while (!atEnd() && peek() != '|' && peek() != ')') {
      uint32_t term = parseTerm(depth);
      if (failed()) return kNone;
      nodes_[seq].kids.push_back(term);
    }
    return seq;
  }

  // Reads {n}, {n,} or {n,m} at the cursor; leaves the cursor alone if the
  // text is not a braced quantifier.
  bool parseBraces(uint32_t* min, uint32_t* max) {
    size_t save = pos_;
    if (!eat('{')) return false;
    auto number = [&](uint32_t* out) {
      if (!isDecimal(peek())) return false;
      uint64_t v = 0;
      while (isDecimal(peek())) {
        v = std::min<uint64_t>(v * 10 + (peek() - '0'), kInfinity);
        ++pos_;
      }
      *out = static_cast<uint32_t>(v);
      return true;
    };
    if (!number(min)) {
      pos_ = save;
      return false;
    }
    *max = *min;
    if (eat(',')) {
      if (!number(max)) *max = kInfinity;
    }
    if (!eat('}')) {
      pos_ = save;
      return false;
    }
    return true;
  }

  uint32_t parseTerm(int depth) {
    char32_t c = peek();
    uint32_t atom = kNone;
    bool quantifiable = true;
    size_t capBefore = captureCount_;
    switch (c) {
      case '^':
      case '$': {
        ++pos_;
        atom = newNode(NodeKind::Assert);
        nodes_[atom].assert = c == '^' ? AssertKind::Start : AssertKind::End;
        nodes_[atom].flag = mods_.multiline;
        quantifiable = false;
        break;
      }
      case '\\': {
        if (peek(1) == 'b' || peek(1) == 'B') {
          bool negated = peek(1) == 'B';
          pos_ += 2;
          atom = newNode(NodeKind::Assert);
          nodes_[atom].assert = negated ? AssertKind::NotWordBoundary : AssertKind::WordBoundary;
          nodes_[atom].ignoreCase = mods_.ignoreCase;
          quantifiable = false;
          break;
        }
        ++pos_;
        atom = parseAtomEscape();
        break;
      }
      case '(': {
        ++pos_;
        atom = parseGroup(depth, &quantifiable);
        break;
      }
      case '*':
      case '+':
      case '?':
        return failNode("Nothing to repeat");
      case '{': {
        uint32_t a, b;
        if (parseBraces(&a, &b)) return failNode("Nothing to repeat");
        if (unicode_) return failNode("Lone quantifier brackets");
        ++pos_;
        atom = charNode(c);
        break;
      }
      case '}':
      case ']':
        if (unicode_) return failNode("Lone quantifier brackets");
        ++pos_;
        atom = charNode(c);
        break;
      case '[':
        ++pos_;
        atom = parseClass(depth);
        break;
      case '.':
        ++pos_;
        atom = newNode(NodeKind::Dot);
        nodes_[atom].flag = mods_.dotAll;
        break;
      default:
        ++pos_;
        atom = charNode(c);
        break;
    }
    if (failed()) return kNone;

    // Quantifier
    uint32_t min, max;
    char32_t q = peek();
    if (q == '*') {
      ++pos_, min = 0, max = kInfinity;
    } else if (q == '+') {
      ++pos_, min = 1, max = kInfinity;
    } else if (q == '?') {
      ++pos_, min = 0, max = 1;
    } else if (q == '{') {
      if (!parseBraces(&min, &max)) {
        if (unicode_) return failNode("Incomplete quantifier");
        return atom;
      }
      if (min > max) return failNode("numbers out of order in {} quantifier");
    } else {
      return atom;
    }
    if (!quantifiable) return failNode("Nothing to repeat");
    uint32_t quant = newNode(NodeKind::Quant);
    nodes_[quant].min = min;
    nodes_[quant].max = max;
    nodes_[quant].greedy = !eat('?');
    nodes_[quant].kids.push_back(atom);
    nodes_[quant].capFrom = static_cast<uint32_t>(capBefore) + 1;
    nodes_[quant].capTo = captureCount_ + 1;
    return quant;
  }

  uint32_t parseGroup(int depth, bool* quantifiable) {
    uint32_t group = kNone;
    Modifiers saved = mods_;
    if (eat('?')) {
      char32_t c = peek();
      if (c == '=' || c == '!') {
        ++pos_;
        uint32_t look = newNode(NodeKind::Look);
        nodes_[look].flag = c == '!';
        // Annex B: lookaheads are quantifiable outside unicode mode.
        *quantifiable = !unicode_;
        uint32_t body = parseDisjunction(depth + 1);
        if (failed()) return kNone;
        if (!eat(')')) return failNode("Unterminated group");
        nodes_[look].kids.push_back(body);
        return look;
      }
      if (c == '<' && (peek(1) == '=' || peek(1) == '!')) {
        bool negative = peek(1) == '!';
        pos_ += 2;
        uint32_t look = newNode(NodeKind::Look);
        nodes_[look].flag = negative;
        nodes_[look].backward = true;
        *quantifiable = false;
        uint32_t body = parseDisjunction(depth + 1);
        if (failed()) return kNone;
        if (!eat(')')) return failNode("Unterminated group");
        nodes_[look].kids.push_back(body);
        return look;
      }
      if (c == '<') {
        ++pos_;
        std::u16string name;
        if (!parseGroupName(&name)) return kNone;
        for (auto& [existing, index] : names_)
          if (existing == name) return failNode("Duplicate capture group name");
        group = ++captureCount_;
        names_.emplace_back(std::move(name), group);
      } else if (c == ':') {
        ++pos_;
      } else if (!parseModifiers()) {
        return kNone;
      }
    } else {
      group = ++captureCount_;
    }
    uint32_t body = parseDisjunction(depth + 1);
    mods_ = saved;
    if (failed()) return kNone;
    if (!eat(')')) return failNode("Unterminated group");
    uint32_t node = newNode(NodeKind::Group);
    nodes_[node].group = group;
    nodes_[node].kids.push_back(body);
    return node;
  }

  // (?ims-ims: ... ) — RegExp modifiers.
  bool parseModifiers() {
    auto readFlags = [&](uint32_t* bits) {
      while (peek() == 'i' || peek() == 'm' || peek() == 's') {
        uint32_t bit = peek() == 'i' ? 1 : peek() == 'm' ? 2 : 4;
        if (*bits & bit) return false;
        *bits |= bit;
        ++pos_;
      }
      return true;
    };
    uint32_t add = 0, remove = 0;
    if (!readFlags(&add)) return fail("Repeated flag in modifiers");
    if (eat('-')) {
      if (!readFlags(&remove)) return fail("Repeated flag in modifiers");
      if (remove == 0 && add == 0) return fail("Invalid group");
    }
    if (!eat(':')) return fail("Invalid group");
    if (add & remove) return fail("Repeated flag in modifiers");
    if (add & 1) mods_.ignoreCase = true;
    if (add & 2) mods_.multiline = true;
    if (add & 4) mods_.dotAll = true;
    if (remove & 1) mods_.ignoreCase = false;
    if (remove & 2) mods_.multiline = false;
    if (remove & 4) mods_.dotAll = false;
    return true;
  }

  // GroupName :: < RegExpIdentifierName >, after the '<'. Escapes are
  // unicode-mode escapes and surrogate pairs combine whatever the flags.
  bool parseGroupName(std::u16string* out) {
    bool first = true;
    for (;;) {
      if (atEnd()) return fail("Invalid capture group name");
      char32_t c = peek();
      if (c == '>') {
        ++pos_;
        break;
      }
      ++pos_;
      if (c == '\\') {
        if (!eat('u') || !parseUnicodeEscapeBody(true, &c)) return fail("Invalid Unicode escape");
      } else if (unicode::isHighSurrogate(c) && unicode::isLowSurrogate(peek())) {
        c = 0x10000 + ((c - 0xD800) << 10) + (peek() - 0xDC00);
        ++pos_;
      }
      bool ok = first ? unicode::isIdStart(c) : unicode::isIdContinue(c);
      if (!ok) return fail("Invalid capture group name");
      if (c >= 0x10000) {
        out->push_back(static_cast<char16_t>(0xD800 + ((c - 0x10000) >> 10)));
        out->push_back(static_cast<char16_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
      } else {
        out->push_back(static_cast<char16_t>(c));
      }
      first = false;
    }
    if (first) return fail("Invalid capture group name");
    return true;
  }

  // After "\u": XXXX (joining an escaped surrogate pair in unicode mode) or
  // {X...} in unicode mode. Leaves the cursor after "\u" on failure.
  bool parseUnicodeEscapeBody(bool unicodeMode, char32_t* out) {
    size_t save = pos_;
    if (unicodeMode && eat('{')) {
      uint32_t v = 0;
      bool any = false;
      while (hexValue(peek()) >= 0) {
        v = v * 16 + hexValue(peek());
        if (v > kMaxCodePoint) {
          pos_ = save;
          return false;
        }
        any = true;
        ++pos_;
      }
      if (!any || !eat('}')) {
        pos_ = save;
        return false;
      }
      *out = v;
      return true;
    }
    auto hex4 = [&](char32_t* v) {
      *v = 0;
      for (int i = 0; i < 4; ++i) {
        int h = hexValue(peek(i));
        if (h < 0) return false;
        *v = *v * 16 + h;
      }
      pos_ += 4;
      return true;
    };
    char32_t v;
    if (!hex4(&v)) return false;
    if (unicodeMode && unicode::isHighSurrogate(v) && peek() == '\\' && peek(1) == 'u') {
      size_t mark = pos_;
      pos_ += 2;
      char32_t low;
      if (hex4(&low) && unicode::isLowSurrogate(low)) {
        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
      } else {
        pos_ = mark;
      }
    }
    *out = v;
    return true;
  }

  // Annex B LegacyOctalEscapeSequence, starting at the first digit.
  char32_t parseLegacyOctal() {
    char32_t v = peek() - '0';
    ++pos_;
    if (peek() >= '0' && peek() <= '7') {
      v = v * 8 + (peek() - '0');
      ++pos_;
      if (v < 040 && peek() >= '0' && peek() <= '7') {
        v = v * 8 + (peek() - '0');
        ++pos_;
      }
    }
    return v;
  }

  // CharacterEscape after the backslash; the cursor is at the escape letter.
  // Returns false on a syntax error. Outside unicode mode `\c` without a
  // control letter is a literal backslash (the 'c' is left for the caller).
  bool parseCharacterEscape(bool inClass, char32_t* out) {
    char32_t c = peek();
    if (atEnd()) return fail("\\ at end of pattern");
    switch (c) {
      case 'f': ++pos_, *out = '\f'; return true;
      case 'n': ++pos_, *out = '\n'; return true;
      case 'r': ++pos_, *out = '\r'; return true;
      case 't': ++pos_, *out = '\t'; return true;
      case 'v': ++pos_, *out = '\v'; return true;
      case 'c':
        if (isAsciiLetter(peek(1))) {
          *out = peek(1) % 32;
          pos_ += 2;
          return true;
        }
        if (unicode_) return fail("Invalid unicode escape");
        if (inClass && (isDecimal(peek(1)) || peek(1) == '_')) {
          *out = peek(1) % 32;
          pos_ += 2;
          return true;
        }
        *out = '\\';  // the 'c' is read again as a literal
        return true;
      case 'x': {
        ++pos_;
        int h1 = hexValue(peek()), h2 = hexValue(peek(1));
        if (h1 >= 0 && h2 >= 0) {
          pos_ += 2;
          *out = h1 * 16 + h2;
          return true;
        }
        if (unicode_) return fail("Invalid escape");
        *out = 'x';
        return true;
      }
      case 'u': {
        ++pos_;
        if (parseUnicodeEscapeBody(unicode_, out)) return true;
        if (unicode_) return fail("Invalid Unicode escape");
        *out = 'u';
        return true;
      }
      case '0':
        if (!isDecimal(peek(1))) {
          ++pos_;
          *out = 0;
          return true;
        }
        if (unicode_) return fail("Invalid decimal escape");
        *out = parseLegacyOctal();
        return true;
      default:
        break;
    }
    if (unicode_) {
      if (isSyntaxChar(c) || c == '/' || (inClass && c == '-')) {
        ++pos_;
        *out = c;
        return true;
      }
      return fail("Invalid escape");
    }
    if (isDecimal(c)) {  // Annex B, in a class or a decimal escape beyond the group count
      if (c >= '8') {
        ++pos_;
        *out = c;
        return true;
      }
      *out = parseLegacyOctal();
      return true;
    }
    if (c == 'k' && hasNamedGroups_) return fail("Invalid named reference");
    ++pos_;
    *out = c;
    return true;
  }

  // \d \D \s \S \w \W \p{..} \P{..} at the cursor (the letter). Returns false
  // if the escape is not a class escape (nothing consumed) or on error.
  bool parseClassEscapeSet(CharSet* out, bool* isSet, std::vector<std::u32string>* strings = nullptr) {
    char32_t c = peek();
    *isSet = true;
    bool extra = unicode_ && mods_.ignoreCase;
    char32_t max = unicode_ ? kMaxCodePoint : 0xFFFF;
    switch (c) {
      case 'd': ++pos_, *out = digitSet(); return true;
      case 'D': ++pos_, *out = digitSet().complement(max); return true;
      case 's': ++pos_, *out = spaceSet(); return true;
      case 'S': ++pos_, *out = spaceSet().complement(max); return true;
      case 'w': ++pos_, *out = wordSet(extra); return true;
      case 'W': ++pos_, *out = wordSet(extra).complement(max); return true;
      case 'p':
      case 'P':
        if (!unicode_) break;
        ++pos_;
        if (!parseProperty(out, c == 'P' ? nullptr : strings)) return false;
        if (c == 'P') {
          // With v and i the complement is taken after case folding
          // (CharacterComplement of MaybeSimpleCaseFolding), so \P{Ll}
          // does not match 'A'; with u alone it is taken before.
          if (flags_.unicodeSets && mods_.ignoreCase) *out = caseClosure(*out, true);
          *out = out->complement(max);
        }
        return true;
      default:
        break;
    }
    *isSet = false;
    return true;
  }

  // \p{Name}, \p{Name=Value} after the 'p'. Properties of strings are
  // accepted only where `strings` can take them (v flag, not negated).
  bool parseProperty(CharSet* out, std::vector<std::u32string>* strings) {
    if (!eat('{')) return fail("Invalid property name");
    std::string name, value;
    bool hasValue = false;
    for (;;) {
      char32_t c = peek();
      if (c == '}') break;
      if (c == '=' && !hasValue) {
        hasValue = true;
        ++pos_;
        continue;
      }
      if (!(isAsciiLetter(c) || isDecimal(c) || c == '_')) return fail("Invalid property name");
      (hasValue ? value : name).push_back(static_cast<char>(c));
      ++pos_;
    }
    ++pos_;
    auto find = [](std::span<const tables::PropertyEntry> table, const std::string& key) -> const tables::PropertyEntry* {
      auto it = std::lower_bound(table.begin(), table.end(), key,
                                 [](const tables::PropertyEntry& e, const std::string& k) { return k.compare(e.name) > 0; });
      return it != table.end() && key == it->name ? &*it : nullptr;
    };
    auto addRanges = [&](uint32_t offset, uint32_t count) {
      auto data = tables::propertyRanges();
      for (uint32_t i = 0; i < count; ++i) {
        size_t at = (size_t(offset) + i) * 2;
        if (at + 1 < data.size()) out->addRange(data[at], data[at + 1]);
      }
    };
    const tables::PropertyEntry* e = nullptr;
    if (hasValue) {
      if (name == "General_Category" || name == "gc") {
        e = find(tables::generalCategories(), value);
        if (e) addRanges(e->offset, e->count);
      } else if (name == "Script" || name == "sc") {
        e = find(tables::scripts(), value);
        if (e) addRanges(e->offset, e->count);
      } else if (name == "Script_Extensions" || name == "scx") {
        e = find(tables::scripts(), value);
        if (e) addRanges(e->extOffset, e->extCount);
      }
      if (!e) return fail("Invalid property name");
      return true;
    }
    if ((e = find(tables::generalCategories(), name)) || (e = find(tables::binaryProperties(), name))) {
      addRanges(e->offset, e->count);
      return true;
    }
    if (strings && flags_.unicodeSets && (e = find(tables::stringProperties(), name))) {
      auto data = tables::stringData();
      for (size_t at = e->offset, end = size_t(e->offset) + e->count; at < end && at < data.size();) {
        size_t len = data[at];
        if (at + 1 + len > data.size()) break;
        if (len == 1) out->add(data[at + 1]);
        else strings->emplace_back(data.begin() + at + 1, data.begin() + at + 1 + len);
        at += 1 + len;
      }
      return true;
    }
    return fail("Invalid property name");
  }

  uint32_t parseAtomEscape() {
    char32_t c = peek();
    if (atEnd()) return failNode("\\ at end of pattern");
    if (c >= '1' && c <= '9') {
      size_t save = pos_;
      uint64_t n = 0;
      while (isDecimal(peek())) {
        n = std::min<uint64_t>(n * 10 + (peek() - '0'), kInfinity);
        ++pos_;
      }
      if (n <= totalCaptures_) {
        uint32_t ref = newNode(NodeKind::BackRef);
        nodes_[ref].group = static_cast<uint32_t>(n);
        nodes_[ref].ignoreCase = mods_.ignoreCase;
        return ref;
      }
      if (unicode_) return failNode("Invalid escape");
      pos_ = save;  // Annex B: identity escape or legacy octal
    }
    if (c == 'k' && (unicode_ || hasNamedGroups_)) {
      ++pos_;
      if (!eat('<')) return failNode("Invalid named reference");
      std::u16string name;
      if (!parseGroupName(&name)) {
        error_ = "Invalid named reference";
        return kNone;
      }
      uint32_t ref = newNode(NodeKind::BackRef);
      nodes_[ref].name = std::move(name);
      nodes_[ref].ignoreCase = mods_.ignoreCase;
      return ref;
    }
    CharSet set;
    bool isSet;
    std::vector<std::u32string> strings;
    if (!parseClassEscapeSet(&set, &isSet, &strings)) return kNone;
    if (isSet) return setNode(ClassData{std::move(set), std::move(strings), false});
    char32_t ch;
    if (!parseCharacterEscape(false, &ch)) return kNone;
    return charNode(ch);
  }

  // One ClassAtom of a non-v class: a character, or a set for a class escape.
  bool parseClassAtom(char32_t* ch, CharSet* set, bool* isSet) {
    *isSet = false;
    char32_t c = peek();
    ++pos_;
    if (c != '\\') {
      *ch = c;
      return true;
    }
    if (atEnd()) return fail("\\ at end of pattern");
    c = peek();
    if (c == 'b') {
      ++pos_;
      *ch = '\b';
      return true;
    }
    if (unicode_ && c == '-') {
      ++pos_;
      *ch = '-';
      return true;
    }
    if (!parseClassEscapeSet(set, isSet)) return false;
    if (*isSet) return true;
    if (unicode_ && isDecimal(c) && c != '0') return fail("Invalid class escape");
    if (c == 'k' && unicode_) return fail("Invalid escape");
    return parseCharacterEscape(true, ch);
  }

  uint32_t parseClass(int depth) {
    if (flags_.unicodeSets) {
      ClassData data;
      if (!parseClassSetExpression(depth, &data)) return kNone;
      return setNode(std::move(data));
    }
    ClassData data;
    data.invert = eat('^');
    for (;;) {
      if (atEnd()) return failNode("Unterminated character class");
      if (eat(']')) break;
      char32_t a, b;
      CharSet sa, sb;
      bool setA, setB;
      if (!parseClassAtom(&a, &sa, &setA)) return kNone;
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < src_.size()) {
        ++pos_;
        if (!parseClassAtom(&b, &sb, &setB)) return kNone;
        if (setA || setB) {
          if (unicode_) return failNode("Invalid character class");
          // Annex B: a class escape on either side makes '-' a literal.
          setA ? data.set.addSet(sa) : data.set.add(a);
          data.set.add('-');
          setB ? data.set.addSet(sb) : data.set.add(b);
          continue;
        }
        if (a > b) return failNode("Range out of order in character class");
        data.set.addRange(a, b);
        continue;
      }
      setA ? data.set.addSet(sa) : data.set.add(a);
    }
    return setNode(std::move(data));
  }

  // --- v flag: ClassSetExpression (§22.2.1 ClassContents[+UnicodeSetsMode]).
  // Strings are kept apart from the single characters; both are sets.
  struct SetValue {
    CharSet chars;
    std::set<std::u32string> strings;
  };

  static bool isSetSyntaxChar(char32_t c) {
    return c < 0x80 && c != 0 && std::strchr("()[]{}/-\\|", static_cast<char>(c)) != nullptr;
  }
  static bool isReservedDouble(char32_t c) {
    return c < 0x80 && c != 0 && std::strchr("&!#$%*+,.:;<=>?@^`~", static_cast<char>(c)) != nullptr;
  }

  // After '['; reads through the matching ']'.
  bool parseClassSetExpression(int depth, ClassData* out) {
    if (depth > kMaxNesting) return fail("Regular expression too deeply nested");
    bool invert = eat('^');
    SetValue acc;
    enum { None, Union, Intersection, Subtraction } mode = None;
    bool first = true;
    for (;;) {
      if (atEnd()) return fail("Unterminated character class");
      if (eat(']')) break;
      if (!first) {
        if (peek() == '&' && peek(1) == '&') {
          if (mode == Union || mode == Subtraction) return fail("Invalid set operation in character class");
          mode = Intersection;
          pos_ += 2;
          if (peek() == '&') return fail("Invalid character in character class");
          SetValue rhs;
          if (!parseClassSetOperand(depth, &rhs, nullptr)) return false;
          acc.chars = acc.chars.intersect(rhs.chars);
          std::set<std::u32string> both;
          for (auto& s : acc.strings)
            if (rhs.strings.count(s)) both.insert(s);
          acc.strings = std::move(both);
          continue;
        }
        if (peek() == '-' && peek(1) == '-') {
          if (mode == Union || mode == Intersection) return fail("Invalid set operation in character class");
          mode = Subtraction;
          pos_ += 2;
          SetValue rhs;
          if (!parseClassSetOperand(depth, &rhs, nullptr)) return false;
          acc.chars = acc.chars.subtract(rhs.chars);
          for (auto& s : rhs.strings) acc.strings.erase(s);
          continue;
        }
        if (mode == Intersection || mode == Subtraction) return fail("Invalid set operation in character class");
        mode = Union;
      }
      // An operand, or a range of characters in a union.
      SetValue operand;
      char32_t single = kNone;
      if (!parseClassSetOperand(depth, &operand, &single)) return false;
      if (single != kNone && peek() == '-' && peek(1) != '-') {
        ++pos_;
        SetValue rhs;
        char32_t last = kNone;
        if (!parseClassSetOperand(depth, &rhs, &last)) return false;
        if (last == kNone) return fail("Invalid character class");
        if (single > last) return fail("Range out of order in character class");
        operand.chars = CharSet();
        operand.chars.addRange(single, last);
        if (!first) mode = Union;
      }
      if (first) {
        acc = std::move(operand);
        first = false;
      } else {
        acc.chars.addSet(operand.chars);
        acc.strings.insert(operand.strings.begin(), operand.strings.end());
      }
    }
    if (invert && !acc.strings.empty()) return fail("Negated character class may contain strings");
    out->set = std::move(acc.chars);
    out->strings.assign(acc.strings.begin(), acc.strings.end());
    if (invert) {
      if (mods_.ignoreCase) out->set = caseClosure(out->set, true);
      out->set = out->set.complement(kMaxCodePoint);
    }
    return true;
  }

  // NestedClass, \q{...}, a class escape, or one ClassSetCharacter (then
  // *single is set, for ranges). Strings of one character join the chars.
  bool parseClassSetOperand(int depth, SetValue* out, char32_t* single) {
    if (atEnd()) return fail("Unterminated character class");
    char32_t c = peek();
    if (c == '[') {
      ++pos_;
      ClassData nested;
      if (!parseClassSetExpression(depth + 1, &nested)) return false;
      out->chars = std::move(nested.set);
      out->strings.insert(nested.strings.begin(), nested.strings.end());
      return true;
    }
    if (c == '\\') {
      ++pos_;
      if (atEnd()) return fail("\\ at end of pattern");
      char32_t e = peek();
      if (e == 'q') {
        ++pos_;
        if (!eat('{')) return fail("Invalid escape");
        std::u32string current;
        for (;;) {
          if (atEnd()) return fail("Unterminated character class");
          char32_t d = peek();
          if (d == '}' || d == '|') {
            ++pos_;
            if (current.size() == 1) out->chars.add(current[0]);
            else out->strings.insert(current);
            current.clear();
            if (d == '}') break;
            continue;
          }
          char32_t ch;
          if (!parseClassSetCharacter(&ch)) return false;
          current.push_back(ch);
        }
        return true;
      }
      CharSet set;
      bool isSet;
      std::vector<std::u32string> strings;
      if (!parseClassEscapeSet(&set, &isSet, &strings)) return false;
      if (isSet) {
        out->chars = std::move(set);
        out->strings.insert(strings.begin(), strings.end());
        return true;
      }
      --pos_;
    }
    char32_t ch;
    if (!parseClassSetCharacter(&ch)) return false;
    out->chars.add(ch);
    if (single) *single = ch;
    return true;
  }

  bool parseClassSetCharacter(char32_t* out) {
    char32_t c = peek();
    if (c == '\\') {
      ++pos_;
      if (atEnd()) return fail("\\ at end of pattern");
      char32_t e = peek();
      if (e == 'b') {
        ++pos_;
        *out = '\b';
        return true;
      }
      if (isReservedDouble(e) || e == '-') {  // ClassSetReservedPunctuator
        ++pos_;
        *out = e;
        return true;
      }
      if (isDecimal(e) && e != '0') return fail("Invalid class escape");
      return parseCharacterEscape(true, out);
    }
    if (isSetSyntaxChar(c)) return fail("Invalid character in character class");
    if (isReservedDouble(c) && peek(1) == c) return fail("Invalid set operation in character class");
    ++pos_;
    *out = c;
    return true;
  }

  std::vector<char32_t> src_;
  size_t pos_ = 0;
  Modifiers mods_;
  uint32_t totalCaptures_ = 0;
  bool hasNamedGroups_ = false;
  std::string error_;
};

// ---------------------------------------------------------------------------
// Code generation.

class Compiler {
 public:
  Compiler(Parser& p) : p_(p), unicode_(p.unicode_) {}

  void compile(std::vector<uint8_t>* out) {
    code_.clear();
    emitNode(p_.root_, false);
    emitOp(Op::Match);

    std::vector<uint8_t>& b = *out;
    b.assign(kHeaderSize, 0);
    std::memcpy(b.data(), kMagic, 4);
    uint32_t flagBits = 0;
    const Flags& f = p_.flags_;
    if (f.ignoreCase) flagBits |= kFlagIgnoreCase;
    if (f.multiline) flagBits |= kFlagMultiline;
    if (f.dotAll) flagBits |= kFlagDotAll;
    if (f.unicode) flagBits |= kFlagUnicode;
    if (f.unicodeSets) flagBits |= kFlagUnicodeSets;
    if (f.sticky) flagBits |= kFlagSticky;
    if (f.global) flagBits |= kFlagGlobal;
    if (f.hasIndices) flagBits |= kFlagHasIndices;
    uint32_t hints = 0;
    uint8_t bitmap[32] = {};
    bool nullable = firstUnits(p_.root_, bitmap);
    if (!nullable && !allUnits_) hints |= kHintFirstUnits;
    if (isAnchored(p_.root_)) hints |= kHintAnchored;
    put32(b, 4, static_cast<uint32_t>(kHeaderSize + code_.size()));
    put32(b, 8, flagBits);
    put32(b, 12, p_.captureCount_);
    put32(b, 16, registers_);
    put32(b, 20, hints);
    if (hints & kHintFirstUnits) std::memcpy(b.data() + 32, bitmap, 32);
    b.insert(b.end(), code_.begin(), code_.end());
  }

 private:
  static void put32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
    for (int i = 0; i < 4; ++i) v[at + i] = static_cast<uint8_t>(x >> (8 * i));
  }
  void emit8(uint8_t x) { code_.push_back(x); }
  void emit32(uint32_t x) {
    for (int i = 0; i < 4; ++i) code_.push_back(static_cast<uint8_t>(x >> (8 * i)));
  }
  void emitOp(Op op) { emit8(static_cast<uint8_t>(op)); }
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  void patch(uint32_t at, uint32_t x) {
    for (int i = 0; i < 4; ++i) code_[at + i] = static_cast<uint8_t>(x >> (8 * i));
  }
  uint32_t newRegister() { return registers_++; }

  const Node& node(uint32_t n) const { return p_.nodes_[n]; }

  // The set a single-character node matches, closed under case folding.
  CharSet charSetOf(const Node& n, bool* invert) {
    *invert = false;
    CharSet set;
    if (n.kind == NodeKind::Char) {
      set.add(n.ch);
    } else {
      const ClassData& data = p_.classes_[n.data];
      set = data.set;
      *invert = data.invert;
    }
    if (n.ignoreCase) set = caseClosure(set, unicode_);
    return set;
  }

  bool isSingleChar(const Node& n) const {
    if (n.kind == NodeKind::Char || n.kind == NodeKind::Dot) return true;
    return n.kind == NodeKind::Set && p_.classes_[n.data].strings.empty();
  }

  void emitTest(const Node& n) {
    if (n.kind == NodeKind::Dot) {
      emit8(n.flag ? kTestAnyAll : kTestAny);
      return;
    }
    bool invert;
    CharSet set = charSetOf(n, &invert);
    const auto& r = set.ranges();
    char32_t max = unicode_ ? kMaxCodePoint : 0xFFFF;
    if (!invert && r.size() == 1 && r[0].first == r[0].last) {
      emit8(kTestChar);
      emit32(r[0].first);
      return;
    }
    if (!invert && set.size() == 2) {
      emit8(kTestChar2);
      emit32(r[0].first);
      emit32(r.size() == 2 ? r[1].first : r[0].last);
      return;
    }
    if (r.size() == 1 && r[0].first == 0 && r[0].last >= max) {
      if (invert) {
        emit8(kTestNotClass);  // matches nothing
      } else {
        emit8(kTestAnyAll);
        return;
      }
    } else {
      emit8(invert ? kTestNotClass : kTestClass);
    }
    uint8_t bitmap[32] = {};
    std::vector<Range> high;
    for (auto& x : r) {
      for (char32_t c = x.first; c <= std::min<char32_t>(x.last, 255); ++c) bitmap[c >> 3] |= 1 << (c & 7);
      if (x.last >= 256) high.push_back({std::max<char32_t>(x.first, 256), x.last});
    }
    emit32(static_cast<uint32_t>(high.size()));
    code_.insert(code_.end(), bitmap, bitmap + 32);
    for (auto& x : high) {
      emit32(x.first);
      emit32(x.last);
    }
  }

  bool canBeEmpty(uint32_t n) const {
    const Node& x = node(n);
    switch (x.kind) {
      case NodeKind::Char:
      case NodeKind::Dot:
        return false;
      case NodeKind::Set: {
        const auto& d = p_.classes_[x.data];
        for (auto& s : d.strings)
          if (s.empty()) return true;
        return false;
      }
      case NodeKind::Seq:
        for (uint32_t k : x.kids)
          if (!canBeEmpty(k)) return false;
        return true;
      case NodeKind::Alt:
        for (uint32_t k : x.kids)
          if (canBeEmpty(k)) return true;
        return false;
      case NodeKind::Group:
        return canBeEmpty(x.kids[0]);
      case NodeKind::Quant:
        return x.min == 0 || canBeEmpty(x.kids[0]);
      default:
        return true;
    }
  }

  // A literal character that can join a String run: forward, no case
  // variants, and not a surrogate (which in unicode mode must not match half
  // of a pair).
  bool literalUnit(uint32_t n, char16_t* out) {
    const Node& x = node(n);
    if (x.kind != NodeKind::Char || x.ch > 0xFFFF || isSurrogate(x.ch)) return false;
    if (x.ignoreCase) {
      CharSet s;
      s.add(x.ch);
      if (caseClosure(s, unicode_).size() != 1) return false;
    }
    *out = static_cast<char16_t>(x.ch);
    return true;
  }

  void emitNode(uint32_t n, bool backward) {
    const Node& x = node(n);
    switch (x.kind) {
      case NodeKind::Empty:
        return;
      case NodeKind::Char:
      case NodeKind::Dot:
        emitOp(backward ? Op::CharBack : Op::Char);
        emitTest(x);
        return;
      case NodeKind::Set:
        emitClass(n, backward);
        return;
      case NodeKind::Seq: {
        size_t count = x.kids.size();
        if (backward) {
          for (size_t i = count; i-- > 0;) emitNode(x.kids[i], true);
          return;
        }
        for (size_t i = 0; i < count;) {
          std::u16string run;
          char16_t u;
          size_t j = i;
          while (j < count && literalUnit(x.kids[j], &u)) {
            run.push_back(u);
            ++j;
          }
          if (run.size() >= 2) {
            emitOp(Op::String);
            emit32(static_cast<uint32_t>(run.size()));
            for (char16_t ch : run) {
              emit8(static_cast<uint8_t>(ch));
              emit8(static_cast<uint8_t>(ch >> 8));
            }
            i = j;
          } else {
            emitNode(x.kids[i], false);
            ++i;
          }
        }
        return;
      }
      case NodeKind::Alt: {
        std::vector<uint32_t> toEnd;
        for (size_t i = 0; i < x.kids.size(); ++i) {
          uint32_t split = kNone;
          if (i + 1 < x.kids.size()) {
            emitOp(Op::SplitNext);
            split = here();
            emit32(0);
          }
          emitNode(x.kids[i], backward);
          if (i + 1 < x.kids.size()) {
            emitOp(Op::Jump);
            toEnd.push_back(here());
            emit32(0);
            patch(split, here());
          }
        }
        for (uint32_t at : toEnd) patch(at, here());
        return;
      }
      case NodeKind::Group: {
        if (x.group == kNone) {
          emitNode(x.kids[0], backward);
          return;
        }
        emitOp(Op::Save);
        emit32(x.group * 2 + (backward ? 1 : 0));
        emitNode(x.kids[0], backward);
        emitOp(Op::Save);
        emit32(x.group * 2 + (backward ? 0 : 1));
        return;
      }
      case NodeKind::Look: {
        uint32_t reg = newRegister();
        emitOp(Op::LookStart);
        emit32(reg);
        uint32_t cont = here();
        emit32(0);
        emit8(x.flag ? 1 : 0);
        emitNode(x.kids[0], x.backward);
        emitOp(x.flag ? Op::NegLookEnd : Op::LookEnd);
        emit32(reg);
        patch(cont, here());
        return;
      }
      case NodeKind::BackRef:
        emitOp(Op::BackRef);
        emit32(x.group);
        emit8((x.ignoreCase ? 1 : 0) | (backward ? 2 : 0));
        return;
      case NodeKind::Assert:
        switch (x.assert) {
          case AssertKind::Start: emitOp(x.flag ? Op::AssertLineStart : Op::AssertStart); break;
          case AssertKind::End: emitOp(x.flag ? Op::AssertLineEnd : Op::AssertEnd); break;
          case AssertKind::WordBoundary:
          case AssertKind::NotWordBoundary:
            emitOp(x.assert == AssertKind::WordBoundary ? Op::WordBoundary : Op::NotWordBoundary);
            emit8(unicode_ && x.ignoreCase ? 1 : 0);
            break;
        }
        return;
      case NodeKind::Quant:
        emitQuant(x, backward);
        return;
    }
  }

  // A v-mode class with strings matches the longest string first (§22.2.2.9
  // CompileAtom for ClassContents with strings), then single characters.
  void emitClass(uint32_t n, bool backward) {
    const Node& x = node(n);
    const ClassData& data = p_.classes_[x.data];
    if (data.strings.empty()) {
      emitOp(backward ? Op::CharBack : Op::Char);
      emitTest(x);
      return;
    }
    std::vector<const std::u32string*> strings;
    bool hasEmpty = false;
    for (auto& s : data.strings) {
      if (s.empty()) hasEmpty = true;
      else strings.push_back(&s);
    }
    std::stable_sort(strings.begin(), strings.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
    std::vector<uint32_t> toEnd;
    auto alternative = [&](auto&& body) {
      emitOp(Op::SplitNext);
      uint32_t split = here();
      emit32(0);
      body();
      emitOp(Op::Jump);
      toEnd.push_back(here());
      emit32(0);
      patch(split, here());
    };
    for (auto* s : strings) {
      alternative([&] {
        for (size_t i = 0; i < s->size(); ++i) {
          char32_t c = backward ? (*s)[s->size() - 1 - i] : (*s)[i];
          Node tmp;
          tmp.kind = NodeKind::Char;
          tmp.ch = c;
          tmp.ignoreCase = x.ignoreCase;
          emitOp(backward ? Op::CharBack : Op::Char);
          emitTest(tmp);
        }
      });
    }
    if (!data.set.empty()) {
      alternative([&] {
        emitOp(backward ? Op::CharBack : Op::Char);
        emitTest(x);
      });
    }
    if (!hasEmpty) emitOp(Op::Fail);
    for (uint32_t at : toEnd) patch(at, here());
  }

  void emitQuant(const Node& x, bool backward) {
    if (x.max == 0) return;  // RepeatMatcher with max 0 continues at once
    const Node& child = node(x.kids[0]);
    if (!backward && isSingleChar(child) && x.capFrom == x.capTo) {
      emitOp(Op::Star);
      emit32(x.min);
      emit32(x.max);
      emit8(x.greedy ? 1 : 0);
      emitTest(child);
      return;
    }
    bool nullable = canBeEmpty(x.kids[0]);
    bool hasCaptures = x.capFrom < x.capTo;
    if (x.min == 0 && x.max == 1 && !nullable) {
      // x? without the loop machinery: the body cannot match empty, so the
      // empty check never fires. Greedy tries the body first, lazy the skip.
      emitOp(x.greedy ? Op::SplitNext : Op::SplitJump);
      uint32_t split = here();
      emit32(0);
      if (hasCaptures) {
        emitOp(Op::Reset);
        emit32(x.capFrom * 2);
        emit32(x.capTo * 2);
      }
      emitNode(x.kids[0], backward);
      patch(split, here());
      return;
    }
    uint32_t countReg = newRegister();
    uint32_t posReg = nullable ? newRegister() : kNone;
    emitOp(Op::SetReg);
    emit32(countReg);
    emit32(0);
    uint32_t head = here();
    emitOp(Op::Loop);
    emit32(countReg);
    emit32(x.min);
    emit32(x.max);
    uint32_t exitAt = here();
    emit32(0);
    emit8(x.greedy ? 1 : 0);
    if (nullable) {
      emitOp(Op::SavePos);
      emit32(posReg);
    }
    if (hasCaptures) {
      emitOp(Op::Reset);
      emit32(x.capFrom * 2);
      emit32(x.capTo * 2);
    }
    emitNode(x.kids[0], backward);
    emitOp(Op::LoopEnd);
    emit32(countReg);
    emit32(posReg);
    emit32(x.min);
    emit32(head);
    patch(exitAt, here());
  }

  // Sets the filter bits of the code units that can start a match of `n`;
  // returns whether `n` can match without consuming anything.
  bool firstUnits(uint32_t n, uint8_t* bits) {
    const Node& x = node(n);
    auto addUnit = [&](char32_t u) { bits[(u & 0xFF) >> 3] |= 1 << (u & 7); };
    auto addRange = [&](char32_t a, char32_t b) {
      if (b >= 0x10000) {  // first units of the supplementary characters: high surrogates
        char32_t lo = std::max<char32_t>(a, 0x10000);
        for (char32_t h = 0xD800 + ((lo - 0x10000) >> 10); h <= 0xD800 + ((b - 0x10000) >> 10); ++h) addUnit(h);
        if (a >= 0x10000) return;
        b = 0xFFFF;
      }
      if (b - a >= 255) {
        allUnits_ = true;
        return;
      }
      for (char32_t c = a; c <= b; ++c) addUnit(c);
    };
    switch (x.kind) {
      case NodeKind::Empty:
      case NodeKind::Assert:
      case NodeKind::Look:
        return true;
      case NodeKind::Dot:
      case NodeKind::BackRef:
        allUnits_ = true;
        return x.kind == NodeKind::BackRef;
      case NodeKind::Char:
      case NodeKind::Set: {
        bool invert;
        CharSet set = charSetOf(x, &invert);
        if (invert) {
          allUnits_ = true;
        } else {
          for (auto& r : set.ranges()) addRange(r.first, r.last);
        }
        if (x.kind == NodeKind::Set) {
          for (auto& s : p_.classes_[x.data].strings) {
            if (s.empty()) return true;
            CharSet c;
            c.add(s[0]);
            if (x.ignoreCase) c = caseClosure(c, unicode_);
            for (auto& r : c.ranges()) addRange(r.first, r.last);
          }
        }
        return false;
      }
      case NodeKind::Seq:
        for (uint32_t k : x.kids)
          if (!firstUnits(k, bits)) return false;
        return true;
      case NodeKind::Alt: {
        bool nullable = false;
        for (uint32_t k : x.kids) nullable |= firstUnits(k, bits);
        return nullable;
      }
      case NodeKind::Group:
        return firstUnits(x.kids[0], bits);
      case NodeKind::Quant:
        if (x.max == 0) return true;
        return firstUnits(x.kids[0], bits) || x.min == 0;
    }
    return true;
  }

  // True when every match must begin at position 0: the pattern starts with ^
  // (without m) in every alternative.
  bool isAnchored(uint32_t n) const {
    const Node& x = node(n);
    switch (x.kind) {
      case NodeKind::Assert:
        return x.assert == AssertKind::Start && !x.flag;
      case NodeKind::Seq:
        return !x.kids.empty() && isAnchored(x.kids[0]);
      case NodeKind::Alt:
        for (uint32_t k : x.kids)
          if (!isAnchored(k)) return false;
        return true;
      case NodeKind::Group:
        return isAnchored(x.kids[0]);
      default:
        return false;
    }
  }

  Parser& p_;
  bool unicode_;
  std::vector<uint8_t> code_;
  uint32_t registers_ = 0;
  bool allUnits_ = false;
};

std::string toUtf8(std::u16string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char32_t c = s[i];
    if (unicode::isHighSurrogate(c) && i + 1 < s.size() && unicode::isLowSurrogate(s[i + 1])) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[++i] - 0xDC00);
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace

bool parseFlags(std::u16string_view flags, Flags* out) {
  Flags f;
  for (char16_t c : flags) {
    bool* slot = nullptr;
    switch (c) {
      case 'd': slot = &f.hasIndices; break;
      case 'g': slot = &f.global; break;
      case 'i': slot = &f.ignoreCase; break;
      case 'm': slot = &f.multiline; break;
      case 's': slot = &f.dotAll; break;
      case 'u': slot = &f.unicode; break;
      case 'v': slot = &f.unicodeSets; break;
      case 'y': slot = &f.sticky; break;
      default: return false;
    }
    if (*slot) return false;
    *slot = true;
  }
  if (f.unicode && f.unicodeSets) return false;
  *out = f;
  return true;
}

bool compile(std::u16string_view pattern, Flags flags, Program* out, std::string* error) {
  Parser parser(pattern, flags);
  if (!parser.parse()) {
    if (error) *error = parser.error();
    return false;
  }
  if (parser.captureCount_ > kMaxCaptures) {
    if (error) *error = "Too many capture groups";
    return false;
  }
  Compiler compiler(parser);
  out->bytes.clear();
  compiler.compile(&out->bytes);
  out->captureCount = parser.captureCount_;
  out->groupNames = std::move(parser.names_);
  return true;
}

bool validate(std::u16string_view pattern, std::u16string_view flags, std::string* message) {
  Flags f;
  if (!parseFlags(flags, &f)) {
    if (message) *message = fmt::format("Invalid regular expression flags '{}'", toUtf8(flags));
    return false;
  }
  Parser parser(pattern, f);
  if (!parser.parse()) {
    if (message) *message = fmt::format("Invalid regular expression: /{}/: {}", toUtf8(pattern), parser.error());
    return false;
  }
  return true;
}

}  // namespace kiln::regexp
