// Every refused image gets its named error, and nothing crashes.
#include <capnp/message.h>
#include <sys/stat.h>
#include <capnp/serialize.h>
#include <zstd.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>

#include "image_fixtures.h"
#include "snapshot/image.capnp.h"

using namespace kiln::image;
using namespace kiln::image::testing;

namespace {

ImageError refusal(const std::string& bytes, const Expectations& expect = {}) {
  LoadFailure failure;
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), expect, &failure);
  if (image) return ImageError::None;
  BOOST_TEST(failure.error != ImageError::None);
  // One line, starting with the error's name.
  std::string name = errorName(failure.error);
  BOOST_TEST(failure.message.rfind(name, 0) == 0u, failure.message);
  BOOST_TEST(failure.message.find(": ") != std::string::npos, failure.message);
  BOOST_TEST(failure.message.find('\n') == std::string::npos);
  return failure.error;
}

// Reads every heap and cold blob of an accepted image: none may crash, a
// heap either decompresses or is a BadHeap.
void readEverything(const ImageFile& image) {
  for (size_t i = 0; i < image.entryCount(); ++i) {
    std::string heap(image.heapBytes(i), '\0');
    LoadFailure failure;
    if (!image.readHeap(i, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), &failure))
      BOOST_TEST((failure.error == ImageError::BadHeap));
  }
  for (const auto& name : image.assetNames()) (void)image.asset(name);
  (void)describeImage(image);
}

std::string smallImage() {
  ImageContents c = sampleContents(HeapCompression::Zstd);
  c.entries[0].heap = heapLike(300, 7);
  c.entries[1].heap = heapLike(100, 8);
  c.assets.resize(1);
  c.sources.resize(1);
  return serialize(c);
}

// A manifest built by hand, to craft inconsistent images whose checksum is
// right (what a forger could do).
struct Crafted {
  capnp::MallocMessageBuilder message;
  schema::Manifest::Builder manifest = message.initRoot<schema::Manifest>();
  std::string heap = std::string(100, 'h');

  Crafted() {
    auto header = manifest.initHeader();
    header.setFormatVersion(kFormatVersion);
    header.setEngineVersion("v");
    header.setPlatform("p");
    header.setHeapCompression(schema::Compression::NONE);
    auto entry = manifest.initEntries(1)[0];
    entry.setName("e");
    auto section = entry.initHeap();
    section.setOffset(kHeapAlignment);
    section.setStoredBytes(heap.size());
    section.setRawBytes(heap.size());
    section.setCompression(schema::Compression::NONE);
  }

  std::string bytes() {
    auto flat = capnp::messageToFlatArray(message);
    auto words = flat.asBytes();
    std::string out(kPreambleBytes, '\0');
    out.append(reinterpret_cast<const char*>(words.begin()), words.size());
    if (out.size() > kHeapAlignment) throw std::logic_error("manifest too large for the crafted layout");
    out.resize(kHeapAlignment, '\0');
    out += heap;
    auto* b = reinterpret_cast<uint8_t*>(out.data());
    std::memcpy(b, kMagic, 4);
    detail::storeU32(b + detail::kVersionAt, kFormatVersion);
    detail::storeU64(b + detail::kManifestOffsetAt, kPreambleBytes);
    detail::storeU64(b + detail::kManifestBytesAt, words.size());
    detail::storeU64(b + detail::kFileBytesAt, out.size());
    resign(out);
    return out;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(corrupt)

BOOST_AUTO_TEST_CASE(names_and_exit_codes) {
  BOOST_TEST(std::string(errorName(ImageError::Checksum)) == "checksum");
  BOOST_TEST(std::string(errorName(ImageError::BadMagic)) == "bad magic");
  BOOST_TEST(errorExitCode(ImageError::None) == 0);
  BOOST_TEST(errorExitCode(ImageError::CannotOpen) == 66);
  BOOST_TEST(errorExitCode(ImageError::NotAFile) == 66);
  for (auto e : {ImageError::Empty, ImageError::Truncated, ImageError::BadMagic, ImageError::Checksum,
                 ImageError::BadManifest, ImageError::BadHeap})
    BOOST_TEST(errorExitCode(e) == 65);
  for (auto e : {ImageError::FormatVersion, ImageError::Platform, ImageError::EngineVersion, ImageError::Fingerprint})
    BOOST_TEST(errorExitCode(e) == 78);
  BOOST_TEST(errorExitCode(ImageError::NoSuchEntry) == 64);
  std::set<std::string> names;
  for (int e = 0; e <= static_cast<int>(ImageError::BadHeap); ++e) names.insert(errorName(static_cast<ImageError>(e)));
  BOOST_TEST(names.size() == static_cast<size_t>(ImageError::BadHeap) + 1);
}

BOOST_AUTO_TEST_CASE(truncated_at_every_offset_of_a_small_image) {
  std::string image = smallImage();
  BOOST_TEST(refusal(image) == ImageError::None);
  for (size_t cut = 0; cut < image.size(); ++cut) {
    ImageError e = refusal(image.substr(0, cut));
    BOOST_TEST((e == (cut == 0 ? ImageError::Empty : ImageError::Truncated)), "cut at " << cut);
  }
}

BOOST_AUTO_TEST_CASE(truncated_at_sampled_offsets_of_a_large_image) {
  std::string image = serialize(sampleContents(HeapCompression::None, 8));
  std::mt19937 rng(11);
  for (int n = 0; n < 400; ++n) {
    size_t cut = 1 + rng() % (image.size() - 1);
    BOOST_TEST((refusal(image.substr(0, cut)) == ImageError::Truncated), "cut at " << cut);
  }
}

BOOST_AUTO_TEST_CASE(trailing_data_is_a_checksum_error) {
  std::string image = smallImage() + "x";
  BOOST_TEST((refusal(image) == ImageError::Checksum));
  LoadFailure failure;
  BOOST_TEST(!ImageFile::fromBytes(image.data(), image.size(), {}, &failure));
  BOOST_TEST(failure.message.rfind("checksum mismatch: ", 0) == 0u, failure.message);
  BOOST_TEST(failure.message.find("trailing data") != std::string::npos, failure.message);
}

BOOST_AUTO_TEST_CASE(flipped_bytes_in_every_section) {
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    std::string image = serialize(sampleContents(compression));
    auto parsed = ImageFile::fromBytes(image.data(), image.size(), {}, nullptr);
    BOOST_REQUIRE(parsed);
    std::vector<ImageFile::Section> sections = parsed->sections();
    parsed.reset();
    std::mt19937 rng(compression == HeapCompression::Zstd ? 1 : 2);
    for (const auto& s : sections) {
      if (s.storedBytes == 0) continue;
      for (int n = 0; n < 64; ++n) {
        size_t at = s.offset + rng() % s.storedBytes;
        uint8_t mask = static_cast<uint8_t>(1u << (rng() % 8));
        std::string bad = image;
        bad[at] = static_cast<char>(bad[at] ^ mask);
        ImageError expected = ImageError::Checksum;
        if (at < 4) expected = ImageError::BadMagic;
        else if (at < 8) expected = ImageError::FormatVersion;
        else if (at >= detail::kFileBytesAt && at < detail::kFileBytesAt + 8)
          // A larger announced size is a truncated file; a smaller one, trailing data.
          expected = detail::loadU64(reinterpret_cast<const uint8_t*>(bad.data()) + detail::kFileBytesAt) > image.size()
                         ? ImageError::Truncated
                         : ImageError::Checksum;
        BOOST_TEST((refusal(bad) == expected), s.name << " byte " << at << " mask " << int(mask));
      }
    }
    // Padding between sections is covered too.
    size_t padding = sections[1].offset + sections[1].storedBytes + 1;
    BOOST_REQUIRE(padding < sections[2].offset);
    std::string bad = image;
    bad[padding] = 1;
    BOOST_TEST((refusal(bad) == ImageError::Checksum));
  }
}

BOOST_AUTO_TEST_CASE(flips_behind_a_valid_checksum_never_crash) {
  // A forger can recompute the checksum: then the manifest and heap checks
  // must hold on their own.
  for (HeapCompression compression : {HeapCompression::Zstd, HeapCompression::None}) {
    std::string image = serialize(sampleContents(compression));
    std::mt19937 rng(3);
    std::set<ImageError> seen;
    for (int n = 0; n < 3000; ++n) {
      std::string bad = image;
      int flips = 1 + rng() % 3;
      for (int f = 0; f < flips; ++f) {
        size_t at = detail::kChecksumAt + 8 + rng() % (image.size() - detail::kChecksumAt - 8);
        bad[at] = static_cast<char>(bad[at] ^ (1u << (rng() % 8)));
      }
      resign(bad);
      LoadFailure failure;
      auto parsed = ImageFile::fromBytes(bad.data(), bad.size(), {}, &failure);
      seen.insert(failure.error);
      if (parsed) readEverything(*parsed);
      else BOOST_TEST((failure.error == ImageError::BadManifest || failure.error == ImageError::Truncated),
                      failure.message);
    }
    BOOST_TEST(seen.count(ImageError::BadManifest) == 1u);
  }
}

BOOST_AUTO_TEST_CASE(wrong_magic) {
  std::string image = smallImage();
  image[0] = 'k';
  BOOST_TEST((refusal(image) == ImageError::BadMagic));
  BOOST_TEST((refusal("\x7f" "ELF") == ImageError::BadMagic));
  BOOST_TEST((refusal("#!/bin/sh\necho hello\n") == ImageError::BadMagic));
  BOOST_TEST((refusal("KI") == ImageError::Truncated));  // starts like an image
}

BOOST_AUTO_TEST_CASE(other_format_version) {
  std::string image = smallImage();
  detail::storeU32(reinterpret_cast<uint8_t*>(image.data()) + detail::kVersionAt, kFormatVersion + 1);
  resign(image);
  LoadFailure failure;
  BOOST_TEST(!ImageFile::fromBytes(image.data(), image.size(), {}, &failure));
  BOOST_TEST((failure.error == ImageError::FormatVersion));
  BOOST_TEST(failure.message.find("version 2") != std::string::npos, failure.message);
  // Even when the rest is cut off: another version's layout is not read.
  BOOST_TEST((refusal(image.substr(0, 100)) == ImageError::FormatVersion));
}

BOOST_AUTO_TEST_CASE(other_platform_engine_and_fingerprint) {
  ImageContents c = sampleContents(HeapCompression::Zstd);
  std::string image = serialize(c);
  Expectations ok = expectationsFor(c);
  BOOST_TEST((refusal(image, ok) == ImageError::None));

  Expectations e = ok;
  e.platform = "linux-riscv64";
  BOOST_TEST((refusal(image, e) == ImageError::Platform));
  e = ok;
  e.engineVersion = "9.9.9";
  BOOST_TEST((refusal(image, e) == ImageError::EngineVersion));
  e = ok;
  e.nativesFingerprint ^= 1;
  BOOST_TEST((refusal(image, e) == ImageError::Fingerprint));
  // In the order of ImageError when several differ.
  e = Expectations{"9.9.9", "linux-riscv64", 5};
  BOOST_TEST((refusal(image, e) == ImageError::Platform));
  e.platform = ok.platform;
  BOOST_TEST((refusal(image, e) == ImageError::EngineVersion));
  // Empty expectations accept anything (inspect).
  BOOST_TEST((refusal(image, Expectations{}) == ImageError::None));
}

BOOST_AUTO_TEST_CASE(files_that_are_not_images) {
  TempDir dir;
  LoadFailure failure;
  BOOST_TEST(!ImageFile::open(dir.file("missing.kimg"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::CannotOpen));
  BOOST_TEST(failure.message.find("missing.kimg") != std::string::npos);
  BOOST_TEST(failure.message.find("No such file") != std::string::npos, failure.message);

  BOOST_TEST(!ImageFile::open(dir.path.string(), {}, &failure));
  BOOST_TEST((failure.error == ImageError::NotAFile), failure.message);
  BOOST_TEST(failure.message.find("is a directory") != std::string::npos, failure.message);

  // A FIFO is refused without blocking on open.
  BOOST_REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0600) == 0);
  BOOST_TEST(!ImageFile::open(dir.file("fifo"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::NotAFile), failure.message);
  BOOST_TEST(!ImageFile::openBundled(dir.file("fifo"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::NotAFile), failure.message);

  { std::ofstream(dir.file("empty.kimg")); }
  BOOST_TEST(!ImageFile::open(dir.file("empty.kimg"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::Empty), failure.message);

  BOOST_TEST(!ImageFile::fromBytes(nullptr, 0, {}, &failure));
  BOOST_TEST((failure.error == ImageError::Empty));

  std::string image = smallImage();
  {
    std::ofstream out(dir.file("cut.kimg"), std::ios::binary);
    out.write(image.data(), static_cast<std::streamsize>(image.size() / 2));
  }
  BOOST_TEST(!ImageFile::open(dir.file("cut.kimg"), {}, &failure));
  BOOST_TEST((failure.error == ImageError::Truncated), failure.message);
}

BOOST_AUTO_TEST_CASE(crafted_manifests) {
  {
    Crafted ok;
    BOOST_TEST((refusal(ok.bytes()) == ImageError::None));
  }
  {
    Crafted c;
    c.manifest.initEntries(0);
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setOffset(kHeapAlignment * 2);  // past the end
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setOffset(~uint64_t(0) - 4095);  // overflows offset + size
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setOffset(kHeapAlignment + 8);  // unaligned
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setOffset(0);  // over the preamble and manifest
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setRawBytes(101);  // raw, but sizes differ
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getEntries()[0].getHeap().setCompression(static_cast<schema::Compression>(7));
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    c.manifest.getHeader().setFormatVersion(kFormatVersion + 1);
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    Crafted c;
    auto blob = c.manifest.initAssets(1)[0];
    blob.setName("a");
    blob.setRawBytes(10);
    blob.setCompression(schema::Compression::NONE);
    blob.setData(kj::arrayPtr(reinterpret_cast<const capnp::byte*>("abc"), 3));
    BOOST_TEST((refusal(c.bytes()) == ImageError::BadManifest));
  }
  {
    // A zstd heap whose frame is garbage: accepted at open, BadHeap when read.
    Crafted c;
    auto section = c.manifest.getEntries()[0].getHeap();
    section.setCompression(schema::Compression::ZSTD);
    section.setRawBytes(1 << 20);
    std::string bytes = c.bytes();
    auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
    BOOST_REQUIRE(image);
    std::string heap(image->heapBytes(0), '\0');
    LoadFailure failure;
    BOOST_TEST(!image->readHeap(0, reinterpret_cast<uint8_t*>(heap.data()), heap.size(), &failure));
    BOOST_TEST((failure.error == ImageError::BadHeap));
    BOOST_TEST(failure.message.rfind("bad heap: entry e: ", 0) == 0u, failure.message);
  }
  {
    // A manifest section that does not fit the file.
    Crafted c;
    std::string bytes = c.bytes();
    detail::storeU64(reinterpret_cast<uint8_t*>(bytes.data()) + detail::kManifestBytesAt, bytes.size());
    resign(bytes);
    BOOST_TEST((refusal(bytes) == ImageError::BadManifest));
    detail::storeU64(reinterpret_cast<uint8_t*>(bytes.data()) + detail::kManifestBytesAt, 8);
    resign(bytes);
    BOOST_TEST((refusal(bytes) == ImageError::BadManifest));
    detail::storeU64(reinterpret_cast<uint8_t*>(bytes.data()) + detail::kManifestOffsetAt, 3);
    resign(bytes);
    BOOST_TEST((refusal(bytes) == ImageError::BadManifest));
  }
}

BOOST_AUTO_TEST_CASE(zstd_heap_with_a_wrong_raw_size) {
  // A real zstd frame of 300 bytes, announced as 299 or 301: BadHeap.
  std::string raw = heapLike(300, 1);
  std::string frame(ZSTD_compressBound(raw.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), raw.data(), raw.size(), 3));
  for (uint64_t announced : {299u, 300u, 301u}) {
    Crafted c;
    c.heap = frame;
    auto section = c.manifest.getEntries()[0].getHeap();
    section.setCompression(schema::Compression::ZSTD);
    section.setStoredBytes(frame.size());
    section.setRawBytes(announced);
    std::string bytes = c.bytes();
    auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
    BOOST_REQUIRE(image);
    std::string out(512, '\0');
    LoadFailure failure;
    bool ok = image->readHeap(0, reinterpret_cast<uint8_t*>(out.data()), out.size(), &failure);
    BOOST_TEST(ok == (announced == 300u), failure.message);
    if (ok) BOOST_TEST((out.substr(0, 300) == raw));
    else BOOST_TEST((failure.error == ImageError::BadHeap));
  }
  // Two frames where one is announced: the second is trailing data.
  Crafted c;
  c.heap = frame + frame;
  auto section = c.manifest.getEntries()[0].getHeap();
  section.setCompression(schema::Compression::ZSTD);
  section.setStoredBytes(c.heap.size());
  section.setRawBytes(600);
  std::string bytes = c.bytes();
  auto image = ImageFile::fromBytes(bytes.data(), bytes.size(), {}, nullptr);
  BOOST_REQUIRE(image);
  std::string out(600, '\0');
  BOOST_TEST(!image->readHeap(0, reinterpret_cast<uint8_t*>(out.data()), out.size(), nullptr));
}

BOOST_AUTO_TEST_SUITE_END()
