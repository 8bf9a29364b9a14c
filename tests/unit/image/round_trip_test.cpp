#define BOOST_TEST_MODULE image
#include <sys/mman.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "image_fixtures.h"

using namespace kiln::image;
using namespace kiln::image::testing;

namespace {

void checkSameContents(const ImageFile& image, const ImageContents& c) {
  BOOST_TEST(image.engineVersion() == c.engineVersion);
  BOOST_TEST(image.platform() == c.platform);
  BOOST_TEST(image.nativesFingerprint() == c.nativesFingerprint);
  BOOST_TEST(image.flags() == c.flags);
  BOOST_TEST((image.heapCompression() == c.heapCompression));
  BOOST_REQUIRE_EQUAL(image.entryCount(), c.entries.size());
  for (size_t i = 0; i < c.entries.size(); ++i) {
    const Entry& e = c.entries[i];
    BOOST_TEST(image.entryName(i) == e.name);
    BOOST_TEST(image.entryPath(i) == e.path);
    BOOST_TEST(image.heapBase(i) == e.heapBase);
    BOOST_TEST(image.heapBytes(i) == e.heap.size());
    BOOST_TEST(image.roots(i) == e.roots, boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(image.patches(i).size(), e.patches.size());
    for (size_t p = 0; p < e.patches.size(); ++p) {
      BOOST_TEST(image.patches(i)[p].kind == e.patches[p].kind);
      BOOST_TEST(image.patches(i)[p].ref == e.patches[p].ref);
      BOOST_TEST(image.patches(i)[p].arg == e.patches[p].arg);
    }
    BOOST_REQUIRE_EQUAL(image.modules(i).size(), e.modules.size());
    for (size_t m = 0; m < e.modules.size(); ++m) {
      BOOST_TEST(image.modules(i)[m].path == e.modules[m].path);
      BOOST_TEST(image.modules(i)[m].preinitialized == e.modules[m].preinitialized);
      BOOST_TEST(image.modules(i)[m].dependencies == e.modules[m].dependencies, boost::test_tools::per_element());
      BOOST_TEST(image.modules(i)[m].exports == e.modules[m].exports, boost::test_tools::per_element());
    }
    const PausePoint& p = image.pause(i);
    BOOST_TEST(p.kind == e.pause.kind);
    BOOST_TEST(p.file == e.pause.file);
    BOOST_TEST(p.line == e.pause.line);
    BOOST_TEST(p.column == e.pause.column);
    BOOST_TEST(p.native == e.pause.native);
    BOOST_TEST(p.detail == e.pause.detail);
    BOOST_REQUIRE_EQUAL(image.heapKinds(i).size(), e.heapKinds.size());
    for (size_t k = 0; k < e.heapKinds.size(); ++k) {
      BOOST_TEST(image.heapKinds(i)[k].kind == e.heapKinds[k].kind);
      BOOST_TEST(image.heapKinds(i)[k].cells == e.heapKinds[k].cells);
      BOOST_TEST(image.heapKinds(i)[k].bytes == e.heapKinds[k].bytes);
    }
    std::string heap(image.heapBytes(i), '\xAA');
    LoadFailure failure;
    BOOST_REQUIRE(image.readHeap(i, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), &failure));
    BOOST_TEST((failure.error == ImageError::None));
    BOOST_TEST((heap == e.heap));
  }
  BOOST_TEST(image.findEntry("") == 0);
  BOOST_TEST(image.findEntry("tool") == 1);
  BOOST_TEST(image.findEntry("nope") == -1);

  BOOST_REQUIRE_EQUAL(image.assetNames().size(), c.assets.size());
  for (const Asset& a : c.assets) {
    auto bytes = image.asset(a.name);
    BOOST_REQUIRE(bytes.has_value());
    BOOST_TEST((*bytes == a.bytes));
  }
  BOOST_TEST(!image.asset("missing").has_value());
  BOOST_TEST(image.sourceCount() == c.sources.size());
  for (const SourceText& s : c.sources) {
    auto text = image.source(s.path);
    BOOST_REQUIRE(text.has_value());
    BOOST_TEST(*text == s.text);
  }
  BOOST_TEST(!image.source("src/missing.ts").has_value());
  BOOST_REQUIRE_EQUAL(image.stats().size(), c.stats.size());
  for (size_t i = 0; i < c.stats.size(); ++i) {
    BOOST_TEST(image.stats()[i].first == c.stats[i].first);
    BOOST_TEST(image.stats()[i].second == c.stats[i].second);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(round_trip)

BOOST_AUTO_TEST_CASE(in_memory_both_compressions) {
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    ImageContents c = sampleContents(compression);
    std::string bytes = serialize(c);
    LoadFailure failure;
    auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), expectationsFor(c), &failure);
    BOOST_REQUIRE_MESSAGE(image, failure.message);
    BOOST_TEST(image->fileSize() == bytes.size());
    checkSameContents(*image, c);
    if (compression == HeapCompression::Zstd) {
      BOOST_TEST(image->heapStoredBytes(0) < image->heapBytes(0));
    } else {
      BOOST_TEST(image->heapStoredBytes(0) == image->heapBytes(0));
    }
  }
}

BOOST_AUTO_TEST_CASE(through_a_file_both_compressions) {
  TempDir dir;
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    ImageContents c = sampleContents(compression);
    std::string path = dir.file("app.kimg");
    std::string error;
    BOOST_REQUIRE_MESSAGE(writeImageFile(c, path, &error), error);
    LoadFailure failure;
    LoadProfile profile;
    auto image = ImageFile::open(path, expectationsFor(c), &failure, &profile);
    BOOST_REQUIRE_MESSAGE(image, failure.message);
    checkSameContents(*image, c);
    std::vector<std::string> phases;
    for (const auto& [name, micros] : profile.phases) {
      phases.push_back(name);
      BOOST_TEST(micros >= 0.0);
    }
    BOOST_TEST((phases == std::vector<std::string>{"map", "checksum", "manifest"}));
    // No temporary file is left behind.
    size_t files = 0;
    for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator(dir.path)) ++files;
    BOOST_TEST(files == 1u);
  }
}

BOOST_AUTO_TEST_CASE(read_heap_records_its_phase) {
  ImageContents c = sampleContents(HeapCompression::Zstd);
  std::string bytes = serialize(c);
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), expectationsFor(c), nullptr);
  BOOST_REQUIRE(image);
  std::string heap(image->heapBytes(1), '\0');
  LoadProfile profile;
  BOOST_REQUIRE(image->readHeap(1, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), nullptr, &profile));
  BOOST_REQUIRE_EQUAL(profile.phases.size(), 1u);
  BOOST_TEST(profile.phases[0].first == "decompress");
}

BOOST_AUTO_TEST_CASE(read_heap_refuses_a_small_destination) {
  ImageContents c = sampleContents(HeapCompression::None);
  std::string bytes = serialize(c);
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), expectationsFor(c), nullptr);
  BOOST_REQUIRE(image);
  std::string heap(image->heapBytes(0) - 1, '\0');
  LoadFailure failure;
  BOOST_TEST(!image->readHeap(0, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), &failure));
  BOOST_TEST((failure.error == ImageError::BadHeap));
  BOOST_TEST(failure.message.rfind("bad heap: ", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(serializing_twice_gives_the_same_bytes) {
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    ImageContents c = sampleContents(compression);
    std::string a = serialize(c);
    ImageContents copy = c;
    std::string b = serialize(copy);
    BOOST_TEST((a == b));
    // And through files.
    TempDir dir;
    BOOST_REQUIRE(writeImageFile(c, dir.file("a"), nullptr));
    BOOST_REQUIRE(writeImageFile(copy, dir.file("b"), nullptr));
    std::ifstream fa(dir.file("a"), std::ios::binary), fb(dir.file("b"), std::ios::binary);
    std::string sa((std::istreambuf_iterator<char>(fa)), {}), sb((std::istreambuf_iterator<char>(fb)), {});
    BOOST_TEST((sa == a));
    BOOST_TEST((sb == a));
  }
}

BOOST_AUTO_TEST_CASE(layout_is_as_documented) {
  ImageContents c = sampleContents(HeapCompression::None);
  std::string bytes = serialize(c);
  auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
  BOOST_TEST(std::memcmp(b, "KILN", 4) == 0);
  BOOST_TEST(detail::loadU32(b + 4) == kFormatVersion);
  BOOST_TEST(detail::loadU64(b + detail::kManifestOffsetAt) == kPreambleBytes);
  BOOST_TEST(detail::loadU64(b + detail::kFileBytesAt) == bytes.size());
  for (size_t i = 40; i < 64; ++i) BOOST_TEST(b[i] == 0);
  BOOST_TEST(detail::loadU32(b + kPreambleBytes) == 0u);  // one segment (count - 1 == 0)
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
  BOOST_REQUIRE(image);
  for (const auto& s : image->sections()) {
    if (s.name.rfind("heap ", 0) == 0) BOOST_TEST(s.offset % kHeapAlignment == 0u);
    BOOST_TEST(s.offset + s.storedBytes <= bytes.size());
  }
  // The raw heap is stored verbatim at its section.
  auto sections = image->sections();
  BOOST_TEST(sections[2].name == "heap app");
  BOOST_TEST((bytes.substr(sections[2].offset, sections[2].storedBytes) == c.entries[0].heap));
}

BOOST_AUTO_TEST_CASE(unaligned_bytes_are_read_through_a_copy) {
  ImageContents c = sampleContents(HeapCompression::Zstd);
  std::string bytes = serialize(c);
  std::string shifted = " " + bytes;  // the image at an odd address
  auto image = ImageFile::fromBytes(shifted.data() + 1, bytes.size(), expectationsFor(c), nullptr);
  BOOST_REQUIRE(image);
  checkSameContents(*image, c);
}

BOOST_AUTO_TEST_CASE(empty_heaps_and_no_cold_data) {
  ImageContents c;
  c.engineVersion = "v";
  c.platform = "p";
  c.entries.resize(1);
  c.entries[0].name = "empty";
  std::string bytes = serialize(c);
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
  BOOST_REQUIRE(image);
  BOOST_TEST(image->heapBytes(0) == 0u);
  uint8_t dummy = 0;
  BOOST_TEST(image->readHeap(0, &dummy, 0, nullptr));
  BOOST_TEST(image->assetNames().empty());
  BOOST_TEST(image->sourceCount() == 0u);
}

BOOST_AUTO_TEST_CASE(map_heap_maps_a_raw_section_copy_on_write) {
  TempDir dir;
  ImageContents c = sampleContents(HeapCompression::None);
  std::string path = dir.file("raw.kimg");
  BOOST_REQUIRE(writeImageFile(c, path, nullptr));
  auto image = ImageFile::open(path, expectationsFor(c), nullptr);
  BOOST_REQUIRE(image);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  for (size_t i = 0; i < image->entryCount(); ++i) {
    size_t length = detail::alignUp(image->heapBytes(i), page);
    void* region = ::mmap(nullptr, length + page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    BOOST_REQUIRE(region != MAP_FAILED);
    BOOST_REQUIRE(image->mapHeap(i, region));
    const char* mapped = static_cast<const char*>(region);
    BOOST_TEST((std::string(mapped, image->heapBytes(i)) == c.entries[i].heap));
    for (size_t t = image->heapBytes(i); t < length; ++t) BOOST_REQUIRE(mapped[t] == 0);
    // Writable, and private: the file does not change.
    static_cast<char*>(region)[0] ^= 1;
    ::munmap(region, length + page);
  }
  LoadFailure failure;
  auto again = ImageFile::open(path, expectationsFor(c), &failure);
  BOOST_TEST(again != nullptr, failure.message);
}

BOOST_AUTO_TEST_CASE(map_heap_declines_what_it_cannot_map) {
  TempDir dir;
  ImageContents c = sampleContents(HeapCompression::Zstd);
  BOOST_REQUIRE(writeImageFile(c, dir.file("z.kimg"), nullptr));
  auto zimage = ImageFile::open(dir.file("z.kimg"), {}, nullptr);
  BOOST_REQUIRE(zimage);
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  void* region = ::mmap(nullptr, 64 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  BOOST_REQUIRE(region != MAP_FAILED);
  BOOST_TEST(!zimage->mapHeap(0, region));  // compressed
  std::string raw = serialize(sampleContents(HeapCompression::None));
  auto memory = ImageFile::fromBytes(raw.data(), raw.size(), {}, nullptr);
  BOOST_REQUIRE(memory);
  BOOST_TEST(!memory->mapHeap(0, region));  // not from a file
  ::munmap(region, 64 * page);
}

BOOST_AUTO_TEST_CASE(write_fails_with_a_clear_message) {
  std::string error;
  BOOST_TEST(!writeImageFile(sampleContents(HeapCompression::Zstd), "/nonexistent-dir/x/app.kimg", &error));
  BOOST_TEST(error.find("/nonexistent-dir/x/app.kimg") != std::string::npos);
  BOOST_TEST(error.find("No such file") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(describe_shows_header_sections_and_entries) {
  ImageContents c = sampleContents(HeapCompression::Zstd);
  std::string bytes = serialize(c);
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
  BOOST_REQUIRE(image);
  std::string text = describeImage(*image);
  for (const char* needle : {"0.1.0-test", "123456789abcdef0", "source-map", "heap app", "heap tool", "asset img/logo.bin",
                             "src/app.ts:12:5", "fs.readFileSync", "[pre] src/util.ts", "data/config.json",
                             "build ms", "zstd"})
    BOOST_TEST(text.find(needle) != std::string::npos, needle);
  // Kinds sorted by bytes, descending.
  BOOST_TEST(text.find("Function") < text.find("String"));
  BOOST_TEST(text.find("String") < text.find("Object"));
}

BOOST_AUTO_TEST_CASE(platform_string) {
  std::string p = currentPlatform();
  BOOST_TEST(p.find('-') != std::string::npos);
#if defined(__linux__) && defined(__x86_64__)
  BOOST_TEST(p == "linux-x86_64");
#endif
}

BOOST_AUTO_TEST_SUITE_END()
