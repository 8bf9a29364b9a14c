#include "engine/vm.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <random>

#include "engine/errors.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

VM::VM(const NativeTable& natives, size_t heapLimit) : heap_(heapLimit), natives_(natives) {
  initCommon();
  initAtoms(*this);
  interpreter_ = new Interpreter(*this);
}

VM::VM(const NativeTable& natives, size_t heapLimit, FromImage) : heap_(heapLimit), natives_(natives) {
  initCommon();
}

std::unique_ptr<VM> VM::fromImage(const NativeTable& natives, size_t heapLimit, const HeapImageSource& source,
                                  std::string* error) {
  std::unique_ptr<VM> vm(new VM(natives, heapLimit, FromImage{}));
  if (source.rootCount != RootsRecord::kCount) {
    *error = "the image's roots record has " + std::to_string(source.rootCount) + " entries, this kiln expects " +
             std::to_string(RootsRecord::kCount);
    return nullptr;
  }
  uint8_t* dest = vm->heap_.adoptImageRegion(source.bytes);
  if (!dest) {
    *error = "the image's heap (" + std::to_string(source.bytes) + " bytes) does not fit in the heap";
    return nullptr;
  }
  if (!source.fill(dest)) {
    *error = "the image's heap could not be read";
    return nullptr;
  }
  size_t i = 0;
  vm->roots_.forEach([&](Value& v) { v = Value::fromBits(source.roots[i++]); });
  vm->interpreter_ = new Interpreter(*vm);
  if (!vm->interpreter_->stackCell()) {
    *error = "the heap limit leaves no room for the interpreter's stack";
    return nullptr;
  }
  return vm;
}

bool VM::resetToImage(const std::function<bool(uint8_t* dest)>& refill, const uint64_t* roots, size_t heapLimit) {
  if (!refill(heap_.base() + Heap::kImageBase)) return false;
  heap_.rewindToImage(interpreter_->stackCell());
  heap_.setLimit(heapLimit);
  size_t i = 0;
  roots_.forEach([&](Value& v) { v = Value::fromBits(roots[i++]); });
  interpreter_->reset();
  clearRunState();
  // The heap is the image's again: it knows none of the files the last
  // request opened (the image's own fds carry another process's epoch).
  closeHostFiles();
  return true;
}

void VM::clearRunState() {
  outOfMemory = false;
  oomHeadroomUsed = false;
  nativeDepth = 0;
  exitRequested = false;
  exitCode = 0;
  pauseState = PauseState::None;
  pauseNative = 0;
  pausedCall = PausedCall{};
  capturableDepth = 0;
  drivingEventLoop = false;
  runningNative = callerNative = UINT32_MAX;
  deadlineNs = 0;
  ticks = 0;
  tickBudget = 0;
  interruptRequested = false;
  timedOut = false;
}

void VM::closeHostFiles() {
  for (int fd : hostFiles)
    if (fd >= 0) ::close(fd);
  hostFiles.clear();
}

void VM::newHostFileEpoch() {
  // Random rather than counted: the epoch must differ from the one of the
  // process that wrote the image, which no per-process counter can know.
  std::random_device random;
  uint64_t epoch;
  do {
    epoch = ((uint64_t(random()) << 32) ^ random()) & ((uint64_t(1) << 53) - 1);
  } while (epoch == hostFileEpoch || epoch == 0);
  hostFileEpoch = epoch;
}

void VM::initCommon() {
  newHostFileEpoch();
  roots_.forEach([](Value& v) { v = Value::undefined(); });
  roots_.exception = Value::hole();
  heap_.setRootVisitor([this](Tracer& t) {
    roots_.forEach([&](Value& v) { t.visitValue(v); });
  });
  // Synchronous, unbuffered writes, as node does for files and pipes: output
  // of stdout and stderr keeps its order when both go to the same place.
  write = [](int fd, std::string_view text) {
    const char* p = text.data();
    size_t left = text.size();
    while (left > 0) {
      ssize_t n = ::write(fd == 2 ? 2 : 1, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      p += n;
      left -= size_t(n);
    }
  };
}

VM::~VM() {
  delete interpreter_;
  closeHostFiles();
}

Ref VM::allocate(CellKind kind, size_t bytes) {
  Ref r = heap_.allocate(kind, bytes);
  if (!r) {
    if (oomHeadroomBytes != 0 && !oomHeadroomUsed) {
      // Room for the error and for whatever the program does to recover.
      oomHeadroomUsed = true;
      size_t limit = heap_.limit();
      heap_.setLimit(limit + oomHeadroomBytes);
      std::string size = limit % (1 << 20) == 0 ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit) + " bytes";
      throwError(ErrorType::RangeError, "Out of memory: the heap limit of " + size + " is reached");
      if (!outOfMemory) return 0;
    }
    // Out of memory: the error object itself must not need the heap.
    roots_.exception = atom(Atom::empty);
    outOfMemory = true;
  }
  return r;
}

Value VM::atom(Atom a) const { return cell<ValueArrayCell>(roots_.atoms)->data()[uint32_t(a)]; }
Value VM::wellKnown(WellKnown w) const { return cell<ValueArrayCell>(roots_.wellKnown)->data()[uint32_t(w)]; }
Value VM::intrinsic(Intrinsic i) const { return cell<RealmCell>(roots_.realm)->intrinsics()[uint32_t(i)]; }
void VM::setIntrinsic(Intrinsic i, Value v) { cell<RealmCell>(roots_.realm)->intrinsics()[uint32_t(i)] = v; }

Value VM::throwValue(Value v) {
  roots_.exception = v;
  return Value::exception();
}

Value VM::throwError(ErrorType type, std::string_view message) {
  Value e = newError(*this, type, message);
  if (e.isException()) return e;
  return throwValue(e);
}

Value VM::throwTimedOut() {
  throwRangeError("Execution timed out");
  timedOut = true;
  return Value::exception();
}

Value VM::takeException() {
  Value v = roots_.exception;
  roots_.exception = Value::hole();
  return v;
}

}  // namespace kiln
