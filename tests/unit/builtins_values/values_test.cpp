// Unit tests of the value builtins (String, Number, BigInt, Math, JSON,
// RegExp, Date), driven through the C++ API: natives are looked up on the
// global object and called with call(). Run with KILN_GC_STRESS=1 too.
#define BOOST_TEST_MODULE builtins_values
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/regexp.h"
#include "engine/conversions.h"
#include "engine/object.h"
#include "engine/strings.h"

using namespace kiln;

namespace {

struct Fixture {
  VM vm{nativeTable()};
  RootRef keep_{vm.heap()};  // keeps every value a helper returns alive
  Fixture() {
    if (const char* s = std::getenv("KILN_GC_STRESS")) vm.heap().setStressMode(s[0] == '1');
    Value g = createRealm(vm);
    BOOST_REQUIRE(!g.isException());
    keep_.set(newValueArray(vm, 1 << 14, 0));
  }
  Value keep(Value v) {
    auto* a = vm.cell<ValueArrayCell>(keep_.get());
    if (!v.isException() && a->length < a->capacity) a->data()[a->length++] = v;
    return v;
  }
  Value global() { return vm.intrinsic(Intrinsic::GlobalObject); }
  Value str(std::string_view s) { return keep(newString(vm, s)); }
  Value ustr(std::u16string_view s) { return keep(newString(vm, s)); }
  Value num(double d) { return Value::number(d); }
  Value path(const std::string& dotted) {
    Value cur = global();
    size_t start = 0;
    while (start <= dotted.size()) {
      size_t dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      Root c(vm.heap(), cur);
      cur = keep(get(vm, c.get(), keyFor(vm, dotted.substr(start, dot - start))));
      start = dot + 1;
    }
    return cur;
  }
  // Calls `dotted` (e.g. "String.prototype.split") with this and args.
  Value callOn(const std::string& dotted, Value thisValue, std::initializer_list<Value> args) {
    Root fn(vm.heap(), path(dotted)), t(vm.heap(), thisValue);
    std::vector<Value> a(args);
    return keep(call(vm, fn, t.get(), std::span<const Value>(a.data(), a.size())));
  }
  Value callFn(const std::string& dotted, std::initializer_list<Value> args) {
    return callOn(dotted, Value::undefined(), args);
  }
  Value construct(const std::string& dotted, std::initializer_list<Value> args) {
    Root fn(vm.heap(), path(dotted));
    std::vector<Value> a(args);
    return keep(kiln::construct(vm, fn, std::span<const Value>(a.data(), a.size())));
  }
  std::string text(Value v) {
    if (v.isException()) return "<exception: " + pending() + ">";
    Value s = toString(vm, v);
    if (s.isException()) return "<exception>";
    return toUtf8(vm, s);
  }
  // "Name: message" of the pending exception (cleared).
  std::string pending() {
    if (!vm.hasException()) return "";
    Root e(vm.heap(), vm.takeException());
    if (!e.get().isObject()) return describe(vm, e.get());
    Value n = get(vm, e.get(), vm.atom(Atom::name));
    std::string name = n.isString() ? toUtf8(vm, n) : "?";
    Value m = get(vm, e.get(), vm.atom(Atom::message));
    return name + ": " + (m.isString() ? toUtf8(vm, m) : "?");
  }
  // JSON.stringify, the most compact way to look at a result.
  std::string json(Value v) { return text(callFn("JSON.stringify", {v})); }
  std::string method(const char* proto, Value thisValue, std::initializer_list<Value> args) {
    return text(callOn(proto, thisValue, args));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(strings, Fixture)

BOOST_AUTO_TEST_CASE(basic_methods) {
  Value s = str("hello world");
  BOOST_TEST(method("String.prototype.toUpperCase", s, {}) == "HELLO WORLD");
  BOOST_TEST(method("String.prototype.slice", s, {num(-5)}) == "world");
  BOOST_TEST(method("String.prototype.substring", s, {num(7), num(2)}) == "llo w");
  BOOST_TEST(method("String.prototype.indexOf", s, {str("o")}) == "4");
  BOOST_TEST(method("String.prototype.lastIndexOf", s, {str("o")}) == "7");
  BOOST_TEST(method("String.prototype.padStart", str("7"), {num(3), str("0")}) == "007");
  BOOST_TEST(method("String.prototype.repeat", str("ab"), {num(3)}) == "ababab");
  BOOST_TEST(method("String.prototype.trim", ustr(u"\u3000 x\n"), {}) == "x");
  BOOST_TEST(method("String.prototype.at", s, {num(-1)}) == "d");
  BOOST_TEST(method("String.prototype.startsWith", s, {str("world"), num(6)}) == "true");
}

BOOST_AUTO_TEST_CASE(case_mapping_specials) {
  BOOST_TEST(method("String.prototype.toUpperCase", ustr(u"stra\u00DFe"), {}) == "STRASSE");
  // Final sigma lowers to U+03C2, a medial one to U+03C3.
  Value r = callOn("String.prototype.toLowerCase", ustr(u"\u0391\u03A3 \u03A3\u0391"), {});
  BOOST_TEST((toUtf16(vm, r) == u"\u03B1\u03C2 \u03C3\u03B1"));
  r = callOn("String.prototype.toLowerCase", ustr(u"\u0130"), {});
  BOOST_TEST((toUtf16(vm, r) == u"i\u0307"));
}

BOOST_AUTO_TEST_CASE(split_replace_with_strings_and_regexps) {
  BOOST_TEST(json(callOn("String.prototype.split", str("a,b,,c"), {str(",")})) == "[\"a\",\"b\",\"\",\"c\"]");
  BOOST_TEST(json(callOn("String.prototype.split", str("abc"), {str(""), num(2)})) == "[\"a\",\"b\"]");
  Value rx = keep(regExpCreate(vm, str("(\\d)"), str("")));
  BOOST_TEST(json(callOn("String.prototype.split", str("a1b2c"), {rx})) == "[\"a\",\"1\",\"b\",\"2\",\"c\"]");
  Value g = keep(regExpCreate(vm, str("o"), str("g")));
  BOOST_TEST(method("String.prototype.replace", str("foo boo"), {g, str("0")}) == "f00 b00");
  Value named = keep(regExpCreate(vm, str("(?<y>\\d{4})-(?<m>\\d\\d)"), str("")));
  BOOST_TEST(method("String.prototype.replace", str("on 2024-05!"), {named, str("$<m>/$<y> [$&] $` $'")}) ==
             "on 05/2024 [2024-05] on  !!");
  BOOST_TEST(method("String.prototype.replaceAll", str("a.b.c"), {str("."), str("$$")}) == "a$b$c");
  BOOST_TEST(method("String.prototype.replace", str("abc"), {str("b"), str("$0$1$")}) == "a$0$1$c");
}

BOOST_AUTO_TEST_CASE(iterator_walks_code_points) {
  Value s = ustr(u"a\U0001F600b");
  // Through the well-known symbol; walk the iterator by hand.
  Value iterFn = keep(get(vm, path("String.prototype"), vm.wellKnown(WellKnown::iterator)));
  Root iter(vm.heap(), keep(call(vm, iterFn, s)));
  std::vector<std::u16string> parts;
  for (int i = 0; i < 5; i++) {
    Value next = keep(get(vm, iter.get(), vm.atom(Atom::next)));
    Value r = keep(call(vm, next, iter.get()));
    if (get(vm, r, vm.atom(Atom::done)).isTrue()) break;
    parts.push_back(toUtf16(vm, get(vm, r, vm.atom(Atom::value))));
  }
  BOOST_TEST(parts.size() == 3u);
  BOOST_TEST((parts[1] == u"\U0001F600"));
}

BOOST_AUTO_TEST_CASE(errors_use_v8_wording) {
  BOOST_TEST(callOn("String.prototype.repeat", str("a"), {num(-1)}).isException());
  BOOST_TEST(pending() == "RangeError: Invalid count value: -1");
  BOOST_TEST(callOn("String.prototype.trim", Value::undefined(), {}).isException());
  BOOST_TEST(pending() == "TypeError: String.prototype.trim called on null or undefined");
  BOOST_TEST(callFn("String.fromCodePoint", {num(-1)}).isException());
  BOOST_TEST(pending() == "RangeError: Invalid code point -1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(numbers, Fixture)

BOOST_AUTO_TEST_CASE(formatting) {
  BOOST_TEST(method("Number.prototype.toFixed", num(1.005), {num(2)}) == "1.00");
  BOOST_TEST(method("Number.prototype.toString", num(255), {num(16)}) == "ff");
  BOOST_TEST(method("Number.prototype.toPrecision", num(123.456), {num(4)}) == "123.5");
  BOOST_TEST(method("Number.prototype.toExponential", num(0.00015), {num(1)}) == "1.5e-4");
  BOOST_TEST(method("Number.prototype.toLocaleString", num(1234567.891), {}) == "1,234,567.891");
  BOOST_TEST(callOn("Number.prototype.toFixed", num(1), {num(101)}).isException());
  BOOST_TEST(pending() == "RangeError: toFixed() digits argument must be between 0 and 100");
  BOOST_TEST(callOn("Number.prototype.valueOf", str("x"), {}).isException());
  BOOST_TEST(pending() == "TypeError: Number.prototype.valueOf requires that 'this' be a Number");
}

BOOST_AUTO_TEST_CASE(statics_and_constructor) {
  BOOST_TEST(text(callFn("Number", {str(" 0x1F ")})) == "31");
  BOOST_TEST(text(callFn("Number.parseInt", {str("08"), Value::undefined()})) == "8");
  BOOST_TEST(text(callFn("Number.parseFloat", {str("3.5e2px")})) == "350");
  BOOST_TEST(callFn("Number.isSafeInteger", {num(9007199254740992.0)}).isFalse());
  Value wrapper = construct("Number", {num(5)});
  BOOST_TEST((kindOf(vm, wrapper) == CellKind::Primitive));
  BOOST_TEST(text(callOn("Number.prototype.valueOf", wrapper, {})) == "5");
}

BOOST_AUTO_TEST_CASE(bigint) {
  BOOST_TEST(text(callFn("BigInt", {str("0x10")})) == "16");
  BOOST_TEST(text(callFn("BigInt.asIntN", {num(8), keep(callFn("BigInt", {num(255)}))})) == "-1");
  BOOST_TEST(callFn("BigInt", {num(1.5)}).isException());
  BOOST_TEST(pending() == "RangeError: The number 1.5 cannot be converted to a BigInt because it is not an integer");
  BOOST_TEST(construct("BigInt", {num(1)}).isException());
  BOOST_TEST(pending() == "TypeError: BigInt is not a constructor");
}

BOOST_AUTO_TEST_CASE(math) {
  BOOST_TEST(text(callFn("Math.max", {num(1), num(3), num(2)})) == "3");
  BOOST_TEST(text(callFn("Math.min", {})) == "Infinity");
  BOOST_TEST(std::signbit(callFn("Math.round", {num(-0.4)}).toDouble()));
  BOOST_TEST(text(callFn("Math.round", {num(0.49999999999999994)})) == "0");
  BOOST_TEST(text(callFn("Math.hypot", {num(3), num(4)})) == "5");
  BOOST_TEST(text(callFn("Math.hypot", {num(NAN), num(INFINITY)})) == "Infinity");
  BOOST_TEST(text(callFn("Math.cbrt", {num(27)})) == "3");
  BOOST_TEST(text(callFn("Math.pow", {num(1), num(INFINITY)})) == "NaN");
  BOOST_TEST(text(callFn("Math.imul", {num(0xffffffff), num(5)})) == "-5");
  BOOST_TEST(text(callFn("Math.clz32", {num(1)})) == "31");
  double a = callFn("Math.random", {}).toDouble(), b = callFn("Math.random", {}).toDouble();
  BOOST_TEST((a >= 0 && a < 1 && b >= 0 && b < 1 && a != b));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(json_suite, Fixture)

BOOST_AUTO_TEST_CASE(round_trip) {
  const char* src = "{\"a\":[1,2.5,-0,{\"b\":null}],\"c\":\"x\\ny\\u0041\",\"d\":true}";
  Value parsed = keep(callFn("JSON.parse", {str(src)}));
  BOOST_TEST(json(parsed) == "{\"a\":[1,2.5,0,{\"b\":null}],\"c\":\"x\\nyA\",\"d\":true}");
  Value pretty = callFn("JSON.stringify", {keep(callFn("JSON.parse", {str("[1,{\"k\":[]}]")})), Value::undefined(), num(2)});
  BOOST_TEST(text(pretty) == "[\n  1,\n  {\n    \"k\": []\n  }\n]");
  BOOST_TEST(json(ustr(u"\xD800")) == "\"\\ud800\"");
}

BOOST_AUTO_TEST_CASE(syntax_errors_match_v8) {
  BOOST_TEST(callFn("JSON.parse", {str("[1,]")}).isException());
  BOOST_TEST(pending() == "SyntaxError: Unexpected token ']', \"[1,]\" is not valid JSON");
  BOOST_TEST(callFn("JSON.parse", {str("{\"a\":1}x")}).isException());
  BOOST_TEST(pending() == "SyntaxError: Unexpected non-whitespace character after JSON at position 7");
  BOOST_TEST(callFn("JSON.parse", {str("")}).isException());
  BOOST_TEST(pending() == "SyntaxError: Unexpected end of JSON input");
  BOOST_TEST(callFn("JSON.parse", {str("{\"a\":1, \"b\": tru}" + std::string(100, ' '))}).isException());
  BOOST_TEST(pending() == "SyntaxError: Unexpected token '}', ...\", \"b\": tru}         \"... is not valid JSON");
}

BOOST_AUTO_TEST_CASE(deep_nesting_does_not_crash) {
  // Beyond kMaxDepth (4000) either way; smaller under GC stress, where every
  // allocation is a full collection.
  size_t n = vm.heap().stressMode() ? 4500 : 100000;
  std::string deep(2 * n, '[');
  BOOST_TEST(callFn("JSON.parse", {str(deep)}).isException());
  BOOST_TEST(pending() == "SyntaxError: Unexpected end of JSON input");
  std::string balanced = std::string(n, '[') + std::string(n, ']');
  Value v = keep(callFn("JSON.parse", {str(balanced)}));
  BOOST_REQUIRE(!v.isException());
  // Stringifying it hits the depth limit: a RangeError, not a stack overflow.
  BOOST_TEST(callFn("JSON.stringify", {v}).isException());
  BOOST_TEST(pending() == "RangeError: Maximum call stack size exceeded");
}

BOOST_AUTO_TEST_CASE(circular_and_bigint) {
  Value a = keep(newArray(vm, 0));
  BOOST_REQUIRE((arrayPush(vm, a, a) == Status::True));
  BOOST_TEST(callFn("JSON.stringify", {a}).isException());
  BOOST_TEST(pending().rfind("TypeError: Converting circular structure to JSON", 0) == 0u);
  BOOST_TEST(callFn("JSON.stringify", {keep(callFn("BigInt", {num(1)}))}).isException());
  BOOST_TEST(pending() == "TypeError: Do not know how to serialize a BigInt");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(regexps, Fixture)

BOOST_AUTO_TEST_CASE(exec_groups_and_indices) {
  Value rx = keep(regExpCreate(vm, str("(?<word>[a-z]+)(\\d)?"), str("dg")));
  BOOST_REQUIRE(!rx.isException());
  Value m = keep(callOn("RegExp.prototype.exec", rx, {str("12 ab3 c")}));
  BOOST_TEST(json(m) == "[\"ab3\",\"ab\",\"3\"]");
  BOOST_TEST(text(get(vm, m, vm.atom(Atom::index))) == "3");
  BOOST_TEST(text(get(vm, rx, vm.atom(Atom::lastIndex))) == "6");
  Value groups = keep(get(vm, m, vm.atom(Atom::groups)));
  BOOST_TEST(getPrototypeOf(vm, groups).isNull());
  BOOST_TEST(json(get(vm, m, vm.atom(Atom::indices))) == "[[3,6],[3,5],[5,6]]");
  Value m2 = keep(callOn("RegExp.prototype.exec", rx, {str("12 ab3 c")}));
  BOOST_TEST(json(m2) == "[\"c\",\"c\",null]");
  BOOST_TEST(callOn("RegExp.prototype.exec", rx, {str("12 ab3 c")}).isNull());
  BOOST_TEST(text(get(vm, rx, vm.atom(Atom::lastIndex))) == "0");
}

BOOST_AUTO_TEST_CASE(source_flags_and_errors) {
  Value rx = keep(regExpCreate(vm, str("a/b\n"), str("gi")));
  BOOST_TEST(method("RegExp.prototype.toString", rx, {}) == "/a\\/b\\n/gi");
  BOOST_TEST(regExpCreate(vm, str("("), str("g")).isException());
  BOOST_TEST(pending() == "SyntaxError: Invalid regular expression: /(/g: Unterminated group");
  BOOST_TEST(regExpCreate(vm, str("a"), str("gg")).isException());
  BOOST_TEST(pending() == "SyntaxError: Invalid flags supplied to RegExp constructor 'gg'");
}

BOOST_AUTO_TEST_CASE(symbol_methods) {
  Value g = keep(regExpCreate(vm, str("\\d+"), str("g")));
  BOOST_TEST(json(callOn("String.prototype.match", str("a1b22c333"), {g})) == "[\"1\",\"22\",\"333\"]");
  Value empty = keep(regExpCreate(vm, str(""), str("gu")));
  BOOST_TEST(json(callOn("String.prototype.match", ustr(u"\U0001F600x"), {empty})) == "[\"\",\"\",\"\"]");
  Value fn = keep(regExpCreate(vm, str("b"), str("")));
  BOOST_TEST(text(callOn("String.prototype.search", str("abc"), {fn})) == "1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(dates, Fixture)

BOOST_AUTO_TEST_CASE(utc_round_trip) {
  Value t = callFn("Date.UTC", {num(2020), num(1), num(29), num(12), num(30)});
  BOOST_TEST(text(t) == "1582979400000");
  Value d = construct("Date", {t});
  BOOST_TEST(method("Date.prototype.toISOString", d, {}) == "2020-02-29T12:30:00.000Z");
  BOOST_TEST(method("Date.prototype.toUTCString", d, {}) == "Sat, 29 Feb 2020 12:30:00 GMT");
  BOOST_TEST(text(callOn("Date.prototype.setUTCMonth", d, {num(0)})) == "1580301000000");
  BOOST_TEST(text(callOn("Date.prototype.getUTCDate", d, {})) == "29");
  Value bad = construct("Date", {num(NAN)});
  BOOST_TEST(method("Date.prototype.toString", bad, {}) == "Invalid Date");
  BOOST_TEST(callOn("Date.prototype.toISOString", bad, {}).isException());
  BOOST_TEST(pending() == "RangeError: Invalid time value");
  BOOST_TEST(callOn("Date.prototype.getTime", str("x"), {}).isException());
  BOOST_TEST(pending() == "TypeError: this is not a Date object.");
}

BOOST_AUTO_TEST_CASE(parse_and_json) {
  BOOST_TEST(text(callFn("Date.parse", {str("2020-01-01T00:00:00Z")})) == "1577836800000");
  Value d = construct("Date", {num(0)});
  BOOST_TEST(json(d) == "\"1970-01-01T00:00:00.000Z\"");
}

BOOST_AUTO_TEST_SUITE_END()
