// RegExp objects (ECMA-262 §22.2.4 - §22.2.9) over the engine's regexp
// compiler and matcher (engine/regexp.h). Object layout: builtins/regexp.h.
#include "builtins/regexp.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "builtins/builtins.h"
#include "builtins/string_util.h"
#include "engine/conversions.h"
#include "engine/regexp.h"
#include "engine/strings.h"

namespace kiln {

namespace {

namespace rd = regexp::detail;

enum Slot { kProgram = 0, kSource = 1, kFlags = 2, kGroupNames = 3, kFlagBits = 4 };

InternalObjectCell* rxCell(VM& vm, Value v) { return vm.cell<InternalObjectCell>(v); }

bool isRegExpObject(VM& vm, Value v) {
  return v.isObject() && kindOf(vm, v) == CellKind::RegExp && rxCell(vm, v)->internal[kProgram].isCell();
}

uint32_t flagBits(const regexp::Flags& f) {
  uint32_t bits = 0;
  if (f.ignoreCase) bits |= rd::kFlagIgnoreCase;
  if (f.multiline) bits |= rd::kFlagMultiline;
  if (f.dotAll) bits |= rd::kFlagDotAll;
  if (f.unicode) bits |= rd::kFlagUnicode;
  if (f.unicodeSets) bits |= rd::kFlagUnicodeSets;
  if (f.sticky) bits |= rd::kFlagSticky;
  if (f.global) bits |= rd::kFlagGlobal;
  if (f.hasIndices) bits |= rd::kFlagHasIndices;
  return bits;
}

bool stringContains(const StringCell* s, char16_t c) {
  for (uint32_t i = 0; i < s->length; i++)
    if (s->at(i) == c) return true;
  return false;
}

// §22.2.7.3 AdvanceStringIndex
double advanceStringIndex(const StringCell* s, double index, bool unicode) {
  if (!unicode || index + 1 >= s->length) return index + 1;
  uint32_t units;
  codePointAt(s, uint32_t(index), &units);
  return index + units;
}

Status setLastIndex(VM& vm, Value rx, Value v) { return setOrThrow(vm, rx, vm.atom(Atom::lastIndex), v); }

Value getLastIndexLength(VM& vm, Value rx) {
  Value li = KILN_TRY(get(vm, rx, vm.atom(Atom::lastIndex)));
  return toLength(vm, li);
}

std::string receiverText(VM& vm, Value v) {
  if (v.isObject()) return isCallable(vm, v) ? "function" : "#<Object>";
  return describe(vm, v);
}

Value incompatible(VM& vm, std::string_view method, Value receiver) {
  return vm.throwTypeError("Method RegExp.prototype." + std::string(method) + " called on incompatible receiver " +
                           receiverText(vm, receiver));
}

// §22.2.3.2 RegExpAlloc
Value regExpAlloc(VM& vm, Value newTarget) {
  Value o = KILN_TRY(ordinaryCreateFromConstructor(vm, newTarget, Intrinsic::RegExpPrototype, CellKind::RegExp));
  Root r(vm.heap(), o);
  for (Value& v : rxCell(vm, o)->internal) v = Value::undefined();
  PropertyDescriptor d;
  d.hasWritable = d.hasEnumerable = d.hasConfigurable = true;
  d.writable = true;
  d.hasValue = true;
  d.value = Value::undefined();
  KILN_TRY_STATUS(definePropertyOrThrow(vm, r.get(), vm.atom(Atom::lastIndex), d));
  return r.get();
}

// §22.2.3.3 RegExpInitialize
Value regExpInitialize(VM& vm, Value obj, Value pattern, Value flags) {
  Root o(vm.heap(), obj), fl(vm.heap(), flags);
  Value p = vm.atom(Atom::empty);
  if (!pattern.isUndefined()) p = KILN_TRY(toString(vm, pattern));
  Root pr(vm.heap(), p);
  Value f = vm.atom(Atom::empty);
  if (!fl.get().isUndefined()) f = KILN_TRY(toString(vm, fl.get()));
  Root fr(vm.heap(), f);
  std::u16string patternText = toUtf16(vm, pr.get());
  std::u16string flagsText = toUtf16(vm, fr.get());
  regexp::Flags parsed;
  if (!regexp::parseFlags(flagsText, &parsed))
    return vm.throwError(ErrorType::SyntaxError,
                         "Invalid flags supplied to RegExp constructor '" + toUtf8(vm, fr.get()) + "'");
  regexp::Program program;
  std::string error;
  if (!regexp::compile(patternText, parsed, &program, &error)) {
    std::string flagsPart = toUtf8(vm, fr.get());
    return vm.throwError(ErrorType::SyntaxError,
                         "Invalid regular expression: /" + toUtf8(vm, pr.get()) + "/" + flagsPart + ": " + error);
  }
  Ref bytes = newByteArray(vm, uint32_t(program.bytes.size()));
  if (!bytes) return Value::exception();
  RootRef br(vm.heap(), bytes);
  std::memcpy(vm.cell<ByteArrayCell>(bytes)->data(), program.bytes.data(), program.bytes.size());
  Value names = Value::undefined();
  if (!program.groupNames.empty()) {
    uint32_t n = uint32_t(program.groupNames.size());
    Ref arr = newValueArray(vm, 2 * n, 2 * n);
    if (!arr) return Value::exception();
    RootRef ar(vm.heap(), arr);
    for (uint32_t i = 0; i < n; i++) {
      const auto& [name, group] = program.groupNames[i];
      Value s = KILN_TRY(newStringUtf16(vm, name.data(), name.size()));
      Value* data = vm.cell<ValueArrayCell>(ar.get())->data();
      data[2 * i] = s;
      data[2 * i + 1] = Value::int32(int32_t(group));
    }
    names = Value::cell(ar.get());
  }
  auto* c = rxCell(vm, o.get());
  c->internal[kProgram] = Value::cell(br.get());
  c->internal[kSource] = pr.get();
  c->internal[kFlags] = fr.get();
  c->internal[kGroupNames] = names;
  c->internal[kFlagBits] = Value::int32(int32_t(flagBits(parsed)));
  KILN_TRY_STATUS(setLastIndex(vm, o.get(), Value::int32(0)));
  return o.get();
}

// Runs the program of `rx` on `s` from `start`; fills caps.
regexp::MatchStatus runMatcher(VM& vm, Value rx, Value s, uint32_t start, std::vector<int32_t>& caps) {
  auto* prog = vm.cell<ByteArrayCell>(rxCell(vm, rx)->internal[kProgram]);
  uint32_t n = regexp::captureCount(prog->data(), prog->length);
  caps.assign(2 * (size_t(n) + 1), -1);
  const StringCell* sc = str(vm, s);
  if (sc->twoByte())
    return regexp::search(prog->data(), prog->length, sc->utf16(), sc->length, start, caps.data(), vm.deadlineNs);
  return regexp::search(prog->data(), prog->length, sc->latin1(), sc->length, start, caps.data(), vm.deadlineNs);
}

// MakeMatchIndicesIndexPairArray (§22.2.7.8)
Value makeIndicesArray(VM& vm, const std::vector<int32_t>& caps, const std::vector<Value>& groupNameOf,
                       bool hasGroups) {
  uint32_t n = uint32_t(caps.size() / 2);
  Root a(vm.heap(), KILN_TRY(newArray(vm, 0)));
  Root groups(vm.heap(), Value::undefined());
  if (hasGroups) groups.set(KILN_TRY(newObject(vm, Value::null())));
  for (uint32_t i = 0; i < n; i++) {
    Value pair = Value::undefined();
    if (caps[2 * i] >= 0) {
      Value items[2] = {Value::int32(caps[2 * i]), Value::int32(caps[2 * i + 1])};
      pair = KILN_TRY(newArrayFrom(vm, items));
    }
    Root pr(vm.heap(), pair);
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::int32(int32_t(i)), pair));
    if (i > 0 && hasGroups && groupNameOf[i].isString()) {
      Value key = KILN_TRY(keyFromString(vm, groupNameOf[i]));
      Status has = hasOwnProperty(vm, groups.get(), key);
      if (has == Status::Exception) return Value::exception();
      if (has == Status::False || !pr.get().isUndefined())
        KILN_TRY_STATUS(createDataPropertyOrThrow(vm, groups.get(), key, pr.get()));
    }
  }
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), vm.atom(Atom::groups), groups.get()));
  return a.get();
}

}  // namespace

// §22.2.7.2 RegExpBuiltinExec ( R, S )
Value regExpBuiltinExec(VM& vm, Value rxV, Value sV) {
  Root rx(vm.heap(), rxV), s(vm.heap(), sV);
  uint32_t length = stringLength(vm, sV);
  double lastIndex = KILN_TRY(getLastIndexLength(vm, rx.get())).toDouble();
  uint32_t bits = uint32_t(rxCell(vm, rx.get())->internal[kFlagBits].asInt());
  bool global = bits & rd::kFlagGlobal, sticky = bits & rd::kFlagSticky, hasIndices = bits & rd::kFlagHasIndices;
  if (!global && !sticky) lastIndex = 0;
  std::vector<int32_t> caps;
  regexp::MatchStatus status =
      lastIndex > length ? regexp::MatchStatus::NoMatch : runMatcher(vm, rx.get(), s.get(), uint32_t(lastIndex), caps);
  if (status == regexp::MatchStatus::LimitExceeded)
    return vm.throwRangeError("Maximum call stack size exceeded");
  if (status == regexp::MatchStatus::TimedOut) return vm.throwTimedOut();
  if (status == regexp::MatchStatus::NoMatch) {
    if (global || sticky) KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::int32(0)));
    return Value::null();
  }
  uint32_t matchStart = uint32_t(caps[0]), e = uint32_t(caps[1]);
  if (global || sticky) KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::number(e)));
  uint32_t n = uint32_t(caps.size() / 2) - 1;

  // Group names by capture number (undefined for unnamed groups).
  std::vector<Value> groupNameOf(n + 1, Value::undefined());
  Value names = rxCell(vm, rx.get())->internal[kGroupNames];
  bool hasGroups = names.isCell();
  // The names are kept alive by the RegExp object, which is rooted.
  if (hasGroups) {
    auto* arr = vm.cell<ValueArrayCell>(names);
    for (uint32_t i = 0; i + 1 < arr->length; i += 2) {
      uint32_t g = uint32_t(arr->data()[i + 1].asInt());
      if (g <= n) groupNameOf[g] = arr->data()[i];
    }
  }

  Root a(vm.heap(), KILN_TRY(newArray(vm, 0)));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), vm.atom(Atom::index), Value::number(matchStart)));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), vm.atom(Atom::input), s.get()));
  Value matched = KILN_TRY(substring(vm, s.get(), matchStart, e));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::int32(0), matched));
  Root groups(vm.heap(), Value::undefined());
  if (hasGroups) groups.set(KILN_TRY(newObject(vm, Value::null())));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), vm.atom(Atom::groups), groups.get()));
  for (uint32_t i = 1; i <= n; i++) {
    Value captured = Value::undefined();
    if (caps[2 * i] >= 0) captured = KILN_TRY(substring(vm, s.get(), uint32_t(caps[2 * i]), uint32_t(caps[2 * i + 1])));
    Root cr(vm.heap(), captured);
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::int32(int32_t(i)), captured));
    if (hasGroups && groupNameOf[i].isString()) {
      Value key = KILN_TRY(keyFromString(vm, groupNameOf[i]));
      // Duplicate named groups: a later, non-participating alternative does
      // not overwrite the one that matched.
      Status has = hasOwnProperty(vm, groups.get(), key);
      if (has == Status::Exception) return Value::exception();
      if (has == Status::False || !cr.get().isUndefined())
        KILN_TRY_STATUS(createDataPropertyOrThrow(vm, groups.get(), key, cr.get()));
    }
  }
  if (hasIndices) {
    Value indices = KILN_TRY(makeIndicesArray(vm, caps, groupNameOf, hasGroups));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), vm.atom(Atom::indices), indices));
  }
  return a.get();
}

// §22.2.7.1 RegExpExec ( R, S )
Value regExpExec(VM& vm, Value rxV, Value sV) {
  Root rx(vm.heap(), rxV), s(vm.heap(), sV);
  Value exec = KILN_TRY(get(vm, rxV, keyFor(vm, "exec")));
  if (isCallable(vm, exec)) {
    Value args[1] = {s.get()};
    Value result = KILN_TRY(call(vm, exec, rx.get(), args));
    if (!result.isObject() && !result.isNull())
      return vm.throwTypeError("RegExp exec method returned something other than an Object or null");
    return result;
  }
  if (!isRegExpObject(vm, rx.get())) return incompatible(vm, "exec", rx.get());
  return regExpBuiltinExec(vm, rx.get(), s.get());
}

// §7.2.8 IsRegExp
Status isRegExp(VM& vm, Value v) {
  if (!v.isObject()) return Status::False;
  Root r(vm.heap(), v);
  Value matcher = get(vm, v, vm.wellKnown(WellKnown::match));
  if (matcher.isException()) return Status::Exception;
  if (!matcher.isUndefined()) return toStatus(toBoolean(vm, matcher));
  return toStatus(kindOf(vm, r.get()) == CellKind::RegExp);
}

// §22.2.3.1 RegExpCreate
Value regExpCreate(VM& vm, Value pattern, Value flags) {
  Root p(vm.heap(), pattern), f(vm.heap(), flags);
  Value o = KILN_TRY(regExpAlloc(vm, vm.intrinsic(Intrinsic::RegExp)));
  return regExpInitialize(vm, o, p.get(), f.get());
}

// §22.2.4.1 RegExp ( pattern, flags )
Value native_RegExpCtor(VM& vm, CallInfo& info) {
  Root pattern(vm.heap(), info.arg(0)), flags(vm.heap(), info.arg(1));
  bool patternIsRegExp = KILN_TRY_STATUS(isRegExp(vm, pattern.get()));
  Root newTarget(vm.heap(), info.newTarget);
  if (!info.isConstructCall()) {
    newTarget.set(info.callee);
    if (patternIsRegExp && flags.get().isUndefined()) {
      Value ctor = KILN_TRY(get(vm, pattern.get(), vm.atom(Atom::constructor)));
      if (sameValue(vm, newTarget.get(), ctor)) return pattern.get();
    }
  }
  Root p(vm.heap()), f(vm.heap());
  if (isRegExpObject(vm, pattern.get())) {
    p.set(rxCell(vm, pattern.get())->internal[kSource]);
    f.set(flags.get().isUndefined() ? rxCell(vm, pattern.get())->internal[kFlags] : flags.get());
  } else if (patternIsRegExp) {
    p.set(KILN_TRY(get(vm, pattern.get(), vm.atom(Atom::source))));
    if (flags.get().isUndefined()) f.set(KILN_TRY(get(vm, pattern.get(), vm.atom(Atom::flags))));
    else f.set(flags.get());
  } else {
    p.set(pattern.get());
    f.set(flags.get());
  }
  Value o = KILN_TRY(regExpAlloc(vm, newTarget.get()));
  return regExpInitialize(vm, o, p.get(), f.get());
}

// §22.2.5.2 get RegExp [ @@species ]
Value native_RegExp_species(VM& vm, CallInfo& info) { return info.thisValue; }

// §B.2.4.1 RegExp.prototype.compile ( pattern, flags )
Value native_RegExpProto_compile(VM& vm, CallInfo& info) {
  Value o = info.thisValue;
  if (!o.isObject() || kindOf(vm, o) != CellKind::RegExp) return incompatible(vm, "compile", o);
  Value pattern = info.arg(0), flags = info.arg(1);
  if (isRegExpObject(vm, pattern)) {
    if (!flags.isUndefined())
      return vm.throwTypeError("Cannot supply flags when constructing one RegExp from another");
    flags = rxCell(vm, pattern)->internal[kFlags];
    pattern = rxCell(vm, pattern)->internal[kSource];
  }
  return regExpInitialize(vm, o, pattern, flags);
}

// §22.2.6.2 RegExp.prototype.exec ( string )
Value native_RegExpProto_exec(VM& vm, CallInfo& info) {
  if (!isRegExpObject(vm, info.thisValue)) return incompatible(vm, "exec", info.thisValue);
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  return regExpBuiltinExec(vm, info.thisValue, s);
}

namespace {

// §22.2.6.4.1 RegExpHasFlag ( R, codeUnit )
Value regExpHasFlag(VM& vm, CallInfo& info, uint32_t bit, std::string_view name) {
  Value r = info.thisValue;
  if (!r.isObject())
    return vm.throwTypeError("RegExp.prototype." + std::string(name) + " getter called on non-object " +
                             describe(vm, r));
  if (!isRegExpObject(vm, r)) {
    if (r == vm.intrinsic(Intrinsic::RegExpPrototype)) return Value::undefined();
    return vm.throwTypeError("RegExp.prototype." + std::string(name) + " getter called on non-RegExp object");
  }
  return Value::boolean(uint32_t(rxCell(vm, r)->internal[kFlagBits].asInt()) & bit);
}

}  // namespace

Value native_RegExpProto_dotAll(VM& vm, CallInfo& info) { return regExpHasFlag(vm, info, rd::kFlagDotAll, "dotAll"); }
Value native_RegExpProto_global(VM& vm, CallInfo& info) { return regExpHasFlag(vm, info, rd::kFlagGlobal, "global"); }
Value native_RegExpProto_hasIndices(VM& vm, CallInfo& info) {
  return regExpHasFlag(vm, info, rd::kFlagHasIndices, "hasIndices");
}
Value native_RegExpProto_ignoreCase(VM& vm, CallInfo& info) {
  return regExpHasFlag(vm, info, rd::kFlagIgnoreCase, "ignoreCase");
}
Value native_RegExpProto_multiline(VM& vm, CallInfo& info) {
  return regExpHasFlag(vm, info, rd::kFlagMultiline, "multiline");
}
Value native_RegExpProto_sticky(VM& vm, CallInfo& info) { return regExpHasFlag(vm, info, rd::kFlagSticky, "sticky"); }
Value native_RegExpProto_unicode(VM& vm, CallInfo& info) {
  return regExpHasFlag(vm, info, rd::kFlagUnicode, "unicode");
}
Value native_RegExpProto_unicodeSets(VM& vm, CallInfo& info) {
  return regExpHasFlag(vm, info, rd::kFlagUnicodeSets, "unicodeSets");
}

// §22.2.6.4 get RegExp.prototype.flags
Value native_RegExpProto_flags(VM& vm, CallInfo& info) {
  Value r = info.thisValue;
  if (!r.isObject()) return vm.throwTypeError("RegExp.prototype.flags getter called on non-object " + describe(vm, r));
  static constexpr struct { const char* name; char c; } kFlags[] = {
      {"hasIndices", 'd'}, {"global", 'g'}, {"ignoreCase", 'i'}, {"multiline", 'm'},
      {"dotAll", 's'},     {"unicode", 'u'}, {"unicodeSets", 'v'}, {"sticky", 'y'},
  };
  std::string out;
  for (const auto& f : kFlags) {
    Value key = KILN_TRY(keyFor(vm, f.name));
    Value v = KILN_TRY(get(vm, info.thisValue, key));
    if (toBoolean(vm, v)) out.push_back(f.c);
  }
  return newString(vm, out);
}

// §22.2.6.13 get RegExp.prototype.source, with EscapeRegExpPattern
// (§22.2.6.13.1): `/` and line terminators are escaped so that the result
// reads back as the same literal.
Value native_RegExpProto_source(VM& vm, CallInfo& info) {
  Value r = info.thisValue;
  if (!r.isObject()) return vm.throwTypeError("RegExp.prototype.source getter called on non-object " + describe(vm, r));
  if (!isRegExpObject(vm, r)) {
    if (r == vm.intrinsic(Intrinsic::RegExpPrototype)) return newString(vm, std::string_view("(?:)"));
    return vm.throwTypeError("RegExp.prototype.source getter called on non-RegExp object");
  }
  Value src = rxCell(vm, r)->internal[kSource];
  const StringCell* s = str(vm, src);
  if (s->length == 0) return newString(vm, std::string_view("(?:)"));
  StringBuilder b;
  bool inClass = false, changed = false;
  for (uint32_t i = 0; i < s->length; i++) {
    char16_t c = s->at(i);
    if (c == '\\' && i + 1 < s->length) {
      b.append(c);
      char16_t next = s->at(++i);
      if (next == '\n') { b.append('n'); changed = true; }
      else if (next == '\r') { b.append('r'); changed = true; }
      else if (next == 0x2028) { b.appendAscii("u2028"); changed = true; }
      else if (next == 0x2029) { b.appendAscii("u2029"); changed = true; }
      else b.append(next);
      continue;
    }
    if (c == '[') inClass = true;
    else if (c == ']') inClass = false;
    if (c == '/' && !inClass) { b.appendAscii("\\/"); changed = true; }
    else if (c == '\n') { b.appendAscii("\\n"); changed = true; }
    else if (c == '\r') { b.appendAscii("\\r"); changed = true; }
    else if (c == 0x2028) { b.appendAscii("\\u2028"); changed = true; }
    else if (c == 0x2029) { b.appendAscii("\\u2029"); changed = true; }
    else b.append(c);
  }
  return changed ? b.finish(vm) : src;
}

// §22.2.6.16 RegExp.prototype.test ( S )
Value native_RegExpProto_test(VM& vm, CallInfo& info) {
  if (!info.thisValue.isObject()) return incompatible(vm, "test", info.thisValue);
  Value s = KILN_TRY(toString(vm, info.arg(0)));
  Value m = KILN_TRY(regExpExec(vm, info.thisValue, s));
  return Value::boolean(!m.isNull());
}

// §22.2.6.17 RegExp.prototype.toString ( )
Value native_RegExpProto_toString(VM& vm, CallInfo& info) {
  Value r = info.thisValue;
  if (!r.isObject()) return incompatible(vm, "toString", r);
  Value src = KILN_TRY(get(vm, r, vm.atom(Atom::source)));
  Root pattern(vm.heap(), KILN_TRY(toString(vm, src)));
  Value fl = KILN_TRY(get(vm, info.thisValue, vm.atom(Atom::flags)));
  Value flags = KILN_TRY(toString(vm, fl));
  StringBuilder b;
  b.append('/');
  b.append(str(vm, pattern.get()));
  b.append('/');
  b.append(str(vm, flags));
  return b.finish(vm);
}

namespace {

// ToString(Get(rx, "flags")), rooted by the caller.
Value flagsString(VM& vm, Value rx) {
  Value fl = KILN_TRY(get(vm, rx, vm.atom(Atom::flags)));
  return toString(vm, fl);
}

// The "empty match: step lastIndex forward" dance shared by @@match,
// @@replace and the RegExp String Iterator.
Status advanceAfterEmptyMatch(VM& vm, Value rx, Value s, Value result, bool fullUnicode) {
  Root r(vm.heap(), rx), sr(vm.heap(), s);
  Value m = get(vm, result, Value::int32(0));
  if (m.isException()) return Status::Exception;
  m = toString(vm, m);
  if (m.isException()) return Status::Exception;
  if (stringLength(vm, m) != 0) return Status::False;
  Value thisIndex = getLastIndexLength(vm, r.get());
  if (thisIndex.isException()) return Status::Exception;
  double next = advanceStringIndex(str(vm, sr.get()), thisIndex.toDouble(), fullUnicode);
  return setLastIndex(vm, r.get(), Value::number(next));
}

}  // namespace

// §22.2.6.8 RegExp.prototype [ @@match ] ( string )
Value native_RegExpProto_match(VM& vm, CallInfo& info) {
  Root rx(vm.heap(), info.thisValue);
  if (!rx.get().isObject()) return incompatible(vm, "@@match", rx.get());
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Root flags(vm.heap(), KILN_TRY(flagsString(vm, rx.get())));
  if (!stringContains(str(vm, flags.get()), 'g')) return regExpExec(vm, rx.get(), s.get());
  bool fullUnicode = stringContains(str(vm, flags.get()), 'u') || stringContains(str(vm, flags.get()), 'v');
  KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::int32(0)));
  Root a(vm.heap(), KILN_TRY(newArray(vm, 0)));
  for (uint32_t n = 0;; n++) {
    Value result = KILN_TRY(regExpExec(vm, rx.get(), s.get()));
    if (result.isNull()) return n == 0 ? Value::null() : a.get();
    Root res(vm.heap(), result);
    Value m = KILN_TRY(get(vm, result, Value::int32(0)));
    Value ms = KILN_TRY(toString(vm, m));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::number(n), ms));
    if (stringLength(vm, ms) == 0) {
      double thisIndex = KILN_TRY(getLastIndexLength(vm, rx.get())).toDouble();
      double next = advanceStringIndex(str(vm, s.get()), thisIndex, fullUnicode);
      KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::number(next)));
    }
  }
}

// §22.2.6.9 RegExp.prototype [ @@matchAll ] ( string )
Value native_RegExpProto_matchAll(VM& vm, CallInfo& info) {
  Root r(vm.heap(), info.thisValue);
  if (!r.get().isObject()) return incompatible(vm, "@@matchAll", r.get());
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Root c(vm.heap(), KILN_TRY(speciesConstructor(vm, r.get(), vm.intrinsic(Intrinsic::RegExp))));
  Root flags(vm.heap(), KILN_TRY(flagsString(vm, r.get())));
  Value args[2] = {r.get(), flags.get()};
  Root matcher(vm.heap(), KILN_TRY(construct(vm, c.get(), args)));
  double lastIndex = KILN_TRY(getLastIndexLength(vm, r.get())).toDouble();
  KILN_TRY_STATUS(setLastIndex(vm, matcher.get(), Value::number(lastIndex)));
  bool global = stringContains(str(vm, flags.get()), 'g');
  bool fullUnicode = stringContains(str(vm, flags.get()), 'u') || stringContains(str(vm, flags.get()), 'v');
  // %RegExpStringIterator%: internal[0] matcher, [1] string, [2] bits
  // (1 global, 2 fullUnicode, 4 done), [5] the tag.
  Value it = KILN_TRY(newObjectOfKind(vm, CellKind::Iterator, sizeof(InternalObjectCell),
                                      vm.intrinsic(Intrinsic::RegExpStringIteratorPrototype)));
  auto* ic = vm.cell<InternalObjectCell>(it);
  ic->internal[0] = matcher.get();
  ic->internal[1] = s.get();
  ic->internal[2] = Value::int32((global ? 1 : 0) | (fullUnicode ? 2 : 0));
  ic->internal[5] = Value::int32(int32_t(NativeId::RegExpStringIteratorNext));
  return it;
}

// §22.2.9.2.1 %RegExpStringIteratorPrototype%.next ( )
Value native_RegExpStringIteratorNext(VM& vm, CallInfo& info) {
  Root o(vm.heap(), info.thisValue);
  if (!o.get().isObject() || kindOf(vm, o.get()) != CellKind::Iterator ||
      vm.cell<InternalObjectCell>(o.get())->internal[5] != Value::int32(int32_t(NativeId::RegExpStringIteratorNext)))
    return vm.throwTypeError("Method RegExp String Iterator.prototype.next called on incompatible receiver " +
                             receiverText(vm, o.get()));
  auto* ic = vm.cell<InternalObjectCell>(o.get());
  int32_t bits = ic->internal[2].asInt();
  if (bits & 4) return createIterResult(vm, Value::undefined(), true);
  Root r(vm.heap(), ic->internal[0]), s(vm.heap(), ic->internal[1]);
  Value match = KILN_TRY(regExpExec(vm, r.get(), s.get()));
  if (match.isNull()) {
    vm.cell<InternalObjectCell>(o.get())->internal[2] = Value::int32(bits | 4);
    return createIterResult(vm, Value::undefined(), true);
  }
  Root m(vm.heap(), match);
  if (!(bits & 1)) {
    vm.cell<InternalObjectCell>(o.get())->internal[2] = Value::int32(bits | 4);
    return createIterResult(vm, m.get(), false);
  }
  KILN_TRY_STATUS(advanceAfterEmptyMatch(vm, r.get(), s.get(), m.get(), bits & 2));
  return createIterResult(vm, m.get(), false);
}

// §22.2.6.11 RegExp.prototype [ @@replace ] ( string, replaceValue )
Value native_RegExpProto_replace(VM& vm, CallInfo& info) {
  Root rx(vm.heap(), info.thisValue);
  if (!rx.get().isObject()) return incompatible(vm, "@@replace", rx.get());
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  uint32_t lengthS = stringLength(vm, s.get());
  Root replaceValue(vm.heap(), info.arg(1));
  bool functional = isCallable(vm, replaceValue.get());
  if (!functional) replaceValue.set(KILN_TRY(toString(vm, replaceValue.get())));
  Root flags(vm.heap(), KILN_TRY(flagsString(vm, rx.get())));
  bool global = stringContains(str(vm, flags.get()), 'g');
  bool fullUnicode = false;
  if (global) {
    fullUnicode = stringContains(str(vm, flags.get()), 'u') || stringContains(str(vm, flags.get()), 'v');
    KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::int32(0)));
  }
  // The results list, kept in a JS array so that it is rooted.
  Root results(vm.heap(), KILN_TRY(newArray(vm, 0)));
  uint32_t resultCount = 0;
  for (;;) {
    Value result = KILN_TRY(regExpExec(vm, rx.get(), s.get()));
    if (result.isNull()) break;
    Root res(vm.heap(), result);
    KILN_TRY_STATUS(arrayPush(vm, results.get(), result));
    resultCount++;
    if (!global) break;
    KILN_TRY_STATUS(advanceAfterEmptyMatch(vm, rx.get(), s.get(), res.get(), fullUnicode));
  }
  StringBuilder acc;
  uint32_t nextSourcePosition = 0;
  for (uint32_t k = 0; k < resultCount; k++) {
    Root result(vm.heap(), KILN_TRY(get(vm, results.get(), Value::number(k))));
    double resultLength = KILN_TRY(lengthOfArrayLike(vm, result.get())).toDouble();
    double nCaptures = std::max(resultLength - 1, 0.0);
    Value m0 = KILN_TRY(get(vm, result.get(), Value::int32(0)));
    Root matched(vm.heap(), KILN_TRY(toString(vm, m0)));
    uint32_t matchLength = stringLength(vm, matched.get());
    Value posV = KILN_TRY(get(vm, result.get(), vm.atom(Atom::index)));
    double position = KILN_TRY(toIntegerOrInfinity(vm, posV)).toDouble();
    position = std::min(std::max(position, 0.0), double(lengthS));
    // Captures in a JS array during collection (rooted), then a ValueArray.
    uint32_t capCount = uint32_t(std::min(nCaptures, 65536.0));
    Ref capsRef = newValueArray(vm, capCount, capCount);
    if (!capsRef) return Value::exception();
    RootRef caps(vm.heap(), capsRef);
    for (uint32_t n = 1; n <= capCount; n++) {
      Value capN = KILN_TRY(get(vm, result.get(), Value::number(n)));
      if (!capN.isUndefined()) capN = KILN_TRY(toString(vm, capN));
      vm.cell<ValueArrayCell>(caps.get())->data()[n - 1] = capN;
    }
    Root named(vm.heap(), KILN_TRY(get(vm, result.get(), vm.atom(Atom::groups))));
    StringBuilder replacement;
    if (functional) {
      std::vector<Value> args;
      args.push_back(matched.get());
      for (uint32_t n = 0; n < capCount; n++) args.push_back(vm.cell<ValueArrayCell>(caps.get())->data()[n]);
      args.push_back(Value::number(position));
      args.push_back(s.get());
      if (!named.get().isUndefined()) args.push_back(named.get());
      // Everything in args is rooted elsewhere (caps, matched, s, named).
      Value r = KILN_TRY(call(vm, replaceValue.get(), Value::undefined(), args));
      Value rs = KILN_TRY(toString(vm, r));
      replacement.append(str(vm, rs));
    } else {
      if (!named.get().isUndefined()) named.set(KILN_TRY(toObject(vm, named.get())));
      KILN_TRY_STATUS(getSubstitution(vm, matched.get(), s.get(), uint32_t(position), Value::cell(caps.get()),
                                      named.get(), replaceValue.get(), replacement));
    }
    if (position >= nextSourcePosition) {
      acc.append(str(vm, s.get()), nextSourcePosition, uint32_t(position));
      acc.append(replacement.units());
      if (acc.size() > kMaxStringLength) return vm.throwRangeError("Invalid string length");
      nextSourcePosition = uint32_t(position) + matchLength;
    }
  }
  if (nextSourcePosition < lengthS) acc.append(str(vm, s.get()), nextSourcePosition, lengthS);
  return acc.finish(vm);
}

// §22.2.6.12 RegExp.prototype [ @@search ] ( string )
Value native_RegExpProto_search(VM& vm, CallInfo& info) {
  Root rx(vm.heap(), info.thisValue);
  if (!rx.get().isObject()) return incompatible(vm, "@@search", rx.get());
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Root previous(vm.heap(), KILN_TRY(get(vm, rx.get(), vm.atom(Atom::lastIndex))));
  if (!sameValue(vm, previous.get(), Value::int32(0))) KILN_TRY_STATUS(setLastIndex(vm, rx.get(), Value::int32(0)));
  Root result(vm.heap(), KILN_TRY(regExpExec(vm, rx.get(), s.get())));
  Value current = KILN_TRY(get(vm, rx.get(), vm.atom(Atom::lastIndex)));
  if (!sameValue(vm, current, previous.get())) KILN_TRY_STATUS(setLastIndex(vm, rx.get(), previous.get()));
  if (result.get().isNull()) return Value::int32(-1);
  return get(vm, result.get(), vm.atom(Atom::index));
}

// §22.2.6.14 RegExp.prototype [ @@split ] ( string, limit )
Value native_RegExpProto_split(VM& vm, CallInfo& info) {
  Root rx(vm.heap(), info.thisValue), limit(vm.heap(), info.arg(1));
  if (!rx.get().isObject()) return incompatible(vm, "@@split", rx.get());
  Root s(vm.heap(), KILN_TRY(toString(vm, info.arg(0))));
  Root c(vm.heap(), KILN_TRY(speciesConstructor(vm, rx.get(), vm.intrinsic(Intrinsic::RegExp))));
  Root flags(vm.heap(), KILN_TRY(flagsString(vm, rx.get())));
  bool unicodeMatching = stringContains(str(vm, flags.get()), 'u') || stringContains(str(vm, flags.get()), 'v');
  Root newFlags(vm.heap(), flags.get());
  if (!stringContains(str(vm, flags.get()), 'y')) {
    Value y = KILN_TRY(newString(vm, std::string_view("y")));
    newFlags.set(KILN_TRY(concatStrings(vm, flags.get(), y)));
  }
  Value args[2] = {rx.get(), newFlags.get()};
  Root splitter(vm.heap(), KILN_TRY(construct(vm, c.get(), args)));
  Root a(vm.heap(), KILN_TRY(newArray(vm, 0)));
  uint32_t lengthA = 0;
  double lim = 4294967295.0;
  if (!limit.get().isUndefined()) lim = KILN_TRY(toUint32(vm, limit.get())).toDouble();
  if (lim == 0) return a.get();
  uint32_t size = stringLength(vm, s.get());
  if (size == 0) {
    Value z = KILN_TRY(regExpExec(vm, splitter.get(), s.get()));
    if (!z.isNull()) return a.get();
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::int32(0), s.get()));
    return a.get();
  }
  uint32_t p = 0;
  double q = p;
  while (q < size) {
    KILN_TRY_STATUS(setLastIndex(vm, splitter.get(), Value::number(q)));
    Value z = KILN_TRY(regExpExec(vm, splitter.get(), s.get()));
    if (z.isNull()) {
      q = advanceStringIndex(str(vm, s.get()), q, unicodeMatching);
      continue;
    }
    Root zr(vm.heap(), z);
    double e = KILN_TRY(getLastIndexLength(vm, splitter.get())).toDouble();
    e = std::min(e, double(size));
    if (e == p) {
      q = advanceStringIndex(str(vm, s.get()), q, unicodeMatching);
      continue;
    }
    Value t = KILN_TRY(substring(vm, s.get(), p, uint32_t(q)));
    KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::number(lengthA), t));
    if (++lengthA == lim) return a.get();
    p = uint32_t(e);
    double numberOfCaptures = KILN_TRY(lengthOfArrayLike(vm, zr.get())).toDouble();
    numberOfCaptures = std::max(numberOfCaptures - 1, 0.0);
    for (double i = 1; i <= numberOfCaptures; i++) {
      Value cap = KILN_TRY(get(vm, zr.get(), Value::number(i)));
      KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::number(lengthA), cap));
      if (++lengthA == lim) return a.get();
    }
    q = p;
  }
  Value t = KILN_TRY(substring(vm, s.get(), p, size));
  KILN_TRY_STATUS(createDataPropertyOrThrow(vm, a.get(), Value::number(lengthA), t));
  return a.get();
}

// §22.2.4 - §22.2.6, §22.2.9: the constructor, RegExp.prototype (an
// ordinary object) and %RegExpStringIteratorPrototype%.
void installRegExp(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Value protoV = newObject(vm);
  if (protoV.isException()) return;
  Root proto(vm.heap(), protoV);
  vm.setIntrinsic(Intrinsic::RegExpPrototype, protoV);
  Value ctorV = defineConstructor(vm, g.get(), "RegExp", NativeId::RegExpCtor, 2, proto.get());
  if (ctorV.isException()) return;
  Root ctor(vm.heap(), ctorV);
  vm.setIntrinsic(Intrinsic::RegExp, ctorV);
  defineGetter(vm, ctor.get(), WellKnown::species, NativeId::RegExp_species);

  defineMethod(vm, proto.get(), "compile", NativeId::RegExpProto_compile);
  defineMethod(vm, proto.get(), "exec", NativeId::RegExpProto_exec);
  struct Getter { const char* name; NativeId id; };
  static constexpr Getter kGetters[] = {
      {"dotAll", NativeId::RegExpProto_dotAll},         {"flags", NativeId::RegExpProto_flags},
      {"global", NativeId::RegExpProto_global},         {"hasIndices", NativeId::RegExpProto_hasIndices},
      {"ignoreCase", NativeId::RegExpProto_ignoreCase}, {"multiline", NativeId::RegExpProto_multiline},
      {"source", NativeId::RegExpProto_source},         {"sticky", NativeId::RegExpProto_sticky},
      {"unicode", NativeId::RegExpProto_unicode},       {"unicodeSets", NativeId::RegExpProto_unicodeSets},
  };
  for (const Getter& gt : kGetters) defineGetter(vm, proto.get(), gt.name, gt.id);
  defineMethod(vm, proto.get(), "test", NativeId::RegExpProto_test);
  defineMethod(vm, proto.get(), "toString", NativeId::RegExpProto_toString);
  defineMethod(vm, proto.get(), WellKnown::match, NativeId::RegExpProto_match);
  defineMethod(vm, proto.get(), WellKnown::matchAll, NativeId::RegExpProto_matchAll);
  defineMethod(vm, proto.get(), WellKnown::replace, NativeId::RegExpProto_replace);
  defineMethod(vm, proto.get(), WellKnown::search, NativeId::RegExpProto_search);
  defineMethod(vm, proto.get(), WellKnown::split, NativeId::RegExpProto_split);
  if (vm.hasException()) return;

  Value itProtoV = newObject(vm, vm.intrinsic(Intrinsic::IteratorPrototype));
  if (itProtoV.isException()) return;
  Root itProto(vm.heap(), itProtoV);
  vm.setIntrinsic(Intrinsic::RegExpStringIteratorPrototype, itProtoV);
  defineMethod(vm, itProto.get(), "next", NativeId::RegExpStringIteratorNext);
  Value tag = newString(vm, std::string_view("RegExp String Iterator"));
  if (tag.isException()) return;
  defineValue(vm, itProto.get(), vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
}

}  // namespace kiln
