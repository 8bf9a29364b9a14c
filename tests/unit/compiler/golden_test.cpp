// Golden disassembly of small programs. Regenerate with
//   KILN_UPDATE_GOLDEN=1 unit_compiler --run_test=golden
// which rewrites tests/unit/compiler/golden/<name>.txt; review the diff.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/compiler/compiler_test_util.h"

namespace {

const std::filesystem::path kGoldenDir = std::filesystem::path(__FILE__).parent_path() / "golden";

struct Case { const char* name; const char* source; bool module; };
const Case kCases[] = {
    {"closure", "function counter() { let n = 0; return () => ++n; }", false},
    {"loop_let", "for (let i = 0; i < 3; i++) setTimeout(() => i);", false},
    {"try_finally", "function f() { try { return g(); } catch (e) { return e; } finally { h(); } }", false},
    {"optional_chain", "a?.b.c?.(d);", false},
    {"compound_member", "o[k] += 1; o.x++;", false},
    {"class_fields", "class P { #x = 1; static n = 0; get x() { return this.#x; } }", false},
    {"generator", "function* g(a) { const r = yield a; return r; }", false},
    {"async_for_await", "async function f(s) { for await (const x of s) await x; }", false},
    {"module", "import {a} from './a.js'; export const b = a + 1; export default class {}", true},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(disassembly) {
  bool update = std::getenv("KILN_UPDATE_GOLDEN") != nullptr;
  for (const Case& c : kCases) {
    auto compiled = kiln::test::compileSource(c.source, c.module);
    BOOST_REQUIRE_MESSAGE(compiled.fn, c.name << ": " << compiled.error);
    BOOST_TEST(kiln::test::verifyFunction(*compiled.fn) == "", c.name);
    std::string text = std::string("// ") + c.source + "\n" + compiled.text;
    auto path = kGoldenDir / (std::string(c.name) + ".txt");
    if (update) {
      std::filesystem::create_directories(kGoldenDir);
      std::ofstream(path, std::ios::binary) << text;
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "missing golden file " << path << " (run with KILN_UPDATE_GOLDEN=1)");
    std::stringstream ss;
    ss << in.rdbuf();
    BOOST_TEST(ss.str() == text, c.name);
  }
}

BOOST_AUTO_TEST_SUITE_END()
