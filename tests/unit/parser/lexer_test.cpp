#include <boost/test/unit_test.hpp>

#include <ostream>
#include <vector>

#include "engine/lexer.h"
#include "engine/source.h"

using namespace kiln;

namespace kiln {
std::ostream& operator<<(std::ostream& os, Tok t) { return os << tokSpelling(t); }
std::ostream& operator<<(std::ostream& os, Kw k) { return os << "Kw(" << int(k) << ")"; }
}  // namespace kiln

namespace {

std::vector<Token> lex(std::u16string_view text, bool module = false) {
  Lexer lexer(text, module);
  std::vector<Token> out;
  for (;;) {
    lexer.next();
    out.push_back(lexer.current());
    if (lexer.current().type == Tok::EOS) break;
  }
  return out;
}

std::vector<Tok> types(std::u16string_view text) {
  std::vector<Tok> out;
  for (auto& t : lex(text)) out.push_back(t.type);
  return out;
}

bool lexFails(std::u16string_view text) {
  try {
    lex(text);
  } catch (const SyntaxErrorException&) {
    return true;
  }
  return false;
}

double number(std::u16string_view text) {
  auto t = lex(text);
  BOOST_REQUIRE(t[0].type == Tok::Number);
  return t[0].number;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lexer)

BOOST_AUTO_TEST_CASE(punctuators_longest_match) {
  using T = Tok;
  BOOST_TEST((types(u">>>= >>= >>> >> >= > ?? ??= ?. ?.5 ... => **= &&= ||=") ==
              std::vector<Tok>{T::ShrAssign, T::SarAssign, T::Shr, T::Sar, T::Ge, T::Gt, T::Nullish,
                               T::NullishAssign, T::QuestionDot, T::Question, T::Number, T::Ellipsis, T::Arrow,
                               T::StarStarAssign, T::AndAssign, T::OrAssign, T::EOS}));
}

BOOST_AUTO_TEST_CASE(numbers) {
  BOOST_TEST(number(u"0") == 0);
  BOOST_TEST(number(u"1_000_000") == 1000000);
  BOOST_TEST(number(u"0x1F") == 31);
  BOOST_TEST(number(u"0o17") == 15);
  BOOST_TEST(number(u"0b101") == 5);
  BOOST_TEST(number(u".5e1") == 5);
  BOOST_TEST(number(u"1.25e-2") == 0.0125);
  BOOST_TEST(number(u"0x1fffffffffffff") == 9007199254740991.0);
  // Correct rounding of hex literals past 2^53 (round half to even).
  BOOST_TEST(number(u"0x20000000000001") == 9007199254740992.0);
  BOOST_TEST(number(u"0x20000000000003") == 9007199254740996.0);
  auto legacy = lex(u"010 08");
  BOOST_TEST(legacy[0].number == 8);
  BOOST_TEST(legacy[0].legacyOctal);
  BOOST_TEST(legacy[1].number == 8);
  BOOST_TEST(legacy[1].legacyOctal);
  auto big = lex(u"123n 0xFFn 0n");
  BOOST_TEST(big[0].type == Tok::BigInt);
  BOOST_TEST(big[0].bigint == "123");
  BOOST_TEST(big[1].bigint == "255");
  BOOST_TEST(big[2].bigint == "0");
  BOOST_TEST(lex(u"0x1_0000_0000_0000_0000n")[0].bigint == "18446744073709551616");
}

BOOST_AUTO_TEST_CASE(bad_numbers) {
  BOOST_TEST(lexFails(u"1__0"));
  BOOST_TEST(lexFails(u"1_"));
  BOOST_TEST(lexFails(u"0_1"));
  BOOST_TEST(lexFails(u"0x"));
  BOOST_TEST(lexFails(u"3in x"));
  BOOST_TEST(lexFails(u"1.5n"));
  BOOST_TEST(lexFails(u"01n"));
  BOOST_TEST(lexFails(u"0b2"));
}

BOOST_AUTO_TEST_CASE(strings_and_escapes) {
  auto t = lex(u"'a\\n\\x41\\u0042\\u{1F600}\\\nb' \"\\101\"");
  BOOST_TEST((t[0].value == u"a\nAB\U0001F600b"));
  BOOST_TEST(!t[0].legacyOctal);
  BOOST_TEST((t[1].value == u"A"));
  BOOST_TEST(t[1].legacyOctal);
  BOOST_TEST(lex(u"'\\0'")[0].legacyOctal == false);
  BOOST_TEST(lex(u"'\\08'")[0].legacyOctal == true);
  BOOST_TEST(lexFails(u"'abc"));
  BOOST_TEST(lexFails(u"'a\nb'"));
  BOOST_TEST(lexFails(u"'\\x4'"));
  BOOST_TEST(lexFails(u"'\\u{110000}'"));
  // U+2028 is allowed in string literals.
  BOOST_TEST((lex(u"'a\u2028b'")[0].value == u"a\u2028b"));
}

BOOST_AUTO_TEST_CASE(templates_cooked_raw) {
  auto t = lex(u"`a\\n${");
  BOOST_TEST(t[0].type == Tok::Template);
  BOOST_TEST((t[0].value == u"a\n"));
  BOOST_TEST((t[0].raw == u"a\\n"));
  BOOST_TEST(!t[0].templateTail);
  auto crlf = lex(u"`x\r\ny`");
  BOOST_TEST((crlf[0].value == u"x\ny"));
  BOOST_TEST((crlf[0].raw == u"x\ny"));
  BOOST_TEST(crlf[0].templateTail);
  auto bad = lex(u"`\\unicode`");
  BOOST_TEST(!bad[0].cookedValid);
  BOOST_TEST((bad[0].raw == u"\\unicode"));
}

BOOST_AUTO_TEST_CASE(identifiers_and_keywords) {
  auto t = lex(u"if \\u0069f caf\u00e9 \\u{61}b $_ #priv yield");
  BOOST_TEST(t[0].is(Kw::If));
  BOOST_TEST(t[1].kw == Kw::If);
  BOOST_TEST(t[1].escaped);
  BOOST_TEST(!t[1].is(Kw::If));  // an escaped keyword is never the keyword
  BOOST_TEST((t[2].name() == u"caf\u00e9"));
  BOOST_TEST((t[3].name() == u"ab"));
  BOOST_TEST((t[4].name() == u"$_"));
  BOOST_TEST(t[5].type == Tok::PrivateName);
  BOOST_TEST((t[5].name() == u"priv"));
  BOOST_TEST(t[6].kw == Kw::Yield);
  BOOST_TEST(lexFails(u"\\u0030abc"));  // a digit cannot start an identifier
  BOOST_TEST(lexFails(u"a\\u002Db"));   // '-' is not an identifier part
}

BOOST_AUTO_TEST_CASE(newlines_and_comments) {
  auto t = lex(u"a /* x */ b /* \n */ c // d\n e \u2028 f");
  BOOST_TEST(!t[1].newlineBefore);
  BOOST_TEST(t[2].newlineBefore);
  BOOST_TEST(t[3].newlineBefore);
  BOOST_TEST(t[4].newlineBefore);
  // HTML-like comments exist only in scripts.
  BOOST_TEST(lex(u"a <!-- b\nc")[1].source.compare(u"c") == 0);
  BOOST_TEST(lex(u"a\n--> b\nc")[1].source.compare(u"c") == 0);
  BOOST_TEST(lex(u"a <!-- b", true)[1].type == Tok::Lt);
  BOOST_TEST(lexFails(u"/* unterminated"));
}

BOOST_AUTO_TEST_CASE(hashbang) {
  Lexer lexer(u"#!/usr/bin/env kiln\nx", false);
  lexer.skipHashbang();
  lexer.next();
  BOOST_TEST((lexer.current().name() == u"x"));
}

BOOST_AUTO_TEST_CASE(regexp_rescan) {
  Lexer lexer(u"/[/]\\//gu.x", false);
  lexer.next();
  BOOST_TEST(lexer.current().type == Tok::Slash);
  lexer.rescanRegExp();
  BOOST_TEST(lexer.current().type == Tok::RegExp);
  BOOST_TEST((lexer.current().value == u"[/]\\/"));
  BOOST_TEST((lexer.current().raw == u"gu"));
  lexer.next();
  BOOST_TEST(lexer.current().type == Tok::Dot);
}

BOOST_AUTO_TEST_CASE(split_greater_for_type_arguments) {
  Lexer lexer(u">>= x", false);
  lexer.next();
  BOOST_TEST(lexer.current().type == Tok::SarAssign);
  lexer.splitGreater();
  BOOST_TEST(lexer.current().type == Tok::Gt);
  lexer.next();
  BOOST_TEST(lexer.current().type == Tok::Ge);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(source_file)

BOOST_AUTO_TEST_CASE(positions_and_lines) {
  auto f = SourceFile::fromUtf8("a.js", "\xEF\xBB\xBFone\r\ntwo\rthree\nfour\xE2\x80\xA8" "five");
  BOOST_TEST((f->text().substr(0, 3) == u"one"));  // BOM stripped
  BOOST_TEST(f->position(0).line == 1u);
  BOOST_TEST(f->position(5).line == 2u);
  BOOST_TEST(f->position(5).column == 1u);
  BOOST_TEST(f->position(9).line == 3u);
  BOOST_TEST(f->position(15).line == 4u);
  BOOST_TEST(f->position(20).line == 5u);
  BOOST_TEST(f->lineText(1) == "one");
  BOOST_TEST(f->lineText(2) == "two");
  BOOST_TEST(f->lineText(3) == "three");
  BOOST_TEST(f->lineText(5) == "five");
  BOOST_TEST(f->lineText(9) == "");
}

BOOST_AUTO_TEST_CASE(utf8_decoding) {
  auto f = SourceFile::fromUtf8("a.js", "a\xFF" "b\xF0\x9F\x98\x80\xC0\xAF");
  BOOST_TEST((f->text() == u"a\uFFFDb\U0001F600\uFFFD\uFFFD"));
  // Columns count UTF-16 units: the emoji takes two.
  auto g = SourceFile::fromUtf8("a.js", "\xF0\x9F\x98\x80x");
  BOOST_TEST(g->position(2).column == 3u);
  BOOST_TEST(SourceFile::fromUtf8("a.ts", "")->isTypeScript());
  BOOST_TEST(SourceFile::fromUtf8("a.mts", "")->isTypeScript());
  BOOST_TEST(!SourceFile::fromUtf8("a.js", "")->isTypeScript());
}

BOOST_AUTO_TEST_SUITE_END()
