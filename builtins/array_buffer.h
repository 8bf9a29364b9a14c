// ArrayBuffer, typed arrays and DataView: cell layouts and the operations
// the builtins share with the integer-indexed exotic object.
//
// The functions below are defined in engine/typed_array_ops.cpp (the object
// model needs them for [[Get]]/[[Set]] on typed arrays, and engine/ may not
// depend on builtins/); they are declared here because no engine header
// exposes them yet.
//
// Layouts (all InternalObjectCell; no native pointers, bytes in a ByteArray):
//   ArrayBuffer (CellKind::ArrayBuffer)
//     internal[0]  ByteArray cell with the bytes (its length is the capacity),
//                  or null once detached
//     internal[1]  [[ArrayBufferByteLength]] (Number)
//     internal[2]  [[ArrayBufferMaxByteLength]] (Number) when resizable, else undefined
//     internal[3]  [[ArrayBufferDetachKey]] (undefined)
//   TypedArray (CellKind::TypedArray)
//     internal[0]  [[ViewedArrayBuffer]]
//     internal[1]  [[ByteOffset]] (Number)
//     internal[2]  [[ArrayLength]] (Number), or undefined when length-tracking (auto)
//     internal[3]  the element type (Int, TypedArrayType)
//   DataView (CellKind::DataView)
//     internal[0]  [[ViewedArrayBuffer]]
//     internal[1]  [[ByteOffset]] (Number)
//     internal[2]  [[ByteLength]] (Number), or undefined when length-tracking (auto)
#pragma once

#include <cstdint>

#include "engine/vm.h"

namespace kiln {

#define KILN_TYPED_ARRAYS(X)                                   \
  X(Int8, int8_t, "Int8Array")                                 \
  X(Uint8, uint8_t, "Uint8Array")                              \
  X(Uint8Clamped, uint8_t, "Uint8ClampedArray")                \
  X(Int16, int16_t, "Int16Array")                              \
  X(Uint16, uint16_t, "Uint16Array")                           \
  X(Int32, int32_t, "Int32Array")                              \
  X(Uint32, uint32_t, "Uint32Array")                           \
  X(Float32, float, "Float32Array")                            \
  X(Float64, double, "Float64Array")                           \
  X(BigInt64, int64_t, "BigInt64Array")                        \
  X(BigUint64, uint64_t, "BigUint64Array")

enum class TypedArrayType : uint8_t {
#define KILN_TA_ENUM(name, ctype, text) name,
  KILN_TYPED_ARRAYS(KILN_TA_ENUM)
#undef KILN_TA_ENUM
  Count
};

uint32_t elementSize(TypedArrayType t);
const char* typedArrayName(TypedArrayType t);
inline bool isBigIntType(TypedArrayType t) { return t == TypedArrayType::BigInt64 || t == TypedArrayType::BigUint64; }

// ---- ArrayBuffer -----------------------------------------------------------------------
bool isDetachedBuffer(VM& vm, Value buffer);
double arrayBufferByteLength(VM& vm, Value buffer);  // 0 when detached
uint8_t* arrayBufferData(VM& vm, Value buffer);      // nullptr when detached
bool isResizableBuffer(VM& vm, Value buffer);
// DetachArrayBuffer(buffer) (§25.1.3.5); also the test262 host's $262.detachArrayBuffer.
Status detachArrayBuffer(VM& vm, Value buffer);

// ---- TypedArray ------------------------------------------------------------------------
TypedArrayType typedArrayType(VM& vm, Value ta);
Value typedArrayBuffer(VM& vm, Value ta);
// IsTypedArrayOutOfBounds (§10.4.5.12), detached buffers included.
bool isTypedArrayOutOfBounds(VM& vm, Value ta);
// TypedArrayLength / TypedArrayByteLength (§10.4.5.13-14); 0 when out of bounds.
double typedArrayLength(VM& vm, Value ta);
double typedArrayByteLength(VM& vm, Value ta);
double typedArrayByteOffset(VM& vm, Value ta);  // [[ByteOffset]]
// TypedArrayGetElement / TypedArraySetElement (§10.4.5.15-16). Set converts
// the value first (ToNumber or ToBigInt) and writes nothing if the index is
// not valid after the conversion.
Value typedArrayGetElement(VM& vm, Value ta, double index);
Status typedArraySetElement(VM& vm, Value ta, double index, Value v);

// GetValueFromBuffer / SetValueInBuffer on raw bytes (§25.1.3.15, §25.1.3.17).
// `numeric` must already be a Number (or a BigInt for the BigInt types).
Value rawBytesToNumeric(VM& vm, TypedArrayType t, const uint8_t* p, bool littleEndian);
void numericToRawBytes(VM& vm, TypedArrayType t, Value numeric, uint8_t* p, bool littleEndian);

// ---- defined in builtins/array_buffer.cpp ------------------------------------------------
// AllocateArrayBuffer(constructor, byteLength [ , maxByteLength ]) (§25.1.3.1);
// maxByteLength < 0 means a fixed-length buffer.
Value allocateArrayBuffer(VM& vm, Value constructor, double byteLength, double maxByteLength = -1);
void installArrayBuffer(VM& vm, Value global);
void installDataView(VM& vm, Value global);  // builtins/data_view.cpp

}  // namespace kiln
