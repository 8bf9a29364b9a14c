// Type conversion and comparison (ECMA-262 §7.1, §7.2).
#pragma once

#include <string>

#include "engine/number_conv.h"
#include "engine/vm.h"

namespace kiln {

enum class PreferredType : uint8_t { Default, Number, String };

Value toPrimitive(VM& vm, Value v, PreferredType hint = PreferredType::Default);
bool toBoolean(VM& vm, Value v);
Value toNumber(VM& vm, Value v);          // a Number, or exception
Value toNumeric(VM& vm, Value v);         // a Number or BigInt, or exception
Value toString(VM& vm, Value v);          // a String, or exception
Value toObject(VM& vm, Value v);
Value toIntegerOrInfinity(VM& vm, Value v);  // a Number, or exception
Value toLength(VM& vm, Value v);
Value toIndex(VM& vm, Value v);           // RangeError when out of range
Value toInt32(VM& vm, Value v);
Value toUint32(VM& vm, Value v);
Value toBigInt(VM& vm, Value v);
Value canonicalNumericIndexString(VM& vm, Value string);  // a Number, or undefined

int32_t doubleToInt32(double d);
uint32_t doubleToUint32(double d);

Value numberToString(VM& vm, double d);   // Number::toString, radix 10
Value numberToStringValue(VM& vm, Value number);
double stringToDouble(VM& vm, Value string);

Value typeOf(VM& vm, Value v);            // the typeof string (an atom)
bool sameValue(VM& vm, Value a, Value b);
bool strictEquals(VM& vm, Value a, Value b);
Value looseEquals(VM& vm, Value a, Value b);   // Boolean, or exception
// IsLessThan(x, y, leftFirst): true, false, undefined (NaN involved), or exception.
Value lessThan(VM& vm, Value x, Value y, bool leftFirst);
Value instanceOf(VM& vm, Value v, Value target);
Value ordinaryHasInstance(VM& vm, Value c, Value o);

// Debug/host printing of a primitive without side effects.
std::string describe(VM& vm, Value v);

}  // namespace kiln
