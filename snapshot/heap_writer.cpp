#include "snapshot/heap_writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "builtins/builtins.h"
#include "builtins/timers.h"
#include "engine/hash_table.h"

namespace kiln {

namespace {

class Writer final : public Tracer {
 public:
  explicit Writer(VM& vm) : vm_(vm) {}

  HeapSnapshot run() {
    HeapSnapshot out;
    vm_.roots().forEach([&](Value& v) { out.roots.push_back(relocate(v).bits()); });
    // Scan: copy each forwarded cell in order, then relocate its references
    // (which forwards the cells they name, appending them to the queue).
    for (size_t i = 0; i < queue_.size(); i++) {
      Ref from = queue_[i];
      Ref to = forward_[from];
      CellHeader* old = vm_.cell(from);
      uint32_t size = copiedSize(old);
      size_t at = to - Heap::kImageBase;
      if (bytes_.size() < at + size) bytes_.resize(std::max(at + size, bytes_.size() * 2));
      std::memcpy(&bytes_[at], old, size);
      auto* copy = reinterpret_cast<CellHeader*>(&bytes_[at]);
      adjust(old, copy, size);
      traceCell(vm_.heap(), copy, *this);
      copy = reinterpret_cast<CellHeader*>(&bytes_[at]);  // the buffer does not move while tracing; be explicit
      if (copy->kind == CellKind::HashTable) rehash(static_cast<HashTableCell*>(old), static_cast<HashTableCell*>(copy));
      kindCells_[size_t(copy->kind)]++;
      kindBytes_[size_t(copy->kind)] += size;
    }
    bytes_.resize(top_ - Heap::kImageBase);
    out.bytes = std::move(bytes_);
    out.cells = queue_.size();
    for (size_t k = 0; k < size_t(CellKind::Count); k++) {
      if (!kindCells_[k]) continue;
      out.kinds.push_back({cellKindName(CellKind(k)), kindCells_[k], kindBytes_[k]});
    }
    std::stable_sort(out.kinds.begin(), out.kinds.end(),
                     [](const image::KindStat& a, const image::KindStat& b) { return a.bytes > b.bytes; });
    return out;
  }

  void visitRef(Ref) override {}  // unused: the slot methods do the work
  void visitRefSlot(Ref* slot) override {
    if (*slot) *slot = forward(*slot);
  }
  void visitValueSlot(Value* slot) override { *slot = relocate(*slot); }

 private:
  Value relocate(Value v) {
    if (!v.isRef() || v.ref() == 0) return v;
    return Value::fromBits((v.bits() & ~uint64_t(0xFFFFFFFF)) | forward(v.ref()));
  }

  Ref forward(Ref r) {
    auto [it, fresh] = forward_.try_emplace(r, top_);
    if (fresh) {
      top_ += copiedSize(vm_.cell(r));
      queue_.push_back(r);
    }
    return it->second;
  }

  // A ValueArray traced up to its length (the VM stack) is written compact.
  static uint32_t copiedSize(const CellHeader* c) {
    if (c->kind == CellKind::ValueArray) {
      auto* a = static_cast<const ValueArrayCell*>(c);
      if (a->flags & kTraceUsedOnly) return uint32_t(sizeof(ValueArrayCell) + size_t(a->length) * sizeof(Value));
    }
    return c->size;
  }

  void adjust(const CellHeader* old, CellHeader* copy, uint32_t size) {
    copy->size = size;
    if (copy->kind == CellKind::ValueArray && (copy->flags & kTraceUsedOnly)) {
      static_cast<ValueArrayCell*>(copy)->capacity = static_cast<ValueArrayCell*>(copy)->length;
    } else if (copy->kind == CellKind::NativeFunction) {
      // Per-process state: Math.random seeds itself again on first use.
      auto* f = static_cast<NativeFunctionCell*>(copy);
      if (f->native == uint32_t(NativeId::Math_random)) f->data0 = Value::undefined();
    }
  }

  // Identity keys hash their reference, which relocation changed; content
  // keys (strings, numbers, bigints) hash as before, read from the old table.
  void rehash(HashTableCell* old, HashTableCell* copy) {
    hashTableRebuildChains(copy, [&](uint32_t i, Value key) {
      Value oldKey = old->entry(i)[0];
      if (oldKey.isString() || oldKey.isNumber() || oldKey.isBigInt()) return hashKey(vm_, oldKey);
      return hashKey(vm_, key);
    });
  }

  VM& vm_;
  std::unordered_map<Ref, Ref> forward_;
  std::vector<Ref> queue_;
  Ref top_ = Heap::kImageBase;
  std::string bytes_;
  uint64_t kindCells_[size_t(CellKind::Count)] = {};
  uint64_t kindBytes_[size_t(CellKind::Count)] = {};
};

}  // namespace

HeapSnapshot snapshotHeap(VM& vm) {
  double clock = timersClock(vm);
  bool timers = !std::isnan(clock);
  if (timers) rebaseTimers(vm, -clock);
  HeapSnapshot out = Writer(vm).run();
  if (timers) {
    rebaseTimers(vm, clock);
    out.patches.push_back({kPatchTimersRelative, 0, 0});
  }
  return out;
}

image::Entry snapshotEntry(VM& vm, std::string name, std::string path) {
  HeapSnapshot snap = snapshotHeap(vm);
  image::Entry entry;
  entry.name = std::move(name);
  entry.path = std::move(path);
  entry.heapBase = Heap::kImageBase;
  entry.heap = std::move(snap.bytes);
  entry.roots = std::move(snap.roots);
  entry.patches = std::move(snap.patches);
  entry.heapKinds = std::move(snap.kinds);
  return entry;
}

}  // namespace kiln
