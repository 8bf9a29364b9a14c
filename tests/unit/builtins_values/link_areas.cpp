// builtins.h declares install functions weak and weak references do not pull
// members out of a static library: reference the areas these tests need
// strongly (this file deliberately does not include builtins.h).
#include "engine/vm.h"

namespace kiln {

void installObject(VM&, Value);
void installFunction(VM&, Value);
void installError(VM&, Value);
void installSymbol(VM&, Value);
void installIterator(VM&, Value);
void installArray(VM&, Value);
void installString(VM&, Value);
void installNumber(VM&, Value);
void installBigInt(VM&, Value);
void installMath(VM&, Value);
void installJSON(VM&, Value);
void installRegExp(VM&, Value);
void installDate(VM&, Value);

extern void (*const kValueAreas[])(VM&, Value);
void (*const kValueAreas[])(VM&, Value) = {
    installObject, installFunction, installError, installSymbol, installIterator, installArray,  installString,
    installNumber, installBigInt,   installMath,  installJSON,   installRegExp,   installDate,
};

}  // namespace kiln
