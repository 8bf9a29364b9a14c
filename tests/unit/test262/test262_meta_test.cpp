#define BOOST_TEST_MODULE test262
#include <boost/test/unit_test.hpp>

#include <map>
#include <ostream>
#include <string>

#include "tests/test262/test262_meta.h"

using namespace kiln::test262;

namespace kiln::test262 {
std::ostream& operator<<(std::ostream& out, ErrorPhase phase) { return out << errorPhaseName(phase); }
}  // namespace kiln::test262

namespace {

TestMeta parseOk(std::string_view source) {
  MetaParse parsed = parseFrontmatter(source);
  BOOST_TEST_REQUIRE(parsed.error.empty(), parsed.error);
  return parsed.meta;
}

using Strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_SUITE(frontmatter)

BOOST_AUTO_TEST_CASE(flow_lists_and_flags) {
  TestMeta meta = parseOk(R"(// Copyright
/*---
esid: sec-array.from
description: Array.from with [brackets] and a: colon
includes: [compareArray.js, propertyHelper.js]
flags: [onlyStrict, generated]
features: [Symbol.iterator, 'quoted-feature']
---*/
Array.from([]);
)");
  BOOST_TEST(meta.includes == (Strings{"compareArray.js", "propertyHelper.js"}),
             boost::test_tools::per_element());
  BOOST_TEST(meta.features == (Strings{"Symbol.iterator", "quoted-feature"}),
             boost::test_tools::per_element());
  BOOST_TEST(meta.has(kFlagOnlyStrict));
  BOOST_TEST(!meta.has(kFlagNoStrict));
  BOOST_TEST(!meta.isNegative());
}

BOOST_AUTO_TEST_CASE(block_lists) {
  TestMeta meta = parseOk(R"(/*---
features:
  - Symbol
  - Symbol.iterator   # a comment
includes:
    - asyncHelpers.js
flags:
  - async
  - module
---*/)");
  BOOST_TEST(meta.features == (Strings{"Symbol", "Symbol.iterator"}),
             boost::test_tools::per_element());
  BOOST_TEST(meta.includes == (Strings{"asyncHelpers.js"}), boost::test_tools::per_element());
  BOOST_TEST(meta.has(kFlagAsync));
  BOOST_TEST(meta.has(kFlagModule));
}

BOOST_AUTO_TEST_CASE(flow_list_over_several_lines) {
  TestMeta meta = parseOk("/*---\nfeatures: [a,\n  b, c]\nflags: [raw]\n---*/");
  BOOST_TEST(meta.features == (Strings{"a", "b", "c"}), boost::test_tools::per_element());
  BOOST_TEST(meta.has(kFlagRaw));
}

BOOST_AUTO_TEST_CASE(negative_block) {
  TestMeta meta = parseOk(R"(/*---
description: early error
negative:
  phase: parse
  type: SyntaxError
flags: [noStrict]
---*/
$DONOTEVALUATE();
)");
  BOOST_TEST(meta.isNegative());
  BOOST_TEST(meta.negative.phase == ErrorPhase::Parse);
  BOOST_TEST(meta.negative.type == "SyntaxError");
  BOOST_TEST(meta.has(kFlagNoStrict));

  TestMeta resolution = parseOk(
      "/*---\nnegative: \n    phase: resolution\n    type: ReferenceError\n---*/");
  BOOST_TEST(resolution.negative.phase == ErrorPhase::Resolution);
  BOOST_TEST(resolution.negative.type == "ReferenceError");

  TestMeta runtime = parseOk("/*---\nnegative:\n  type: Test262Error\n  phase: runtime\n---*/");
  BOOST_TEST(runtime.negative.phase == ErrorPhase::Runtime);
  BOOST_TEST(runtime.negative.type == "Test262Error");
}

BOOST_AUTO_TEST_CASE(block_scalars_are_skipped) {
  // Keys inside `info: |` text must not be taken for real keys.
  TestMeta meta = parseOk(R"(/*---
info: |
  The spec says:
  includes: [nope.js]
  negative:
    phase: parse
  - not a list item
description: >
  flags: [module]
features: [yes]
---*/)");
  BOOST_TEST(meta.includes.empty());
  BOOST_TEST(!meta.isNegative());
  BOOST_TEST(meta.flags == 0u);
  BOOST_TEST(meta.features == (Strings{"yes"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(crlf_line_endings) {
  TestMeta meta = parseOk("/*---\r\nincludes: [a.js]\r\nflags:\r\n  - raw\r\n---*/\r\n");
  BOOST_TEST(meta.includes == (Strings{"a.js"}), boost::test_tools::per_element());
  BOOST_TEST(meta.has(kFlagRaw));
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_TEST(!parseFrontmatter("var x = 1;").error.empty());
  BOOST_TEST(!parseFrontmatter("/*---\nflags: [raw]\n").error.empty());
  BOOST_TEST(!parseFrontmatter("/*---\nnegative:\n  phase: sometime\n  type: X\n---*/").error.empty());
  BOOST_TEST(!parseFrontmatter("/*---\nnegative:\n  phase: parse\n---*/").error.empty());
  BOOST_TEST(!parseFrontmatter("/*---\nfeatures: [a,\n---*/").error.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(runs)

BOOST_AUTO_TEST_CASE(planned_runs_follow_flags) {
  auto plan = [](std::string_view flags) {
    return plannedRuns(parseOk(std::string("/*---\nflags: [") + std::string(flags) + "]\n---*/"));
  };
  using V = std::vector<RunMode>;
  BOOST_TEST((plan("") == V{RunMode::Sloppy, RunMode::Strict}));
  BOOST_TEST((plan("generated") == V{RunMode::Sloppy, RunMode::Strict}));
  BOOST_TEST((plan("onlyStrict") == V{RunMode::Strict}));
  BOOST_TEST((plan("noStrict") == V{RunMode::Sloppy}));
  BOOST_TEST((plan("raw") == V{RunMode::Sloppy}));
  BOOST_TEST((plan("module") == V{RunMode::Module}));
  BOOST_TEST((plan("module, async") == V{RunMode::Module}));
}

struct Harness {
  std::map<std::string, std::string, std::less<>> files{
      {"assert.js", "/*assert*/\n"},
      {"sta.js", "/*sta*/"},  // no final newline: the assembler adds one
      {"doneprintHandle.js", "/*done*/\n"},
      {"compareArray.js", "/*cmp*/\n"},
  };
  HarnessLookup lookup() const {
    return [this](std::string_view name) -> const std::string* {
      auto it = files.find(name);
      return it == files.end() ? nullptr : &it->second;
    };
  }
};

BOOST_AUTO_TEST_CASE(script_assembly) {
  Harness harness;
  TestMeta meta = parseOk("/*---\nincludes: [compareArray.js, assert.js]\n---*/");
  Assembled sloppy = assembleRun(meta, RunMode::Sloppy, "/t/x.js", "TEST", harness.lookup(), 500);
  BOOST_TEST(sloppy.missing.empty());
  BOOST_TEST(sloppy.request.source == "/*assert*/\n/*sta*/\n/*cmp*/\nTEST");
  BOOST_TEST(!sloppy.request.isModule);
  BOOST_TEST(sloppy.request.path == "/t/x.js");
  BOOST_TEST(sloppy.request.timeoutMs == 500u);
  BOOST_TEST(sloppy.request.preludeScripts.empty());

  Assembled strict = assembleRun(meta, RunMode::Strict, "/t/x.js", "TEST", harness.lookup(), 500);
  BOOST_TEST(strict.request.source == "\"use strict\";\n/*assert*/\n/*sta*/\n/*cmp*/\nTEST");
}

BOOST_AUTO_TEST_CASE(async_and_raw_assembly) {
  Harness harness;
  TestMeta async = parseOk("/*---\nflags: [async]\n---*/");
  BOOST_TEST(harnessFiles(async) == (Strings{"assert.js", "sta.js", "doneprintHandle.js"}),
             boost::test_tools::per_element());
  BOOST_TEST(assembleRun(async, RunMode::Sloppy, "p", "T", harness.lookup(), 1).request.source ==
             "/*assert*/\n/*sta*/\n/*done*/\nT");

  TestMeta raw = parseOk("/*---\nflags: [raw]\nincludes: [compareArray.js]\n---*/");
  BOOST_TEST(harnessFiles(raw).empty());
  BOOST_TEST(assembleRun(raw, RunMode::Sloppy, "p", "RAW", harness.lookup(), 1).request.source ==
             "RAW");
}

BOOST_AUTO_TEST_CASE(module_assembly) {
  Harness harness;
  TestMeta meta = parseOk("/*---\nflags: [module]\nincludes: [compareArray.js]\n---*/");
  Assembled module = assembleRun(meta, RunMode::Module, "/t/m.js", "export {};", harness.lookup(), 1);
  BOOST_TEST(module.request.isModule);
  BOOST_TEST(module.request.source == "export {};");
  BOOST_TEST_REQUIRE(module.request.preludeScripts.size() == 3u);
  BOOST_TEST(module.request.preludeScripts[0].first == "assert.js");
  BOOST_TEST(module.request.preludeScripts[2].first == "compareArray.js");
  BOOST_TEST(module.request.preludeScripts[2].second == "/*cmp*/\n");
}

BOOST_AUTO_TEST_CASE(missing_include) {
  Harness harness;
  TestMeta meta = parseOk("/*---\nincludes: [nowhere.js]\n---*/");
  BOOST_TEST(assembleRun(meta, RunMode::Sloppy, "p", "T", harness.lookup(), 1).missing ==
             "nowhere.js");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(judging)

RunResult thrown(ErrorPhase phase, std::string name) {
  RunResult result;
  result.errorPhase = phase;
  result.errorName = std::move(name);
  result.errorMessage = "msg";
  return result;
}

BOOST_AUTO_TEST_CASE(plain_tests) {
  TestMeta meta = parseOk("/*---\n---*/");
  BOOST_TEST(!judgeRun(meta, RunResult{}).has_value());
  auto failure = judgeRun(meta, thrown(ErrorPhase::Runtime, "Test262Error"));
  BOOST_TEST_REQUIRE(failure.has_value());
  BOOST_TEST(failure->find("Test262Error") != std::string::npos);
  RunResult timedOut;
  timedOut.timedOut = true;
  BOOST_TEST(judgeRun(meta, timedOut).value() == "timeout");
}

BOOST_AUTO_TEST_CASE(negative_tests_need_phase_and_type) {
  TestMeta meta = parseOk("/*---\nnegative:\n  phase: parse\n  type: SyntaxError\n---*/");
  BOOST_TEST(!judgeRun(meta, thrown(ErrorPhase::Parse, "SyntaxError")).has_value());
  BOOST_TEST(judgeRun(meta, RunResult{}).has_value());
  BOOST_TEST(judgeRun(meta, thrown(ErrorPhase::Runtime, "SyntaxError")).has_value());
  BOOST_TEST(judgeRun(meta, thrown(ErrorPhase::Parse, "ReferenceError")).has_value());
}

BOOST_AUTO_TEST_CASE(async_tests_need_completion) {
  TestMeta meta = parseOk("/*---\nflags: [async]\n---*/");
  RunResult complete;
  complete.printed = "hello\nTest262:AsyncTestComplete\n";
  BOOST_TEST(!judgeRun(meta, complete).has_value());

  BOOST_TEST(judgeRun(meta, RunResult{}).has_value());  // printed nothing

  RunResult failed;
  failed.printed = "Test262:AsyncTestFailure:Test262Error: nope\nTest262:AsyncTestComplete\n";
  auto reason = judgeRun(meta, failed);
  BOOST_TEST_REQUIRE(reason.has_value());
  BOOST_TEST(*reason == "Test262:AsyncTestFailure:Test262Error: nope");

  RunResult threw = thrown(ErrorPhase::Runtime, "TypeError");
  threw.printed = "Test262:AsyncTestComplete\n";
  BOOST_TEST(judgeRun(meta, threw).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(selection)

BOOST_AUTO_TEST_CASE(prefixes_match_whole_components) {
  BOOST_TEST(pathHasPrefix("built-ins/Array/from/a.js", "built-ins/Array"));
  BOOST_TEST(!pathHasPrefix("built-ins/ArrayBuffer/a.js", "built-ins/Array"));
  BOOST_TEST(pathHasPrefix("built-ins/Array/from/a.js", "built-ins/Array/from/a.js"));
  BOOST_TEST(pathHasPrefix("language/x.js", ""));
  BOOST_TEST(normalizePrefix("./test/built-ins/Promise/") == "built-ins/Promise");
  BOOST_TEST(normalizePrefix("language") == "language");
}

BOOST_AUTO_TEST_CASE(filters) {
  Filter filter;
  filter.includePrefixes = {"built-ins/Array", "language/expressions"};
  filter.excludeDirs = {normalizePrefix("built-ins/Array/from/")};
  BOOST_TEST(filter.selectsPath("built-ins/Array/of/a.js"));
  BOOST_TEST(!filter.selectsPath("built-ins/Array/from/a.js"));
  BOOST_TEST(!filter.selectsPath("built-ins/ArrayBuffer/a.js"));
  BOOST_TEST(filter.selectsPath("language/expressions/call/a.js"));
  BOOST_TEST(!filter.selectsPath("language/statements/a.js"));

  for (std::string& f : splitList("BigInt, Proxy,,")) filter.excludeFeatures.insert(f);
  BOOST_TEST(filter.excludeFeatures.size() == 2u);
  TestMeta uses = parseOk("/*---\nfeatures: [Symbol, Proxy]\n---*/");
  BOOST_TEST(filter.excludedFeature(uses) == "Proxy");
  TestMeta clean = parseOk("/*---\nfeatures: [Symbol]\n---*/");
  BOOST_TEST(filter.excludedFeature(clean).empty());
}

BOOST_AUTO_TEST_CASE(top_folders) {
  BOOST_TEST(topFolder("language/expressions/a.js") == "language");
  BOOST_TEST(topFolder("built-ins/Array/a.js") == "built-ins");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(baseline)

BOOST_AUTO_TEST_CASE(parse_and_format_round_trip) {
  auto parsed = parseBaseline("# comment\nb.js\n\na.js\r\n  c.js  \n");
  BOOST_TEST(parsed.size() == 3u);
  BOOST_TEST(formatBaseline(parsed) == "a.js\nb.js\nc.js\n");
  BOOST_TEST(parseBaseline(formatBaseline(parsed)) == parsed);
}

BOOST_AUTO_TEST_CASE(diff_only_judges_tests_that_ran) {
  std::set<std::string, std::less<>> baseline{"a.js", "b.js", "not-run.js"};
  std::set<std::string, std::less<>> ran{"a.js", "b.js", "c.js"};
  std::set<std::string, std::less<>> passing{"a.js", "c.js"};
  BaselineDiff diff = diffBaseline(baseline, ran, passing);
  BOOST_TEST(diff.regressions == (Strings{"b.js"}), boost::test_tools::per_element());
  BOOST_TEST(diff.newPasses == (Strings{"c.js"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
