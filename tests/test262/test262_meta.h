// The engine-independent half of the test262 runner: reading a test's
// frontmatter, deciding which runs it needs, assembling the text of each run,
// judging a run's result, filtering, and comparing against a baseline.
//
// Nothing here touches the engine, the file system layout beyond what the
// caller hands in, or processes: it is the part the unit tests pin down
// (tests/unit/test262/). The rules follow the suite's own README (Running a
// test) and upstream's INTERPRETING.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/test262/host.h"

namespace kiln::test262 {

// The `flags:` a runner acts on; `generated` and unknown flags are ignored.
enum TestFlag : uint32_t {
  kFlagOnlyStrict = 1u << 0,
  kFlagNoStrict = 1u << 1,
  kFlagModule = 1u << 2,
  kFlagRaw = 1u << 3,
  kFlagAsync = 1u << 4,
  kFlagCanBlockIsTrue = 1u << 5,
  kFlagCanBlockIsFalse = 1u << 6,
};

struct Negative {
  ErrorPhase phase = ErrorPhase::None;  // None: not a negative test
  std::string type;                     // constructor name, e.g. "SyntaxError"
};

struct TestMeta {
  std::vector<std::string> includes;
  std::vector<std::string> features;
  uint32_t flags = 0;
  Negative negative;

  bool has(TestFlag flag) const { return (flags & flag) != 0; }
  bool isNegative() const { return negative.phase != ErrorPhase::None; }
};

// Parses the YAML block between `/*---` and `---*/`. Only the subset test262
// uses is understood: top-level `key: value`, flow lists `[a, b]`, block
// lists (`- a` lines indented under the key), the `negative:` mapping, and
// block scalars (`|`, `>`) which are skipped. Returns an error message for a
// missing or unterminated block, or a malformed key the runner relies on.
struct MetaParse {
  TestMeta meta;
  std::string error;  // empty on success
};
MetaParse parseFrontmatter(std::string_view source);

// One execution of a test. A test passes only when all its runs pass.
enum class RunMode { Sloppy, Strict, Module };
std::string_view runModeName(RunMode mode);

// The runs a test needs: module → Module; raw or noStrict → Sloppy;
// onlyStrict → Strict; otherwise Sloppy then Strict.
std::vector<RunMode> plannedRuns(const TestMeta& meta);

// Harness file texts by file name ("assert.js"); nullptr when unknown.
using HarnessLookup = std::function<const std::string*(std::string_view name)>;

// The harness files a run loads, in order: assert.js, sta.js,
// doneprintHandle.js for async tests, then `includes` (without repeating a
// file already loaded). Empty for raw tests.
std::vector<std::string> harnessFiles(const TestMeta& meta);

// Builds the request for one run. Scripts get the harness texts and the test
// concatenated (with `"use strict";\n` in front for Strict); modules get the
// test text as is and the harness as prelude scripts. Fails (returns the
// missing file's name in `missing`) when an include is not in the harness.
struct Assembled {
  RunRequest request;
  std::string missing;  // non-empty: a harness file could not be found
};
Assembled assembleRun(const TestMeta& meta, RunMode mode, const std::string& path,
                      std::string_view testSource, const HarnessLookup& harness,
                      uint32_t timeoutMs);

// Judges one run: std::nullopt when it passed, else a one-line reason.
std::optional<std::string> judgeRun(const TestMeta& meta, const RunResult& result);

std::string_view errorPhaseName(ErrorPhase phase);

// Selection. Paths are relative to the suite's test/ folder, with '/'.
// `prefix` matches a whole path component boundary: "built-ins/Array"
// selects "built-ins/Array/x.js" but not "built-ins/ArrayBuffer/y.js".
bool pathHasPrefix(std::string_view path, std::string_view prefix);
// Normalizes a user-given prefix: strips "./", a leading "test/" and trailing '/'.
std::string normalizePrefix(std::string_view prefix);
std::vector<std::string> splitList(std::string_view commaSeparated);

struct Filter {
  std::vector<std::string> includePrefixes;  // empty: everything
  std::vector<std::string> excludeDirs;
  std::set<std::string, std::less<>> excludeFeatures;

  // Decided from the path alone (before reading the file).
  bool selectsPath(std::string_view path) const;
  // The first excluded feature the test uses, or "" when none.
  std::string excludedFeature(const TestMeta& meta) const;
};

// Top-level folder of a test path ("language", "built-ins").
std::string_view topFolder(std::string_view path);

// Baselines are sorted lists of passing test paths, one per line; blank
// lines and lines starting with '#' are ignored.
std::set<std::string, std::less<>> parseBaseline(std::string_view text);
std::string formatBaseline(const std::set<std::string, std::less<>>& passing);

struct BaselineDiff {
  std::vector<std::string> regressions;  // in the baseline, ran, did not pass
  std::vector<std::string> newPasses;    // passed, not in the baseline
};
// Only tests that actually ran are judged: running a subset (prefixes,
// exclusions) does not turn the rest of the baseline into regressions.
BaselineDiff diffBaseline(const std::set<std::string, std::less<>>& baseline,
                          const std::set<std::string, std::less<>>& ran,
                          const std::set<std::string, std::less<>>& passing);

}  // namespace kiln::test262
