// DataView (ECMA-262 §25.3), length-tracking views on resizable buffers
// included. Layout in builtins/array_buffer.h.
#include <cmath>
#include <string>

#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

namespace {

bool isDataView(VM& vm, Value v) { return v.isObject() && kindOf(vm, v) == CellKind::DataView; }

Value thisView(VM& vm, CallInfo& info, const char* method) {
  if (!isDataView(vm, info.thisValue))
    return vm.throwTypeError(std::string("Method DataView.prototype.") + method +
                             " called on incompatible receiver " + describe(vm, info.thisValue));
  return info.thisValue;
}

// §25.3.1.3 IsViewOutOfBounds(viewRecord)
bool isViewOutOfBounds(VM& vm, Value view) {
  auto* c = vm.cell<InternalObjectCell>(view);
  Value buffer = c->internal[0];
  if (isDetachedBuffer(vm, buffer)) return true;
  double bufferByteLength = arrayBufferByteLength(vm, buffer);
  double start = c->internal[1].toDouble();
  double end = c->internal[2].isUndefined() ? bufferByteLength : start + c->internal[2].toDouble();
  return start > bufferByteLength || end > bufferByteLength;
}

// §25.3.1.2 GetViewByteLength(viewRecord); the view must be in bounds.
double viewByteLength(VM& vm, Value view) {
  auto* c = vm.cell<InternalObjectCell>(view);
  if (!c->internal[2].isUndefined()) return c->internal[2].toDouble();
  return arrayBufferByteLength(vm, c->internal[0]) - c->internal[1].toDouble();
}

Value throwOutOfBounds(VM& vm, const char* method) {
  return vm.throwTypeError(std::string("Cannot perform DataView.prototype.") + method +
                           " on a detached or out-of-bounds ArrayBuffer");
}

// §25.3.1.5 GetViewValue(view, requestIndex, isLittleEndian, type)
Value getViewValue(VM& vm, CallInfo& info, const char* method, TypedArrayType type) {
  Value view = KILN_TRY(thisView(vm, info, method));
  double getIndex = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  bool littleEndian = toBoolean(vm, info.arg(1));
  view = info.thisValue;
  if (isViewOutOfBounds(vm, view)) return throwOutOfBounds(vm, method);
  double size = elementSize(type);
  if (getIndex + size > viewByteLength(vm, view)) return vm.throwRangeError("Offset is outside the bounds of the DataView");
  auto* c = vm.cell<InternalObjectCell>(view);
  const uint8_t* p = arrayBufferData(vm, c->internal[0]) + size_t(c->internal[1].toDouble() + getIndex);
  return rawBytesToNumeric(vm, type, p, littleEndian);
}

// §25.3.1.6 SetViewValue(view, requestIndex, isLittleEndian, type, value)
Value setViewValue(VM& vm, CallInfo& info, const char* method, TypedArrayType type) {
  KILN_TRY(thisView(vm, info, method));
  double getIndex = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  Root numeric(vm.heap(), KILN_TRY(isBigIntType(type) ? toBigInt(vm, info.arg(1)) : toNumber(vm, info.arg(1))));
  bool littleEndian = toBoolean(vm, info.arg(2));
  Value view = info.thisValue;
  if (isViewOutOfBounds(vm, view)) return throwOutOfBounds(vm, method);
  double size = elementSize(type);
  if (getIndex + size > viewByteLength(vm, view)) return vm.throwRangeError("Offset is outside the bounds of the DataView");
  auto* c = vm.cell<InternalObjectCell>(view);
  uint8_t* p = arrayBufferData(vm, c->internal[0]) + size_t(c->internal[1].toDouble() + getIndex);
  numericToRawBytes(vm, type, numeric.get(), p, littleEndian);
  return Value::undefined();
}

}  // namespace

// §25.3.2.1 DataView ( buffer [ , byteOffset [ , byteLength ] ] )
Value native_DataViewCtor(VM& vm, CallInfo& info) {
  if (!info.isConstructCall()) return vm.throwTypeError("Constructor DataView requires 'new'");
  Value buffer = info.arg(0);
  if (!buffer.isObject() || kindOf(vm, buffer) != CellKind::ArrayBuffer)
    return vm.throwTypeError("First argument to DataView constructor must be an ArrayBuffer");
  double offset = KILN_TRY(toIndex(vm, info.arg(1))).toDouble();
  if (isDetachedBuffer(vm, info.arg(0)))
    return vm.throwTypeError("Cannot perform DataView constructor on a detached ArrayBuffer");
  double bufferByteLength = arrayBufferByteLength(vm, info.arg(0));
  if (offset > bufferByteLength) return vm.throwRangeError("Start offset " + std::to_string(uint64_t(offset)) + " is outside the bounds of the buffer");
  bool fixed = !isResizableBuffer(vm, info.arg(0));
  bool tracking = false;
  double viewByteLengthValue = 0;
  if (info.arg(2).isUndefined()) {
    if (fixed) viewByteLengthValue = bufferByteLength - offset;
    else tracking = true;
  } else {
    viewByteLengthValue = KILN_TRY(toIndex(vm, info.arg(2))).toDouble();
    if (offset + viewByteLengthValue > bufferByteLength)
      return vm.throwRangeError("Invalid DataView length " + std::to_string(uint64_t(viewByteLengthValue)));
  }
  Root o(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::DataViewPrototype,
                                                            CellKind::DataView)));
  // The prototype lookup may have run user code that detached or shrank the buffer.
  if (isDetachedBuffer(vm, info.arg(0)))
    return vm.throwTypeError("Cannot perform DataView constructor on a detached ArrayBuffer");
  bufferByteLength = arrayBufferByteLength(vm, info.arg(0));
  if (offset > bufferByteLength) return vm.throwRangeError("Start offset " + std::to_string(uint64_t(offset)) + " is outside the bounds of the buffer");
  if (!info.arg(2).isUndefined() && offset + viewByteLengthValue > bufferByteLength)
    return vm.throwRangeError("Invalid DataView length " + std::to_string(uint64_t(viewByteLengthValue)));
  auto* c = vm.cell<InternalObjectCell>(o.get());
  c->internal[0] = info.arg(0);
  c->internal[1] = Value::number(offset);
  c->internal[2] = tracking ? Value::undefined() : Value::number(viewByteLengthValue);
  return o.get();
}

// §25.3.4.1 get DataView.prototype.buffer
Value native_DataViewProto_buffer(VM& vm, CallInfo& info) {
  Value v = KILN_TRY(thisView(vm, info, "buffer"));
  return vm.cell<InternalObjectCell>(v)->internal[0];
}

// §25.3.4.2 get DataView.prototype.byteLength
Value native_DataViewProto_byteLength(VM& vm, CallInfo& info) {
  Value v = KILN_TRY(thisView(vm, info, "byteLength"));
  if (isViewOutOfBounds(vm, v)) return throwOutOfBounds(vm, "byteLength");
  return Value::number(viewByteLength(vm, v));
}

// §25.3.4.3 get DataView.prototype.byteOffset
Value native_DataViewProto_byteOffset(VM& vm, CallInfo& info) {
  Value v = KILN_TRY(thisView(vm, info, "byteOffset"));
  if (isViewOutOfBounds(vm, v)) return throwOutOfBounds(vm, "byteOffset");
  return vm.cell<InternalObjectCell>(v)->internal[1];
}

// §25.3.4.5 - §25.3.4.24 the get/set methods.
#define KILN_DV_ACCESSORS(name)                                                       \
  Value native_DataViewProto_get##name(VM& vm, CallInfo& info) {                      \
    return getViewValue(vm, info, "get" #name, TypedArrayType::name);                 \
  }                                                                                   \
  Value native_DataViewProto_set##name(VM& vm, CallInfo& info) {                      \
    return setViewValue(vm, info, "set" #name, TypedArrayType::name);                 \
  }
KILN_DV_ACCESSORS(Int8)
KILN_DV_ACCESSORS(Uint8)
KILN_DV_ACCESSORS(Int16)
KILN_DV_ACCESSORS(Uint16)
KILN_DV_ACCESSORS(Int32)
KILN_DV_ACCESSORS(Uint32)
KILN_DV_ACCESSORS(Float32)
KILN_DV_ACCESSORS(Float64)
KILN_DV_ACCESSORS(BigInt64)
KILN_DV_ACCESSORS(BigUint64)
#undef KILN_DV_ACCESSORS

void installDataView(VM& vm, Value global) {
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::DataViewPrototype, proto.get());
  if (defineConstructor(vm, global, "DataView", NativeId::DataViewCtor, 1, proto.get()).isException()) return;
  defineGetter(vm, proto, "buffer", NativeId::DataViewProto_buffer);
  defineGetter(vm, proto, "byteLength", NativeId::DataViewProto_byteLength);
  defineGetter(vm, proto, "byteOffset", NativeId::DataViewProto_byteOffset);
  struct Method { const char* name; NativeId id; };
  static constexpr Method kMethods[] = {
      {"getBigInt64", NativeId::DataViewProto_getBigInt64}, {"getBigUint64", NativeId::DataViewProto_getBigUint64},
      {"getFloat32", NativeId::DataViewProto_getFloat32},   {"getFloat64", NativeId::DataViewProto_getFloat64},
      {"getInt8", NativeId::DataViewProto_getInt8},         {"getInt16", NativeId::DataViewProto_getInt16},
      {"getInt32", NativeId::DataViewProto_getInt32},       {"getUint8", NativeId::DataViewProto_getUint8},
      {"getUint16", NativeId::DataViewProto_getUint16},     {"getUint32", NativeId::DataViewProto_getUint32},
      {"setBigInt64", NativeId::DataViewProto_setBigInt64}, {"setBigUint64", NativeId::DataViewProto_setBigUint64},
      {"setFloat32", NativeId::DataViewProto_setFloat32},   {"setFloat64", NativeId::DataViewProto_setFloat64},
      {"setInt8", NativeId::DataViewProto_setInt8},         {"setInt16", NativeId::DataViewProto_setInt16},
      {"setInt32", NativeId::DataViewProto_setInt32},       {"setUint8", NativeId::DataViewProto_setUint8},
      {"setUint16", NativeId::DataViewProto_setUint16},     {"setUint32", NativeId::DataViewProto_setUint32},
  };
  for (const Method& m : kMethods)
    if (defineMethod(vm, proto, m.name, m.id).isException()) return;
  Value tag = newString(vm, std::string_view("DataView"));
  if (tag.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
