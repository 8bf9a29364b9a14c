#include "loader/image_pages.h"

#include <sys/mman.h>
#include <unistd.h>

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
  return v && std::strcmp(v, "copy") == 0 ? Mode::Copy : Mode::Remap;
}

std::unique_ptr<ImagePages> ImagePages::create(const image::ImageFile& image, size_t entry, uint8_t* dest,
                                               Mode mode, std::string* error) {
  std::unique_ptr<ImagePages> p(new ImagePages);
  p->mode_ = mode;
  p->dest_ = dest;
  p->bytes_ = image.heapBytes(entry);
  image::LoadFailure failure;
  if (mode == Mode::Copy) {
    p->pristine_.resize(p->bytes_);
    if (!image.readHeap(entry, p->pristine_.data(), p->bytes_, &failure)) {
      *error = failure.message;
      return nullptr;
    }
    std::memcpy(dest, p->pristine_.data(), p->bytes_);
    return p;
  }
  const size_t page = pageBytes();
  const size_t mapped = alignUp(p->bytes_, page);
  if (image.mapHeap(entry, dest)) {
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
  int err = errno;
  close(fd);  // the mapping keeps the file
  if (!ok) {
    *error = std::string("mapping the image's heap: ") + strerror(err);
    return nullptr;
  }
  p->droppable_ = mapped;
  return p;
}

ImagePages::~ImagePages() = default;

bool ImagePages::restore() {
  if (mode_ == Mode::Copy) {
    std::memcpy(dest_, pristine_.data(), bytes_);
    return true;
  }
  // Private pages of a file mapping that are dropped read the file again.
  if (droppable_ && madvise(dest_, droppable_, MADV_DONTNEED) != 0) return false;
  if (!tail_.empty()) std::memcpy(dest_ + droppable_, tail_.data(), tail_.size());
  return true;
}

}  // namespace kiln
