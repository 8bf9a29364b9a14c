// The BigInt constructor and BigInt.prototype (ECMA-262 §21.2).
#include <cmath>

#include "builtins/builtins.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// §21.2.3.4.1 ThisBigIntValue
Value thisBigIntValue(VM& vm, Value v, std::string_view method) {
  if (v.isBigInt()) return v;
  if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
    Value inner = vm.cell<InternalObjectCell>(v)->internal[0];
    if (inner.isBigInt()) return inner;
  }
  return vm.throwTypeError("BigInt.prototype." + std::string(method) + " requires that 'this' be a BigInt");
}

Value bigIntToStringValue(VM& vm, Value big, Value radixArg) {
  Root b(vm.heap(), big);
  int radix = 10;
  if (!radixArg.isUndefined()) {
    double r = KILN_TRY(toIntegerOrInfinity(vm, radixArg)).toDouble();
    if (r < 2 || r > 36) return vm.throwRangeError("toString() radix must be between 2 and 36");
    radix = int(r);
  }
  return newString(vm, bigint::toString(bigIntView(vm, b.get()), radix));
}

}  // namespace

// §21.2.1.1 BigInt ( value )
Value native_BigIntCtor(VM& vm, CallInfo& info) {
  if (info.isConstructCall()) return vm.throwTypeError("BigInt is not a constructor");
  Value prim = KILN_TRY(toPrimitive(vm, info.arg(0), PreferredType::Number));
  if (prim.isNumber()) {
    // §21.2.1.1.1 NumberToBigInt
    double d = prim.toDouble();
    if (!std::isfinite(d) || std::trunc(d) != d)
      return vm.throwRangeError("The number " + numberToString(d) +
                                " cannot be converted to a BigInt because it is not an integer");
    return newBigInt(vm, bigint::fromDouble(d));
  }
  return toBigInt(vm, prim);
}

// §21.2.2.1 BigInt.asIntN ( bits, bigint ) / §21.2.2.2 asUintN
static Value asN(VM& vm, CallInfo& info, bool isSigned) {
  Root bigArg(vm.heap(), info.arg(1));
  double bits = KILN_TRY(toIndex(vm, info.arg(0))).toDouble();
  Value big = KILN_TRY(toBigInt(vm, bigArg.get()));
  bigint::Result r = isSigned ? bigint::asIntN(uint64_t(bits), bigIntView(vm, big))
                              : bigint::asUintN(uint64_t(bits), bigIntView(vm, big));
  if (!r.ok()) return bigIntResult(vm, r);
  return newBigInt(vm, r.value);
}

Value native_BigInt_asIntN(VM& vm, CallInfo& info) { return asN(vm, info, true); }
Value native_BigInt_asUintN(VM& vm, CallInfo& info) { return asN(vm, info, false); }

// §21.2.3.2 BigInt.prototype.toLocaleString: en-US digit grouping.
Value native_BigIntProto_toLocaleString(VM& vm, CallInfo& info) {
  Value x = KILN_TRY(thisBigIntValue(vm, info.thisValue, "toLocaleString"));
  std::string digits = bigint::toString(bigIntView(vm, x), 10);
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  std::string out = negative ? "-" : "";
  for (size_t i = 0; i < digits.size(); i++) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return newString(vm, out);
}

// §21.2.3.3 BigInt.prototype.toString ( [ radix ] )
Value native_BigIntProto_toString(VM& vm, CallInfo& info) {
  Value x = KILN_TRY(thisBigIntValue(vm, info.thisValue, "toString"));
  return bigIntToStringValue(vm, x, info.arg(0));
}

// §21.2.3.4 BigInt.prototype.valueOf
Value native_BigIntProto_valueOf(VM& vm, CallInfo& info) {
  return thisBigIntValue(vm, info.thisValue, "valueOf");
}

void installBigInt(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value protoV = newObject(vm);
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::BigIntPrototype, protoV);
  Value ctorV = defineConstructor(vm, g.get(), "BigInt", NativeId::BigIntCtor, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::BigInt, ctorV);
  defineMethod(vm, ctor.get(), "asIntN", NativeId::BigInt_asIntN);
  defineMethod(vm, ctor.get(), "asUintN", NativeId::BigInt_asUintN);
  defineMethod(vm, proto.get(), "toLocaleString", NativeId::BigIntProto_toLocaleString);
  defineMethod(vm, proto.get(), "toString", NativeId::BigIntProto_toString);
  defineMethod(vm, proto.get(), "valueOf", NativeId::BigIntProto_valueOf);
  Value tag = newString(vm, std::string_view("BigInt"));
  if (tag.isException()) return;
  defineValue(vm, proto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
