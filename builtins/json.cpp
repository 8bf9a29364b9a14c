// The JSON object (ECMA-262 §25.5).
//
// JSON.parse uses an explicit stack, so any nesting parses (or fails with a
// SyntaxError) without C++ recursion. The reviver walk and JSON.stringify
// recurse over the value's nesting, bounded by kMaxDepth (RangeError beyond,
// as V8 reports a stack overflow).
#include <cmath>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/number_conv.h"
#include "engine/strings.h"

namespace kiln {

namespace {

constexpr uint32_t kMaxDepth = 4000;

Value stackOverflow(VM& vm) { return vm.throwRangeError("Maximum call stack size exceeded"); }

// A growable ValueArray held by a RootRef: a heap-resident stack for native
// algorithms that must not recurse.
class ValueStack {
 public:
  explicit ValueStack(VM& vm) : vm_(vm), arr_(vm.heap()) {}
  bool push(Value v) {
    if (!arr_.get() || size_ == capacity()) {
      Root keep(vm_.heap(), v);
      uint32_t cap = std::max(16u, capacity() * 2);
      Ref bigger = newValueArray(vm_, cap, cap);
      if (!bigger) return false;
      if (arr_.get()) {
        auto* from = vm_.cell<ValueArrayCell>(arr_.get());
        std::memcpy(vm_.cell<ValueArrayCell>(bigger)->data(), from->data(), size_ * sizeof(Value));
      }
      arr_.set(bigger);
      v = keep.get();
    }
    data()[size_++] = v;
    return true;
  }
  Value pop() { return data()[--size_]; }
  Value& at(uint32_t i) { return data()[i]; }
  uint32_t size() const { return size_; }

 private:
  uint32_t capacity() const { return arr_.get() ? vm_.cell<ValueArrayCell>(arr_.get())->capacity : 0; }
  Value* data() { return vm_.cell<ValueArrayCell>(arr_.get())->data(); }
  VM& vm_;
  RootRef arr_;
  uint32_t size_ = 0;
};

// ---- JSON.parse ----------------------------------------------------------------------

class JsonParser {
 public:
  JsonParser(VM& vm, Value source) : vm_(vm), src_(vm.heap(), source), stack_(vm) {
    s_ = str(vm, source);
    n_ = s_->length;
  }

  // §25.5.1 steps 2-4: the parsed value, or exception (SyntaxError).
  Value parse() {
    Root value(vm_.heap());
    for (;;) {
      // Parse one value start; containers push themselves and loop.
      skipWs();
      if (pos_ >= n_) return unexpected();
      char16_t c = s_->at(pos_);
      if (c == '{') {
        pos_++;
        Value o = KILN_TRY(newObject(vm_));
        Root orr(vm_.heap(), o);
        skipWs();
        if (pos_ < n_ && s_->at(pos_) == '}') {
          pos_++;
          value.set(orr.get());
        } else {
          if (pos_ >= n_ || s_->at(pos_) != '"') return error("Expected property name or '}'", pos_);
          Value key = KILN_TRY(parseKey());
          Root kr(vm_.heap(), key);
          if (!stack_.push(orr.get()) || !stack_.push(kr.get())) return Value::exception();
          continue;
        }
      } else if (c == '[') {
        pos_++;
        Value a = KILN_TRY(newArray(vm_, 0));
        Root ar(vm_.heap(), a);
        skipWs();
        if (pos_ < n_ && s_->at(pos_) == ']') {
          pos_++;
          value.set(ar.get());
        } else {
          if (!stack_.push(ar.get()) || !stack_.push(Value::empty())) return Value::exception();
          continue;
        }
      } else if (c == '"') {
        value.set(KILN_TRY(parseString()));
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        value.set(KILN_TRY(parseNumber()));
      } else if (c == 't' || c == 'f' || c == 'n') {
        std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        if (!matchWord(word)) return unexpected();
        value.set(c == 'n' ? Value::null() : Value::boolean(c == 't'));
      } else {
        return unexpected();
      }

      // A complete value: attach it to the innermost open container.
      for (;;) {
        if (stack_.size() == 0) {
          skipWs();
          if (pos_ < n_)
            return vm_.throwError(ErrorType::SyntaxError,
                                  "Unexpected non-whitespace character after JSON at position " + std::to_string(pos_));
          return value.get();
        }
        Value container = stack_.at(stack_.size() - 2);
        Value key = stack_.at(stack_.size() - 1);
        if (key.isEmpty()) {
          KILN_TRY_STATUS(arrayPush(vm_, container, value.get()));
          skipWs();
          if (pos_ < n_ && s_->at(pos_) == ',') {
            pos_++;
            break;  // next element
          }
          if (pos_ < n_ && s_->at(pos_) == ']') {
            pos_++;
            value.set(stack_.at(stack_.size() - 2));
            stack_.pop();
            stack_.pop();
            continue;
          }
          return error("Expected ',' or ']' after array element", pos_);
        }
        KILN_TRY_STATUS(createDataProperty(vm_, container, key, value.get()));
        skipWs();
        if (pos_ < n_ && s_->at(pos_) == ',') {
          pos_++;
          skipWs();
          if (pos_ >= n_ || s_->at(pos_) != '"') return error("Expected double-quoted property name", pos_);
          Value k = KILN_TRY(parseKey());
          stack_.at(stack_.size() - 1) = k;
          break;  // next member value
        }
        if (pos_ < n_ && s_->at(pos_) == '}') {
          pos_++;
          value.set(stack_.at(stack_.size() - 2));
          stack_.pop();
          stack_.pop();
          continue;
        }
        return error("Expected ',' or '}' after property value", pos_);
      }
    }
  }

 private:
  void skipWs() {
    while (pos_ < n_) {
      char16_t c = s_->at(pos_);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      pos_++;
    }
  }

  // Consumes `w`; on a mismatch leaves pos_ at the first differing unit (the
  // token V8 reports).
  bool matchWord(std::string_view w) {
    for (size_t i = 0; i < w.size(); i++, pos_++)
      if (pos_ >= n_ || s_->at(pos_) != char16_t(w[i])) return false;
    return true;
  }

  Value error(std::string_view what, uint32_t at) {
    return vm_.throwError(ErrorType::SyntaxError, std::string(what) + " in JSON at position " + std::to_string(at));
  }

  // V8's message for a token that cannot start a value.
  Value unexpected() {
    if (pos_ >= n_) return vm_.throwError(ErrorType::SyntaxError, "Unexpected end of JSON input");
    std::string whole = toUtf8(s_);
    for (const char* special : {"undefined", "NaN", "Infinity", "[object Object]"})
      if (whole == special) return vm_.throwError(ErrorType::SyntaxError, "\"" + whole + "\" is not valid JSON");
    StringBuilder token;
    token.append(s_, pos_, pos_ + 1);
    std::string tok = toUtf8Units(token.units());
    constexpr uint32_t kContext = 10;
    std::string msg = "Unexpected token '" + tok + "', ";
    if (n_ < 2 * kContext + 1) {
      msg += "\"" + whole + "\"";
    } else {
      uint32_t start = pos_ >= kContext ? pos_ - kContext : 0;
      uint32_t end = std::min(n_, pos_ + kContext);
      StringBuilder ctx;
      ctx.append(s_, start, end);
      if (start > 0) msg += "...";
      msg += "\"" + toUtf8Units(ctx.units()) + "\"";
      if (end < n_) msg += "...";
    }
    return vm_.throwError(ErrorType::SyntaxError, msg + " is not valid JSON");
  }

  static std::string toUtf8Units(const std::u16string& u) {
    std::string out;
    for (size_t i = 0; i < u.size(); i++) {
      char32_t c = u[i];
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < u.size() && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF)
        c = 0x10000 + ((c - 0xD800) << 10) + (u[++i] - 0xDC00);
      if (c < 0x80) out.push_back(char(c));
      else if (c < 0x800) { out.push_back(char(0xC0 | (c >> 6))); out.push_back(char(0x80 | (c & 0x3F))); }
      else if (c < 0x10000) {
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

  // A property name followed by ':' (the caller checked the opening quote).
  Value parseKey() {
    Value s = KILN_TRY(parseString());
    Root sr(vm_.heap(), s);
    skipWs();
    if (pos_ >= n_ || s_->at(pos_) != ':') return error("Expected ':' after property name", pos_);
    pos_++;
    return keyFromString(vm_, sr.get());
  }

  static int hexValue(char16_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
  }

  Value parseString() {
    uint32_t start = ++pos_;
    // Fast path: no escapes.
    while (pos_ < n_) {
      char16_t c = s_->at(pos_);
      if (c == '"') {
        pos_++;
        return substring(vm_, src_.get(), start, pos_ - 1);
      }
      if (c == '\\') break;
      if (c < 0x20) return error("Bad control character in string literal", pos_);
      pos_++;
    }
    StringBuilder b;
    b.append(s_, start, pos_);
    while (pos_ < n_) {
      char16_t c = s_->at(pos_);
      if (c == '"') {
        pos_++;
        return b.finish(vm_);
      }
      if (c < 0x20) return error("Bad control character in string literal", pos_);
      if (c != '\\') {
        b.append(c);
        pos_++;
        continue;
      }
      if (++pos_ >= n_) break;
      char16_t e = s_->at(pos_);
      switch (e) {
        case '"': b.append('"'); break;
        case '\\': b.append('\\'); break;
        case '/': b.append('/'); break;
        case 'b': b.append('\b'); break;
        case 'f': b.append('\f'); break;
        case 'n': b.append('\n'); break;
        case 'r': b.append('\r'); break;
        case 't': b.append('\t'); break;
        case 'u': {
          uint32_t v = 0;
          for (int k = 1; k <= 4; k++) {
            if (pos_ + k >= n_) return error("Bad Unicode escape", pos_ + k);
            int h = hexValue(s_->at(pos_ + k));
            if (h < 0) return error("Bad Unicode escape", pos_ + k);
            v = v * 16 + uint32_t(h);
          }
          b.append(char16_t(v));
          pos_ += 4;
          break;
        }
        default: return error("Bad escaped character", pos_);
      }
      pos_++;
    }
    return error("Unterminated string", n_);
  }

  Value parseNumber() {
    uint32_t start = pos_;
    if (s_->at(pos_) == '-') {
      pos_++;
      if (pos_ >= n_ || s_->at(pos_) < '0' || s_->at(pos_) > '9') return error("No number after minus sign", pos_);
    }
    if (s_->at(pos_) == '0') {
      pos_++;
      if (pos_ < n_ && s_->at(pos_) >= '0' && s_->at(pos_) <= '9') return error("Unexpected number", pos_);
    } else {
      while (pos_ < n_ && s_->at(pos_) >= '0' && s_->at(pos_) <= '9') pos_++;
    }
    bool integral = true;
    if (pos_ < n_ && s_->at(pos_) == '.') {
      integral = false;
      pos_++;
      if (pos_ >= n_ || s_->at(pos_) < '0' || s_->at(pos_) > '9') return error("Unterminated fractional number", pos_);
      while (pos_ < n_ && s_->at(pos_) >= '0' && s_->at(pos_) <= '9') pos_++;
    }
    if (pos_ < n_ && (s_->at(pos_) | 0x20) == 'e') {
      integral = false;
      pos_++;
      if (pos_ < n_ && (s_->at(pos_) == '+' || s_->at(pos_) == '-')) pos_++;
      if (pos_ >= n_ || s_->at(pos_) < '0' || s_->at(pos_) > '9')
        return error("Exponent part is missing a number", pos_);
      while (pos_ < n_ && s_->at(pos_) >= '0' && s_->at(pos_) <= '9') pos_++;
    }
    std::string text;
    for (uint32_t i = start; i < pos_; i++) text.push_back(char(s_->at(i)));
    if (integral && text.size() < 10) {
      long v = std::stol(text);
      return v == 0 && text[0] == '-' ? Value::rawDouble(-0.0) : Value::number(double(v));
    }
    double d = stringToNumber(std::string_view(text));
    return Value::number(d);
  }

  VM& vm_;
  Root src_;
  const StringCell* s_;
  uint32_t n_;
  uint32_t pos_ = 0;
  ValueStack stack_;
};

// EnumerableOwnProperties(O, key) (§7.3.23): the enumerable own string
// keys, as property keys, in a JS array (rooted by the caller).
Value enumerableOwnKeys(VM& vm, Value o) {
  Root obj(vm.heap(), o);
  Ref keys = ownPropertyKeys(vm, o);
  if (!keys) return Value::exception();
  RootRef kr(vm.heap(), keys);
  Root out(vm.heap(), KILN_TRY(newArray(vm, 0)));
  uint32_t count = vm.cell<ValueArrayCell>(keys)->length;
  for (uint32_t i = 0; i < count; i++) {
    Value p = vm.cell<ValueArrayCell>(kr.get())->data()[i];
    if (p.isSymbol()) continue;
    Root pr(vm.heap(), p);
    PropertyDescriptor desc;
    Status has = getOwnProperty(vm, obj.get(), p, &desc);
    if (has == Status::Exception) return Value::exception();
    if (has == Status::False || !desc.enumerable) continue;
    KILN_TRY_STATUS(arrayPush(vm, out.get(), pr.get()));
  }
  return out.get();
}

// §25.5.1.1 InternalizeJSONProperty ( holder, name, reviver )
Value internalize(VM& vm, Value holder, Value name, Value reviver, uint32_t depth) {
  if (depth > kMaxDepth) return stackOverflow(vm);
  Root h(vm.heap(), holder), nm(vm.heap(), name);
  Value key = KILN_TRY(toPropertyKey(vm, name));
  Root k(vm.heap(), key);
  Root val(vm.heap(), KILN_TRY(get(vm, holder, key)));
  if (val.get().isObject()) {
    bool isArr = KILN_TRY_STATUS(isArray(vm, val.get()));
    if (isArr) {
      double len = KILN_TRY(lengthOfArrayLike(vm, val.get())).toDouble();
      for (double i = 0; i < len; i++) {
        Root prop(vm.heap(), KILN_TRY(numberToString(vm, i)));
        Value newElement = KILN_TRY(internalize(vm, val.get(), prop.get(), reviver, depth + 1));
        Value pk = Value::number(i);
        if (newElement.isUndefined()) KILN_TRY_STATUS(deleteProperty(vm, val.get(), pk));
        else KILN_TRY_STATUS(createDataProperty(vm, val.get(), pk, newElement));
      }
    } else {
      Root keys(vm.heap(), KILN_TRY(enumerableOwnKeys(vm, val.get())));
      uint32_t count = uint32_t(KILN_TRY(lengthOfArrayLike(vm, keys.get())).toDouble());
      for (uint32_t i = 0; i < count; i++) {
        Root pr(vm.heap(), KILN_TRY(get(vm, keys.get(), Value::number(i))));
        Value pname = KILN_TRY(keyToValue(vm, pr.get()));
        Value newElement = KILN_TRY(internalize(vm, val.get(), pname, reviver, depth + 1));
        if (newElement.isUndefined()) KILN_TRY_STATUS(deleteProperty(vm, val.get(), pr.get()));
        else KILN_TRY_STATUS(createDataProperty(vm, val.get(), pr.get(), newElement));
      }
    }
  }
  Value nameStr = KILN_TRY(toString(vm, nm.get()));
  Value args[2] = {nameStr, val.get()};
  return call(vm, reviver, h.get(), args);
}

// ---- JSON.stringify ------------------------------------------------------------------

struct StringifyState {
  explicit StringifyState(Heap& heap) : replacer(heap), propertyList(heap) {}
  Root replacer;      // ReplacerFunction or undefined
  Root propertyList;  // a JS array of strings, or undefined
  std::u16string gap;
  std::u16string indent;
  std::vector<Value> stack;      // objects being serialized (each rooted by its frame)
  std::vector<Value> stackKeys;  // the key each was reached by (rooted by the frames too)
  StringBuilder out;
};

// §25.5.2.3 QuoteJSONString
void quote(StringBuilder& out, const StringCell* s) {
  static const char kHex[] = "0123456789abcdef";
  out.append('"');
  for (uint32_t i = 0; i < s->length; i++) {
    char16_t c = s->at(i);
    switch (c) {
      case '\b': out.appendAscii("\\b"); continue;
      case '\t': out.appendAscii("\\t"); continue;
      case '\n': out.appendAscii("\\n"); continue;
      case '\f': out.appendAscii("\\f"); continue;
      case '\r': out.appendAscii("\\r"); continue;
      case '"': out.appendAscii("\\\""); continue;
      case '\\': out.appendAscii("\\\\"); continue;
      default: break;
    }
    bool lone = false;
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 1 < s->length && s->at(i + 1) >= 0xDC00 && s->at(i + 1) <= 0xDFFF) {
        out.append(c);
        out.append(s->at(++i));
        continue;
      }
      lone = true;
    } else if (c >= 0xDC00 && c <= 0xDFFF) {
      lone = true;
    }
    if (c < 0x20 || lone) {
      out.appendAscii("\\u");
      for (int shift = 12; shift >= 0; shift -= 4) out.append(char16_t(kHex[(c >> shift) & 0xF]));
      continue;
    }
    out.append(c);
  }
  out.append('"');
}

// The constructor name V8 prints in the circular-structure message, found
// without side effects (own or inherited data property `constructor`, then
// its data property `name`).
std::string constructorName(VM& vm, Value o) {
  Value cur = o;
  for (int guard = 0; guard < 1000 && cur.isObject(); guard++) {
    if (kindOf(vm, cur) == CellKind::Proxy) return "Object";
    PropertyDescriptor d;
    if (ordinaryGetOwnProperty(vm, cur, vm.atom(Atom::constructor), &d) == Status::True) {
      if (!d.hasValue || !d.value.isObject() || kindOf(vm, d.value) == CellKind::Proxy) return "Object";
      PropertyDescriptor nd;
      if (ordinaryGetOwnProperty(vm, d.value, vm.atom(Atom::name), &nd) == Status::True && nd.value.isString())
        return toUtf8(vm, nd.value);
      return "Object";
    }
    cur = Value::object(obj(vm, cur)->proto);
    if (cur.ref() == 0) break;
  }
  return "Object";
}

std::string describeKey(VM& vm, Value key) {
  if (key.isNumber()) return "index " + describe(vm, key);
  return "property '" + describe(vm, key) + "'";
}

Value circularError(VM& vm, StringifyState& st, size_t start, Value closingKey) {
  std::string msg = "Converting circular structure to JSON\n    --> starting at object with constructor '" +
                    constructorName(vm, st.stack[start]) + "'";
  for (size_t i = start + 1; i < st.stack.size(); i++)
    msg += "\n    |     " + describeKey(vm, st.stackKeys[i]) + " -> object with constructor '" +
           constructorName(vm, st.stack[i]) + "'";
  msg += "\n    --- " + describeKey(vm, closingKey) + " closes the circle";
  return vm.throwTypeError(msg);
}

Value serializeProperty(VM& vm, StringifyState& st, Value key, Value holder, uint32_t depth);

// §25.5.2.5 SerializeJSONObject / §25.5.2.6 SerializeJSONArray
Value serializeContainer(VM& vm, StringifyState& st, Value key, Value value, bool isArr, uint32_t depth) {
  if (depth > kMaxDepth) return stackOverflow(vm);
  Root v(vm.heap(), value), k(vm.heap(), key);
  for (size_t i = 0; i < st.stack.size(); i++)
    if (st.stack[i] == value) return circularError(vm, st, i, key);
  st.stack.push_back(value);
  st.stackKeys.push_back(key);
  std::u16string stepback = st.indent;
  st.indent += st.gap;
  bool any = false;
  st.out.append(isArr ? '[' : '{');
  auto separator = [&](bool first) {
    if (!first) st.out.append(',');
    if (!st.gap.empty()) {
      st.out.append('\n');
      st.out.append(st.indent);
    }
  };
  if (isArr) {
    double len = KILN_TRY(lengthOfArrayLike(vm, v.get())).toDouble();
    for (double i = 0; i < len; i++) {
      separator(i == 0);
      Value wrote = KILN_TRY(serializeProperty(vm, st, Value::number(i), v.get(), depth + 1));
      if (wrote.isFalse()) st.out.appendAscii("null");
      any = true;
    }
  } else {
    Root keys(vm.heap());
    bool fromList = st.propertyList.get().isObject();
    if (fromList) keys.set(st.propertyList.get());
    else keys.set(KILN_TRY(enumerableOwnKeys(vm, v.get())));
    uint32_t count = uint32_t(KILN_TRY(lengthOfArrayLike(vm, keys.get())).toDouble());
    for (uint32_t i = 0; i < count; i++) {
      Value p = KILN_TRY(get(vm, keys.get(), Value::number(i)));
      if (fromList) p = KILN_TRY(keyFromString(vm, p));
      Root pr(vm.heap(), p);
      size_t mark = st.out.size();
      separator(!any);
      Value name = KILN_TRY(keyToValue(vm, pr.get()));
      quote(st.out, str(vm, name));
      st.out.append(':');
      if (!st.gap.empty()) st.out.append(' ');
      Value wrote = KILN_TRY(serializeProperty(vm, st, pr.get(), v.get(), depth + 1));
      if (wrote.isFalse()) {
        st.out.resize(mark);
        continue;
      }
      any = true;
    }
  }
  if (any && !st.gap.empty()) {
    st.out.append('\n');
    st.out.append(stepback);
  }
  st.out.append(isArr ? ']' : '}');
  st.stack.pop_back();
  st.stackKeys.pop_back();
  st.indent = stepback;
  return Value::boolean(true);
}

// §25.5.2.2 SerializeJSONProperty ( state, key, holder ): writes to st.out;
// returns true, or false when the value serializes to undefined. `key` is a
// property key (an index Number or an atom).
Value serializeProperty(VM& vm, StringifyState& st, Value key, Value holder, uint32_t depth) {
  Root k(vm.heap(), key), h(vm.heap(), holder);
  Root value(vm.heap(), KILN_TRY(get(vm, holder, key)));
  Root keyString(vm.heap());
  if (value.get().isObject() || value.get().isBigInt()) {
    Value toJSON = KILN_TRY(getV(vm, value.get(), vm.atom(Atom::toJSON)));
    if (isCallable(vm, toJSON)) {
      Root f(vm.heap(), toJSON);
      keyString.set(KILN_TRY(keyToValue(vm, k.get())));
      Value args[1] = {keyString.get()};
      value.set(KILN_TRY(call(vm, f.get(), value.get(), args)));
    }
  }
  if (!st.replacer.get().isUndefined()) {
    if (keyString.get().isUndefined()) keyString.set(KILN_TRY(keyToValue(vm, k.get())));
    Value args[2] = {keyString.get(), value.get()};
    value.set(KILN_TRY(call(vm, st.replacer.get(), h.get(), args)));
  }
  Value v = value.get();
  if (v.isObject()) {
    CellKind kind = kindOf(vm, v);
    if (kind == CellKind::Primitive) {
      Value inner = vm.cell<InternalObjectCell>(v)->internal[0];
      if (inner.isNumber()) v = KILN_TRY(toNumber(vm, v));
      else if (inner.isString()) v = KILN_TRY(toString(vm, v));
      else if (inner.isBool() || inner.isBigInt()) v = inner;
      value.set(v);
    }
  }
  if (v.isNull()) {
    st.out.appendAscii("null");
  } else if (v.isBool()) {
    st.out.appendAscii(v.isTrue() ? "true" : "false");
  } else if (v.isString()) {
    quote(st.out, str(vm, v));
  } else if (v.isNumber()) {
    double d = v.toDouble();
    if (!std::isfinite(d)) {
      st.out.appendAscii("null");
    } else {
      Value s = KILN_TRY(numberToString(vm, d));
      st.out.append(str(vm, s));
    }
  } else if (v.isBigInt()) {
    return vm.throwTypeError("Do not know how to serialize a BigInt");
  } else if (v.isObject() && !isCallable(vm, v)) {
    bool isArr = KILN_TRY_STATUS(isArray(vm, v));
    KILN_TRY(serializeContainer(vm, st, k.get(), value.get(), isArr, depth));
  } else {
    return Value::boolean(false);
  }
  if (st.out.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
  return Value::boolean(true);
}

}  // namespace

// §25.5.1 JSON.parse ( text [ , reviver ] )
Value native_JSON_parse(VM& vm, CallInfo& info) {
  Root reviver(vm.heap(), info.arg(1));
  Value text = KILN_TRY(toString(vm, info.arg(0)));
  JsonParser parser(vm, text);
  Root unfiltered(vm.heap(), KILN_TRY(parser.parse()));
  if (!isCallable(vm, reviver.get())) return unfiltered.get();
  Root root(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, root.get(), vm.atom(Atom::empty), unfiltered.get()));
  return internalize(vm, root.get(), vm.atom(Atom::empty), reviver.get(), 0);
}

// §25.5.2 JSON.stringify ( value [ , replacer [ , space ] ] )
Value native_JSON_stringify(VM& vm, CallInfo& info) {
  StringifyState st(vm.heap());
  Root value(vm.heap(), info.arg(0)), replacer(vm.heap(), info.arg(1)), space(vm.heap(), info.arg(2));
  st.replacer.set(Value::undefined());
  st.propertyList.set(Value::undefined());
  if (replacer.get().isObject()) {
    if (isCallable(vm, replacer.get())) {
      st.replacer.set(replacer.get());
    } else {
      bool isArr = KILN_TRY_STATUS(isArray(vm, replacer.get()));
      if (isArr) {
        Root list(vm.heap(), KILN_TRY(newArray(vm, 0)));
        uint32_t listLen = 0;
        double len = KILN_TRY(lengthOfArrayLike(vm, replacer.get())).toDouble();
        for (double k = 0; k < len; k++) {
          Value v = KILN_TRY(get(vm, replacer.get(), Value::number(k)));
          Value item = Value::undefined();
          if (v.isString()) {
            item = v;
          } else if (v.isNumber()) {
            item = KILN_TRY(toString(vm, v));
          } else if (v.isObject() && kindOf(vm, v) == CellKind::Primitive) {
            Value inner = vm.cell<InternalObjectCell>(v)->internal[0];
            if (inner.isString() || inner.isNumber()) item = KILN_TRY(toString(vm, v));
          }
          if (item.isUndefined()) continue;
          Root ir(vm.heap(), item);
          bool dup = false;
          for (uint32_t j = 0; j < listLen && !dup; j++) {
            Value e = KILN_TRY(get(vm, list.get(), Value::number(j)));
            dup = stringEquals(str(vm, e), str(vm, ir.get()));
          }
          if (dup) continue;
          KILN_TRY_STATUS(arrayPush(vm, list.get(), ir.get()));
          listLen++;
        }
        st.propertyList.set(list.get());
      }
    }
  }
  if (space.get().isObject() && kindOf(vm, space.get()) == CellKind::Primitive) {
    Value inner = vm.cell<InternalObjectCell>(space.get())->internal[0];
    if (inner.isNumber()) space.set(KILN_TRY(toNumber(vm, space.get())));
    else if (inner.isString()) space.set(KILN_TRY(toString(vm, space.get())));
  }
  if (space.get().isNumber()) {
    double n = std::min(10.0, toIntegerOrInfinity(space.get().toDouble()));
    if (n >= 1) st.gap.assign(size_t(n), u' ');
  } else if (space.get().isString()) {
    const StringCell* sc = str(vm, space.get());
    for (uint32_t i = 0; i < std::min(10u, sc->length); i++) st.gap.push_back(sc->at(i));
  }
  Root wrapper(vm.heap(), KILN_TRY(newObject(vm)));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, wrapper.get(), vm.atom(Atom::empty), value.get()));
  Value wrote = KILN_TRY(serializeProperty(vm, st, vm.atom(Atom::empty), wrapper.get(), 0));
  if (wrote.isFalse()) return Value::undefined();
  return st.out.finish(vm);
}

// §25.5: the JSON object.
void installJSON(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value jsonV = newObject(vm);
  if (jsonV.isException()) return;
  Root json(vm.heap(), jsonV);
  defineMethod(vm, json.get(), "parse", NativeId::JSON_parse);
  defineMethod(vm, json.get(), "stringify", NativeId::JSON_stringify);
  Value tag = newString(vm, std::string_view("JSON"));
  if (tag.isException()) return;
  defineValue(vm, json.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
  defineProperty(vm, g.get(), "JSON", json.get());
}

}  // namespace kiln
