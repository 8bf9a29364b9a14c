// Fuzz target for the image reader (DESIGN §6: no input file, however
// crafted, may crash the loader or make it read outside the file).
//
// Each input is tried twice: as is (the preamble checks), and "re-signed"
// (format version, file size and checksum made right) so that mutations
// reach the manifest decoder and the heap and blob readers behind it.
#include <cstdint>
#include <cstring>
#include <vector>

#include "snapshot/image_file.h"
#include "snapshot/image_internal.h"

using namespace kiln::image;

namespace {

// Heaps larger than this are not inflated (a crafted manifest may announce
// up to 4 GiB; the fuzzer's memory limit is not the reader's business).
constexpr size_t kMaxFuzzHeap = size_t(64) << 20;

void exercise(const uint8_t* data, size_t size) {
  LoadFailure failure;
  auto image = ImageFile::fromBytes(data, size, {}, &failure);
  if (!image) {
    if (failure.error == ImageError::None || failure.message.empty()) __builtin_trap();
    return;
  }
  std::vector<uint8_t> heap;
  for (size_t i = 0; i < image->entryCount(); ++i) {
    if (image->heapBytes(i) > kMaxFuzzHeap) continue;
    heap.assign(image->heapBytes(i), 0);
    if (!image->readHeap(i, heap.data(), heap.size(), &failure) && failure.error != ImageError::BadHeap)
      __builtin_trap();
    (void)image->roots(i);
    (void)image->patches(i);
    (void)image->modules(i);
    (void)image->pause(i);
  }
  for (const auto& section : image->sections()) {
    if (section.offset > image->fileSize() || section.storedBytes > image->fileSize() - section.offset)
      __builtin_trap();
    if (section.name.rfind("asset ", 0) == 0 && section.rawBytes <= kMaxFuzzHeap)
      (void)image->asset(std::string_view(section.name).substr(6));
  }
  (void)image->source("app.ts");
  (void)describeImage(*image);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exercise(data, size);
  if (size >= kPreambleBytes && std::memcmp(data, kMagic, sizeof(kMagic)) == 0) {
    // An exact-size heap copy, so that AddressSanitizer sees any overread.
    std::vector<uint8_t> signed_(data, data + size);
    uint8_t* bytes = signed_.data();
    detail::storeU32(bytes + detail::kVersionAt, kFormatVersion);
    detail::storeU64(bytes + detail::kFileBytesAt, size);
    detail::storeU64(bytes + detail::kChecksumAt, detail::imageChecksum(bytes, size));
    exercise(bytes, size);
  }
  return 0;
}
