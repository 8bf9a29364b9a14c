// Heap micro benchmark, run by hand (disabled by default, asserts no timing):
//   unit_heap --run_test=heap_bench
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "engine/heap.h"
#include "tests/unit/heap/heap_test_support.h"

using namespace kiln;
using namespace kiln::heaptest;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

BOOST_AUTO_TEST_CASE(heap_bench, *boost::unit_test::disabled()) {
  constexpr size_t kCells = 1'000'000;
  {
    auto t0 = std::chrono::steady_clock::now();
    Heap heap;
    double create = secondsSince(t0);
    fmt::print("create heap (first): {:.1f} us\n", create * 1e6);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
      Heap h;
      h.allocate(CellKind::ValueArray, 32);
    }
    fmt::print("create heap + 1 allocation + destroy: {:.1f} us\n", secondsSince(t0) / 1000 * 1e6);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
      Heap h;
      for (int j = 0; j < 5000; ++j) h.allocate(CellKind::ValueArray, 8 + 8 * (j % 6));
    }
    fmt::print("create heap + 5000 allocations + destroy: {:.1f} us\n", secondsSince(t0) / 100 * 1e6);

    // Short-lived garbage: 10M cells of 32 bytes, collected as it goes.
    t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < 10 * kCells; ++i) heap.allocate(CellKind::ValueArray, 32);
    double t = secondsSince(t0);
    fmt::print("garbage alloc: {:.1f} M cells/s ({} collections)\n", 10 * kCells / t / 1e6,
               heap.stats().collections);
  }
  {
    Heap heap;
    // 1M small live cells in a linked structure.
    std::vector<Ref> live;
    live.reserve(kCells);
    heap.setRootVisitor([&](Tracer& tr) {
      for (Ref r : live) tr.visitRef(r);
    });
    auto t0 = std::chrono::steady_clock::now();
    Ref prev = 0;
    for (size_t i = 0; i < kCells; ++i) {
      Ref r = heap.allocate(CellKind::ValueArray, 24);
      slots(heap, r)[0] = Value::int32(int32_t(i));
      slots(heap, r)[1] = prev ? Value::cell(prev) : Value::null();
      prev = r;
      if (i % 64 == 0) live.push_back(r);
    }
    double t = secondsSince(t0);
    fmt::print("live alloc: {:.1f} M cells/s ({} collections)\n", kCells / t / 1e6, heap.stats().collections);
    for (int i = 0; i < 3; ++i) {
      t0 = std::chrono::steady_clock::now();
      heap.collect();
      fmt::print("full GC, 1M live cells: {:.2f} ms (heap says {:.2f} ms)\n", secondsSince(t0) * 1e3,
                 heap.stats().lastGcNanos / 1e6);
    }
    HeapStats s = heap.stats();
    fmt::print("committed {:.1f} MiB, used {:.1f} MiB\n", s.committedBytes / 1048576.0, s.usedBytes / 1048576.0);
    t0 = std::chrono::steady_clock::now();
    std::string err = heap.verify();
    fmt::print("verify: {:.2f} ms {}\n", secondsSince(t0) * 1e3, err);
    // Stress-mode cost on a small heap.
    Heap small;
    RootRef keep(small, newArray(small, 4));
    for (int i = 0; i < 5000; ++i) newArray(small, 2);
    small.setStressMode(true);
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 20000; ++i) newArray(small, 2);
    fmt::print("stress mode, small heap: {:.2f} us per allocation\n", secondsSince(t0) / 20000 * 1e6);
  }
}
