#include "snapshot/base_image.h"

#include <cstdlib>

#include "builtins/builtins.h"
#include "loader/loader.h"
#include "snapshot/heap_writer.h"
#include "snapshot/image_file.h"

namespace kiln {

namespace {

// Set once at startup, before any thread runs a VM; read-only afterwards.
std::string_view embeddedBase;

}  // namespace

std::string makeBaseImage() {
  VM vm(nativeTable());
  attachBuiltinHooks(vm);
  if (createRealm(vm).isException()) return {};
  image::ImageContents contents = newImageContents();
  contents.heapCompression = image::HeapCompression::None;
  image::Entry entry = snapshotEntry(vm, "base", "(builtins)");
  entry.pause.kind = "complete";
  entry.pause.detail = "the builtins' realm";
  contents.entries.push_back(std::move(entry));
  return image::serialize(contents);
}

void setEmbeddedBaseImage(std::string_view bytes) { embeddedBase = bytes; }

std::unique_ptr<VM> newRealmVM() {
  const char* off = getenv("KILN_NO_BASE_IMAGE");  // diagnosis: build the realm instead
  if (!embeddedBase.empty() && !(off && *off && *off != '0')) {
    image::LoadFailure failure;
    auto img = image::ImageFile::fromBytes(embeddedBase.data(), embeddedBase.size(), currentExpectations(), &failure);
    if (img) {
      std::unique_ptr<VM> vm = loadImageEntry(*img, 0, &failure);
      if (vm) return vm;
    }
    // A broken embedded image is a build bug; building the realm still works.
  }
  auto vm = std::make_unique<VM>(nativeTable());
  attachBuiltinHooks(*vm);
  if (createRealm(*vm).isException()) return nullptr;
  return vm;
}

}  // namespace kiln
