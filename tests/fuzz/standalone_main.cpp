// A driver for image_reader_fuzz.cpp where libFuzzer is not available (the
// default g++ build): runs the seed images, then a fixed number of
// deterministic mutations of them (bit flips, byte and word overwrites,
// truncations, insertions, splices). Run by CTest as fuzz.image_reader.
//
//   image_reader_fuzz [iterations] [seed]     (default 100000, 1)
//   image_reader_fuzz FILE...                 (replay inputs, e.g. a crash)
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "image_seeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void run(const std::string& input) {
  // An exact-size copy: a sanitizer build sees reads past the end.
  std::vector<uint8_t> copy(input.begin(), input.end());
  LLVMFuzzerTestOneInput(copy.data(), copy.size());
}

std::string mutate(const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  std::string s = seeds[rng() % seeds.size()];
  int steps = 1 + static_cast<int>(rng() % 4);
  for (int step = 0; step < steps && !s.empty(); ++step) {
    size_t at = rng() % s.size();
    switch (rng() % 8) {
      case 0:
      case 1: s[at] = static_cast<char>(s[at] ^ (1u << (rng() % 8))); break;  // bit flip
      case 2: s[at] = static_cast<char>(rng()); break;                          // byte
      case 3: {  // an interesting 64-bit word at an aligned place (sizes, offsets)
        static const uint64_t words[] = {0, 1, 7, 8, 4095, 4096, 0x7fffffff, 0xffffffff, ~0ull, ~0ull - 4095,
                                         uint64_t(1) << 32, uint64_t(1) << 62};
        uint64_t w = words[rng() % std::size(words)];
        size_t aligned = at & ~size_t(7);
        if (aligned + 8 <= s.size()) std::memcpy(s.data() + aligned, &w, 8);
        break;
      }
      case 4: s.resize(at); break;                                               // truncation
      case 5: s.insert(at, std::string(1 + rng() % 16, static_cast<char>(rng()))); break;
      case 6: s.erase(at, 1 + rng() % 16); break;
      case 7: {  // splice: a prefix of this one, the rest of another seed
        const std::string& other = seeds[rng() % seeds.size()];
        size_t from = other.empty() ? 0 : rng() % other.size();
        s = s.substr(0, at) + other.substr(from);
        break;
      }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strtoull(argv[1], nullptr, 10) == 0 && argv[1][0] != '0') {
    for (int i = 1; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      run(std::string((std::istreambuf_iterator<char>(in)), {}));
    }
    std::printf("replayed %d input(s)\n", argc - 1);
    return 0;
  }
  uint64_t iterations = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> seeds = kiln::image::fuzz::seedImages();
  for (const auto& s : seeds) run(s);
  std::mt19937_64 rng(seed);
  for (uint64_t i = 0; i < iterations; ++i) run(mutate(seeds, rng));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("image_reader_fuzz: %zu seeds and %llu mutations, no crash (%.2f s)\n", seeds.size(),
              static_cast<unsigned long long>(iterations), seconds);
  return 0;
}
