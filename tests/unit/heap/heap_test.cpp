// Unit tests for engine/heap.cpp: allocator, collector, verifier, image region.
#define BOOST_TEST_MODULE heap
#include <boost/test/unit_test.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <thread>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "engine/heap.h"
#include "tests/unit/heap/heap_test_support.h"

using namespace kiln;
using namespace kiln::heaptest;

namespace kiln {

// The test object model: a ValueArray holds Values, an Environment holds bare
// Refs (uint32), everything else holds no references.
void traceCell(Heap& heap, CellHeader* cell, Tracer& tracer) {
  switch (cell->kind) {
    case CellKind::ValueArray: {
      const Value* v = reinterpret_cast<const Value*>(cell + 1);
      for (size_t i = 0, n = (cell->size - 8) / 8; i < n; ++i) tracer.visitValue(v[i]);
      break;
    }
    case CellKind::Environment: {
      const Ref* r = reinterpret_cast<const Ref*>(cell + 1);
      for (size_t i = 0, n = (cell->size - 8) / 4; i < n; ++i) tracer.visitRef(r[i]);
      break;
    }
    default:
      break;
  }
}

// For Boost.Test messages.
std::ostream& operator<<(std::ostream& os, CellKind k) { return os << "CellKind(" << unsigned(k) << ")"; }

}  // namespace kiln

namespace {

std::set<Ref> allCells(Heap& heap) {
  std::set<Ref> s;
  heap.forEachCell([&](CellHeader* h) { s.insert(heap.ref(h)); });
  return s;
}

bool isZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i]) return false;
  return true;
}

// Keeps the stress setting out of tests that do not ask for it.
struct NoStressEnv {
  NoStressEnv() { unsetenv("KILN_GC_STRESS"); }
};
BOOST_TEST_GLOBAL_FIXTURE(NoStressEnv);

}  // namespace

BOOST_AUTO_TEST_CASE(cage_layout) {
  Heap heap;
  BOOST_TEST(heap.base() != nullptr);
  // 4 GiB-aligned when the kernel allows it, so a Ref is the low half of an address.
  BOOST_TEST(reinterpret_cast<uintptr_t>(heap.base()) % Heap::kCageBytes == 0);
  Ref r = heap.allocate(CellKind::ByteArray, 16);
  BOOST_TEST(r >= Heap::kImageBase);
  BOOST_TEST(!heap.isCellStart(0));
  BOOST_TEST(heap.verify() == "");
}

BOOST_AUTO_TEST_CASE(every_size_class_and_large) {
  Heap heap;
  std::vector<std::pair<Ref, size_t>> cells;
  std::vector<size_t> sizes;
  for (size_t s = 0; s <= 300; ++s) sizes.push_back(s);
  for (size_t s = 300; s <= 40000; s += 37) sizes.push_back(s);
  for (size_t s : {size_t(32767), size_t(32768), size_t(32769), size_t(65535), size_t(65536), size_t(65537),
                   size_t(1) << 20, (size_t(3) << 20) + 8})
    sizes.push_back(s);
  std::vector<std::unique_ptr<RootRef>> roots;
  for (size_t s : sizes) {
    Ref r = heap.allocate(CellKind::ByteArray, s);
    BOOST_REQUIRE(r != 0);
    roots.push_back(std::make_unique<RootRef>(heap, r));
    const CellHeader* h = heap.ptr(r);
    size_t expect = std::max<size_t>(8, (s + 7) & ~size_t(7));
    BOOST_TEST(h->kind == CellKind::ByteArray);
    BOOST_TEST(h->size == expect);
    BOOST_TEST(r % 8 == 0);
    BOOST_TEST(isZero(heap.ptr<uint8_t>(r) + 8, expect - 8));
    BOOST_TEST(heap.isCellStart(r));
    if (expect > 8) BOOST_TEST(!heap.isCellStart(r + 8));
    // Scribble so overlaps would show.
    std::memset(heap.ptr<uint8_t>(r) + 8, int(s & 0x7F) | 1, expect - 8);
    cells.emplace_back(r, expect);
  }
  for (auto [r, size] : cells) {
    const uint8_t* p = heap.ptr<uint8_t>(r);
    BOOST_TEST(heap.ptr(r)->size == size);
    if (size > 8) BOOST_TEST(p[size - 1] == p[8]);
  }
  std::set<Ref> seen = allCells(heap);
  BOOST_TEST(seen.size() == cells.size());
  BOOST_TEST(heap.verify() == "");
  heap.collect();
  BOOST_TEST(allCells(heap).size() == cells.size());
  BOOST_TEST(heap.verify() == "");
  HeapStats st = heap.stats();
  BOOST_TEST(st.cellsByKind[size_t(CellKind::ByteArray)] == cells.size());
}

BOOST_AUTO_TEST_CASE(collect_frees_unreachable_keeps_rooted) {
  Heap heap;
  Root keptValue(heap);
  RootRef keptRef(heap);
  {
    Ref a = newArray(heap, 3);
    keptValue.set(Value::cell(a));
    Ref b = newArray(heap, 1);
    slots(heap, a)[0] = Value::cell(b);
    slots(heap, a)[1] = Value::int32(42);
    Ref e = heap.allocate(CellKind::Environment, 8 + 8);
    keptRef.set(e);
    Ref s = heap.allocate(CellKind::String, 24);
    heap.ptr<Ref>(e)[2] = s;  // the Environment's first Ref slot
    for (int i = 0; i < 1000; ++i) newArray(heap, i % 40);
  }
  BOOST_TEST(allCells(heap).size() == 1004u);
  heap.collect();
  std::set<Ref> live = allCells(heap);
  BOOST_TEST(live.size() == 4u);
  Ref a = keptValue.get().ref();
  BOOST_TEST(live.count(a) == 1u);
  BOOST_TEST(live.count(slots(heap, a)[0].ref()) == 1u);
  BOOST_TEST(slots(heap, a)[1].bits() == Value::int32(42).bits());
  BOOST_TEST(live.count(keptRef.get()) == 1u);
  BOOST_TEST(live.count(heap.ptr<Ref>(keptRef.get())[2]) == 1u);
  BOOST_TEST(heap.verify() == "");
  BOOST_TEST(heap.stats().collections == 1u);
  // Freed memory is reused: the heap does not grow.
  size_t committed = heap.stats().committedBytes;
  for (int i = 0; i < 1000; ++i) newArray(heap, i % 40);
  BOOST_TEST(heap.stats().committedBytes <= committed);
}

BOOST_AUTO_TEST_CASE(root_visitor) {
  Heap heap;
  std::vector<Ref> rootRecord;
  heap.setRootVisitor([&](Tracer& t) {
    for (Ref r : rootRecord) t.visitRef(r);
  });
  for (int i = 0; i < 100; ++i) {
    Ref r = newArray(heap, 2);
    if (i % 10 == 0) rootRecord.push_back(r);
  }
  heap.collect();
  BOOST_TEST(allCells(heap) == std::set<Ref>(rootRecord.begin(), rootRecord.end()));
  rootRecord.clear();
  heap.collect();
  BOOST_TEST(allCells(heap).empty());
}

BOOST_AUTO_TEST_CASE(cycles) {
  Heap heap;
  RootRef keep(heap);
  // An unrooted cycle dies; a rooted one lives.
  for (int rooted = 0; rooted < 2; ++rooted) {
    Ref a = newArray(heap, 1);
    RootRef ra(heap, a);
    Ref b = newArray(heap, 1);
    slots(heap, a)[0] = Value::cell(b);
    slots(heap, b)[0] = Value::cell(a);
    if (rooted) keep.set(a);
  }
  heap.collect();
  std::set<Ref> live = allCells(heap);
  BOOST_TEST(live.size() == 2u);
  BOOST_TEST(live.count(keep.get()) == 1u);
  // A self-cycle and a long chain (the marker must not recurse).
  Ref head = newArray(heap, 1);
  keep.set(head);
  Ref prev = head;
  for (int i = 0; i < 200000; ++i) {
    RootRef rp(heap, prev);
    Ref n = newArray(heap, 1);
    slots(heap, rp.get())[0] = Value::cell(n);
    prev = n;
  }
  slots(heap, prev)[0] = Value::cell(prev);
  heap.collect();
  BOOST_TEST(allCells(heap).size() == 200001u);
  BOOST_TEST(heap.verify() == "");
}

// A random graph mutated over many collections: after each collect(), the
// cells the heap keeps are exactly those the model says are reachable.
BOOST_AUTO_TEST_CASE(random_graph_matches_model) {
  Heap heap;
  std::mt19937 rng(1234);
  std::vector<Ref> roots(16, 0);
  heap.setRootVisitor([&](Tracer& t) {
    for (Ref r : roots) t.visitRef(r);
  });
  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 3000; ++i) {
      size_t n = rng() % 6;
      Ref c = n == 5 ? heap.allocate(CellKind::String, 8 + rng() % 3000) : newArray(heap, n);
      BOOST_REQUIRE(c != 0);
      // Link from a random reachable array, or make it a root.
      Ref from = roots[rng() % roots.size()];
      if (from && heap.ptr(from)->kind == CellKind::ValueArray && heap.ptr(from)->size > 8) {
        size_t k = (heap.ptr(from)->size - 8) / 8;
        slots(heap, from)[rng() % k] = Value::cell(c);
      }
      if (rng() % 8 == 0) roots[rng() % roots.size()] = c;
      if (c && n > 0 && n < 5 && rng() % 3 == 0) {
        // Also point the new cell at an existing root (cycles, sharing).
        slots(heap, c)[0] = Value::cell(roots[rng() % roots.size()] ? roots[rng() % roots.size()] : c);
      }
    }
    if (round % 5 == 4) roots[rng() % roots.size()] = 0;
    heap.collect();
    BOOST_REQUIRE(heap.verify() == "");
    BOOST_REQUIRE(allCells(heap) == reachable(heap, roots));
  }
}

BOOST_AUTO_TEST_CASE(stress_mode_from_environment) {
  setenv("KILN_GC_STRESS", "1", 1);
  Heap heap;
  unsetenv("KILN_GC_STRESS");
  BOOST_TEST(heap.stressMode());
  RootRef list(heap);
  size_t before = heap.stats().collections;
  for (int i = 0; i < 500; ++i) {
    Ref n = newArray(heap, 2);
    slots(heap, n)[0] = Value::int32(i);
    slots(heap, n)[1] = list.get() ? Value::cell(list.get()) : Value::null();
    list.set(n);
    newArray(heap, 3);  // garbage
  }
  BOOST_TEST(heap.stats().collections - before >= 1000u);
  BOOST_TEST(heap.verify() == "");
  int expect = 499;
  for (Ref r = list.get(); r; expect--) {
    BOOST_REQUIRE(slots(heap, r)[0].bits() == Value::int32(expect).bits());
    Value next = slots(heap, r)[1];
    r = next.isNull() ? 0 : next.ref();
  }
  BOOST_TEST(expect == -1);
  BOOST_TEST(allCells(heap).size() <= 502u);  // the list, plus at most the last garbage cell
}

BOOST_AUTO_TEST_CASE(stress_mode_poisons_freed_cells) {
  Heap heap;
  heap.setStressMode(true);
  RootRef keep(heap, newArray(heap, 4));
  Ref dead = newArray(heap, 4);
  slots(heap, dead)[3] = Value::int32(7);
  heap.collect();
  const uint8_t* p = heap.ptr<uint8_t>(dead);
  BOOST_TEST(heap.ptr(dead)->kind == CellKind::Free);
  BOOST_TEST(p[8 + 8 * 3] == 0xDB);
  BOOST_TEST(!heap.isCellStart(dead));
  BOOST_TEST(heap.isCellStart(keep.get()));
}

BOOST_AUTO_TEST_CASE(stress_interval) {
  setenv("KILN_GC_STRESS", "10", 1);
  Heap heap;
  unsetenv("KILN_GC_STRESS");
  for (int i = 0; i < 100; ++i) newArray(heap, 1);
  BOOST_TEST(heap.stats().collections == 10u);
}

BOOST_AUTO_TEST_CASE(verify_catches_bad_references) {
  Heap heap;
  RootRef holder(heap, newArray(heap, 1));
  RootRef neighbour(heap, newArray(heap, 2));  // keeps the victim's page in use
  Ref victim = newArray(heap, 2);
  Ref lonely = newArray(heap, 3);
  BOOST_TEST(heap.verify() == "");
  heap.collect();  // victim and lonely are freed, lonely's page with it
  BOOST_TEST(!heap.isCellStart(lonely));
  slots(heap, holder.get())[0] = Value::cell(lonely);
  BOOST_TEST(heap.verify().find("in a free page") != std::string::npos);
  BOOST_TEST(!heap.isCellStart(victim));
  slots(heap, holder.get())[0] = Value::cell(victim);
  std::string err = heap.verify();
  BOOST_TEST(err.find("free block") != std::string::npos, err);
  BOOST_TEST(err.find(fmt::format("0x{:x}", victim)) != std::string::npos, err);

  Ref other = newArray(heap, 2);
  slots(heap, holder.get())[0] = Value::cell(other + 8);  // mid-cell
  err = heap.verify();
  BOOST_TEST(err.find("not the start of an allocated cell") != std::string::npos, err);

  slots(heap, holder.get())[0] = Value::cell(0x7000'0000);  // beyond the used part of the cage
  err = heap.verify();
  BOOST_TEST(err.find("outside the heap") != std::string::npos, err);

  slots(heap, holder.get())[0] = Value::cell(other);
  BOOST_TEST(heap.verify() == "");

  // A corrupt header.
  heap.ptr(other)->size = 4096;
  err = heap.verify();
  BOOST_TEST(err.find("does not fit") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(verify_catches_reference_to_dead_unswept_cell) {
  Heap heap;
  RootRef holder(heap, newArray(heap, 1));
  Ref victim = newArray(heap, 1);
  heap.setStressMode(true);
  heap.allocate(CellKind::String, 4000);  // collects; victim's page is not swept yet
  heap.setStressMode(false);
  slots(heap, holder.get())[0] = Value::cell(victim);
  std::string err = heap.verify();
  BOOST_TEST(!err.empty());
}

BOOST_AUTO_TEST_CASE(heap_limit) {
  Heap heap(4 << 20);
  std::vector<Ref> live;
  heap.setRootVisitor([&](Tracer& t) {
    for (Ref r : live) t.visitRef(r);
  });
  Ref r;
  while ((r = newArray(heap, 30)) != 0) live.push_back(r);
  BOOST_TEST(live.size() > 10000u);
  BOOST_TEST(heap.stats().committedBytes <= size_t(4) << 20);
  BOOST_TEST(heap.allocate(CellKind::ByteArray, 1 << 20) == 0u);
  BOOST_TEST(heap.verify() == "");
  // Dropping the roots makes room again.
  live.resize(live.size() / 2);
  BOOST_TEST(newArray(heap, 30) != 0u);
  live.clear();
  BOOST_TEST(heap.allocate(CellKind::ByteArray, 2 << 20) != 0u);
  // Garbage alone never hits the limit: it is collected.
  for (int i = 0; i < 200000; ++i) BOOST_REQUIRE(newArray(heap, 30) != 0u);
  // Larger than the limit, or than a cell can be.
  BOOST_TEST(heap.allocate(CellKind::ByteArray, 8 << 20) == 0u);
  BOOST_TEST(heap.allocate(CellKind::ByteArray, size_t(5) << 30) == 0u);
}

BOOST_AUTO_TEST_CASE(image_region) {
  Heap heap;
  heap.collect();  // a collection before adoption must not make image cells look dead
  // Lay out an image: a root array, a string it references, a dead array.
  const size_t bytes = 8 + 3 * 8 + 32 + 16 + 100000;
  uint8_t* img = heap.adoptImageRegion(bytes);
  BOOST_REQUIRE(img != nullptr);
  BOOST_TEST(img == heap.base() + Heap::kImageBase);
  BOOST_TEST(heap.adoptImageRegion(64) == nullptr);  // once only
  Ref root = Heap::kImageBase;
  Ref str = root + 32;
  Ref dead = str + 32;
  Ref big = dead + 16;
  auto header = [&](Ref r, CellKind k, uint32_t size) {
    CellHeader h{k, 0, 0, size};
    std::memcpy(heap.base() + r, &h, 8);
  };
  header(root, CellKind::ValueArray, 32);
  slots(heap, root)[0] = Value::string(str);
  slots(heap, root)[1] = Value::int32(5);
  slots(heap, root)[2] = Value::undefined();
  header(str, CellKind::String, 32);
  header(dead, CellKind::ValueArray, 16);
  slots(heap, dead)[0] = Value::string(str);
  header(big, CellKind::ByteArray, 100000);
  BOOST_TEST(heap.imageBytes() == bytes);

  RootRef rootRef(heap, root);
  BOOST_TEST(heap.isCellStart(root));
  BOOST_TEST(heap.isCellStart(str));
  BOOST_TEST(heap.isCellStart(dead));
  BOOST_TEST(!heap.isCellStart(str + 8));
  BOOST_TEST(allCells(heap).size() == 4u);
  BOOST_TEST(heap.verify() == "");

  // Ordinary cells go above the image; an image cell can point at them.
  Ref fresh = newArray(heap, 1);
  BOOST_TEST(fresh >= Heap::kImageBase + bytes);
  slots(heap, root)[2] = Value::cell(fresh);
  slots(heap, fresh)[0] = Value::cell(big);
  std::vector<uint8_t> before(img, img + bytes);
  heap.collect();
  BOOST_TEST(std::memcmp(before.data(), img, bytes) == 0);  // collecting never writes image pages
  std::set<Ref> live = allCells(heap);
  BOOST_TEST(live == (std::set<Ref>{root, str, big, fresh}));
  BOOST_TEST(!heap.isCellStart(dead));  // found dead, stays in place
  BOOST_TEST(heap.ptr(dead)->kind == CellKind::ValueArray);
  BOOST_TEST(heap.verify() == "");
  slots(heap, root)[2] = Value::cell(dead);
  BOOST_TEST(heap.verify() != "");
  slots(heap, root)[2] = Value::undefined();
  heap.collect();
  BOOST_TEST(allCells(heap) == (std::set<Ref>{root, str}));
}

BOOST_AUTO_TEST_CASE(image_region_refused_after_allocation) {
  Heap heap;
  newArray(heap, 1);
  BOOST_TEST(heap.adoptImageRegion(4096) == nullptr);
}

BOOST_AUTO_TEST_CASE(image_region_bad_header_reported) {
  Heap heap;
  uint8_t* img = heap.adoptImageRegion(64);
  CellHeader h{CellKind::String, 0, 0, 24};  // leaves 40 bytes, then a zero header
  std::memcpy(img, &h, 8);
  BOOST_TEST(heap.verify().find("bad header") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(memory_returned_after_big_garbage) {
  Heap heap;
  RootRef keep(heap, newArray(heap, 1));
  size_t base = heap.stats().committedBytes;
  Ref big;
  {
    RootRef bigRoot(heap, heap.allocate(CellKind::ByteArray, 32 << 20));
    big = bigRoot.get();
    BOOST_REQUIRE(big != 0);
    std::memset(heap.ptr<uint8_t>(big) + 8, 1, (32 << 20) - 8);  // make it resident
    std::vector<Ref> chunk;
    heap.setRootVisitor([&](Tracer& t) {
      for (Ref r : chunk) t.visitRef(r);
    });
    for (int i = 0; i < 100000; ++i) chunk.push_back(newArray(heap, 10));  // ~9 MiB, live for now
    BOOST_TEST(heap.stats().committedBytes > size_t(40) << 20);
    heap.setRootVisitor(nullptr);
  }
  heap.collect();
  BOOST_TEST(heap.stats().committedBytes <= base + (size_t(4) << 20));
  // The kernel really took the big object's pages back.
  long pageSize = sysconf(_SC_PAGESIZE);
  size_t len = 32 << 20;
  std::vector<unsigned char> vec(len / pageSize);
  BOOST_REQUIRE(mincore(heap.ptr<uint8_t>(big), len, vec.data()) == 0);
  size_t resident = 0;
  for (unsigned char c : vec) resident += c & 1;
  BOOST_TEST(resident == 0u);
  BOOST_TEST(heap.verify() == "");
  // And the space is reused.
  BOOST_TEST(heap.allocate(CellKind::ByteArray, 32 << 20) == big);
}

BOOST_AUTO_TEST_CASE(many_heaps) {
  for (int i = 0; i < 300; ++i) {
    Heap heap;
    RootRef r(heap, newArray(heap, 4));
    for (int j = 0; j < 100; ++j) newArray(heap, j % 8);
    if (i % 50 == 0) {
      heap.collect();
      BOOST_TEST(allCells(heap).size() == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(two_heaps_two_threads) {
  auto work = [](int seed, bool* ok) {
    Heap heap;
    std::mt19937 rng(seed);
    RootRef list(heap);
    for (int i = 0; i < 100000; ++i) {
      Ref n = newArray(heap, 2);
      slots(heap, n)[0] = Value::int32(i);
      slots(heap, n)[1] = list.get() ? Value::cell(list.get()) : Value::null();
      if (rng() % 2) list.set(n);
      if (i % 20000 == 0) heap.collect();
    }
    heap.collect();
    *ok = heap.verify().empty() && allCells(heap).size() == reachable(heap, {list.get()}).size();
  };
  bool ok1 = false, ok2 = false;
  std::thread t1(work, 1, &ok1), t2(work, 2, &ok2);
  t1.join();
  t2.join();
  BOOST_TEST(ok1);
  BOOST_TEST(ok2);
}

// Collections triggered by allocation (lazy sweeping, interleaved with the
// mutator): every cell the model can reach keeps its contents.
BOOST_AUTO_TEST_CASE(lazy_sweep_keeps_reachable_contents) {
  for (const char* interval : {"1", "7", "0"}) {
    setenv("KILN_GC_STRESS", interval, 1);
    Heap heap;
    unsetenv("KILN_GC_STRESS");
    std::mt19937 rng(99);
    std::vector<Ref> roots(8, 0);
    heap.setRootVisitor([&](Tracer& t) {
      for (Ref r : roots) t.visitRef(r);
    });
    int steps = std::strcmp(interval, "0") == 0 ? 400000 : 20000;
    for (int i = 0; i < steps; ++i) {
      size_t n = 1 + rng() % 4;
      Ref c = newArray(heap, n);
      BOOST_REQUIRE(c != 0);
      slots(heap, c)[0] = Value::int32(int32_t(n));  // self-check: slot 0 holds the length
      Ref from = roots[rng() % roots.size()];
      if (from) {
        size_t k = (heap.ptr(from)->size - 8) / 8;
        if (k > 1) slots(heap, from)[1 + rng() % (k - 1)] = Value::cell(c);
      }
      if (rng() % 16 == 0) roots[rng() % roots.size()] = c;
      if (i % 4999 == 0) {
        BOOST_REQUIRE(heap.verify() == "");
        std::set<Ref> reach = reachable(heap, roots);
        for (Ref r : reach) {
          BOOST_REQUIRE(heap.isCellStart(r));
          BOOST_REQUIRE(slots(heap, r)[0].bits() == Value::int32(int32_t((heap.ptr(r)->size - 8) / 8)).bits());
        }
      }
    }
    BOOST_TEST(heap.stats().collections > 0u);
  }
}
