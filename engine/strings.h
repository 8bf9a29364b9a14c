// String cells: creation, comparison, hashing, interning (atoms).
//
// A string is one-byte (Latin-1) when every code unit fits, else two-byte
// (UTF-16). Creation always picks the narrowest form, so two equal strings
// have the same representation and comparison can start with memcmp.
// Atoms are strings interned in the atom table (RootsRecord::atomTable):
// property keys are always atoms, compared by reference.
#pragma once

#include <string>
#include <string_view>

#include "engine/vm.h"

namespace kiln {

Value newStringLatin1(VM& vm, const uint8_t* chars, size_t length);
Value newStringUtf16(VM& vm, const char16_t* chars, size_t length);  // narrows when possible
Value newStringUtf8(VM& vm, std::string_view utf8);
inline Value newString(VM& vm, std::string_view ascii) { return newStringUtf8(vm, ascii); }
inline Value newString(VM& vm, std::u16string_view s) { return newStringUtf16(vm, s.data(), s.size()); }
// A string cell of `length` units to be filled by the caller (no narrowing).
Value allocString(VM& vm, size_t length, bool twoByte);

Value concatStrings(VM& vm, Value a, Value b);
Value substring(VM& vm, Value s, uint32_t start, uint32_t end);

inline StringCell* str(VM& vm, Value v) { return vm.cell<StringCell>(v); }
inline uint32_t stringLength(VM& vm, Value v) { return str(vm, v)->length; }
uint32_t stringHash(StringCell* s);
bool stringEquals(const StringCell* a, const StringCell* b);
int compareStrings(const StringCell* a, const StringCell* b);  // by code units, <0 =0 >0
bool stringEqualsAscii(const StringCell* s, std::string_view ascii);

std::string toUtf8(const StringCell* s);
inline std::string toUtf8(VM& vm, Value v) { return toUtf8(str(vm, v)); }
std::u16string toUtf16(const StringCell* s);
inline std::u16string toUtf16(VM& vm, Value v) { return toUtf16(str(vm, v)); }

// True when s is a canonical array index ("0".."4294967294").
bool stringToArrayIndex(StringCell* s, uint32_t* index);

// Interning.
Value atomize(VM& vm, Value string);           // returns the atom equal to `string`
Value atomFromUtf8(VM& vm, std::string_view utf8);
Value atomFromUtf16(VM& vm, std::u16string_view s);
void initAtoms(VM& vm);                        // creates the atom table and predefined atoms

}  // namespace kiln
