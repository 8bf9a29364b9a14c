#include "engine/strings.h"

#include <algorithm>
#include <cstring>

#include "engine/hash_table.h"

namespace kiln {

namespace {

size_t stringCellBytes(size_t length, bool twoByte) {
  return sizeof(StringCell) + length * (twoByte ? 2 : 1);
}

}  // namespace

Value allocString(VM& vm, size_t length, bool twoByte) {
  if (length > (size_t(1) << 30) - 64) return vm.throwRangeError("Invalid string length");
  Ref r = vm.allocate(CellKind::String, stringCellBytes(length, twoByte));
  if (!r) return Value::exception();
  auto* s = vm.cell<StringCell>(r);
  s->length = uint32_t(length);
  s->flags = twoByte ? StringCell::kTwoByte : 0;
  return Value::string(r);
}

Value newStringLatin1(VM& vm, const uint8_t* chars, size_t length) {
  Value v = KILN_TRY(allocString(vm, length, false));
  if (length) std::memcpy(str(vm, v)->latin1(), chars, length);
  return v;
}

Value newStringUtf16(VM& vm, const char16_t* chars, size_t length) {
  bool wide = false;
  for (size_t i = 0; i < length; i++) {
    if (chars[i] > 0xFF) { wide = true; break; }
  }
  Value v = KILN_TRY(allocString(vm, length, wide));
  StringCell* s = str(vm, v);
  if (wide) {
    if (length) std::memcpy(s->utf16(), chars, length * 2);
  } else {
    for (size_t i = 0; i < length; i++) s->latin1()[i] = uint8_t(chars[i]);
  }
  return v;
}

Value newStringUtf8(VM& vm, std::string_view utf8) {
  bool ascii = std::all_of(utf8.begin(), utf8.end(), [](char c) { return uint8_t(c) < 0x80; });
  if (ascii) return newStringLatin1(vm, reinterpret_cast<const uint8_t*>(utf8.data()), utf8.size());
  std::u16string out;
  out.reserve(utf8.size());
  size_t i = 0, n = utf8.size();
  auto byte = [&](size_t k) { return uint8_t(utf8[k]); };
  while (i < n) {
    uint8_t c = byte(i);
    uint32_t cp;
    size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
    else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
    else { out.push_back(0xFFFD); i++; continue; }
    if (i + len > n) { out.push_back(0xFFFD); i++; continue; }
    bool ok = true;
    for (size_t k = 1; k < len; k++) {
      if ((byte(i + k) & 0xC0) != 0x80) { ok = false; break; }
      cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    if (!ok) { out.push_back(0xFFFD); i++; continue; }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(char16_t(0xD800 + (cp >> 10)));
      out.push_back(char16_t(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(char16_t(cp));
    }
  }
  return newStringUtf16(vm, out.data(), out.size());
}

Value concatStrings(VM& vm, Value a, Value b) {
  uint32_t la = stringLength(vm, a), lb = stringLength(vm, b);
  if (la == 0) return b;
  if (lb == 0) return a;
  Root ra(vm.heap(), a), rb(vm.heap(), b);
  bool wide = str(vm, a)->twoByte() || str(vm, b)->twoByte();
  Value v = KILN_TRY(allocString(vm, size_t(la) + lb, wide));
  StringCell* s = str(vm, v);
  StringCell* sa = str(vm, ra.get());
  StringCell* sb = str(vm, rb.get());
  if (!wide) {
    std::memcpy(s->latin1(), sa->latin1(), la);
    std::memcpy(s->latin1() + la, sb->latin1(), lb);
  } else {
    char16_t* d = s->utf16();
    for (uint32_t i = 0; i < la; i++) d[i] = sa->at(i);
    for (uint32_t i = 0; i < lb; i++) d[la + i] = sb->at(i);
  }
  return v;
}

Value substring(VM& vm, Value sv, uint32_t start, uint32_t end) {
  StringCell* s = str(vm, sv);
  if (start == 0 && end == s->length) return sv;
  if (start >= end) return vm.atom(Atom::empty);
  Root root(vm.heap(), sv);
  if (!s->twoByte()) {
    Value v = KILN_TRY(allocString(vm, end - start, false));
    std::memcpy(str(vm, v)->latin1(), str(vm, root.get())->latin1() + start, end - start);
    return v;
  }
  std::u16string copy(s->utf16() + start, s->utf16() + end);
  return newStringUtf16(vm, copy.data(), copy.size());
}

uint32_t stringHash(StringCell* s) {
  if (s->flags & StringCell::kHashed) return s->hash;
  // FNV-1a over code units; the same value for both representations.
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < s->length; i++) {
    h ^= s->at(i);
    h *= 16777619u;
  }
  s->hash = h;
  s->flags |= StringCell::kHashed;
  return h;
}

bool stringEquals(const StringCell* a, const StringCell* b) {
  if (a == b) return true;
  if (a->length != b->length) return false;
  if (a->twoByte() != b->twoByte()) return false;  // both are narrowest forms
  if ((a->flags & StringCell::kHashed) && (b->flags & StringCell::kHashed) && a->hash != b->hash) return false;
  size_t bytes = size_t(a->length) * (a->twoByte() ? 2 : 1);
  return std::memcmp(a + 1, b + 1, bytes) == 0;
}

bool stringEqualsAscii(const StringCell* s, std::string_view ascii) {
  if (s->length != ascii.size()) return false;
  for (uint32_t i = 0; i < s->length; i++)
    if (s->at(i) != char16_t(uint8_t(ascii[i]))) return false;
  return true;
}

int compareStrings(const StringCell* a, const StringCell* b) {
  uint32_t n = std::min(a->length, b->length);
  if (!a->twoByte() && !b->twoByte()) {
    int c = std::memcmp(a->latin1(), b->latin1(), n);
    if (c) return c;
  } else {
    for (uint32_t i = 0; i < n; i++) {
      char16_t x = a->at(i), y = b->at(i);
      if (x != y) return x < y ? -1 : 1;
    }
  }
  return a->length < b->length ? -1 : a->length > b->length ? 1 : 0;
}

std::string toUtf8(const StringCell* s) {
  std::string out;
  out.reserve(s->length);
  for (uint32_t i = 0; i < s->length; i++) {
    uint32_t c = s->at(i);
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s->length) {
      uint32_t d = s->at(i + 1);
      if (d >= 0xDC00 && d <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i++;
      }
    }
    if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;  // lone surrogate
    if (c < 0x80) {
      out.push_back(char(c));
    } else if (c < 0x800) {
      out.push_back(char(0xC0 | (c >> 6)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(char(0xE0 | (c >> 12)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    } else {
      out.push_back(char(0xF0 | (c >> 18)));
      out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

std::u16string toUtf16(const StringCell* s) {
  std::u16string out(s->length, u'\0');
  for (uint32_t i = 0; i < s->length; i++) out[i] = s->at(i);
  return out;
}

bool stringToArrayIndex(StringCell* s, uint32_t* index) {
  if (s->flags & StringCell::kArrayIndexKnown) {
    if (!(s->flags & StringCell::kIsArrayIndex)) return false;
    *index = s->indexValue;
    return true;
  }
  bool ok = false;
  uint64_t v = 0;
  uint32_t n = s->length;
  if (n > 0 && n <= 10) {
    char16_t c0 = s->at(0);
    if (c0 >= '0' && c0 <= '9' && (c0 != '0' || n == 1)) {
      ok = true;
      for (uint32_t i = 0; i < n; i++) {
        char16_t c = s->at(i);
        if (c < '0' || c > '9') { ok = false; break; }
        v = v * 10 + (c - '0');
      }
      if (v > 4294967294ull) ok = false;
    }
  }
  s->flags |= StringCell::kArrayIndexKnown;
  if (ok) {
    s->flags |= StringCell::kIsArrayIndex;
    s->indexValue = uint32_t(v);
    *index = uint32_t(v);
  }
  return ok;
}

// ---- atoms -------------------------------------------------------------------

Value atomize(VM& vm, Value sv) {
  StringCell* s = str(vm, sv);
  if (s->isAtom()) return sv;
  Ref table = vm.roots().atomTable.ref();
  uint32_t i = hashTableFind(vm, table, sv);
  if (i != kNotFound) return vm.cell<HashTableCell>(table)->entry(i)[0];
  Root root(vm.heap(), sv);
  Ref grown = hashTableAdd(vm, table, sv, nullptr);
  if (!grown) return Value::exception();
  vm.roots().atomTable = Value::cell(grown);
  str(vm, root.get())->flags |= StringCell::kAtom;
  return root.get();
}

Value atomFromUtf8(VM& vm, std::string_view utf8) {
  Value s = KILN_TRY(newStringUtf8(vm, utf8));
  return atomize(vm, s);
}

Value atomFromUtf16(VM& vm, std::u16string_view text) {
  Value s = KILN_TRY(newStringUtf16(vm, text.data(), text.size()));
  return atomize(vm, s);
}

void initAtoms(VM& vm) {
  vm.roots().atomTable = Value::cell(newHashTable(vm, 1, 1024));
  static const char* const kTexts[] = {
#define KILN_ATOM(id, text) text,
#include "engine/atoms.def"
#undef KILN_ATOM
  };
  constexpr uint32_t count = uint32_t(Atom::Count);
  Ref arr = vm.allocate(CellKind::ValueArray, sizeof(ValueArrayCell) + count * sizeof(Value));
  auto* a = vm.cell<ValueArrayCell>(arr);
  a->capacity = a->length = count;
  for (uint32_t i = 0; i < count; i++) a->data()[i] = Value::undefined();
  vm.roots().atoms = Value::cell(arr);
  for (uint32_t i = 0; i < count; i++) {
    Value atom = atomFromUtf8(vm, kTexts[i]);
    vm.cell<ValueArrayCell>(vm.roots().atoms)->data()[i] = atom;
  }
}

}  // namespace kiln
