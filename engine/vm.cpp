#include "engine/vm.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "engine/errors.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

VM::VM(const NativeTable& natives, size_t heapLimit) : heap_(heapLimit), natives_(natives) {
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
  initAtoms(*this);
  interpreter_ = new Interpreter(*this);
}

VM::~VM() { delete interpreter_; }

Ref VM::allocate(CellKind kind, size_t bytes) {
  Ref r = heap_.allocate(kind, bytes);
  if (!r) {
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

Value VM::takeException() {
  Value v = roots_.exception;
  roots_.exception = Value::hole();
  return v;
}

}  // namespace kiln
