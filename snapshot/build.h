// Build-time evaluation (DESIGN §2): `kiln compile` loads each entry's module
// graph, runs it until its first effect (a call of a native that is not Pure),
// the end of its modules, or the time budget, and turns the VM at that moment
// into an image entry. When the pause falls under a native frame (a JS
// callback of native code), or the program throws while building, the build
// starts again from scratch and stops before the module in question: that
// module and the later ones run at startup instead (module granularity).
// Pure evaluation is deterministic, so the second run reaches the same state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/value.h"
#include "snapshot/image_file.h"

namespace kiln {

struct BuildOptions {
  std::vector<std::string> entries;  // entry module files; the first is the default
  // Raw by default: `kiln run` maps a raw heap copy-on-write in ~2 µs at any
  // size, where zstd inflates ~1.7 µs per KiB (0.8 ms for hello's 470 KiB);
  // zstd makes the file ~4x smaller.
  image::HeapCompression compression = image::HeapCompression::None;
  uint64_t initBudgetMs = 5000;      // each entry's build-time run, counted in jumps (build.cpp)
  bool sourceMap = false;            // keep the sources' text in the image
  std::string assetsDir;             // --embed-assets
  int optLevel = 1;
};

// Fills *out (everything but the image's own identity fields, which the
// caller sets) and appends the compile report to *report. Errors a user must
// see (syntax errors, missing modules) are printed to stderr exactly as
// `kiln dev` prints them. Returns 0, or the exit code to end with.
int buildImage(const BuildOptions& options, image::ImageContents* out, std::string* report);

class VM;
// The module table of an image entry: the program's modules in evaluation
// order, with dependencies, exports and whether each was fully evaluated.
std::vector<image::ModuleInfo> moduleTable(VM& vm);
// An entry's name: the entry file's name without its extension.
std::string entryNameOf(const std::string& file);
// The source position of `pc` in FunctionInfo `info`, into the pause point.
void setPausePosition(VM& vm, Value info, uint32_t pc, image::PausePoint* pause);

}  // namespace kiln
