// %StringIteratorPrototype% (ECMA-262 §22.1.5).
//
// A String Iterator is a CellKind::Iterator object:
//   internal[0]  the iterated string, or undefined once exhausted
//   internal[1]  the next code unit index (Int)
//   internal[5]  Int(NativeId::StringIteratorNext): tells string iterators
//                apart from the other builtin iterators sharing the kind
#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

namespace {
constexpr int32_t kStringIteratorTag = int32_t(NativeId::StringIteratorNext);
}

// §22.1.5.1 CreateStringIterator-like construction (the spec's generator
// closure, as an object with explicit state).
Value createStringIterator(VM& vm, Value s) {
  Root sr(vm.heap(), s);
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell),
                                      vm.intrinsic(Intrinsic::StringIteratorPrototype)));
  auto* c = vm.cell<InternalObjectCell>(it);
  c->internal[0] = sr.get();
  c->internal[1] = Value::int32(0);
  c->internal[5] = Value::int32(kStringIteratorTag);
  return it;
}

// §22.1.5.1.1 %StringIteratorPrototype%.next ( )
Value native_StringIteratorNext(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Iterator ||
      vm.cell<InternalObjectCell>(t)->internal[5] != Value::int32(kStringIteratorTag))
    return vm.throwTypeError("Method String Iterator.prototype.next called on incompatible receiver " +
                             describe(vm, t));
  Root it(vm.heap(), t);
  auto* c = vm.cell<InternalObjectCell>(t);
  Value s = c->internal[0];
  if (s.isUndefined()) return createIterResult(vm, Value::undefined(), true);
  uint32_t pos = uint32_t(c->internal[1].asInt());
  const StringCell* sc = str(vm, s);
  if (pos >= sc->length) {
    c->internal[0] = Value::undefined();
    return createIterResult(vm, Value::undefined(), true);
  }
  uint32_t units;
  codePointAt(sc, pos, &units);
  c->internal[1] = Value::int32(int32_t(pos + units));
  Value r = KILN_TRY(substring(vm, s, pos, pos + units));
  return createIterResult(vm, r, false);
}

void installStringIterator(VM& vm) {
  Value protoV = newObject(vm, vm.intrinsic(Intrinsic::IteratorPrototype));
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::StringIteratorPrototype, protoV);
  if (defineMethod(vm, proto.get(), "next", NativeId::StringIteratorNext).isException()) return;
  Value tag = newString(vm, std::string_view("String Iterator"));
  if (tag.isException()) return;
  defineValue(vm, proto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
