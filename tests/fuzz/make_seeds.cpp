// Writes the seed images (image_seeds.h) into a folder, as the starting
// corpus for the libFuzzer build:  image_fuzz_seeds corpus/
#include <cstdio>
#include <fstream>
#include <string>

#include "image_seeds.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 64;
  }
  auto seeds = kiln::image::fuzz::seedImages();
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::string path = std::string(argv[1]) + "/seed-" + std::to_string(i) + ".kimg";
    std::ofstream out(path, std::ios::binary);
    out.write(seeds[i].data(), static_cast<std::streamsize>(seeds[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 73;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), argv[1]);
  return 0;
}
