// Helpers shared by the value builtins (String, RegExp, JSON, Number, Date):
// building strings in C++ before one allocation, reading code points, the
// string-search primitives and GetSubstitution.
//
// Strings are flat and the collector does not move cells, so a StringCell*
// taken from a rooted Value stays valid across allocations; the helpers that
// read a string take the cell, never a copy.
#pragma once

#include <string>
#include <string_view>

#include "engine/function.h"
#include "engine/strings.h"
#include "engine/vm.h"

namespace kiln {

// Accumulates UTF-16 code units off the heap; finish() makes one string cell
// (narrowed to Latin-1 when possible). Nothing here touches the heap until
// finish(), so no rooting is needed while building.
class StringBuilder {
 public:
  void append(char16_t c) { buf_.push_back(c); }
  void appendAscii(std::string_view s) { buf_.append(s.begin(), s.end()); }
  void appendUtf8(std::string_view s);
  void append(const StringCell* s) { append(s, 0, s->length); }
  void append(const StringCell* s, uint32_t start, uint32_t end);
  void append(std::u16string_view s) { buf_.append(s); }
  void appendCodePoint(char32_t c);
  size_t size() const { return buf_.size(); }
  bool empty() const { return buf_.empty(); }
  char16_t back() const { return buf_.back(); }
  void setBack(char16_t c) { buf_.back() = c; }
  void clear() { buf_.clear(); }
  void resize(size_t n) { buf_.resize(n); }
  const std::u16string& units() const { return buf_; }
  // RangeError "Invalid string length" past the engine's string limit.
  Value finish(VM& vm) const;

 private:
  std::u16string buf_;
};

// Largest string length kiln creates (allocString's bound).
inline constexpr size_t kMaxStringLength = (size_t(1) << 30) - 64;

// §11.1.4 CodePointAt: the code point at i and how many units it spans.
char32_t codePointAt(const StringCell* s, uint32_t i, uint32_t* units = nullptr);

// StringIndexOf (§6.1.4.1): first index >= from where `search` occurs, or -1.
int64_t stringIndexOf(const StringCell* s, const StringCell* search, uint32_t from);

// RequireObjectCoercible(this) then ToString, with V8's message
// "String.prototype.<method> called on null or undefined".
Value thisToString(VM& vm, CallInfo& info, std::string_view method);

// CreateIterResultObject (§7.4.14).
Value createIterResult(VM& vm, Value value, bool done);

// §22.1.3.19.1 GetSubstitution(matched, str, position, captures,
// namedCaptures, replacementTemplate). `captures` is a ValueArray cell of
// strings or undefined (group 1 first); namedCaptures undefined or an object.
// Appends the replacement to `out`.
Status getSubstitution(VM& vm, Value matched, Value str, uint32_t position, Value captures,
                       Value namedCaptures, Value replacementTemplate, StringBuilder& out);

// True for WhiteSpace or LineTerminator (the set String.prototype.trim strips).
bool isTrimmable(char16_t c);

}  // namespace kiln
