// The `console` global (Node's Console on the process's standard streams)
// and the installation of the host globals (console, process).
//
// console.log/info/debug write to fd 1, console.error/warn/trace to fd 2,
// through vm.write, one write per call (the formatted text and "\n"), with
// Node's formatting (builtins/inspect.h). console.group() indents later
// output by two spaces per level; the level lives in the heap
// (HostSlot::ConsoleIndent) like all program state.
#include <string>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/inspect.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/hash_table.h"
#include "engine/strings.h"

namespace kiln {

namespace {

int groupIndent(VM& vm) {
  Value v = hostSlot(vm, HostSlot::ConsoleIndent);
  return v.isInt() ? v.asInt() : 0;
}

void writeOut(VM& vm, int fd, std::string text) {
  int indent = groupIndent(vm);
  if (indent > 0) {
    std::string pad(size_t(indent), ' ');
    std::string indented = pad;
    for (char c : text) {
      indented.push_back(c);
      if (c == '\n') indented += pad;
    }
    text = std::move(indented);
  }
  text.push_back('\n');
  if (vm.write) vm.write(fd, text);
}

Value logTo(VM& vm, CallInfo& info, int fd) {
  std::string text = formatLogText(vm, std::span<const Value>(info.argv, info.argc));
  if (vm.hasException()) return Value::exception();
  writeOut(vm, fd, std::move(text));
  return Value::undefined();
}

std::string labelOf(VM& vm, Value label) {
  if (label.isUndefined()) return "default";
  Value s = toString(vm, label);
  if (s.isException()) return {};
  return toUtf8(vm, s);
}

}  // namespace

// console.log(...data)
Value native_ConsoleLog(VM& vm, CallInfo& info) { return logTo(vm, info, 1); }
// console.info(...data)
Value native_ConsoleInfo(VM& vm, CallInfo& info) { return logTo(vm, info, 1); }
// console.debug(...data)
Value native_ConsoleDebug(VM& vm, CallInfo& info) { return logTo(vm, info, 1); }
// console.error(...data)
Value native_ConsoleError(VM& vm, CallInfo& info) { return logTo(vm, info, 2); }
// console.warn(...data)
Value native_ConsoleWarn(VM& vm, CallInfo& info) { return logTo(vm, info, 2); }

// console.dir(item, options): util.inspect(item, { customInspect: false, ...options }).
Value native_ConsoleDir(VM& vm, CallInfo& info) {
  InspectOptions o;
  o.customInspect = false;
  Value options = info.arg(1);
  if (options.isObject()) {
    Root opts(vm.heap(), options);
    Value depthKey = KILN_TRY(keyFor(vm, "depth"));
    Value depth = KILN_TRY(get(vm, opts.get(), depthKey));
    if (depth.isNull()) o.depth = InspectOptions::kInfiniteDepth;
    else if (depth.isNumber()) o.depth = depth.toDouble() > InspectOptions::kInfiniteDepth ? InspectOptions::kInfiniteDepth
                                                                                             : int(depth.toDouble());
    Value hiddenKey = KILN_TRY(keyFor(vm, "showHidden"));
    Value hidden = KILN_TRY(get(vm, opts.get(), hiddenKey));
    o.showHidden = toBoolean(vm, hidden);
  }
  std::string text = inspect(vm, info.arg(0), o);
  if (vm.hasException()) return Value::exception();
  writeOut(vm, 1, std::move(text));
  return Value::undefined();
}

// console.trace(...data): "Trace: <data>" and the stack, on stderr.
Value native_ConsoleTrace(VM& vm, CallInfo& info) {
  std::string text = formatLogText(vm, std::span<const Value>(info.argv, info.argc));
  if (vm.hasException()) return Value::exception();
  std::string out = "Trace";
  if (!text.empty()) out += ": " + text;
  out += captureStackFrames(vm);
  writeOut(vm, 2, std::move(out));
  return Value::undefined();
}

// console.assert(value, ...data): when value is falsy, "Assertion failed[: data]" on stderr.
Value native_ConsoleAssert(VM& vm, CallInfo& info) {
  if (toBoolean(vm, info.arg(0))) return Value::undefined();
  std::span<const Value> rest(info.argv + std::min<uint32_t>(info.argc, 1), info.argc > 0 ? info.argc - 1 : 0);
  std::string text;
  if (!rest.empty() && rest[0].isString()) {
    // The message joins the format string, so its directives still apply.
    Root first(vm.heap(), rest[0]);
    Value prefixed = KILN_TRY(newStringUtf8(vm, "Assertion failed: " + toUtf8(vm, rest[0])));
    std::vector<Value> args(rest.begin(), rest.end());
    args[0] = prefixed;
    Root p(vm.heap(), prefixed);
    text = formatLogText(vm, args);
  } else {
    std::string tail = formatLogText(vm, rest);
    text = tail.empty() ? "Assertion failed" : "Assertion failed " + tail;
  }
  if (vm.hasException()) return Value::exception();
  writeOut(vm, 2, std::move(text));
  return Value::undefined();
}

// console.group(...label) / console.groupCollapsed: prints the label, then indents.
Value native_ConsoleGroup(VM& vm, CallInfo& info) {
  if (info.argc > 0) KILN_TRY(logTo(vm, info, 1));
  if (!setHostSlot(vm, HostSlot::ConsoleIndent, Value::int32(groupIndent(vm) + 2))) return Value::exception();
  return Value::undefined();
}

// console.groupEnd()
Value native_ConsoleGroupEnd(VM& vm, CallInfo&) {
  int indent = groupIndent(vm);
  if (indent >= 2 && !setHostSlot(vm, HostSlot::ConsoleIndent, Value::int32(indent - 2))) return Value::exception();
  return Value::undefined();
}

// console.count(label = 'default'): "label: n".
Value native_ConsoleCount(VM& vm, CallInfo& info) {
  std::string label = labelOf(vm, info.arg(0));
  if (vm.hasException()) return Value::exception();
  Value table = hostSlot(vm, HostSlot::ConsoleCounts);
  if (!table.isCell()) {
    Ref t = newHashTable(vm, 2);
    if (!t || !setHostSlot(vm, HostSlot::ConsoleCounts, Value::cell(t))) return Value::exception();
    table = Value::cell(t);
  }
  Root key(vm.heap(), KILN_TRY(newStringUtf8(vm, label)));
  table = hostSlot(vm, HostSlot::ConsoleCounts);
  uint32_t i = hashTableFind(vm, table.ref(), key.get());
  int32_t count = 1;
  if (i != kNotFound) {
    Value* e = vm.cell<HashTableCell>(table)->entry(i);
    count = e[1].asInt() + 1;
    e[1] = Value::int32(count);
  } else {
    Value one = Value::int32(1);
    Ref grown = hashTableAdd(vm, table.ref(), key.get(), &one);
    if (!grown || !setHostSlot(vm, HostSlot::ConsoleCounts, Value::cell(grown))) return Value::exception();
  }
  writeOut(vm, 1, label + ": " + std::to_string(count));
  return Value::undefined();
}

// console.countReset(label = 'default')
Value native_ConsoleCountReset(VM& vm, CallInfo& info) {
  std::string label = labelOf(vm, info.arg(0));
  if (vm.hasException()) return Value::exception();
  Value table = hostSlot(vm, HostSlot::ConsoleCounts);
  Value key = KILN_TRY(newStringUtf8(vm, label));
  table = hostSlot(vm, HostSlot::ConsoleCounts);
  if (table.isCell()) {
    uint32_t i = hashTableFind(vm, table.ref(), key);
    if (i != kNotFound) {
      vm.cell<HashTableCell>(table)->entry(i)[1] = Value::int32(0);
      return Value::undefined();
    }
  }
  writeOut(vm, 2, "Warning: Count for '" + label + "' does not exist");
  return Value::undefined();
}

void installConsole(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root console(vm.heap(), newObject(vm));
  if (console.get().isException()) return;
  vm.setIntrinsic(Intrinsic::Console, console);
  struct Method {
    const char* name;
    NativeId id;
  };
  static constexpr Method kMethods[] = {
      {"log", NativeId::ConsoleLog},           {"warn", NativeId::ConsoleWarn},
      {"dir", NativeId::ConsoleDir},           {"info", NativeId::ConsoleInfo},
      {"error", NativeId::ConsoleError},       {"debug", NativeId::ConsoleDebug},
      {"trace", NativeId::ConsoleTrace},       {"assert", NativeId::ConsoleAssert},
      {"count", NativeId::ConsoleCount},       {"countReset", NativeId::ConsoleCountReset},
      {"group", NativeId::ConsoleGroup},       {"groupCollapsed", NativeId::ConsoleGroup},
      {"groupEnd", NativeId::ConsoleGroupEnd},
  };
  // Node's console methods are own, enumerable, writable and configurable properties.
  for (const Method& m : kMethods)
    if (defineMethod(vm, console, m.name, m.id, -1, kDefaultAttrs).isException()) return;
  defineProperty(vm, g, "console", console);
  if (vm.hasException()) return;
  installProcess(vm, g);
}

}  // namespace kiln
