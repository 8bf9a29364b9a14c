// ArrayBuffer (ECMA-262 §25.1), resizable buffers included. The bytes live in
// a ByteArray cell (internal[0]); resizing allocates a new one. Layout in
// builtins/array_buffer.h.
#include "builtins/array_buffer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "builtins/builtins.h"
#include "engine/conversions.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// Larger buffers than this are refused with a RangeError (ByteArray lengths are 32-bit).
constexpr double kMaxBufferBytes = 2147483647.0;

Value throwAllocationFailed(VM& vm) { return vm.throwRangeError("Array buffer allocation failed"); }

bool isArrayBuffer(VM& vm, Value v) { return v.isObject() && kindOf(vm, v) == CellKind::ArrayBuffer; }

Value thisBuffer(VM& vm, CallInfo& info, const char* method) {
  if (!isArrayBuffer(vm, info.thisValue))
    return vm.throwTypeError(std::string("Method ArrayBuffer.prototype.") + method +
                             " called on incompatible receiver " + describe(vm, info.thisValue));
  return info.thisValue;
}

// A zeroed ByteArray of `length` bytes.
Ref newBlock(VM& vm, double length) {
  if (length > kMaxBufferBytes) {
    throwAllocationFailed(vm);
    return 0;
  }
  Ref r = newByteArray(vm, uint32_t(length));
  if (!r) return 0;
  std::memset(vm.cell<ByteArrayCell>(r)->data(), 0, uint32_t(length));
  return r;
}

// GetArrayBufferMaxByteLengthOption(options) (§25.1.3.7): -1 when absent.
Value maxByteLengthOption(VM& vm, Value options) {
  if (!options.isObject()) return Value::int32(-1);
  Value atom = KILN_TRY(atomFromUtf8(vm, "maxByteLength"));
  Value max = KILN_TRY(get(vm, options, atom));
  if (max.isUndefined()) return Value::int32(-1);
  return toIndex(vm, max);
}

Value relative(VM& vm, Value arg, double len, double dflt) {
  if (arg.isUndefined()) return Value::number(dflt);
  double r = KILN_TRY(toIntegerOrInfinity(vm, arg)).toDouble();
  return Value::number(r < 0 ? std::max(len + r, 0.0) : std::min(r, len));
}

// §25.1.3.3 ArrayBufferCopyAndDetach(arrayBuffer, newLength, preserveResizability)
Value copyAndDetach(VM& vm, CallInfo& info, const char* method, bool preserveResizability) {
  Root o(vm.heap(), KILN_TRY(thisBuffer(vm, info, method)));
  double newByteLength;
  if (info.arg(0).isUndefined()) {
    newByteLength = arrayBufferByteLength(vm, o.get());
  } else {
    newByteLength = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  }
  if (isDetachedBuffer(vm, o.get()))
    return vm.throwTypeError(std::string("Cannot perform ArrayBuffer.prototype.") + method +
                             " on a detached ArrayBuffer");
  double newMax = -1;
  if (preserveResizability && isResizableBuffer(vm, o.get()))
    newMax = vm.cell<InternalObjectCell>(o.get())->internal[2].toDouble();
  Root fresh(vm.heap(), KILN_TRY(allocateArrayBuffer(vm, vm.intrinsic(Intrinsic::ArrayBuffer), newByteLength, newMax)));
  double copyLength = std::min(newByteLength, arrayBufferByteLength(vm, o.get()));
  if (copyLength > 0) std::memcpy(arrayBufferData(vm, fresh.get()), arrayBufferData(vm, o.get()), size_t(copyLength));
  if (detachArrayBuffer(vm, o.get()) == Status::Exception) return Value::exception();
  return fresh.get();
}

}  // namespace

// §25.1.3.1 AllocateArrayBuffer(constructor, byteLength [ , maxByteLength ])
Value allocateArrayBuffer(VM& vm, Value constructor, double byteLength, double maxByteLength) {
  bool resizable = maxByteLength >= 0;
  if (resizable && byteLength > maxByteLength)
    return vm.throwRangeError("Invalid array buffer length: byteLength exceeds maxByteLength");
  Root obj(vm.heap(), KILN_TRY(ordinaryCreateFromConstructor(vm, constructor, Intrinsic::ArrayBufferPrototype,
                                                              CellKind::ArrayBuffer)));
  if (resizable && maxByteLength > kMaxBufferBytes) return vm.throwRangeError("Invalid array buffer max length");
  Ref block = newBlock(vm, byteLength);
  if (!block) return Value::exception();
  auto* c = vm.cell<InternalObjectCell>(obj.get());
  c->internal[0] = Value::cell(block);
  c->internal[1] = Value::number(byteLength);
  c->internal[2] = resizable ? Value::number(maxByteLength) : Value::undefined();
  c->internal[3] = Value::undefined();
  return obj.get();
}

// §25.1.4.1 ArrayBuffer ( length [ , options ] )
Value native_ArrayBufferCtor(VM& vm, CallInfo& info) {
  if (!info.isConstructCall()) return vm.throwTypeError("Constructor ArrayBuffer requires 'new'");
  double byteLength = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  double max = KILN_TRY(maxByteLengthOption(vm, info.arg(1))).toDouble();
  return allocateArrayBuffer(vm, info.newTarget, byteLength, max);
}

// §25.1.5.1 ArrayBuffer.isView ( arg )
Value native_ArrayBuffer_isView(VM& vm, CallInfo& info) {
  Value a = info.arg(0);
  if (!a.isObject()) return Value::boolean(false);
  CellKind k = kindOf(vm, a);
  return Value::boolean(k == CellKind::TypedArray || k == CellKind::DataView);
}

// §25.1.5.3 get ArrayBuffer [ @@species ]
Value native_ArrayBuffer_species(VM&, CallInfo& info) { return info.thisValue; }

// §25.1.6.1 get ArrayBuffer.prototype.byteLength
Value native_ArrayBufferProto_byteLength(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisBuffer(vm, info, "byteLength"));
  return Value::number(arrayBufferByteLength(vm, o));
}

// §25.1.6.4 get ArrayBuffer.prototype.maxByteLength
Value native_ArrayBufferProto_maxByteLength(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisBuffer(vm, info, "maxByteLength"));
  if (isDetachedBuffer(vm, o)) return Value::int32(0);
  if (isResizableBuffer(vm, o)) return vm.cell<InternalObjectCell>(o)->internal[2];
  return Value::number(arrayBufferByteLength(vm, o));
}

// §25.1.6.5 get ArrayBuffer.prototype.resizable
Value native_ArrayBufferProto_resizable(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisBuffer(vm, info, "resizable"));
  return Value::boolean(isResizableBuffer(vm, o));
}

// §25.1.6.3 get ArrayBuffer.prototype.detached
Value native_ArrayBufferProto_detached(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisBuffer(vm, info, "detached"));
  return Value::boolean(isDetachedBuffer(vm, o));
}

// §25.1.6.6 ArrayBuffer.prototype.resize ( newLength )
Value native_ArrayBufferProto_resize(VM& vm, CallInfo& info) {
  Value o = KILN_TRY(thisBuffer(vm, info, "resize"));
  if (!isResizableBuffer(vm, o))
    return vm.throwTypeError("Method ArrayBuffer.prototype.resize called on incompatible receiver " +
                             describe(vm, o));
  double newByteLength = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  if (isDetachedBuffer(vm, info.thisValue))
    return vm.throwTypeError("Cannot perform ArrayBuffer.prototype.resize on a detached ArrayBuffer");
  auto* c = vm.cell<InternalObjectCell>(info.thisValue);
  if (newByteLength > c->internal[2].toDouble())
    return vm.throwRangeError("ArrayBuffer.prototype.resize: Invalid length parameter");
  Ref block = newBlock(vm, newByteLength);
  if (!block) return Value::exception();
  c = vm.cell<InternalObjectCell>(info.thisValue);
  double old = c->internal[1].toDouble();
  std::memcpy(vm.cell<ByteArrayCell>(block)->data(), arrayBufferData(vm, info.thisValue),
              size_t(std::min(old, newByteLength)));
  c->internal[0] = Value::cell(block);
  c->internal[1] = Value::number(newByteLength);
  return Value::undefined();
}

// §25.1.6.7 ArrayBuffer.prototype.slice ( start, end )
Value native_ArrayBufferProto_slice(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(thisBuffer(vm, info, "slice")));
  if (isDetachedBuffer(vm, o.get()))
    return vm.throwTypeError("Cannot perform ArrayBuffer.prototype.slice on a detached ArrayBuffer");
  double len = arrayBufferByteLength(vm, o.get());
  double first = KILN_TRY(relative(vm, info.arg(0), len, 0)).toDouble();
  double fin = KILN_TRY(relative(vm, info.arg(1), len, len)).toDouble();
  double newLen = std::max(fin - first, 0.0);
  Value ctor = KILN_TRY(speciesConstructor(vm, o.get(), vm.intrinsic(Intrinsic::ArrayBuffer)));
  Value args[1] = {Value::number(newLen)};
  Root fresh(vm.heap(), KILN_TRY(construct(vm, ctor, args)));
  if (!isArrayBuffer(vm, fresh.get()))
    return vm.throwTypeError("ArrayBuffer subclass returned this from species constructor");
  if (isDetachedBuffer(vm, fresh.get()))
    return vm.throwTypeError("Cannot perform ArrayBuffer.prototype.slice on a detached ArrayBuffer");
  if (fresh.get() == o.get()) return vm.throwTypeError("ArrayBuffer subclass returned this from species constructor");
  if (arrayBufferByteLength(vm, fresh.get()) < newLen)
    return vm.throwTypeError("Species constructor returned a too small ArrayBuffer");
  if (isDetachedBuffer(vm, o.get()))
    return vm.throwTypeError("Cannot perform ArrayBuffer.prototype.slice on a detached ArrayBuffer");
  double currentLen = arrayBufferByteLength(vm, o.get());
  if (first < currentLen) {
    double count = std::min(newLen, currentLen - first);
    std::memmove(arrayBufferData(vm, fresh.get()), arrayBufferData(vm, o.get()) + size_t(first), size_t(count));
  }
  return fresh.get();
}

// §25.1.6.8 ArrayBuffer.prototype.transfer ( [ newLength ] )
Value native_ArrayBufferProto_transfer(VM& vm, CallInfo& info) { return copyAndDetach(vm, info, "transfer", true); }

// §25.1.6.9 ArrayBuffer.prototype.transferToFixedLength ( [ newLength ] )
Value native_ArrayBufferProto_transferToFixedLength(VM& vm, CallInfo& info) {
  return copyAndDetach(vm, info, "transferToFixedLength", false);
}

void installArrayBuffer(VM& vm, Value global) {
  Root proto(vm.heap(), newObject(vm));
  if (proto.get().isException()) return;
  vm.setIntrinsic(Intrinsic::ArrayBufferPrototype, proto.get());
  Value ctorV = defineConstructor(vm, global, "ArrayBuffer", NativeId::ArrayBufferCtor, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::ArrayBuffer, ctor.get());
  defineMethod(vm, ctor, "isView", NativeId::ArrayBuffer_isView);
  defineGetter(vm, ctor, WellKnown::species, NativeId::ArrayBuffer_species);

  defineGetter(vm, proto, "byteLength", NativeId::ArrayBufferProto_byteLength);
  defineGetter(vm, proto, "detached", NativeId::ArrayBufferProto_detached);
  defineGetter(vm, proto, "maxByteLength", NativeId::ArrayBufferProto_maxByteLength);
  defineGetter(vm, proto, "resizable", NativeId::ArrayBufferProto_resizable);
  defineMethod(vm, proto, "resize", NativeId::ArrayBufferProto_resize);
  defineMethod(vm, proto, "slice", NativeId::ArrayBufferProto_slice);
  defineMethod(vm, proto, "transfer", NativeId::ArrayBufferProto_transfer);
  defineMethod(vm, proto, "transferToFixedLength", NativeId::ArrayBufferProto_transferToFixedLength);
  Value tag = newString(vm, std::string_view("ArrayBuffer"));
  if (tag.isException()) return;
  defineValue(vm, proto, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
