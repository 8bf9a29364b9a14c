// kiln_mkbase OUT: writes the base image (snapshot/base_image.h), which the
// build embeds in the kiln binary.
#include <cstdio>
#include <fstream>

#include "snapshot/base_image.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: kiln_mkbase OUT\n");
    return 2;
  }
  std::string bytes = kiln::makeBaseImage();
  if (bytes.empty()) {
    fprintf(stderr, "kiln_mkbase: the builtins' realm could not be created\n");
    return 1;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) {
    fprintf(stderr, "kiln_mkbase: cannot write '%s'\n", argv[1]);
    return 1;
  }
  return 0;
}
