// The Number constructor and Number.prototype (ECMA-262 §21.1).
#include <cmath>

#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// §21.1.3.7.1 ThisNumberValue
Value thisNumberValue(VM& vm, Value v, std::string_view method) {
  if (v.isNumber()) return v;
  if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
    Value inner = vm.cell<InternalObjectCell>(v)->internal[0];
    if (inner.isNumber()) return inner;
  }
  return vm.throwTypeError("Number.prototype." + std::string(method) + " requires that 'this' be a Number");
}

Value stringValue(VM& vm, const std::string& s) { return newString(vm, s); }

}  // namespace

// §21.1.1.1 Number ( value )
Value native_NumberCtor(VM& vm, CallInfo& info) {
  Value n = Value::int32(0);
  if (info.argc > 0) {
    Value prim = KILN_TRY(toNumeric(vm, info.argv[0]));
    if (prim.isBigInt()) prim = Value::number(bigint::toDouble(bigIntView(vm, prim)));
    n = prim;
  }
  if (!info.isConstructCall()) return n;
  Root nr(vm.heap(), n);
  Value o = KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::NumberPrototype, CellKind::Primitive));
  vm.cell<InternalObjectCell>(o)->internal[0] = nr.get();
  return o;
}

// §21.1.2.2 Number.isFinite
Value native_Number_isFinite(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  return Value::boolean(v.isNumber() && std::isfinite(v.toDouble()));
}

// §21.1.2.3 Number.isInteger (IsIntegralNumber)
Value native_Number_isInteger(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  if (!v.isNumber()) return Value::boolean(false);
  double d = v.toDouble();
  return Value::boolean(std::isfinite(d) && std::trunc(d) == d);
}

// §21.1.2.4 Number.isNaN
Value native_Number_isNaN(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  return Value::boolean(v.isNumber() && std::isnan(v.toDouble()));
}

// §21.1.2.5 Number.isSafeInteger
Value native_Number_isSafeInteger(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  if (!v.isNumber()) return Value::boolean(false);
  double d = v.toDouble();
  return Value::boolean(std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 9007199254740991.0);
}

// §19.2.4 parseFloat ( string )
Value native_Number_parseFloat(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  StringCell* c = str(vm, s);
  double d = c->twoByte() ? parseFloatPrefix(std::u16string_view(c->utf16(), c->length))
                          : parseFloatPrefix(std::string_view(reinterpret_cast<const char*>(c->latin1()), c->length));
  return Value::number(d);
}

// §19.2.5 parseInt ( string, radix )
Value native_Number_parseInt(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  Root sr(vm.heap(), s);
  Value r = KILN_TRY(toInt32(vm, info.arg(1)));
  int32_t radix = r.asInt();
  StringCell* c = str(vm, sr.get());
  if (radix != 0 && (radix < 2 || radix > 36)) return Value::rawDouble(NAN);
  double d = c->twoByte() ? parseIntString(std::u16string_view(c->utf16(), c->length), radix)
                          : parseIntString(std::string_view(reinterpret_cast<const char*>(c->latin1()), c->length), radix);
  return Value::number(d);
}

// §21.1.3.2 Number.prototype.toExponential ( fractionDigits )
Value native_NumberProto_toExponential(VM& vm, CallInfo& info) {
  double x = KILN_TRY(thisNumberValue(vm, info.thisValue, "toExponential")).toDouble();
  Value fd = info.arg(0);
  double f = KILN_TRY(toIntegerOrInfinity(vm, fd)).toDouble();
  if (!std::isfinite(x)) return stringValue(vm, numberToString(x));
  if (f < 0 || f > 100) return vm.throwRangeError("toExponential() argument must be between 0 and 100");
  return stringValue(vm, numberToExponential(x, fd.isUndefined() ? std::nullopt : std::optional<int>(int(f))));
}

// §21.1.3.3 Number.prototype.toFixed ( fractionDigits )
Value native_NumberProto_toFixed(VM& vm, CallInfo& info) {
  double x = KILN_TRY(thisNumberValue(vm, info.thisValue, "toFixed")).toDouble();
  double f = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (!std::isfinite(f) || f < 0 || f > 100)
    return vm.throwRangeError("toFixed() digits argument must be between 0 and 100");
  if (!std::isfinite(x)) return stringValue(vm, numberToString(x));
  return stringValue(vm, numberToFixed(x, int(f)));
}

// §21.1.3.4 Number.prototype.toLocaleString: en-US grouping, at most three
// fraction digits (what node prints without Intl options).
Value native_NumberProto_toLocaleString(VM& vm, CallInfo& info) {
  double x = KILN_TRY(thisNumberValue(vm, info.thisValue, "toLocaleString")).toDouble();
  if (!std::isfinite(x)) return stringValue(vm, std::isnan(x) ? "NaN" : x > 0 ? "∞" : "-∞");
  std::string fixed = numberToFixed(std::fabs(x), 3);
  if (fixed.find('e') != std::string::npos) fixed = numberToFixed(std::fabs(x), 0);
  size_t dot = fixed.find('.');
  std::string intPart = fixed.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : fixed.substr(dot + 1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string out;
  for (size_t i = 0; i < intPart.size(); i++) {
    if (i > 0 && (intPart.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(intPart[i]);
  }
  if (!frac.empty()) out += "." + frac;
  bool negative = x < 0 && out != "0";
  return stringValue(vm, negative ? "-" + out : out);
}

// §21.1.3.5 Number.prototype.toPrecision ( precision )
Value native_NumberProto_toPrecision(VM& vm, CallInfo& info) {
  double x = KILN_TRY(thisNumberValue(vm, info.thisValue, "toPrecision")).toDouble();
  if (info.arg(0).isUndefined()) return stringValue(vm, numberToString(x));
  double p = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
  if (!std::isfinite(x)) return stringValue(vm, numberToString(x));
  if (p < 1 || p > 100) return vm.throwRangeError("toPrecision() argument must be between 1 and 100");
  return stringValue(vm, numberToPrecision(x, int(p)));
}

// §21.1.3.6 Number.prototype.toString ( [ radix ] )
Value native_NumberProto_toString(VM& vm, CallInfo& info) {
  Value xv = KILN_TRY(thisNumberValue(vm, info.thisValue, "toString"));
  double x = xv.toDouble();
  int radix = 10;
  if (!info.arg(0).isUndefined()) {
    double r = KILN_TRY(toIntegerOrInfinity(vm, info.arg(0))).toDouble();
    if (r < 2 || r > 36) return vm.throwRangeError("toString() radix argument must be between 2 and 36");
    radix = int(r);
  }
  if (radix == 10) return numberToString(vm, x);
  return stringValue(vm, numberToStringRadix(x, radix));
}

// §21.1.3.7 Number.prototype.valueOf
Value native_NumberProto_valueOf(VM& vm, CallInfo& info) {
  return thisNumberValue(vm, info.thisValue, "valueOf");
}

// §21.1.2 / §21.1.3: the constructor, its constants and the prototype (itself
// a Number object whose [[NumberData]] is +0).
void installNumber(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value protoV = newObjectOfKind(vm, CellKind::Primitive, sizeof(InternalObjectCell),
                                 vm.intrinsic(Intrinsic::ObjectPrototype));
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.cell<InternalObjectCell>(protoV)->internal[0] = Value::int32(0);
  vm.setIntrinsic(Intrinsic::NumberPrototype, protoV);
  Value ctorV = defineConstructor(vm, g.get(), "Number", NativeId::NumberCtor, 1, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::Number, ctorV);

  struct Constant { const char* name; double value; };
  static constexpr Constant kConstants[] = {
      {"EPSILON", 2.220446049250313e-16},
      {"MAX_SAFE_INTEGER", 9007199254740991.0},
      {"MIN_SAFE_INTEGER", -9007199254740991.0},
      {"MAX_VALUE", 1.7976931348623157e308},
      {"MIN_VALUE", 5e-324},
      {"NaN", NAN},
      {"NEGATIVE_INFINITY", -INFINITY},
      {"POSITIVE_INFINITY", INFINITY},
  };
  for (const Constant& c : kConstants) defineProperty(vm, ctor.get(), c.name, Value::number(c.value), 0);
  defineMethod(vm, ctor.get(), "isFinite", NativeId::Number_isFinite);
  defineMethod(vm, ctor.get(), "isInteger", NativeId::Number_isInteger);
  defineMethod(vm, ctor.get(), "isNaN", NativeId::Number_isNaN);
  defineMethod(vm, ctor.get(), "isSafeInteger", NativeId::Number_isSafeInteger);
  defineMethod(vm, ctor.get(), "parseFloat", NativeId::Number_parseFloat);
  defineMethod(vm, ctor.get(), "parseInt", NativeId::Number_parseInt);

  defineMethod(vm, proto.get(), "toExponential", NativeId::NumberProto_toExponential);
  defineMethod(vm, proto.get(), "toFixed", NativeId::NumberProto_toFixed);
  defineMethod(vm, proto.get(), "toLocaleString", NativeId::NumberProto_toLocaleString);
  defineMethod(vm, proto.get(), "toPrecision", NativeId::NumberProto_toPrecision);
  defineMethod(vm, proto.get(), "toString", NativeId::NumberProto_toString);
  defineMethod(vm, proto.get(), "valueOf", NativeId::NumberProto_valueOf);
}

}  // namespace kiln
