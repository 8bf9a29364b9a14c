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
// program ends (processExitCode). process.exit() asks the VM to unwind
// everything (vm.exitRequested makes the pending exception uncatchable).
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/string_util.h"
#include "engine/bigint.h"
#include "engine/conversions.h"
#include "engine/errors.h"
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

// process.exit([code]): ends the program now. The code defaults to process.exitCode.
Value native_ProcessExit(VM& vm, CallInfo& info) {
  int code = 0;
  Value c = info.arg(0);
  if (c.isUndefined()) {
    code = processExitCode(vm);
  } else {
    Value n = KILN_TRY(toNumber(vm, c));
    double d = n.toDouble();
    if (std::isnan(d) || d != std::trunc(d))
      return throwNodeError(vm, ErrorType::RangeError, "ERR_OUT_OF_RANGE",
                            "The value of \"code\" is out of range. It must be an integer. Received " + describe(vm, c));
    code = int(doubleToInt32(d));
  }
  Value p = processObject(vm);
  if (p.isObject()) {
    Root pr(vm.heap(), p);
    Value key = KILN_TRY(keyFor(vm, "exitCode"));
    if (set(vm, pr.get(), key, Value::int32(code), pr.get()) == Status::Exception) vm.takeException();
  }
  std::fflush(stdout);
  std::fflush(stderr);
  vm.exitRequested = true;
  vm.exitCode = code & 0xFF;
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

int processExitCode(VM& vm) {
  Value p = processObject(vm);
  if (!p.isObject()) return 0;
  Root pr(vm.heap(), p);
  Value key = keyFor(vm, "exitCode");
  if (key.isException()) {
    vm.takeException();
    return 0;
  }
  Value c = get(vm, pr.get(), key);
  if (c.isException()) {
    vm.takeException();
    return 0;
  }
  if (c.isUndefined() || c.isNull()) return 0;
  Value n = toNumber(vm, c);
  if (n.isException()) {
    vm.takeException();
    return 0;
  }
  double d = n.toDouble();
  if (std::isnan(d)) return 0;
  return doubleToInt32(d) & 0xFF;
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
  if (defineMethod(vm, process, "exit", NativeId::ProcessExit, -1, kDefaultAttrs).isException()) return;
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
