// The loader (DESIGN §6): turns an entry of a validated image back into a
// running VM. The heap region is decompressed (or, for a raw section, mapped
// copy-on-write) into the cage at its fixed base, the roots record is set,
// the patch list is applied in O(patch entries), and the builtins' C++ hooks
// are attached. Nothing is done per object. Per-process state (argv, the
// write hook) is the caller's to set before the program continues.
#pragma once

#include <functional>
#include <memory>

#include "engine/vm.h"
#include "snapshot/image_file.h"

namespace kiln {

std::unique_ptr<VM> loadImageEntry(const image::ImageFile& image, size_t entry, image::LoadFailure* failure,
                                   image::LoadProfile* profile = nullptr, size_t heapLimit = Heap::kDefaultLimit);

// Puts a VM made by loadImageEntry(image, entry) back to the state it had
// right after loading (VM::resetToImage), `refill` writing the image
// region's bytes; then the patch list and hooks as at load.
bool resetImageEntry(VM& vm, const image::ImageFile& image, size_t entry,
                     const std::function<bool(uint8_t* dest)>& refill, size_t heapLimit, image::LoadFailure* failure);

// The identity an image must have to be loaded by this kiln, and image
// contents carrying it (engine version, platform, natives fingerprint).
image::Expectations currentExpectations();
image::ImageContents newImageContents();
extern const char* const kKilnVersion;

}  // namespace kiln
