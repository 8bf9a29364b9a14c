#include "builtins/string_util.h"

#include <cstring>

#include "engine/conversions.h"
#include "engine/object.h"
#include "engine/unicode.h"

namespace kiln {

void StringBuilder::appendUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = uint8_t(s[i]);
    if (c < 0x80) { buf_.push_back(c); i++; continue; }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > n) { buf_.push_back(0xFFFD); i++; continue; }
    char32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | (uint8_t(s[i + k]) & 0x3F);
    appendCodePoint(cp);
    i += len;
  }
}

void StringBuilder::append(const StringCell* s, uint32_t start, uint32_t end) {
  if (start >= end) return;
  size_t at = buf_.size();
  buf_.resize(at + (end - start));
  if (s->twoByte()) {
    std::memcpy(buf_.data() + at, s->utf16() + start, size_t(end - start) * 2);
  } else {
    const uint8_t* p = s->latin1();
    for (uint32_t i = start; i < end; i++) buf_[at++] = p[i];
  }
}

void StringBuilder::appendCodePoint(char32_t c) {
  if (c < 0x10000) {
    buf_.push_back(char16_t(c));
  } else {
    c -= 0x10000;
    buf_.push_back(char16_t(0xD800 + (c >> 10)));
    buf_.push_back(char16_t(0xDC00 + (c & 0x3FF)));
  }
}

Value StringBuilder::finish(VM& vm) const {
  if (buf_.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
  return newStringUtf16(vm, buf_.data(), buf_.size());
}

char32_t codePointAt(const StringCell* s, uint32_t i, uint32_t* units) {
  char16_t first = s->at(i);
  if (units) *units = 1;
  if (!unicode::isHighSurrogate(first) || i + 1 >= s->length) return first;
  char16_t second = s->at(i + 1);
  if (!unicode::isLowSurrogate(second)) return first;
  if (units) *units = 2;
  return 0x10000 + ((char32_t(first) - 0xD800) << 10) + (char32_t(second) - 0xDC00);
}

int64_t stringIndexOf(const StringCell* s, const StringCell* search, uint32_t from) {
  uint32_t n = s->length, m = search->length;
  if (m == 0) return from <= n ? int64_t(from) : -1;
  if (m > n) return -1;
  if (!s->twoByte() && !search->twoByte()) {
    const uint8_t* hay = s->latin1();
    const uint8_t* needle = search->latin1();
    for (uint32_t i = from; i + m <= n; i++) {
      const void* p = std::memchr(hay + i, needle[0], n - m + 1 - i);
      if (!p) return -1;
      i = uint32_t(static_cast<const uint8_t*>(p) - hay);
      if (std::memcmp(hay + i, needle, m) == 0) return i;
    }
    return -1;
  }
  char16_t first = search->at(0);
  for (uint32_t i = from; i + m <= n; i++) {
    if (s->at(i) != first) continue;
    uint32_t k = 1;
    while (k < m && s->at(i + k) == search->at(k)) k++;
    if (k == m) return i;
  }
  return -1;
}

Value thisToString(VM& vm, CallInfo& info, std::string_view method) {
  Value t = info.thisValue;
  if (t.isString()) return t;
  if (t.isNullish())
    return vm.throwTypeError("String.prototype." + std::string(method) + " called on null or undefined");
  return toString(vm, t);
}

Value createIterResult(VM& vm, Value value, bool done) {
  Root v(vm.heap(), value);
  Value o = KILN_TRY(newObject(vm));
  Root r(vm.heap(), o);
  defineValue(vm, o, vm.atom(Atom::value), v.get(), kDefaultAttrs);
  defineValue(vm, r.get(), vm.atom(Atom::done), Value::boolean(done), kDefaultAttrs);
  return r.get();
}

bool isTrimmable(char16_t c) { return unicode::isWhiteSpace(c) || unicode::isLineTerminator(c); }

// §22.1.3.19.1 GetSubstitution
Status getSubstitution(VM& vm, Value matched, Value strV, uint32_t position, Value captures,
                       Value namedCaptures, Value replacementTemplate, StringBuilder& out) {
  Root m(vm.heap(), matched), s(vm.heap(), strV), caps(vm.heap(), captures), named(vm.heap(), namedCaptures),
      tmpl(vm.heap(), replacementTemplate);
  const StringCell* t = str(vm, tmpl.get());
  uint32_t n = t->length;
  uint32_t stringLen = str(vm, s.get())->length;
  uint32_t captureLen = caps.get().isCell() ? vm.cell<ValueArrayCell>(caps.get())->length : 0;
  uint32_t i = 0;
  while (i < n) {
    char16_t c = t->at(i);
    if (c != '$' || i + 1 >= n) {
      out.append(c);
      i++;
      continue;
    }
    char16_t d = t->at(i + 1);
    if (d == '$') {
      out.append('$');
      i += 2;
    } else if (d == '`') {
      out.append(str(vm, s.get()), 0, position);
      i += 2;
    } else if (d == '&') {
      out.append(str(vm, m.get()));
      i += 2;
    } else if (d == '\'') {
      uint64_t tail = uint64_t(position) + str(vm, m.get())->length;
      if (tail < stringLen) out.append(str(vm, s.get()), uint32_t(tail), stringLen);
      i += 2;
    } else if (d >= '0' && d <= '9') {
      uint32_t digitCount = (i + 2 < n && t->at(i + 2) >= '0' && t->at(i + 2) <= '9') ? 2 : 1;
      uint32_t index = d - '0';
      if (digitCount == 2) index = index * 10 + (t->at(i + 2) - '0');
      if (index > captureLen && digitCount == 2) {
        digitCount = 1;
        index = d - '0';
      }
      if (index >= 1 && index <= captureLen) {
        Value cap = vm.cell<ValueArrayCell>(caps.get())->data()[index - 1];
        if (!cap.isUndefined()) out.append(str(vm, cap));
      } else {
        out.append(t, i, i + 1 + digitCount);
      }
      i += 1 + digitCount;
    } else if (d == '<') {
      uint32_t gt = i + 2;
      while (gt < n && t->at(gt) != '>') gt++;
      if (gt >= n || named.get().isUndefined()) {
        out.appendAscii("$<");
        i += 2;
        continue;
      }
      Value groupName = substring(vm, tmpl.get(), i + 2, gt);
      if (groupName.isException()) return Status::Exception;
      Value key = keyFromString(vm, groupName);
      if (key.isException()) return Status::Exception;
      Value cap = get(vm, named.get(), key);
      if (cap.isException()) return Status::Exception;
      if (!cap.isUndefined()) {
        Value cs = toString(vm, cap);
        if (cs.isException()) return Status::Exception;
        out.append(str(vm, cs));
      }
      t = str(vm, tmpl.get());
      i = gt + 1;
    } else {
      out.append('$');
      i++;
    }
  }
  return Status::True;
}

}  // namespace kiln
