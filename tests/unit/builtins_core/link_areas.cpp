// builtins/builtins.h declares every native and install function weak, so
// that an unfinished area does not break the link; but weak references do
// not pull members out of a static library. This file (which deliberately
// does not include builtins.h) references the install functions the tests
// need strongly, so that the linker keeps those areas.
#include "engine/vm.h"

namespace kiln {

void installObject(VM&, Value);
void installFunction(VM&, Value);
void installError(VM&, Value);
void installSymbol(VM&, Value);
void installIterator(VM&, Value);
void installBoolean(VM&, Value);
void installReflect(VM&, Value);
void installProxy(VM&, Value);
void installGlobal(VM&, Value);
void installArray(VM&, Value);
void installString(VM&, Value);
void installNumber(VM&, Value);
void installCollections(VM&, Value);

extern void (*const kTestedAreas[])(VM&, Value);
void (*const kTestedAreas[])(VM&, Value) = {
    installObject, installFunction, installError, installSymbol, installIterator, installBoolean, installReflect,
    installProxy,  installGlobal,   installArray, installString, installNumber,   installCollections,
};

}  // namespace kiln
