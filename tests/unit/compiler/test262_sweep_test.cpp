// Compiles every test262 file the parser accepts (language/ and built-ins/)
// and checks that the compiler neither fails nor emits malformed code.
// A local check: skipped when /work/shared/test262 (or $KILN_TEST262_DIR)
// is absent. Set KILN_TEST262_SWEEP=0 to skip it.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/compiler/compiler_test_util.h"

using namespace kiln;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(test262_sweep) {
  const char* env = std::getenv("KILN_TEST262_DIR");
  fs::path root = env ? env : "/work/shared/test262";
  if (const char* s = std::getenv("KILN_TEST262_SWEEP"); s && std::string(s) == "0") return;
  if (!fs::exists(root / "test")) {
    BOOST_TEST_MESSAGE("test262 not found; sweep skipped");
    return;
  }
  size_t files = 0, parsed = 0, compiled = 0;
  std::vector<std::string> failures;
  auto start = std::chrono::steady_clock::now();
  for (const char* sub : {"test/language", "test/built-ins"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / sub)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".js") continue;
      std::string name = entry.path().filename().string();
      if (name.find("_FIXTURE") != std::string::npos) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      files++;
      bool module = text.find("flags: [module]") != std::string::npos ||
                    (text.find("flags:") != std::string::npos && text.find("module]") != std::string::npos);
      bool onlyStrict = text.find("onlyStrict") != std::string::npos;
      if (onlyStrict && !module) text = "\"use strict\";\n" + text;
      auto src = SourceFile::fromUtf8(entry.path().string(), text);
      ParseOptions opts;
      opts.isModule = module;
      ParseError perr;
      auto program = parseProgram(*src, opts, &perr);
      if (!program) continue;
      parsed++;
      std::string error;
      auto fn = module ? compileModule(*program, *src, &error) : compileScript(*program, *src, &error);
      if (!fn) {
        failures.push_back(entry.path().string() + ": " + error);
        continue;
      }
      std::string bad = test::verifyFunction(*fn);
      if (!bad.empty()) {
        failures.push_back(entry.path().string() + ": malformed: " + bad);
        continue;
      }
      compiled++;
    }
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("test262 sweep: " << files << " files, " << parsed << " parsed, " << compiled
                                       << " compiled and verified, " << failures.size() << " failures, " << ms
                                       << " ms");
  for (size_t i = 0; i < failures.size() && i < 30; i++) BOOST_TEST_MESSAGE(failures[i]);
  BOOST_TEST(failures.empty());
}
