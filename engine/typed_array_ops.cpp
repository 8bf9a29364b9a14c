// Integer-indexed exotic objects (ECMA-262 §10.4.5) and the buffer
// primitives they rest on (§25.1.3 GetValueFromBuffer / SetValueInBuffer).
//
// Cell layouts are documented in builtins/array_buffer.h, which declares the
// non-static functions of this file for the builtins.
//
// Every property key that is a CanonicalNumericIndexString (an array index
// Number, or an atom such as "-0", "1.5", "-1", "Infinity", "NaN") is an
// element access: it never reaches ordinary storage, valid or not.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>

#include "builtins/array_buffer.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/number_conv.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

namespace {

InternalObjectCell* icell(VM& vm, Value v) { return vm.cell<InternalObjectCell>(v); }

// CanonicalNumericIndexString(key) (§7.1.21) without allocating: true with the
// numeric index when `key` is a Number key or a canonical numeric string.
bool numericIndexOf(VM& vm, Value key, double* out) {
  if (key.isNumber()) {
    *out = key.toDouble();
    return true;
  }
  if (!key.isString()) return false;
  const StringCell* s = str(vm, key);
  if (s->length == 0 || s->length > 64 || s->twoByte()) return false;
  char16_t c0 = s->at(0);
  if (!((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == 'I' || c0 == 'N')) return false;
  std::string_view text(reinterpret_cast<const char*>(s->latin1()), s->length);
  if (text == "-0") {
    *out = -0.0;
    return true;
  }
  double n = stringToNumber(text);
  if (numberToString(n) != text) return false;
  *out = n;
  return true;
}

template <class T>
T loadAs(const uint8_t* p, bool littleEndian) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (!littleEndian) std::reverse(bytes, bytes + sizeof(T));
  T v;
  std::memcpy(&v, bytes, sizeof(T));
  return v;
}

template <class T>
void storeAs(uint8_t* p, T v, bool littleEndian) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  if (!littleEndian) std::reverse(bytes, bytes + sizeof(T));
  std::memcpy(p, bytes, sizeof(T));
}

static_assert(std::endian::native == std::endian::little, "kiln assumes a little-endian host");

}  // namespace

// ---- element types -------------------------------------------------------------------

uint32_t elementSize(TypedArrayType t) {
  switch (t) {
#define KILN_TA_SIZE(name, ctype, text) \
  case TypedArrayType::name: return sizeof(ctype);
    KILN_TYPED_ARRAYS(KILN_TA_SIZE)
#undef KILN_TA_SIZE
    default: return 1;
  }
}

const char* typedArrayName(TypedArrayType t) {
  switch (t) {
#define KILN_TA_NAME(name, ctype, text) \
  case TypedArrayType::name: return text;
    KILN_TYPED_ARRAYS(KILN_TA_NAME)
#undef KILN_TA_NAME
    default: return "TypedArray";
  }
}

// ---- ArrayBuffer -----------------------------------------------------------------------

bool isDetachedBuffer(VM& vm, Value buffer) { return icell(vm, buffer)->internal[0].isNull(); }

double arrayBufferByteLength(VM& vm, Value buffer) {
  auto* b = icell(vm, buffer);
  return b->internal[0].isNull() ? 0 : b->internal[1].toDouble();
}

uint8_t* arrayBufferData(VM& vm, Value buffer) {
  Value data = icell(vm, buffer)->internal[0];
  if (!data.isCell()) return nullptr;
  return vm.cell<ByteArrayCell>(data)->data();
}

bool isResizableBuffer(VM& vm, Value buffer) { return !icell(vm, buffer)->internal[2].isUndefined(); }

// §25.1.3.5 DetachArrayBuffer(arrayBuffer [ , key ])
Status detachArrayBuffer(VM& vm, Value buffer) {
  if (!buffer.isObject() || kindOf(vm, buffer) != CellKind::ArrayBuffer) {
    vm.throwTypeError("detachArrayBuffer: not an ArrayBuffer");
    return Status::Exception;
  }
  auto* b = icell(vm, buffer);
  b->internal[0] = Value::null();
  b->internal[1] = Value::int32(0);
  return Status::True;
}

// ---- TypedArray ---------------------------------------------------------------------------

TypedArrayType typedArrayType(VM& vm, Value ta) { return TypedArrayType(icell(vm, ta)->internal[3].asInt()); }
Value typedArrayBuffer(VM& vm, Value ta) { return icell(vm, ta)->internal[0]; }
double typedArrayByteOffset(VM& vm, Value ta) { return icell(vm, ta)->internal[1].toDouble(); }

// §10.4.5.12 IsTypedArrayOutOfBounds(taRecord)
bool isTypedArrayOutOfBounds(VM& vm, Value ta) {
  auto* c = icell(vm, ta);
  Value buffer = c->internal[0];
  if (isDetachedBuffer(vm, buffer)) return true;
  double bufferByteLength = arrayBufferByteLength(vm, buffer);
  double start = c->internal[1].toDouble();
  double end = c->internal[2].isUndefined()
                   ? bufferByteLength
                   : start + c->internal[2].toDouble() * elementSize(TypedArrayType(c->internal[3].asInt()));
  return start > bufferByteLength || end > bufferByteLength;
}

// §10.4.5.13 TypedArrayLength(taRecord)
double typedArrayLength(VM& vm, Value ta) {
  if (isTypedArrayOutOfBounds(vm, ta)) return 0;
  auto* c = icell(vm, ta);
  if (!c->internal[2].isUndefined()) return c->internal[2].toDouble();
  double byteLength = arrayBufferByteLength(vm, c->internal[0]);
  double offset = c->internal[1].toDouble();
  return std::floor((byteLength - offset) / elementSize(TypedArrayType(c->internal[3].asInt())));
}

// §10.4.5.14 TypedArrayByteLength(taRecord)
double typedArrayByteLength(VM& vm, Value ta) {
  return typedArrayLength(vm, ta) * elementSize(typedArrayType(vm, ta));
}

namespace {

// §10.4.5.18 IsValidIntegerIndex(O, index)
bool isValidIntegerIndex(VM& vm, Value ta, double index) {
  if (isDetachedBuffer(vm, typedArrayBuffer(vm, ta))) return false;
  if (index != std::trunc(index) || std::isinf(index)) return false;
  if (index == 0 && std::signbit(index)) return false;
  if (isTypedArrayOutOfBounds(vm, ta)) return false;
  return index >= 0 && index < typedArrayLength(vm, ta);
}

uint8_t* elementAddress(VM& vm, Value ta, double index) {
  auto* c = icell(vm, ta);
  uint32_t size = elementSize(TypedArrayType(c->internal[3].asInt()));
  return arrayBufferData(vm, c->internal[0]) + size_t(c->internal[1].toDouble()) + size_t(index) * size;
}

}  // namespace

Value rawBytesToNumeric(VM& vm, TypedArrayType t, const uint8_t* p, bool le) {
  switch (t) {
    case TypedArrayType::Int8: return Value::int32(int8_t(p[0]));
    case TypedArrayType::Uint8:
    case TypedArrayType::Uint8Clamped: return Value::int32(p[0]);
    case TypedArrayType::Int16: return Value::int32(loadAs<int16_t>(p, le));
    case TypedArrayType::Uint16: return Value::int32(loadAs<uint16_t>(p, le));
    case TypedArrayType::Int32: return Value::int32(loadAs<int32_t>(p, le));
    case TypedArrayType::Uint32: return Value::number(double(loadAs<uint32_t>(p, le)));
    case TypedArrayType::Float32: return Value::number(double(loadAs<float>(p, le)));
    case TypedArrayType::Float64: return Value::number(loadAs<double>(p, le));
    case TypedArrayType::BigInt64: return newBigInt(vm, bigint::fromInt64(loadAs<int64_t>(p, le)));
    case TypedArrayType::BigUint64: return newBigInt(vm, bigint::fromUint64(loadAs<uint64_t>(p, le)));
    default: return Value::undefined();
  }
}

void numericToRawBytes(VM& vm, TypedArrayType t, Value numeric, uint8_t* p, bool le) {
  if (isBigIntType(t)) {
    if (t == TypedArrayType::BigInt64) storeAs<int64_t>(p, bigint::toInt64(bigIntView(vm, numeric)), le);
    else storeAs<uint64_t>(p, bigint::toUint64(bigIntView(vm, numeric)), le);
    return;
  }
  double d = numeric.toDouble();
  switch (t) {
    case TypedArrayType::Int8: p[0] = uint8_t(toInt8(d)); break;
    case TypedArrayType::Uint8: p[0] = toUint8(d); break;
    case TypedArrayType::Uint8Clamped: p[0] = toUint8Clamp(d); break;
    case TypedArrayType::Int16: storeAs<int16_t>(p, toInt16(d), le); break;
    case TypedArrayType::Uint16: storeAs<uint16_t>(p, toUint16(d), le); break;
    case TypedArrayType::Int32: storeAs<int32_t>(p, toInt32(d), le); break;
    case TypedArrayType::Uint32: storeAs<uint32_t>(p, toUint32(d), le); break;
    case TypedArrayType::Float32: storeAs<float>(p, float(d), le); break;
    case TypedArrayType::Float64: storeAs<double>(p, d, le); break;
    default: break;
  }
}

// §10.4.5.15 TypedArrayGetElement(O, index)
Value typedArrayGetElement(VM& vm, Value ta, double index) {
  if (!isValidIntegerIndex(vm, ta, index)) return Value::undefined();
  return rawBytesToNumeric(vm, typedArrayType(vm, ta), elementAddress(vm, ta, index), true);
}

// §10.4.5.16 TypedArraySetElement(O, index, value)
Status typedArraySetElement(VM& vm, Value ta, double index, Value v) {
  Root o(vm.heap(), ta);
  Value num = isBigIntType(typedArrayType(vm, ta)) ? toBigInt(vm, v) : toNumber(vm, v);
  if (num.isException()) return Status::Exception;
  if (isValidIntegerIndex(vm, o.get(), index))
    numericToRawBytes(vm, typedArrayType(vm, o.get()), num, elementAddress(vm, o.get(), index), true);
  return Status::True;
}

// ---- the exotic internal methods (§10.4.5.1 - §10.4.5.7) -----------------------------------

namespace {

// §10.4.5.1 [[GetOwnProperty]] (P)
Status taGetOwnProperty(VM& vm, Value o, Value key, PropertyDescriptor* out) {
  double index;
  if (numericIndexOf(vm, key, &index)) {
    Value v = typedArrayGetElement(vm, o, index);
    if (v.isException()) return Status::Exception;
    if (v.isUndefined()) return Status::False;
    *out = PropertyDescriptor::data(v, kDefaultAttrs);
    return Status::True;
  }
  return ordinaryGetOwnProperty(vm, o, key, out);
}

// §10.4.5.2 [[HasProperty]] (P)
Status taHasProperty(VM& vm, Value o, Value key) {
  double index;
  if (numericIndexOf(vm, key, &index)) return toStatus(isValidIntegerIndex(vm, o, index));
  PropertyDescriptor d;
  Status s = ordinaryGetOwnProperty(vm, o, key, &d);
  if (s != Status::False) return s;
  Ref proto = vm.cell<ObjectCell>(o)->proto;
  if (!proto) return Status::False;
  return hasProperty(vm, Value::object(proto), key);
}

// §10.4.5.3 [[DefineOwnProperty]] (P, Desc)
Status taDefineOwnProperty(VM& vm, Value o, Value key, const PropertyDescriptor& desc) {
  double index;
  if (numericIndexOf(vm, key, &index)) {
    if (!isValidIntegerIndex(vm, o, index)) return Status::False;
    if (desc.hasConfigurable && !desc.configurable) return Status::False;
    if (desc.hasEnumerable && !desc.enumerable) return Status::False;
    if (desc.isAccessor()) return Status::False;
    if (desc.hasWritable && !desc.writable) return Status::False;
    if (desc.hasValue) return typedArraySetElement(vm, o, index, desc.value);
    return Status::True;
  }
  return ordinaryDefineOwnProperty(vm, o, key, desc);
}

// §10.4.5.4 [[Get]] (P, Receiver)
Value taGet(VM& vm, Value o, Value key, Value receiver) {
  double index;
  if (numericIndexOf(vm, key, &index)) return typedArrayGetElement(vm, o, index);
  // OrdinaryGet over the typed array's own (ordinary) storage.
  Root r(vm.heap(), receiver), k(vm.heap(), key), obj(vm.heap(), o);
  PropertyDescriptor d;
  Status s = ordinaryGetOwnProperty(vm, o, key, &d);
  if (s == Status::Exception) return Value::exception();
  if (s == Status::True) {
    if (!d.isAccessor()) return d.value;
    if (d.getter.isUndefined()) return Value::undefined();
    return call(vm, d.getter, r.get());
  }
  Ref proto = vm.cell<ObjectCell>(obj.get())->proto;
  if (!proto) return Value::undefined();
  return get(vm, Value::object(proto), k.get(), r.get());
}

// §10.4.5.5 [[Set]] (P, V, Receiver)
Status taSet(VM& vm, Value o, Value key, Value v, Value receiver) {
  double index;
  if (numericIndexOf(vm, key, &index)) {
    if (o == receiver) return typedArraySetElement(vm, o, index, v);
    if (!isValidIntegerIndex(vm, o, index)) return Status::True;
  }
  return ordinarySet(vm, o, key, v, receiver);
}

// §10.4.5.6 [[Delete]] (P)
Status taDelete(VM& vm, Value o, Value key) {
  double index;
  if (numericIndexOf(vm, key, &index)) return toStatus(!isValidIntegerIndex(vm, o, index));
  return ordinaryDelete(vm, o, key);
}

// §10.4.5.7 [[OwnPropertyKeys]] ()
Ref taOwnPropertyKeys(VM& vm, Value o) {
  Root obj(vm.heap(), o);
  double len = isTypedArrayOutOfBounds(vm, o) ? 0 : typedArrayLength(vm, o);
  RootRef rest(vm.heap(), ordinaryOwnPropertyKeys(vm, o));
  if (!rest.get()) return 0;
  uint32_t n = vm.cell<ValueArrayCell>(rest.get())->length;
  if (len + n > 0xFFFFFFF0u) {
    vm.throwRangeError("Too many properties");
    return 0;
  }
  uint32_t count = uint32_t(len);
  Ref out = newValueArray(vm, count + n, count + n);
  if (!out) return 0;
  Value* d = vm.cell<ValueArrayCell>(out)->data();
  for (uint32_t i = 0; i < count; i++) d[i] = keyFromIndex(i);
  const Value* r = vm.cell<ValueArrayCell>(rest.get())->data();
  std::copy(r, r + n, d + count);
  return out;
}

}  // namespace

const ExoticOps kTypedArrayOps = {
    taGetOwnProperty, taDefineOwnProperty, taHasProperty, taGet, taSet, taDelete, taOwnPropertyKeys,
};

}  // namespace kiln
