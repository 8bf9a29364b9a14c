#include "loader/loader.h"

#include <time.h>

#include <cstdlib>

#include "builtins/builtins.h"
#include "builtins/timers.h"
#include "snapshot/heap_writer.h"

namespace kiln {

const char* const kKilnVersion = "0.1.0";

namespace {

double nowUs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

// The patch list, the builtins' hooks, and (in tests) the heap verifier.
bool patchLoadedEntry(VM& vm, const image::ImageFile& image, size_t entry, image::LoadFailure* failure) {
  for (const image::PatchEntry& p : image.patches(entry)) {
    switch (p.kind) {
      case kPatchTimersRelative:
        rebaseTimers(vm, timersMonotonicMs());
        break;
      default:
        failure->error = image::ImageError::BadManifest;
        failure->message = "bad manifest: unknown patch kind " + std::to_string(p.kind);
        return false;
    }
  }
  attachBuiltinHooks(vm);
  // Tests walk the whole heap after every load.
  if (const char* v = getenv("KILN_VERIFY_IMAGE"); v && *v && *v != '0') {
    std::string problem = vm.heap().verify();
    if (!problem.empty()) {
      failure->error = image::ImageError::BadHeap;
      failure->message = "bad heap: " + problem;
      return false;
    }
  }
  return true;
}

}  // namespace

image::Expectations currentExpectations() {
  image::Expectations e;
  e.engineVersion = kKilnVersion;
  e.platform = image::currentPlatform();
  e.nativesFingerprint = nativeTable().fingerprint;
  return e;
}

image::ImageContents newImageContents() {
  image::Expectations e = currentExpectations();
  image::ImageContents contents;
  contents.engineVersion = e.engineVersion;
  contents.platform = e.platform;
  contents.nativesFingerprint = e.nativesFingerprint;
  return contents;
}

std::unique_ptr<VM> loadImageEntry(const image::ImageFile& image, size_t entry, image::LoadFailure* failure,
                                   image::LoadProfile* profile, size_t heapLimit) {
  double t0 = nowUs();
  if (image.heapBase(entry) != Heap::kImageBase) {
    failure->error = image::ImageError::BadManifest;
    failure->message = "bad manifest: the heap section is not based where this kiln places images";
    return nullptr;
  }
  const std::vector<uint64_t>& roots = image.roots(entry);
  HeapImageSource source;
  source.bytes = image.heapBytes(entry);
  source.roots = roots.data();
  source.rootCount = roots.size();
  source.fill = [&](uint8_t* dest) {
    if (image.mapHeap(entry, dest)) return true;
    return image.readHeap(entry, dest, source.bytes, failure, profile);
  };
  std::string error;
  std::unique_ptr<VM> vm = VM::fromImage(nativeTable(), heapLimit, source, &error);
  if (!vm) {
    if (failure->error == image::ImageError::None) {
      failure->error = image::ImageError::BadHeap;
      failure->message = "bad heap: " + error;
    }
    return nullptr;
  }
  double t1 = nowUs();
  if (!patchLoadedEntry(*vm, image, entry, failure)) return nullptr;
  if (profile) profile->phases.push_back({"heap in place + roots", t1 - t0});
  if (profile) profile->phases.push_back({"patch + hooks", nowUs() - t1});
  return vm;
}

}  // namespace kiln

namespace kiln {

bool resetImageEntry(VM& vm, const image::ImageFile& image, size_t entry,
                     const std::function<bool(uint8_t* dest)>& refill, size_t heapLimit, image::LoadFailure* failure) {
  if (!vm.resetToImage(refill, image.roots(entry).data(), heapLimit)) {
    failure->error = image::ImageError::BadHeap;
    failure->message = "bad heap: the image's heap could not be put back";
    return false;
  }
  return patchLoadedEntry(vm, image, entry, failure);
}

}  // namespace kiln
