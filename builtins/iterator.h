// The iteration protocol as native code uses it (ECMA-262 §7.4): builtins
// that consume iterables (Object.fromEntries, Object.groupBy, AggregateError,
// and any other area that wants them) go through these.
#pragma once

#include "engine/heap.h"
#include "engine/vm.h"

namespace kiln {

// An Iterator Record (§7.4.1). Its Values are rooted for as long as the
// record lives, so keep it on the C++ stack.
struct IteratorRecord {
  explicit IteratorRecord(Heap& heap) : iterator(heap), nextMethod(heap) {}
  Root iterator;
  Root nextMethod;
  bool done = false;
};

// GetIterator(obj, sync) (§7.4.3).
Status getIterator(VM& vm, Value obj, IteratorRecord* out);
// GetIteratorFromMethod (§7.4.2).
Status getIteratorFromMethod(VM& vm, Value obj, Value method, IteratorRecord* out);
// IteratorStepValue (§7.4.8): the next value, Value::empty() once the
// iterator is done, or exception (then record.done is set, as the spec does
// for abrupt completions of next()).
Value iteratorStepValue(VM& vm, IteratorRecord& record);
// IteratorClose with a normal completion (§7.4.11): calls `return` and
// checks its result; may throw.
Status iteratorClose(VM& vm, IteratorRecord& record);
// IteratorClose with a throw completion: calls `return` if there is one and
// ignores whatever it does; the pending exception is the original one.
// Returns Value::exception() so callers can `return iteratorCloseOnThrow(...)`.
Value iteratorCloseOnThrow(VM& vm, IteratorRecord& record);

}  // namespace kiln
