#include "engine/conversions.h"

#include <cmath>

#include "engine/bigint.h"
#include "engine/function.h"
#include "engine/number_conv.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

// §7.1.1 ToPrimitive
Value toPrimitive(VM& vm, Value v, PreferredType hint) {
  if (!v.isObject()) return v;
  Root input(vm.heap(), v);
  Value exotic = KILN_TRY(getMethod(vm, v, vm.wellKnown(WellKnown::toPrimitive)));
  if (!exotic.isUndefined()) {
    Atom h = hint == PreferredType::Default ? Atom::default_ : hint == PreferredType::Number ? Atom::number : Atom::string;
    Value args[1] = {vm.atom(h)};
    Value r = KILN_TRY(call(vm, exotic, input.get(), args));
    if (r.isObject()) return vm.throwTypeError("Cannot convert object to primitive value");
    return r;
  }
  // OrdinaryToPrimitive
  Atom order[2] = {Atom::valueOf, Atom::toString};
  if (hint == PreferredType::String) std::swap(order[0], order[1]);
  for (Atom name : order) {
    Value method = KILN_TRY(get(vm, input.get(), vm.atom(name)));
    if (isCallable(vm, method)) {
      Value r = KILN_TRY(call(vm, method, input.get()));
      if (!r.isObject()) return r;
    }
  }
  return vm.throwTypeError("Cannot convert object to primitive value");
}

bool toBoolean(VM& vm, Value v) {
  if (v.isBool()) return v.asBool();
  if (v.isInt()) return v.asInt() != 0;
  if (v.isDouble()) {
    double d = v.asDouble();
    return !(d == 0 || d != d);
  }
  if (v.isNullish()) return false;
  if (v.isString()) return stringLength(vm, v) != 0;
  if (v.isBigInt()) return vm.cell<BigIntCell>(v)->limbCount != 0;
  return true;  // objects, symbols
}

double stringToDouble(VM& vm, Value s) {
  StringCell* c = str(vm, s);
  if (!c->twoByte())
    return stringToNumber(std::string_view(reinterpret_cast<const char*>(c->latin1()), c->length));
  return stringToNumber(std::u16string_view(c->utf16(), c->length));
}

Value toNumber(VM& vm, Value v) {
  if (v.isNumber()) return v;
  if (v.isUndefined()) return Value::rawDouble(NAN);
  if (v.isNull() || v.isFalse()) return Value::int32(0);
  if (v.isTrue()) return Value::int32(1);
  if (v.isString()) return Value::number(stringToDouble(vm, v));
  if (v.isSymbol()) return vm.throwTypeError("Cannot convert a Symbol value to a number");
  if (v.isBigInt()) return vm.throwTypeError("Cannot convert a BigInt value to a number");
  Value p = KILN_TRY(toPrimitive(vm, v, PreferredType::Number));
  return toNumber(vm, p);
}

Value toNumeric(VM& vm, Value v) {
  if (v.isNumber() || v.isBigInt()) return v;
  Value p = KILN_TRY(toPrimitive(vm, v, PreferredType::Number));
  if (p.isBigInt()) return p;
  return toNumber(vm, p);
}

Value numberToString(VM& vm, double d) {
  if (d == 0) return newString(vm, std::string_view("0"));
  int32_t i = int32_t(d);
  if (double(i) == d && i >= 0 && i < 10) {
    char c = char('0' + i);
    return newString(vm, std::string_view(&c, 1));
  }
  return newString(vm, kiln::numberToString(d));
}

Value numberToStringValue(VM& vm, Value n) { return numberToString(vm, n.toDouble()); }

Value toString(VM& vm, Value v) {
  if (v.isString()) return v;
  if (v.isNumber()) return numberToString(vm, v.toDouble());
  if (v.isUndefined()) return vm.atom(Atom::undefined);
  if (v.isNull()) return vm.atom(Atom::null_);
  if (v.isTrue()) return vm.atom(Atom::true_);
  if (v.isFalse()) return vm.atom(Atom::false_);
  if (v.isBigInt()) return newString(vm, bigint::toString(bigIntView(vm, v), 10));
  if (v.isSymbol()) return vm.throwTypeError("Cannot convert a Symbol value to a string");
  Value p = KILN_TRY(toPrimitive(vm, v, PreferredType::String));
  return toString(vm, p);
}

Value toObject(VM& vm, Value v) {
  if (v.isObject()) return v;
  if (v.isNullish())
    return vm.throwTypeError(v.isNull() ? "Cannot convert null to object" : "Cannot convert undefined to object");
  Intrinsic proto = v.isString()   ? Intrinsic::StringPrototype
                    : v.isNumber() ? Intrinsic::NumberPrototype
                    : v.isBool()   ? Intrinsic::BooleanPrototype
                    : v.isSymbol() ? Intrinsic::SymbolPrototype
                                   : Intrinsic::BigIntPrototype;
  Root prim(vm.heap(), v);
  Value o = KILN_TRY(newObjectOfKind(vm, CellKind::Primitive, sizeof(InternalObjectCell), vm.intrinsic(proto)));
  auto* c = vm.cell<InternalObjectCell>(o);
  c->internal[0] = prim.get();
  return o;
}

Value toIntegerOrInfinity(VM& vm, Value v) {
  if (v.isInt()) return v;
  Value n = KILN_TRY(toNumber(vm, v));
  return Value::number(toIntegerOrInfinity(n.toDouble()));
}

Value toLength(VM& vm, Value v) {
  if (v.isInt()) return v.asInt() < 0 ? Value::int32(0) : v;
  Value n = KILN_TRY(toIntegerOrInfinity(vm, v));
  double d = n.toDouble();
  if (d <= 0) return Value::int32(0);
  return Value::number(std::min(d, 9007199254740991.0));
}

Value toIndex(VM& vm, Value v) {
  if (v.isUndefined()) return Value::int32(0);
  Value n = KILN_TRY(toIntegerOrInfinity(vm, v));
  double d = n.toDouble();
  if (d < 0 || d > 9007199254740991.0) return vm.throwRangeError("Invalid index");
  return Value::number(d);
}

int32_t doubleToInt32(double d) { return kiln::toInt32(d); }
uint32_t doubleToUint32(double d) { return kiln::toUint32(d); }

Value toInt32(VM& vm, Value v) {
  if (v.isInt()) return v;
  Value n = KILN_TRY(toNumber(vm, v));
  return Value::int32(kiln::toInt32(n.toDouble()));
}

Value toUint32(VM& vm, Value v) {
  if (v.isInt() && v.asInt() >= 0) return v;
  Value n = KILN_TRY(toNumber(vm, v));
  return Value::number(double(kiln::toUint32(n.toDouble())));
}

Value toBigInt(VM& vm, Value v) {
  Value p = KILN_TRY(toPrimitive(vm, v, PreferredType::Number));
  if (p.isBigInt()) return p;
  if (p.isBool()) return newBigInt(vm, bigint::fromInt64(p.isTrue() ? 1 : 0));
  if (p.isString()) {
    auto r = bigint::stringToBigInt(std::u16string_view(toUtf16(vm, p)));
    if (!r) return vm.throwError(ErrorType::SyntaxError, "Cannot convert " + toUtf8(vm, p) + " to a BigInt");
    return newBigInt(vm, *r);
  }
  if (p.isNumber()) return vm.throwTypeError("Cannot convert " + kiln::numberToString(p.toDouble()) + " to a BigInt");
  if (p.isUndefined()) return vm.throwTypeError("Cannot convert undefined to a BigInt");
  if (p.isNull()) return vm.throwTypeError("Cannot convert null to a BigInt");
  return vm.throwTypeError("Cannot convert a Symbol value to a BigInt");
}

Value canonicalNumericIndexString(VM& vm, Value s) {
  StringCell* c = str(vm, s);
  if (stringEqualsAscii(c, "-0")) return Value::rawDouble(-0.0);
  double n = stringToDouble(vm, s);
  Value back = KILN_TRY(numberToString(vm, n));
  if (!stringEquals(str(vm, back), str(vm, s))) return Value::undefined();
  return Value::number(n);
}

Value typeOf(VM& vm, Value v) {
  if (v.isNumber()) return vm.atom(Atom::number);
  if (v.isString()) return vm.atom(Atom::string);
  if (v.isUndefined()) return vm.atom(Atom::undefined);
  if (v.isNull()) return vm.atom(Atom::object);
  if (v.isBool()) return vm.atom(Atom::boolean);
  if (v.isSymbol()) return vm.atom(Atom::symbol);
  if (v.isBigInt()) return vm.atom(Atom::bigint);
  return isCallable(vm, v) ? vm.atom(Atom::function) : vm.atom(Atom::object);
}

bool sameValue(VM& vm, Value a, Value b) {
  if (a.isNumber() && b.isNumber()) {
    double x = a.toDouble(), y = b.toDouble();
    if (x != x) return y != y;
    if (x == 0 && y == 0) return std::signbit(x) == std::signbit(y);
    return x == y;
  }
  return strictEquals(vm, a, b);
}

bool strictEquals(VM& vm, Value a, Value b) {
  if (a.isInt() && b.isInt()) return a == b;
  if (a.isNumber() && b.isNumber()) return a.toDouble() == b.toDouble();
  if (a == b) return true;
  if (a.isString() && b.isString()) return stringEquals(str(vm, a), str(vm, b));
  if (a.isBigInt() && b.isBigInt()) return bigint::equals(bigIntView(vm, a), bigIntView(vm, b));
  return false;
}

static Value bigIntEqualsString(VM& vm, Value big, Value s) {
  auto r = bigint::stringToBigInt(std::u16string_view(toUtf16(vm, s)));
  if (!r) return Value::boolean(false);
  return Value::boolean(bigint::equals(bigIntView(vm, big), r->view()));
}

// §7.2.14 IsLooselyEqual
Value looseEquals(VM& vm, Value a, Value b) {
  for (;;) {
    if (a.isNumber() && b.isNumber()) return Value::boolean(a.toDouble() == b.toDouble());
    bool sameType = (a.isString() && b.isString()) || (a.isObject() && b.isObject()) ||
                    (a.isSymbol() && b.isSymbol()) || (a.isBigInt() && b.isBigInt()) || (a.isBool() && b.isBool()) ||
                    (a.isUndefined() && b.isUndefined()) || (a.isNull() && b.isNull());
    if (sameType) return Value::boolean(strictEquals(vm, a, b));
    if (a.isNullish() && b.isNullish()) return Value::boolean(true);
    if (a.isNumber() && b.isString()) return Value::boolean(a.toDouble() == stringToDouble(vm, b));
    if (a.isString() && b.isNumber()) return Value::boolean(stringToDouble(vm, a) == b.toDouble());
    if (a.isBigInt() && b.isString()) return bigIntEqualsString(vm, a, b);
    if (a.isString() && b.isBigInt()) return bigIntEqualsString(vm, b, a);
    if (a.isBool()) { a = Value::int32(a.isTrue()); continue; }
    if (b.isBool()) { b = Value::int32(b.isTrue()); continue; }
    if ((a.isNumber() || a.isString() || a.isBigInt() || a.isSymbol()) && b.isObject()) {
      Root ra(vm.heap(), a);
      b = KILN_TRY(toPrimitive(vm, b));
      a = ra.get();
      continue;
    }
    if (a.isObject() && (b.isNumber() || b.isString() || b.isBigInt() || b.isSymbol())) {
      Root rb(vm.heap(), b);
      a = KILN_TRY(toPrimitive(vm, a));
      b = rb.get();
      continue;
    }
    if (a.isBigInt() && b.isNumber()) {
      double d = b.toDouble();
      if (d != d || std::isinf(d)) return Value::boolean(false);
      return Value::boolean(bigint::compareToDouble(bigIntView(vm, a), d) == bigint::Order::Equal);
    }
    if (a.isNumber() && b.isBigInt()) std::swap(a, b);
    else return Value::boolean(false);
  }
}

// §7.2.13 IsLessThan
Value lessThan(VM& vm, Value x, Value y, bool leftFirst) {
  if (x.isInt() && y.isInt()) return Value::boolean(x.asInt() < y.asInt());
  Value px, py;
  if (leftFirst) {
    Root ry(vm.heap(), y);
    px = KILN_TRY(toPrimitive(vm, x, PreferredType::Number));
    Root rx(vm.heap(), px);
    py = KILN_TRY(toPrimitive(vm, ry.get(), PreferredType::Number));
    px = rx.get();
  } else {
    Root rx(vm.heap(), x);
    py = KILN_TRY(toPrimitive(vm, y, PreferredType::Number));
    Root ry(vm.heap(), py);
    px = KILN_TRY(toPrimitive(vm, rx.get(), PreferredType::Number));
    py = ry.get();
  }
  if (px.isString() && py.isString()) return Value::boolean(compareStrings(str(vm, px), str(vm, py)) < 0);
  if (px.isBigInt() && py.isString()) {
    auto r = bigint::stringToBigInt(std::u16string_view(toUtf16(vm, py)));
    if (!r) return Value::undefined();
    return Value::boolean(bigint::compare(bigIntView(vm, px), r->view()) < 0);
  }
  if (px.isString() && py.isBigInt()) {
    auto r = bigint::stringToBigInt(std::u16string_view(toUtf16(vm, px)));
    if (!r) return Value::undefined();
    return Value::boolean(bigint::compare(r->view(), bigIntView(vm, py)) < 0);
  }
  Root rpy(vm.heap(), py);
  Value nx = KILN_TRY(toNumeric(vm, px));
  Root rnx(vm.heap(), nx);
  Value ny = KILN_TRY(toNumeric(vm, rpy.get()));
  nx = rnx.get();
  if (nx.isNumber() && ny.isNumber()) {
    double a = nx.toDouble(), b = ny.toDouble();
    if (a != a || b != b) return Value::undefined();
    return Value::boolean(a < b);
  }
  if (nx.isBigInt() && ny.isBigInt()) return Value::boolean(bigint::compare(bigIntView(vm, nx), bigIntView(vm, ny)) < 0);
  if (nx.isBigInt()) {
    double b = ny.toDouble();
    if (b != b) return Value::undefined();
    return Value::boolean(bigint::compareToDouble(bigIntView(vm, nx), b) == bigint::Order::Less);
  }
  double a = nx.toDouble();
  if (a != a) return Value::undefined();
  return Value::boolean(bigint::compareToDouble(bigIntView(vm, ny), a) == bigint::Order::Greater);
}

Value ordinaryHasInstance(VM& vm, Value c, Value o) {
  if (!isCallable(vm, c)) return Value::boolean(false);
  if (kindOf(vm, c) == CellKind::BoundFunction)
    return instanceOf(vm, o, vm.cell<BoundFunctionCell>(c)->target);
  if (!o.isObject()) return Value::boolean(false);
  Root ro(vm.heap(), o);
  Value p = KILN_TRY(get(vm, c, vm.atom(Atom::prototype)));
  if (!p.isObject()) return vm.throwTypeError("Function has non-object prototype in instanceof check");
  Root rp(vm.heap(), p);
  Value cur = ro.get();
  for (;;) {
    cur = KILN_TRY(getPrototypeOf(vm, cur));
    if (cur.isNull()) return Value::boolean(false);
    if (cur == rp.get()) return Value::boolean(true);
  }
}

Value instanceOf(VM& vm, Value v, Value target) {
  if (!target.isObject()) return vm.throwTypeError("Right-hand side of 'instanceof' is not an object");
  Root rv(vm.heap(), v), rt(vm.heap(), target);
  Value h = KILN_TRY(getMethod(vm, target, vm.wellKnown(WellKnown::hasInstance)));
  if (!h.isUndefined()) {
    Value args[1] = {rv.get()};
    Value r = KILN_TRY(call(vm, h, rt.get(), args));
    return Value::boolean(toBoolean(vm, r));
  }
  if (!isCallable(vm, rt.get())) return vm.throwTypeError("Right-hand side of 'instanceof' is not callable");
  return ordinaryHasInstance(vm, rt.get(), rv.get());
}

std::string describe(VM& vm, Value v) {
  if (v.isString()) return toUtf8(vm, v);
  if (v.isNumber()) return kiln::numberToString(v.toDouble());
  if (v.isUndefined()) return "undefined";
  if (v.isNull()) return "null";
  if (v.isBool()) return v.isTrue() ? "true" : "false";
  if (v.isBigInt()) return bigint::toString(bigIntView(vm, v), 10) + "n";
  if (v.isSymbol()) {
    Value d = vm.cell<SymbolCell>(v)->description;
    return "Symbol(" + (d.isString() ? toUtf8(vm, d) : std::string()) + ")";
  }
  if (v.isObject()) return isCallable(vm, v) ? "function" : "#<Object>";
  return "<internal>";
}

}  // namespace kiln
