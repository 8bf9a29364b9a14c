#include <boost/test/unit_test.hpp>
#include <chrono>
#include <random>

#include "snapshot/image_internal.h"

using namespace kiln::image::detail;

BOOST_AUTO_TEST_SUITE(checksum)

BOOST_AUTO_TEST_CASE(all_implementations_agree) {
  std::mt19937_64 rng(5);
  std::vector<uint8_t> data(70000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 300; ++n) sizes.push_back(n);
  for (size_t n : {1023u, 1024u, 1025u, 2047u, 2048u, 4096u + 63, 65536u, 70000u}) sizes.push_back(n);
  for (size_t n : sizes) {
    for (size_t offset : {0u, 1u, 7u}) {
      if (offset + n > data.size()) continue;
      uint64_t best = hash64(data.data() + offset, n, 9);
      BOOST_TEST(best == hash64Using(HashImpl::Sse, data.data() + offset, n, 9), "size " << n);
      BOOST_TEST(best == hash64Using(HashImpl::Portable, data.data() + offset, n, 9), "size " << n);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_single_bit_flip_changes_the_hash) {
  std::vector<uint8_t> data(3000, 0);  // zeros: the hardest case for products
  uint64_t base = hash64(data.data(), data.size(), 0);
  for (size_t at = 0; at < data.size(); ++at)
    for (int bit = 0; bit < 8; ++bit) {
      data[at] ^= static_cast<uint8_t>(1 << bit);
      BOOST_REQUIRE(hash64(data.data(), data.size(), 0) != base);
      data[at] ^= static_cast<uint8_t>(1 << bit);
    }
}

BOOST_AUTO_TEST_CASE(length_seed_and_position_matter) {
  std::vector<uint8_t> data(256, 0);
  BOOST_TEST(hash64(data.data(), 100, 0) != hash64(data.data(), 101, 0));
  BOOST_TEST(hash64(data.data(), 100, 0) != hash64(data.data(), 100, 1));
  // Two stripes swapped.
  std::vector<uint8_t> a(2048), b;
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<uint8_t>(i / 64);
  b = a;
  std::swap_ranges(b.begin(), b.begin() + 64, b.begin() + 64);
  BOOST_TEST(hash64(a.data(), a.size(), 0) != hash64(b.data(), b.size(), 0));
}

BOOST_AUTO_TEST_CASE(fast_enough_for_every_start) {
  // The budget is 100 µs for 1 MiB; checked loosely (shared CI machines).
  std::vector<uint8_t> data(1 << 20, 0x5a);
  volatile uint64_t sink = hash64(data.data(), data.size(), 0);
  double best = 1e9;
  for (int round = 0; round < 20; ++round) {
    auto start = std::chrono::steady_clock::now();
    sink = hash64(data.data(), data.size(), round);
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  (void)sink;
  BOOST_TEST_MESSAGE("hash64 of 1 MiB: " << best << " us");
  BOOST_TEST(best < 1000.0);
}

BOOST_AUTO_TEST_SUITE_END()
