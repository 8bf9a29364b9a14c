// The regular expression engine (ECMA-262 §22.2): a parser and compiler from
// pattern source to a compact program, and a backtracking matcher that runs it.
//
// Invariants:
// - A compiled program is plain bytes (offsets, never pointers): the RegExp
//   builtin stores it in a heap ByteArray and it may come back from an image
//   file. The matcher trusts nothing in it: every opcode, operand, jump target,
//   capture slot and register index is bounds-checked, and a malformed program
//   yields NoMatch or LimitExceeded, never a crash.
// - Nothing here touches the JS heap, allocates per character, or keeps global
//   mutable state; the matcher is reentrant and thread-safe.
// - No C++ recursion proportional to the input: the parser and compiler recurse
//   over group nesting, which is capped (kMaxNesting, reported as a syntax
//   error); the matcher keeps its backtracking state on an explicit stack whose
//   size and step count are capped (LimitExceeded, the caller throws).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::regexp {

struct Flags {
  bool hasIndices = false;   // d
  bool global = false;       // g
  bool ignoreCase = false;   // i
  bool multiline = false;    // m
  bool dotAll = false;       // s
  bool unicode = false;      // u
  bool unicodeSets = false;  // v
  bool sticky = false;       // y
};

// False on an unknown or repeated flag, or u together with v.
bool parseFlags(std::u16string_view flags, Flags* out);

// Early-error check of a regular expression literal (§13.2.7.2): the flags and
// the pattern syntax under them. On failure `message` reads like
// "Invalid regular expression: /(/: Unterminated group".
bool validate(std::u16string_view pattern, std::u16string_view flags, std::string* message);

struct Program {
  std::vector<uint8_t> bytes;  // position independent: the bytes alone are the program
  uint32_t captureCount = 0;   // not counting group 0
  std::vector<std::pair<std::u16string, uint32_t>> groupNames;  // in order of appearance
};

// Compiles `pattern` under `flags`; on a syntax error returns false and sets
// `error` to the message without the "Invalid regular expression" prefix.
bool compile(std::u16string_view pattern, Flags flags, Program* out, std::string* error);

// What compile() stored in the program bytes, so a caller holding only the
// bytes can size capture arrays. Returns 0 for a malformed program.
uint32_t captureCount(const uint8_t* program, size_t size);
// The flags the program was compiled with (false for a malformed program).
bool programFlags(const uint8_t* program, size_t size, Flags* out);

// LimitExceeded: the step or backtrack-stack limit; TimedOut: the deadline
// (CLOCK_MONOTONIC ns, 0: none) passed, checked every 64K steps.
enum class MatchStatus { Match, NoMatch, LimitExceeded, TimedOut };

// Runs the program at exactly `start`. `captures` holds 2 * (captureCount + 1)
// ints: start and end of each group (group 0 is the whole match), -1 when the
// group did not participate.
MatchStatus matchAt(const uint8_t* program, size_t programSize, const char16_t* input, size_t length,
                    size_t start, int32_t* captures, uint64_t deadlineNs = 0);
MatchStatus matchAt(const uint8_t* program, size_t programSize, const uint8_t* latin1, size_t length,
                    size_t start, int32_t* captures, uint64_t deadlineNs = 0);
// Finds the first match at or after `start` (only at `start` when sticky). In
// unicode mode the scan steps over surrogate pairs, as AdvanceStringIndex does.
MatchStatus search(const uint8_t* program, size_t programSize, const char16_t* input, size_t length,
                   size_t start, int32_t* captures, uint64_t deadlineNs = 0);
MatchStatus search(const uint8_t* program, size_t programSize, const uint8_t* latin1, size_t length,
                   size_t start, int32_t* captures, uint64_t deadlineNs = 0);

// Human-readable listing of a program, for --dump-bytecode style debugging
// and golden tests.
std::string disassemble(const uint8_t* program, size_t size);

// ---------------------------------------------------------------------------
// Internals shared by the compiler and the matcher (regexp_*.cpp). Not API.
namespace detail {

// Program layout (all integers little endian):
//   [0,4)    magic "KRX" + format version
//   [4,8)    total size in bytes
//   [8,12)   flag bits (kFlag*)
//   [12,16)  capture count (without group 0)
//   [16,20)  register count
//   [20,24)  hint bits (kHint*)
//   [24,32)  reserved, zero
//   [32,64)  first-code-unit filter: bit (u & 0xFF) is set for every code unit
//            u that can begin a match (valid when kHintFirstUnits is set)
//   [64,end) code; every jump target is an offset from the start of the code
inline constexpr uint8_t kMagic[4] = {'K', 'R', 'X', 1};
inline constexpr size_t kHeaderSize = 64;
inline constexpr uint32_t kMaxCaptures = 65535;
inline constexpr uint32_t kMaxRegisters = 1u << 20;
inline constexpr int kMaxNesting = 500;

enum : uint32_t {
  kFlagIgnoreCase = 1, kFlagMultiline = 2, kFlagDotAll = 4, kFlagUnicode = 8,
  kFlagUnicodeSets = 16, kFlagSticky = 32, kFlagGlobal = 64, kFlagHasIndices = 128,
};
enum : uint32_t {
  kHintFirstUnits = 1,  // the first-code-unit filter is valid
  kHintAnchored = 2,    // can only match at position 0 (leading ^ without m)
};

// A character test, the operand of the single-character opcodes:
//   u8 kind, then by kind:
//   kTestChar     u32 c          the character c
//   kTestChar2    u32 a, u32 b   a or b (a character and its case variant)
//   kTestClass    u32 n, 32-byte bitmap of characters < 256, n u32 pairs
//                 [first,last] of ranges of characters >= 256 (sorted)
//   kTestNotClass same layout, inverted
//   kTestAny      any character but a line terminator
//   kTestAnyAll   any character
enum : uint8_t { kTestChar, kTestChar2, kTestClass, kTestNotClass, kTestAny, kTestAnyAll };

// Opcodes. X(name, fixed operand bytes or -1 when variable, semantics).
#define KILN_REGEXP_OPCODES(X)                                                                   \
  X(Match, 0, "success: group 0 ends here")                                                      \
  X(Fail, 0, "backtrack")                                                                        \
  X(Char, -1, "test: consume one character forward if it passes the test")                       \
  X(CharBack, -1, "test: consume one character backward (lookbehind)")                           \
  X(String, -1, "u32 n, n u16 code units: consume this literal forward")                         \
  X(Jump, 4, "u32 target")                                                                       \
  X(SplitNext, 4, "u32 target: try the next instruction, on failure target")                     \
  X(SplitJump, 4, "u32 target: try target, on failure the next instruction")                     \
  X(Save, 4, "u32 slot: capture slot = position")                                                \
  X(Reset, 8, "u32 from, u32 to: capture slots [from,to) = -1")                                  \
  X(SetReg, 8, "u32 reg, i32 value")                                                             \
  X(SavePos, 4, "u32 reg: reg = position")                                                       \
  X(Loop, 17, "u32 countReg, u32 min, u32 max, u32 exit, u8 greedy: loop head")                  \
  X(LoopEnd, 16, "u32 countReg, u32 posReg (or ~0), u32 min, u32 head: empty check, count++")    \
  X(Star, -1, "u32 min, u32 max, u8 greedy, test: repeat a single-character test forward")       \
  X(AssertStart, 0, "^ without m")                                                               \
  X(AssertEnd, 0, "$ without m")                                                                 \
  X(AssertLineStart, 0, "^ with m")                                                              \
  X(AssertLineEnd, 0, "$ with m")                                                                \
  X(WordBoundary, 1, "u8 extraWordChars: \\b")                                                   \
  X(NotWordBoundary, 1, "u8 extraWordChars: \\B")                                                \
  X(BackRef, 5, "u32 group, u8 bits (1 ignoreCase, 2 backward)")                                 \
  X(LookStart, 9, "u32 reg, u32 continuation, u8 negative: push a lookaround marker")            \
  X(LookEnd, 4, "u32 reg: lookaround body matched (positive: keep captures, drop choices)")      \
  X(NegLookEnd, 4, "u32 reg: negative lookaround body matched: undo to the marker and fail")

enum class Op : uint8_t {
#define KILN_REGEXP_OP_ENUM(name, size, doc) name,
  KILN_REGEXP_OPCODES(KILN_REGEXP_OP_ENUM)
#undef KILN_REGEXP_OP_ENUM
      Count
};

// Canonicalize (§22.2.2.7.3): simple case folding with u/v, else the legacy
// single-code-unit uppercase rule.
char32_t canonicalize(char32_t c, bool unicode);

}  // namespace detail

// Unicode data generated from the Unicode Character Database
// (regexp_unicode_tables.cpp).
namespace tables {

struct CaseMapping {
  char32_t from, to;
};
// Simple case folding (CaseFolding.txt statuses C and S), sorted by `from`:
// Canonicalize with u or v.
std::span<const CaseMapping> simpleCaseFolding();
// The legacy Canonicalize without u/v: the full uppercase mapping when it is a
// single code unit and does not map non-ASCII to ASCII; BMP only, sorted.
std::span<const CaseMapping> legacyUppercase();

struct PropertyEntry {
  const char* name;
  uint32_t offset, count;              // ranges in propertyRanges(), as pairs
  uint32_t extOffset, extCount;        // Script_Extensions ranges (scripts only)
};
std::span<const char32_t> propertyRanges();  // [first,last] pairs
// Each sorted by name, aliases included as their own entries.
std::span<const PropertyEntry> generalCategories();
std::span<const PropertyEntry> scripts();
std::span<const PropertyEntry> binaryProperties();
// Properties of strings (v flag only): offset and count index stringData(),
// where each string is its length followed by its code points.
std::span<const char32_t> stringData();
std::span<const PropertyEntry> stringProperties();

}  // namespace tables

}  // namespace kiln::regexp
