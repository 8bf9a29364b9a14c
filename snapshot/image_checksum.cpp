// The image checksum. The loader verifies it on every start, so it must run
// at memory speed: a 1 MiB image in well under 100 µs.
//
// Shape (in the manner of XXH3's long-input loop, written for kiln): the
// input is cut into 64-byte stripes; each 8-byte word i of a stripe feeds
// accumulator i with (w ^ key) lo32 * hi32 and accumulator i^1 with w itself
// (so a product of zero loses nothing). The key slides by one word per stripe
// so equal stripes at different places contribute differently, and every 16
// stripes the accumulators are scrambled. The two implementations below (SSE2
// and portable) compute the same function; a unit test checks that.
#include <bit>
#include <cstring>

#include "snapshot/image_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define KILN_HASH_AVX2 1
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static_assert(std::endian::native == std::endian::little, "the image format is little-endian");

namespace kiln::image::detail {
namespace {

constexpr size_t kLanes = 8;
constexpr size_t kStripeBytes = 64;
constexpr size_t kStripesPerBlock = 16;
constexpr size_t kBlockBytes = kStripeBytes * kStripesPerBlock;
constexpr size_t kKeyWords = kLanes + kStripesPerBlock;  // stripe s uses words [s, s + 8)

constexpr uint64_t splitMix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

struct Keys {
  uint64_t stripe[kKeyWords];
  uint64_t scramble[kLanes];
  uint64_t init[kLanes];
  uint64_t merge[kLanes];
};

constexpr Keys makeKeys() {
  Keys k{};
  uint64_t state = 0x6b696c6e696d6167ull;  // "kilnimag"
  for (auto& w : k.stripe) w = splitMix(state);
  for (auto& w : k.scramble) w = splitMix(state);
  for (auto& w : k.init) w = splitMix(state);
  for (auto& w : k.merge) w = splitMix(state);
  return k;
}
constexpr Keys kKeys = makeKeys();
constexpr uint64_t kPrime32 = 0x9E3779B1u;

inline uint64_t mulFold(uint64_t a, uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

inline void stripePortable(uint64_t* acc, const uint8_t* p, const uint64_t* key) {
  for (size_t i = 0; i < kLanes; ++i) {
    uint64_t w = loadU64(p + 8 * i);
    uint64_t k = w ^ key[i];
    acc[i ^ 1] += w;
    acc[i] += (k & 0xFFFFFFFFu) * (k >> 32);
  }
}

inline void scramblePortable(uint64_t* acc) {
  for (size_t i = 0; i < kLanes; ++i) {
    uint64_t a = acc[i];
    a ^= a >> 47;
    a ^= kKeys.scramble[i];
    acc[i] = a * kPrime32;
  }
}

#if defined(__SSE2__)
struct Acc {
  __m128i v[kLanes / 2];
};

inline void stripeSse(Acc& acc, const uint8_t* p, const uint64_t* key) {
  for (size_t j = 0; j < kLanes / 2; ++j) {
    __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * j));
    __m128i k = _mm_xor_si128(w, _mm_loadu_si128(reinterpret_cast<const __m128i*>(key + 2 * j)));
    __m128i product = _mm_mul_epu32(k, _mm_srli_epi64(k, 32));
    __m128i swapped = _mm_shuffle_epi32(w, _MM_SHUFFLE(1, 0, 3, 2));  // word i feeds lane i ^ 1
    acc.v[j] = _mm_add_epi64(acc.v[j], _mm_add_epi64(product, swapped));
  }
}

inline void scrambleSse(Acc& acc) {
  const __m128i prime = _mm_set1_epi32(static_cast<int>(kPrime32));
  for (size_t j = 0; j < kLanes / 2; ++j) {
    __m128i a = acc.v[j];
    a = _mm_xor_si128(a, _mm_srli_epi64(a, 47));
    a = _mm_xor_si128(a, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kKeys.scramble + 2 * j)));
    // a * prime (prime < 2^32): lo32(a) * prime + (hi32(a) * prime) << 32.
    __m128i lo = _mm_mul_epu32(a, prime);
    __m128i hi = _mm_mul_epu32(_mm_srli_epi64(a, 32), prime);
    acc.v[j] = _mm_add_epi64(lo, _mm_slli_epi64(hi, 32));
  }
}
#endif

// Stripes and blocks of [p, p + size) into acc; returns the bytes left over
// (fewer than one stripe, at the end).
size_t accumulatePortable(uint64_t* acc, const uint8_t*& p, size_t size) {
  for (; size >= kBlockBytes; size -= kBlockBytes, p += kBlockBytes) {
    for (size_t s = 0; s < kStripesPerBlock; ++s) stripePortable(acc, p + s * kStripeBytes, kKeys.stripe + s);
    scramblePortable(acc);
  }
  for (size_t s = 0; size >= kStripeBytes; ++s, size -= kStripeBytes, p += kStripeBytes)
    stripePortable(acc, p, kKeys.stripe + s);
  return size;
}

#if KILN_HASH_AVX2
// The same stripe with AVX2 where the CPU has it (chosen at run time, as the
// default build targets baseline x86-64): twice the width of SSE2.
__attribute__((target("avx2"), always_inline)) inline void stripeAvx2(__m256i* acc, const uint8_t* q,
                                                                      const uint64_t* key) {
  for (size_t j = 0; j < 2; ++j) {
    __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32 * j));
    __m256i k = _mm256_xor_si256(w, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(key + 4 * j)));
    __m256i product = _mm256_mul_epu32(k, _mm256_srli_epi64(k, 32));
    __m256i swapped = _mm256_shuffle_epi32(w, _MM_SHUFFLE(1, 0, 3, 2));
    acc[j] = _mm256_add_epi64(acc[j], _mm256_add_epi64(product, swapped));
  }
}

__attribute__((target("avx2"))) size_t accumulateAvx2(uint64_t* accWords, const uint8_t*& p, size_t size) {
  __m256i acc[2];
  for (size_t j = 0; j < 2; ++j) acc[j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(accWords + 4 * j));
  const __m256i prime = _mm256_set1_epi32(static_cast<int>(kPrime32));
  for (; size >= kBlockBytes; size -= kBlockBytes, p += kBlockBytes) {
    for (size_t s = 0; s < kStripesPerBlock; ++s) stripeAvx2(acc, p + s * kStripeBytes, kKeys.stripe + s);
    for (size_t j = 0; j < 2; ++j) {
      __m256i a = acc[j];
      a = _mm256_xor_si256(a, _mm256_srli_epi64(a, 47));
      a = _mm256_xor_si256(a, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kKeys.scramble + 4 * j)));
      __m256i lo = _mm256_mul_epu32(a, prime);
      __m256i hi = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), prime);
      acc[j] = _mm256_add_epi64(lo, _mm256_slli_epi64(hi, 32));
    }
  }
  for (size_t s = 0; size >= kStripeBytes; ++s, size -= kStripeBytes, p += kStripeBytes)
    stripeAvx2(acc, p, kKeys.stripe + s);
  for (size_t j = 0; j < 2; ++j) _mm256_storeu_si256(reinterpret_cast<__m256i*>(accWords + 4 * j), acc[j]);
  return size;
}
#endif

size_t accumulateSse(uint64_t* accWords, const uint8_t*& p, size_t size) {
#if defined(__SSE2__)
  Acc acc;
  for (size_t j = 0; j < kLanes / 2; ++j) acc.v[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(accWords + 2 * j));
  for (; size >= kBlockBytes; size -= kBlockBytes, p += kBlockBytes) {
    for (size_t s = 0; s < kStripesPerBlock; ++s) stripeSse(acc, p + s * kStripeBytes, kKeys.stripe + s);
    scrambleSse(acc);
  }
  for (size_t s = 0; size >= kStripeBytes; ++s, size -= kStripeBytes, p += kStripeBytes)
    stripeSse(acc, p, kKeys.stripe + s);
  for (size_t j = 0; j < kLanes / 2; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(accWords + 2 * j), acc.v[j]);
  return size;
#else
  return accumulatePortable(accWords, p, size);
#endif
}

uint64_t finish(const uint64_t* acc, uint64_t totalBytes) {
  uint64_t h = totalBytes * 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < kLanes; i += 2) h += mulFold(acc[i] ^ kKeys.merge[i], acc[i + 1] ^ kKeys.merge[i + 1]);
  h ^= h >> 37;
  h *= 0x165667919E3779F9ull;
  return h ^ (h >> 32);
}

size_t accumulate(HashImpl impl, uint64_t* acc, const uint8_t*& p, size_t size) {
#if KILN_HASH_AVX2
  if (impl == HashImpl::Best && __builtin_cpu_supports("avx2")) return accumulateAvx2(acc, p, size);
#endif
  if (impl == HashImpl::Portable) return accumulatePortable(acc, p, size);
  return accumulateSse(acc, p, size);
}

uint64_t hashImpl(HashImpl impl, const void* data, size_t size, uint64_t seed) {
  uint64_t acc[kLanes];
  for (size_t i = 0; i < kLanes; ++i) acc[i] = kKeys.init[i] + ((i & 1) ? ~seed : seed);
  const uint8_t* p = static_cast<const uint8_t*>(data);
  size_t left = accumulate(impl, acc, p, size);
  // The last partial stripe, zero-padded; the length in finish() tells
  // "ab" from "ab\0". Its key follows the full stripes of the last block.
  if (left > 0) {
    uint8_t last[kStripeBytes] = {};
    std::memcpy(last, p, left);
    size_t stripeInBlock = (size % kBlockBytes) / kStripeBytes;
    stripePortable(acc, last, kKeys.stripe + stripeInBlock);
  }
  return finish(acc, size);
}

}  // namespace

uint64_t hash64(const void* data, size_t size, uint64_t seed) { return hashImpl(HashImpl::Best, data, size, seed); }
uint64_t hash64Using(HashImpl impl, const void* data, size_t size, uint64_t seed) {
  return hashImpl(impl, data, size, seed);
}

uint64_t imageChecksum(const uint8_t* image, size_t size) {
  uint8_t preamble[kPreambleBytes];
  std::memcpy(preamble, image, kPreambleBytes);
  std::memset(preamble + kChecksumAt, 0, 8);
  uint64_t seed = hash64(preamble, kPreambleBytes, 0);
  return hash64(image + kPreambleBytes, size - kPreambleBytes, seed);
}

}  // namespace kiln::image::detail
