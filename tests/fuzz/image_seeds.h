// Seed images for the image reader fuzz target: small, valid, and covering
// both heap compressions, several entries, cold blobs and empty lists.
#pragma once

#include <string>
#include <vector>

#include "snapshot/image_file.h"

namespace kiln::image::fuzz {

inline std::string patterned(size_t bytes, unsigned seed) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>((i % 8 == 0) ? (i * seed) >> 3 : (i % 24 < 8 ? 0 : seed));
  return out;
}

inline std::vector<std::string> seedImages() {
  std::vector<std::string> seeds;
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    ImageContents c;
    c.engineVersion = "0.1.0";
    c.platform = currentPlatform();
    c.nativesFingerprint = 0xfeedface;
    c.flags = kFlagSourceMap;
    c.heapCompression = compression;
    Entry e;
    e.name = "app";
    e.path = "app.ts";
    e.heapBase = 4096;
    e.heap = patterned(700, 3);
    e.roots = {1, 2, 3};
    e.patches = {{1, 8, 0}, {2, 16, 1}};
    e.modules = {{"app.ts", false, {"lib.ts"}, {"main"}}, {"lib.ts", true, {}, {"x", "y"}}};
    e.pause = {"effect", "app.ts", 3, 1, "Date.now", "reads the clock"};
    e.heapKinds = {{"Object", 4, 128}, {"String", 2, 64}};
    c.entries.push_back(e);
    e.name = "second";
    e.heap = patterned(200, 5);
    e.modules.clear();
    c.entries.push_back(e);
    c.sources = {{"app.ts", "console.log('hello');\n"}};
    c.assets = {{"a.txt", std::string(300, 'a')}, {"b.bin", "\x01\x02"}};
    c.stats = {{"modules", 2}};
    seeds.push_back(serialize(c));

    ImageContents minimal;
    minimal.heapCompression = compression;
    minimal.entries.resize(1);
    minimal.entries[0].heap = patterned(64, 1);
    seeds.push_back(serialize(minimal));
  }
  return seeds;
}

}  // namespace kiln::image::fuzz
