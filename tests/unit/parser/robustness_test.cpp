// Mutated sources must give a result or a ParseError, never a crash (the
// sanitizer build turns any memory error into a failure).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/parser.h"

using namespace kiln;

BOOST_AUTO_TEST_SUITE(robustness)

BOOST_AUTO_TEST_CASE(mutated_sources_never_crash) {
  std::vector<std::string> corpus = {
      "class A extends B { #x = 1; static { this.y = 2; } async *m(a = 1, ...b) { yield* a?.[b]`t${c}`; } }",
      "for await (const [a, {b = 2}] of c) label: { if (a) break label; else continue; }",
      "let x: Map<string, number[]> = new Map<string, number[]>(); enum E { A = 1 << 2, B }",
      "namespace N { export const x = (a: number): number => a as number; } abstract class C { abstract m(): void; }",
      "import d, { a as b } from 'm'; export default async function* () { await import('x'); }",
  };
  const char* root = "/work/shared/test262/test/language/expressions/class";
  if (std::filesystem::exists(root)) {
    int taken = 0;
    for (auto& e : std::filesystem::directory_iterator(root)) {
      if (e.path().extension() != ".js" || taken++ > 200) continue;
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      corpus.push_back(ss.str());
    }
  }
  const char* pieces[] = {"(", ")", "{", "}", "[", "]", "=>", "`", "${", "/", "<", ">", ":", "?", "?.",
                          "async ", "yield ", "await ", "class ", "#x", "...", ",", ";", "\n", "'",
                          "\\u", "enum ", "type ", "as ", "!", "<T>", "=", "@", "function "};
  std::mt19937 rng(262);
  size_t accepted = 0, total = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s = corpus[rng() % corpus.size()];
    int edits = 1 + int(rng() % 5);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(pos, 1 + rng() % 8); break;
        case 1: s.insert(pos, pieces[rng() % std::size(pieces)]); break;
        default: s[pos] = char(rng() % 128); break;
      }
    }
    for (int mode = 0; mode < 3; ++mode) {
      auto file = SourceFile::fromUtf8(mode == 2 ? "f.ts" : "f.js", s);
      ParseOptions options;
      options.isModule = mode == 1;
      options.typescript = mode == 2;
      ParseError error;
      auto program = parseProgram(*file, options, &error);
      ++total;
      if (program) {
        ++accepted;
      } else {
        BOOST_TEST(!error.message.empty());
        BOOST_TEST(error.offset <= file->text().size());
        BOOST_TEST(!formatSyntaxError(*file, error).empty());
      }
    }
  }
  BOOST_TEST_MESSAGE(accepted << " of " << total << " mutated sources parsed");
}

BOOST_AUTO_TEST_SUITE_END()
