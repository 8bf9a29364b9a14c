// util.inspect and util.format as Node v20 writes them (see inspect.h).
//
// The structure follows Node's lib/internal/util/inspect.js function by
// function (formatValue, formatRaw, formatProperty, reduceToSingleString,
// groupArrayElements, formatError...), because matching its output byte for
// byte depends on reproducing its decisions in the same order: the
// `currentDepth` bookkeeping that decides how many levels stay on one line,
// the `start` estimate of isBelowBreakLength, the column arithmetic of
// array grouping. Lengths are measured in UTF-16 code units, as JS does.
//
// Abrupt completions of user code (getters, custom inspect functions,
// toString) unwind the recursive formatter with a private C++ exception,
// caught at the entry points, which leave the JS exception pending. Every
// heap value the formatter holds across an allocation is either in a Root
// on the C++ stack or in a HeapList (a rooted ValueArray).
#include "builtins/inspect.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "builtins/builtins.h"
#include "engine/bigint.h"
#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/hash_table.h"
#include "engine/number_conv.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

namespace {

// Thrown when a JS exception is pending; never escapes this file.
struct Abrupt {};

Value ck(Value v) {
  if (v.isException()) throw Abrupt{};
  return v;
}
bool ck(Status s) {
  if (s == Status::Exception) throw Abrupt{};
  return s == Status::True;
}

// ---- text helpers -------------------------------------------------------------

void appendUtf8(std::string& out, char32_t c) {
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

// UTF-16 to UTF-8; a lone surrogate becomes U+FFFD, as when Node writes a
// string to a stream.
std::string utf8(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); i++) {
    char32_t c = s[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      i++;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    appendUtf8(out, c);
  }
  return out;
}

std::u16string jsString(VM& vm, Value s) { return toUtf16(vm, s); }

// Length in UTF-16 code units of UTF-8 text (String.prototype.length).
size_t jsLength(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n++;
    if (c >= 0xF0) n++;  // a supplementary code point is two units
  }
  return n;
}

// Columns the text takes on a terminal (readline's getStringWidth): one per
// code point, two for wide East Asian characters and emoji, none for
// combining marks.
size_t displayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    char32_t cp;
    int n;
    if (c < 0x80) { cp = c; n = 1; }
    else if (c < 0xE0) { cp = c & 0x1F; n = 2; }
    else if (c < 0xF0) { cp = c & 0x0F; n = 3; }
    else { cp = c & 0x07; n = 4; }
    for (int k = 1; k < n && i + k < s.size(); k++) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += n;
    if (cp >= 0x300 && cp <= 0x36F) continue;  // combining diacritical marks
    if (cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F)) continue;
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    width += wide ? 2 : 1;
  }
  return width;
}

std::string spaces(int n) { return std::string(size_t(std::max(n, 0)), ' '); }

std::string replaceAll(std::string s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string hex(uint32_t v, bool upper) {
  static const char* lo = "0123456789abcdef";
  static const char* up = "0123456789ABCDEF";
  std::string s;
  do {
    s.insert(s.begin(), (upper ? up : lo)[v & 15]);
    v >>= 4;
  } while (v);
  return s;
}

// Node's `meta` table: how a code unit below 0xA0 is escaped ('' = as is).
std::string metaEscape(char16_t c) {
  switch (c) {
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\f': return "\\f";
    case '\r': return "\\r";
    case '\'': return "\\'";
    case '\\': return "\\\\";
    default: {
      std::string h = hex(c, true);
      return "\\x" + (h.size() < 2 ? "0" + h : h);
    }
  }
}

// strEscape: quotes a string the way Node does. Single quotes by default;
// double quotes when the string contains single quotes but no double ones;
// backticks when it contains both but no backtick and no "${".
std::string quoteString(std::u16string_view str) {
  char16_t quote = '\'';
  bool has1 = str.find(u'\'') != std::u16string_view::npos;
  if (has1) {
    if (str.find(u'"') == std::u16string_view::npos) quote = '"';
    else if (str.find(u'`') == std::u16string_view::npos && str.find(u"${") == std::u16string_view::npos) quote = '`';
  }
  std::string out;
  out.push_back(char(quote));
  size_t last = 0;
  auto flush = [&](size_t i) {
    if (i > last) out += utf8(str.substr(last, i - last));
  };
  for (size_t i = 0; i < str.size(); i++) {
    char16_t c = str[i];
    if ((c == '\'' && quote == '\'') || c == '\\' || c < 0x20 || (c > 0x7E && c < 0xA0)) {
      flush(i);
      out += metaEscape(c);
      last = i + 1;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      if (c <= 0xDBFF && i + 1 < str.size() && str[i + 1] >= 0xDC00 && str[i + 1] <= 0xDFFF) {
        i++;
        continue;
      }
      flush(i);
      out += "\\u" + hex(c, false);
      last = i + 1;
    }
  }
  flush(str.size());
  out.push_back(char(quote));
  return out;
}

bool isIdentifierKey(std::u16string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char16_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char16_t c : s.substr(1))
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

std::string formatNumber(double d) {
  if (d == 0 && std::signbit(d)) return "-0";
  return numberToString(d);
}

std::string formatBigInt(VM& vm, Value v) { return bigint::toString(bigIntView(vm, v), 10) + "n"; }

std::string symbolText(VM& vm, Value sym) {
  Value d = vm.cell<SymbolCell>(sym)->description;
  return "Symbol(" + (d.isString() ? utf8(jsString(vm, d)) : std::string()) + ")";
}

std::string remainingText(size_t remaining) {
  return "... " + std::to_string(remaining) + " more item" + (remaining > 1 ? "s" : "");
}

// ---- rooted lists ----------------------------------------------------------------

// A growable list of Values kept in a ValueArray cell held by a Root, so that
// what it holds survives collections.
class HeapList {
 public:
  explicit HeapList(VM& vm) : vm_(vm), array_(vm.heap(), Value::undefined()) {}
  uint32_t size() const { return size_; }
  Value at(uint32_t i) const { return cell()->data()[i]; }
  void set(uint32_t i, Value v) { cell()->data()[i] = v; }
  void push(Value v) { insert(size_, v); }
  void pop() { cell()->data()[--size_] = Value::undefined(); cell()->length = size_; }
  void insert(uint32_t at, Value v) {
    if (array_.get().isUndefined() || size_ == cell()->capacity) {
      Root keep(vm_.heap(), v);
      uint32_t cap = size_ < 4 ? 8 : size_ * 2;
      Ref fresh = newValueArray(vm_, cap, 0);
      if (!fresh) throw Abrupt{};
      auto* f = vm_.cell<ValueArrayCell>(fresh);
      for (uint32_t i = 0; i < size_; i++) f->data()[i] = cell()->data()[i];
      array_.set(Value::cell(fresh));
      v = keep.get();
    }
    Value* d = cell()->data();
    for (uint32_t i = size_; i > at; i--) d[i] = d[i - 1];
    d[at] = v;
    cell()->length = ++size_;
  }
  void erase(uint32_t at, uint32_t count = 1) {
    if (at >= size_) return;
    count = std::min(count, size_ - at);
    Value* d = cell()->data();
    for (uint32_t i = at; i + count < size_; i++) d[i] = d[i + count];
    for (uint32_t i = size_ - count; i < size_; i++) d[i] = Value::undefined();
    size_ -= count;
    cell()->length = size_;
  }
  int32_t indexOf(Value v) const {
    for (uint32_t i = 0; i < size_; i++)
      if (at(i) == v) return int32_t(i);
    return -1;
  }

 private:
  ValueArrayCell* cell() const { return vm_.cell<ValueArrayCell>(array_.get()); }
  VM& vm_;
  Root array_;
  uint32_t size_ = 0;
};

// ---- the formatter ------------------------------------------------------------------

enum ExtrasType { kObjectType, kArrayType, kArrayExtrasType };

// Limit on the formatter's own C++ nesting (custom inspect functions can
// return ever new objects without increasing the depth).
constexpr int kMaxNesting = 500;

struct Ctx {
  Ctx(VM& vm, const InspectOptions& o) : vm(vm), o(o), seen(vm), circular(vm) {}
  VM& vm;
  InspectOptions o;
  int indentationLvl = 0;
  int currentDepth = 0;
  HeapList seen;      // the objects being formatted, outermost first
  HeapList circular;  // objects found to be circular; their index + 1 is their reference number
  std::unordered_map<int, size_t> budget;
  int nesting = 0;
};

struct NestingGuard {
  explicit NestingGuard(Ctx& c) : ctx(c) {
    if (++ctx.nesting > kMaxNesting) {
      ctx.nesting--;
      ctx.vm.throwRangeError("Maximum call stack size exceeded");
      throw Abrupt{};
    }
  }
  ~NestingGuard() { ctx.nesting--; }
  Ctx& ctx;
};

std::string formatValue(Ctx& ctx, Value value, int recurseTimes, bool typedArray = false);

Value keyOf(VM& vm, std::string_view name) { return ck(keyFor(vm, name)); }

Value getKey(VM& vm, Value o, Value key) { return ck(get(vm, o, key)); }
Value getNamed(VM& vm, Value o, std::string_view name) {
  Root r(vm.heap(), o);
  Value key = keyOf(vm, name);
  return ck(get(vm, r.get(), key));
}

bool hasOwn(VM& vm, Value o, Value key) { return ck(hasOwnProperty(vm, o, key)); }

bool propertyIsEnumerable(VM& vm, Value o, Value key) {
  PropertyDescriptor d;
  if (!ck(getOwnProperty(vm, o, key, &d))) return false;
  return d.enumerable;
}

bool isKind(VM& vm, Value v, CellKind k) { return v.isObject() && kindOf(vm, v) == k; }

bool isIteratorWithTag(VM& vm, Value v, NativeId next) {
  return isKind(vm, v, CellKind::Iterator) &&
         vm.cell<InternalObjectCell>(v)->internal[5] == Value::int32(int32_t(next));
}

bool hasInstance(VM& vm, Value ctor, Value o) {
  Value r = ordinaryHasInstance(vm, ctor, o);
  if (r.isException()) {
    vm.takeException();
    return false;
  }
  return r.isTrue();
}

bool keyIs(VM& vm, Value key, std::string_view name) {
  return key.isString() && stringEqualsAscii(str(vm, key), name);
}

// V8's internal class name of an object (used where Node asks V8 directly).
std::string internalConstructorName(VM& vm, Value v) {
  switch (kindOf(vm, v)) {
    case CellKind::Array: return "Array";
    case CellKind::Function:
    case CellKind::NativeFunction:
    case CellKind::BoundFunction: return "Function";
    case CellKind::Error: return "Error";
    case CellKind::Map: return "Map";
    case CellKind::Set: return "Set";
    case CellKind::WeakMap: return "WeakMap";
    case CellKind::WeakSet: return "WeakSet";
    case CellKind::Date: return "Date";
    case CellKind::RegExp: return "RegExp";
    case CellKind::Promise: return "Promise";
    case CellKind::ArrayBuffer: return "ArrayBuffer";
    case CellKind::DataView: return "DataView";
    case CellKind::Namespace: return "Module";
    default: return "Object";
  }
}

// The name of the nearest constructor on the prototype chain whose
// `prototype` the object inherits from, or nullopt for null-prototype objects.
std::optional<std::string> getConstructorName(Ctx& ctx, Value object, int recurseTimes) {
  VM& vm = ctx.vm;
  Root tmp(vm.heap(), object), obj(vm.heap(), object), firstProto(vm.heap(), Value::empty());
  static constexpr std::pair<Intrinsic, Intrinsic> kWellKnown[] = {
      {Intrinsic::ArrayPrototype, Intrinsic::Array},       {Intrinsic::ArrayBufferPrototype, Intrinsic::ArrayBuffer},
      {Intrinsic::FunctionPrototype, Intrinsic::Function}, {Intrinsic::MapPrototype, Intrinsic::Map},
      {Intrinsic::ObjectPrototype, Intrinsic::Object},     {Intrinsic::SetPrototype, Intrinsic::Set},
      {Intrinsic::TypedArrayPrototype, Intrinsic::TypedArray},
  };
  static const char* const kWellKnownNames[] = {"Array", "ArrayBuffer", "Function", "Map", "Object", "Set", "TypedArray"};
  // Prototype chains can be cyclic only through proxies, which are not followed here.
  for (int guard = 0; obj.get().isObject() && guard < 10000; guard++) {
    for (size_t i = 0; i < std::size(kWellKnown); i++) {
      if (obj.get() == vm.intrinsic(kWellKnown[i].first)) {
        Value ctor = vm.intrinsic(kWellKnown[i].second);
        if (ctor.isObject() && hasInstance(vm, ctor, tmp.get())) return std::string(kWellKnownNames[i]);
      }
    }
    RootedDescriptor d(vm.heap());
    if (ck(getOwnProperty(vm, obj.get(), vm.atom(Atom::constructor), d.get()))) {
      d.sync();
      Value c = d->value;
      if (d->hasValue && c.isObject() && isCallable(vm, c)) {
        Value name = getKey(vm, c, vm.atom(Atom::name));
        bool nonEmpty = !(name.isString() && stringLength(vm, name) == 0) && !name.isUndefined();
        if (nonEmpty && hasInstance(vm, d->value, tmp.get())) {
          if (name.isString()) return utf8(jsString(vm, name));
          return utf8(jsString(vm, ck(toString(vm, name))));
        }
      }
    }
    Value proto = ck(getPrototypeOf(vm, obj.get()));
    obj.set(proto);
    if (firstProto.get().isEmpty()) firstProto.set(proto);
  }
  if (firstProto.get().isNull() || firstProto.get().isEmpty()) return std::nullopt;
  std::string res = internalConstructorName(vm, tmp.get());
  if (recurseTimes > ctx.o.depth) return res + " <Complex prototype>";
  std::optional<std::string> protoConstr = getConstructorName(ctx, firstProto.get(), recurseTimes + 1);
  if (!protoConstr) {
    InspectOptions o = ctx.o;
    o.customInspect = false;
    o.depth = -1;
    Ctx inner(vm, o);
    return res + " <" + formatValue(inner, firstProto.get(), 0) + ">";
  }
  return res + " <" + *protoConstr + ">";
}

std::string getPrefix(const std::optional<std::string>& constructor, const std::string& tag,
                      const std::string& fallback, const std::string& size = "") {
  if (!constructor) {
    if (!tag.empty() && fallback != tag) return "[" + fallback + size + ": null prototype] [" + tag + "] ";
    return "[" + fallback + size + ": null prototype] ";
  }
  if (!tag.empty() && *constructor != tag) return *constructor + size + " [" + tag + "] ";
  return *constructor + size + " ";
}

std::string getCtxStyle(VM& vm, Value value, const std::optional<std::string>& constructor, const std::string& tag) {
  std::string fallback;
  if (!constructor) {
    fallback = internalConstructorName(vm, value);
    if (fallback == tag) fallback = "Object";
  }
  return getPrefix(constructor, tag, fallback);
}

// Own keys to show: enumerable string keys then enumerable symbols (all of
// them with showHidden), in [[OwnPropertyKeys]] order.
void getKeys(Ctx& ctx, Value value, HeapList& keys, bool nonIndexOnly = false) {
  VM& vm = ctx.vm;
  Root v(vm.heap(), value);
  Ref list = ownPropertyKeys(vm, value);
  if (!list) throw Abrupt{};
  Root listRoot(vm.heap(), Value::cell(list));
  uint32_t n = vm.cell<ValueArrayCell>(listRoot.get())->length;
  bool namespaceObject = isKind(vm, value, CellKind::Namespace);
  for (uint32_t i = 0; i < n; i++) {
    Value key = vm.cell<ValueArrayCell>(listRoot.get())->data()[i];
    if (nonIndexOnly && isIndexKey(key)) continue;
    if (namespaceObject) {
      // Reading a namespace's property may throw (uninitialized binding):
      // every exported name is enumerable, the tag is not.
      if (!key.isSymbol() || ctx.o.showHidden) keys.push(key);
      continue;
    }
    if (!ctx.o.showHidden && !propertyIsEnumerable(vm, v.get(), key)) continue;
    keys.push(key);
  }
}

// ---- reduceToSingleString and friends -----------------------------------------------

bool isBelowBreakLength(Ctx& ctx, const std::vector<std::string>& output, size_t start, const std::string& base) {
  size_t totalLength = output.size() + start;
  if (totalLength + output.size() > size_t(ctx.o.breakLength)) return false;
  for (const std::string& s : output) {
    totalLength += jsLength(s);
    if (totalLength > size_t(ctx.o.breakLength)) return false;
  }
  return base.empty() || base.find('\n') == std::string::npos;
}

std::string join(const std::vector<std::string>& output, std::string_view sep) {
  std::string s;
  for (size_t i = 0; i < output.size(); i++) {
    if (i) s += sep;
    s += output[i];
  }
  return s;
}

std::string padStart(const std::string& s, size_t width) {
  size_t len = jsLength(s);
  return len >= width ? s : spaces(int(width - len)) + s;
}
std::string padEnd(const std::string& s, size_t width) {
  size_t len = jsLength(s);
  return len >= width ? s : s + spaces(int(width - len));
}

// Arrays of many short entries are printed in aligned columns.
std::vector<std::string> groupArrayElements(Ctx& ctx, const std::vector<std::string>& output, Value value) {
  size_t totalLength = 0, maxLength = 0;
  size_t outputLength = output.size();
  if (ctx.o.maxArrayLength < output.size()) outputLength--;  // the "... more items" entry
  const size_t separatorSpace = 2;
  std::vector<size_t> dataLen(outputLength);
  for (size_t i = 0; i < outputLength; i++) {
    size_t len = displayWidth(output[i]);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  size_t actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + size_t(ctx.indentationLvl) < size_t(ctx.o.breakLength) &&
      (double(totalLength) / double(actualMax) > 5 || maxLength <= 6)) {
    const double approxCharHeights = 2.5, averageBias = std::sqrt(actualMax - double(totalLength) / output.size());
    const double biasedMax = std::max(double(actualMax) - 3 - averageBias, 1.0);
    double columnsD = std::min({std::round(std::sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
                                std::floor(double(ctx.o.breakLength - ctx.indentationLvl) / double(actualMax)),
                                double(ctx.o.compact) * 4, 15.0});
    if (columnsD <= 1) return output;
    size_t columns = size_t(columnsD);
    std::vector<size_t> maxLineLength;
    for (size_t i = 0; i < columns; i++) {
      size_t lineMaxLength = 0;
      for (size_t j = i; j < output.size(); j += columns)
        if (j < outputLength && dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
      maxLineLength.push_back(lineMaxLength + separatorSpace);
    }
    // Numbers are right-aligned, anything else left-aligned.
    bool numeric = true;
    if (!value.isUndefined()) {
      VM& vm = ctx.vm;
      Root v(vm.heap(), value);
      for (size_t i = 0; i < output.size(); i++) {
        Value e = getKey(vm, v.get(), Value::number(double(i)));
        if (!e.isNumber() && !e.isBigInt()) {
          numeric = false;
          break;
        }
      }
    }
    std::vector<std::string> tmp;
    for (size_t i = 0; i < outputLength; i += columns) {
      size_t max = std::min(i + columns, outputLength);
      std::string line;
      size_t j = i;
      for (; j < max - 1; j++) {
        // Widths are display widths; padding counts code units, so correct for the difference.
        size_t padding = maxLineLength[j - i] + jsLength(output[j]) - dataLen[j];
        line += numeric ? padStart(output[j] + ", ", padding) : padEnd(output[j] + ", ", padding);
      }
      if (numeric) {
        size_t padding = maxLineLength[j - i] + jsLength(output[j]) - dataLen[j] - separatorSpace;
        line += padStart(output[j], padding);
      } else {
        line += output[j];
      }
      tmp.push_back(std::move(line));
    }
    if (ctx.o.maxArrayLength < output.size()) tmp.push_back(output[outputLength]);
    return tmp;
  }
  return output;
}

std::string reduceToSingleString(Ctx& ctx, std::vector<std::string> output, const std::string& base,
                                 const std::string& brace0, const std::string& brace1, ExtrasType extrasType,
                                 int recurseTimes, Value value = Value::undefined()) {
  if (ctx.o.compact >= 1) {
    size_t entries = output.size();
    if (extrasType == kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    // Up to `compact` inner levels are put on one line, if they fit.
    if (ctx.currentDepth - recurseTimes < ctx.o.compact && entries == output.size()) {
      size_t start = output.size() + size_t(ctx.indentationLvl) + jsLength(brace0) + jsLength(base) + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        std::string joined = join(output, ", ");
        if (joined.find('\n') == std::string::npos)
          return (base.empty() ? "" : base + " ") + brace0 + " " + joined + " " + brace1;
      }
    }
  }
  std::string indentation = "\n" + spaces(ctx.indentationLvl);
  return (base.empty() ? "" : base + " ") + brace0 + indentation + "  " + join(output, "," + indentation + "  ") +
         indentation + brace1;
}

// ---- properties ----------------------------------------------------------------------

std::string formatProperty(Ctx& ctx, Value object, int recurseTimes, Value key, ExtrasType type,
                           const PropertyDescriptor* given = nullptr) {
  VM& vm = ctx.vm;
  Root o(vm.heap(), object), k(vm.heap(), key);
  RootedDescriptor desc(vm.heap());
  if (given) {
    *desc.get() = *given;
  } else if (!ck(getOwnProperty(vm, o.get(), k.get(), desc.get()))) {
    desc.get()->value = getKey(vm, o.get(), k.get());
    desc.get()->hasValue = true;
    desc.get()->enumerable = true;
  }
  desc.sync();
  std::string s;
  if (!desc->value.isUndefined()) {
    ctx.indentationLvl += 2;
    s = formatValue(ctx, desc->value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (!desc->getter.isUndefined()) {
    const char* label = desc->setter.isUndefined() ? "Getter" : "Getter/Setter";
    if (ctx.o.getters) {
      Value r = call(vm, desc->getter, o.get());
      if (r.isException()) {
        Root err(vm.heap(), vm.takeException());
        std::string message;
        if (err.get().isObject()) {
          Value m = get(vm, err.get(), vm.atom(Atom::message));
          if (m.isException()) vm.takeException();
          else if (m.isString()) message = utf8(jsString(vm, m));
        }
        s = std::string("[") + label + ": <Inspection threw (" + message + ")>]";
      } else if (r.isNull()) {
        s = std::string("[") + label + ": null]";
      } else if (r.isObject()) {
        ctx.indentationLvl += 2;
        s = std::string("[") + label + "] " + formatValue(ctx, r, recurseTimes);
        ctx.indentationLvl -= 2;
      } else {
        ctx.indentationLvl += 2;
        s = std::string("[") + label + ": " + formatValue(ctx, r, recurseTimes) + "]";
        ctx.indentationLvl -= 2;
      }
    } else {
      s = std::string("[") + label + "]";
    }
  } else if (!desc->setter.isUndefined()) {
    s = "[Setter]";
  } else {
    s = "undefined";
  }
  if (type == kArrayType) return s;
  std::string name;
  if (k.get().isSymbol()) {
    std::u16string text = u"Symbol(";
    Value d = vm.cell<SymbolCell>(k.get())->description;
    if (d.isString()) text += jsString(vm, d);
    text += u")";
    // Escaped like a string, without the quotes.
    std::string q = quoteString(text);
    name = "[" + q.substr(1, q.size() - 2) + "]";
  } else if (keyIs(vm, k.get(), "__proto__")) {
    name = "['__proto__']";
  } else {
    std::u16string text = k.get().isNumber() ? std::u16string() : jsString(vm, k.get());
    if (k.get().isNumber()) {
      for (char c : numberToString(k.get().toDouble())) text.push_back(char16_t(c));
    }
    if (desc->hasEnumerable && !desc->enumerable) {
      std::string q = quoteString(text);
      name = "[" + q.substr(1, q.size() - 2) + "]";
    } else if (isIdentifierKey(text)) {
      name = utf8(text);
    } else {
      name = quoteString(text);
    }
  }
  return name + ": " + s;
}

// ---- primitives ---------------------------------------------------------------------

std::string formatPrimitive(Ctx& ctx, Value v) {
  VM& vm = ctx.vm;
  if (v.isString()) {
    std::u16string s = jsString(vm, v);
    std::string trailer;
    if (s.size() > ctx.o.maxStringLength) {
      size_t remaining = s.size() - ctx.o.maxStringLength;
      s.resize(ctx.o.maxStringLength);
      trailer = "... " + std::to_string(remaining) + " more character" + (remaining > 1 ? "s" : "");
    }
    if (ctx.o.compact >= 1 && s.size() > 16 && int(s.size()) > ctx.o.breakLength - ctx.indentationLvl - 4) {
      // Long strings are split after each newline into concatenated pieces.
      std::string out;
      size_t start = 0;
      std::string sep = " +\n" + spaces(ctx.indentationLvl + 2);
      while (start < s.size()) {
        size_t nl = s.find(u'\n', start);
        size_t end = nl == std::u16string::npos ? s.size() : nl + 1;
        if (start) out += sep;
        out += quoteString(std::u16string_view(s).substr(start, end - start));
        start = end;
      }
      if (s.empty()) out = quoteString(s);
      return out + trailer;
    }
    return quoteString(s) + trailer;
  }
  if (v.isNumber()) return formatNumber(v.toDouble());
  if (v.isBigInt()) return formatBigInt(vm, v);
  if (v.isBool()) return v.isTrue() ? "true" : "false";
  if (v.isUndefined()) return "undefined";
  if (v.isNull()) return "null";
  if (v.isSymbol()) return symbolText(vm, v);
  return "<internal>";
}

// ---- errors -----------------------------------------------------------------------------

// Error.prototype.toString's result, without calling a user override.
std::string errorToString(VM& vm, Value err) {
  Root e(vm.heap(), err);
  Value name = getKey(vm, e.get(), vm.atom(Atom::name));
  std::string n = name.isUndefined() ? "Error" : utf8(jsString(vm, ck(toString(vm, name))));
  Value msg = getKey(vm, e.get(), vm.atom(Atom::message));
  std::string m = msg.isUndefined() ? "" : utf8(jsString(vm, ck(toString(vm, msg))));
  if (n.empty()) return m;
  if (m.empty()) return n;
  return n + ": " + m;
}

bool isErrorObject(VM& vm, Value v) {
  if (isKind(vm, v, CellKind::Error)) return true;
  Value ep = vm.intrinsic(Intrinsic::ErrorPrototype);
  Value cur = v;
  for (int guard = 0; guard < 10000 && cur.isObject(); guard++) {
    if (kindOf(vm, cur) == CellKind::Proxy) return false;
    Ref p = obj(vm, cur)->proto;
    if (!p) return false;
    cur = Value::object(p);
    if (cur == ep) return true;
  }
  return false;
}

std::string getStackString(Ctx& ctx, Value err) {
  VM& vm = ctx.vm;
  Root e(vm.heap(), err);
  Value stack = getKey(vm, e.get(), vm.atom(Atom::stack));
  if (toBoolean(vm, stack)) {
    if (stack.isString()) return utf8(jsString(vm, stack));
    return formatValue(ctx, stack, 0);
  }
  return errorToString(vm, e.get());
}

std::vector<std::string> splitLines(const std::string& s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(s.substr(start));
      return lines;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
}

// Removes the frames an error shares with its cause's stack.
std::vector<std::string> getStackFrames(Ctx& ctx, Value err, const std::string& stackFrames) {
  VM& vm = ctx.vm;
  std::vector<std::string> frames = splitLines(stackFrames);
  Root e(vm.heap(), err);
  Value cause = get(vm, e.get(), vm.atom(Atom::cause));
  if (cause.isException()) {
    vm.takeException();
    return frames;
  }
  if (!cause.isObject() || !isErrorObject(vm, cause)) return frames;
  std::string causeStack = getStackString(ctx, cause);
  size_t causeStart = causeStack.find("\n    at");
  if (causeStart == std::string::npos) return frames;
  std::vector<std::string> causeFrames = splitLines(causeStack.substr(causeStart + 1));
  // identicalSequenceRange(frames, causeFrames)
  size_t len = 0, offset = 0;
  for (size_t i = 0; i + 3 < frames.size(); i++) {
    auto it = std::find(causeFrames.begin(), causeFrames.end(), frames[i]);
    if (it == causeFrames.end()) continue;
    size_t pos = size_t(it - causeFrames.begin());
    size_t rest = causeFrames.size() - pos;
    if (rest > 3) {
      size_t l = 1;
      size_t maxLen = std::min(frames.size() - i, rest);
      while (maxLen > l && frames[i + l] == causeFrames[pos + l]) l++;
      if (l > 3) {
        len = l;
        offset = i;
        break;
      }
    }
  }
  if (len > 0) {
    size_t skipped = len - 2;
    frames.erase(frames.begin() + long(offset + 1), frames.begin() + long(offset + 1 + skipped));
    frames.insert(frames.begin() + long(offset + 1),
                  "    ... " + std::to_string(skipped) + " lines matching cause stack trace ...");
  }
  return frames;
}

// Puts the constructor name in front of a stack whose first line does not
// name it (class FooError extends Error without setting `name`).
std::string improveStack(std::string stack, const std::optional<std::string>& constructor, const std::string& name,
                         const std::string& tag) {
  size_t len = name.size();
  auto endsWith = [](const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (!constructor || (endsWith(name, "Error") && stack.compare(0, name.size(), name) == 0 &&
                       (stack.size() == len || stack[len] == ':' || stack[len] == '\n'))) {
    std::string fallback = "Error";
    if (!constructor) {
      // The name at the start of the stack: "Name:" or "Name\n    at", else a bare "...Error".
      size_t i = 0;
      std::string found;
      if (!stack.empty() && stack[0] >= 'A' && stack[0] <= 'Z') {
        i = 1;
        auto ok = [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ' ' ||
                 c == '[' || c == ']' || c == '(' || c == ')' || c == '-';
        };
        while (i < stack.size() && ok(stack[i])) i++;
        // Backtrack so that the match ends right before ':' or "\n    at".
        for (size_t j = i; j >= 2; j--) {
          if (j < stack.size() && (stack[j] == ':' || stack.compare(j, 8, "\n    at") == 0)) {
            found = stack.substr(0, j);
            break;
          }
        }
      }
      if (found.empty() && endsWith(stack, "Error") && stack.find('\n') == std::string::npos) found = stack;
      fallback = found;
      len = fallback.size();
      if (fallback.empty()) fallback = "Error";
    }
    std::string prefix = getPrefix(constructor, tag, fallback);
    prefix.pop_back();
    if (name != prefix) {
      if (prefix.find(name) != std::string::npos) {
        if (len == 0) stack = prefix + ": " + stack;
        else stack = prefix + stack.substr(std::min(len, stack.size()));
      } else {
        stack = prefix + " [" + name + "]" + stack.substr(std::min(len, stack.size()));
      }
    }
  }
  return stack;
}

std::string formatError(Ctx& ctx, Value err, const std::optional<std::string>& constructor, const std::string& tag,
                        HeapList& keys) {
  VM& vm = ctx.vm;
  Root e(vm.heap(), err);
  Value nameV = getKey(vm, e.get(), vm.atom(Atom::name));
  std::string name = nameV.isNullish() ? "Error" : nameV.isString() ? utf8(jsString(vm, nameV)) : std::string();
  bool nameIsString = nameV.isNullish() || nameV.isString();
  std::string stack = getStackString(ctx, e.get());

  // removeDuplicateErrorKeys: name, message and stack are already shown by the stack.
  if (!ctx.o.showHidden && keys.size() != 0) {
    for (Atom a : {Atom::name, Atom::message, Atom::stack}) {
      int32_t index = keys.indexOf(vm.atom(a));
      if (index < 0) continue;
      Value v = getKey(vm, e.get(), vm.atom(a));
      if (!v.isString() || stack.find(utf8(jsString(vm, v))) != std::string::npos) keys.erase(uint32_t(index));
    }
  }
  if (ck(hasProperty(vm, e.get(), vm.atom(Atom::cause))) && keys.indexOf(vm.atom(Atom::cause)) < 0)
    keys.push(vm.atom(Atom::cause));
  {
    Value errors = getKey(vm, e.get(), vm.atom(Atom::errors));
    if (errors.isObject() && kindOf(vm, errors) == CellKind::Array && keys.indexOf(vm.atom(Atom::errors)) < 0)
      keys.push(vm.atom(Atom::errors));
  }
  if (nameIsString) stack = improveStack(stack, constructor, name, tag);

  // Wrap the error in brackets when it has no stack frames.
  Value message = getKey(vm, e.get(), vm.atom(Atom::message));
  long pos = -1;
  if (message.isString() && stringLength(vm, message) > 0) {
    std::string m = utf8(jsString(vm, message));
    size_t at = stack.find(m);
    // Node: (err.message && stack.indexOf(err.message)) || -1, so a match at 0 counts as none.
    if (at != std::string::npos && at != 0) pos = long(at + m.size());
  }
  size_t stackStart = stack.find("\n    at", pos < 0 ? 0 : size_t(pos));
  if (stackStart == std::string::npos) {
    stack = "[" + stack + "]";
  } else {
    std::string newStack = stack.substr(0, stackStart);
    std::vector<std::string> lines = getStackFrames(ctx, e.get(), stack.substr(stackStart + 1));
    newStack += "\n" + join(lines, "\n");
    stack = newStack;
  }
  if (ctx.indentationLvl != 0) stack = replaceAll(stack, "\n", "\n" + spaces(ctx.indentationLvl));
  return stack;
}

// ---- functions -------------------------------------------------------------------------

std::string getFunctionBase(Ctx& ctx, Value fn, const std::optional<std::string>& constructor, const std::string& tag) {
  VM& vm = ctx.vm;
  Root f(vm.heap(), fn);
  bool isClass = isKind(vm, fn, CellKind::Function) && (obj(vm, fn)->flags & ObjectCell::kClassConstructor);
  if (isClass) {
    std::string name = "(anonymous)";
    if (hasOwn(vm, f.get(), vm.atom(Atom::name))) {
      Value n = getKey(vm, f.get(), vm.atom(Atom::name));
      if (toBoolean(vm, n)) name = utf8(jsString(vm, ck(toString(vm, n))));
    }
    std::string base = "class " + name;
    if (constructor && *constructor != "Function") base += " [" + *constructor + "]";
    if (!tag.empty() && (!constructor || *constructor != tag)) base += " [" + tag + "]";
    if (constructor) {
      Value super = ck(getPrototypeOf(vm, f.get()));
      if (super.isObject()) {
        Value superName = getKey(vm, super, vm.atom(Atom::name));
        if (toBoolean(vm, superName)) base += " extends " + utf8(jsString(vm, ck(toString(vm, superName))));
      }
    } else {
      base += " extends [null prototype]";
    }
    return "[" + base + "]";
  }
  std::string type = "Function";
  if (isKind(vm, fn, CellKind::Function)) {
    Ref info = vm.cell<FunctionCell>(fn)->info;
    uint32_t flags = vm.cell<FunctionInfoCell>(info)->flags;
    if (flags & kGenerator) type = "Generator" + type;
    if (flags & kAsync) type = "Async" + type;
  }
  std::string base = "[" + type;
  if (!constructor) base += " (null prototype)";
  Value name = getKey(vm, f.get(), vm.atom(Atom::name));
  if (name.isString() && stringLength(vm, name) == 0) {
    base += " (anonymous)";
  } else if (name.isString()) {
    base += ": " + utf8(jsString(vm, name));
  } else {
    base += ": " + formatValue(ctx, name, 0);
  }
  base += "]";
  // Node compares with the AsyncFunction/GeneratorFunction constructors'
  // names; kiln may give those functions Function.prototype's constructor.
  if (constructor && *constructor != type && *constructor != "Function") base += " " + *constructor;
  if (!tag.empty() && (!constructor || *constructor != tag)) base += " [" + tag + "]";
  return base;
}

std::string getBoxedBase(Ctx& ctx, Value value, HeapList& keys, const std::optional<std::string>& constructor,
                         const std::string& tag) {
  VM& vm = ctx.vm;
  Value p = vm.cell<InternalObjectCell>(value)->internal[0];
  std::string type;
  if (p.isNumber()) type = "Number";
  else if (p.isString()) {
    type = "String";
    // The index keys of a String object only repeat its characters.
    keys.erase(0, std::min(keys.size(), stringLength(vm, p)));
  } else if (p.isBool()) type = "Boolean";
  else if (p.isBigInt()) type = "BigInt";
  else type = "Symbol";
  std::string base = "[" + type;
  if (!constructor) base += " (null prototype)";
  else if (type != *constructor) base += " (" + *constructor + ")";
  InspectOptions plain = ctx.o;
  Ctx inner(vm, plain);
  base += ": " + formatPrimitive(inner, p) + "]";
  if (!tag.empty() && (!constructor || tag != *constructor)) base += " [" + tag + "]";
  return base;
}

// ---- collections and arrays -------------------------------------------------------------

std::vector<std::string> formatArrayLike(Ctx& ctx, Value value, int recurseTimes) {
  VM& vm = ctx.vm;
  Root v(vm.heap(), value);
  double lengthD = isKind(vm, value, CellKind::Array) ? double(vm.cell<ArrayCell>(value)->length)
                                                      : ck(lengthOfArrayLike(vm, value)).toDouble();
  size_t valLen = size_t(lengthD);
  size_t len = std::min<size_t>(ctx.o.maxArrayLength, valLen);
  size_t remaining = valLen - len;
  std::vector<std::string> output;
  for (size_t i = 0; i < len; i++) {
    Value key = Value::number(double(i));
    if (!hasOwn(vm, v.get(), key)) {
      // formatSpecialArray: holes and the rest, driven by the enumerable own keys.
      HeapList keys(vm);
      {
        Ref list = ownPropertyKeys(vm, v.get());
        if (!list) throw Abrupt{};
        Root lr(vm.heap(), Value::cell(list));
        uint32_t n = vm.cell<ValueArrayCell>(lr.get())->length;
        for (uint32_t j = 0; j < n; j++) {
          Value k = vm.cell<ValueArrayCell>(lr.get())->data()[j];
          if (k.isSymbol()) continue;
          if (propertyIsEnumerable(vm, v.get(), k)) keys.push(k);
        }
      }
      size_t index = i;
      size_t outputLimit = len;
      for (size_t ki = i; ki < keys.size() && output.size() < outputLimit; ki++) {
        Value k = keys.at(uint32_t(ki));
        if (!isIndexKey(k)) break;  // non-index keys come after every index key
        size_t tmp = indexOfKey(k);
        if (tmp != index) {
          size_t emptyItems = tmp - index;
          output.push_back("<" + std::to_string(emptyItems) + " empty item" + (emptyItems > 1 ? "s" : "") + ">");
          index = tmp;
          if (output.size() == outputLimit) break;
        }
        output.push_back(formatProperty(ctx, v.get(), recurseTimes, k, kArrayType));
        index++;
      }
      size_t rest = valLen - index;
      if (output.size() != outputLimit) {
        if (rest > 0) output.push_back("<" + std::to_string(rest) + " empty item" + (rest > 1 ? "s" : "") + ">");
      } else if (rest > 0) {
        output.push_back(remainingText(rest));
      }
      return output;
    }
    output.push_back(formatProperty(ctx, v.get(), recurseTimes, key, kArrayType));
  }
  if (remaining > 0) output.push_back(remainingText(remaining));
  return output;
}

std::vector<std::string> formatTypedArray(Ctx& ctx, Value value, size_t length, int recurseTimes) {
  VM& vm = ctx.vm;
  Root v(vm.heap(), value);
  size_t maxLength = std::min<size_t>(ctx.o.maxArrayLength, length);
  std::vector<std::string> output;
  for (size_t i = 0; i < maxLength; i++) {
    Value e = getKey(vm, v.get(), Value::number(double(i)));
    output.push_back(e.isBigInt() ? formatBigInt(vm, e) : e.isNumber() ? formatNumber(e.toDouble()) : "undefined");
  }
  if (length > maxLength) output.push_back(remainingText(length - maxLength));
  if (ctx.o.showHidden) {
    ctx.indentationLvl += 2;
    for (const char* key : {"BYTES_PER_ELEMENT", "length", "byteLength", "byteOffset", "buffer"}) {
      Value x = getNamed(vm, v.get(), key);
      output.push_back(std::string("[") + key + "]: " + formatValue(ctx, x, recurseTimes, true));
    }
    ctx.indentationLvl -= 2;
  }
  return output;
}

// The live entries of a Map/Set table (or an iterator's remaining ones),
// copied into `out` as [key, value] or [value] runs.
uint32_t collectEntries(VM& vm, Ref table, uint32_t from, uint32_t width, HeapList& out, size_t limit) {
  RootRef t(vm.heap(), hashTableCurrent(vm, table, &from));
  uint32_t count = 0;
  for (uint32_t i = from;; i++) {
    i = hashTableNextLive(vm, t.get(), i);
    if (i == kNotFound) break;
    count++;
    if (count > limit) continue;
    for (uint32_t w = 0; w < width; w++) out.push(vm.cell<HashTableCell>(t.get())->entry(i)[w]);
  }
  return count;
}

std::vector<std::string> formatSetOrMap(Ctx& ctx, Value value, bool isMap, int recurseTimes) {
  VM& vm = ctx.vm;
  HeapList entries(vm);
  uint32_t width = isMap ? 2 : 1;
  Ref table = vm.cell<InternalObjectCell>(value)->internal[0].ref();
  uint32_t total = collectEntries(vm, table, 0, width, entries, ctx.o.maxArrayLength);
  std::vector<std::string> output;
  ctx.indentationLvl += 2;
  for (uint32_t i = 0; i < entries.size(); i += width) {
    if (isMap) {
      std::string k = formatValue(ctx, entries.at(i), recurseTimes);
      output.push_back(k + " => " + formatValue(ctx, entries.at(i + 1), recurseTimes));
    } else {
      output.push_back(formatValue(ctx, entries.at(i), recurseTimes));
    }
  }
  if (total > ctx.o.maxArrayLength) output.push_back(remainingText(total - ctx.o.maxArrayLength));
  ctx.indentationLvl -= 2;
  return output;
}

// formatSetIterInner / formatMapIterInner.
std::vector<std::string> formatIterEntries(Ctx& ctx, HeapList& entries, bool pairs, bool weak, int recurseTimes) {
  uint32_t step = pairs ? 2 : 1;
  size_t len = entries.size() / step;
  size_t maxLength = std::min<size_t>(ctx.o.maxArrayLength, len);
  std::vector<std::string> output;
  ctx.indentationLvl += 2;
  for (size_t i = 0; i < maxLength; i++) {
    if (!pairs) {
      output.push_back(formatValue(ctx, entries.at(uint32_t(i)), recurseTimes));
    } else if (weak) {
      std::string k = formatValue(ctx, entries.at(uint32_t(2 * i)), recurseTimes);
      output.push_back(k + " => " + formatValue(ctx, entries.at(uint32_t(2 * i + 1)), recurseTimes));
    } else {
      std::vector<std::string> res;
      res.push_back(formatValue(ctx, entries.at(uint32_t(2 * i)), recurseTimes));
      res.push_back(formatValue(ctx, entries.at(uint32_t(2 * i + 1)), recurseTimes));
      output.push_back(reduceToSingleString(ctx, std::move(res), "", "[", "]", kArrayExtrasType, recurseTimes));
    }
  }
  ctx.indentationLvl -= 2;
  if (weak) std::sort(output.begin(), output.end());
  if (len > maxLength) output.push_back(remainingText(len - maxLength));
  return output;
}

std::vector<std::string> formatArrayBuffer(Ctx& ctx, Value buffer) {
  VM& vm = ctx.vm;
  Root b(vm.heap(), buffer);
  Value u8proto = vm.intrinsic(Intrinsic::Uint8ArrayPrototype);
  Value view = Value::undefined();
  if (u8proto.isObject()) {
    Value ctor = get(vm, u8proto, vm.atom(Atom::constructor));
    if (!ctor.isException() && isConstructor(vm, ctor)) {
      Value arg = b.get();
      view = construct(vm, ctor, std::span<const Value>(&arg, 1));
    }
    if (view.isException() || ctor.isException()) {
      vm.takeException();
      return {"(detached)"};
    }
  }
  if (!view.isObject()) return {"[Uint8Contents]: <>"};
  Root vr(vm.heap(), view);
  size_t length = size_t(ck(lengthOfArrayLike(vm, vr.get())).toDouble());
  size_t shown = std::min<size_t>(ctx.o.maxArrayLength, length);
  std::string s;
  for (size_t i = 0; i < shown; i++) {
    Value byte = getKey(vm, vr.get(), Value::number(double(i)));
    uint32_t x = byte.isNumber() ? uint32_t(byte.toDouble()) & 0xFF : 0;
    if (i) s += ' ';
    s += (x < 16 ? "0" : "") + hex(x, false);
  }
  if (length > shown) {
    size_t remaining = length - shown;
    s += " ... " + std::to_string(remaining) + " more byte" + (remaining > 1 ? "s" : "");
  }
  return {"[Uint8Contents]: <" + s + ">"};
}

// ---- formatRaw -----------------------------------------------------------------------------

enum class Formatter {
  Empty, Array, Set, Map, TypedArray, MapIterator, SetIterator, ArrayBuffer, Promise, WeakSet, WeakMap,
  WeakCollection, Namespace,
};

std::string formatRaw(Ctx& ctx, Value object, int recurseTimes, bool typedArray) {
  VM& vm = ctx.vm;
  Root value(vm.heap(), object);
  HeapList keys(vm);
  std::optional<std::string> constructor = getConstructorName(ctx, value.get(), recurseTimes);

  std::string tag;
  {
    Value t = getKey(vm, value.get(), vm.wellKnown(WellKnown::toStringTag));
    if (t.isString() && stringLength(vm, t) > 0) {
      Value key = vm.wellKnown(WellKnown::toStringTag);
      bool own = ctx.o.showHidden ? hasOwn(vm, value.get(), key) : propertyIsEnumerable(vm, value.get(), key);
      // An own (enumerable) tag is printed with the properties instead.
      if (!own) tag = utf8(jsString(vm, t));
    }
  }
  std::string base;
  Formatter formatter = Formatter::Empty;
  std::string brace0, brace1;
  bool noIterator = true;
  ExtrasType extrasType = kObjectType;
  size_t typedLength = 0;
  CellKind kind = kindOf(vm, value.get());

  if (!constructor || ck(hasProperty(vm, value.get(), vm.wellKnown(WellKnown::iterator)))) {
    noIterator = false;
    if (kind == CellKind::Array) {
      uint32_t length = vm.cell<ArrayCell>(value.get())->length;
      std::string prefix = (!constructor || *constructor != "Array" || !tag.empty())
                               ? getPrefix(constructor, tag, "Array", "(" + std::to_string(length) + ")")
                               : "";
      // getOwnNonIndexProperties: `length` only shows with showHidden.
      getKeys(ctx, value.get(), keys, /*nonIndexOnly=*/true);
      brace0 = prefix + "[";
      brace1 = "]";
      if (length == 0 && keys.size() == 0) return brace0 + "]";
      extrasType = kArrayExtrasType;
      formatter = Formatter::Array;
    } else if (kind == CellKind::Set || kind == CellKind::Map) {
      bool isMap = kind == CellKind::Map;
      uint32_t size = vm.cell<HashTableCell>(vm.cell<InternalObjectCell>(value.get())->internal[0])->live;
      std::string prefix = getPrefix(constructor, tag, isMap ? "Map" : "Set", "(" + std::to_string(size) + ")");
      getKeys(ctx, value.get(), keys);
      formatter = isMap ? Formatter::Map : Formatter::Set;
      if (size == 0 && keys.size() == 0) return prefix + "{}";
      brace0 = prefix + "{";
      brace1 = "}";
    } else if (kind == CellKind::TypedArray) {
      getKeys(ctx, value.get(), keys, /*nonIndexOnly=*/true);
      std::string fallback;
      if (!constructor) fallback = tag;
      typedLength = size_t(ck(lengthOfArrayLike(vm, value.get())).toDouble());
      std::string prefix = getPrefix(constructor, tag, fallback, "(" + std::to_string(typedLength) + ")");
      brace0 = prefix + "[";
      brace1 = "]";
      if (typedLength == 0 && keys.size() == 0 && !ctx.o.showHidden) return brace0 + "]";
      formatter = Formatter::TypedArray;
      extrasType = kArrayExtrasType;
    } else if (isIteratorWithTag(vm, value.get(), NativeId::MapIteratorNext) ||
               isIteratorWithTag(vm, value.get(), NativeId::SetIteratorNext)) {
      bool isMap = isIteratorWithTag(vm, value.get(), NativeId::MapIteratorNext);
      getKeys(ctx, value.get(), keys);
      std::string type = isMap ? "Map" : "Set";
      std::string t = tag;
      if (t != type + " Iterator") {
        if (!t.empty()) t += "] [";
        t += type + " Iterator";
      }
      brace0 = "[" + t + "] {";
      brace1 = "}";
      formatter = isMap ? Formatter::MapIterator : Formatter::SetIterator;
    } else {
      noIterator = true;
    }
  }
  if (noIterator) {
    getKeys(ctx, value.get(), keys);
    brace0 = "{";
    brace1 = "}";
    if (isCallable(vm, value.get())) {
      base = getFunctionBase(ctx, value.get(), constructor, tag);
      if (keys.size() == 0) return base;
    } else if (constructor && *constructor == "Object") {
      if (kind == CellKind::Arguments) brace0 = "[Arguments] {";
      else if (!tag.empty()) brace0 = getPrefix(constructor, tag, "Object") + "{";
      if (keys.size() == 0) return brace0 + "}";
    } else if (kind == CellKind::RegExp) {
      Value toStr = get(vm, vm.intrinsic(Intrinsic::RegExpPrototype), vm.atom(Atom::toString));
      Value s = isCallable(vm, ck(toStr)) ? ck(call(vm, toStr, value.get())) : Value::undefined();
      base = s.isString() ? utf8(jsString(vm, s)) : "/(?:)/";
      std::string prefix = getPrefix(constructor, tag, "RegExp");
      if (prefix != "RegExp ") base = prefix + base;
      if (keys.size() == 0 || recurseTimes > ctx.o.depth) return base;
    } else if (kind == CellKind::Date) {
      // The original Date.prototype methods, as Node's primordials.
      Root proto(vm.heap(), vm.intrinsic(Intrinsic::DatePrototype));
      Value getTime = getNamed(vm, proto.get(), "getTime");
      Value t = isCallable(vm, getTime) ? ck(call(vm, getTime, value.get())) : Value::undefined();
      bool invalid = !t.isNumber() || std::isnan(t.toDouble());
      Value fn = getNamed(vm, proto.get(), invalid ? "toString" : "toISOString");
      Value s = isCallable(vm, fn) ? ck(call(vm, fn, value.get())) : Value::undefined();
      base = s.isString() ? utf8(jsString(vm, s)) : "Invalid Date";
      std::string prefix = getPrefix(constructor, tag, "Date");
      if (prefix != "Date ") base = prefix + base;
      if (keys.size() == 0) return base;
    } else if (isErrorObject(vm, value.get())) {
      base = formatError(ctx, value.get(), constructor, tag, keys);
      if (keys.size() == 0) return base;
    } else if (kind == CellKind::ArrayBuffer) {
      std::string prefix = getPrefix(constructor, tag, "ArrayBuffer");
      if (!typedArray) {
        formatter = Formatter::ArrayBuffer;
      } else if (keys.size() == 0) {
        Value bl = getNamed(vm, value.get(), "byteLength");
        return prefix + "{ byteLength: " + (bl.isNumber() ? formatNumber(bl.toDouble()) : "undefined") + " }";
      }
      brace0 = prefix + "{";
      keys.insert(0, keyOf(vm, "byteLength"));
    } else if (kind == CellKind::DataView) {
      brace0 = getPrefix(constructor, tag, "DataView") + "{";
      keys.insert(0, keyOf(vm, "buffer"));
      keys.insert(0, keyOf(vm, "byteOffset"));
      keys.insert(0, keyOf(vm, "byteLength"));
    } else if (kind == CellKind::Promise) {
      brace0 = getPrefix(constructor, tag, "Promise") + "{";
      formatter = Formatter::Promise;
    } else if (kind == CellKind::WeakSet) {
      brace0 = getPrefix(constructor, tag, "WeakSet") + "{";
      formatter = ctx.o.showHidden ? Formatter::WeakSet : Formatter::WeakCollection;
    } else if (kind == CellKind::WeakMap) {
      brace0 = getPrefix(constructor, tag, "WeakMap") + "{";
      formatter = ctx.o.showHidden ? Formatter::WeakMap : Formatter::WeakCollection;
    } else if (kind == CellKind::Namespace) {
      brace0 = getPrefix(constructor, tag, "Module") + "{";
      formatter = Formatter::Namespace;
    } else if (kind == CellKind::Primitive) {
      base = getBoxedBase(ctx, value.get(), keys, constructor, tag);
      if (keys.size() == 0) return base;
    } else {
      if (keys.size() == 0) return getCtxStyle(vm, value.get(), constructor, tag) + "{}";
      brace0 = getCtxStyle(vm, value.get(), constructor, tag) + "{";
    }
  }

  if (recurseTimes > ctx.o.depth) {
    std::string name = getCtxStyle(vm, value.get(), constructor, tag);
    name.pop_back();
    if (constructor) name = "[" + name + "]";
    return name;
  }
  recurseTimes++;
  ctx.seen.push(value.get());
  ctx.currentDepth = recurseTimes;
  std::vector<std::string> output;
  switch (formatter) {
    case Formatter::Empty: break;
    case Formatter::Array: output = formatArrayLike(ctx, value.get(), recurseTimes); break;
    case Formatter::Set: output = formatSetOrMap(ctx, value.get(), false, recurseTimes); break;
    case Formatter::Map: output = formatSetOrMap(ctx, value.get(), true, recurseTimes); break;
    case Formatter::TypedArray: output = formatTypedArray(ctx, value.get(), typedLength, recurseTimes); break;
    case Formatter::MapIterator:
    case Formatter::SetIterator: {
      auto* c = vm.cell<InternalObjectCell>(value.get());
      HeapList entries(vm);
      bool pairs = false;
      if (!c->internal[0].isUndefined()) {
        bool isMap = formatter == Formatter::MapIterator;
        int32_t iterKind = c->internal[2].asInt();  // 0 keys, 1 values, 2 entries
        pairs = iterKind == 2;
        HeapList raw(vm);
        uint32_t width = isMap ? 2 : 1;
        collectEntries(vm, c->internal[0].ref(), uint32_t(c->internal[1].asInt()), width, raw, SIZE_MAX);
        for (uint32_t i = 0; i < raw.size(); i += width) {
          Value k = raw.at(i), v = isMap ? raw.at(i + 1) : k;
          if (iterKind == 0) entries.push(k);
          else if (iterKind == 1) entries.push(v);
          else {
            entries.push(k);
            entries.push(v);
          }
        }
      }
      if (pairs) brace0 = replaceAll(brace0, " Iterator] {", " Entries] {");
      output = formatIterEntries(ctx, entries, pairs, false, recurseTimes);
      break;
    }
    case Formatter::ArrayBuffer: output = formatArrayBuffer(ctx, value.get()); break;
    case Formatter::Promise: {
      // Promise layout (builtins/promise.cpp): internal[0] state (0 pending,
      // 1 fulfilled, 2 rejected), internal[1] the result.
      auto* c = vm.cell<InternalObjectCell>(value.get());
      Value state = c->internal[0];
      if (!state.isInt() || state.asInt() == 0) {
        output.push_back("<pending>");
      } else {
        Root result(vm.heap(), c->internal[1]);
        ctx.indentationLvl += 2;
        std::string s = formatValue(ctx, result.get(), recurseTimes);
        ctx.indentationLvl -= 2;
        output.push_back(state.asInt() == 2 ? "<rejected> " + s : s);
      }
      break;
    }
    case Formatter::WeakCollection: output.push_back("<items unknown>"); break;
    case Formatter::WeakSet:
    case Formatter::WeakMap: {
      bool isMap = formatter == Formatter::WeakMap;
      HeapList entries(vm);
      collectEntries(vm, vm.cell<InternalObjectCell>(value.get())->internal[0].ref(), 0, isMap ? 2 : 1, entries,
                     SIZE_MAX);
      output = formatIterEntries(ctx, entries, isMap, true, recurseTimes);
      break;
    }
    case Formatter::Namespace: {
      for (uint32_t i = 0; i < keys.size(); i++) {
        Value key = keys.at(i);
        PropertyDescriptor d;
        Status s = getOwnProperty(vm, value.get(), key, &d);
        if (s == Status::Exception) {
          vm.takeException();
          std::u16string text = jsString(vm, key);
          output.push_back((isIdentifierKey(text) ? utf8(text) : quoteString(text)) + ": <uninitialized>");
        } else {
          output.push_back(formatProperty(ctx, value.get(), recurseTimes, key, kObjectType));
        }
      }
      keys.erase(0, keys.size());
      break;
    }
  }
  for (uint32_t i = 0; i < keys.size(); i++)
    output.push_back(formatProperty(ctx, value.get(), recurseTimes, keys.at(i), extrasType));

  int32_t circularIndex = ctx.circular.indexOf(value.get());
  if (circularIndex >= 0) {
    std::string reference = "<ref *" + std::to_string(circularIndex + 1) + ">";
    base = base.empty() ? reference : reference + " " + base;
  }
  ctx.seen.pop();

  std::string res = reduceToSingleString(ctx, std::move(output), base, brace0, brace1, extrasType, recurseTimes,
                                         value.get());
  // Keep runaway outputs bounded, as Node does (it stops descending past 2^27 characters).
  size_t& budget = ctx.budget[ctx.indentationLvl];
  budget += res.size();
  if (budget > (size_t(1) << 27)) ctx.o.depth = -1;
  return res;
}

// ---- formatValue -----------------------------------------------------------------------------

Value customInspectSymbol(VM& vm) {
  // Symbol.for('nodejs.util.inspect.custom'): if nobody has registered it,
  // no object can have such a method.
  Value registry = vm.roots().symbolRegistry;
  if (!registry.isCell()) return Value::undefined();
  Value key = ck(newString(vm, std::string_view("nodejs.util.inspect.custom")));
  uint32_t i = hashTableFind(vm, registry.ref(), key);
  if (i == kNotFound) return Value::undefined();
  return vm.cell<HashTableCell>(registry)->entry(i)[1];
}

Value optionsObject(Ctx& ctx, int depth) {
  VM& vm = ctx.vm;
  Root o(vm.heap(), ck(newObject(vm)));
  auto put = [&](const char* name, Value v) {
    Root vr(vm.heap(), v);
    Value key = keyOf(vm, name);
    ck(createDataProperty(vm, o.get(), key, vr.get()));
  };
  put("showHidden", Value::boolean(ctx.o.showHidden));
  put("depth", depth >= InspectOptions::kInfiniteDepth / 2 ? Value::number(INFINITY) : Value::number(depth));
  put("colors", Value::boolean(false));
  put("customInspect", Value::boolean(ctx.o.customInspect));
  put("showProxy", Value::boolean(ctx.o.showProxy));
  put("maxArrayLength", Value::number(ctx.o.maxArrayLength));
  put("maxStringLength", Value::number(ctx.o.maxStringLength));
  put("breakLength", Value::number(ctx.o.breakLength));
  put("compact", ctx.o.compact == 0 ? Value::boolean(false) : Value::number(ctx.o.compact));
  put("sorted", Value::boolean(false));
  put("getters", Value::boolean(ctx.o.getters));
  put("numericSeparator", Value::boolean(false));
  put("stylize", ck(newBuiltin(vm, NativeId::InspectStylize)));
  return o.get();
}

std::string formatProxy(Ctx& ctx, Value proxy, int recurseTimes) {
  VM& vm = ctx.vm;
  if (recurseTimes > ctx.o.depth) return "Proxy [Array]";
  Root target(vm.heap(), vm.cell<ProxyCell>(proxy)->target), handler(vm.heap(), vm.cell<ProxyCell>(proxy)->handler);
  recurseTimes++;
  ctx.indentationLvl += 2;
  std::vector<std::string> res;
  res.push_back(formatValue(ctx, target.get(), recurseTimes));
  res.push_back(formatValue(ctx, handler.get(), recurseTimes));
  ctx.indentationLvl -= 2;
  return reduceToSingleString(ctx, std::move(res), "", "Proxy [", "]", kArrayExtrasType, recurseTimes);
}

std::string formatValue(Ctx& ctx, Value value, int recurseTimes, bool typedArray) {
  VM& vm = ctx.vm;
  if (!value.isObject()) return formatPrimitive(ctx, value);
  NestingGuard guard(ctx);
  Root context(vm.heap(), value), v(vm.heap(), value);
  if (kindOf(vm, value) == CellKind::Proxy) {
    if (vm.cell<ProxyCell>(value)->handler.isNull()) return "<Revoked Proxy>";
    if (ctx.o.showProxy) return formatProxy(ctx, value, recurseTimes);
    // Shown as its target, without running any trap.
    while (v.get().isObject() && kindOf(vm, v.get()) == CellKind::Proxy) {
      if (vm.cell<ProxyCell>(v.get())->handler.isNull()) return "<Revoked Proxy>";
      v.set(vm.cell<ProxyCell>(v.get())->target);
    }
  }

  if (ctx.o.customInspect) {
    Root sym(vm.heap(), customInspectSymbol(vm));
    if (sym.get().isSymbol()) {
      Root maybeCustom(vm.heap(), getKey(vm, v.get(), sym.get()));
      if (isCallable(vm, maybeCustom.get())) {
        // Prototype objects (Foo.prototype) are not inspected with their own method.
        bool isPrototype = false;
        PropertyDescriptor d;
        if (ck(getOwnProperty(vm, v.get(), vm.atom(Atom::constructor), &d)) && d.value.isObject()) {
          Value p = getKey(vm, d.value, vm.atom(Atom::prototype));
          isPrototype = p == v.get();
        }
        if (!isPrototype) {
          int depth = ctx.o.depth - recurseTimes;
          Value args[3] = {Value::number(depth >= InspectOptions::kInfiniteDepth / 2 ? INFINITY : depth),
                           Value::undefined(), Value::undefined()};
          Root opts(vm.heap(), optionsObject(ctx, depth));
          args[1] = opts.get();
          Root inspectFn(vm.heap(), ck(newBuiltin(vm, NativeId::UtilInspect)));
          args[2] = inspectFn.get();
          Value ret = ck(call(vm, maybeCustom.get(), context.get(), std::span<const Value>(args, 3)));
          if (ret != context.get()) {
            if (!ret.isString()) return formatValue(ctx, ret, recurseTimes);
            return replaceAll(utf8(jsString(vm, ret)), "\n", "\n" + spaces(ctx.indentationLvl));
          }
        }
      }
    }
  }

  if (ctx.seen.indexOf(v.get()) >= 0) {
    int32_t index = ctx.circular.indexOf(v.get());
    if (index < 0) {
      ctx.circular.push(v.get());
      index = int32_t(ctx.circular.size() - 1);
    }
    return "[Circular *" + std::to_string(index + 1) + "]";
  }
  return formatRaw(ctx, v.get(), recurseTimes, typedArray);
}

// ---- util.format ---------------------------------------------------------------------

// Objects whose toString is a builtin's are inspected by %s, others stringified.
bool hasBuiltInToString(VM& vm, Value value) {
  Root v(vm.heap(), value);
  while (isKind(vm, v.get(), CellKind::Proxy)) {
    if (vm.cell<ProxyCell>(v.get())->handler.isNull()) return true;
    v.set(vm.cell<ProxyCell>(v.get())->target);
  }
  Value toStringKey = vm.atom(Atom::toString);
  Value toPrimitiveKey = vm.wellKnown(WellKnown::toPrimitive);
  bool checkToString = true, checkToPrimitive = true;
  if (!isCallable(vm, getKey(vm, v.get(), toStringKey))) {
    if (!isCallable(vm, getKey(vm, v.get(), toPrimitiveKey))) return true;
    if (hasOwn(vm, v.get(), toPrimitiveKey)) return false;
    checkToString = false;
  } else if (hasOwn(vm, v.get(), toStringKey)) {
    return false;
  } else if (!isCallable(vm, getKey(vm, v.get(), toPrimitiveKey))) {
    checkToPrimitive = false;
  } else if (hasOwn(vm, v.get(), toPrimitiveKey)) {
    return false;
  }
  Root pointer(vm.heap(), v.get());
  for (;;) {
    pointer.set(ck(getPrototypeOf(vm, pointer.get())));
    if (!pointer.get().isObject()) return true;
    if (checkToString && hasOwn(vm, pointer.get(), toStringKey)) break;
    if (checkToPrimitive && hasOwn(vm, pointer.get(), toPrimitiveKey)) break;
  }
  PropertyDescriptor d;
  if (!ck(getOwnProperty(vm, pointer.get(), vm.atom(Atom::constructor), &d))) return false;
  if (!d.hasValue || !d.value.isObject() || !isCallable(vm, d.value)) return false;
  Root ctor(vm.heap(), d.value);
  Value name = getKey(vm, ctor.get(), vm.atom(Atom::name));
  if (!name.isString()) return false;
  // Node's builtInObjects: the capitalized global names.
  std::u16string n = jsString(vm, name);
  if (n.size() < 2 || !(n[0] >= 'A' && n[0] <= 'Z')) return false;
  for (char16_t c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  Root nameRoot(vm.heap(), name);
  Value key = ck(keyFromString(vm, nameRoot.get()));
  Value global = vm.intrinsic(Intrinsic::GlobalObject);
  if (!hasOwn(vm, global, key)) return false;
  PropertyDescriptor g;
  ck(getOwnProperty(vm, global, key, &g));
  return g.hasValue && g.value == ctor.get();
}

std::string inspectWith(VM& vm, Value v, const InspectOptions& o) {
  Ctx ctx(vm, o);
  return formatValue(ctx, v, 0);
}

// String(value) for %s of a non-object (symbols included).
std::string stringOf(VM& vm, Value v) {
  if (v.isSymbol()) return symbolText(vm, v);
  return utf8(jsString(vm, ck(toString(vm, v))));
}

std::string formatLog(VM& vm, std::span<const Value> args, const InspectOptions& options) {
  std::string out;
  size_t a = 0;
  std::string joinSep;
  if (!args.empty() && args[0].isString()) {
    Root firstRoot(vm.heap(), args[0]);
    std::u16string first = jsString(vm, args[0]);
    if (args.size() == 1) return utf8(first);
    size_t lastPos = 0;
    for (size_t i = 0; i + 1 < first.size(); i++) {
      if (first[i] != '%') continue;
      char16_t next = first[++i];
      if (a + 1 != args.size()) {
        std::string temp;
        switch (next) {
          case 's': {
            Value arg = args[++a];
            if (arg.isNumber()) temp = formatNumber(arg.toDouble());
            else if (arg.isBigInt()) temp = formatBigInt(vm, arg);
            else if (!arg.isObject() || isCallable(vm, arg) || !hasBuiltInToString(vm, arg)) temp = stringOf(vm, arg);
            else {
              InspectOptions o = options;
              o.depth = 0;
              o.compact = 3;
              temp = inspectWith(vm, arg, o);
            }
            break;
          }
          case 'j': {
            Value arg = args[++a];
            Value json = getKey(vm, vm.intrinsic(Intrinsic::GlobalObject), keyOf(vm, "JSON"));
            Value stringify = json.isObject() ? getKey(vm, json, keyOf(vm, "stringify")) : Value::undefined();
            if (!isCallable(vm, stringify)) {
              temp = "undefined";
              break;
            }
            Value r = call(vm, stringify, json, std::span<const Value>(&arg, 1));
            if (r.isException()) {
              Root err(vm.heap(), vm.takeException());
              bool circular = false;
              if (isKind(vm, err.get(), CellKind::Error)) {
                Value m = get(vm, err.get(), vm.atom(Atom::message));
                circular = m.isString() && toUtf8(vm, m).rfind("Converting circular structure to JSON", 0) == 0;
              }
              if (!circular) {
                vm.throwValue(err.get());
                throw Abrupt{};
              }
              temp = "[Circular]";
            } else {
              temp = r.isUndefined() ? "undefined" : utf8(jsString(vm, r));
            }
            break;
          }
          case 'd': {
            Value arg = args[++a];
            if (arg.isBigInt()) temp = formatBigInt(vm, arg);
            else if (arg.isSymbol()) temp = "NaN";
            else temp = formatNumber(ck(toNumber(vm, arg)).toDouble());
            break;
          }
          case 'O': temp = inspectWith(vm, args[++a], options); break;
          case 'o': {
            InspectOptions o = options;
            o.showHidden = true;
            o.showProxy = true;
            o.depth = 4;
            temp = inspectWith(vm, args[++a], o);
            break;
          }
          case 'i': {
            Value arg = args[++a];
            if (arg.isBigInt()) temp = formatBigInt(vm, arg);
            else if (arg.isSymbol()) temp = "NaN";
            else temp = formatNumber(parseIntString(jsString(vm, ck(toString(vm, arg))), 0));
            break;
          }
          case 'f': {
            Value arg = args[++a];
            if (arg.isSymbol()) temp = "NaN";
            else temp = formatNumber(parseFloatPrefix(jsString(vm, ck(toString(vm, arg)))));
            break;
          }
          case 'c': a++; break;
          case '%':
            out += utf8(std::u16string_view(first).substr(lastPos, i - lastPos));
            lastPos = i + 1;
            continue;
          default: continue;
        }
        if (lastPos != i - 1) out += utf8(std::u16string_view(first).substr(lastPos, i - 1 - lastPos));
        out += temp;
        lastPos = i + 1;
      } else if (next == '%') {
        out += utf8(std::u16string_view(first).substr(lastPos, i - lastPos));
        lastPos = i + 1;
      }
    }
    if (lastPos != 0) {
      a++;
      joinSep = " ";
      if (lastPos < first.size()) out += utf8(std::u16string_view(first).substr(lastPos));
    }
  }
  for (; a < args.size(); a++) {
    out += joinSep;
    out += args[a].isString() ? utf8(jsString(vm, args[a])) : inspectWith(vm, args[a], options);
    joinSep = " ";
  }
  return out;
}

Value optionValue(VM& vm, Value options, const char* name) {
  Value key = keyOf(vm, name);
  return getKey(vm, options, key);
}

}  // namespace

std::string inspect(VM& vm, Value value, const InspectOptions& options) {
  Root v(vm.heap(), value);
  try {
    return inspectWith(vm, v.get(), options);
  } catch (const Abrupt&) {
    return {};
  }
}

std::string formatLogText(VM& vm, std::span<const Value> args, const InspectOptions& options) {
  try {
    return formatLog(vm, args, options);
  } catch (const Abrupt&) {
    return {};
  }
}

Value formatLogArguments(VM& vm, std::span<const Value> args, const InspectOptions& options) {
  std::string s = formatLogText(vm, args, options);
  if (vm.hasException()) return Value::exception();
  return newStringUtf8(vm, s);
}

// util.inspect(object[, options]) (also the third argument of custom inspect functions).
Value native_UtilInspect(VM& vm, CallInfo& info) {
  InspectOptions o;
  Root options(vm.heap(), info.arg(1));
  try {
    if (options.get().isBool()) {
      o.showHidden = options.get().isTrue();
    } else if (options.get().isObject()) {
      auto number = [&](const char* name, double* out) {
        Value x = optionValue(vm, options.get(), name);
        if (x.isNumber()) *out = x.toDouble();
        return x;
      };
      double d = o.depth;
      Value depth = number("depth", &d);
      if (depth.isNull() || (depth.isNumber() && d > InspectOptions::kInfiniteDepth)) d = InspectOptions::kInfiniteDepth;
      o.depth = int(d);
      Value x = optionValue(vm, options.get(), "showHidden");
      if (!x.isUndefined()) o.showHidden = toBoolean(vm, x);
      x = optionValue(vm, options.get(), "showProxy");
      if (!x.isUndefined()) o.showProxy = toBoolean(vm, x);
      x = optionValue(vm, options.get(), "customInspect");
      if (!x.isUndefined()) o.customInspect = toBoolean(vm, x);
      x = optionValue(vm, options.get(), "getters");
      if (!x.isUndefined()) o.getters = toBoolean(vm, x);
      double b = o.breakLength;
      number("breakLength", &b);
      o.breakLength = b > 1e9 ? 1000000000 : int(b);
      x = optionValue(vm, options.get(), "compact");
      if (x.isBool()) o.compact = x.isTrue() ? 3 : 0;
      else if (x.isNumber()) o.compact = int(x.toDouble());
      double m = o.maxArrayLength;
      x = number("maxArrayLength", &m);
      o.maxArrayLength = x.isNull() || m > 4e9 ? UINT32_MAX : uint32_t(std::max(0.0, m));
      double s = o.maxStringLength;
      x = number("maxStringLength", &s);
      o.maxStringLength = x.isNull() || s > 4e9 ? UINT32_MAX : uint32_t(std::max(0.0, s));
    }
  } catch (const Abrupt&) {
    return Value::exception();
  }
  std::string text = inspect(vm, info.arg(0), o);
  if (vm.hasException()) return Value::exception();
  return newStringUtf8(vm, text);
}

// The `stylize` of the options given to custom inspect functions: no colors.
Value native_InspectStylize(VM& vm, CallInfo& info) {
  Value v = info.arg(0);
  if (v.isString()) return v;
  if (v.isSymbol()) return newStringUtf8(vm, symbolText(vm, v));
  return toString(vm, v);
}

}  // namespace kiln
