// RegExp objects (ECMA-262 §22.2.3 - §22.2.9): creation for the interpreter's
// regexp literals, and the abstract operations String.prototype needs.
//
// Layout of a RegExp object (CellKind::RegExp, an InternalObjectCell):
//   internal[0]  the compiled program: a ByteArray cell (engine/regexp.h bytes;
//                never a native pointer, so it survives images)
//   internal[1]  [[OriginalSource]]: the pattern string
//   internal[2]  [[OriginalFlags]]: the flags string
//   internal[3]  the group names: undefined when the pattern has none, else a
//                ValueArray of (name string, group number) pairs in order of
//                appearance
//   internal[4]  the parsed flags as an Int of regexp::detail::kFlag* bits
// A RegExp object allocated but not yet initialized (RegExpAlloc before
// RegExpInitialize, observable only through a subclass constructor) has
// undefined in internal[0].
// `lastIndex` is an ordinary own data property (writable, non-enumerable,
// non-configurable), defined by RegExpAlloc.
#pragma once

#include "engine/vm.h"

namespace kiln {

// RegExpCreate(P, F) (§22.2.3.1): what a regexp literal evaluates to. pattern
// and flags are strings (or undefined); throws SyntaxError like the
// RegExp constructor.
Value regExpCreate(VM& vm, Value pattern, Value flags);

// IsRegExp (§7.2.8): True, False, or Exception.
Status isRegExp(VM& vm, Value v);

// RegExpExec (§22.2.7.1): the match result object or null.
Value regExpExec(VM& vm, Value regexp, Value string);

}  // namespace kiln
