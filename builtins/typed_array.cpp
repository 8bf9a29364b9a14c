// %TypedArray%, its prototype and the eleven concrete constructors
// (ECMA-262 §23.2). Cell layout in builtins/array_buffer.h; the
// integer-indexed exotic behaviour is in engine/typed_array_ops.cpp.
//
// Element reads and writes go through typedArrayGetElement/SetElement, which
// re-check detachment and bounds on every access: callbacks and conversions
// may detach or shrink the buffer at any point.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "builtins/array.h"
#include "builtins/array_buffer.h"
#include "builtins/array_sort.h"
#include "builtins/builtins.h"
#include "builtins/iterator.h"
#include "builtins/string_util.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

bool isTypedArray(VM& vm, Value v) { return v.isObject() && kindOf(vm, v) == CellKind::TypedArray; }

Intrinsic prototypeIntrinsic(TypedArrayType t) {
  return Intrinsic(uint32_t(Intrinsic::Int8ArrayPrototype) + uint32_t(t));
}

// The concrete constructors live in a ValueArray in %TypedArray%'s data0 slot
// (indexed by TypedArrayType), so no extra intrinsics are needed.
Value concreteConstructor(VM& vm, TypedArrayType t) {
  Value ta = vm.intrinsic(Intrinsic::TypedArray);
  Value list = vm.cell<NativeFunctionCell>(ta)->data0;
  return vm.cell<ValueArrayCell>(list)->data()[uint32_t(t)];
}

Value throwNotTypedArray(VM& vm) { return vm.throwTypeError("this is not a typed array."); }

Value throwDetached(VM& vm, const char* method) {
  return vm.throwTypeError(std::string("Cannot perform ") + method + " on a detached ArrayBuffer");
}

// §23.2.4.4 ValidateTypedArray(O, order): returns the length.
Value validateTypedArray(VM& vm, Value o, const char* method) {
  if (!isTypedArray(vm, o)) return throwNotTypedArray(vm);
  if (isTypedArrayOutOfBounds(vm, o)) return throwDetached(vm, method);
  return Value::number(typedArrayLength(vm, o));
}

// ToNumber or ToBigInt according to the element type.
Value toElementValue(VM& vm, TypedArrayType t, Value v) {
  return isBigIntType(t) ? toBigInt(vm, v) : toNumber(vm, v);
}

Value relativeIndex(VM& vm, Value arg, double len, double dflt) {
  if (arg.isUndefined()) return Value::number(dflt);
  double r = KILN_TRY(toIntegerOrInfinity(vm, arg)).toDouble();
  return Value::number(r < 0 ? std::max(len + r, 0.0) : std::min(r, len));
}

// Set(O, index, v, true) on a typed array: [[Set]] with O as receiver.
Status setElement(VM& vm, Value o, double index, Value v) {
  if (isTypedArray(vm, o)) return typedArraySetElement(vm, o, index, v);
  Root obj(vm.heap(), o), val(vm.heap(), v);
  Value key = keyForIndex(vm, index);
  if (key.isException()) return Status::Exception;
  return setOrThrow(vm, obj.get(), key, val.get());
}

// ---- creation --------------------------------------------------------------------------

// §23.2.5.1.1 AllocateTypedArray(constructorName, newTarget, defaultProto [ , length ])
Value allocateTypedArray(VM& vm, TypedArrayType type, Value newTarget, double length /* < 0: none */) {
  Root proto(vm.heap(), KILN_TRY(prototypeFromConstructor(vm, newTarget, prototypeIntrinsic(type))));
  Root obj(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::TypedArray, sizeof(InternalObjectCell), proto.get())));
  auto* c = vm.cell<InternalObjectCell>(obj.get());
  c->internal[1] = Value::int32(0);
  c->internal[2] = Value::int32(0);
  c->internal[3] = Value::int32(int32_t(type));
  c->internal[0] = Value::undefined();
  if (length >= 0) {
    double bytes = length * elementSize(type);
    Value buffer = KILN_TRY(allocateArrayBuffer(vm, vm.intrinsic(Intrinsic::ArrayBuffer), bytes));
    c = vm.cell<InternalObjectCell>(obj.get());
    c->internal[0] = buffer;
    c->internal[2] = Value::number(length);
  }
  return obj.get();
}

// AllocateTypedArrayBuffer(O, length) (§23.2.5.1.6) on an allocated typed array.
Status allocateBufferFor(VM& vm, Value o, double length) {
  Root obj(vm.heap(), o);
  TypedArrayType type = typedArrayType(vm, o);
  if (length * elementSize(type) > 2147483647.0) {
    vm.throwRangeError("Invalid typed array length: " + numberToString(length));
    return Status::Exception;
  }
  Value buffer = allocateArrayBuffer(vm, vm.intrinsic(Intrinsic::ArrayBuffer), length * elementSize(type));
  if (buffer.isException()) return Status::Exception;
  auto* c = vm.cell<InternalObjectCell>(obj.get());
  c->internal[0] = buffer;
  c->internal[1] = Value::int32(0);
  c->internal[2] = Value::number(length);
  return Status::True;
}

// §23.2.4.2 TypedArrayCreateFromConstructor(constructor, argumentList)
Value typedArrayCreateFromConstructor(VM& vm, Value ctor, std::span<const Value> args) {
  bool oneNumber = args.size() == 1 && args[0].isNumber();
  double wanted = oneNumber ? args[0].toDouble() : 0;
  Root fresh(vm.heap(), KILN_TRY(construct(vm, ctor, args)));
  if (!isTypedArray(vm, fresh.get())) return throwNotTypedArray(vm);
  if (isTypedArrayOutOfBounds(vm, fresh.get())) return throwDetached(vm, "TypedArray constructor");
  if (oneNumber && typedArrayLength(vm, fresh.get()) < wanted)
    return vm.throwTypeError("Derived TypedArray constructor created an array which was too small");
  return fresh.get();
}

// §23.2.4.1 TypedArraySpeciesCreate(exemplar, argumentList)
Value typedArraySpeciesCreate(VM& vm, Value exemplar, std::span<const Value> args) {
  Root ex(vm.heap(), exemplar);
  TypedArrayType type = typedArrayType(vm, exemplar);
  Value ctor = KILN_TRY(speciesConstructor(vm, exemplar, concreteConstructor(vm, type)));
  Value result = KILN_TRY(typedArrayCreateFromConstructor(vm, ctor, args));
  if (isBigIntType(typedArrayType(vm, result)) != isBigIntType(type))
    return vm.throwTypeError("Content type of the species-created typed array does not match");
  return result;
}

// §23.2.4.3 TypedArrayCreateSameType(exemplar, argumentList)
Value typedArrayCreateSameType(VM& vm, Value exemplar, double length) {
  Value args[1] = {Value::number(length)};
  return typedArrayCreateFromConstructor(vm, concreteConstructor(vm, typedArrayType(vm, exemplar)), args);
}

// §23.2.5.1.2 InitializeTypedArrayFromTypedArray(O, srcArray)
Status initFromTypedArray(VM& vm, Value o, Value src) {
  Root obj(vm.heap(), o), source(vm.heap(), src);
  if (isTypedArrayOutOfBounds(vm, src)) {
    throwDetached(vm, "TypedArray constructor");
    return Status::Exception;
  }
  TypedArrayType type = typedArrayType(vm, o), srcType = typedArrayType(vm, src);
  double len = typedArrayLength(vm, src);
  if (isBigIntType(type) != isBigIntType(srcType)) {
    vm.throwTypeError(std::string("Cannot mix BigInt and other types, use explicit conversions"));
    return Status::Exception;
  }
  if (allocateBufferFor(vm, obj.get(), len) == Status::Exception) return Status::Exception;
  if (type == srcType) {
    std::memcpy(arrayBufferData(vm, typedArrayBuffer(vm, obj.get())),
                arrayBufferData(vm, typedArrayBuffer(vm, source.get())) + size_t(typedArrayByteOffset(vm, source.get())),
                size_t(len * elementSize(type)));
    return Status::True;
  }
  for (double k = 0; k < len; k++) {
    Value v = typedArrayGetElement(vm, source.get(), k);
    if (v.isException()) return Status::Exception;
    if (typedArraySetElement(vm, obj.get(), k, v) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

// §23.2.5.1.3 InitializeTypedArrayFromArrayBuffer(O, buffer, byteOffset, length)
Status initFromArrayBuffer(VM& vm, Value o, Value buffer, Value byteOffset, Value length) {
  Root obj(vm.heap(), o), buf(vm.heap(), buffer), lenArg(vm.heap(), length);
  TypedArrayType type = typedArrayType(vm, o);
  double size = elementSize(type);
  Value offsetV = toIndex(vm, byteOffset);
  if (offsetV.isException()) return Status::Exception;
  double offset = offsetV.toDouble();
  if (std::fmod(offset, size) != 0) {
    vm.throwRangeError(std::string("start offset of ") + typedArrayName(type) + " should be a multiple of " +
                       std::to_string(int(size)));
    return Status::Exception;
  }
  bool fixed = !isResizableBuffer(vm, buf.get());
  double newLength = 0;
  if (!lenArg.get().isUndefined()) {
    Value n = toIndex(vm, lenArg.get());
    if (n.isException()) return Status::Exception;
    newLength = n.toDouble();
  }
  if (isDetachedBuffer(vm, buf.get())) {
    throwDetached(vm, "Construct");
    return Status::Exception;
  }
  double bufferByteLength = arrayBufferByteLength(vm, buf.get());
  auto* c = vm.cell<InternalObjectCell>(obj.get());
  if (lenArg.get().isUndefined() && !fixed) {
    if (offset > bufferByteLength) {
      vm.throwRangeError("Start offset " + numberToString(offset) + " is outside the bounds of the buffer");
      return Status::Exception;
    }
    c->internal[2] = Value::undefined();
  } else {
    double newByteLength;
    if (lenArg.get().isUndefined()) {
      if (std::fmod(bufferByteLength, size) != 0) {
        vm.throwRangeError(std::string("byte length of ") + typedArrayName(type) + " should be a multiple of " +
                           std::to_string(int(size)));
        return Status::Exception;
      }
      newByteLength = bufferByteLength - offset;
      if (newByteLength < 0) {
        vm.throwRangeError("Start offset " + numberToString(offset) + " is outside the bounds of the buffer");
        return Status::Exception;
      }
    } else {
      newByteLength = newLength * size;
      if (offset + newByteLength > bufferByteLength) {
        vm.throwRangeError("Invalid typed array length: " + numberToString(newLength));
        return Status::Exception;
      }
    }
    c->internal[2] = Value::number(newByteLength / size);
  }
  c->internal[0] = buf.get();
  c->internal[1] = Value::number(offset);
  return Status::True;
}

// §23.2.5.1.5 InitializeTypedArrayFromArrayLike(O, arrayLike) and
// §23.2.5.1.4 InitializeTypedArrayFromList(O, values) (values: a ValueArray cell).
Status initFromArrayLike(VM& vm, Value o, Value arrayLike) {
  Root obj(vm.heap(), o), src(vm.heap(), arrayLike);
  Value lenV = lengthOfArrayLike(vm, arrayLike);
  if (lenV.isException()) return Status::Exception;
  double len = lenV.toDouble();
  if (allocateBufferFor(vm, obj.get(), len) == Status::Exception) return Status::Exception;
  for (double k = 0; k < len; k++) {
    Value key = keyForIndex(vm, k);
    if (key.isException()) return Status::Exception;
    Value v = get(vm, src.get(), key);
    if (v.isException()) return Status::Exception;
    if (typedArraySetElement(vm, obj.get(), k, v) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

Status initFromList(VM& vm, Value o, Ref list) {
  Root obj(vm.heap(), o);
  RootRef l(vm.heap(), list);
  uint32_t len = vm.cell<ValueArrayCell>(list)->length;
  if (allocateBufferFor(vm, obj.get(), len) == Status::Exception) return Status::Exception;
  for (uint32_t k = 0; k < len; k++) {
    Value v = vm.cell<ValueArrayCell>(l.get())->data()[k];
    if (typedArraySetElement(vm, obj.get(), k, v) == Status::Exception) return Status::Exception;
  }
  return Status::True;
}

// IteratorToList(GetIteratorFromMethod(obj, method)) into a growable ValueArray.
Ref iterableToList(VM& vm, Value obj, Value method) {
  IteratorRecord record(vm.heap());
  if (getIteratorFromMethod(vm, obj, method, &record) == Status::Exception) return 0;
  RootRef list(vm.heap(), newValueArray(vm, 16, 0));
  if (!list.get()) return 0;
  while (true) {
    Value v = iteratorStepValue(vm, record);
    if (v.isException()) return 0;
    if (v.isEmpty()) return list.get();
    auto* l = vm.cell<ValueArrayCell>(list.get());
    if (l->length == l->capacity) {
      Root vr(vm.heap(), v);
      Ref grown = newValueArray(vm, l->capacity * 2, 0);
      if (!grown) return 0;
      l = vm.cell<ValueArrayCell>(list.get());
      std::copy(l->data(), l->data() + l->length, vm.cell<ValueArrayCell>(grown)->data());
      vm.cell<ValueArrayCell>(grown)->length = l->length;
      list.set(grown);
      l = vm.cell<ValueArrayCell>(grown);
      v = vr.get();
    }
    l->data()[l->length++] = v;
  }
}

// §23.2.5.1 TypedArray ( ...args ) for one concrete type.
Value constructTypedArray(VM& vm, CallInfo& info, TypedArrayType type) {
  if (!info.isConstructCall())
    return vm.throwTypeError(std::string("Constructor ") + typedArrayName(type) + " requires 'new'");
  if (info.argc == 0) return allocateTypedArray(vm, type, info.newTarget, 0);
  Value first = info.argv[0];
  if (!first.isObject()) {
    double len = KILN_TRY(toIndex(vm, first)).toDouble();
    if (len * elementSize(type) > 2147483647.0)
      return vm.throwRangeError("Invalid typed array length: " + numberToString(len));
    return allocateTypedArray(vm, type, info.newTarget, len);
  }
  Root o(vm.heap(), KILN_TRY(allocateTypedArray(vm, type, info.newTarget, -1)));
  Status s;
  CellKind k = kindOf(vm, info.argv[0]);
  if (k == CellKind::TypedArray) {
    s = initFromTypedArray(vm, o.get(), info.argv[0]);
  } else if (k == CellKind::ArrayBuffer) {
    s = initFromArrayBuffer(vm, o.get(), info.argv[0], info.arg(1), info.arg(2));
  } else {
    Value method = KILN_TRY(getMethod(vm, info.argv[0], vm.wellKnown(WellKnown::iterator)));
    if (!method.isUndefined()) {
      Root m(vm.heap(), method);
      Ref list = iterableToList(vm, info.argv[0], m.get());
      if (!list) return Value::exception();
      s = initFromList(vm, o.get(), list);
    } else {
      s = initFromArrayLike(vm, o.get(), info.argv[0]);
    }
  }
  if (s == Status::Exception) return Value::exception();
  return o.get();
}

}  // namespace

// ---- constructors -----------------------------------------------------------------------

// §23.2.1.1 %TypedArray% ( )
Value native_TypedArrayCtor(VM& vm, CallInfo&) {
  return vm.throwTypeError("Abstract class TypedArray not directly constructable");
}

#define KILN_TA_CTOR(name, ctype, text) \
  Value native_##name##ArrayCtor(VM& vm, CallInfo& info) { return constructTypedArray(vm, info, TypedArrayType::name); }
KILN_TYPED_ARRAYS(KILN_TA_CTOR)
#undef KILN_TA_CTOR

// §23.2.2.1 %TypedArray%.from ( source [ , mapfn [ , thisArg ] ] )
Value native_TypedArray_from(VM& vm, CallInfo& info) {
  Value c = info.thisValue;
  if (!isConstructor(vm, c)) return vm.throwTypeError(describe(vm, c) + " is not a constructor");
  Value mapfn = info.arg(1), thisArg = info.arg(2);
  bool mapping = !mapfn.isUndefined();
  if (mapping && !isCallable(vm, mapfn)) return vm.throwTypeError(describe(vm, mapfn) + " is not a function");
  Value method = KILN_TRY(getMethod(vm, info.arg(0), vm.wellKnown(WellKnown::iterator)));
  Root target(vm.heap());
  if (!method.isUndefined()) {
    Root m(vm.heap(), method);
    RootRef list(vm.heap(), iterableToList(vm, info.arg(0), m.get()));
    if (!list.get()) return Value::exception();
    uint32_t len = vm.cell<ValueArrayCell>(list.get())->length;
    Value args[1] = {Value::number(len)};
    target.set(KILN_TRY(typedArrayCreateFromConstructor(vm, c, args)));
    for (uint32_t k = 0; k < len; k++) {
      Value v = vm.cell<ValueArrayCell>(list.get())->data()[k];
      if (mapping) {
        Value margs[2] = {v, Value::number(k)};
        v = KILN_TRY(call(vm, mapfn, thisArg, margs));
      }
      if (setElement(vm, target.get(), k, v) == Status::Exception) return Value::exception();
    }
    return target.get();
  }
  Root arrayLike(vm.heap(), KILN_TRY(toObject(vm, info.arg(0))));
  double len = KILN_TRY(lengthOfArrayLike(vm, arrayLike.get())).toDouble();
  Value args[1] = {Value::number(len)};
  target.set(KILN_TRY(typedArrayCreateFromConstructor(vm, c, args)));
  for (double k = 0; k < len; k++) {
    Value key = KILN_TRY(keyForIndex(vm, k));
    Value v = KILN_TRY(get(vm, arrayLike.get(), key));
    if (mapping) {
      Value margs[2] = {v, Value::number(k)};
      v = KILN_TRY(call(vm, mapfn, thisArg, margs));
    }
    if (setElement(vm, target.get(), k, v) == Status::Exception) return Value::exception();
  }
  return target.get();
}

// §23.2.2.2 %TypedArray%.of ( ...items )
Value native_TypedArray_of(VM& vm, CallInfo& info) {
  Value c = info.thisValue;
  if (!isConstructor(vm, c)) return vm.throwTypeError(describe(vm, c) + " is not a constructor");
  Value args[1] = {Value::number(info.argc)};
  Root target(vm.heap(), KILN_TRY(typedArrayCreateFromConstructor(vm, c, args)));
  for (uint32_t k = 0; k < info.argc; k++)
    if (setElement(vm, target.get(), k, info.argv[k]) == Status::Exception) return Value::exception();
  return target.get();
}

// §23.2.2.4 get %TypedArray% [ @@species ]
Value native_TypedArray_species(VM&, CallInfo& info) { return info.thisValue; }

// ---- %TypedArray%.prototype ------------------------------------------------------------

// §23.2.3.1 %TypedArray%.prototype.at ( index )
Value native_TypedArrayProto_at(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.at")).toDouble();
  double rel = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double k = rel >= 0 ? rel : len + rel;
  if (k < 0 || k >= len) return Value::undefined();
  return typedArrayGetElement(vm, info.thisValue, k);
}

// §23.2.3.2 get %TypedArray%.prototype.buffer
Value native_TypedArrayProto_buffer(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return throwNotTypedArray(vm);
  return typedArrayBuffer(vm, info.thisValue);
}

// §23.2.3.3 get %TypedArray%.prototype.byteLength
Value native_TypedArrayProto_byteLength(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return throwNotTypedArray(vm);
  return Value::number(typedArrayByteLength(vm, info.thisValue));
}

// §23.2.3.4 get %TypedArray%.prototype.byteOffset
Value native_TypedArrayProto_byteOffset(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return throwNotTypedArray(vm);
  if (isTypedArrayOutOfBounds(vm, info.thisValue)) return Value::int32(0);
  return Value::number(typedArrayByteOffset(vm, info.thisValue));
}

// §23.2.3.21 get %TypedArray%.prototype.length
Value native_TypedArrayProto_length(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return throwNotTypedArray(vm);
  return Value::number(typedArrayLength(vm, info.thisValue));
}

// §23.2.3.6 %TypedArray%.prototype.copyWithin ( target, start [ , end ] )
Value native_TypedArrayProto_copyWithin(VM& vm, CallInfo& info) {
  const char* method = "%TypedArray%.prototype.copyWithin";
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, method)).toDouble();
  double to = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  double from = KILN_TRY(relativeIndex(vm, info.arg(1), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(2), len, len)).toDouble();
  double count = std::min(fin - from, len - to);
  if (count > 0) {
    Value o = info.thisValue;
    if (isTypedArrayOutOfBounds(vm, o)) return throwDetached(vm, method);
    len = typedArrayLength(vm, o);
    double size = elementSize(typedArrayType(vm, o));
    double byteOffset = typedArrayByteOffset(vm, o);
    double limit = len * size + byteOffset;
    double toByte = to * size + byteOffset, fromByte = from * size + byteOffset, countBytes = count * size;
    uint8_t* data = arrayBufferData(vm, typedArrayBuffer(vm, o));
    // Clamp to the (possibly shrunk) buffer, then move like memmove.
    countBytes = std::min({countBytes, limit - fromByte, limit - toByte});
    if (countBytes > 0) std::memmove(data + size_t(toByte), data + size_t(fromByte), size_t(countBytes));
  }
  return info.thisValue;
}

// §23.2.3.7 %TypedArray%.prototype.entries ( ) and friends.
Value native_TypedArrayProto_entries(VM& vm, CallInfo& info) {
  KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.entries"));
  return createArrayIterator(vm, info.thisValue, ArrayIterKind::Entries);
}
Value native_TypedArrayProto_keys(VM& vm, CallInfo& info) {
  KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.keys"));
  return createArrayIterator(vm, info.thisValue, ArrayIterKind::Keys);
}
Value native_TypedArrayProto_values(VM& vm, CallInfo& info) {
  KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.values"));
  return createArrayIterator(vm, info.thisValue, ArrayIterKind::Values);
}

namespace {

enum class IterOp { Every, Some, ForEach, Find, FindIndex, FindLast, FindLastIndex };

Value iterate(VM& vm, CallInfo& info, const char* method, IterOp op) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, method)).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
  bool backwards = op == IterOp::FindLast || op == IterOp::FindLastIndex;
  Root v(vm.heap());
  for (double i = 0; i < len; i++) {
    double k = backwards ? len - 1 - i : i;
    v.set(KILN_TRY(typedArrayGetElement(vm, info.thisValue, k)));
    Value args[3] = {v.get(), Value::number(k), info.thisValue};
    Value r = KILN_TRY(call(vm, fn, info.arg(1), args));
    bool b = toBoolean(vm, r);
    switch (op) {
      case IterOp::Every: if (!b) return Value::boolean(false); break;
      case IterOp::Some: if (b) return Value::boolean(true); break;
      case IterOp::ForEach: break;
      case IterOp::Find:
      case IterOp::FindLast: if (b) return v.get(); break;
      case IterOp::FindIndex:
      case IterOp::FindLastIndex: if (b) return Value::number(k); break;
    }
  }
  switch (op) {
    case IterOp::Every: return Value::boolean(true);
    case IterOp::Some: return Value::boolean(false);
    case IterOp::FindIndex:
    case IterOp::FindLastIndex: return Value::int32(-1);
    default: return Value::undefined();
  }
}

}  // namespace

Value native_TypedArrayProto_every(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.every", IterOp::Every);
}
Value native_TypedArrayProto_some(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.some", IterOp::Some);
}
Value native_TypedArrayProto_forEach(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.forEach", IterOp::ForEach);
}
Value native_TypedArrayProto_find(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.find", IterOp::Find);
}
Value native_TypedArrayProto_findIndex(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.findIndex", IterOp::FindIndex);
}
Value native_TypedArrayProto_findLast(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.findLast", IterOp::FindLast);
}
Value native_TypedArrayProto_findLastIndex(VM& vm, CallInfo& info) {
  return iterate(vm, info, "%TypedArray%.prototype.findLastIndex", IterOp::FindLastIndex);
}

// §23.2.3.9 %TypedArray%.prototype.fill ( value [ , start [ , end ] ] )
Value native_TypedArrayProto_fill(VM& vm, CallInfo& info) {
  const char* method = "%TypedArray%.prototype.fill";
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, method)).toDouble();
  Root value(vm.heap(), KILN_TRY(toElementValue(vm, typedArrayType(vm, info.thisValue), info.arg(0))));
  double k = KILN_TRY(relativeIndex(vm, info.arg(1), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(2), len, len)).toDouble();
  if (isTypedArrayOutOfBounds(vm, info.thisValue)) return throwDetached(vm, method);
  fin = std::min(fin, typedArrayLength(vm, info.thisValue));
  for (; k < fin; k++)
    if (typedArraySetElement(vm, info.thisValue, k, value.get()) == Status::Exception) return Value::exception();
  return info.thisValue;
}

// §23.2.3.10 %TypedArray%.prototype.filter ( callbackfn [ , thisArg ] )
Value native_TypedArrayProto_filter(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.filter")).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
  RootRef kept(vm.heap(), newValueArray(vm, uint32_t(std::min(len, 1048576.0)), 0));
  if (!kept.get()) return Value::exception();
  Root v(vm.heap());
  for (double k = 0; k < len; k++) {
    v.set(KILN_TRY(typedArrayGetElement(vm, info.thisValue, k)));
    Value args[3] = {v.get(), Value::number(k), info.thisValue};
    Value r = KILN_TRY(call(vm, fn, info.arg(1), args));
    if (!toBoolean(vm, r)) continue;
    auto* l = vm.cell<ValueArrayCell>(kept.get());
    if (l->length == l->capacity) {
      Ref grown = newValueArray(vm, l->capacity * 2 + 8, 0);
      if (!grown) return Value::exception();
      l = vm.cell<ValueArrayCell>(kept.get());
      std::copy(l->data(), l->data() + l->length, vm.cell<ValueArrayCell>(grown)->data());
      vm.cell<ValueArrayCell>(grown)->length = l->length;
      kept.set(grown);
      l = vm.cell<ValueArrayCell>(grown);
    }
    l->data()[l->length++] = v.get();
  }
  uint32_t captured = vm.cell<ValueArrayCell>(kept.get())->length;
  Value args[1] = {Value::number(captured)};
  Root a(vm.heap(), KILN_TRY(typedArraySpeciesCreate(vm, info.thisValue, args)));
  for (uint32_t n = 0; n < captured; n++)
    if (setElement(vm, a.get(), n, vm.cell<ValueArrayCell>(kept.get())->data()[n]) == Status::Exception)
      return Value::exception();
  return a.get();
}

// §23.2.3.16 %TypedArray%.prototype.includes ( searchElement [ , fromIndex ] )
Value native_TypedArrayProto_includes(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.includes")).toDouble();
  if (len == 0) return Value::boolean(false);
  double n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == INFINITY) return Value::boolean(false);
  if (n == -INFINITY) n = 0;
  double k = n >= 0 ? n : std::max(len + n, 0.0);
  for (; k < len; k++) {
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    if (sameValueZero(vm, v, info.arg(0))) return Value::boolean(true);
  }
  return Value::boolean(false);
}

// §23.2.3.17 %TypedArray%.prototype.indexOf ( searchElement [ , fromIndex ] )
Value native_TypedArrayProto_indexOf(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.indexOf")).toDouble();
  if (len == 0) return Value::int32(-1);
  double n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == INFINITY) return Value::int32(-1);
  if (n == -INFINITY) n = 0;
  double k = n >= 0 ? n : std::max(len + n, 0.0);
  for (; k < len; k++) {
    // HasProperty is false for indices that became invalid (detached or shrunk).
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    if (v.isUndefined()) continue;
    if (strictEquals(vm, v, info.arg(0))) return Value::number(k);
  }
  return Value::int32(-1);
}

// §23.2.3.20 %TypedArray%.prototype.lastIndexOf ( searchElement [ , fromIndex ] )
Value native_TypedArrayProto_lastIndexOf(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.lastIndexOf")).toDouble();
  if (len == 0) return Value::int32(-1);
  double n = len - 1;
  if (info.argc > 1) n = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (n == -INFINITY) return Value::int32(-1);
  double k = n >= 0 ? std::min(n, len - 1) : len + n;
  for (; k >= 0; k--) {
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    if (v.isUndefined()) continue;
    if (strictEquals(vm, v, info.arg(0))) return Value::number(k);
  }
  return Value::int32(-1);
}

// §23.2.3.18 %TypedArray%.prototype.join ( separator )
Value native_TypedArrayProto_join(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.join")).toDouble();
  Root sep(vm.heap());
  if (info.arg(0).isUndefined()) sep.set(KILN_TRY(newString(vm, std::string_view(","))));
  else sep.set(KILN_TRY(toString(vm, info.arg(0))));
  StringBuilder out;
  for (double k = 0; k < len; k++) {
    if (k > 0) out.append(str(vm, sep.get()));
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    if (v.isUndefined()) continue;
    if (v.isNumber()) {
      out.appendAscii(numberToString(v.toDouble()));
    } else {
      Value s = KILN_TRY(toString(vm, v));
      out.append(str(vm, s));
    }
  }
  return out.finish(vm);
}

// §23.2.3.22 %TypedArray%.prototype.map ( callbackfn [ , thisArg ] )
Value native_TypedArrayProto_map(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.map")).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
  Value args1[1] = {Value::number(len)};
  Root a(vm.heap(), KILN_TRY(typedArraySpeciesCreate(vm, info.thisValue, args1)));
  for (double k = 0; k < len; k++) {
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    Value args[3] = {v, Value::number(k), info.thisValue};
    Value r = KILN_TRY(call(vm, fn, info.arg(1), args));
    if (setElement(vm, a.get(), k, r) == Status::Exception) return Value::exception();
  }
  return a.get();
}

namespace {

Value reduce(VM& vm, CallInfo& info, const char* method, bool right) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, method)).toDouble();
  Value fn = info.arg(0);
  if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
  if (len == 0 && info.argc < 2) return vm.throwTypeError("Reduce of empty array with no initial value");
  double k = 0;
  auto index = [&](double i) { return right ? len - 1 - i : i; };
  Root acc(vm.heap());
  if (info.argc >= 2) {
    acc.set(info.argv[1]);
  } else {
    acc.set(KILN_TRY(typedArrayGetElement(vm, info.thisValue, index(0))));
    k = 1;
  }
  for (; k < len; k++) {
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, index(k)));
    Value args[4] = {acc.get(), v, Value::number(index(k)), info.thisValue};
    acc.set(KILN_TRY(call(vm, fn, Value::undefined(), args)));
  }
  return acc.get();
}

}  // namespace

Value native_TypedArrayProto_reduce(VM& vm, CallInfo& info) {
  return reduce(vm, info, "%TypedArray%.prototype.reduce", false);
}
Value native_TypedArrayProto_reduceRight(VM& vm, CallInfo& info) {
  return reduce(vm, info, "%TypedArray%.prototype.reduceRight", true);
}

// §23.2.3.25 %TypedArray%.prototype.reverse ( )
Value native_TypedArrayProto_reverse(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.reverse")).toDouble();
  Value o = info.thisValue;
  uint32_t size = elementSize(typedArrayType(vm, o));
  uint8_t* base = arrayBufferData(vm, typedArrayBuffer(vm, o)) + size_t(typedArrayByteOffset(vm, o));
  for (size_t lo = 0, hi = size_t(len); lo + 1 < hi; lo++, hi--)
    std::swap_ranges(base + lo * size, base + (lo + 1) * size, base + (hi - 1) * size);
  return o;
}

namespace {

// §23.2.3.26.1 SetTypedArrayFromTypedArray(target, targetOffset, source)
Value setFromTypedArray(VM& vm, Value target, double targetOffset, Value source) {
  const char* method = "%TypedArray%.prototype.set";
  if (isTypedArrayOutOfBounds(vm, target)) return throwDetached(vm, method);
  double targetLength = typedArrayLength(vm, target);
  if (isTypedArrayOutOfBounds(vm, source)) return throwDetached(vm, method);
  double srcLength = typedArrayLength(vm, source);
  TypedArrayType targetType = typedArrayType(vm, target), srcType = typedArrayType(vm, source);
  if (isBigIntType(targetType) != isBigIntType(srcType))
    return vm.throwTypeError("Cannot mix BigInt and other types, use explicit conversions");
  if (targetOffset == INFINITY || srcLength + targetOffset > targetLength)
    return vm.throwRangeError("offset is out of bounds");
  uint8_t* targetData = arrayBufferData(vm, typedArrayBuffer(vm, target)) + size_t(typedArrayByteOffset(vm, target));
  const uint8_t* srcData = arrayBufferData(vm, typedArrayBuffer(vm, source)) + size_t(typedArrayByteOffset(vm, source));
  uint32_t targetSize = elementSize(targetType), srcSize = elementSize(srcType);
  if (srcType == targetType) {
    std::memmove(targetData + size_t(targetOffset) * targetSize, srcData, size_t(srcLength) * srcSize);
    return Value::undefined();
  }
  // Different types: copy the source bytes first (the buffers may overlap), then convert.
  std::vector<uint8_t> copy(srcData, srcData + size_t(srcLength) * srcSize);
  for (size_t k = 0; k < size_t(srcLength); k++) {
    Value v = KILN_TRY(rawBytesToNumeric(vm, srcType, copy.data() + k * srcSize, true));
    // BigInt values are fresh cells: root across nothing (numericToRawBytes does not allocate).
    targetData = arrayBufferData(vm, typedArrayBuffer(vm, target)) + size_t(typedArrayByteOffset(vm, target));
    numericToRawBytes(vm, targetType, v, targetData + (size_t(targetOffset) + k) * targetSize, true);
  }
  return Value::undefined();
}

// §23.2.3.26.2 SetTypedArrayFromArrayLike(target, targetOffset, source)
Value setFromArrayLike(VM& vm, Value target, double targetOffset, Value source) {
  if (isTypedArrayOutOfBounds(vm, target)) return throwDetached(vm, "%TypedArray%.prototype.set");
  double targetLength = typedArrayLength(vm, target);
  Root t(vm.heap(), target);
  Root src(vm.heap(), KILN_TRY(toObject(vm, source)));
  double srcLength = KILN_TRY(lengthOfArrayLike(vm, src.get())).toDouble();
  if (targetOffset == INFINITY || srcLength + targetOffset > targetLength)
    return vm.throwRangeError("offset is out of bounds");
  for (double k = 0; k < srcLength; k++) {
    Value key = KILN_TRY(keyForIndex(vm, k));
    Value v = KILN_TRY(get(vm, src.get(), key));
    if (typedArraySetElement(vm, t.get(), targetOffset + k, v) == Status::Exception) return Value::exception();
  }
  return Value::undefined();
}

}  // namespace

// §23.2.3.26 %TypedArray%.prototype.set ( source [ , offset ] )
Value native_TypedArrayProto_set(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return throwNotTypedArray(vm);
  double targetOffset = KILN_TRY(toIntegerOrInfinity(vm, info.arg(1))).toDouble();
  if (targetOffset < 0) return vm.throwRangeError("offset is out of bounds");
  if (isTypedArray(vm, info.arg(0))) return setFromTypedArray(vm, info.thisValue, targetOffset, info.arg(0));
  return setFromArrayLike(vm, info.thisValue, targetOffset, info.arg(0));
}

// §23.2.3.27 %TypedArray%.prototype.slice ( start, end )
Value native_TypedArrayProto_slice(VM& vm, CallInfo& info) {
  const char* method = "%TypedArray%.prototype.slice";
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, method)).toDouble();
  double start = KILN_TRY(relativeIndex(vm, info.arg(0), len, 0)).toDouble();
  double fin = KILN_TRY(relativeIndex(vm, info.arg(1), len, len)).toDouble();
  double count = std::max(fin - start, 0.0);
  Value args[1] = {Value::number(count)};
  Root a(vm.heap(), KILN_TRY(typedArraySpeciesCreate(vm, info.thisValue, args)));
  if (count > 0) {
    Value o = info.thisValue;
    if (isTypedArrayOutOfBounds(vm, o)) return throwDetached(vm, method);
    fin = std::min(fin, typedArrayLength(vm, o));
    count = std::max(fin - start, 0.0);
    TypedArrayType srcType = typedArrayType(vm, o), targetType = typedArrayType(vm, a.get());
    if (srcType == targetType) {
      uint32_t size = elementSize(srcType);
      const uint8_t* src = arrayBufferData(vm, typedArrayBuffer(vm, o));
      uint8_t* dst = arrayBufferData(vm, typedArrayBuffer(vm, a.get()));
      size_t srcByte = size_t(start) * size + size_t(typedArrayByteOffset(vm, o));
      size_t dstByte = size_t(typedArrayByteOffset(vm, a.get()));
      size_t limit = std::min<size_t>(size_t(count) * size, size_t(typedArrayByteLength(vm, a.get())));
      // Byte by byte, ascending, as the spec does (the buffers may be the same).
      for (size_t i = 0; i < limit; i++) dst[dstByte + i] = src[srcByte + i];
    } else {
      for (double k = start, n = 0; k < fin; k++, n++) {
        Value v = KILN_TRY(typedArrayGetElement(vm, o, k));
        if (setElement(vm, a.get(), n, v) == Status::Exception) return Value::exception();
      }
    }
  }
  return a.get();
}

namespace {

// CompareTypedArrayElements (§23.2.4.7) without a comparator: numeric order,
// -0 before +0, NaN last.
bool numericLess(double x, double y) {
  if (std::isnan(x)) return false;
  if (std::isnan(y)) return true;
  if (x < y) return true;
  if (x > y) return false;
  return std::signbit(x) && !std::signbit(y);
}

// Reads the elements into a ValueArray and sorts it (§23.2.3.29 steps 4-7).
Value sortedElements(VM& vm, Value o, double len, Value comparefn) {
  Root obj(vm.heap(), o), cmp(vm.heap(), comparefn);
  RootRef list(vm.heap(), newValueArray(vm, uint32_t(len), uint32_t(len)));
  if (!list.get()) return Value::exception();
  for (uint32_t k = 0; k < uint32_t(len); k++) {
    Value v = KILN_TRY(typedArrayGetElement(vm, obj.get(), k));
    vm.cell<ValueArrayCell>(list.get())->data()[k] = v;
  }
  uint32_t n = uint32_t(len);
  if (!cmp.get().isUndefined()) {
    if (sortValues(vm, list.get(), n, cmp.get()) == Status::Exception) return Value::exception();
    return Value::cell(list.get());
  }
  Value* d = vm.cell<ValueArrayCell>(list.get())->data();
  if (isBigIntType(typedArrayType(vm, obj.get()))) {
    std::stable_sort(d, d + n, [&](Value x, Value y) {
      return bigint::compare(bigIntView(vm, x), bigIntView(vm, y)) < 0;
    });
  } else {
    std::stable_sort(d, d + n, [](Value x, Value y) { return numericLess(x.toDouble(), y.toDouble()); });
  }
  return Value::cell(list.get());
}

Value checkComparator(VM& vm, Value comparefn) {
  if (!comparefn.isUndefined() && !isCallable(vm, comparefn))
    return vm.throwTypeError("The comparison function must be either a function or undefined");
  return Value::undefined();
}

}  // namespace

// §23.2.3.29 %TypedArray%.prototype.sort ( comparefn )
Value native_TypedArrayProto_sort(VM& vm, CallInfo& info) {
  KILN_TRY(checkComparator(vm, info.arg(0)));
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.sort")).toDouble();
  Root list(vm.heap(), KILN_TRY(sortedElements(vm, info.thisValue, len, info.arg(0))));
  for (uint32_t j = 0; j < uint32_t(len); j++) {
    Value v = vm.cell<ValueArrayCell>(list.get())->data()[j];
    if (typedArraySetElement(vm, info.thisValue, j, v) == Status::Exception) return Value::exception();
  }
  return info.thisValue;
}

// §23.2.3.33 %TypedArray%.prototype.toSorted ( comparefn )
Value native_TypedArrayProto_toSorted(VM& vm, CallInfo& info) {
  KILN_TRY(checkComparator(vm, info.arg(0)));
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.toSorted")).toDouble();
  Root a(vm.heap(), KILN_TRY(typedArrayCreateSameType(vm, info.thisValue, len)));
  Root list(vm.heap(), KILN_TRY(sortedElements(vm, info.thisValue, len, info.arg(0))));
  for (uint32_t j = 0; j < uint32_t(len); j++) {
    Value v = vm.cell<ValueArrayCell>(list.get())->data()[j];
    if (typedArraySetElement(vm, a.get(), j, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.2.3.32 %TypedArray%.prototype.toReversed ( )
Value native_TypedArrayProto_toReversed(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.toReversed")).toDouble();
  Root a(vm.heap(), KILN_TRY(typedArrayCreateSameType(vm, info.thisValue, len)));
  for (double k = 0; k < len; k++) {
    Value v = KILN_TRY(typedArrayGetElement(vm, info.thisValue, len - k - 1));
    if (typedArraySetElement(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.2.3.36 %TypedArray%.prototype.with ( index, value )
Value native_TypedArrayProto_with(VM& vm, CallInfo& info) {
  double len = KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.with")).toDouble();
  double rel = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  double actual = rel >= 0 ? rel : len + rel;
  Root value(vm.heap(), KILN_TRY(toElementValue(vm, typedArrayType(vm, info.thisValue), info.arg(1))));
  bool valid = !isTypedArrayOutOfBounds(vm, info.thisValue) && actual >= 0 &&
               actual < typedArrayLength(vm, info.thisValue) && !(actual == 0 && std::signbit(actual));
  if (!valid) return vm.throwRangeError("Invalid typed array index");
  Root a(vm.heap(), KILN_TRY(typedArrayCreateSameType(vm, info.thisValue, len)));
  for (double k = 0; k < len; k++) {
    Value v = k == actual ? value.get() : KILN_TRY(typedArrayGetElement(vm, info.thisValue, k));
    if (typedArraySetElement(vm, a.get(), k, v) == Status::Exception) return Value::exception();
  }
  return a.get();
}

// §23.2.3.30 %TypedArray%.prototype.subarray ( start, end )
Value native_TypedArrayProto_subarray(VM& vm, CallInfo& info) {
  Value o = info.thisValue;
  if (!isTypedArray(vm, o)) return throwNotTypedArray(vm);
  Root buffer(vm.heap(), typedArrayBuffer(vm, o));
  double srcLength = isTypedArrayOutOfBounds(vm, o) ? 0 : typedArrayLength(vm, o);
  double start = KILN_TRY(relativeIndex(vm, info.arg(0), srcLength, 0)).toDouble();
  o = info.thisValue;
  TypedArrayType type = typedArrayType(vm, o);
  double beginByteOffset = typedArrayByteOffset(vm, o) + start * elementSize(type);
  bool tracking = vm.cell<InternalObjectCell>(o)->internal[2].isUndefined();
  if (tracking && info.arg(1).isUndefined()) {
    Value args[2] = {buffer.get(), Value::number(beginByteOffset)};
    return typedArraySpeciesCreate(vm, info.thisValue, args);
  }
  double fin = KILN_TRY(relativeIndex(vm, info.arg(1), srcLength, srcLength)).toDouble();
  double newLength = std::max(fin - start, 0.0);
  Value args[3] = {buffer.get(), Value::number(beginByteOffset), Value::number(newLength)};
  return typedArraySpeciesCreate(vm, info.thisValue, args);
}

// §23.2.3.31 %TypedArray%.prototype.toLocaleString ( [ reserved1 [ , reserved2 ] ] )
Value native_TypedArrayProto_toLocaleString(VM& vm, CallInfo& info) {
  double len =
      KILN_TRY(validateTypedArray(vm, info.thisValue, "%TypedArray%.prototype.toLocaleString")).toDouble();
  StringBuilder out;
  Root key(vm.heap(), KILN_TRY(atomFromUtf8(vm, "toLocaleString")));
  for (double k = 0; k < len; k++) {
    if (k > 0) out.append(u',');
    Root element(vm.heap(), KILN_TRY(typedArrayGetElement(vm, info.thisValue, k)));
    if (element.get().isNullish()) continue;
    Value fn = KILN_TRY(getV(vm, element.get(), key.get()));
    if (!isCallable(vm, fn)) return vm.throwTypeError(describe(vm, fn) + " is not a function");
    Value r = KILN_TRY(call(vm, fn, element.get()));
    Value s = KILN_TRY(toString(vm, r));
    out.append(str(vm, s));
  }
  return out.finish(vm);
}

// §23.2.3.38 get %TypedArray%.prototype [ @@toStringTag ]
Value native_TypedArrayProto_toStringTag(VM& vm, CallInfo& info) {
  if (!isTypedArray(vm, info.thisValue)) return Value::undefined();
  return atomFromUtf8(vm, typedArrayName(typedArrayType(vm, info.thisValue)));
}

// ---- installation --------------------------------------------------------------------------

void installTypedArray(VM& vm, Value global) {
  installArrayBuffer(vm, global);
  if (vm.hasException()) return;
  installDataView(vm, global);
  if (vm.hasException()) return;

  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::TypedArrayPrototype, proto.get());
  // %TypedArray% is not a global: create it without binding it.
  Value ctorV = defineConstructor(vm, Value::undefined(), "TypedArray", NativeId::TypedArrayCtor, 0, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::TypedArray, ctor.get());
  defineMethod(vm, ctor, "from", NativeId::TypedArray_from);
  defineMethod(vm, ctor, "of", NativeId::TypedArray_of);
  defineGetter(vm, ctor, WellKnown::species, NativeId::TypedArray_species);

  defineGetter(vm, proto, "buffer", NativeId::TypedArrayProto_buffer);
  defineGetter(vm, proto, "byteLength", NativeId::TypedArrayProto_byteLength);
  defineGetter(vm, proto, "byteOffset", NativeId::TypedArrayProto_byteOffset);
  defineGetter(vm, proto, "length", NativeId::TypedArrayProto_length);
  defineGetter(vm, proto, WellKnown::toStringTag, NativeId::TypedArrayProto_toStringTag);
  struct Method { const char* name; NativeId id; };
  static constexpr Method kMethods[] = {
      {"at", NativeId::TypedArrayProto_at},
      {"copyWithin", NativeId::TypedArrayProto_copyWithin},
      {"entries", NativeId::TypedArrayProto_entries},
      {"every", NativeId::TypedArrayProto_every},
      {"fill", NativeId::TypedArrayProto_fill},
      {"filter", NativeId::TypedArrayProto_filter},
      {"find", NativeId::TypedArrayProto_find},
      {"findIndex", NativeId::TypedArrayProto_findIndex},
      {"findLast", NativeId::TypedArrayProto_findLast},
      {"findLastIndex", NativeId::TypedArrayProto_findLastIndex},
      {"forEach", NativeId::TypedArrayProto_forEach},
      {"includes", NativeId::TypedArrayProto_includes},
      {"indexOf", NativeId::TypedArrayProto_indexOf},
      {"join", NativeId::TypedArrayProto_join},
      {"keys", NativeId::TypedArrayProto_keys},
      {"lastIndexOf", NativeId::TypedArrayProto_lastIndexOf},
      {"map", NativeId::TypedArrayProto_map},
      {"reduce", NativeId::TypedArrayProto_reduce},
      {"reduceRight", NativeId::TypedArrayProto_reduceRight},
      {"reverse", NativeId::TypedArrayProto_reverse},
      {"set", NativeId::TypedArrayProto_set},
      {"slice", NativeId::TypedArrayProto_slice},
      {"some", NativeId::TypedArrayProto_some},
      {"sort", NativeId::TypedArrayProto_sort},
      {"subarray", NativeId::TypedArrayProto_subarray},
      {"toLocaleString", NativeId::TypedArrayProto_toLocaleString},
      {"toReversed", NativeId::TypedArrayProto_toReversed},
      {"toSorted", NativeId::TypedArrayProto_toSorted},
      {"with", NativeId::TypedArrayProto_with},
  };
  for (const Method& m : kMethods)
    if (defineMethod(vm, proto, m.name, m.id).isException()) return;
  Value values = defineMethod(vm, proto, "values", NativeId::TypedArrayProto_values);
  if (values.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::iterator), values, kMethodAttrs);
  // toString is the same function object as Array.prototype.toString (§23.2.3.35).
  Value arrayToString = get(vm, vm.intrinsic(Intrinsic::ArrayPrototype), vm.atom(Atom::toString));
  if (arrayToString.isException()) return;
  defineValue(vm, proto, vm.atom(Atom::toString), arrayToString, kMethodAttrs);

  // The concrete constructors (§23.2.6, §23.2.7).
  constexpr uint32_t n = uint32_t(TypedArrayType::Count);
  RootRef ctors(vm.heap(), newValueArray(vm, n, n));
  if (!ctors.get()) return;
  vm.cell<NativeFunctionCell>(ctor.get())->data0 = Value::cell(ctors.get());
  static constexpr NativeId kCtorIds[] = {
#define KILN_TA_ID(name, ctype, text) NativeId::name##ArrayCtor,
      KILN_TYPED_ARRAYS(KILN_TA_ID)
#undef KILN_TA_ID
  };
  Root concreteProto(vm.heap()), concrete(vm.heap());
  for (uint32_t i = 0; i < n; i++) {
    auto type = TypedArrayType(i);
    concreteProto.set(newObject(vm, proto.get()));
    if (concreteProto.get().isException()) return;
    vm.setIntrinsic(prototypeIntrinsic(type), concreteProto.get());
    concrete.set(defineConstructor(vm, global, typedArrayName(type), kCtorIds[i], 3, concreteProto.get()));
    if (concrete.get().isException()) return;
    // [[Prototype]] of each constructor is %TypedArray% (§23.2.7).
    vm.cell<ObjectCell>(concrete.get())->proto = ctor.get().ref();
    vm.cell<ValueArrayCell>(ctors.get())->data()[i] = concrete.get();
    Value bytes = Value::int32(int32_t(elementSize(type)));
    defineProperty(vm, concrete.get(), "BYTES_PER_ELEMENT", bytes, 0);
    defineProperty(vm, concreteProto.get(), "BYTES_PER_ELEMENT", bytes, 0);
  }
}

}  // namespace kiln
