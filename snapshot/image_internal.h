// Private to kiln_image: the preamble and bundle trailer layouts, the
// checksum, and the helpers the writer, reader and bundle writer share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "snapshot/image_file.h"

namespace kiln::image::detail {

// The preamble, little-endian, 64 bytes:
//   [0, 4)    magic "KILN"
//   [4, 8)    format version (u32)
//   [8, 16)   manifest offset (u64, from the start of the image; 64 today)
//   [16, 24)  manifest bytes (u64, a multiple of 8)
//   [24, 32)  file bytes (u64, the whole image)
//   [32, 40)  checksum (u64, imageChecksum below)
//   [40, 64)  reserved, zero (covered by the checksum)
// The magic and version come first and never move, so that any later format
// can be told apart before the rest is interpreted.
struct Preamble {
  uint32_t formatVersion = 0;
  uint64_t manifestOffset = 0;
  uint64_t manifestBytes = 0;
  uint64_t fileBytes = 0;
  uint64_t checksum = 0;
};
constexpr size_t kVersionAt = 4, kManifestOffsetAt = 8, kManifestBytesAt = 16, kFileBytesAt = 24, kChecksumAt = 32;

inline uint32_t loadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // every supported platform is little-endian (static_assert in the .cpp files)
}
inline uint64_t loadU64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void storeU32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void storeU64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

// A fast 64-bit hash (not cryptographic): 64-byte stripes into eight
// independent accumulators, so the loop runs at memory speed. Detects any
// accidental change; not meant to resist a forger (nothing here trusts the
// checksum for safety: every offset is bounds-checked regardless).
uint64_t hash64(const void* data, size_t size, uint64_t seed);
// The same function through one implementation (for the test that all agree):
// Best is what hash64 uses (AVX2 when the CPU has it), Sse the SSE2 loop
// (portable where there is no SSE2).
enum class HashImpl { Best, Sse, Portable };
uint64_t hash64Using(HashImpl impl, const void* data, size_t size, uint64_t seed);

// The checksum of an image of `size` (>= kPreambleBytes) bytes: the preamble
// with its checksum field taken as zero, then every byte after it.
uint64_t imageChecksum(const uint8_t* image, size_t size);

// The bundle trailer, the last 32 bytes of a bundled executable:
//   [0, 8)    magic "KILNBNDL"
//   [8, 16)   image offset in the executable (u64, a multiple of 4096)
//   [16, 24)  image bytes (u64)
//   [24, 28)  trailer version (u32, 1)
//   [28, 32)  reserved, zero
constexpr size_t kTrailerBytes = 32;
constexpr char kTrailerMagic[8] = {'K', 'I', 'L', 'N', 'B', 'N', 'D', 'L'};
constexpr uint32_t kTrailerVersion = 1;

// zstd levels, chosen by measurement (the numbers are in image_writer.cpp).
constexpr int kHeapZstdLevel = 9;
constexpr int kColdZstdLevel = 9;

// Writes `bytes` to `path` through a temporary file in the same folder and a
// rename, with permissions `mode` (before umask for a new file).
bool writeFileAtomically(const std::string& path, std::string_view bytes, unsigned mode, std::string* error);

inline uint64_t alignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

}  // namespace kiln::image::detail
