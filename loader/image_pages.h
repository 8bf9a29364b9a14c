// How the embedding API's kiln_reset puts an image's heap region back as the
// image has it, without reading the file again. Two ways, chosen by
// KILN_RESET (bench/embed.sh measures both):
//
//  - remap (default): the region is a private (copy-on-write) file mapping,
//    of the image file itself for a raw heap, else of a memfd holding the
//    decompressed heap. Restoring drops the pages the last request wrote
//    (madvise MADV_DONTNEED): the cost is proportional to the pages written,
//    not to the heap's size, and untouched pages are shared by every runtime
//    (and, for a file, every process) using the image.
//  - copy: a private copy of the decompressed heap is memcpy'd over the
//    region: proportional to the heap's size, no page faults afterwards.
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
  enum class Mode { Remap, Copy };
  // The mode KILN_RESET asks for (remap when unset or unknown).
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
  std::vector<uint8_t> pristine_;  // copy: the whole heap
};

}  // namespace kiln
