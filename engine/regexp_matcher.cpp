// The backtracking matcher (§22.2.2 pattern semantics) over the program bytes
// described in regexp.h.
//
// The spec's continuation-passing matchers become one loop over a program
// and an explicit backtrack stack. Entries on that stack are choice points
// (where to resume and at which position) and undo records (the previous
// value of a capture slot or register), so backtracking is: pop, undo, resume
// at the first choice point. A lookaround pushes a marker; when its body
// succeeds the choice points above the marker are dropped (the body is
// atomic, §22.2.2.4 Assertion :: (?= Disjunction)) while the undo records stay,
// so backtracking past the lookaround still restores the captures it set.
//
// The program may come from an image: every operand is checked before use and
// a malformed program gives NoMatch. Work is bounded by kStepLimit steps and
// kMaxStackEntries backtrack entries (LimitExceeded).
#include <time.h>

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

#include "engine/regexp.h"
#include "engine/unicode.h"

namespace kiln::regexp {

using namespace detail;

namespace {

// Roughly a second of matching; shared by all start positions of a search.
constexpr uint64_t kStepLimit = 200'000'000;
constexpr size_t kMaxStackEntries = size_t(1) << 22;  // 64 MiB of entries

uint32_t read32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

bool isLineTerminator(char32_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }

struct ProgramView {
  const uint8_t* code = nullptr;
  uint32_t codeSize = 0;
  uint32_t flags = 0;
  uint32_t captureCount = 0;
  uint32_t registerCount = 0;
  uint32_t hints = 0;
  const uint8_t* firstUnits = nullptr;

  bool unicode() const { return flags & (kFlagUnicode | kFlagUnicodeSets); }
};

bool openProgram(const uint8_t* p, size_t size, ProgramView* v) {
  if (!p || size < kHeaderSize || std::memcmp(p, kMagic, 4) != 0) return false;
  if (read32(p + 4) != size) return false;
  v->flags = read32(p + 8);
  v->captureCount = read32(p + 12);
  v->registerCount = read32(p + 16);
  v->hints = read32(p + 20);
  if (v->captureCount > kMaxCaptures || v->registerCount > kMaxRegisters) return false;
  v->firstUnits = p + 32;
  v->code = p + kHeaderSize;
  v->codeSize = static_cast<uint32_t>(size - kHeaderSize);
  return true;
}

// Size of the character test at code[at], 0 if it is malformed.
size_t testSize(const ProgramView& prog, uint32_t at) {
  if (at >= prog.codeSize) return 0;
  size_t avail = prog.codeSize - at;
  switch (prog.code[at]) {
    case kTestChar: return avail >= 5 ? 5 : 0;
    case kTestChar2: return avail >= 9 ? 9 : 0;
    case kTestClass:
    case kTestNotClass: {
      if (avail < 37) return 0;
      uint64_t n = read32(prog.code + at + 1);
      uint64_t size = 37 + 8 * n;
      return size <= avail ? static_cast<size_t>(size) : 0;
    }
    case kTestAny:
    case kTestAnyAll: return 1;
    default: return 0;
  }
}

// Whether c passes the (already size-checked) test at t.
bool testMatches(const uint8_t* t, char32_t c) {
  switch (t[0]) {
    case kTestChar: return c == read32(t + 1);
    case kTestChar2: return c == read32(t + 1) || c == read32(t + 5);
    case kTestClass:
    case kTestNotClass: {
      bool in;
      if (c < 256) {
        in = (t[5 + (c >> 3)] >> (c & 7)) & 1;
      } else {
        // Binary search over the [first,last] pairs of characters >= 256.
        uint32_t lo = 0, hi = read32(t + 1);
        const uint8_t* pairs = t + 37;
        in = false;
        while (lo < hi) {
          uint32_t mid = lo + (hi - lo) / 2;
          char32_t first = read32(pairs + 8 * mid), last = read32(pairs + 8 * mid + 4);
          if (c < first) {
            hi = mid;
          } else if (c > last) {
            lo = mid + 1;
          } else {
            in = true;
            break;
          }
        }
      }
      return in != (t[0] == kTestNotClass);
    }
    case kTestAny: return !isLineTerminator(c);
    default: return true;  // kTestAnyAll
  }
}

bool isWordChar(char32_t c, bool extra) {
  return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_' || (extra && (c == 0x017F || c == 0x212A));
}

enum class EntryKind : uint32_t { Choice, RestoreCapture, RestoreReg, PosMarker, NegMarker, GreedyBack, LazyForward };

// Choice: a = pc, b = position. Restore*: a = index, b = old value.
// Markers: a = continuation pc, b = position at the lookaround.
// GreedyBack (a greedy Star giving back characters): a = continuation pc,
// b = lowest position, c = current position.
// LazyForward (a lazy Star taking more): a = pc of the Star, b = position,
// c = count so far.
struct Entry {
  EntryKind kind;
  uint32_t a;
  int32_t b;
  int32_t c;
};

// A vector with inline storage, so that matching small patterns on short
// inputs does not allocate.
template <class T, size_t N>
class InlineStack {
 public:
  size_t size() const { return size_; }
  T& operator[](size_t i) { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  void clear() { size_ = 0; }
  void shrink(size_t n) { size_ = n; }
  bool push(const T& v, size_t max) {
    if (size_ == capacity_ && !grow(max)) return false;
    data_[size_++] = v;
    return true;
  }
  bool resize(size_t n, size_t max) {
    while (capacity_ < n)
      if (!grow(max)) return false;
    size_ = n;
    return true;
  }
  T* data() { return data_; }

 private:
  bool grow(size_t max) {
    if (capacity_ >= max) return false;
    size_t next = std::min(max, capacity_ * 2);
    if (heap_.empty()) {
      heap_.assign(inline_, inline_ + size_);
    }
    heap_.resize(next);
    data_ = heap_.data();
    capacity_ = next;
    return true;
  }
  T inline_[N];
  std::vector<T> heap_;
  T* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = N;
};

template <class CharT, bool kUnicode>
class Matcher {
 public:
  Matcher(const ProgramView& prog, const CharT* input, size_t length, int32_t* captures)
      : prog_(prog), code_(prog.code), input_(input), length_(length), captures_(captures),
        slots_(2 * (prog.captureCount + 1)) {}

  MatchStatus run(size_t start);
  bool corrupt() const { return corrupt_; }
  void setDeadline(uint64_t ns) { deadlineNs_ = ns; }

 private:
  // Reads the character at pos (forward) or before pos (backward); in
  // unicode mode a surrogate pair is one character.
  bool readForward(size_t pos, char32_t* c, size_t* width) const {
    if (pos >= length_) return false;
    *c = input_[pos];
    *width = 1;
    if constexpr (kUnicode && sizeof(CharT) == 2) {
      if (unicode::isHighSurrogate(*c) && pos + 1 < length_ && unicode::isLowSurrogate(input_[pos + 1])) {
        *c = 0x10000 + ((*c - 0xD800) << 10) + (input_[pos + 1] - 0xDC00);
        *width = 2;
      }
    }
    return true;
  }
  bool readBackward(size_t pos, char32_t* c, size_t* width) const {
    if (pos == 0 || pos > length_) return false;
    *c = input_[pos - 1];
    *width = 1;
    if constexpr (kUnicode && sizeof(CharT) == 2) {
      if (unicode::isLowSurrogate(*c) && pos >= 2 && unicode::isHighSurrogate(input_[pos - 2])) {
        *c = 0x10000 + ((input_[pos - 2] - 0xD800) << 10) + (*c - 0xDC00);
        *width = 2;
      }
    }
    return true;
  }
  // Reads within [lo, hi) only, for backreferences.
  bool readIn(size_t pos, size_t hi, char32_t* c, size_t* width) const {
    if (pos >= hi) return false;
    if (!readForward(pos, c, width)) return false;
    if (pos + *width > hi) *c = input_[pos], *width = 1;
    return true;
  }
  bool readBackIn(size_t pos, size_t lo, char32_t* c, size_t* width) const {
    if (pos <= lo) return false;
    if (!readBackward(pos, c, width)) return false;
    if (pos - *width < lo) *c = input_[pos - 1], *width = 1;
    return true;
  }

  bool backReference(uint32_t group, bool ignoreCase, bool backward, size_t* pos) const;

  // The code unit that the instruction at pc must consume first, if it is a
  // plain literal (a single code unit, not a surrogate).
  bool literalAfter(uint32_t pc, char32_t* unit) const {
    if (pc >= prog_.codeSize) return false;
    Op op = static_cast<Op>(code_[pc]);
    if (op == Op::Char && testSize(prog_, pc + 1) && code_[pc + 1] == kTestChar) {
      *unit = read32(code_ + pc + 2);
    } else if (op == Op::String && uint64_t(pc) + 7 <= prog_.codeSize && read32(code_ + pc + 1) > 0) {
      *unit = char32_t(code_[pc + 5] | code_[pc + 6] << 8);
    } else {
      return false;
    }
    return *unit < 0xD800 || (*unit > 0xDFFF && *unit <= 0xFFFF);
  }

  bool push(EntryKind kind, uint32_t a, int32_t b, int32_t c = 0) {
    return stack_.push(Entry{kind, a, b, c}, kMaxStackEntries);
  }

  const ProgramView& prog_;
  const uint8_t* code_;
  const CharT* input_;
  size_t length_;
  int32_t* captures_;
  uint32_t slots_;
  InlineStack<Entry, 256> stack_;
  InlineStack<int32_t, 32> regs_;
  uint64_t steps_ = 0;
  uint64_t deadlineNs_ = 0;
  bool corrupt_ = false;

  // Every step: the step limit, and every 64K steps the host's deadline.
  MatchStatus overBudget() {
    ++steps_;
    if (steps_ > kStepLimit) [[unlikely]]
      return MatchStatus::LimitExceeded;
    if ((steps_ & 0xFFFF) == 0 && deadlineNs_ != 0 && monotonicNs() >= deadlineNs_) [[unlikely]]
      return MatchStatus::TimedOut;
    return MatchStatus::Match;  // within budget
  }
  static uint64_t monotonicNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  }
};

template <class CharT, bool kUnicode>
bool Matcher<CharT, kUnicode>::backReference(uint32_t group, bool ignoreCase, bool backward, size_t* pos) const {
  int32_t s = captures_[2 * group], e = captures_[2 * group + 1];
  if (s < 0 || e < 0) return true;  // an unmatched group matches empty
  if (s > e || size_t(e) > length_) return false;
  size_t len = size_t(e - s);
  if (!ignoreCase) {
    if (backward) {
      if (*pos < len) return false;
      if (!std::equal(input_ + s, input_ + e, input_ + (*pos - len))) return false;
      *pos -= len;
    } else {
      if (length_ - *pos < len) return false;
      if (!std::equal(input_ + s, input_ + e, input_ + *pos)) return false;
      *pos += len;
    }
    return true;
  }
  char32_t a, b;
  size_t wa, wb;
  if (backward) {
    size_t i = size_t(e), j = *pos;
    while (i > size_t(s)) {
      if (!readBackIn(i, size_t(s), &a, &wa) || !readBackIn(j, 0, &b, &wb)) return false;
      if (a != b && canonicalize(a, kUnicode) != canonicalize(b, kUnicode)) return false;
      i -= wa;
      j -= wb;
    }
    *pos = j;
  } else {
    size_t i = size_t(s), j = *pos;
    while (i < size_t(e)) {
      if (!readIn(i, size_t(e), &a, &wa) || !readIn(j, length_, &b, &wb)) return false;
      if (a != b && canonicalize(a, kUnicode) != canonicalize(b, kUnicode)) return false;
      i += wa;
      j += wb;
    }
    *pos = j;
  }
  return true;
}

template <class CharT, bool kUnicode>
MatchStatus Matcher<CharT, kUnicode>::run(size_t start) {
  std::fill(captures_, captures_ + slots_, -1);
  stack_.clear();
  if (!regs_.resize(prog_.registerCount, kMaxRegisters)) return MatchStatus::LimitExceeded;
  std::fill(regs_.data(), regs_.data() + prog_.registerCount, 0);
  const uint32_t codeSize = prog_.codeSize;
  const uint32_t regCount = prog_.registerCount;
  uint32_t pc = 0;
  size_t pos = start;

#define KILN_RX_CORRUPT()          \
  do {                             \
    corrupt_ = true;               \
    return MatchStatus::NoMatch;   \
  } while (0)
#define KILN_RX_NEED(n)                          \
  do {                                           \
    if (uint64_t(pc) + (n) > codeSize) KILN_RX_CORRUPT(); \
  } while (0)
#define KILN_RX_PUSH(...)                                          \
  do {                                                             \
    if (!push(__VA_ARGS__)) return MatchStatus::LimitExceeded;     \
  } while (0)

  for (;;) {
    if (MatchStatus b = overBudget(); b != MatchStatus::Match) return b;
    if (pc >= codeSize) KILN_RX_CORRUPT();
    switch (static_cast<Op>(code_[pc])) {
      case Op::Match:
        captures_[0] = static_cast<int32_t>(start);
        captures_[1] = static_cast<int32_t>(pos);
        return MatchStatus::Match;
      case Op::Fail:
        goto backtrack;
      case Op::Char: {
        size_t t = testSize(prog_, pc + 1);
        if (!t) KILN_RX_CORRUPT();
        char32_t c;
        size_t w;
        if (!readForward(pos, &c, &w) || !testMatches(code_ + pc + 1, c)) goto backtrack;
        pos += w;
        pc += 1 + static_cast<uint32_t>(t);
        break;
      }
      case Op::CharBack: {
        size_t t = testSize(prog_, pc + 1);
        if (!t) KILN_RX_CORRUPT();
        char32_t c;
        size_t w;
        if (!readBackward(pos, &c, &w) || !testMatches(code_ + pc + 1, c)) goto backtrack;
        pos -= w;
        pc += 1 + static_cast<uint32_t>(t);
        break;
      }
      case Op::String: {
        KILN_RX_NEED(5);
        uint64_t n = read32(code_ + pc + 1);
        KILN_RX_NEED(5 + 2 * n);
        if (length_ - pos < n) goto backtrack;
        const uint8_t* units = code_ + pc + 5;
        for (uint64_t i = 0; i < n; ++i) {
          char16_t u = char16_t(units[2 * i] | units[2 * i + 1] << 8);
          if (input_[pos + i] != u) goto backtrack;
        }
        pos += n;
        pc += static_cast<uint32_t>(5 + 2 * n);
        break;
      }
      case Op::Jump:
        KILN_RX_NEED(5);
        pc = read32(code_ + pc + 1);
        break;
      case Op::SplitNext:
        KILN_RX_NEED(5);
        KILN_RX_PUSH(EntryKind::Choice, read32(code_ + pc + 1), int32_t(pos));
        pc += 5;
        break;
      case Op::SplitJump:
        KILN_RX_NEED(5);
        KILN_RX_PUSH(EntryKind::Choice, pc + 5, int32_t(pos));
        pc = read32(code_ + pc + 1);
        break;
      case Op::Save: {
        KILN_RX_NEED(5);
        uint32_t slot = read32(code_ + pc + 1);
        if (slot >= slots_) KILN_RX_CORRUPT();
        KILN_RX_PUSH(EntryKind::RestoreCapture, slot, captures_[slot]);
        captures_[slot] = int32_t(pos);
        pc += 5;
        break;
      }
      case Op::Reset: {
        KILN_RX_NEED(9);
        uint32_t from = read32(code_ + pc + 1), to = read32(code_ + pc + 5);
        if (from > to || to > slots_) KILN_RX_CORRUPT();
        for (uint32_t i = from; i < to; ++i) {
          if (captures_[i] == -1) continue;
          KILN_RX_PUSH(EntryKind::RestoreCapture, i, captures_[i]);
          captures_[i] = -1;
        }
        pc += 9;
        break;
      }
      case Op::SetReg:
      case Op::SavePos: {
        bool isSet = static_cast<Op>(code_[pc]) == Op::SetReg;
        KILN_RX_NEED(isSet ? 9 : 5);
        uint32_t reg = read32(code_ + pc + 1);
        if (reg >= regCount) KILN_RX_CORRUPT();
        KILN_RX_PUSH(EntryKind::RestoreReg, reg, regs_[reg]);
        regs_[reg] = isSet ? int32_t(read32(code_ + pc + 5)) : int32_t(pos);
        pc += isSet ? 9 : 5;
        break;
      }
      case Op::Loop: {
        KILN_RX_NEED(18);
        uint32_t reg = read32(code_ + pc + 1);
        uint32_t min = read32(code_ + pc + 5), max = read32(code_ + pc + 9);
        uint32_t exit = read32(code_ + pc + 13);
        bool greedy = code_[pc + 17] != 0;
        if (reg >= regCount) KILN_RX_CORRUPT();
        uint32_t count = uint32_t(regs_[reg]);
        uint32_t body = pc + 18;
        if (count < min) {
          pc = body;
        } else if (count >= max) {
          pc = exit;
        } else if (greedy) {
          KILN_RX_PUSH(EntryKind::Choice, exit, int32_t(pos));
          pc = body;
        } else {
          KILN_RX_PUSH(EntryKind::Choice, body, int32_t(pos));
          pc = exit;
        }
        break;
      }
      case Op::LoopEnd: {
        KILN_RX_NEED(17);
        uint32_t reg = read32(code_ + pc + 1), posReg = read32(code_ + pc + 5);
        uint32_t min = read32(code_ + pc + 9), head = read32(code_ + pc + 13);
        if (reg >= regCount) KILN_RX_CORRUPT();
        uint32_t count = uint32_t(regs_[reg]);
        if (posReg != UINT32_MAX) {
          if (posReg >= regCount) KILN_RX_CORRUPT();
          // §22.2.2.3.1 RepeatMatcher: an iteration beyond the minimum that
          // matched the empty string fails.
          if (regs_[posReg] == int32_t(pos) && count >= min) goto backtrack;
        }
        KILN_RX_PUSH(EntryKind::RestoreReg, reg, regs_[reg]);
        regs_[reg] = int32_t(count + 1);
        pc = head;
        break;
      }
      case Op::Star: {
        KILN_RX_NEED(10);
        uint32_t min = read32(code_ + pc + 1), max = read32(code_ + pc + 5);
        bool greedy = code_[pc + 9] != 0;
        size_t t = testSize(prog_, pc + 10);
        if (!t) KILN_RX_CORRUPT();
        const uint8_t* test = code_ + pc + 10;
        uint32_t cont = pc + 10 + static_cast<uint32_t>(t);
        uint32_t count = 0;
        size_t p = pos, minPos = pos;
        char32_t c;
        size_t w;
        uint32_t limit = greedy ? max : min;
        while (count < limit && readForward(p, &c, &w) && testMatches(test, c)) {
          p += w;
          if (++count == min) minPos = p;
        }
        if (count < min) goto backtrack;
        if (greedy) {
          if (p > minPos) KILN_RX_PUSH(EntryKind::GreedyBack, cont, int32_t(minPos), int32_t(p));
        } else if (count < max) {
          KILN_RX_PUSH(EntryKind::LazyForward, pc, int32_t(p), int32_t(count));
        }
        pos = p;
        pc = cont;
        break;
      }
      case Op::AssertStart:
        if (pos != 0) goto backtrack;
        pc += 1;
        break;
      case Op::AssertEnd:
        if (pos != length_) goto backtrack;
        pc += 1;
        break;
      case Op::AssertLineStart:
        if (pos != 0 && !isLineTerminator(input_[pos - 1])) goto backtrack;
        pc += 1;
        break;
      case Op::AssertLineEnd:
        if (pos != length_ && !isLineTerminator(input_[pos])) goto backtrack;
        pc += 1;
        break;
      case Op::WordBoundary:
      case Op::NotWordBoundary: {
        KILN_RX_NEED(2);
        bool extra = code_[pc + 1] != 0;
        bool a = pos > 0 && isWordChar(input_[pos - 1], extra);
        bool b = pos < length_ && isWordChar(input_[pos], extra);
        if ((a != b) != (static_cast<Op>(code_[pc]) == Op::WordBoundary)) goto backtrack;
        pc += 2;
        break;
      }
      case Op::BackRef: {
        KILN_RX_NEED(6);
        uint32_t group = read32(code_ + pc + 1);
        uint8_t bits = code_[pc + 5];
        if (group > prog_.captureCount) KILN_RX_CORRUPT();
        if (!backReference(group, bits & 1, bits & 2, &pos)) goto backtrack;
        pc += 6;
        break;
      }
      case Op::LookStart: {
        KILN_RX_NEED(10);
        uint32_t reg = read32(code_ + pc + 1), cont = read32(code_ + pc + 5);
        bool negative = code_[pc + 9] != 0;
        if (reg >= regCount) KILN_RX_CORRUPT();
        KILN_RX_PUSH(EntryKind::RestoreReg, reg, regs_[reg]);
        regs_[reg] = int32_t(stack_.size());
        KILN_RX_PUSH(negative ? EntryKind::NegMarker : EntryKind::PosMarker, cont, int32_t(pos));
        pc += 10;
        break;
      }
      case Op::LookEnd: {
        KILN_RX_NEED(5);
        uint32_t reg = read32(code_ + pc + 1);
        if (reg >= regCount) KILN_RX_CORRUPT();
        size_t marker = size_t(uint32_t(regs_[reg]));
        if (marker >= stack_.size() || stack_[marker].kind != EntryKind::PosMarker) KILN_RX_CORRUPT();
        pos = size_t(stack_[marker].b);
        // Drop the choice points of the body, keep its undo records.
        size_t out = marker;
        for (size_t i = marker + 1; i < stack_.size(); ++i) {
          EntryKind k = stack_[i].kind;
          if (k == EntryKind::RestoreCapture || k == EntryKind::RestoreReg) stack_[out++] = stack_[i];
        }
        stack_.shrink(out);
        pc += 5;
        break;
      }
      case Op::NegLookEnd: {
        KILN_RX_NEED(5);
        uint32_t reg = read32(code_ + pc + 1);
        if (reg >= regCount) KILN_RX_CORRUPT();
        size_t marker = size_t(uint32_t(regs_[reg]));
        if (marker >= stack_.size() || stack_[marker].kind != EntryKind::NegMarker) KILN_RX_CORRUPT();
        // The body matched, so the negative lookaround fails: undo what the
        // body did and backtrack past the marker.
        for (size_t i = stack_.size(); i-- > marker + 1;) {
          const Entry& e = stack_[i];
          if (e.kind == EntryKind::RestoreCapture) captures_[e.a] = e.b;
          else if (e.kind == EntryKind::RestoreReg) regs_[e.a] = e.b;
        }
        stack_.shrink(marker);
        goto backtrack;
      }
      default:
        KILN_RX_CORRUPT();
    }
    continue;

  backtrack:
    for (;;) {
      if (stack_.size() == 0) return MatchStatus::NoMatch;
      if (MatchStatus b = overBudget(); b != MatchStatus::Match) return b;
      Entry& e = stack_.back();
      switch (e.kind) {
        case EntryKind::Choice:
        case EntryKind::NegMarker:
          pc = e.a;
          pos = size_t(e.b);
          stack_.shrink(stack_.size() - 1);
          goto resume;
        case EntryKind::RestoreCapture:
          if (e.a >= slots_) KILN_RX_CORRUPT();
          captures_[e.a] = e.b;
          stack_.shrink(stack_.size() - 1);
          continue;
        case EntryKind::RestoreReg:
          regs_[e.a] = e.b;
          stack_.shrink(stack_.size() - 1);
          continue;
        case EntryKind::PosMarker:
          stack_.shrink(stack_.size() - 1);
          continue;
        case EntryKind::GreedyBack: {
          size_t cur = size_t(e.c), low = size_t(e.b);
          char32_t c;
          size_t w;
          if (!readBackward(cur, &c, &w) || cur - w < low) w = 1;
          cur -= w;
          // When a literal follows, give back straight to a position where it
          // can match ('\w+@' does not retry every shorter word).
          if (char32_t next; literalAfter(e.a, &next)) {
            while (cur > low && (cur >= length_ || input_[cur] != next)) --cur;
          }
          pc = e.a;
          pos = cur;
          if (cur <= low) stack_.shrink(stack_.size() - 1);
          else e.c = int32_t(cur);
          goto resume;
        }
        case EntryKind::LazyForward: {
          uint32_t star = e.a;
          size_t t = star + 10 <= codeSize ? testSize(prog_, star + 10) : 0;
          if (!t || static_cast<Op>(code_[star]) != Op::Star) KILN_RX_CORRUPT();
          uint32_t max = read32(code_ + star + 5);
          size_t p = size_t(e.b);
          uint32_t count = uint32_t(e.c);
          char32_t c;
          size_t w;
          if (count >= max || !readForward(p, &c, &w) || !testMatches(code_ + star + 10, c)) {
            stack_.shrink(stack_.size() - 1);
            continue;
          }
          p += w;
          ++count;
          if (count < max) {
            e.b = int32_t(p);
            e.c = int32_t(count);
          } else {
            stack_.shrink(stack_.size() - 1);
          }
          pc = star + 10 + static_cast<uint32_t>(t);
          pos = p;
          goto resume;
        }
      }
      KILN_RX_CORRUPT();
    }
  resume:;
  }
#undef KILN_RX_CORRUPT
#undef KILN_RX_NEED
#undef KILN_RX_PUSH
}

template <class CharT>
MatchStatus matchImpl(const uint8_t* program, size_t size, const CharT* input, size_t length, size_t start,
                      int32_t* captures, bool scan, uint64_t deadlineNs) {
  ProgramView prog;
  if (!openProgram(program, size, &prog)) return MatchStatus::NoMatch;
  auto fail = [&](MatchStatus s) {
    if (s != MatchStatus::Match) std::fill(captures, captures + 2 * (prog.captureCount + 1), -1);
    return s;
  };
  if (start > length || length > size_t(INT32_MAX)) return fail(MatchStatus::NoMatch);
  auto go = [&](auto& matcher) -> MatchStatus {
    if (!scan || (prog.flags & kFlagSticky)) return fail(matcher.run(start));
    if (prog.hints & kHintAnchored) return fail(start == 0 ? matcher.run(0) : MatchStatus::NoMatch);
    bool filter = prog.hints & kHintFirstUnits;
    const uint8_t* bits = prog.firstUnits;
    for (size_t pos = start; pos <= length;) {
      if (filter) {
        while (pos < length && !((bits[(input[pos] & 0xFF) >> 3] >> (input[pos] & 7)) & 1)) {
          if constexpr (sizeof(CharT) == 2) {
            // Never stop inside a surrogate pair in unicode mode.
            if (prog.unicode() && pos + 1 < length && unicode::isHighSurrogate(input[pos]) &&
                unicode::isLowSurrogate(input[pos + 1])) {
              ++pos;
            }
          }
          ++pos;
        }
        if (pos == length) break;  // the pattern cannot match empty
      }
      MatchStatus s = matcher.run(pos);
      if (s != MatchStatus::NoMatch || matcher.corrupt()) return fail(s);
      if constexpr (sizeof(CharT) == 2) {
        if (prog.unicode() && pos + 1 < length && unicode::isHighSurrogate(input[pos]) &&
            unicode::isLowSurrogate(input[pos + 1])) {
          ++pos;
        }
      }
      ++pos;
    }
    return fail(MatchStatus::NoMatch);
  };
  if (prog.unicode()) {
    Matcher<CharT, true> m(prog, input, length, captures);
    m.setDeadline(deadlineNs);
    return go(m);
  }
  Matcher<CharT, false> m(prog, input, length, captures);
  m.setDeadline(deadlineNs);
  return go(m);
}

}  // namespace

char32_t detail::canonicalize(char32_t c, bool unicode) {
  if (c < 0x80) {
    if (unicode) return c - 'A' < 26u ? c + 32 : c;
    return c - 'a' < 26u ? c - 32 : c;
  }
  auto table = unicode ? tables::simpleCaseFolding() : tables::legacyUppercase();
  auto it = std::lower_bound(table.begin(), table.end(), c,
                             [](const tables::CaseMapping& m, char32_t v) { return m.from < v; });
  return it != table.end() && it->from == c ? it->to : c;
}

uint32_t captureCount(const uint8_t* program, size_t size) {
  ProgramView prog;
  return openProgram(program, size, &prog) ? prog.captureCount : 0;
}

bool programFlags(const uint8_t* program, size_t size, Flags* out) {
  ProgramView prog;
  if (!openProgram(program, size, &prog)) return false;
  Flags f;
  f.ignoreCase = prog.flags & kFlagIgnoreCase;
  f.multiline = prog.flags & kFlagMultiline;
  f.dotAll = prog.flags & kFlagDotAll;
  f.unicode = prog.flags & kFlagUnicode;
  f.unicodeSets = prog.flags & kFlagUnicodeSets;
  f.sticky = prog.flags & kFlagSticky;
  f.global = prog.flags & kFlagGlobal;
  f.hasIndices = prog.flags & kFlagHasIndices;
  *out = f;
  return true;
}

MatchStatus matchAt(const uint8_t* program, size_t programSize, const char16_t* input, size_t length,
                    size_t start, int32_t* captures, uint64_t deadlineNs) {
  return matchImpl(program, programSize, input, length, start, captures, false, deadlineNs);
}
MatchStatus matchAt(const uint8_t* program, size_t programSize, const uint8_t* latin1, size_t length,
                    size_t start, int32_t* captures, uint64_t deadlineNs) {
  return matchImpl(program, programSize, latin1, length, start, captures, false, deadlineNs);
}
MatchStatus search(const uint8_t* program, size_t programSize, const char16_t* input, size_t length,
                   size_t start, int32_t* captures, uint64_t deadlineNs) {
  return matchImpl(program, programSize, input, length, start, captures, true, deadlineNs);
}
MatchStatus search(const uint8_t* program, size_t programSize, const uint8_t* latin1, size_t length,
                   size_t start, int32_t* captures, uint64_t deadlineNs) {
  return matchImpl(program, programSize, latin1, length, start, captures, true, deadlineNs);
}

std::string disassemble(const uint8_t* program, size_t size) {
  static constexpr const char* kNames[] = {
#define KILN_REGEXP_OP_NAME(name, bytes, doc) #name,
      KILN_REGEXP_OPCODES(KILN_REGEXP_OP_NAME)
#undef KILN_REGEXP_OP_NAME
  };
  ProgramView prog;
  if (!openProgram(program, size, &prog)) return "<malformed program>\n";
  std::string out = fmt::format("flags {:#x} captures {} registers {} hints {:#x}\n", prog.flags,
                                prog.captureCount, prog.registerCount, prog.hints);
  auto test = [&](uint32_t at) -> std::string {
    const uint8_t* t = prog.code + at;
    switch (t[0]) {
      case kTestChar: return fmt::format("char {:#x}", read32(t + 1));
      case kTestChar2: return fmt::format("char {:#x}|{:#x}", read32(t + 1), read32(t + 5));
      case kTestClass:
      case kTestNotClass: return fmt::format("{}class ({} high ranges)", t[0] == kTestNotClass ? "not-" : "",
                                             read32(t + 1));
      case kTestAny: return "any";
      default: return "any-all";
    }
  };
  uint32_t pc = 0;
  while (pc < prog.codeSize) {
    uint8_t op = prog.code[pc];
    if (op >= uint8_t(Op::Count)) return out + fmt::format("{:5}: <bad opcode {}>\n", pc, op);
    std::string line = fmt::format("{:5}: {}", pc, kNames[op]);
    size_t len = 1;
    auto arg = [&](size_t off) { return read32(prog.code + pc + off); };
    auto need = [&](size_t n) { return uint64_t(pc) + n <= prog.codeSize; };
    switch (static_cast<Op>(op)) {
      case Op::Char:
      case Op::CharBack: {
        size_t t = testSize(prog, pc + 1);
        if (!t) return out + line + " <bad test>\n";
        line += " " + test(pc + 1);
        len = 1 + t;
        break;
      }
      case Op::String: {
        if (!need(5) || !need(5 + 2 * uint64_t(arg(1)))) return out + line + " <truncated>\n";
        uint32_t n = arg(1);
        line += " \"";
        for (uint32_t i = 0; i < n; ++i) {
          char16_t u = char16_t(prog.code[pc + 5 + 2 * i] | prog.code[pc + 6 + 2 * i] << 8);
          line += u >= 0x20 && u < 0x7F ? fmt::format("{}", char(u)) : fmt::format("\\u{:04x}", unsigned(u));
        }
        line += "\"";
        len = 5 + 2 * size_t(n);
        break;
      }
      case Op::Star: {
        size_t t = need(10) ? testSize(prog, pc + 10) : 0;
        if (!t) return out + line + " <bad test>\n";
        line += fmt::format(" {{{},{}}}{} {}", arg(1), arg(5), prog.code[pc + 9] ? "" : "?", test(pc + 10));
        len = 10 + t;
        break;
      }
      default: {
        int bytes = 0;
        switch (static_cast<Op>(op)) {
#define KILN_REGEXP_OP_SIZE(name, n, doc) \
  case Op::name: bytes = n; break;
          KILN_REGEXP_OPCODES(KILN_REGEXP_OP_SIZE)
#undef KILN_REGEXP_OP_SIZE
          default: break;
        }
        if (!need(1 + size_t(bytes))) return out + line + " <truncated>\n";
        for (int i = 0; i + 4 <= bytes; i += 4) line += fmt::format(" {}", int32_t(arg(1 + i)));
        if (bytes % 4) line += fmt::format(" {}", prog.code[pc + bytes]);
        len = 1 + size_t(bytes);
        break;
      }
    }
    out += line + "\n";
    pc += static_cast<uint32_t>(len);
  }
  return out;
}

}  // namespace kiln::regexp
