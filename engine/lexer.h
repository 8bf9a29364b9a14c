// The tokenizer: a hand-written scanner over UTF-16 source text.
//
// The lexer is driven by the parser, which knows the grammatical context the
// scanner cannot: at an expression start the parser turns a `/` or `/=` token
// into a regular expression (rescanRegExp), after the `}` closing a template
// substitution it continues the template (rescanTemplateContinuation), and in
// TypeScript type arguments it splits `>>` into `>` `>` (splitGreater).
//
// Context-dependent checks (legacy octal in strict mode, reserved words) are
// left to the parser: a "use strict" directive changes strictness after the
// following token was already scanned, so the lexer only flags such tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

// Thrown by the lexer and the parser; parseProgram turns it into a ParseError.
struct SyntaxErrorException {
  uint32_t offset;
  std::string message;
};

enum class Tok : uint8_t {
  EOS, Name, PrivateName, Number, BigInt, String, Template, RegExp,
  LBrace, RBrace, LParen, RParen, LBracket, RBracket,
  Dot, Ellipsis, Semicolon, Comma, Colon, Question, QuestionDot, Arrow, At,
  // binary and unary operators
  Lt, Gt, Le, Ge, Eq, Ne, StrictEq, StrictNe,
  Plus, Minus, Star, Slash, Percent, StarStar, Inc, Dec,
  Shl, Sar, Shr, BitAnd, BitOr, BitXor, Not, BitNot, And, Or, Nullish,
  // assignment operators, kept contiguous: Assign .. NullishAssign
  Assign, PlusAssign, MinusAssign, StarAssign, SlashAssign, PercentAssign, StarStarAssign,
  ShlAssign, SarAssign, ShrAssign, BitAndAssign, BitOrAssign, BitXorAssign,
  AndAssign, OrAssign, NullishAssign,
};

inline bool isAssignOp(Tok t) { return t >= Tok::Assign && t <= Tok::NullishAssign; }
const char* tokSpelling(Tok t);  // "(" for LParen etc.; a description for literal kinds

// Reserved words and the contextual words the parser asks about often; any
// other identifier name is Kw::None.
enum class Kw : uint8_t {
  None,
  // ReservedWord
  Await, Break, Case, Catch, Class, Const, Continue, Debugger, Default, Delete, Do, Else,
  Enum, Export, Extends, False, Finally, For, Function, If, Import, In, Instanceof, New,
  Null, Return, Super, Switch, This, Throw, True, Try, Typeof, Var, Void, While, With, Yield,
  // strict-mode reserved words (besides yield)
  Let, Static, Implements, Interface, Package, Private, Protected, Public,
  // contextual
  Async, Of, Get, Set, Target, Meta, From, As, Arguments, Eval, Constructor,
  // TypeScript contextual
  Type, Declare, Abstract, Namespace, Module, Readonly, Keyof, Infer, Is, Asserts,
  Unique, Satisfies, Override, Global, Accessor,
};
Kw keywordOf(std::u16string_view name);
// ReservedWord minus await/yield (which depend on context).
inline bool isAlwaysReserved(Kw k) { return k >= Kw::Break && k <= Kw::With; }
inline bool isStrictReserved(Kw k) { return k == Kw::Yield || (k >= Kw::Let && k <= Kw::Public); }

struct Token {
  Tok type = Tok::EOS;
  Kw kw = Kw::None;
  bool newlineBefore = false;
  bool escaped = false;      // identifier written with \u escapes
  bool legacyOctal = false;  // 010 / 08 numbers, \1 / \08 string escapes (errors when strict)
  bool templateTail = false; // Template: ends with a backtick (not `${`)
  bool cookedValid = true;   // Template: false when an escape is invalid (allowed only if tagged)
  uint32_t start = 0, end = 0;
  uint32_t octalEscapeOffset = 0;  // where the legacy octal escape is, for error positions
  double number = 0;
  std::u16string value;      // String/Template cooked value, escaped identifier name, regexp body
  std::u16string raw;        // Template raw value; regexp flags
  std::string bigint;        // BigInt decimal digits
  std::u16string_view source;  // the token's source text

  // Identifier or private name (without '#').
  std::u16string_view name() const {
    if (escaped) return value;
    return type == Tok::PrivateName ? source.substr(1) : source;
  }
  bool is(Kw k) const { return type == Tok::Name && kw == k && !escaped; }
};

class Lexer {
 public:
  Lexer(std::u16string_view text, bool module) : src_(text), module_(module) {}

  // Skips a hashbang line at the very start.
  void skipHashbang();
  void next();  // scans the next token into current()
  const Token& current() const { return tok_; }
  Token& current() { return tok_; }
  uint32_t previousEnd() const { return prevEnd_; }  // end of the token before current()
  std::u16string_view text() const { return src_; }

  void rescanRegExp();                // current() is `/` or `/=`
  void rescanTemplateContinuation();  // current() is the `}` closing a substitution
  void splitGreater();                // current() starts with `>`: make it a single `>`

  struct State { uint32_t pos, prevEnd; Token tok; };
  State save() const { return {pos_, prevEnd_, tok_}; }
  void restore(const State& s) { pos_ = s.pos; prevEnd_ = s.prevEnd; tok_ = s.tok; }

  [[noreturn]] void fail(uint32_t offset, std::string message) const;

 private:
  char16_t peekChar(uint32_t ahead = 0) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : 0;
  }
  bool atEnd() const { return pos_ >= src_.size(); }
  char32_t codePointAt(uint32_t pos, uint32_t* len) const;
  bool skipSpaceAndComments();  // returns whether a line terminator was crossed
  void scanIdentifier(bool isPrivate);
  uint32_t readUnicodeEscape(uint32_t* cp);  // after "\u"; returns chars consumed, cp = -1 on failure
  void scanNumber();
  void scanString(char16_t quote);
  void scanTemplate();  // from pos_ just after ` or }
  void scanPunctuator();
  bool readEscape(std::u16string& out, bool inTemplate, uint32_t* invalidAt);

  std::u16string_view src_;
  bool module_;
  uint32_t pos_ = 0;
  uint32_t prevEnd_ = 0;
  Token tok_;
};

}  // namespace kiln
