// The heap: one cage of virtual memory, cells addressed by 32-bit offsets.
//
// Invariants (DESIGN §4):
//  - The cage is one reserved range (PROT_NONE, committed as it grows). Every
//    reference stored in a cell is a Ref (offset from the cage base) or a
//    NaN-boxed Value; never a native pointer.
//  - Every cell starts with a CellHeader giving its kind and its size, so the
//    heap can be walked linearly (the verifier, the image writer) and a cell's
//    references are found from its kind alone (traceCell), never a vtable.
//  - Mark bits live in a side bitmap, never in the cells: collecting does not
//    write to pages that came from an image.
//  - The collector is precise and non-moving (mark-sweep over size-class
//    pages). A cell's address is stable for its lifetime, so native code may
//    hold a raw pointer to a cell as long as the cell is rooted.
//
// Rooting: everything reachable from the roots record (the VM's root visitor)
// or from a Root<> on the C++ stack survives a collection. Any allocation may
// collect; with KILN_GC_STRESS=1 every allocation does (=N: every Nth one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/value.h"

namespace kiln {

enum class CellKind : uint8_t {
#define KILN_CELL_KIND(name) name,
#include "engine/cell_kinds.def"
#undef KILN_CELL_KIND
  Count
};
const char* cellKindName(CellKind kind);

// Every cell begins with this header. `size` is the cell's size in bytes,
// header included, a multiple of 8.
struct CellHeader {
  CellKind kind;
  uint8_t flags;   // kind-specific bits
  uint16_t extra;  // kind-specific small field
  uint32_t size;
};
static_assert(sizeof(CellHeader) == 8);

class Heap;

// Visits the references of a cell during marking and verification.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual void visitRef(Ref r) = 0;  // r may be 0
  void visitValue(Value v) { if (v.isRef()) visitRef(v.ref()); }
  // traceCell hands over the slots themselves, so that a tracer may rewrite
  // them (the image writer relocates references in its copy of a cell).
  virtual void visitRefSlot(Ref* slot) { visitRef(*slot); }
  virtual void visitValueSlot(Value* slot) { if (slot->isRef()) visitRef(slot->ref()); }
};

// Implemented by the object model (engine/cells.cpp): calls the tracer for
// every reference held by the cell, as described by its kind.
void traceCell(Heap& heap, CellHeader* cell, Tracer& tracer);

struct HeapStats {
  size_t committedBytes = 0;  // cage memory committed for pages
  size_t usedBytes = 0;       // bytes in the cells forEachCell visits
  size_t limitBytes = 0;
  size_t collections = 0;
  size_t liveBytesAfterGc = 0;  // bytes marked by the last collection
  uint64_t gcNanos = 0;         // total time spent marking (and sweeping, in collect())
  uint64_t lastGcNanos = 0;
  size_t cellsByKind[size_t(CellKind::Count)] = {};
  size_t bytesByKind[size_t(CellKind::Count)] = {};
};

class Heap {
 public:
  static constexpr size_t kCageBytes = size_t(4) << 30;  // every uint32 offset falls inside
  static constexpr size_t kDefaultLimit = size_t(2) << 30;
  static constexpr size_t kAlign = 8;

  explicit Heap(size_t limitBytes = kDefaultLimit);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // The image region: a fixed range at the start of the cage, right above the
  // never-committed first 64 KiB (so Ref 0 is a safe null). The image loader
  // calls adoptImageRegion(bytes) once, before any allocation; it commits
  // [kImageBase, kImageBase + bytes) and returns its address, and the loader
  // writes there a contiguous run of cells with valid headers (sizes multiples
  // of 8). Those cells are then part of the heap: walked, verified and marked
  // like any other, but never swept into free lists; a dead image cell simply
  // stays where it is (it is skipped by forEachCell and isCellStart once a
  // collection has found it dead). Collecting never writes to image pages, so
  // a copy-on-write mapping of them stays shared. Ordinary allocation goes
  // above the region. Returns nullptr if called after an allocation or twice,
  // or if bytes is too large.
  static constexpr Ref kImageBase = 64 * 1024;
  uint8_t* adoptImageRegion(size_t bytes);
  size_t imageBytes() const;
  // Back to the image (the embedding API's reset): every cell allocated
  // since adoptImageRegion is dropped except the large cell `keep` (0: none;
  // the VM keeps its stack cell, whose 2 MiB it would otherwise clear
  // again), and the allocator starts over. The caller has put the image
  // region's bytes back as the loader wrote them. The dropped pages stay
  // committed for reuse up to the usual budget of dirty free memory; the
  // rest goes back to the kernel. No C++ root may be live.
  void rewindToImage(Ref keep);

  uint8_t* base() const { return base_; }
  template <class T = CellHeader> T* ptr(Ref r) const { return reinterpret_cast<T*>(base_ + r); }
  Ref ref(const void* p) const { return Ref(reinterpret_cast<const uint8_t*>(p) - base_); }

  // Allocates a cell of `bytes` (rounded up to 8, header included), with its
  // header filled in and the rest zeroed. May collect first. Returns 0 when
  // the heap limit is reached even after a full collection.
  Ref allocate(CellKind kind, size_t bytes);

  // Full collection: marks from the roots, sweeps unmarked cells. (Collections
  // triggered by allocation sweep lazily, page by page, as the allocator needs
  // room; this one sweeps everything before returning.)
  void collect();
  bool stressMode() const { return stress_; }
  void setStressMode(bool on) { stress_ = on; }

  // The embedder (the VM) provides the roots record through this callback.
  void setRootVisitor(std::function<void(Tracer&)> visitor) { rootVisitor_ = std::move(visitor); }

  // C++ stack roots (see Root<> below), LIFO.
  void pushRoot(Value* slot) { stackRoots_.push_back(slot); }
  void popRoot() { stackRoots_.pop_back(); }
  void pushRootRef(Ref* slot) { stackRefRoots_.push_back(slot); }
  void popRootRef() { stackRefRoots_.pop_back(); }

  // Walks every allocated cell in address order (image region first): cells
  // live at the last collection or allocated since. Free blocks and cells the
  // last collection found dead (swept or not yet) are skipped. fn must not
  // allocate.
  void forEachCell(const std::function<void(CellHeader*)>& fn);
  // True if r is the start of a cell forEachCell would visit. O(1).
  bool isCellStart(Ref r) const;
  // Checks every reachable cell: headers sane, every reference points at the
  // start of an allocated cell. Returns an empty string when all is well, else
  // a description of the first problem.
  std::string verify();

  HeapStats stats();
  size_t limit() const { return limit_; }
  void setLimit(size_t bytes) { limit_ = bytes; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint8_t* base_ = nullptr;
  size_t limit_;
  bool stress_ = false;
  std::function<void(Tracer&)> rootVisitor_;
  std::vector<Value*> stackRoots_;
  std::vector<Ref*> stackRefRoots_;
};

// RAII root for a Value held by native code across an allocation.
class Root {
 public:
  Root(Heap& heap, Value v = Value()) : heap_(heap), value_(v) { heap_.pushRoot(&value_); }
  ~Root() { heap_.popRoot(); }
  Root(const Root&) = delete;
  Root& operator=(const Root&) = delete;
  Value get() const { return value_; }
  void set(Value v) { value_ = v; }
  Value& operator*() { return value_; }
  operator Value() const { return value_; }
  Value* slot() { return &value_; }

 private:
  Heap& heap_;
  Value value_;
};

// RAII root for a bare Ref (internal cells held by native code).
class RootRef {
 public:
  RootRef(Heap& heap, Ref r = 0) : heap_(heap), ref_(r) { heap_.pushRootRef(&ref_); }
  ~RootRef() { heap_.popRootRef(); }
  RootRef(const RootRef&) = delete;
  RootRef& operator=(const RootRef&) = delete;
  Ref get() const { return ref_; }
  void set(Ref r) { ref_ = r; }
  operator Ref() const { return ref_; }

 private:
  Heap& heap_;
  Ref ref_;
};

}  // namespace kiln
