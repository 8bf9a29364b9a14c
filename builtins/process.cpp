// The `process` global (a subset of Node's), and the host state slots.
//
// What process exposes about the world (argv, env, cwd, pid, clocks) is read
// by Ambient natives when the program asks: argv and env are accessors whose
// getter reads the world on first use and then keeps the result in the heap
// (HostSlot::Argv/Env), so the program sees one array and one object it may
// modify, exactly as in Node, and `kiln compile` pauses before the first read
// instead of freezing the build machine's values into the image.
//
// process.exitCode is a plain data property; the host reads it when the
// program ends. process.exit() emits 'exit', then asks the VM to unwind
// everything (vm.exitRequested makes the pending exception uncatchable).
// process is also an EventEmitter (on, once, emit...: "process events"
// below), and finishProgram (process.h) runs node's end of a program:
// 'beforeExit', 'exit', the report of an uncaught error or rejection.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "builtins/array_buffer.h"
#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/inspect.h"
#include "builtins/process.h"
#include "builtins/program.h"
#include "builtins/promise.h"
#include "builtins/string_util.h"
#include "builtins/timers.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/interpreter.h"
#include "engine/strings.h"

extern char** environ;

namespace kiln {

// ---- host state --------------------------------------------------------------------

Value hostSlot(VM& vm, HostSlot slot) {
  Value data = vm.roots().hostData;
  if (!data.isCell()) return Value::undefined();
  auto* a = vm.cell<ValueArrayCell>(data);
  return uint32_t(slot) < a->length ? a->data()[uint32_t(slot)] : Value::undefined();
}

bool setHostSlot(VM& vm, HostSlot slot, Value v) {
  if (!vm.roots().hostData.isCell()) {
    Root keep(vm.heap(), v);
    constexpr uint32_t n = uint32_t(HostSlot::Count);
    Ref a = newValueArray(vm, n, n);
    if (!a) return false;
    vm.roots().hostData = Value::cell(a);
    v = keep.get();
  }
  vm.cell<ValueArrayCell>(vm.roots().hostData)->data()[uint32_t(slot)] = v;
  return true;
}

// ---- Node-style errors ------------------------------------------------------------------

std::string describeReceived(VM& vm, Value v) {
  if (v.isUndefined() || v.isNull()) return " Received " + describe(vm, v);
  if (v.isObject()) {
    if (isCallable(vm, v)) {
      Value name = get(vm, v, vm.atom(Atom::name));
      if (name.isException()) vm.takeException();
      if (name.isString() && stringLength(vm, name) > 0) return " Received function " + toUtf8(vm, name);
      return " Received function ";
    }
    Value ctor = get(vm, v, vm.atom(Atom::constructor));
    if (ctor.isException()) vm.takeException();
    if (ctor.isObject()) {
      Value name = get(vm, ctor, vm.atom(Atom::name));
      if (name.isException()) vm.takeException();
      if (name.isString() && stringLength(vm, name) > 0) return " Received an instance of " + toUtf8(vm, name);
    }
    return " Received " + describe(vm, v);
  }
  std::string shown;
  if (v.isString()) {
    std::string s = toUtf8(vm, v);
    if (s.size() > 25) s = s.substr(0, 25) + "...";
    shown = "'" + s + "'";
  } else {
    shown = describe(vm, v);
  }
  Value type = typeOf(vm, v);
  return " Received type " + toUtf8(vm, type) + " (" + shown + ")";
}

Value throwNodeError(VM& vm, ErrorType type, std::string_view code, std::string_view message) {
  Root err(vm.heap(), newError(vm, type, message));
  if (err.get().isException()) return Value::exception();
  Value codeKey = KILN_TRY(keyFor(vm, "code"));
  Root ck(vm.heap(), codeKey);
  Value codeValue = KILN_TRY(newStringUtf8(vm, code));
  defineValue(vm, err.get(), ck.get(), codeValue, kDefaultAttrs);
  // Node's stack names the code: "TypeError [ERR_X]: message".
  Value name = get(vm, err.get(), vm.atom(Atom::name));
  std::string n = name.isString() ? toUtf8(vm, name) : "Error";
  std::string stack = n + " [" + std::string(code) + "]: " + std::string(message) + captureStackFrames(vm);
  Value s = KILN_TRY(newStringUtf8(vm, stack));
  defineValue(vm, err.get(), vm.atom(Atom::stack), s, kWritable | kConfigurable);
  return vm.throwValue(err.get());
}

// ---- process -----------------------------------------------------------------------------

namespace {

Value processObject(VM& vm) { return hostSlot(vm, HostSlot::Process); }

// process[name] = v (a plain [[Set]], as node's own code assigns it).
Status setProcessProperty(VM& vm, Value process, std::string_view name, Value v) {
  Root p(vm.heap(), process);
  Root value(vm.heap(), v);
  Value key = keyFor(vm, name);
  if (key.isException()) return Status::Exception;
  return set(vm, p.get(), key, value.get(), p.get());
}

// process.exitCode as an integer (unmasked: 'exit' listeners see 300 where the
// status is 44), or `fallback` when unset or not a number.
int32_t exitCodeValue(VM& vm, int32_t fallback) {
  Value p = processObject(vm);
  if (!p.isObject()) return fallback;
  Root pr(vm.heap(), p);
  auto failed = [&] {
    if (!vm.uncatchable()) vm.takeException();
    return fallback;
  };
  Value key = keyFor(vm, "exitCode");
  if (key.isException()) return failed();
  Value c = get(vm, pr.get(), key);
  if (c.isException()) return failed();
  if (c.isUndefined() || c.isNull()) return fallback;
  Value n = toNumber(vm, c);
  if (n.isException()) return failed();
  double d = n.toDouble();
  if (std::isnan(d)) return fallback;
  return doubleToInt32(d);
}

// process._exiting: set once 'exit' is being emitted, so that it is emitted
// once. A property as in node (libraries read it), hence in the heap.
bool processExiting(VM& vm) {
  Value p = processObject(vm);
  if (!p.isObject()) return false;
  Root pr(vm.heap(), p);
  Value key = keyFor(vm, "_exiting");
  Value v = key.isException() ? key : get(vm, pr.get(), key);
  if (v.isException()) {
    if (!vm.uncatchable()) vm.takeException();
    return false;
  }
  return toBoolean(vm, v);
}

// process.emit(name, arg), looked up as node does (a program may wrap emit).
Value emitProcessEvent(VM& vm, std::string_view name, Value arg) {
  Root a(vm.heap(), arg);
  Root p(vm.heap(), processObject(vm));
  if (!p.get().isObject()) return Value::undefined();
  Value key = KILN_TRY(keyFor(vm, "emit"));
  Root emit(vm.heap(), KILN_TRY(get(vm, p.get(), key)));
  if (!isCallable(vm, emit.get())) return Value::undefined();
  Value args[2] = {KILN_TRY(newStringUtf8(vm, name)), a.get()};
  return call(vm, emit.get(), p.get(), std::span<const Value>(args, 2));
}

}  // namespace

// get process.argv: [kiln executable, script, ...arguments], as the host set vm.argv.
Value native_ProcessArgv(VM& vm, CallInfo&) {
  Value cached = hostSlot(vm, HostSlot::Argv);
  if (!cached.isUndefined()) return cached;
  Root array(vm.heap(), KILN_TRY(newArray(vm)));
  for (const std::string& a : vm.argv) {
    Value s = KILN_TRY(newStringUtf8(vm, a));
    if (arrayPush(vm, array.get(), s) == Status::Exception) return Value::exception();
  }
  if (!setHostSlot(vm, HostSlot::Argv, array.get())) return Value::exception();
  return array.get();
}

// set process.argv
Value native_ProcessSetArgv(VM& vm, CallInfo& info) {
  if (!setHostSlot(vm, HostSlot::Argv, info.arg(0))) return Value::exception();
  return Value::undefined();
}

// get process.env: a snapshot of the environment, taken on first use.
Value native_ProcessEnv(VM& vm, CallInfo&) {
  Value cached = hostSlot(vm, HostSlot::Env);
  if (!cached.isUndefined()) return cached;
  Root env(vm.heap(), KILN_TRY(newObject(vm)));
  for (char** e = environ; e && *e; e++) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    Root key(vm.heap(), KILN_TRY(newStringUtf8(vm, entry.substr(0, eq))));
    Root k(vm.heap(), KILN_TRY(keyFromString(vm, key.get())));
    Value value = KILN_TRY(newStringUtf8(vm, entry.substr(eq + 1)));
    if (createDataProperty(vm, env.get(), k.get(), value) == Status::Exception) return Value::exception();
  }
  if (!setHostSlot(vm, HostSlot::Env, env.get())) return Value::exception();
  return env.get();
}

// set process.env
Value native_ProcessSetEnv(VM& vm, CallInfo& info) {
  if (!setHostSlot(vm, HostSlot::Env, info.arg(0))) return Value::exception();
  return Value::undefined();
}

// process.exit([code]) (lib/internal/process/per_thread.js): an argument
// becomes process.exitCode; 'exit' is emitted unless the process is already
// exiting (process.exit inside an 'exit' listener ends it right there); then
// the program ends with process.exitCode ?? 0, which the listeners may have
// changed. An error thrown by a listener propagates out of process.exit.
// process.nextTick(callback, ...args): the nextTick queue runs after the
// current operation, before the promise microtasks (builtins/promise.h).
Value native_ProcessNextTick(VM& vm, CallInfo& info) {
  Value callback = info.arg(0);
  if (!isCallable(vm, callback)) return throwInvalidCallback(vm, callback);
  Root cb(vm.heap(), callback);
  Root args(vm.heap(), Value::undefined());
  if (info.argc > 1) {
    Ref a = newValueArray(vm, info.argc - 1, info.argc - 1);
    if (!a) return Value::exception();
    // info.argv lies on the VM stack, which never moves.
    std::copy(info.argv + 1, info.argv + info.argc, vm.cell<ValueArrayCell>(a)->data());
    args.set(Value::cell(a));
  }
  if (enqueueTick(vm, cb.get(), args.get()) == Status::Exception) return Value::exception();
  return Value::undefined();
}

Value native_ProcessExit(VM& vm, CallInfo& info) {
  Root p(vm.heap(), processObject(vm));
  if (info.argc > 0) {
    Value c = info.arg(0);
    Value stored = Value::undefined();
    if (!c.isUndefined() && !c.isNull()) {
      Value n = KILN_TRY(toNumber(vm, c));
      double d = n.toDouble();
      if (std::isnan(d) || d != std::trunc(d))
        return throwNodeError(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE",
                              "The value of \"code\" is out of range. It must be an integer. Received " +
                                  describe(vm, c));
      stored = Value::int32(doubleToInt32(d));
    }
    if (p.get().isObject()) KILN_TRY_STATUS(setProcessProperty(vm, p.get(), "exitCode", stored));
  }
  if (p.get().isObject() && !processExiting(vm)) {
    KILN_TRY_STATUS(setProcessProperty(vm, p.get(), "_exiting", Value::boolean(true)));
    KILN_TRY(emitProcessEvent(vm, "exit", Value::int32(exitCodeValue(vm, 0))));
  }
  int code = processExitCodeOr(vm, 0);
  std::fflush(stdout);
  std::fflush(stderr);
  vm.exitRequested = true;
  vm.exitCode = code;
  // The interpreter unwinds every frame without running catch or finally
  // blocks (the exception is uncatchable while exitRequested is set).
  return vm.throwValue(Value::int32(code));
}

namespace {

Value writeStream(VM& vm, CallInfo& info, int fd) {
  Value chunk = info.arg(0);
  std::string text;
  if (chunk.isString()) {
    text = toUtf8(vm, chunk);
  } else if (chunk.isObject() && kindOf(vm, chunk) == CellKind::TypedArray) {
    Root c(vm.heap(), chunk);
    double length = KILN_TRY(lengthOfArrayLike(vm, c.get())).toDouble();
    for (double i = 0; i < length; i++) {
      Value b = KILN_TRY(get(vm, c.get(), Value::number(i)));
      text.push_back(char(uint8_t(b.isNumber() ? uint32_t(b.toDouble()) : 0)));
    }
  } else {
    return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                          "The \"chunk\" argument must be of type string or an instance of Buffer or Uint8Array." +
                              describeReceived(vm, chunk));
  }
  if (vm.write) vm.write(fd, text);
  // A callback (last argument) is called once the data is out: here, at once.
  Value cb = info.argc > 0 ? info.argv[info.argc - 1] : Value::undefined();
  if (info.argc > 1 && isCallable(vm, cb)) KILN_TRY(call(vm, cb, Value::undefined()));
  return Value::boolean(true);
}

}  // namespace

// process.stdout.write(chunk[, encoding][, callback])
Value native_ProcessStdoutWrite(VM& vm, CallInfo& info) { return writeStream(vm, info, 1); }
// process.stderr.write(chunk[, encoding][, callback])
Value native_ProcessStderrWrite(VM& vm, CallInfo& info) { return writeStream(vm, info, 2); }

// process.cwd()
Value native_ProcessCwd(VM& vm, CallInfo&) {
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) return vm.throwError(ErrorType::Error, "process.cwd failed");
  return newStringUtf8(vm, buf);
}

// process.hrtime([time]): [seconds, nanoseconds] of a monotonic clock, or the difference from `time`.
Value native_ProcessHrtime(VM& vm, CallInfo& info) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double sec = double(ts.tv_sec), nsec = double(ts.tv_nsec);
  Value prev = info.arg(0);
  if (!prev.isUndefined()) {
    if (!prev.isObject() || kindOf(vm, prev) != CellKind::Array)
      return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                            "The \"time\" argument must be an instance of Array." + describeReceived(vm, prev));
    Root p(vm.heap(), prev);
    if (vm.cell<ArrayCell>(prev)->length != 2)
      return throwNodeError(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE",
                            "The value of \"time\" is out of range. It must be 2. Received " +
                                std::to_string(vm.cell<ArrayCell>(prev)->length));
    double ps = KILN_TRY(toNumber(vm, KILN_TRY(get(vm, p.get(), Value::int32(0))))).toDouble();
    double pn = KILN_TRY(toNumber(vm, KILN_TRY(get(vm, p.get(), Value::int32(1))))).toDouble();
    sec -= ps;
    nsec -= pn;
    if (nsec < 0) {
      sec -= 1;
      nsec += 1e9;
    }
  }
  Value pair[2] = {Value::number(sec), Value::number(nsec)};
  return newArrayFrom(vm, std::span<const Value>(pair, 2));
}

// process.hrtime.bigint(): nanoseconds of a monotonic clock, as a BigInt.
Value native_ProcessHrtimeBigint(VM& vm, CallInfo&) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  return newBigInt(vm, bigint::fromUint64(ns));
}

// process.uptime(): seconds since the process started.
Value native_ProcessUptime(VM& vm, CallInfo&) {
  // The start time comes from the kernel (no per-process state to keep):
  // field 22 of /proc/self/stat, in clock ticks since boot.
  double uptime = 0;
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = content.rfind(')');
  if (close != std::string::npos) {
    // Fields after the command name start at field 3.
    size_t pos = close + 2;
    for (int field = 3; field < 22 && pos != std::string::npos; field++) pos = content.find(' ', pos) + 1;
    double startTicks = std::strtod(content.c_str() + pos, nullptr);
    timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    double now = double(boot.tv_sec) + double(boot.tv_nsec) / 1e9;
    uptime = now - startTicks / double(sysconf(_SC_CLK_TCK));
    if (uptime < 0) uptime = 0;
  }
  return Value::number(uptime);
}

// get process.pid
Value native_ProcessPid(VM&, CallInfo&) { return Value::int32(int32_t(getpid())); }

// ---- process events --------------------------------------------------------------------
//
// process is an EventEmitter in node (lib/events.js); kiln gives it the
// methods as own natives. Every one of them holds, in its data0 slot, the
// same events record (heap data, so an image keeps the listeners):
//   [kEventsListeners]  growable ValueArray of entries, in registration order
//                       across all events (prepend puts an entry before the
//                       first one of its event)
//   [kEventsMax]        setMaxListeners' value, or undefined (10)
// An entry is a ValueArray [kEntryName, kEntryListener, kEntryOnce]; the name
// is a Symbol or a String (node keys _events by property key), kEntryOnce an
// OnceState.

namespace {

enum EventsSlot : uint32_t { kEventsListeners = 0, kEventsMax, kEventsSize };
enum EntrySlot : uint32_t { kEntryName = 0, kEntryListener, kEntryOnce, kEntrySize };
enum OnceState : int32_t { kOn = 0, kOnce = 1, kOnceFired = 2 };

constexpr int32_t kDefaultMaxListeners = 10;

Value eventsRecord(VM& vm, CallInfo& info) { return vm.cell<NativeFunctionCell>(info.callee)->data0; }
Value* eventsSlots(VM& vm, Value record) { return vm.cell<ValueArrayCell>(record)->data(); }
Value* entrySlots(VM& vm, Value entry) { return vm.cell<ValueArrayCell>(entry)->data(); }
uint32_t listLength(VM& vm, Value list) { return list.isCell() ? vm.cell<ValueArrayCell>(list)->length : 0; }
Value listAt(VM& vm, Value list, uint32_t i) { return vm.cell<ValueArrayCell>(list)->data()[i]; }

// The event name as the key listeners are filed under.
Value eventKey(VM& vm, Value name) { return name.isSymbol() ? name : toString(vm, name); }

bool entryIs(VM& vm, Value entry, Value key) { return strictEquals(vm, entrySlots(vm, entry)[kEntryName], key); }

void removeEntryAt(VM& vm, Value record, uint32_t index) {
  auto* list = vm.cell<ValueArrayCell>(eventsSlots(vm, record)[kEventsListeners]);
  for (uint32_t i = index; i + 1 < list->length; i++) list->data()[i] = list->data()[i + 1];
  list->data()[--list->length] = Value::undefined();
}

void removeEntry(VM& vm, Value record, Value entry) {
  Value list = eventsSlots(vm, record)[kEventsListeners];
  for (uint32_t i = 0; i < listLength(vm, list); i++) {
    if (listAt(vm, list, i) == entry) {
      removeEntryAt(vm, record, i);
      return;
    }
  }
}

Value checkListener(VM& vm, Value listener) {
  if (isCallable(vm, listener)) return Value::undefined();
  return throwNodeError(vm, ErrorType::TypeError, "ERR_INVALID_ARG_TYPE",
                        "The \"listener\" argument must be of type function." + describeReceived(vm, listener));
}

// on / once / prependListener / prependOnceListener: (name, listener) -> this
Value addListener(VM& vm, CallInfo& info, OnceState once, bool prepend) {
  Root record(vm.heap(), eventsRecord(vm, info));
  Root listener(vm.heap(), info.arg(1));
  KILN_TRY(checkListener(vm, listener.get()));
  Root key(vm.heap(), KILN_TRY(eventKey(vm, info.arg(0))));
  Ref e = newValueArray(vm, kEntrySize, kEntrySize);
  if (!e) return Value::exception();
  Root entry(vm.heap(), Value::cell(e));
  entrySlots(vm, entry.get())[kEntryName] = key.get();
  entrySlots(vm, entry.get())[kEntryListener] = listener.get();
  entrySlots(vm, entry.get())[kEntryOnce] = Value::int32(once);
  Value list = KILN_TRY(listAppend(vm, eventsSlots(vm, record.get())[kEventsListeners], entry.get()));
  eventsSlots(vm, record.get())[kEventsListeners] = list;
  if (prepend) {
    // Before the event's first listener (so that the order of the names,
    // eventNames(), stays that of their first registration).
    uint32_t last = listLength(vm, list) - 1, at = 0;
    while (at < last && !entryIs(vm, listAt(vm, list, at), key.get())) at++;
    Value* items = vm.cell<ValueArrayCell>(list)->data();
    for (uint32_t i = last; i > at; i--) items[i] = items[i - 1];
    items[at] = entry.get();
  }
  return info.thisValue;
}

// The entries filed under `key`, in calling order, as a ValueArray (a copy:
// listeners added or removed while an event is emitted do not change who is called).
Value entriesFor(VM& vm, Value record, Value key) {
  Root r(vm.heap(), record);
  Root k(vm.heap(), key);
  Value list = eventsSlots(vm, r.get())[kEventsListeners];
  uint32_t n = 0;
  for (uint32_t i = 0; i < listLength(vm, list); i++) n += entryIs(vm, listAt(vm, list, i), k.get());
  Ref out = newValueArray(vm, n, n);
  if (!out) return Value::exception();
  list = eventsSlots(vm, r.get())[kEventsListeners];
  uint32_t j = 0;
  for (uint32_t i = 0; i < listLength(vm, list) && j < n; i++)
    if (entryIs(vm, listAt(vm, list, i), k.get())) vm.cell<ValueArrayCell>(out)->data()[j++] = listAt(vm, list, i);
  return Value::cell(out);
}

}  // namespace

// process.on(name, listener), also process.addListener (one function, as in node)
Value native_ProcessAddListener(VM& vm, CallInfo& info) { return addListener(vm, info, kOn, false); }
// process.once(name, listener)
Value native_ProcessOnce(VM& vm, CallInfo& info) { return addListener(vm, info, kOnce, false); }
// process.prependListener(name, listener)
Value native_ProcessPrependListener(VM& vm, CallInfo& info) { return addListener(vm, info, kOn, true); }
// process.prependOnceListener(name, listener)
Value native_ProcessPrependOnceListener(VM& vm, CallInfo& info) { return addListener(vm, info, kOnce, true); }

// process.removeListener(name, listener), also process.off: removes the most
// recent registration of `listener` for `name`.
Value native_ProcessRemoveListener(VM& vm, CallInfo& info) {
  Root record(vm.heap(), eventsRecord(vm, info));
  Root listener(vm.heap(), info.arg(1));
  Root key(vm.heap(), KILN_TRY(eventKey(vm, info.arg(0))));
  KILN_TRY(checkListener(vm, listener.get()));
  Value list = eventsSlots(vm, record.get())[kEventsListeners];
  for (uint32_t i = listLength(vm, list); i-- > 0;) {
    Value entry = listAt(vm, list, i);
    if (entryIs(vm, entry, key.get()) && entrySlots(vm, entry)[kEntryListener] == listener.get()) {
      removeEntryAt(vm, record.get(), i);
      break;
    }
  }
  return info.thisValue;
}

// process.removeAllListeners([name])
Value native_ProcessRemoveAllListeners(VM& vm, CallInfo& info) {
  Root record(vm.heap(), eventsRecord(vm, info));
  if (info.argc == 0) {
    Value list = eventsSlots(vm, record.get())[kEventsListeners];
    while (listLength(vm, list) > 0) removeEntryAt(vm, record.get(), listLength(vm, list) - 1);
    return info.thisValue;
  }
  Root key(vm.heap(), KILN_TRY(eventKey(vm, info.arg(0))));
  Value list = eventsSlots(vm, record.get())[kEventsListeners];
  for (uint32_t i = listLength(vm, list); i-- > 0;)
    if (entryIs(vm, listAt(vm, list, i), key.get())) removeEntryAt(vm, record.get(), i);
  return info.thisValue;
}

// process.emit(name, ...args): calls the listeners of `name` in order with
// `this` and the arguments, once-listeners removed first; true if there were any.
Value native_ProcessEmit(VM& vm, CallInfo& info) {
  Root record(vm.heap(), eventsRecord(vm, info));
  Root self(vm.heap(), info.thisValue);
  Root key(vm.heap(), KILN_TRY(eventKey(vm, info.arg(0))));
  // The arguments, kept in the heap: calls may move the VM stack info.argv points into.
  uint32_t argc = info.argc > 1 ? info.argc - 1 : 0;
  Ref a = newValueArray(vm, argc, argc);
  if (!a) return Value::exception();
  for (uint32_t i = 0; i < argc; i++) vm.cell<ValueArrayCell>(a)->data()[i] = info.argv[i + 1];
  Root args(vm.heap(), Value::cell(a));
  Root entries(vm.heap(), KILN_TRY(entriesFor(vm, record.get(), key.get())));
  uint32_t n = listLength(vm, entries.get());
  if (n == 0) {
    // An 'error' nobody listens to is thrown (events.js: "Unhandled 'error' event").
    if (key.get().isString() && toUtf8(vm, key.get()) == "error") {
      Value er = argc > 0 ? listAt(vm, args.get(), 0) : Value::undefined();
      if (er.isObject()) return vm.throwValue(er);
      Root context(vm.heap(), er);
      std::string shown = inspect(vm, er);
      if (vm.hasException()) return Value::exception();
      throwNodeError(vm, ErrorType::Error, "ERR_UNHANDLED_ERROR", "Unhandled error. (" + shown + ")");
      Root error(vm.heap(), vm.takeException());
      if (error.get().isObject()) {
        Value key = KILN_TRY(keyFor(vm, "context"));
        defineValue(vm, error.get(), key, context.get(), kDefaultAttrs);
      }
      return vm.throwValue(error.get());
    }
    return Value::boolean(false);
  }
  std::vector<Value> callArgs(argc);
  for (uint32_t i = 0; i < n; i++) {
    Value entry = listAt(vm, entries.get(), i);
    Value* e = entrySlots(vm, entry);
    if (e[kEntryOnce].asInt() == kOnceFired) continue;
    if (e[kEntryOnce].asInt() == kOnce) {
      e[kEntryOnce] = Value::int32(kOnceFired);
      removeEntry(vm, record.get(), entry);
    }
    Value listener = entrySlots(vm, entry)[kEntryListener];
    for (uint32_t j = 0; j < argc; j++) callArgs[j] = listAt(vm, args.get(), j);
    KILN_TRY(call(vm, listener, self.get(), std::span<const Value>(callArgs.data(), argc)));
  }
  return Value::boolean(true);
}

// process.listeners(name): the listener functions, in calling order.
Value native_ProcessListeners(VM& vm, CallInfo& info) {
  Root key(vm.heap(), KILN_TRY(eventKey(vm, info.arg(0))));
  Root entries(vm.heap(), KILN_TRY(entriesFor(vm, eventsRecord(vm, info), key.get())));
  Root array(vm.heap(), KILN_TRY(newArray(vm)));
  for (uint32_t i = 0; i < listLength(vm, entries.get()); i++) {
    Value listener = entrySlots(vm, listAt(vm, entries.get(), i))[kEntryListener];
    if (arrayPush(vm, array.get(), listener) == Status::Exception) return Value::exception();
  }
  return array.get();
}

// process.listenerCount(name[, listener])
Value native_ProcessListenerCount(VM& vm, CallInfo& info) {
  Value key = KILN_TRY(eventKey(vm, info.arg(0)));
  Value listener = info.arg(1);
  Value list = eventsSlots(vm, eventsRecord(vm, info))[kEventsListeners];
  int32_t n = 0;
  for (uint32_t i = 0; i < listLength(vm, list); i++) {
    Value entry = listAt(vm, list, i);
    if (entryIs(vm, entry, key) && (listener.isUndefined() || entrySlots(vm, entry)[kEntryListener] == listener)) n++;
  }
  return Value::int32(n);
}

// process.eventNames(): the names that have listeners, in the order of
// Reflect.ownKeys on node's _events object: array indices ascending, then
// the other strings, then symbols, each group in order of registration.
Value native_ProcessEventNames(VM& vm, CallInfo& info) {
  Root record(vm.heap(), eventsRecord(vm, info));
  Root array(vm.heap(), KILN_TRY(newArray(vm)));
  std::vector<std::pair<double, uint32_t>> indices;  // (index, list position)
  for (int pass = 0; pass < 3; pass++) {
    if (pass == 1) {
      std::sort(indices.begin(), indices.end());
      for (auto [index, at] : indices) {
        Value name = entrySlots(vm, listAt(vm, eventsSlots(vm, record.get())[kEventsListeners], at))[kEntryName];
        if (arrayPush(vm, array.get(), name) == Status::Exception) return Value::exception();
      }
    }
    for (uint32_t i = 0; i < listLength(vm, eventsSlots(vm, record.get())[kEventsListeners]); i++) {
      Value list = eventsSlots(vm, record.get())[kEventsListeners];
      Value name = entrySlots(vm, listAt(vm, list, i))[kEntryName];
      bool seen = false;
      for (uint32_t j = 0; j < i && !seen; j++) seen = entryIs(vm, listAt(vm, list, j), name);
      if (seen) continue;
      double index = -1;
      if (name.isString()) {
        std::string text = toUtf8(vm, name);
        bool digits = !text.empty() && text.size() <= 10 && (text == "0" || text[0] != '0') &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits && std::stod(text) < 4294967295.0) index = std::stod(text);
      }
      if (pass == 0 && index >= 0) indices.push_back({index, i});
      bool take = pass == 1 ? name.isString() && index < 0 : pass == 2 && name.isSymbol();
      if (take && arrayPush(vm, array.get(), name) == Status::Exception) return Value::exception();
    }
  }
  return array.get();
}

// process.setMaxListeners(n): kept for getMaxListeners (kiln prints no leak warning).
Value native_ProcessSetMaxListeners(VM& vm, CallInfo& info) {
  Value n = info.arg(0);
  if (!n.isNumber() || std::isnan(n.toDouble()) || n.toDouble() < 0)
    return throwNodeError(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE",
                          "The value of \"n\" is out of range. It must be a non-negative number. Received " +
                              describe(vm, n));
  eventsSlots(vm, eventsRecord(vm, info))[kEventsMax] = n;
  return info.thisValue;
}

// process.getMaxListeners()
Value native_ProcessGetMaxListeners(VM& vm, CallInfo& info) {
  Value n = eventsSlots(vm, eventsRecord(vm, info))[kEventsMax];
  return n.isNumber() ? n : Value::int32(kDefaultMaxListeners);
}

// ---- exit code and the end of a program ---------------------------------------------------

int processExitCodeOr(VM& vm, int fallback) { return exitCodeValue(vm, fallback) & 0xFF; }

int processExitCode(VM& vm) { return processExitCodeOr(vm, 0); }

namespace {

// A property's value found without running code (V8's GetDataProperty): own
// or inherited data properties; undefined for accessors. A proxy is seen
// through to its target (no trap runs).
Value dataProperty(VM& vm, Value object, Value key) {
  Root k(vm.heap(), key);
  Root o(vm.heap(), object);
  for (int depth = 0; o.get().isObject() && depth < 10000; depth++) {
    if (kindOf(vm, o.get()) == CellKind::Proxy) {
      o.set(vm.cell<ProxyCell>(o.get())->target);
      continue;
    }
    PropertyDescriptor d;
    Status s = getOwnProperty(vm, o.get(), k.get(), &d);
    if (s == Status::Exception) {
      vm.takeException();
      return Value::undefined();
    }
    if (s == Status::True) return d.isAccessor() ? Value::undefined() : d.value;
    Value proto = getPrototypeOf(vm, o.get());
    if (proto.isException()) {
      vm.takeException();
      return Value::undefined();
    }
    o.set(proto);
  }
  return Value::undefined();
}

Value dataProperty(VM& vm, Value object, std::string_view name) {
  Root o(vm.heap(), object);
  Value key = keyFor(vm, name);
  if (key.isException()) {
    vm.takeException();
    return Value::undefined();
  }
  return dataProperty(vm, o.get(), key);
}

std::string dataString(VM& vm, Value object, std::string_view name) {
  Value v = dataProperty(vm, object, name);
  return v.isString() ? toUtf8(vm, v) : std::string();
}

// The class name V8 falls back to in "[object X]".
std::string builtinTag(VM& vm, Value v) {
  for (int depth = 0; kindOf(vm, v) == CellKind::Proxy && depth < 10000; depth++) {
    v = vm.cell<ProxyCell>(v)->target;
    if (!v.isObject()) return "Object";
  }
  switch (kindOf(vm, v)) {
    case CellKind::Array: return "Array";
    case CellKind::Function:
    case CellKind::NativeFunction:
    case CellKind::BoundFunction: return "Function";
    case CellKind::Arguments: return "Arguments";
    case CellKind::Error: return "Error";
    case CellKind::Date: return "Date";
    case CellKind::RegExp: return "RegExp";
    case CellKind::Map: return "Map";
    case CellKind::Set: return "Set";
    case CellKind::WeakMap: return "WeakMap";
    case CellKind::WeakSet: return "WeakSet";
    case CellKind::Promise: return "Promise";
    case CellKind::ArrayBuffer: return "ArrayBuffer";
    case CellKind::DataView: return "DataView";
    case CellKind::TypedArray: return typedArrayName(typedArrayType(vm, v));
    default: return "Object";
  }
}

// V8's Object::NoSideEffectsToString, which node uses to name a rejection
// reason: strings as they are, other primitives converted, functions by
// their source, errors as "Name: message", objects that inherit
// Object.prototype.toString as "#<Constructor>", others "[object Tag]".
std::string noSideEffectsToString(VM& vm, Value v) {
  if (v.isSymbol()) return describe(vm, v);
  if (!v.isObject()) {
    Value s = toString(vm, v);
    if (s.isException()) {
      vm.takeException();
      return describe(vm, v);
    }
    return toUtf8(vm, s);
  }
  Root o(vm.heap(), v);
  if (isCallable(vm, o.get())) {
    Value text = kindOf(vm, o.get()) == CellKind::Function ? functionSourceText(vm, o.get()) : Value::undefined();
    std::string s = text.isString() ? toUtf8(vm, text)
                                    : "function " + dataString(vm, o.get(), "name") + "() { [native code] }";
    // V8 keeps long sources short.
    if (s.size() > 128) s = s.substr(0, 111) + "...<omitted>..." + s.substr(s.size() - 2);
    return s;
  }
  Root toStringFn(vm.heap(), dataProperty(vm, o.get(), "toString"));
  auto inherits = [&](Intrinsic proto) {
    return toStringFn.get().isObject() && toStringFn.get() == dataProperty(vm, vm.intrinsic(proto), "toString");
  };
  if (kindOf(vm, o.get()) == CellKind::Error || inherits(Intrinsic::ErrorPrototype)) {
    std::string name = dataString(vm, o.get(), "name"), message = dataString(vm, o.get(), "message");
    if (!dataProperty(vm, o.get(), "name").isString()) name = "Error";
    if (name.empty()) return message;
    return message.empty() ? name : name + ": " + message;
  }
  if (inherits(Intrinsic::ObjectPrototype)) {
    Root ctor(vm.heap(), dataProperty(vm, o.get(), "constructor"));
    if (ctor.get().isObject() && isCallable(vm, ctor.get())) {
      std::string name = dataString(vm, ctor.get(), "name");
      if (!name.empty()) return "#<" + name + ">";
    }
  }
  Value tag = dataProperty(vm, o.get(), vm.wellKnown(WellKnown::toStringTag));
  return "[object " + (tag.isString() ? toUtf8(vm, tag) : builtinTag(vm, o.get())) + "]";
}

// node's isErrorLike: an object with an own `stack`.
bool isErrorLike(VM& vm, Value v) {
  if (!v.isObject() || kindOf(vm, v) == CellKind::Proxy) return false;
  PropertyDescriptor d;
  Status s = getOwnProperty(vm, v, vm.atom(Atom::stack), &d);
  if (s == Status::Exception) {
    vm.takeException();
    return false;
  }
  return s == Status::True;
}

// An uncaught error (pending) or unhandled rejection ends the program:
// 'exit' first, unless already exiting, then the report.
int fatalError(VM& vm, ReportUncaughtFn report) {
  if (vm.uncatchable()) return report(vm);  // out of memory, a deadline: no more JS
  Root error(vm.heap(), vm.takeException());
  if (!processExiting(vm)) {
    Root p(vm.heap(), processObject(vm));
    Value r = Value::undefined();
    if (p.get().isObject()) {
      if (setProcessProperty(vm, p.get(), "_exiting", Value::boolean(true)) == Status::Exception ||
          setProcessProperty(vm, p.get(), "exitCode", Value::int32(1)) == Status::Exception)
        r = Value::exception();
      if (!r.isException()) r = emitProcessEvent(vm, "exit", Value::int32(1));
    }
    if (r.isException()) {
      // process.exit in a listener ends the program there, the error unreported.
      if (vm.exitRequested) return vm.exitCode;
      if (vm.uncatchable()) return report(vm);
      vm.takeException();  // node ignores errors thrown by these listeners
    }
  }
  vm.throwValue(error.get());
  int status = report(vm);
  return vm.outOfMemory ? status : processExitCodeOr(vm, 1);
}

int fatalRejection(VM& vm, ReportUncaughtFn report) {
  Value reasons = vm.promises->takeUnhandledRejections(vm);
  if (reasons.isException()) return fatalError(vm, report);
  Value reason = listLength(vm, reasons) > 0 ? listAt(vm, reasons, 0) : Value::undefined();
  Value error = unhandledRejectionError(vm, reason);
  if (!error.isException()) vm.throwValue(error);
  return fatalError(vm, report);
}

// Running JS left an error (or process.exit) or an unhandled rejection.
bool failed(VM& vm, Value r) { return r.isException() || hasUnhandledRejections(vm); }

int reportFailure(VM& vm, Value r, ReportUncaughtFn report) {
  if (r.isException()) return vm.exitRequested ? vm.exitCode : fatalError(vm, report);
  return fatalRejection(vm, report);
}

}  // namespace

Value unhandledRejectionError(VM& vm, Value reason) {
  if (isErrorLike(vm, reason)) return reason;
  std::string message =
      "This error originated either by throwing inside of an async function without a catch block, or by "
      "rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"" +
      noSideEffectsToString(vm, reason) + "\".";
  Root error(vm.heap(), KILN_TRY(newError(vm, ErrorType::Error, message)));
  // Made by the host, with no JS frame to show: its stack is its first line.
  Root stack(vm.heap(), KILN_TRY(newStringUtf8(vm, "UnhandledPromiseRejection: " + message)));
  defineValue(vm, error.get(), vm.atom(Atom::stack), stack.get(), kWritable | kConfigurable);
  Value name = KILN_TRY(newStringUtf8(vm, "UnhandledPromiseRejection"));
  defineValue(vm, error.get(), vm.atom(Atom::name), name, kWritable | kConfigurable);
  Root codeKey(vm.heap(), KILN_TRY(keyFor(vm, "code")));
  Value code = KILN_TRY(newStringUtf8(vm, "ERR_UNHANDLED_REJECTION"));
  defineValue(vm, error.get(), codeKey.get(), code, kDefaultAttrs);
  return error.get();
}

int finishProgram(VM& vm, Value result, ReportUncaughtFn report) {
  Root r(vm.heap(), result);
  // The loop is empty: 'beforeExit', and again after the work its listeners
  // schedule (node's SpinEventLoop). Microtasks alone do not keep the loop alive.
  for (;;) {
    if (failed(vm, r.get())) return reportFailure(vm, r.get(), report);
    r.set(emitProcessEvent(vm, "beforeExit", Value::int32(exitCodeValue(vm, 0))));
    if (!r.get().isException()) r.set(drainTicksAndJobs(vm, false));
    if (failed(vm, r.get())) return reportFailure(vm, r.get(), report);
    if (!hasPendingTimers(vm)) break;
    // The same loop runProgram drives (checkpoint() may capture its jobs):
    // an image taken here resumes through runProgram, then ends here again.
    vm.drivingEventLoop = true;
    r.set(runEventLoop(vm));
    vm.drivingEventLoop = false;
  }
  // 'exit': what its listeners schedule never runs, but the microtasks they
  // queue do (node runs the listeners as a callback, then its microtasks).
  Root p(vm.heap(), processObject(vm));
  if (p.get().isObject()) {
    int32_t code = exitCodeValue(vm, 0);
    // A top-level await that never settled: exit code 13 unless the program
    // chose one (node sets it from its own 'exit' listener, which runs first,
    // so the listeners get the code from before it).
    if (programEvaluationPending(vm) && exitCodeValue(vm, INT32_MIN) == INT32_MIN &&
        setProcessProperty(vm, p.get(), "exitCode", Value::int32(13)) == Status::Exception)
      return reportFailure(vm, Value::exception(), report);
    r.set(setProcessProperty(vm, p.get(), "_exiting", Value::boolean(true)) == Status::Exception
              ? Value::exception()
              : emitProcessEvent(vm, "exit", Value::int32(code)));
    if (!r.get().isException()) r.set(drainTicksAndJobs(vm, false));
    if (failed(vm, r.get())) return reportFailure(vm, r.get(), report);
  }
  return processExitCodeOr(vm, 0);
}

void installProcess(VM& vm, Value global) {
  Root g(vm.heap(), global);
  Root process(vm.heap(), newObject(vm));
  if (process.get().isException()) return;
  if (!setHostSlot(vm, HostSlot::Process, process)) return;

  defineGetter(vm, process, "argv", NativeId::ProcessArgv, NativeId::ProcessSetArgv, kEnumerable | kConfigurable);
  if (vm.hasException()) return;
  defineGetter(vm, process, "env", NativeId::ProcessEnv, NativeId::ProcessSetEnv, kEnumerable | kConfigurable);
  if (vm.hasException()) return;
  defineGetter(vm, process, "pid", NativeId::ProcessPid, NativeId::Count, kEnumerable | kConfigurable);
  if (vm.hasException()) return;
  auto str = [&](std::string_view s) { return newStringUtf8(vm, s); };
  auto put = [&](Value target, std::string_view name, Value v) {
    if (v.isException()) return false;
    defineProperty(vm, target, name, v, kDefaultAttrs);
    return !vm.hasException();
  };
  if (!put(process, "platform", str("linux"))) return;
#if defined(__x86_64__)
  if (!put(process, "arch", str("x64"))) return;
#elif defined(__aarch64__)
  if (!put(process, "arch", str("arm64"))) return;
#endif
  if (!put(process, "version", str("v0.1.0"))) return;
  {
    // The Node API level kiln follows is reported as `node`, for code that feature-tests on it.
    Root versions(vm.heap(), newObject(vm));
    if (versions.get().isException()) return;
    if (!put(versions, "kiln", str("0.1.0")) || !put(versions, "node", str("20.0.0"))) return;
    if (!put(process, "versions", versions)) return;
    Root release(vm.heap(), newObject(vm));
    if (release.get().isException()) return;
    if (!put(release, "name", str("kiln"))) return;
    if (!put(process, "release", release)) return;
  }
  if (!put(process, "exitCode", Value::undefined())) return;
  if (!put(process, "_exiting", Value::boolean(false))) return;
  {
    // The event methods, all holding the one events record in data0.
    Ref rec = newValueArray(vm, kEventsSize, kEventsSize);
    if (!rec) return;
    Root record(vm.heap(), Value::cell(rec));
    struct EventMethod {
      const char* name;
      NativeId id;
      const char* alias;
    };
    static constexpr EventMethod kEventMethods[] = {
        {"addListener", NativeId::ProcessAddListener, "on"},
        {"once", NativeId::ProcessOnce, nullptr},
        {"prependListener", NativeId::ProcessPrependListener, nullptr},
        {"prependOnceListener", NativeId::ProcessPrependOnceListener, nullptr},
        {"removeListener", NativeId::ProcessRemoveListener, "off"},
        {"removeAllListeners", NativeId::ProcessRemoveAllListeners, nullptr},
        {"emit", NativeId::ProcessEmit, nullptr},
        {"listeners", NativeId::ProcessListeners, nullptr},
        {"listenerCount", NativeId::ProcessListenerCount, nullptr},
        {"eventNames", NativeId::ProcessEventNames, nullptr},
        {"setMaxListeners", NativeId::ProcessSetMaxListeners, nullptr},
        {"getMaxListeners", NativeId::ProcessGetMaxListeners, nullptr},
    };
    for (const EventMethod& m : kEventMethods) {
      Value f = defineMethod(vm, process, m.name, m.id);
      if (f.isException()) return;
      vm.cell<NativeFunctionCell>(f)->data0 = record.get();
      if (m.alias) {
        Root fn(vm.heap(), f);
        defineProperty(vm, process, m.alias, fn.get());
        if (vm.hasException()) return;
      }
    }
  }
  if (defineMethod(vm, process, "exit", NativeId::ProcessExit, -1, kDefaultAttrs).isException()) return;
  if (defineMethod(vm, process, "nextTick", NativeId::ProcessNextTick, -1, kDefaultAttrs).isException()) return;
  if (defineMethod(vm, process, "cwd", NativeId::ProcessCwd, -1, kDefaultAttrs).isException()) return;
  if (defineMethod(vm, process, "uptime", NativeId::ProcessUptime, -1, kDefaultAttrs).isException()) return;
  Value hr = defineMethod(vm, process, "hrtime", NativeId::ProcessHrtime, -1, kDefaultAttrs);
  if (hr.isException()) return;
  {
    Root hrtime(vm.heap(), hr);
    if (defineMethod(vm, hrtime, "bigint", NativeId::ProcessHrtimeBigint, -1, kDefaultAttrs).isException()) return;
  }
  for (auto [name, id] : {std::pair{"stdout", NativeId::ProcessStdoutWrite}, std::pair{"stderr", NativeId::ProcessStderrWrite}}) {
    Root stream(vm.heap(), newObject(vm));
    if (stream.get().isException()) return;
    if (defineMethod(vm, stream, "write", id, -1, kDefaultAttrs).isException()) return;
    if (!put(stream, "fd", Value::int32(std::string_view(name) == "stdout" ? 1 : 2))) return;
    if (!put(process, name, stream)) return;
  }
  Value tag = str("process");
  if (tag.isException()) return;
  defineValue(vm, process, vm.wellKnown(WellKnown::toStringTag), tag, kConfigurable);
  defineProperty(vm, g, "process", process);
}

}  // namespace kiln
