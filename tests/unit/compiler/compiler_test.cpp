#define BOOST_TEST_MODULE compiler
#include <boost/test/unit_test.hpp>

#include "tests/unit/compiler/compiler_test_util.h"

using namespace kiln;
using kiln::test::compileSource;
using kiln::test::verifyFunction;

namespace {

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The disassembly of one child function (by name), for focused assertions.
std::string functionText(const std::string& all, const std::string& name) {
  auto pos = all.find(" " + name + " (");
  if (pos == std::string::npos) return "";
  auto end = all.find("\nfunction ", pos);
  return all.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

}  // namespace

BOOST_AUTO_TEST_CASE(locals_captures_and_globals) {
  auto c = compileSource("function f(a) { let y = 2; let x = 1; g(() => x + a); return y + z; }");
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  std::string f = functionText(c.text, "f");
  BOOST_TEST(has(f, "PushEnv scope(function: param:a let:x)"));  // captured: a and x
  BOOST_TEST(has(f, "GetArg 0"));  // copied into the env
  BOOST_TEST(has(f, "SetLocal 0"));                                 // y stays a local
  BOOST_TEST(has(f, "GetGlobal \"z\""));
  BOOST_TEST(has(f, "GetGlobal \"g\""));
  std::string arrow = c.text.substr(c.text.find("Arrow"));
  BOOST_TEST(has(arrow, "GetEnvChecked 0 1 \"x\""));
  BOOST_TEST(has(arrow, "GetEnv 0 0"));
}

BOOST_AUTO_TEST_CASE(tdz_checks) {
  // Reference after the declaration in the same function: no check.
  auto c = compileSource("function f() { let x = 1; return x; }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(!has(c.text, "Checked"));
  BOOST_TEST(!has(c.text, "ClearLocal"));
  // Reference before the declaration: checked, and the local is cleared at entry.
  c = compileSource("function f() { g(); return x; let x = 1; function g() {} }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(has(c.text, "GetLocalChecked 1 \"x\""));
  BOOST_TEST(has(c.text, "ClearLocal 1"));
  // From a closure: always checked.
  c = compileSource("function f() { let x = 1; return () => x; }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(has(c.text, "GetEnvChecked 0 0 \"x\""));
  // Const assignment: TypeError after the value is computed.
  c = compileSource("function f() { const k = 1; k = 2; }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(has(c.text, "ThrowConstAssign \"k\""));
}

BOOST_AUTO_TEST_CASE(finally_and_break) {
  auto c = compileSource("function f() { for (;;) { try { if (a) break; return 1; } finally { g(); } } }");
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  std::string f = functionText(c.text, "f");
  BOOST_TEST(has(f, "handler ["));
  BOOST_TEST(has(f, "Int32 2\n"));  // first jump completion (break)
  BOOST_TEST(has(f, "Int32 3\n"));  // second (return)
  BOOST_TEST(has(f, "Throw"));    // rethrow of a throw completion
}

BOOST_AUTO_TEST_CASE(for_of_closes_iterator) {
  auto c = compileSource("function f(xs) { for (const x of xs) { if (x) break; } }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  BOOST_TEST(has(c.text, "GetIterator"));
  BOOST_TEST(has(c.text, "IteratorStep"));
  BOOST_TEST(has(c.text, "IteratorClose 0"));  // break
  BOOST_TEST(has(c.text, "IteratorClose 1"));  // throw completion
}

BOOST_AUTO_TEST_CASE(class_lowering) {
  auto c = compileSource(
      "class A extends B { #x = 1; static s = 2; y = this.#x; constructor() { super(); }"
      " m() { return this.#x; } get g() { return 1; } static { this.t = 3; } }");
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  BOOST_TEST(has(c.text, "NewPrivateName \"#x\""));
  BOOST_TEST(has(c.text, "CreateClass class(\"A\""));
  BOOST_TEST(has(c.text, "extends"));
  BOOST_TEST(has(c.text, "DefineMethod 0"));
  BOOST_TEST(has(c.text, "DefineGetter 0"));
  BOOST_TEST(has(c.text, "SetClassFieldInit"));
  BOOST_TEST(has(c.text, "SuperCall 0"));
  BOOST_TEST(has(c.text, "InitFields"));
  BOOST_TEST(has(c.text, "DefinePrivateField"));
  BOOST_TEST(has(c.text, "GetPrivate"));
  BOOST_TEST(has(c.text, "InitGlobalLexical \"A\""));
}

BOOST_AUTO_TEST_CASE(destructuring) {
  auto c = compileSource("function f(o) { let {a, b: [c = 1, ...d], ...r} = o; return [a, c, d, r]; }");
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  BOOST_TEST(has(c.text, "RequireObjectCoercible"));
  BOOST_TEST(has(c.text, "GetProp \"a\""));
  BOOST_TEST(has(c.text, "GetIterator"));
  BOOST_TEST(has(c.text, "JumpIfNotUndefinedPeek"));
  BOOST_TEST(has(c.text, "ObjectRest 2"));
  BOOST_TEST(has(c.text, "ArrayPush"));
}

BOOST_AUTO_TEST_CASE(eval_and_with_are_dynamic) {
  auto c = compileSource("function f(a) { var v = 1; eval('v'); return a + v + w; }");
  BOOST_REQUIRE(c.fn);
  std::string f = functionText(c.text, "f");
  BOOST_TEST(has(f, "DirectEval 1 0"));
  BOOST_TEST(has(f, "scope(function,ext:"));
  BOOST_TEST(has(f, "GetName \"w\""));  // could be declared by the eval
  c = compileSource("function f(o, a) { with (o) { return a; } }");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(has(c.text, "PushWithEnv"));
  BOOST_TEST(has(c.text, "GetName \"a\""));
}

BOOST_AUTO_TEST_CASE(script_globals_and_modules) {
  auto c = compileSource("var a = 1; let b = 2; function f() {} const k = 3;");
  BOOST_REQUIRE(c.fn);
  BOOST_TEST(has(c.text, "GlobalDeclarationInstantiation decls( var a function f=#0 let b const k )"));
  BOOST_TEST(has(c.text, "SetGlobal \"a\""));
  BOOST_TEST(has(c.text, "InitGlobalLexical \"b\""));
  auto m = compileSource("import d, {x as y} from './m.js'; export let z = y; export default function () {}"
                         " export * from './n.js'; await 0;",
                         true);
  BOOST_REQUIRE_MESSAGE(m.fn, m.error);
  BOOST_TEST(verifyFunction(*m.fn) == "");
  BOOST_REQUIRE(m.fn->module);
  const auto& md = *m.fn->module;
  BOOST_TEST(md.requests.size() == 2u);
  BOOST_TEST(md.imports.size() == 2u);
  BOOST_TEST(md.starExports.size() == 1u);
  BOOST_TEST(md.functions.size() == 1u);
  BOOST_TEST(md.hasTopLevelAwait);
  BOOST_TEST(has(m.text, "GetImport 1 (y)"));
}

BOOST_AUTO_TEST_CASE(line_table_and_limits) {
  auto c = compileSource("function f(o) {\n  return o.x.y;\n}");
  BOOST_REQUIRE(c.fn);
  const CompiledFunction& f = c.fn->children.at(0);
  BOOST_TEST(!f.lineTable.empty());
  // The GetProp "y" must map to a position on line 2.
  auto src = SourceFile::fromUtf8("t.js", "function f(o) {\n  return o.x.y;\n}");
  bool found = false;
  for (uint32_t pc = 0; pc < f.code.size();) {
    if (Op(f.code[pc]) == Op::GetProp) {
      found = true;
      BOOST_TEST(src->position(f.sourceOffsetAt(pc)).line == 2u);
    }
    pc += instructionSize(Op(f.code[pc]));
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(constant_folding_and_dead_code) {
  auto c = compileSource("const day = 60 * 60 * 24, s = 'v' + 1 + '.' + 2 ** 3, neg = -0, big = 1 << 31;", true);
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  BOOST_TEST(has(c.text, "Int32 86400"));
  BOOST_TEST(has(c.text, "String \"v1.8\""));
  BOOST_TEST(has(c.text, "Int32 -2147483648"));
  BOOST_TEST(!has(c.text, "Mul"));
  BOOST_TEST(!has(c.text, "Shl"));
  BOOST_TEST(!has(c.text, "Int32 0\n"));  // -0 is a Number constant, not Int32 0
  // Code that cannot run is left out; what is not constant stays.
  c = compileSource("function f(x) { if (0) g(); if (1 < 2) h(); else g(); return x ? 1 : 2; g(); }");
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(verifyFunction(*c.fn) == "");
  std::string f = functionText(c.text, "f");
  BOOST_TEST(!has(f, "\"g\""));
  BOOST_TEST(has(f, "GetGlobal \"h\""));
  BOOST_TEST(has(f, "JumpIfFalse"));  // x ? 1 : 2
  // Not folded: operations whose result depends on run time or has identity.
  c = compileSource("const a = x + 1, b = '1' * 2, c = 1n + 2n, d = [] + 1;", true);
  BOOST_REQUIRE_MESSAGE(c.fn, c.error);
  BOOST_TEST(has(c.text, "Add"));
  BOOST_TEST(has(c.text, "Mul"));
}
