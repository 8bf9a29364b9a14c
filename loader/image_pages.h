// How the embedding API's kiln_reset puts an image's heap region back as the
// image has it, without reading the file again. The region is a private
// (copy-on-write) mapping of the image file itself for a raw heap, else of a
// memfd holding the decompressed heap; untouched pages stay shared by every
// runtime (and, for a file, every process) using the image. Three ways to
// restore it, chosen by KILN_RESET (bench/embed.sh measures them):
//
//  - dirty (default): the pages a request wrote are the private ones, which
//    /proc/self/pagemap tells apart from file pages in one read; each is
//    copied back from the image (a read-only view of the same file). Cost:
//    the pagemap read plus 4 KiB per page ever written; pages read or
//    restored stay mapped, so the next request takes no page faults.
//  - remap: the written pages are dropped (madvise MADV_DONTNEED) and read
//    the file again on next use: cheaper reset, but every page the next
//    request touches faults in again.
//  - copy: the whole decompressed heap is memcpy'd over the region.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "snapshot/image_file.h"

namespace kiln {

class ImagePages {
 public:
  enum class Mode { Dirty, Remap, Copy };
  // The mode KILN_RESET asks for (dirty when unset or unknown).
  static Mode modeFromEnvironment();

  // Sets up restoring entry `entry` of `image` at `dest` (the cage's image
  // region, already adopted at the heap's size) and writes the bytes there.
  // nullptr and *error when the heap cannot be read or mapped.
  static std::unique_ptr<ImagePages> create(const image::ImageFile& image, size_t entry, uint8_t* dest, Mode mode,
                                            std::string* error);
  ~ImagePages();
  ImagePages(const ImagePages&) = delete;
  ImagePages& operator=(const ImagePages&) = delete;

  // Puts the bytes back. False if the kernel refuses.
  bool restore();
  Mode mode() const { return mode_; }

 private:
  ImagePages() = default;
  Mode mode_ = Mode::Remap;
  uint8_t* dest_ = nullptr;
  size_t bytes_ = 0;       // the heap's bytes
  size_t droppable_ = 0;   // remap: bytes restored by dropping pages
  std::vector<uint8_t> tail_;      // remap: what the page after them must hold
  std::vector<uint8_t> copy_;      // copy: the whole heap
  const uint8_t* pristine_ = nullptr;  // dirty: the image's bytes, read-only
  void* view_ = nullptr;               // dirty: the memfd's read-only view (owned)
  size_t viewBytes_ = 0;
  int pagemap_ = -1;                   // dirty: /proc/self/pagemap
  std::vector<uint64_t> entries_;      // dirty: pagemap entries of the region

  bool restoreDirty();
};

}  // namespace kiln
