// The heap: cage reservation, size-class allocator, mark-sweep collector and
// verifier (interface and invariants: engine/heap.h).
//
// Cage layout, as offsets from base_ (the cage is 4 GiB-aligned when the
// kernel lets us reserve twice that, so a Ref is the low 32 bits of an address):
//
//   [0, 64 KiB)                never committed: Ref 0 (null) and small offsets fault
//   [kImageBase, imageEnd)     the image region, if adopted: a linear run of cells
//   [firstPage_, frontier_)    64 KiB pages: size-class pages, large-object runs,
//                              free runs (in pages units)
//   [frontier_, 4 GiB)         reserved, PROT_NONE
//
// Pages. A size-class page holds cells of one slot size carved from its start,
// with no on-page metadata; what a page is lives in pages_ (indexed by page
// number). A page is formatted up to allocTop: below it every slot starts with
// a valid header (a cell or a Free block), above it the bytes mean nothing. A
// cell whose requested size is smaller than its slot is followed by a Free
// filler header, so the heap is walkable by headers alone as well as by slots.
// Cells above kMaxSmall get their own run of whole pages (LargeStart followed
// by LargeCont pages).
//
// Allocation. Each size class has an allocation area: a free list (linked
// through the word after the free block's header) and a bump range in the page
// it currently allocates from. The fast path is a pop or a bump; everything
// else (sweeping a page, taking a fresh page, deciding to collect) is refill().
//
// Marking. Mark bits are one bit per 8-byte granule of the whole cage, in a
// separate 64 MiB NORESERVE mapping that the kernel zero-fills on first touch:
// only the part covering pages in use is ever written, and cells (in
// particular image pages) are never written by marking. The mark stack is
// explicit; traceCell (engine/cells.cpp) enumerates a cell's references.
//
// Sweeping is lazy. A collection marks, frees dead large objects, and queues
// every size-class page of each class; the allocator sweeps a class's pages one
// at a time, in address order, when it needs room. Until a page is swept its
// mark bits say which of its cells are alive (forEachCell and isCellStart
// honour that), so unswept dead cells are never visible. A page found entirely
// dead goes back to the page pool. The public collect() sweeps everything, so
// that stats and tests see the result at once.
//
// Memory return. Free page runs are kept in an address-ordered map and
// coalesced. When the free runs that still hold dirty memory exceed about one
// collection cycle's allocation (dirtyBudget), the highest are handed back with
// madvise(MADV_DONTNEED) (they stay mapped read-write and read as zero
// afterwards, so the next user need not clear them).
//
// Image cells are marked like any other but never swept; a dead image cell
// stays in place and, once a collection has found it dead, is invisible to
// forEachCell and isCellStart.
#include "engine/heap.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

namespace kiln {

namespace {

constexpr unsigned kPageShift = 16;
constexpr size_t kPageBytes = size_t(1) << kPageShift;
constexpr uint32_t kNumPages = uint32_t(Heap::kCageBytes >> kPageShift);
constexpr uint32_t kMaxSmall = 32 * 1024;  // larger cells get their own page run
constexpr uint32_t kMinSlot = 16;          // a free block needs its header and a link
constexpr uint32_t kCommitChunkPages = 32; // mprotect the cage 2 MiB at a time
constexpr size_t kMinGcTrigger = size_t(8) << 20;
constexpr size_t kMaxDirtyFreeBytes = size_t(4) << 20;
constexpr size_t kPopulateAfterPages = 64;  // 4 MiB
constexpr size_t kMaxImageBytes = Heap::kCageBytes / 2;
constexpr uint8_t kPoison = 0xDB;
constexpr size_t kMarkBitmapBytes = Heap::kCageBytes / 64;  // 1 bit per 8 bytes

// Size classes: 8-byte steps up to 256 bytes (from kMinSlot), then four
// classes per power of two up to kMaxSmall (at most 25% internal waste).
constexpr size_t countClasses() {
  size_t n = (256 - kMinSlot) / 8 + 1;
  for (uint32_t p = 256; p < kMaxSmall; p *= 2) n += 4;
  return n;
}
constexpr size_t kNumClasses = countClasses();

struct ClassTable {
  std::array<uint32_t, kNumClasses> slot{};
  std::array<uint8_t, kMaxSmall / 8 + 1> index{};  // by size / 8 (size rounded to 8)
};

constexpr ClassTable makeClassTable() {
  ClassTable t;
  size_t n = 0;
  for (uint32_t s = kMinSlot; s <= 256; s += 8) t.slot[n++] = s;
  for (uint32_t p = 256; p < kMaxSmall; p *= 2)
    for (uint32_t q = 1; q <= 4; ++q) t.slot[n++] = p + p / 4 * q;
  size_t c = 0;
  for (size_t i = 0; i < t.index.size(); ++i) {
    while (t.slot[c] < i * 8) ++c;
    t.index[i] = uint8_t(c);
  }
  return t;
}
constexpr ClassTable kClasses = makeClassTable();
static_assert(kClasses.slot[kNumClasses - 1] == kMaxSmall);
static_assert(kNumClasses < 256);

enum class PageKind : uint8_t { Unused, Guard, Image, Small, LargeStart, LargeCont, Free };

struct PageInfo {
  PageKind kind = PageKind::Unused;
  uint8_t cls = 0;
  bool sweepPending = false;  // Small: marked by the last collection, not swept yet
  uint32_t allocTop = 0;      // Small: bytes formatted from the page start; LargeStart: cell bytes
  uint32_t run = 0;           // LargeStart: run length in pages; LargeCont: first page of the run
  Ref freeHead = 0;           // Small, swept, waiting in `available`: its free list
  uint32_t freeBytes = 0;     // ... and the bytes in it
};

struct SizeClass {
  uint32_t slot = 0;
  uint32_t carveEnd = 0;  // slots per page * slot
  // Allocation area (the fast path).
  Ref freeHead = 0;
  Ref bumpCur = 0;
  Ref bumpEnd = 0;
  uint32_t curPage = 0;  // page allocated from, 0 when none (page 0 is the guard)
  // Pages queued by the last collection, swept lazily from sweepPos on.
  std::vector<uint32_t> sweepQueue;
  size_t sweepPos = 0;
  // Swept pages with free room, not yet allocated from (filled by finishSweeping).
  std::vector<uint32_t> available;
};

struct FreeRun {
  uint32_t pages;
  bool zeroed;  // reads as zero (fresh or returned to the kernel)
};

inline void writeHeader(uint8_t* p, CellKind kind, uint32_t size) {
  CellHeader h{kind, 0, 0, size};
  std::memcpy(p, &h, sizeof h);
}
inline uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline void store32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }

const char* kindName(uint8_t kind) {
  static constexpr const char* kNames[] = {
#define KILN_CELL_KIND(name) #name,
#include "engine/cell_kinds.def"
#undef KILN_CELL_KIND
  };
  return kind < std::size(kNames) ? kNames[kind] : "?";
}

inline size_t pageStart(uint32_t page) { return size_t(page) << kPageShift; }

}  // namespace

struct Heap::Impl {
  explicit Impl(Heap& heap);
  ~Impl();

  Heap& heap;
  uint8_t* base = nullptr;
  void* mapping = nullptr;
  size_t mappingBytes = 0;
  uint64_t* marks = nullptr;  // 1 bit per 8-byte granule of the cage

  std::vector<PageInfo> pages;  // by page number, up to frontier
  uint32_t firstPage = 1;       // first page for ordinary allocation
  uint32_t frontier = 1;        // first page never used
  uint32_t rwTop = 1;           // pages below are mprotected read-write
  size_t pagesInUse = 0;        // Small, LargeStart and LargeCont pages
  std::array<SizeClass, kNumClasses> classes;
  std::map<uint32_t, FreeRun> freeRuns;  // by first page
  size_t dirtyFreeBytes = 0;             // bytes of free runs with !zeroed

  size_t imageBytes = 0;
  bool imageAdopted = false;
  bool anyAllocation = false;
  bool imageMarksValid = false;  // a collection has marked the image cells
  mutable bool imageIndexed = false;
  mutable std::vector<uint64_t> imageStarts;  // 1 bit per granule: a cell starts here
  mutable std::string imageError;

  std::vector<Ref> markStack;
  uint64_t gcNanos = 0;
  uint64_t lastGcNanos = 0;
  size_t bytesSinceGc = 0;
  size_t gcTrigger = kMinGcTrigger;
  size_t liveBytes = 0;
  size_t collections = 0;
  uint32_t stressInterval = 1;
  uint32_t stressCounter = 0;
  bool inGc = false;

  // ---- mark bits ----
  bool marked(Ref r) const { return (marks[r >> 9] >> ((r >> 3) & 63)) & 1; }
  bool testAndMark(Ref r) {
    uint64_t& w = marks[r >> 9];
    uint64_t bit = uint64_t(1) << ((r >> 3) & 63);
    if (w & bit) return true;
    w |= bit;
    return false;
  }
  size_t topBytes() const { return pageStart(frontier); }

  // ---- pages ----
  uint32_t acquirePages(uint32_t n, bool& zeroed);
  void releasePages(uint32_t first, uint32_t n, bool zeroed);
  void returnDirtyRuns();
  // Free memory kept resident for reuse: about what one cycle allocates, so
  // that a program making short-lived garbage does not fault its pages back
  // in after every collection.
  size_t dirtyBudget() const { return std::max(kMaxDirtyFreeBytes, gcTrigger); }

  // ---- allocation ----
  Ref refill(SizeClass& sc);
  Ref allocateLarge(CellKind kind, size_t bytes);
  void adopt(SizeClass& sc, uint32_t page);
  bool sweepPage(uint32_t page);  // true if the page kept live cells and has room
  void finishSweeping();
  void syncAllocTops();
  uint32_t effectiveTop(uint32_t page) const {
    const PageInfo& pi = pages[page];
    const SizeClass& sc = classes[pi.cls];
    return sc.curPage == page ? uint32_t(sc.bumpCur - pageStart(page)) : pi.allocTop;
  }

  // ---- collection ----
  void collectLazy();
  void stressTick();

  // ---- image ----
  void indexImage() const;
  bool imageCellLive(Ref r) const { return !imageMarksValid || marked(r); }

  bool isCellStart(Ref r) const;
  template <class Fn> void walk(Fn&& fn);

  class MarkTracer;
  class VerifyTracer;
};

// ---------------------------------------------------------------------------
// Construction: reserve the cage and the mark bitmap.

Heap::Impl::Impl(Heap& h) : heap(h) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  // Reserve twice the cage and trim to a 4 GiB-aligned cage; fall back to an
  // unaligned cage when the address space is tight (every uint32 offset still
  // lands inside).
  void* m = mmap(nullptr, 2 * kCageBytes, PROT_NONE, flags, -1, 0);
  if (m != MAP_FAILED) {
    uintptr_t lo = reinterpret_cast<uintptr_t>(m);
    uintptr_t aligned = (lo + kCageBytes - 1) & ~(uintptr_t(kCageBytes) - 1);
    if (aligned > lo) munmap(m, aligned - lo);
    uintptr_t end = lo + 2 * kCageBytes;
    if (end > aligned + kCageBytes) munmap(reinterpret_cast<void*>(aligned + kCageBytes), end - aligned - kCageBytes);
    mapping = reinterpret_cast<void*>(aligned);
  } else {
    m = mmap(nullptr, kCageBytes, PROT_NONE, flags, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
    mapping = m;
  }
  mappingBytes = kCageBytes;
  base = static_cast<uint8_t*>(mapping);

  void* bm = mmap(nullptr, kMarkBitmapBytes, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (bm == MAP_FAILED) {
    munmap(mapping, mappingBytes);
    throw std::bad_alloc();
  }
  marks = static_cast<uint64_t*>(bm);

  for (size_t c = 0; c < kNumClasses; ++c) {
    classes[c].slot = kClasses.slot[c];
    classes[c].carveEnd = uint32_t(kPageBytes / kClasses.slot[c] * kClasses.slot[c]);
  }
  pages.resize(1);
  pages[0].kind = PageKind::Guard;
}

Heap::Impl::~Impl() {
  if (marks) munmap(marks, kMarkBitmapBytes);
  if (mapping) munmap(mapping, mappingBytes);
}

Heap::Heap(size_t limitBytes) : impl_(std::make_unique<Impl>(*this)), limit_(limitBytes) {
  base_ = impl_->base;
  // Read once: KILN_GC_STRESS=1 collects before every allocation, =N before every Nth.
  if (const char* s = std::getenv("KILN_GC_STRESS"); s && *s && std::strcmp(s, "0") != 0) {
    stress_ = true;
    long n = std::strtol(s, nullptr, 10);
    impl_->stressInterval = n > 1 ? uint32_t(std::min<long>(n, UINT32_MAX)) : 1;
  }
}

Heap::~Heap() = default;

// ---------------------------------------------------------------------------
// The image region.

uint8_t* Heap::adoptImageRegion(size_t bytes) {
  Impl& im = *impl_;
  if (im.imageAdopted || im.anyAllocation || bytes > kMaxImageBytes) return nullptr;
  bytes = (bytes + kAlign - 1) & ~(kAlign - 1);
  size_t end = kImageBase + bytes;
  uint32_t first = uint32_t((end + kPageBytes - 1) >> kPageShift);
  if (first < 1) first = 1;
  if (bytes > 0 && mprotect(base_ + kImageBase, pageStart(first) - kImageBase, PROT_READ | PROT_WRITE) != 0)
    return nullptr;
  im.imageAdopted = true;
  im.imageBytes = bytes;
  im.pages.resize(first);
  for (uint32_t p = 1; p < first; ++p) im.pages[p].kind = PageKind::Image;
  im.firstPage = im.frontier = im.rwTop = first;
  im.imageIndexed = false;
  im.imageMarksValid = false;  // no collection has marked these cells yet
  return base_ + kImageBase;
}

size_t Heap::imageBytes() const { return impl_->imageBytes; }

void Heap::rewindToImage(Ref keep) {
  Impl& im = *impl_;
  assert(im.imageAdopted && !im.inGc && stackRoots_.empty() && stackRefRoots_.empty());
  for (SizeClass& sc : im.classes) {
    sc.curPage = 0;
    sc.freeHead = sc.bumpCur = sc.bumpEnd = 0;
    sc.sweepQueue.clear();
    sc.sweepPos = 0;
    sc.available.clear();
  }
  const uint32_t keepPage = keep ? uint32_t(keep >> kPageShift) : 0;
  assert(!keep || (keepPage < im.frontier && im.pages[keepPage].kind == PageKind::LargeStart));
  for (uint32_t p = im.firstPage; p < im.frontier;) {
    PageInfo& pi = im.pages[p];
    uint32_t n = pi.kind == PageKind::LargeStart ? pi.run : 1;
    if ((pi.kind == PageKind::Small || pi.kind == PageKind::LargeStart) && p != keepPage) {
      if (stress_) std::memset(base_ + pageStart(p), kPoison, pageStart(n));
      im.releasePages(p, n, false);
    }
    p += n;
  }
  im.bytesSinceGc = 0;
  im.gcTrigger = kMinGcTrigger;
  im.liveBytes = 0;
  // The image cells are all live again, whatever the last collection found.
  im.imageMarksValid = false;
}

// Builds the cell-start index of the image region on first use (the loader
// fills the region after adoptImageRegion returns). O(image cells), once.
void Heap::Impl::indexImage() const {
  if (imageIndexed) return;
  imageIndexed = true;
  imageStarts.assign((imageBytes / 8 + 63) / 64, 0);
  size_t off = 0;
  while (off < imageBytes) {
    CellHeader h;
    std::memcpy(&h, base + kImageBase + off, sizeof h);
    if (uint8_t(h.kind) >= uint8_t(CellKind::Count) || h.size < 8 || h.size % 8 != 0 ||
        h.size > imageBytes - off) {
      imageError = fmt::format("image cell at 0x{:x}: bad header (kind {}, size {})", kImageBase + off,
                               unsigned(h.kind), h.size);
      return;
    }
    if (h.kind != CellKind::Free) imageStarts[off / 512] |= uint64_t(1) << ((off / 8) & 63);
    off += h.size;
  }
}

// ---------------------------------------------------------------------------
// Page runs.

// Takes n contiguous pages: first fit among free runs (address order keeps the
// heap compact), else from the frontier. Returns 0 when the heap limit or the
// cage is exhausted. `zeroed` tells whether the pages read as zero.
uint32_t Heap::Impl::acquirePages(uint32_t n, bool& zeroed) {
  if (pageStart(uint32_t(pagesInUse) + n) + imageBytes > heap.limit_) return 0;
  for (auto it = freeRuns.begin(); it != freeRuns.end(); ++it) {
    if (it->second.pages < n) continue;
    uint32_t first = it->first;
    FreeRun run = it->second;
    if (!run.zeroed) dirtyFreeBytes -= pageStart(run.pages);
    freeRuns.erase(it);
    if (run.pages > n) {
      FreeRun rest{run.pages - n, run.zeroed};
      freeRuns.emplace(first + n, rest);
      if (!rest.zeroed) dirtyFreeBytes += pageStart(rest.pages);
    }
    zeroed = run.zeroed;
    pagesInUse += n;
    return first;
  }
  if (n > kNumPages - frontier) return 0;
  uint32_t first = frontier;
  if (frontier + n > rwTop) {
    uint32_t newTop = std::min(kNumPages, std::max(frontier + n, rwTop + kCommitChunkPages));
    if (mprotect(base + pageStart(rwTop), pageStart(newTop - rwTop), PROT_READ | PROT_WRITE) != 0) return 0;
    rwTop = newTop;
  }
  frontier += n;
  if (pages.size() < frontier) pages.resize(std::max<size_t>(frontier, pages.size() * 2));
  zeroed = true;
  pagesInUse += n;
  return first;
}

void Heap::Impl::releasePages(uint32_t first, uint32_t n, bool zeroed) {
  pagesInUse -= n;
  for (uint32_t p = first; p < first + n; ++p) pages[p] = PageInfo{PageKind::Free};
  // Coalesce with the neighbours; a merged run is zeroed only if all parts were.
  FreeRun run{n, zeroed};
  auto next = freeRuns.lower_bound(first);
  if (next != freeRuns.end() && next->first == first + n) {
    if (!next->second.zeroed) dirtyFreeBytes -= pageStart(next->second.pages);
    run.pages += next->second.pages;
    run.zeroed = run.zeroed && next->second.zeroed;
    next = freeRuns.erase(next);
  }
  if (next != freeRuns.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second.pages == first) {
      if (!prev->second.zeroed) dirtyFreeBytes -= pageStart(prev->second.pages);
      first = prev->first;
      run.pages += prev->second.pages;
      run.zeroed = run.zeroed && prev->second.zeroed;
      freeRuns.erase(prev);
    }
  }
  freeRuns.emplace(first, run);
  if (!run.zeroed) dirtyFreeBytes += pageStart(run.pages);
  if (dirtyFreeBytes > dirtyBudget()) returnDirtyRuns();
}

// Hands dirty free runs back to the kernel, highest addresses first (the
// allocator reuses the lowest first), until half the budget is left. The pages
// stay read-write and read as zero afterwards.
void Heap::Impl::returnDirtyRuns() {
  size_t keep = dirtyBudget() / 2;
  for (auto it = freeRuns.rbegin(); it != freeRuns.rend() && dirtyFreeBytes > keep; ++it) {
    FreeRun& run = it->second;
    if (run.zeroed) continue;
    madvise(base + pageStart(it->first), pageStart(run.pages), MADV_DONTNEED);
    run.zeroed = true;
    dirtyFreeBytes -= pageStart(run.pages);
  }
}

// ---------------------------------------------------------------------------
// Allocation.

Ref Heap::allocate(CellKind kind, size_t bytes) {
  assert(kind != CellKind::Free && kind < CellKind::Count);
  Impl& im = *impl_;
  if (stress_) [[unlikely]]
    im.stressTick();
  if (bytes <= kMaxSmall) [[likely]] {
    uint32_t size = bytes <= 8 ? 8 : uint32_t((bytes + 7) & ~size_t(7));
    SizeClass& sc = im.classes[kClasses.index[size >> 3]];
    Ref r = sc.freeHead;
    if (r) {
      sc.freeHead = load32(base_ + r + 8);
    } else if (sc.bumpCur != sc.bumpEnd) {
      r = sc.bumpCur;
      sc.bumpCur += sc.slot;
    } else if (!(r = im.refill(sc))) {
      return 0;
    }
    uint8_t* p = base_ + r;
    writeHeader(p, kind, size);
    // Most cells are a few words: plain stores beat a call to memset.
    if (size <= 64) {
      for (uint32_t i = 8; i < size; i += 8) std::memset(p + i, 0, 8);
    } else {
      std::memset(p + 8, 0, size - 8);
    }
    if (sc.slot != size) writeHeader(p + size, CellKind::Free, sc.slot - size);
    return r;
  }
  return im.allocateLarge(kind, bytes);
}

void Heap::Impl::stressTick() {
  if (inGc) return;
  if (++stressCounter >= stressInterval) {
    stressCounter = 0;
    collectLazy();
  }
}

void Heap::Impl::adopt(SizeClass& sc, uint32_t page) {
  PageInfo& pi = pages[page];
  sc.curPage = page;
  sc.freeHead = pi.freeHead;
  sc.bumpCur = Ref(pageStart(page) + pi.allocTop);
  sc.bumpEnd = Ref(pageStart(page) + sc.carveEnd);
  bytesSinceGc += pi.freeBytes + (sc.carveEnd - pi.allocTop);
  pi.freeHead = 0;
  pi.freeBytes = 0;
}

// The slow path of allocate(): the class's allocation area is exhausted. Finds
// room in a swept page, in the next page to sweep, or in a fresh page,
// collecting first when enough was allocated since the last collection or when
// the heap limit is hit. Returns 0 when even a full collection leaves no room.
Ref Heap::Impl::refill(SizeClass& sc) {
  if (sc.curPage) {
    pages[sc.curPage].allocTop = uint32_t(sc.bumpCur - pageStart(sc.curPage));
    sc.curPage = 0;
    sc.bumpCur = sc.bumpEnd = 0;
  }
  anyAllocation = true;
  bool collected = false, fullyCollected = false;
  for (;;) {
    uint32_t page = 0;
    if (!sc.available.empty()) {
      page = sc.available.back();
      sc.available.pop_back();
    }
    while (!page && sc.sweepPos < sc.sweepQueue.size()) {
      uint32_t p = sc.sweepQueue[sc.sweepPos++];
      if (sweepPage(p)) page = p;
    }
    if (!page) {
      if (!collected && !inGc && bytesSinceGc >= gcTrigger) {
        collectLazy();
        collected = true;
        continue;
      }
      bool zeroed;
      page = acquirePages(1, zeroed);
      if (!page) {
        if (fullyCollected || inGc) return 0;
        // Over the limit: a full collection and sweep (empty pages of every
        // class go back to the pool) before giving up.
        if (!collected) collectLazy();
        finishSweeping();
        collected = fullyCollected = true;
        continue;
      }
      PageInfo& pi = pages[page];
      pi = PageInfo{PageKind::Small, uint8_t(&sc - classes.data())};
#ifdef MADV_POPULATE_WRITE
      // Once the heap is past its startup size, fault the page in with one
      // call instead of sixteen faults (small heaps keep their RSS small).
      if (zeroed && pagesInUse > kPopulateAfterPages)
        madvise(base + pageStart(page), kPageBytes, MADV_POPULATE_WRITE);
#endif
    }
    adopt(sc, page);
    Ref r = sc.freeHead;
    if (r) {
      sc.freeHead = load32(base + r + 8);
    } else {
      assert(sc.bumpCur != sc.bumpEnd);
      r = sc.bumpCur;
      sc.bumpCur += sc.slot;
    }
    return r;
  }
}

Ref Heap::Impl::allocateLarge(CellKind kind, size_t bytes) {
  anyAllocation = true;
  if (bytes > UINT32_MAX - 7) return 0;
  uint32_t size = uint32_t((bytes + 7) & ~size_t(7));
  uint32_t n = uint32_t((size_t(size) + kPageBytes - 1) >> kPageShift);
  if (!inGc && bytesSinceGc >= gcTrigger) collectLazy();
  bool zeroed;
  uint32_t first = acquirePages(n, zeroed);
  if (!first) {
    if (inGc) return 0;
    collectLazy();
    finishSweeping();
    first = acquirePages(n, zeroed);
    if (!first) return 0;
  }
  pages[first] = PageInfo{PageKind::LargeStart, 0, false, size, n};
  for (uint32_t p = first + 1; p < first + n; ++p) pages[p] = PageInfo{PageKind::LargeCont, 0, false, 0, first};
  bytesSinceGc += size;
  uint8_t* p = base + pageStart(first);
  writeHeader(p, kind, size);
  if (!zeroed) std::memset(p + 8, 0, size - 8);
  if (size_t slack = pageStart(n) - size) writeHeader(p + size, CellKind::Free, uint32_t(slack));
  return Ref(pageStart(first));
}

// Sweeps one size-class page: unmarked cells become Free blocks linked into
// the page's free list (poisoned after the link in stress mode, so a
// use-after-free reads garbage at once). A page with no marked cell goes back
// to the pool. Returns true when the page keeps live cells and has room.
bool Heap::Impl::sweepPage(uint32_t page) {
  PageInfo& pi = pages[page];
  assert(pi.kind == PageKind::Small && pi.sweepPending);
  pi.sweepPending = false;
  const size_t start = pageStart(page);
  const uint64_t* words = marks + (start >> 9);
  bool any = false;
  for (size_t i = 0; i < kPageBytes / 512; ++i) any |= words[i] != 0;
  if (!any) {
    if (heap.stress_) std::memset(base + start, kPoison, kPageBytes);
    releasePages(page, 1, false);
    return false;
  }
  const uint32_t slot = classes[pi.cls].slot;
  Ref head = 0;
  uint8_t* tailLink = nullptr;
  uint32_t freeCount = 0;
  for (uint32_t off = 0; off < pi.allocTop; off += slot) {
    Ref r = Ref(start + off);
    if (marked(r)) continue;
    uint8_t* p = base + r;
    if (CellKind(p[0]) != CellKind::Free) {
      if (heap.stress_) std::memset(p + 12, kPoison, slot - 12);
      writeHeader(p, CellKind::Free, slot);
    }
    store32(p + 8, 0);
    if (tailLink) store32(tailLink, r);
    else head = r;
    tailLink = p + 8;
    ++freeCount;
  }
  pi.freeHead = head;
  pi.freeBytes = freeCount * slot;
  return head != 0 || pi.allocTop < classes[pi.cls].carveEnd;
}

void Heap::Impl::finishSweeping() {
  for (SizeClass& sc : classes) {
    size_t before = sc.available.size();
    while (sc.sweepPos < sc.sweepQueue.size()) {
      uint32_t p = sc.sweepQueue[sc.sweepPos++];
      if (sweepPage(p)) sc.available.push_back(p);
    }
    // `available` is used from the back: keep the lowest addresses there.
    std::reverse(sc.available.begin() + long(before), sc.available.end());
  }
}

// Writes the classes' bump cursors back into their pages, so that walks see
// every allocated cell.
void Heap::Impl::syncAllocTops() {
  for (SizeClass& sc : classes)
    if (sc.curPage) pages[sc.curPage].allocTop = uint32_t(sc.bumpCur - pageStart(sc.curPage));
}

// ---------------------------------------------------------------------------
// Collection.

class Heap::Impl::MarkTracer final : public Tracer {
 public:
  MarkTracer(Impl& im, size_t top) : im_(im), top_(top) {}
  void visitRef(Ref r) override;
  // Marking is the hot path: one virtual call per slot, not two.
  void visitRefSlot(Ref* slot) override { visitRef(*slot); }
  void visitValueSlot(Value* slot) override {
    if (slot->isRef()) visitRef(slot->ref());
  }

 private:
  Impl& im_;
  size_t top_;
};

void Heap::Impl::MarkTracer::visitRef(Ref r) {
  if (r == 0) return;
  // A reference outside the used part of the cage is a bug elsewhere (the
  // verifier names it); do not let the collector fault on it.
  assert(r >= Heap::kImageBase && r < top_ && r % 8 == 0);
  if (r < Heap::kImageBase || r >= top_) [[unlikely]]
    return;
  if (!im_.testAndMark(r)) im_.markStack.push_back(r);
}

void Heap::Impl::collectLazy() {
  assert(!inGc);
  inGc = true;
  auto t0 = std::chrono::steady_clock::now();
  // Abandon the allocation areas: their pages are swept again like the others.
  for (SizeClass& sc : classes) {
    if (sc.curPage) pages[sc.curPage].allocTop = uint32_t(sc.bumpCur - pageStart(sc.curPage));
    sc.curPage = 0;
    sc.freeHead = sc.bumpCur = sc.bumpEnd = 0;
    sc.sweepQueue.clear();
    sc.sweepPos = 0;
    sc.available.clear();
  }

  // Clear the marks covering the image and the pages in use, then mark.
  const size_t top = topBytes();
  std::memset(reinterpret_cast<uint8_t*>(marks) + kImageBase / 64, 0, (top - kImageBase) / 64);
  MarkTracer tracer(*this, top);
  if (heap.rootVisitor_) heap.rootVisitor_(tracer);
  for (Value* slot : heap.stackRoots_) tracer.visitValue(*slot);
  for (Ref* slot : heap.stackRefRoots_) tracer.visitRef(*slot);
  size_t live = 0;
  while (!markStack.empty()) {
    Ref r = markStack.back();
    markStack.pop_back();
    CellHeader* h = heap.ptr(r);
    assert(h->kind != CellKind::Free && h->kind < CellKind::Count);
    live += h->size;
    traceCell(heap, h, tracer);
  }

  // Free dead large objects now (one mark bit each); queue size-class pages
  // for lazy sweeping, in address order.
  for (uint32_t p = firstPage; p < frontier; ++p) {
    PageInfo& pi = pages[p];
    if (pi.kind == PageKind::Small) {
      pi.sweepPending = true;
      pi.freeHead = 0;
      pi.freeBytes = 0;
      classes[pi.cls].sweepQueue.push_back(p);
    } else if (pi.kind == PageKind::LargeStart) {
      if (!marked(Ref(pageStart(p)))) {
        uint32_t n = pi.run;
        if (heap.stress_) std::memset(base + pageStart(p) + 8, kPoison, pi.allocTop - 8);
        releasePages(p, n, false);
        p += n - 1;
      } else {
        p += pi.run - 1;
      }
    }
  }
  imageMarksValid = true;
  liveBytes = live;
  gcTrigger = std::max(kMinGcTrigger, live);
  bytesSinceGc = 0;
  ++collections;
  lastGcNanos = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - t0).count());
  gcNanos += lastGcNanos;
  inGc = false;
}

void Heap::collect() {
  Impl& im = *impl_;
  im.collectLazy();
  auto t0 = std::chrono::steady_clock::now();
  im.finishSweeping();
  uint64_t ns = uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
  im.lastGcNanos += ns;
  im.gcNanos += ns;
}

// ---------------------------------------------------------------------------
// Walking and checking.

bool Heap::Impl::isCellStart(Ref r) const {
  if ((r & 7) != 0 || r < kImageBase) return false;
  if (r < kImageBase + imageBytes) {
    indexImage();
    size_t g = (r - kImageBase) / 8;
    return ((imageStarts[g / 64] >> (g & 63)) & 1) && imageCellLive(r);
  }
  uint32_t page = r >> kPageShift;
  if (page < firstPage || page >= frontier) return false;
  const PageInfo& pi = pages[page];
  uint32_t off = r & uint32_t(kPageBytes - 1);
  switch (pi.kind) {
    case PageKind::Small: {
      if (off % classes[pi.cls].slot != 0 || off >= effectiveTop(page)) return false;
      if (CellKind(base[r]) == CellKind::Free) return false;
      return !pi.sweepPending || marked(r);
    }
    case PageKind::LargeStart:
      return off == 0;
    default:
      return false;
  }
}

bool Heap::isCellStart(Ref r) const { return impl_->isCellStart(r); }

// Calls fn(header) for every allocated cell in address order: live image
// cells, then cells of size-class pages and large objects. Cells found dead by
// the last collection but not swept yet are skipped.
template <class Fn> void Heap::Impl::walk(Fn&& fn) {
  syncAllocTops();
  indexImage();
  for (size_t w = 0; w < imageStarts.size(); ++w) {
    for (uint64_t bits = imageStarts[w]; bits; bits &= bits - 1) {
      Ref r = Ref(kImageBase + (w * 64 + size_t(std::countr_zero(bits))) * 8);
      if (imageCellLive(r)) fn(heap.ptr(r));
    }
  }
  for (uint32_t p = firstPage; p < frontier; ++p) {
    const PageInfo& pi = pages[p];
    if (pi.kind == PageKind::Small) {
      const uint32_t slot = classes[pi.cls].slot;
      for (uint32_t off = 0; off < pi.allocTop; off += slot) {
        Ref r = Ref(pageStart(p) + off);
        CellHeader* h = heap.ptr(r);
        if (h->kind == CellKind::Free || (pi.sweepPending && !marked(r))) continue;
        fn(h);
      }
    } else if (pi.kind == PageKind::LargeStart) {
      fn(heap.ptr(Ref(pageStart(p))));
      p += pi.run - 1;
    }
  }
}

void Heap::forEachCell(const std::function<void(CellHeader*)>& fn) { impl_->walk(fn); }

HeapStats Heap::stats() {
  Impl& im = *impl_;
  HeapStats s;
  s.committedBytes = pageStart(uint32_t(im.pagesInUse)) + im.dirtyFreeBytes + im.imageBytes;
  s.limitBytes = limit_;
  s.collections = im.collections;
  s.liveBytesAfterGc = im.liveBytes;
  s.gcNanos = im.gcNanos;
  s.lastGcNanos = im.lastGcNanos;
  im.walk([&](CellHeader* h) {
    s.usedBytes += h->size;
    s.cellsByKind[size_t(h->kind)]++;
    s.bytesByKind[size_t(h->kind)] += h->size;
  });
  return s;
}

class Heap::Impl::VerifyTracer final : public Tracer {
 public:
  VerifyTracer(Impl& im, std::vector<uint64_t>& seen, std::vector<Ref>& stack)
      : im_(im), seen_(seen), stack_(stack) {}
  void visitRef(Ref r) override;
  std::string error;
  Ref from = 0;  // the cell being traced, 0 for the roots

 private:
  Impl& im_;
  std::vector<uint64_t>& seen_;
  std::vector<Ref>& stack_;
};

void Heap::Impl::VerifyTracer::visitRef(Ref r) {
  if (r == 0 || !error.empty()) return;
  if (!im_.isCellStart(r)) {
    const char* what = "not the start of an allocated cell";
    if (r % 8 != 0) what = "misaligned";
    else if (r < Heap::kImageBase || r >= im_.topBytes()) what = "outside the heap";
    else if (r >= Heap::kImageBase + im_.imageBytes) {
      const auto& pages = im_.pages;
      PageKind k = pages[r >> kPageShift].kind;
      if (k == PageKind::Free) what = "in a free page";
      else if (k == PageKind::Small && (r & (kPageBytes - 1)) % im_.classes[pages[r >> kPageShift].cls].slot == 0)
        what = CellKind(im_.base[r]) == CellKind::Free ? "a free block" : "a dead cell";
    }
    std::string context = "a root";
    if (from) context = fmt::format("cell 0x{:x} ({})", from, kindName(im_.base[from]));
    error = fmt::format("{} references 0x{:x}, which is {}", context, r, what);
    return;
  }
  size_t g = r >> 3;
  if ((seen_[g / 64] >> (g & 63)) & 1) return;
  seen_[g / 64] |= uint64_t(1) << (g & 63);
  stack_.push_back(r);
}

std::string Heap::verify() {
  Impl& im = *impl_;
  im.syncAllocTops();
  im.indexImage();
  if (!im.imageError.empty()) return im.imageError;

  // Structure: every formatted slot has a sane header.
  for (uint32_t p = im.firstPage; p < im.frontier; ++p) {
    const PageInfo& pi = im.pages[p];
    if (pi.kind == PageKind::Small) {
      const uint32_t slot = im.classes[pi.cls].slot;
      if (pi.allocTop > im.classes[pi.cls].carveEnd) return fmt::format("page {}: allocation top past the end", p);
      for (uint32_t off = 0; off < pi.allocTop; off += slot) {
        const CellHeader* h = ptr(Ref(pageStart(p) + off));
        if (h->kind >= CellKind::Count)
          return fmt::format("cell 0x{:x}: unknown kind {}", pageStart(p) + off, unsigned(h->kind));
        if (h->kind == CellKind::Free ? h->size != slot : (h->size < 8 || h->size % 8 != 0 || h->size > slot))
          return fmt::format("cell 0x{:x} ({}): size {} does not fit its {}-byte slot", pageStart(p) + off,
                             kindName(uint8_t(h->kind)), h->size, slot);
      }
    } else if (pi.kind == PageKind::LargeStart) {
      const CellHeader* h = ptr(Ref(pageStart(p)));
      if (h->kind == CellKind::Free || h->kind >= CellKind::Count || h->size != pi.allocTop || h->size <= kMaxSmall)
        return fmt::format("large cell 0x{:x}: bad header (kind {}, size {})", pageStart(p), unsigned(h->kind),
                           h->size);
      for (uint32_t q = p + 1; q < p + pi.run; ++q)
        if (im.pages[q].kind != PageKind::LargeCont || im.pages[q].run != p)
          return fmt::format("large cell 0x{:x}: page {} of its run is not a continuation", pageStart(p), q);
      p += pi.run - 1;
    }
  }
  // Allocation areas: free lists hold free blocks of their class.
  for (const SizeClass& sc : im.classes) {
    size_t n = 0;
    for (Ref r = sc.freeHead; r; r = load32(base_ + r + 8)) {
      uint32_t page = r >> kPageShift;
      if (page < im.firstPage || page >= im.frontier || im.pages[page].kind != PageKind::Small ||
          im.classes[im.pages[page].cls].slot != sc.slot || ptr(r)->kind != CellKind::Free || ++n > kPageBytes / 16)
        return fmt::format("free list of the {}-byte class is corrupt at 0x{:x}", sc.slot, r);
    }
  }

  // Reachability: every reference from the roots and from every reachable
  // cell points at the start of an allocated cell.
  std::vector<uint64_t> seen(im.topBytes() / 512 + 1, 0);
  std::vector<Ref> stack;
  Impl::VerifyTracer tracer(im, seen, stack);
  if (rootVisitor_) rootVisitor_(tracer);
  for (Value* slot : stackRoots_) tracer.visitValue(*slot);
  for (Ref* slot : stackRefRoots_) tracer.visitRef(*slot);
  while (tracer.error.empty() && !stack.empty()) {
    Ref r = stack.back();
    stack.pop_back();
    tracer.from = r;
    traceCell(*this, ptr(r), tracer);
  }
  return tracer.error;
}

}  // namespace kiln
