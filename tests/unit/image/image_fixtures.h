// Shared by the image tests: synthetic contents and small helpers.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>

#include "snapshot/image_file.h"
#include "snapshot/image_internal.h"

namespace kiln::image {
// For Boost.Test messages.
inline std::ostream& operator<<(std::ostream& os, ImageError e) { return os << errorName(e); }
}  // namespace kiln::image

namespace kiln::image::testing {

// Bytes that look like a heap: cell headers, small ints, repeated 8-byte
// patterns and runs of zeros, with some noise.
inline std::string heapLike(size_t bytes, uint32_t seed) {
  std::string out(bytes, '\0');
  std::mt19937 rng(seed);
  for (size_t at = 0; at + 8 <= bytes; at += 8) {
    uint64_t word = 0;
    switch (rng() % 6) {
      case 0: case 1: word = 0; break;
      case 2: word = 0x0001000000000000ull | (rng() % 64); break;  // a header-like word
      case 3: word = (uint64_t(rng() % 4096) << 3) | 1; break;       // a ref-like word
      case 4: word = 0xFFF8000000000000ull | (rng() % 100); break;   // a small tagged int
      default: word = (uint64_t(rng()) << 32) | rng(); break;
    }
    std::memcpy(out.data() + at, &word, 8);
  }
  return out;
}

inline ImageContents sampleContents(HeapCompression compression, size_t heapScale = 1) {
  ImageContents c;
  c.engineVersion = "0.1.0-test";
  c.platform = currentPlatform();
  c.nativesFingerprint = 0x1234'5678'9abc'def0ull;
  c.flags = kFlagSourceMap;
  c.heapCompression = compression;

  Entry app;
  app.name = "app";
  app.path = "src/app.ts";
  app.heapBase = 0x10000;
  app.heap = heapLike(24 * 1024 * heapScale, 1);
  app.roots = {0x1, 0xFFF8000000000007ull, 0x12345678, 0};
  app.patches = {{1, 64, 0}, {2, 128, 7}, {3, 4096, 0xFFFFFFFFu}};
  app.modules = {{"src/app.ts", false, {"src/util.ts"}, {"main", "default"}}, {"src/util.ts", true, {}, {"helper"}}};
  app.pause = {"effect", "src/app.ts", 12, 5, "fs.readFileSync", "reads a file at build time"};
  app.heapKinds = {{"String", 120, 4096}, {"Object", 40, 2560}, {"Function", 12, 9000}};

  Entry tool;
  tool.name = "tool";
  tool.path = "src/tool.ts";
  tool.heapBase = 0x10000;
  tool.heap = heapLike(9000 * heapScale, 2);
  tool.roots = {42};
  tool.patches = {{5, 8, 1}};
  tool.modules = {{"src/tool.ts", true, {}, {}}};
  tool.pause = {"complete", "", 0, 0, "", ""};
  tool.heapKinds = {{"Array", 3, 96}};

  c.entries = {app, tool};
  c.sources = {{"src/app.ts", "import { helper } from './util';\nconsole.log(helper());\n"},
               {"src/util.ts", std::string(3000, 'x')}};
  c.assets = {{"data/config.json", "{\"a\": 1}"}, {"img/logo.bin", heapLike(5000, 3)}, {"empty.txt", ""}};
  c.stats = {{"modules", 3}, {"heap bytes", 33000}, {"build ms", 17}};
  return c;
}

inline Expectations expectationsFor(const ImageContents& c) {
  return Expectations{c.engineVersion, c.platform, c.nativesFingerprint};
}

// Rewrites the checksum after a deliberate change, so that the check after
// it is the one that fires.
inline void resign(std::string& image) {
  auto* bytes = reinterpret_cast<uint8_t*>(image.data());
  detail::storeU64(bytes + detail::kChecksumAt, detail::imageChecksum(bytes, image.size()));
}

// A fresh folder under the system temp dir, removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kiln-image-test-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace kiln::image::testing
