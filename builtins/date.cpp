// The Date constructor and Date.prototype (ECMA-262 §21.4), over the date
// arithmetic of engine/date_math.h. A Date is a CellKind::Date object with
// internal[0] = its time value (a Number, NaN for an invalid date).
#include <cmath>

#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/date_math.h"
#include "engine/strings.h"

namespace kiln {

namespace {

constexpr double kNaN = NAN;

Value timeValue(VM& vm, Value v, double* out) {
  if (!v.isObject() || kindOf(vm, v) != CellKind::Date) return vm.throwTypeError("this is not a Date object.");
  *out = vm.cell<InternalObjectCell>(v)->internal[0].toDouble();
  return Value::undefined();
}

#define THIS_TIME(t)         \
  double t = 0;              \
  KILN_TRY(timeValue(vm, info.thisValue, &t))

Value setTime(VM& vm, Value date, double t) {
  Value v = Value::number(t);
  if (std::isnan(t)) v = Value::rawDouble(kNaN);
  vm.cell<InternalObjectCell>(date)->internal[0] = v;
  return v;
}

double utcOf(double local) { return std::isfinite(local) ? date::utcFromLocal(local) : kNaN; }
double localOf(double t) { return date::localTime(t); }

Value str(VM& vm, const std::string& s) { return newString(vm, s); }

// ToDateString (§21.4.4.41.4)
Value toDateString(VM& vm, double tv) {
  if (std::isnan(tv)) return str(vm, "Invalid Date");
  return str(vm, date::formatToString(tv));
}

enum FieldIndex { kYear, kMonth, kDate, kHour, kMinute, kSecond, kMs };

// The field getters: NaN for an invalid date, else one field of the local
// (or UTC) decomposition.
Value getField(VM& vm, CallInfo& info, FieldIndex field, bool utc) {
  THIS_TIME(t);
  if (std::isnan(t)) return Value::rawDouble(kNaN);
  date::Fields f = date::fieldsFromTime(utc ? t : localOf(t));
  switch (field) {
    case kYear: return Value::number(double(f.year));
    case kMonth: return Value::int32(f.month);
    case kDate: return Value::int32(f.day);
    case kHour: return Value::int32(f.hour);
    case kMinute: return Value::int32(f.minute);
    case kSecond: return Value::int32(f.second);
    case kMs: return Value::int32(f.millisecond);
  }
  return Value::undefined();
}

// The setters (§21.4.4.20 - §21.4.4.31): arguments replace up to `maxArgs`
// consecutive fields starting at `first` in (year, month, date, hour, min,
// sec, ms); the others keep their value. Every present argument goes through
// ToNumber before the time value is looked at, as the spec orders it.
Value setFields(VM& vm, CallInfo& info, FieldIndex first, uint32_t maxArgs, bool utc) {
  THIS_TIME(t);
  double args[4];
  uint32_t count = std::min(std::max(info.argc, 1u), maxArgs);
  for (uint32_t i = 0; i < count; i++) args[i] = KILN_TRY(toNumber(vm, info.arg(i))).toDouble();
  if (std::isnan(t)) {
    if (first != kYear) return Value::rawDouble(kNaN);
    t = 0;
  } else if (!utc) {
    t = localOf(t);
  }
  date::Fields f = date::fieldsFromTime(t);
  double fields[7] = {double(f.year), double(f.month), double(f.day), double(f.hour),
                      double(f.minute), double(f.second), double(f.millisecond)};
  for (uint32_t i = 0; i < count; i++) fields[first + i] = args[i];
  double newDate = date::makeDate(date::makeDay(fields[0], fields[1], fields[2]),
                                  date::makeTime(fields[3], fields[4], fields[5], fields[6]));
  double u = date::timeClip(utc ? newDate : utcOf(newDate));
  return setTime(vm, info.thisValue, u);
}

// en-US pieces of toLocale*String, as node prints them without options.
std::string localeDate(const date::Fields& f) {
  return std::to_string(f.month + 1) + "/" + std::to_string(f.day) + "/" + std::to_string(f.year);
}
std::string localeTime(const date::Fields& f) {
  int h = f.hour % 12 == 0 ? 12 : f.hour % 12;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d:%02d %s", h, f.minute, f.second, f.hour < 12 ? "AM" : "PM");
  return buf;
}

}  // namespace

// §21.4.2.1 Date ( ...values )
Value native_DateCtor(VM& vm, CallInfo& info) {
  if (!info.isConstructCall()) return toDateString(vm, date::nowMs());
  double tv;
  if (info.argc == 0) {
    tv = date::nowMs();
  } else if (info.argc == 1) {
    Value value = info.argv[0];
    if (value.isObject() && kindOf(vm, value) == CellKind::Date) {
      tv = vm.cell<InternalObjectCell>(value)->internal[0].toDouble();
    } else {
      Value v = KILN_TRY(toPrimitive(vm, value));
      if (v.isString()) {
        std::u16string s = toUtf16(vm, v);
        tv = date::parse(std::u16string_view(s));
      } else {
        tv = KILN_TRY(toNumber(vm, v)).toDouble();
      }
    }
    tv = date::timeClip(tv);
  } else {
    double f[7] = {0, 0, 1, 0, 0, 0, 0};
    for (uint32_t i = 0; i < std::min(info.argc, 7u); i++) f[i] = KILN_TRY(toNumber(vm, info.argv[i])).toDouble();
    double yr = date::makeFullYear(f[0]);
    double finalDate = date::makeDate(date::makeDay(yr, f[1], f[2]), date::makeTime(f[3], f[4], f[5], f[6]));
    tv = date::timeClip(utcOf(finalDate));
  }
  Value o = KILN_TRY(ordinaryCreateFromConstructor(vm, info.newTarget, Intrinsic::DatePrototype, CellKind::Date));
  setTime(vm, o, tv);
  return o;
}

// §21.4.3.1 Date.now ( )
Value native_Date_now(VM& vm, CallInfo& info) { return Value::number(date::nowMs()); }

// §21.4.3.2 Date.parse ( string )
Value native_Date_parse(VM& vm, CallInfo& info) {
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  std::u16string text = toUtf16(vm, s);
  double t = date::parse(std::u16string_view(text));
  return std::isnan(t) ? Value::rawDouble(kNaN) : Value::number(t);
}

// §21.4.3.4 Date.UTC ( year [ , month [ , date [ , hours [ , minutes [ , seconds [ , ms ] ] ] ] ] ] )
Value native_Date_UTC(VM& vm, CallInfo& info) {
  double f[7] = {kNaN, 0, 1, 0, 0, 0, 0};
  for (uint32_t i = 0; i < std::min(std::max(info.argc, 1u), 7u); i++)
    f[i] = KILN_TRY(toNumber(vm, info.arg(i))).toDouble();
  double yr = date::makeFullYear(f[0]);
  double t = date::timeClip(date::makeDate(date::makeDay(yr, f[1], f[2]), date::makeTime(f[3], f[4], f[5], f[6])));
  return std::isnan(t) ? Value::rawDouble(kNaN) : Value::number(t);
}

Value native_DateProto_getDate(VM& vm, CallInfo& info) { return getField(vm, info, kDate, false); }
Value native_DateProto_getFullYear(VM& vm, CallInfo& info) { return getField(vm, info, kYear, false); }
Value native_DateProto_getHours(VM& vm, CallInfo& info) { return getField(vm, info, kHour, false); }
Value native_DateProto_getMilliseconds(VM& vm, CallInfo& info) { return getField(vm, info, kMs, false); }
Value native_DateProto_getMinutes(VM& vm, CallInfo& info) { return getField(vm, info, kMinute, false); }
Value native_DateProto_getMonth(VM& vm, CallInfo& info) { return getField(vm, info, kMonth, false); }
Value native_DateProto_getSeconds(VM& vm, CallInfo& info) { return getField(vm, info, kSecond, false); }
Value native_DateProto_getUTCDate(VM& vm, CallInfo& info) { return getField(vm, info, kDate, true); }
Value native_DateProto_getUTCFullYear(VM& vm, CallInfo& info) { return getField(vm, info, kYear, true); }
Value native_DateProto_getUTCHours(VM& vm, CallInfo& info) { return getField(vm, info, kHour, true); }
Value native_DateProto_getUTCMilliseconds(VM& vm, CallInfo& info) { return getField(vm, info, kMs, true); }
Value native_DateProto_getUTCMinutes(VM& vm, CallInfo& info) { return getField(vm, info, kMinute, true); }
Value native_DateProto_getUTCMonth(VM& vm, CallInfo& info) { return getField(vm, info, kMonth, true); }
Value native_DateProto_getUTCSeconds(VM& vm, CallInfo& info) { return getField(vm, info, kSecond, true); }

// §21.4.4.3 getDay / §21.4.4.11 getUTCDay
Value native_DateProto_getDay(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return Value::rawDouble(kNaN);
  return Value::int32(date::weekDay(localOf(t)));
}
Value native_DateProto_getUTCDay(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return Value::rawDouble(kNaN);
  return Value::int32(date::weekDay(t));
}

// §21.4.4.10 getTime / §21.4.4.44 valueOf
Value native_DateProto_getTime(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  return std::isnan(t) ? Value::rawDouble(kNaN) : Value::number(t);
}
Value native_DateProto_valueOf(VM& vm, CallInfo& info) { return native_DateProto_getTime(vm, info); }

// §21.4.4.11 getTimezoneOffset
Value native_DateProto_getTimezoneOffset(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return Value::rawDouble(kNaN);
  return Value::number((t - localOf(t)) / date::kMsPerMinute);
}

// §B.2.3.1 getYear
Value native_DateProto_getYear(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return Value::rawDouble(kNaN);
  return Value::number(date::yearFromTime(localOf(t)) - 1900);
}

Value native_DateProto_setDate(VM& vm, CallInfo& info) { return setFields(vm, info, kDate, 1, false); }
Value native_DateProto_setFullYear(VM& vm, CallInfo& info) { return setFields(vm, info, kYear, 3, false); }
Value native_DateProto_setHours(VM& vm, CallInfo& info) { return setFields(vm, info, kHour, 4, false); }
Value native_DateProto_setMilliseconds(VM& vm, CallInfo& info) { return setFields(vm, info, kMs, 1, false); }
Value native_DateProto_setMinutes(VM& vm, CallInfo& info) { return setFields(vm, info, kMinute, 3, false); }
Value native_DateProto_setMonth(VM& vm, CallInfo& info) { return setFields(vm, info, kMonth, 2, false); }
Value native_DateProto_setSeconds(VM& vm, CallInfo& info) { return setFields(vm, info, kSecond, 2, false); }
Value native_DateProto_setUTCDate(VM& vm, CallInfo& info) { return setFields(vm, info, kDate, 1, true); }
Value native_DateProto_setUTCFullYear(VM& vm, CallInfo& info) { return setFields(vm, info, kYear, 3, true); }
Value native_DateProto_setUTCHours(VM& vm, CallInfo& info) { return setFields(vm, info, kHour, 4, true); }
Value native_DateProto_setUTCMilliseconds(VM& vm, CallInfo& info) { return setFields(vm, info, kMs, 1, true); }
Value native_DateProto_setUTCMinutes(VM& vm, CallInfo& info) { return setFields(vm, info, kMinute, 3, true); }
Value native_DateProto_setUTCMonth(VM& vm, CallInfo& info) { return setFields(vm, info, kMonth, 2, true); }
Value native_DateProto_setUTCSeconds(VM& vm, CallInfo& info) { return setFields(vm, info, kSecond, 2, true); }

// §21.4.4.27 setTime ( time )
Value native_DateProto_setTime(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  (void)t;
  double n = KILN_TRY(toNumber(vm, info.arg(0))).toDouble();
  return setTime(vm, info.thisValue, date::timeClip(n));
}

// §B.2.3.2 setYear ( year )
Value native_DateProto_setYear(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  double y = KILN_TRY(toNumber(vm, info.arg(0))).toDouble();
  t = std::isnan(t) ? 0 : localOf(t);
  double yyyy = date::makeFullYear(y);
  date::Fields f = date::fieldsFromTime(t);
  double d = date::makeDay(yyyy, f.month, f.day);
  double newDate = date::makeDate(d, date::timeWithinDay(t));
  return setTime(vm, info.thisValue, date::timeClip(utcOf(newDate)));
}

// §21.4.4.35 toDateString
Value native_DateProto_toDateString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  return str(vm, date::formatDateString(t));
}

// §21.4.4.36 toISOString
Value native_DateProto_toISOString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (!std::isfinite(t)) return vm.throwRangeError("Invalid time value");
  return str(vm, date::formatISOString(t));
}

// §21.4.4.37 toJSON ( key )
Value native_DateProto_toJSON(VM& vm, CallInfo& info) {
  Root o(vm.heap(), KILN_TRY(toObject(vm, info.thisValue)));
  Value tv = KILN_TRY(toPrimitive(vm, o.get(), PreferredType::Number));
  if (tv.isNumber() && !std::isfinite(tv.toDouble())) return Value::null();
  Value fn = KILN_TRY(get(vm, o.get(), keyFor(vm, "toISOString")));
  if (!isCallable(vm, fn)) return vm.throwTypeError("toISOString is not a function");
  return call(vm, fn, o.get());
}

// §21.4.4.38 - §21.4.4.40 toLocale{Date,,Time}String: en-US, local time.
Value native_DateProto_toLocaleDateString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  return str(vm, localeDate(date::fieldsFromTime(localOf(t))));
}
Value native_DateProto_toLocaleString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  date::Fields f = date::fieldsFromTime(localOf(t));
  return str(vm, localeDate(f) + ", " + localeTime(f));
}
Value native_DateProto_toLocaleTimeString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  return str(vm, localeTime(date::fieldsFromTime(localOf(t))));
}

// §21.4.4.41 toString
Value native_DateProto_toString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  return toDateString(vm, t);
}

// §21.4.4.42 toTimeString
Value native_DateProto_toTimeString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  return str(vm, date::formatTimeString(t));
}

// §21.4.4.43 toUTCString
Value native_DateProto_toUTCString(VM& vm, CallInfo& info) {
  THIS_TIME(t);
  if (std::isnan(t)) return str(vm, "Invalid Date");
  return str(vm, date::formatUTCString(t));
}

// §21.4.4.45 Date.prototype [ @@toPrimitive ] ( hint )
Value native_DateProto_toPrimitive(VM& vm, CallInfo& info) {
  Root o(vm.heap(), info.thisValue);
  if (!o.get().isObject())
    return vm.throwTypeError("Method Date.prototype [ @@toPrimitive ] called on incompatible receiver " +
                             describe(vm, o.get()));
  Value hint = info.arg(0);
  bool stringFirst;
  if (hint.isString() && (stringEqualsAscii(kiln::str(vm, hint), "string") ||
                          stringEqualsAscii(kiln::str(vm, hint), "default"))) {
    stringFirst = true;
  } else if (hint.isString() && stringEqualsAscii(kiln::str(vm, hint), "number")) {
    stringFirst = false;
  } else {
    return vm.throwTypeError("Invalid hint: " + describe(vm, hint));
  }
  // §7.1.1.1 OrdinaryToPrimitive
  Atom order[2] = {Atom::valueOf, Atom::toString};
  if (stringFirst) std::swap(order[0], order[1]);
  for (Atom name : order) {
    Value method = KILN_TRY(get(vm, o.get(), vm.atom(name)));
    if (isCallable(vm, method)) {
      Value r = KILN_TRY(call(vm, method, o.get()));
      if (!r.isObject()) return r;
    }
  }
  return vm.throwTypeError("Cannot convert object to primitive value");
}

// §21.4.2 - §21.4.4: the constructor and Date.prototype (an ordinary object).
void installDate(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value protoV = newObject(vm);
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::DatePrototype, protoV);
  Value ctorV = defineConstructor(vm, g.get(), "Date", NativeId::DateCtor, 7, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  defineMethod(vm, ctor.get(), "now", NativeId::Date_now);
  defineMethod(vm, ctor.get(), "parse", NativeId::Date_parse);
  defineMethod(vm, ctor.get(), "UTC", NativeId::Date_UTC);

  struct Fn { const char* name; NativeId id; };
  static constexpr Fn kMethods[] = {
      {"getDate", NativeId::DateProto_getDate},
      {"getDay", NativeId::DateProto_getDay},
      {"getFullYear", NativeId::DateProto_getFullYear},
      {"getHours", NativeId::DateProto_getHours},
      {"getMilliseconds", NativeId::DateProto_getMilliseconds},
      {"getMinutes", NativeId::DateProto_getMinutes},
      {"getMonth", NativeId::DateProto_getMonth},
      {"getSeconds", NativeId::DateProto_getSeconds},
      {"getTime", NativeId::DateProto_getTime},
      {"getTimezoneOffset", NativeId::DateProto_getTimezoneOffset},
      {"getUTCDate", NativeId::DateProto_getUTCDate},
      {"getUTCDay", NativeId::DateProto_getUTCDay},
      {"getUTCFullYear", NativeId::DateProto_getUTCFullYear},
      {"getUTCHours", NativeId::DateProto_getUTCHours},
      {"getUTCMilliseconds", NativeId::DateProto_getUTCMilliseconds},
      {"getUTCMinutes", NativeId::DateProto_getUTCMinutes},
      {"getUTCMonth", NativeId::DateProto_getUTCMonth},
      {"getUTCSeconds", NativeId::DateProto_getUTCSeconds},
      {"getYear", NativeId::DateProto_getYear},
      {"setDate", NativeId::DateProto_setDate},
      {"setFullYear", NativeId::DateProto_setFullYear},
      {"setHours", NativeId::DateProto_setHours},
      {"setMilliseconds", NativeId::DateProto_setMilliseconds},
      {"setMinutes", NativeId::DateProto_setMinutes},
      {"setMonth", NativeId::DateProto_setMonth},
      {"setSeconds", NativeId::DateProto_setSeconds},
      {"setTime", NativeId::DateProto_setTime},
      {"setUTCDate", NativeId::DateProto_setUTCDate},
      {"setUTCFullYear", NativeId::DateProto_setUTCFullYear},
      {"setUTCHours", NativeId::DateProto_setUTCHours},
      {"setUTCMilliseconds", NativeId::DateProto_setUTCMilliseconds},
      {"setUTCMinutes", NativeId::DateProto_setUTCMinutes},
      {"setUTCMonth", NativeId::DateProto_setUTCMonth},
      {"setUTCSeconds", NativeId::DateProto_setUTCSeconds},
      {"setYear", NativeId::DateProto_setYear},
      {"toDateString", NativeId::DateProto_toDateString},
      {"toISOString", NativeId::DateProto_toISOString},
      {"toJSON", NativeId::DateProto_toJSON},
      {"toLocaleDateString", NativeId::DateProto_toLocaleDateString},
      {"toLocaleString", NativeId::DateProto_toLocaleString},
      {"toLocaleTimeString", NativeId::DateProto_toLocaleTimeString},
      {"toString", NativeId::DateProto_toString},
      {"toTimeString", NativeId::DateProto_toTimeString},
      {"valueOf", NativeId::DateProto_valueOf},
  };
  for (const Fn& f : kMethods) {
    if (defineMethod(vm, proto.get(), f.name, f.id).isException()) return;
  }
  // Annex B: toGMTString is the same function object as toUTCString.
  Value utc = defineMethod(vm, proto.get(), "toUTCString", NativeId::DateProto_toUTCString);
  if (utc.isException()) return;
  defineProperty(vm, proto.get(), "toGMTString", utc);
  defineMethod(vm, proto.get(), WellKnown::toPrimitive, NativeId::DateProto_toPrimitive, -1, kConfigurable);
}

}  // namespace kiln
