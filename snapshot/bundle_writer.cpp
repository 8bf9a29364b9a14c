// writeBundle(): the runtime executable, then the image at a page-aligned
// offset (so a raw heap can be mapped straight from the bundle), then the
// trailer that ImageFile::openBundled looks for (layout in image_internal.h).
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "snapshot/image_internal.h"

namespace kiln::image {

namespace {

bool readWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = fmt::format("cannot read {}: {}", path, std::error_code(errno, std::generic_category()).message());
    return false;
  }
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) {
    if (error) *error = fmt::format("cannot read {}", path);
    return false;
  }
  return true;
}

// The length of `exe` without a bundle it may already carry, so that
// bundling from a bundled kiln does not nest images.
size_t runtimeLength(const std::string& exe) {
  if (exe.size() < detail::kTrailerBytes) return exe.size();
  const auto* trailer = reinterpret_cast<const uint8_t*>(exe.data() + exe.size() - detail::kTrailerBytes);
  if (std::memcmp(trailer, detail::kTrailerMagic, sizeof(detail::kTrailerMagic)) != 0) return exe.size();
  uint64_t offset = detail::loadU64(trailer + 8), bytes = detail::loadU64(trailer + 16);
  uint64_t room = exe.size() - detail::kTrailerBytes;
  if (offset > room || bytes > room - offset) return exe.size();
  return offset;
}

}  // namespace

bool writeBundle(const std::string& runtimePath, std::string_view image, const std::string& outPath,
                 std::string* error) {
  std::string out;
  if (!readWholeFile(runtimePath, &out, error)) return false;
  if (out.empty()) {
    if (error) *error = fmt::format("cannot bundle: {} is empty", runtimePath);
    return false;
  }
  out.resize(runtimeLength(out));
  const uint64_t imageOffset = detail::alignUp(out.size(), kHeapAlignment);
  out.resize(imageOffset, '\0');
  out.append(image);
  uint8_t trailer[detail::kTrailerBytes] = {};
  std::memcpy(trailer, detail::kTrailerMagic, sizeof(detail::kTrailerMagic));
  detail::storeU64(trailer + 8, imageOffset);
  detail::storeU64(trailer + 16, image.size());
  detail::storeU32(trailer + 24, detail::kTrailerVersion);
  out.append(reinterpret_cast<const char*>(trailer), sizeof(trailer));
  return detail::writeFileAtomically(outPath, out, 0755, error);
}

}  // namespace kiln::image
