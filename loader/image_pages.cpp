#include "loader/image_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kiln {

namespace {

size_t pageBytes() { return size_t(sysconf(_SC_PAGESIZE)); }
size_t alignUp(size_t n, size_t a) { return (n + a - 1) / a * a; }

}  // namespace

ImagePages::Mode ImagePages::modeFromEnvironment() {
  const char* v = getenv("KILN_RESET");
  if (v && std::strcmp(v, "copy") == 0) return Mode::Copy;
  if (v && std::strcmp(v, "remap") == 0) return Mode::Remap;
  return Mode::Dirty;
}

std::unique_ptr<ImagePages> ImagePages::create(const image::ImageFile& image, size_t entry, uint8_t* dest,
                                               Mode mode, std::string* error) {
  std::unique_ptr<ImagePages> p(new ImagePages);
  p->mode_ = mode;
  p->dest_ = dest;
  p->bytes_ = image.heapBytes(entry);
  image::LoadFailure failure;
  if (mode == Mode::Copy) {
    p->copy_.resize(p->bytes_);
    if (!image.readHeap(entry, p->copy_.data(), p->bytes_, &failure)) {
      *error = failure.message;
      return nullptr;
    }
    std::memcpy(dest, p->copy_.data(), p->bytes_);
    return p;
  }
  const size_t page = pageBytes();
  const size_t mapped = alignUp(p->bytes_, page);
  if (mode == Mode::Dirty) {
    p->pagemap_ = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (p->pagemap_ < 0) p->mode_ = Mode::Remap;  // no pagemap (a sandbox): drop pages instead
    p->entries_.resize(mapped / page);
  }
  if (image.mapHeap(entry, dest)) {
    p->pristine_ = image.rawHeap(entry);
    // The image file itself. Past the heap, its last page shows whatever
    // follows in the file, which mapHeap cleared in its private copy:
    // that page is restored from a copy instead of being dropped.
    p->droppable_ = p->bytes_ / page * page;
    if (p->droppable_ < mapped) p->tail_.assign(dest + p->droppable_, dest + mapped);
    return p;
  }
  // A compressed heap or an image in memory: the decompressed bytes go to an
  // anonymous file, mapped privately like an image file.
  int fd = memfd_create("kiln-image-heap", MFD_CLOEXEC);
  if (fd < 0) {
    *error = std::string("memfd_create: ") + strerror(errno);
    return nullptr;
  }
  bool ok = ftruncate(fd, off_t(mapped)) == 0;
  if (ok) {
    void* tmp = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ok = tmp != MAP_FAILED;
    if (ok) {
      ok = image.readHeap(entry, static_cast<uint8_t*>(tmp), p->bytes_, &failure);
      munmap(tmp, mapped);
      if (!ok) {
        close(fd);
        *error = failure.message;
        return nullptr;
      }
    }
  }
  if (ok) ok = mmap(dest, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 0) != MAP_FAILED;
  if (ok && p->mode_ == Mode::Dirty) {
    p->view_ = mmap(nullptr, mapped, PROT_READ, MAP_SHARED, fd, 0);
    ok = p->view_ != MAP_FAILED;
    if (!ok) p->view_ = nullptr;
    p->viewBytes_ = mapped;
    p->pristine_ = static_cast<const uint8_t*>(p->view_);
  }
  int err = errno;
  close(fd);  // the mapping keeps the file
  if (!ok) {
    *error = std::string("mapping the image's heap: ") + strerror(err);
    return nullptr;
  }
  p->droppable_ = mapped;
  return p;
}

ImagePages::~ImagePages() {
  if (view_) munmap(view_, viewBytes_);
  if (pagemap_ >= 0) close(pagemap_);
}

bool ImagePages::restore() {
  if (mode_ == Mode::Copy) {
    std::memcpy(dest_, copy_.data(), bytes_);
    return true;
  }
  if (mode_ == Mode::Dirty) return restoreDirty();
  // Private pages of a file mapping that are dropped read the file again.
  if (droppable_ && madvise(dest_, droppable_, MADV_DONTNEED) != 0) return false;
  if (!tail_.empty()) std::memcpy(dest_ + droppable_, tail_.data(), tail_.size());
  return true;
}

}  // namespace kiln

namespace kiln {

// /proc/self/pagemap: one 64-bit entry per virtual page; bit 63 "present",
// bit 62 "swapped", bit 61 "file page or shared anonymous". A page of the
// private mapping that is present and not a file page, or swapped out, is a
// copy the process wrote.
bool ImagePages::restoreDirty() {
  const size_t page = pageBytes();
  const size_t n = entries_.size();
  const off_t at = off_t(reinterpret_cast<uintptr_t>(dest_) / page * sizeof(uint64_t));
  if (pread(pagemap_, entries_.data(), n * sizeof(uint64_t), at) != ssize_t(n * sizeof(uint64_t))) return false;
  constexpr uint64_t kPresent = uint64_t(1) << 63, kSwapped = uint64_t(1) << 62, kFilePage = uint64_t(1) << 61;
  for (size_t i = 0; i < n; i++) {
    uint64_t e = entries_[i];
    if ((e & (kPresent | kFilePage)) != kPresent && !(e & kSwapped)) continue;
    size_t off = i * page;
    size_t len = std::min(page, bytes_ - off);
    std::memcpy(dest_ + off, pristine_ + off, len);
    // The last page past the heap: zeros, as mapHeap left it.
    if (len < page) std::memset(dest_ + off + len, 0, page - len);
  }
  return true;
}

}  // namespace kiln
