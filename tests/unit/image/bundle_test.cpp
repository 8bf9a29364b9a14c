#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>

#include "image_fixtures.h"

using namespace kiln::image;
using namespace kiln::image::testing;

namespace {

void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bundle)

BOOST_AUTO_TEST_CASE(bundle_round_trip_and_map) {
  TempDir dir;
  std::string runtime = "\x7f" "ELF fake runtime " + std::string(5000, 'r');
  writeFile(dir.file("kiln"), runtime);
  ImageContents c = sampleContents(HeapCompression::None);
  std::string image = serialize(c);
  std::string error;
  BOOST_REQUIRE_MESSAGE(writeBundle(dir.file("kiln"), image, dir.file("app"), &error), error);

  struct stat st;
  BOOST_REQUIRE(::stat(dir.file("app").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0755u);
  std::string bundled = readFile(dir.file("app"));
  BOOST_TEST((bundled.substr(0, runtime.size()) == runtime));
  BOOST_TEST(bundled.size() == detail::alignUp(runtime.size(), kHeapAlignment) + image.size() + detail::kTrailerBytes);

  LoadFailure failure;
  auto opened = ImageFile::openBundled(dir.file("app"), expectationsFor(c), &failure);
  BOOST_REQUIRE_MESSAGE(opened, failure.message);
  BOOST_TEST(opened->fileSize() == image.size());
  BOOST_TEST(opened->entryName(1) == "tool");
  std::string heap(opened->heapBytes(0), '\0');
  BOOST_REQUIRE(opened->readHeap(0, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), nullptr));
  BOOST_TEST((heap == c.entries[0].heap));

  // The raw heap maps straight from the bundle (its offset is page-aligned).
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size_t length = detail::alignUp(opened->heapBytes(1), page);
  void* region = ::mmap(nullptr, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  BOOST_REQUIRE(region != MAP_FAILED);
  BOOST_REQUIRE(opened->mapHeap(1, region));
  BOOST_TEST((std::string(static_cast<const char*>(region), opened->heapBytes(1)) == c.entries[1].heap));
  // The trailer after the last section does not show through.
  for (size_t t = opened->heapBytes(1); t < length; ++t) BOOST_REQUIRE(static_cast<const char*>(region)[t] == 0);
  ::munmap(region, length);

  // Bundling from a bundle replaces the image instead of nesting it.
  ImageContents other = sampleContents(HeapCompression::Zstd);
  other.entries.resize(1);
  std::string image2 = serialize(other);
  BOOST_REQUIRE_MESSAGE(writeBundle(dir.file("app"), image2, dir.file("app2"), &error), error);
  BOOST_TEST(readFile(dir.file("app2")).size() ==
             detail::alignUp(runtime.size(), kHeapAlignment) + image2.size() + detail::kTrailerBytes);
  auto reopened = ImageFile::openBundled(dir.file("app2"), {}, &failure);
  BOOST_REQUIRE_MESSAGE(reopened, failure.message);
  BOOST_TEST(reopened->entryCount() == 1u);
}

BOOST_AUTO_TEST_CASE(executable_without_an_image) {
  TempDir dir;
  writeFile(dir.file("plain"), std::string(10000, 'p'));
  LoadFailure failure;
  failure.error = ImageError::Checksum;  // must be reset
  BOOST_TEST(!ImageFile::openBundled(dir.file("plain"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::None));
  writeFile(dir.file("tiny"), "ab");
  BOOST_TEST(!ImageFile::openBundled(dir.file("tiny"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::None));
  BOOST_TEST(!ImageFile::openBundled(dir.file("missing"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::CannotOpen));
}

BOOST_AUTO_TEST_CASE(corrupt_bundles) {
  TempDir dir;
  writeFile(dir.file("kiln"), std::string(3000, 'r'));
  std::string image = serialize(sampleContents(HeapCompression::Zstd));
  BOOST_REQUIRE(writeBundle(dir.file("kiln"), image, dir.file("app"), nullptr));
  std::string bundled = readFile(dir.file("app"));
  LoadFailure failure;

  // A trailer that points past the end.
  std::string bad = bundled;
  detail::storeU64(reinterpret_cast<uint8_t*>(bad.data()) + bad.size() - detail::kTrailerBytes + 16, image.size() + 1);
  writeFile(dir.file("bad1"), bad);
  BOOST_TEST(!ImageFile::openBundled(dir.file("bad1"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::Truncated), failure.message);

  // A flipped byte inside the bundled image.
  bad = bundled;
  bad[detail::alignUp(3000, kHeapAlignment) + 200] ^= 0x10;
  writeFile(dir.file("bad2"), bad);
  BOOST_TEST(!ImageFile::openBundled(dir.file("bad2"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::Checksum), failure.message);

  // Another trailer version.
  bad = bundled;
  detail::storeU32(reinterpret_cast<uint8_t*>(bad.data()) + bad.size() - detail::kTrailerBytes + 24, 9);
  writeFile(dir.file("bad3"), bad);
  BOOST_TEST(!ImageFile::openBundled(dir.file("bad3"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::FormatVersion), failure.message);

  // A missing runtime.
  std::string error;
  BOOST_TEST(!writeBundle(dir.file("missing"), image, dir.file("out"), &error));
  BOOST_TEST(error.find("missing") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
