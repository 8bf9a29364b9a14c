// %ArrayIteratorPrototype% (ECMA-262 §23.1.5).
//
// An Array Iterator is a CellKind::Iterator object:
//   internal[0]  the iterated object, or undefined once exhausted
//   internal[1]  the next index (Number)
//   internal[2]  the kind (Int: ArrayIterKind)
//   internal[5]  Int(NativeId::ArrayIteratorNext): tells array iterators
//                apart from the other builtin iterators sharing the kind
#include "builtins/array.h"
#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

namespace {
constexpr int32_t kArrayIteratorTag = int32_t(NativeId::ArrayIteratorNext);
}

// §23.1.5.1 CreateArrayIterator(array, kind)
Value createArrayIterator(VM& vm, Value array, ArrayIterKind kind) {
  Root a(vm.heap(), array);
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell),
                                      vm.intrinsic(Intrinsic::ArrayIteratorPrototype)));
  auto* c = vm.cell<InternalObjectCell>(it);
  c->internal[0] = a.get();
  c->internal[1] = Value::int32(0);
  c->internal[2] = Value::int32(int32_t(kind));
  c->internal[5] = Value::int32(kArrayIteratorTag);
  return it;
}

// §23.1.5.2.1 %ArrayIteratorPrototype%.next ( )
Value native_ArrayIteratorNext(VM& vm, CallInfo& info) {
  Value t = info.thisValue;
  if (!t.isObject() || kindOf(vm, t) != CellKind::Iterator ||
      vm.cell<InternalObjectCell>(t)->internal[5] != Value::int32(kArrayIteratorTag))
    return vm.throwTypeError("Method Array Iterator.prototype.next called on incompatible receiver " +
                             describe(vm, t));
  auto* c = vm.cell<InternalObjectCell>(t);
  Root a(vm.heap(), c->internal[0]);
  if (a.get().isUndefined()) return createIterResult(vm, Value::undefined(), true);
  double index = c->internal[1].toDouble();
  auto kind = ArrayIterKind(c->internal[2].asInt());
  double len;
  if (kindOf(vm, a.get()) == CellKind::Array) {
    len = vm.cell<ArrayCell>(a.get())->length;
  } else if (kindOf(vm, a.get()) == CellKind::TypedArray) {
    if (isTypedArrayOutOfBounds(vm, a.get()))
      return vm.throwTypeError("Cannot perform Array Iterator.prototype.next on a detached ArrayBuffer");
    len = typedArrayLength(vm, a.get());
  } else {
    len = KILN_TRY(lengthOfArrayLike(vm, a.get())).toDouble();
  }
  c = vm.cell<InternalObjectCell>(info.thisValue);
  if (index >= len) {
    c->internal[0] = Value::undefined();
    return createIterResult(vm, Value::undefined(), true);
  }
  c->internal[1] = Value::number(index + 1);
  if (kind == ArrayIterKind::Keys) return createIterResult(vm, Value::number(index), false);
  Value element;
  if (isFastArray(vm, a.get())) {
    ValueArrayCell* e = vm.cell<ObjectCell>(a.get())->elements
                            ? vm.cell<ValueArrayCell>(vm.cell<ObjectCell>(a.get())->elements)
                            : nullptr;
    element = e && index < e->length ? e->data()[uint32_t(index)] : Value::undefined();
    if (element.isHole()) element = Value::undefined();
  } else {
    Value key = KILN_TRY(keyForIndex(vm, index));
    element = KILN_TRY(get(vm, a.get(), key));
  }
  if (kind == ArrayIterKind::Values) return createIterResult(vm, element, false);
  Value pair[2] = {Value::number(index), element};
  Root er(vm.heap(), element);
  Value entry = KILN_TRY(newArrayFrom(vm, pair));
  return createIterResult(vm, entry, false);
}

void installArrayIterator(VM& vm) {
  Value protoV = newObject(vm, vm.intrinsic(Intrinsic::IteratorPrototype));
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::ArrayIteratorPrototype, protoV);
  Value next = defineMethod(vm, proto.get(), "next", NativeId::ArrayIteratorNext);
  if (next.isException()) return;
  vm.setIntrinsic(Intrinsic::ArrayIteratorNext, next);
  Value tag = newString(vm, std::string_view("Array Iterator"));
  if (tag.isException()) return;
  defineValue(vm, proto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
