#include <boost/test/unit_test.hpp>

#include <pthread.h>

#include <string>

#include "ast_dump.h"
#include "engine/parser.h"

using namespace kiln;
using kiln::test::parseDump;
using kiln::test::parseError;

namespace {

bool accepts(const std::string& code, bool module = false) {
  return parseError(code, false, module).offset == UINT32_MAX;
}
bool rejects(const std::string& code, bool module = false) { return !accepts(code, module); }

std::string sourceOf(const std::string& code, const ast::Node* n) {
  auto text = utf8ToUtf16(code);
  return utf16ToUtf8(std::u16string_view(text).substr(n->start, n->end - n->start));
}

std::unique_ptr<ast::Program> parse(const std::string& code, ParseOptions options = {}) {
  auto file = SourceFile::fromUtf8("t.js", code);
  ParseError error;
  auto p = parseProgram(*file, options, &error);
  BOOST_REQUIRE_MESSAGE(p, error.message);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(parser_expressions)

BOOST_AUTO_TEST_CASE(precedence_and_associativity) {
  BOOST_TEST(parseDump("a + b * c - d;") == "[(- (+ a (* b c)) d);]");
  BOOST_TEST(parseDump("a ** b ** c;") == "[(** a (** b c));]");
  BOOST_TEST(parseDump("a || b && c ?? d;").starts_with("ERROR"));
  BOOST_TEST(parseDump("(a || b) ?? c;") == "[(?? (|| a b) c);]");
  BOOST_TEST(parseDump("a = b += c;") == "[(= a (+= b c));]");
  BOOST_TEST(parseDump("a ? b : c ? d : e;") == "[(? a b (? c d e));]");
  BOOST_TEST(parseDump("-a ** 2;").starts_with("ERROR"));
  BOOST_TEST(parseDump("(-a) ** 2;") == "[(** (- a) 2);]");
  BOOST_TEST(parseDump("--a ** 2;") == "[(** (--pre a) 2);]");
  BOOST_TEST(parseDump("typeof a.b;") == "[(typeof (. a b));]");
  BOOST_TEST(parseDump("new a.b(c).d;") == "[(. (new (. a b) [c]) d);]");
  BOOST_TEST(parseDump("new new a()();") == "[(new (new a []) []);]");
  BOOST_TEST(parseDump("a in b instanceof c;") == "[(instanceof (in a b) c);]");
}

BOOST_AUTO_TEST_CASE(optional_chains) {
  BOOST_TEST(parseDump("a?.b.c(d);") == "[(chain (call (. (?. a b) c) [d]));]");
  BOOST_TEST(parseDump("a?.[0]?.(1);") == "[(chain (call?. (?. a [0]) [1]));]");
  BOOST_TEST(parseDump("a?.b = 1;").starts_with("ERROR"));
  BOOST_TEST(parseDump("a?.b`t`;").starts_with("ERROR"));
  BOOST_TEST(parseDump("new a?.b();").starts_with("ERROR"));
  BOOST_TEST(parseDump("a ? .5 : 1;") == "[(? a 0.5 1);]");
}

BOOST_AUTO_TEST_CASE(regexp_versus_division) {
  BOOST_TEST(parseDump("a / b / c;") == "[(/ (/ a b) c);]");
  BOOST_TEST(parseDump("x = /b/g;") == "[(= x /b/g);]");
  BOOST_TEST(parseDump("a\n/b/g;") == "[(/ (/ a b) g);]");
  BOOST_TEST(parseDump("if (a) /re/.test(b);") == "[(if a (call (. /re/ test) [b]); _)]");
  BOOST_TEST(parseDump("x = /[/]/;") == "[(= x /[/]/);]");
  BOOST_TEST(parseDump("x = /(/;").starts_with("ERROR"));
  BOOST_TEST(parseDump("x = /a/gg;").starts_with("ERROR"));
}

BOOST_AUTO_TEST_CASE(templates) {
  BOOST_TEST(parseDump("`a${b}c${d}e`;") == "[(tpl \"a\" b \"c\" d \"e\");]");
  BOOST_TEST(parseDump("tag`\\unicode`;") == "[(tagged tag (tpl \"<invalid>\"));]");
  BOOST_TEST(parseDump("`\\unicode`;").starts_with("ERROR"));
  BOOST_TEST(parseDump("`\\01`;").starts_with("ERROR"));
  BOOST_TEST(parseDump("`${ {a: `x${1}`}.a }`;") == "[(tpl \"\" (. (object (init a (tpl \"x\" 1 \"\"))) a) \"\");]");
}

BOOST_AUTO_TEST_CASE(destructuring_cover_grammar) {
  BOOST_TEST(parseDump("[a, {b, c: [d = 1]}, ...e] = f;") ==
             "[(= (apat [a (opat (b b) (c (apat [(default d 1)]))) (rest e)]) f);]");
  BOOST_TEST(parseDump("({a = 1} = b);") == "[(= (opat (a (default a 1))) b);]");
  BOOST_TEST(parseDump("({a = 1});").starts_with("ERROR"));
  BOOST_TEST(parseDump("[...a, b] = c;").starts_with("ERROR"));
  BOOST_TEST(parseDump("[...a,] = c;").starts_with("ERROR"));
  BOOST_TEST(parseDump("({a}) = 1;").starts_with("ERROR"));
  BOOST_TEST(parseDump("(a) = 1;") == "[(= a 1);]");
  BOOST_TEST(parseDump("({__proto__: a, __proto__: b});").starts_with("ERROR"));
  BOOST_TEST(parseDump("({__proto__: a, __proto__: b} = c);") == "[(= (opat (__proto__ a) (__proto__ b)) c);]");
  BOOST_TEST(parseDump("1 = a;").starts_with("ERROR"));
  BOOST_TEST(parseDump("a++ = 1;").starts_with("ERROR"));
}

BOOST_AUTO_TEST_CASE(arrows) {
  BOOST_TEST(parseDump("(a, b) => a;") == "[(fn arrow [a b] [(return a)]);]");
  BOOST_TEST(parseDump("async (a = 1, ...b) => {};") == "[(fn async arrow [(default a 1) (rest b)] []);]");
  BOOST_TEST(parseDump("async x => x;") == "[(fn async arrow [x] [(return x)]);]");
  BOOST_TEST(parseDump("async(x);") == "[(call async [x]);]");
  BOOST_TEST(parseDump("({a}, [b]) => 0;") == "[(fn arrow [(opat (a a)) (apat [b])] [(return 0)]);]");
  BOOST_TEST(parseDump("(a, a) => 0;").starts_with("ERROR"));
  BOOST_TEST(parseDump("(a)\n=> 0;").starts_with("ERROR"));
  BOOST_TEST(parseDump("async a\n=> 0;").starts_with("ERROR"));
  BOOST_TEST(parseDump("() => {} ();").starts_with("ERROR"));
  BOOST_TEST(parseDump("async function f() { (a = await 1) => 0; }").starts_with("ERROR"));
  BOOST_TEST(parseDump("function* g() { (a = yield) => 0; }").starts_with("ERROR"));
}

BOOST_AUTO_TEST_CASE(objects_and_classes) {
  BOOST_TEST(parseDump("({a, b: 1, [c]: 2, get d() {}, set d(v) {}, *e() {}, async f() {}, ...g});") ==
             "[(object (init a short a) (init b 1) (init [c] 2) (get d (fn get [] [])) "
             "(set d (fn set [v] [])) (method e (fn gen method [] [])) (method f (fn async method [] [])) "
             "(spread _ g));]");
  BOOST_TEST(parseDump("class A extends B { #x = 1; static s; static { this.y = 2; } get #p() {} m() { return #x in this; } }") ==
             "[(decl (class A B (fn strict derived-ctor [(rest args)] [(super [(... args)]);]) (field # x 1) "
             "(static field s _) (static static-block _ (fn strict method [] [(= (. this y) 2);])) "
             "(get # p (fn strict get [] [])) (method m (fn strict method [] [(return (#x in this))]))))]");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(asi)

BOOST_AUTO_TEST_CASE(automatic_semicolons) {
  BOOST_TEST(parseDump("a\nb") == "[a; b;]");
  BOOST_TEST(parseDump("a b").starts_with("ERROR"));
  BOOST_TEST(parseDump("a\n++b") == "[a; (++pre b);]");
  BOOST_TEST(parseDump("a\n(b)") == "[(call a [b]);]");
  BOOST_TEST(parseDump("function f() { return\na }") == "[(decl (fn normal f [] [(return _) a;]))]");
  BOOST_TEST(parseDump("x: while (1) { break\nx }") == "[(label x (while 1 {[(break ) x;]}))]");
  BOOST_TEST(parseDump("throw\na").starts_with("ERROR"));
  BOOST_TEST(parseDump("do x; while (0) y") == "[(do x; 0) y;]");
  BOOST_TEST(parseDump("for (;;) {}") == "[(for _ _ _ {[]})]");
  BOOST_TEST(parseDump("for (\n;;) {}") == "[(for _ _ _ {[]})]");
  BOOST_TEST(parseDump("for (a\n;) {}").starts_with("ERROR"));
  BOOST_TEST(parseDump("let \n x = 1") == "[(let (x 1))]");
  BOOST_TEST(parseDump("if (a) let \n x = 1") == "[(if a let; _) (= x 1);]");
  BOOST_TEST(parseDump("var a = 1 {}").starts_with("ERROR"));
  BOOST_TEST(parseDump("{ 1 } 2") == "[{[1;]} 2;]");
  BOOST_TEST(parseDump("function* g() { yield\na }") == "[(decl (fn gen normal g [] [(yield _); a;]))]");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(early_errors)

BOOST_AUTO_TEST_CASE(declarations) {
  BOOST_TEST(rejects("let a; let a;"));
  BOOST_TEST(rejects("let a; var a;"));
  BOOST_TEST(rejects("var a; let a;"));
  BOOST_TEST(accepts("var a; var a; function a() {}"));
  BOOST_TEST(rejects("let let = 1;"));
  BOOST_TEST(rejects("const a;"));
  BOOST_TEST(rejects("{ function f() {} let f; }"));
  BOOST_TEST(accepts("{ function f() {} function f() {} }"));
  BOOST_TEST(rejects("'use strict'; { function f() {} function f() {} }"));
  BOOST_TEST(rejects("try {} catch (e) { let e; }"));
  BOOST_TEST(accepts("try {} catch (e) { var e; }"));
  BOOST_TEST(rejects("try {} catch ([e]) { var e; }"));
  BOOST_TEST(rejects("function f(a) { let a; }"));
  BOOST_TEST(rejects("for (let a of b) { var a; }"));
  BOOST_TEST(rejects("label: let x;") );
}

BOOST_AUTO_TEST_CASE(strict_mode) {
  BOOST_TEST(rejects("'use strict'; with (a) {}"));
  BOOST_TEST(rejects("'use strict'; delete x;"));
  BOOST_TEST(rejects("'use strict'; var eval;"));
  BOOST_TEST(rejects("'use strict'; 010;"));
  BOOST_TEST(rejects("'use strict'; '\\01';"));
  BOOST_TEST(rejects("function f() { '\\01'; 'use strict'; }"));
  BOOST_TEST(rejects("'use strict'; var implements;"));
  BOOST_TEST(rejects("function f(a, a) { 'use strict'; }"));
  BOOST_TEST(rejects("function f(a = 1) { 'use strict'; }"));
  BOOST_TEST(rejects("function eval() { 'use strict'; }"));
  BOOST_TEST(accepts("function f(a, a) {}"));
  BOOST_TEST(accepts("with (a) {} delete x; var implements = 010;"));
  BOOST_TEST(rejects("class A { m() { with (a) {} } }"));
}

BOOST_AUTO_TEST_CASE(functions_and_contexts) {
  BOOST_TEST(rejects("return;"));
  BOOST_TEST(rejects("break;"));
  BOOST_TEST(rejects("while (1) { function f() { break; } }"));
  BOOST_TEST(rejects("a: { continue a; }"));
  BOOST_TEST(rejects("a: a: ;"));
  BOOST_TEST(rejects("while (1) break b;"));
  BOOST_TEST(rejects("new.target"));
  BOOST_TEST(accepts("function f() { new.target; () => new.target; }"));
  BOOST_TEST(rejects("function f() { super.x; }"));
  BOOST_TEST(accepts("({ m() { super.x; } })"));
  BOOST_TEST(rejects("class A { constructor() { super(); } }"));
  BOOST_TEST(accepts("class A extends B { constructor() { super(); } }"));
  BOOST_TEST(rejects("function* g() { var yield; }"));
  BOOST_TEST(rejects("async function f() { var await; }"));
  BOOST_TEST(accepts("var yield, await;"));
  BOOST_TEST(rejects("var await;", true));
  BOOST_TEST(accepts("await x;", true));
  BOOST_TEST(rejects("import.meta"));
  BOOST_TEST(accepts("import.meta", true));
  BOOST_TEST(rejects("v\\u0061r x;"));
  BOOST_TEST(rejects("({ async *m() { yield\\u0020; } })"));
}

BOOST_AUTO_TEST_CASE(classes_and_private_names) {
  BOOST_TEST(rejects("class A { constructor() {} constructor() {} }"));
  BOOST_TEST(rejects("class A { get constructor() {} }"));
  BOOST_TEST(rejects("class A { *constructor() {} }"));
  BOOST_TEST(rejects("class A { constructor = 1 }"));
  BOOST_TEST(rejects("class A { static prototype() {} }"));
  BOOST_TEST(rejects("class A { m() { this.#x; } }"));
  BOOST_TEST(rejects("class A { #x; #x; }"));
  BOOST_TEST(accepts("class A { get #x() {} set #x(v) {} }"));
  BOOST_TEST(rejects("class A { #x; m() { delete this.#x; } }"));
  BOOST_TEST(accepts("class A { #x; m() { class B { n(o) { return o.#x; } } } }"));
  BOOST_TEST(rejects("class A { x = arguments; }"));
  BOOST_TEST(rejects("class A { static { await; } }"));
  BOOST_TEST(rejects("class A { static { return; } }"));
}

BOOST_AUTO_TEST_CASE(modules) {
  BOOST_TEST(rejects("export var a; export var a;", true));
  BOOST_TEST(rejects("export { b };", true));
  BOOST_TEST(accepts("var b; export { b as c, b as default };", true));
  BOOST_TEST(rejects("export { b as c, d as c }; var b, d;", true));
  BOOST_TEST(rejects("import a from 'm'; let a;", true));
  BOOST_TEST(rejects("{ import a from 'm'; }", true));
  BOOST_TEST(rejects("import a from 'm';"));
  BOOST_TEST(accepts("export * as ns from 'm'; export { 'a b' as c } from 'm'; import { 'x' as y } from 'm';", true));
  BOOST_TEST(rejects("export { 'a' };", true));
  BOOST_TEST(rejects("<!-- x", true));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors_and_positions)

BOOST_AUTO_TEST_CASE(messages_and_offsets) {
  auto e = parseError("let x = );");
  BOOST_TEST(e.message == "Unexpected token ')'");
  BOOST_TEST(e.offset == 8u);
  e = parseError("let a;\nlet a;");
  BOOST_TEST(e.message == "Identifier 'a' has already been declared");
  BOOST_TEST(e.offset == 11u);
  BOOST_TEST(parseError("a b").message == "Unexpected identifier 'b'");
  BOOST_TEST(parseError("(a").message == "Unexpected end of input");
  BOOST_TEST(parseError("'abc").message == "Invalid or unexpected token");
  BOOST_TEST(parseError("x: while(1) continue y;").message == "Undefined label 'y'");
}

BOOST_AUTO_TEST_CASE(format_syntax_error) {
  auto file = SourceFile::fromUtf8("path/file.ts", "let a = 1;\n\nlet x = );\n");
  ParseError error;
  ParseOptions options;
  BOOST_REQUIRE(!parseProgram(*file, options, &error));
  BOOST_TEST(formatSyntaxError(*file, error) ==
             "path/file.ts:3:9: SyntaxError: Unexpected token ')'\n"
             "let x = );\n"
             "        ^");
}

BOOST_AUTO_TEST_CASE(function_source_ranges) {
  std::string code = "x = class K { static async *m(a) { } get g() {} }; f = async (a) => a; function h() {}";
  auto p = parse(code);
  auto* assign = p->body[0]->as<ast::ExprStmt>()->expression->as<ast::Assign>();
  auto* cls = assign->value->as<ast::ClassNode>();
  BOOST_TEST(sourceOf(code, cls) == "class K { static async *m(a) { } get g() {} }");
  BOOST_TEST(sourceOf(code, cls->members[0].value) == "async *m(a) { }");
  BOOST_TEST(sourceOf(code, cls->members[1].value) == "get g() {}");
  auto* arrow = p->body[1]->as<ast::ExprStmt>()->expression->as<ast::Assign>()->value;
  BOOST_TEST(sourceOf(code, arrow) == "async (a) => a");
  BOOST_TEST(sourceOf(code, p->body[2]->as<ast::FunctionDecl>()->function) == "function h() {}");
}

// Runs a parse on a thread with a 1 MiB stack: the nesting limit must keep
// every construct within it.
std::string parseOnSmallStack(const std::string& code, bool typescript) {
  struct Job {
    const std::string* code;
    bool typescript;
    std::string message;
  } job{&code, typescript, {}};
  auto run = [](void* arg) -> void* {
    auto* j = static_cast<Job*>(arg);
    j->message = parseError(*j->code, j->typescript).message;
    return nullptr;
  };
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_t thread;
  BOOST_REQUIRE(pthread_create(&thread, &attr, run, &job) == 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return job.message;
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_an_error_not_a_crash) {
  struct Case { const char* prefix; const char* repeated; bool typescript; };
  const Case cases[] = {
      {"", "(", false}, {"", "[", false}, {"", "({a:", false}, {"", "!", false}, {"", "a+(", false},
      {"", "function f(){", false}, {"", "{", false}, {"", "x=>", false}, {"", "a?b:", false},
      {"", "new ", false}, {"x=", "class extends ", false}, {"let ", "[", false}, {"let ", "{a:", false},
      {"", "if(1)", false}, {"", "`${", false}, {"", "async (a=", false}, {"", "class A{m(){", false},
      {"", "(a=(", true}, {"", "<T>(a=", true}, {"", "f<(", true}, {"let x:", "[", true},
      {"let x:", "A<", true}, {"let x:", "() => ", true}, {"let x:", "{a:", true}, {"let x:", "(", true},
  };
  for (const Case& c : cases) {
    std::string code = c.prefix;
    for (int i = 0; i < 50000; ++i) code += c.repeated;
    BOOST_TEST(parseOnSmallStack(code, c.typescript) == "too much nesting", "input: " << c.prefix << c.repeated);
  }
  std::string ok;
  for (int i = 0; i < 300; ++i) ok += "[";
  for (int i = 0; i < 300; ++i) ok += "]";
  BOOST_TEST(accepts(ok));
  // Long flat chains are loops, not recursion.
  std::string chain = "x";
  for (int i = 0; i < 100000; ++i) chain += "+x";
  BOOST_TEST(accepts(chain));
}

BOOST_AUTO_TEST_CASE(eval_options) {
  ParseOptions options;
  options.allowNewTarget = true;
  options.allowSuperProperty = true;
  options.privateNames = {u"p"};
  auto p = parse("new.target; super.x; this.#p;", options);
  BOOST_TEST(p->body.size() == 3u);
  auto file = SourceFile::fromUtf8("e.js", "var let;");
  ParseOptions strict;
  strict.strict = true;
  ParseError error;
  BOOST_TEST(!parseProgram(*file, strict, &error));
}

BOOST_AUTO_TEST_CASE(dynamic_functions) {
  ParseError error;
  auto p = parseDynamicFunction(u"a, b = 1", u"return a + b;", DynamicFunctionKind::Normal, &error);
  BOOST_REQUIRE(p);
  BOOST_TEST(test::dumpProgram(*p) == "[(fn normal anonymous [a (default b 1)] [(return (+ a b))]);]");
  BOOST_TEST(!parseDynamicFunction(u"a) { evil(); } (function(", u"", DynamicFunctionKind::Normal, &error));
  BOOST_TEST(!parseDynamicFunction(u"", u"}); (function() {", DynamicFunctionKind::Normal, &error));
  BOOST_TEST(!parseDynamicFunction(u"a = 1", u"'use strict';", DynamicFunctionKind::Normal, &error));
  auto g = parseDynamicFunction(u"", u"yield 1", DynamicFunctionKind::Generator, &error);
  BOOST_REQUIRE(g);
  BOOST_TEST(test::dumpProgram(*g) == "[(fn gen normal anonymous [] [(yield 1);]);]");
  BOOST_TEST(!parseDynamicFunction(u"", u"yield 1", DynamicFunctionKind::Normal, &error));
  BOOST_TEST(!parseDynamicFunction(u"", u"await 1", DynamicFunctionKind::Normal, &error));
  BOOST_TEST(parseDynamicFunction(u"", u"await 1", DynamicFunctionKind::Async, &error) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
