// The heap writer (DESIGN §4.4): turns a VM's live heap into the bytes of an
// image's heap region, without disturbing the running heap.
//
// Every cell reachable from the roots record is copied in a fixed order
// (breadth first from the roots, in RootsRecord order, each cell's references
// in traceCell order) into a fresh buffer laid out as the image region at
// Heap::kImageBase: the same program state always gives the same bytes, and
// unreachable cells do not make it. References are rewritten to the new
// offsets as cells are copied, so a loaded image needs no per-object work.
//
// Per cell kind, what cannot be copied as is:
//  - hash tables hash identity keys (objects, symbols) by reference: their
//    chains are rebuilt for the new references;
//  - the VM stack (a ValueArray traced up to its length) is written compact,
//    its used part only (the loader continues on a full-size stack);
//  - per-process state kept in natives' data slots (the Math.random state) is
//    dropped, so that a loaded program seeds afresh;
//  - timer due times are written relative to the loop's clock (a patch entry
//    tells the loader to add its own).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/vm.h"
#include "snapshot/image_file.h"

namespace kiln {

struct HeapSnapshot {
  std::string bytes;             // the image region, starting at Heap::kImageBase
  std::vector<uint64_t> roots;   // RootsRecord::kCount raw Values, relocated
  std::vector<image::KindStat> kinds;  // by cell kind, descending bytes
  std::vector<image::PatchEntry> patches;
  size_t cells = 0;
};

// An image entry holding the VM's heap (snapshotHeap), roots, patches and
// heap statistics; the caller adds the module table and the pause point.
image::Entry snapshotEntry(VM& vm, std::string name, std::string path);

// Patch kinds (image::PatchEntry::kind) the loader applies.
enum PatchKind : uint32_t {
  kPatchTimersRelative = 1,  // timer due times are relative to 0: add the loader's clock
};

// Must be called with no native frame holding heap values that matter (the
// C++ roots are not part of an image).
HeapSnapshot snapshotHeap(VM& vm);

}  // namespace kiln
