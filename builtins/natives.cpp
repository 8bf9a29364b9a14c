#include "builtins/builtins.h"

namespace kiln {

namespace {

constexpr NativeEntry kEntries[] = {
#define KILN_NATIVE(id, name, arity, effect) {&native_##id, name, arity, Effect::effect, #id},
#include "builtins/natives.def"
#undef KILN_NATIVE
};

// Layout version of the object model; bump when cells.h changes shape (or the
// layout of a heap record the builtins keep: the timers record, the job
// queue, the program record), so that images of an older layout are refused.
// 2: module evaluation state (top-level await), the check phase's batch and
// the captured callback in the timers and job-queue records.
constexpr uint64_t kLayoutVersion = 2;

constexpr uint64_t fingerprintOf() {
  uint64_t h = 1469598103934665603ull ^ kLayoutVersion;
  for (const NativeEntry& e : kEntries) {
    for (const char* p = e.name; *p; p++) h = (h ^ uint8_t(*p)) * 1099511628211ull;
    h = (h ^ 0xFF ^ e.arity) * 1099511628211ull;
    h = (h ^ uint8_t(e.effect)) * 1099511628211ull;
  }
  return h;
}

constexpr NativeTable kTable = {kEntries, uint32_t(sizeof(kEntries) / sizeof(kEntries[0])), fingerprintOf()};

}  // namespace

const NativeTable& nativeTable() { return kTable; }

}  // namespace kiln
