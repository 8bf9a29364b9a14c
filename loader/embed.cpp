// The embedding API (include/kiln/kiln.h): a runtime is one VM loaded from
// an image once, put back to the image's state by kiln_reset (ImagePages
// restores the image region, VM::resetToImage drops everything allocated
// since), and driven one call at a time by kiln_execute.
#include "kiln/kiln.h"

#include <time.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "builtins/builtins.h"
#include "builtins/inspect.h"
#include "builtins/program.h"
#include "builtins/promise.h"
#include "builtins/timers.h"
#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/interpreter.h"
#include "engine/module.h"
#include "engine/object.h"
#include "engine/strings.h"
#include "loader/image_pages.h"
#include "loader/loader.h"

using namespace kiln;

struct kiln_runtime {
  std::string imageBytes;  // config.image_bytes, copied (the ImageFile reads from it)
  std::string imageLabel;
  std::unique_ptr<image::ImageFile> image;
  size_t entry = 0;
  size_t heapLimit = Heap::kDefaultLimit;
  std::unique_ptr<VM> vm;
  std::unique_ptr<ImagePages> pages;
  void (*write)(void*, int, const char*, size_t) = nullptr;
  void* user = nullptr;
  // Set when a call ended in a state the program cannot go on from
  // (timeout, out of memory, process.exit): only kiln_reset helps.
  std::string mustReset;
};

namespace {

// Heap headroom for a program that hit its limit to catch the RangeError
// and answer (an error response, a log line).
constexpr size_t kOomHeadroomBytes = size_t(1) << 20;

uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

char* copyOut(const std::string& s) {
  char* p = static_cast<char*>(malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

void appendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

std::string jsonString(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

kiln_result makeResult(kiln_status status, const std::string& json) {
  kiln_result r{status, copyOut(json), json.size()};
  if (!r.json) r.json_len = 0;
  return r;
}

kiln_result explain(kiln_status status, const std::string& sentence) { return makeResult(status, jsonString(sentence)); }

void setError(char** error, const std::string& message) {
  if (error) *error = copyOut(message);
}

// A property of a thrown object as text, or "" (getters may throw: ignored).
std::string stringProperty(VM& vm, Value obj, std::string_view name) {
  Root o(vm.heap(), obj);
  Value key = atomFromUtf8(vm, name);
  if (key.isException()) {
    vm.takeException();
    return "";
  }
  Value v = get(vm, o.get(), key);
  if (v.isException()) {
    vm.takeException();
    return "";
  }
  if (v.isUndefined()) return "";
  Value s = toString(vm, v);
  if (s.isException()) {
    vm.takeException();
    return "";
  }
  return toUtf8(vm, s);
}

// {"name","message","stack"} of an error the host reports itself.
std::string errorJson(std::string_view name, std::string_view message) {
  std::string out = "{\"name\":";
  appendJsonString(out, name);
  out += ",\"message\":";
  appendJsonString(out, message);
  out += ",\"stack\":\"\"}";
  return out;
}

// {"name","message","stack"} of a thrown value.
std::string exceptionJson(VM& vm, Value thrown) {
  Root t(vm.heap(), thrown);
  std::string name, message, stack;
  if (thrown.isObject()) {
    name = stringProperty(vm, t.get(), "name");
    message = stringProperty(vm, t.get(), "message");
    stack = stringProperty(vm, t.get(), "stack");
  } else {
    // `throw "boom"`: the value as node shows it after "Uncaught".
    message = thrown.isString() ? toUtf8(vm, thrown) : inspect(vm, thrown);
    if (vm.hasException()) vm.takeException();
  }
  std::string out = "{\"name\":";
  appendJsonString(out, name);
  out += ",\"message\":";
  appendJsonString(out, message);
  out += ",\"stack\":";
  appendJsonString(out, stack);
  out += "}";
  return out;
}

// The result of a call that ended with an exception pending.
kiln_result failure(kiln_runtime* rt, uint32_t timeoutMs) {
  VM& vm = *rt->vm;
  if (vm.timedOut) {
    rt->mustReset = "timed out";
    vm.takeException();
    return explain(KILN_TIMEOUT, "the call did not finish within its timeout of " + std::to_string(timeoutMs) + " ms");
  }
  // Out of memory, or an exception after the heap limit was hit (the
  // RangeError itself, uncaught, or whatever recovering failed with).
  if (vm.outOfMemory || vm.oomHeadroomUsed) {
    rt->mustReset = "ran out of memory";
    vm.takeException();
    return explain(KILN_OUT_OF_MEMORY, "the program ran out of memory (the heap limit is " +
                                           std::to_string(rt->heapLimit) + " bytes) and did not recover");
  }
  if (vm.exitRequested) {
    rt->mustReset = "called process.exit()";
    vm.takeException();
    std::string json = "{\"name\":\"ProcessExit\",\"message\":";
    appendJsonString(json, "process.exit(" + std::to_string(vm.exitCode) + ") was called");
    json += ",\"stack\":\"\",\"exitCode\":" + std::to_string(vm.exitCode) + "}";
    return makeResult(KILN_JS_EXCEPTION, json);
  }
  Value thrown = vm.takeException();
  return makeResult(KILN_JS_EXCEPTION, exceptionJson(vm, thrown));
}

// JSON.parse / JSON.stringify as the builtins define them (not whatever the
// program left in the global JSON object).
Value callJson(VM& vm, NativeId id, Value arg) {
  Root a(vm.heap(), arg);
  Value fn = KILN_TRY(newBuiltin(vm, id));
  return call(vm, fn, Value::undefined(), std::span<const Value>(a.slot(), 1));
}

std::string exportNames(VM& vm, Value ns) {
  Ref keys = ownPropertyKeys(vm, ns);
  if (!keys) {
    vm.takeException();
    return "";
  }
  std::string names;
  auto* k = vm.cell<ValueArrayCell>(keys);
  for (uint32_t i = 0; i < k->length; i++) {
    if (!k->data()[i].isString()) continue;
    names += (names.empty() ? "" : ", ") + toUtf8(vm, k->data()[i]);
  }
  return names;
}

// A rejection nothing handled is the call's error, as it ends a node
// process (--unhandled-rejections=throw): true with it pending.
bool throwUnhandledRejection(VM& vm) {
  Value reasons = vm.promises->takeUnhandledRejections(vm);
  if (!reasons.isCell() || vm.cell<ValueArrayCell>(reasons)->length == 0) return false;
  vm.throwValue(vm.cell<ValueArrayCell>(reasons)->data()[0]);
  return true;
}

// Finishes the program's module evaluation if the build paused in it.
// False with the failure in *out.
bool finishModules(kiln_runtime* rt, uint32_t timeoutMs, kiln_result* out) {
  VM& vm = *rt->vm;
  // Then a top-level await still waiting (on a timer, say): the exports are
  // not all initialized until the event loop settles the entry's evaluation.
  bool threw = (programPaused(vm) || programInModules(vm)) && runProgram(vm, -1, /*eventLoop=*/false).isException();
  if (!threw && programEvaluationPending(vm)) {
    Root evaluation(vm.heap(), programEvaluation(vm));
    threw = runEventLoopUntilSettled(vm, evaluation.get()).isException();
  }
  if (!threw) {
    Value evaluation = programEvaluation(vm);
    if (!isPromise(vm, evaluation)) return true;
    auto* pc = vm.cell<InternalObjectCell>(evaluation);
    int32_t state = pc->internal[kPromiseState].asInt();
    if (state == kPromiseFulfilled) return true;
    if (state == kPromisePending) {
      *out = makeResult(KILN_JS_EXCEPTION, errorJson("Error", "the entry module's top-level await never settled: "
                                                              "the event loop has nothing left to run"));
      rt->mustReset = "failed to initialize";
      return false;
    }
    vm.throwValue(pc->internal[kPromiseResult]);
  }
  *out = failure(rt, timeoutMs);
  // A timeout or out-of-memory already asks for a reset in its own words.
  if (out->status == KILN_JS_EXCEPTION) rt->mustReset = "failed to initialize";
  return false;
}

kiln_result callExport(kiln_runtime* rt, const char* exportName, const char* argsJson, uint32_t timeoutMs) {
  VM& vm = *rt->vm;
  kiln_result out{};
  if (!finishModules(rt, timeoutMs, &out)) return out;

  // The arguments: a JSON array.
  Value text = newStringUtf8(vm, argsJson ? argsJson : "[]");
  if (text.isException()) return failure(rt, timeoutMs);
  Value parsed = callJson(vm, NativeId::JSON_parse, text);
  if (parsed.isException()) {
    if (vm.uncatchable()) return failure(rt, timeoutMs);
    Root e(vm.heap(), vm.takeException());
    std::string why = e.get().isObject() ? stringProperty(vm, e.get(), "message") : "";
    return explain(KILN_BAD_ARGUMENT, "the arguments are not valid JSON (" + why + ")");
  }
  Root args(vm.heap(), parsed);
  Status isArr = isArray(vm, args.get());
  if (isArr == Status::Exception) return failure(rt, timeoutMs);
  if (isArr == Status::False) return explain(KILN_BAD_ARGUMENT, "the arguments must be a JSON array");
  Value list = createListFromArrayLike(vm, args.get());
  if (list.isException()) return failure(rt, timeoutMs);
  args.set(list);

  // The export.
  Value entry = programEntry(vm);
  if (!entry.isCell()) return explain(KILN_BAD_ARGUMENT, "the image holds no program");
  Value nsValue = moduleNamespace(vm, entry);
  if (nsValue.isException()) return failure(rt, timeoutMs);
  Root ns(vm.heap(), nsValue);
  Value key = atomFromUtf8(vm, exportName);
  if (key.isException()) return failure(rt, timeoutMs);
  Root k(vm.heap(), key);
  Status has = hasProperty(vm, ns.get(), k.get());
  if (has == Status::Exception) return failure(rt, timeoutMs);
  if (has == Status::False) {
    std::string names = exportNames(vm, ns.get());
    return explain(KILN_BAD_ARGUMENT, std::string("the entry module has no export named '") + exportName + "'" +
                                          (names.empty() ? " (it exports nothing)" : " (its exports: " + names + ")"));
  }
  Value fn = get(vm, ns.get(), k.get());
  if (fn.isException()) return failure(rt, timeoutMs);  // an export still in its TDZ
  if (!isCallable(vm, fn)) return explain(KILN_BAD_ARGUMENT, std::string("the export '") + exportName + "' is not a function");
  Root f(vm.heap(), fn);

  // The call, and for a promise (or thenable) the event loop until it settles.
  auto* a = vm.cell<ValueArrayCell>(args.get());
  Value r = call(vm, f.get(), Value::undefined(), std::span<const Value>(a->data(), a->length));
  if (r.isException()) return failure(rt, timeoutMs);
  Root result(vm.heap(), r);
  if (result.get().isObject()) {
    Root promise(vm.heap(), result.get());
    if (!isPromise(vm, promise.get())) {
      // Follow a thenable as `await` would.
      promise.set(newPromise(vm));
      if (promise.get().isException() || resolvePromise(vm, promise.get(), result.get()) == Status::Exception)
        return failure(rt, timeoutMs);
    }
    // Handled here: its rejection is this call's result, not an unhandled one.
    if (promiseThenNoCapability(vm, promise.get(), Value::undefined(), Value::undefined()) == Status::Exception)
      return failure(rt, timeoutMs);
    if (runEventLoopUntilSettled(vm, promise.get()).isException()) return failure(rt, timeoutMs);
    auto* pc = vm.cell<InternalObjectCell>(promise.get());
    int32_t state = pc->internal[kPromiseState].asInt();
    if (state == kPromisePending) {
      // Another promise was rejected and nothing handled it.
      if (throwUnhandledRejection(vm)) return failure(rt, timeoutMs);
      return makeResult(KILN_JS_EXCEPTION, errorJson("Error", std::string("the promise returned by '") + exportName +
                                                             "' never settled: the event loop has nothing left to run"));
    }
    if (state == kPromiseRejected) {
      vm.throwValue(pc->internal[kPromiseResult]);
      return failure(rt, timeoutMs);
    }
    result.set(pc->internal[kPromiseResult]);
  }

  // What the call left for the microtask queues runs now, as it would when
  // the call returns to node's event loop. Timers wait for the next call, or
  // are dropped by kiln_reset.
  if (drainTicksAndJobs(vm, false).isException() || throwUnhandledRejection(vm)) return failure(rt, timeoutMs);

  // The value as JSON.
  Value json = callJson(vm, NativeId::JSON_stringify, result.get());
  if (json.isException()) return failure(rt, timeoutMs);
  if (!json.isString()) return makeResult(KILN_OK, "null");  // undefined, a function, a symbol
  return makeResult(KILN_OK, toUtf8(vm, json));
}

bool resetRuntime(kiln_runtime* rt, std::string* error) {
  image::LoadFailure f;
  bool ok = resetImageEntry(*rt->vm, *rt->image, rt->entry, [rt](uint8_t*) { return rt->pages->restore(); },
                            rt->heapLimit, &f);
  if (!ok) {
    *error = f.message;
    return false;
  }
  rt->vm->oomHeadroomBytes = kOomHeadroomBytes;
  rt->mustReset.clear();
  return true;
}

void attachHost(kiln_runtime* rt) {
  VM& vm = *rt->vm;
  if (rt->write) {
    vm.write = [rt](int fd, std::string_view text) { rt->write(rt->user, fd == 2 ? 2 : 1, text.data(), text.size()); };
  }
  const image::ImageFile* img = rt->image.get();
  vm.readAsset = [img](std::string_view name, std::string* bytes) {
    std::optional<std::string> a = img->asset(name);
    if (!a) return false;
    *bytes = std::move(*a);
    return true;
  };
  vm.assetNames = [img] { return img->assetNames(); };
  vm.argv = {"kiln", img->entryPath(rt->entry)};
}

}  // namespace

extern "C" {

kiln_runtime* kiln_init(const kiln_config* config, char** error) {
  if (error) *error = nullptr;
  if (!config) {
    setError(error, "kiln_init: no configuration");
    return nullptr;
  }
  if (!config->image_path == !config->image_bytes) {
    setError(error, "kiln_init: give exactly one of image_path and image_bytes");
    return nullptr;
  }
  try {
    auto rt = std::make_unique<kiln_runtime>();
    rt->write = config->write;
    rt->user = config->user;
    if (config->max_heap_bytes) rt->heapLimit = config->max_heap_bytes;
    image::LoadFailure f;
    if (config->image_path) {
      rt->imageLabel = config->image_path;
      rt->image = image::ImageFile::open(config->image_path, currentExpectations(), &f);
    } else {
      rt->imageLabel = "the image in memory";
      rt->imageBytes.assign(static_cast<const char*>(config->image_bytes), config->image_size);
      rt->image = image::ImageFile::fromBytes(rt->imageBytes.data(), rt->imageBytes.size(), currentExpectations(), &f);
    }
    if (!rt->image) {
      // The reader's messages about the file itself already name it.
      bool named = f.message.find(rt->imageLabel) != std::string::npos;
      setError(error, named ? f.message : rt->imageLabel + ": " + f.message);
      return nullptr;
    }
    int entry = rt->image->findEntry(config->entry ? config->entry : "");
    if (entry < 0) {
      setError(error, rt->imageLabel + ": no entry named '" + config->entry + "'");
      return nullptr;
    }
    rt->entry = size_t(entry);
    rt->vm = loadImageEntry(*rt->image, rt->entry, &f, nullptr, rt->heapLimit);
    if (!rt->vm) {
      setError(error, rt->imageLabel + ": " + f.message);
      return nullptr;
    }
    if (!rt->vm->roots().program.isCell()) {
      setError(error, rt->imageLabel + ": the entry holds no program");
      return nullptr;
    }
    std::string why;
    rt->pages = ImagePages::create(*rt->image, rt->entry, rt->vm->heap().base() + Heap::kImageBase,
                                   ImagePages::modeFromEnvironment(), &why);
    if (!rt->pages || !resetRuntime(rt.get(), &why)) {
      setError(error, rt->imageLabel + ": " + why);
      return nullptr;
    }
    attachHost(rt.get());
    return rt.release();
  } catch (const std::bad_alloc&) {
    setError(error, "kiln_init: out of memory");
    return nullptr;
  }
}

kiln_status kiln_reset(kiln_runtime* rt) {
  if (!rt) return KILN_BAD_ARGUMENT;
  std::string why;
  // Only the kernel refusing madvise could fail here; the runtime then
  // stays unusable rather than running on a half-restored heap.
  if (!resetRuntime(rt, &why)) {
    rt->mustReset = "could not be reset (" + why + ")";
    return KILN_BAD_IMAGE;
  }
  return KILN_OK;
}

kiln_result kiln_execute(kiln_runtime* rt, const char* export_name, const char* args_json_array, uint32_t timeout_ms) {
  if (!rt) return explain(KILN_BAD_ARGUMENT, "kiln_execute: no runtime");
  if (!export_name || !*export_name) return explain(KILN_BAD_ARGUMENT, "kiln_execute: no export name");
  if (!rt->mustReset.empty())
    return explain(KILN_BAD_ARGUMENT, "the previous call " + rt->mustReset + "; call kiln_reset before the next one");
  VM& vm = *rt->vm;
  vm.deadlineNs = timeout_ms ? monotonicNs() + uint64_t(timeout_ms) * 1000000ull : 0;
  vm.ticks = 0;
  kiln_result r;
  try {
    r = callExport(rt, export_name, args_json_array, timeout_ms);
  } catch (const std::bad_alloc&) {
    rt->mustReset = "ran out of memory";
    r = explain(KILN_OUT_OF_MEMORY, "the host ran out of memory");
  }
  vm.deadlineNs = 0;
  vm.interruptRequested = false;
  if (vm.hasException() && rt->mustReset.empty()) vm.takeException();
  return r;
}

void kiln_result_free(kiln_result* result) {
  if (!result) return;
  free(result->json);
  result->json = nullptr;
  result->json_len = 0;
}

void kiln_shutdown(kiln_runtime* rt) { delete rt; }

const char* kiln_version(void) { return kKilnVersion; }

const char* kiln_status_name(kiln_status status) {
  switch (status) {
    case KILN_OK: return "KILN_OK";
    case KILN_JS_EXCEPTION: return "KILN_JS_EXCEPTION";
    case KILN_TIMEOUT: return "KILN_TIMEOUT";
    case KILN_OUT_OF_MEMORY: return "KILN_OUT_OF_MEMORY";
    case KILN_BAD_ARGUMENT: return "KILN_BAD_ARGUMENT";
    case KILN_BAD_IMAGE: return "KILN_BAD_IMAGE";
  }
  return "KILN_UNKNOWN_STATUS";
}

kiln_status kiln_memory(kiln_runtime* rt, kiln_memory_stats* stats) {
  if (!rt || !stats) return KILN_BAD_ARGUMENT;
  HeapStats h = rt->vm->heap().stats();
  stats->heap_committed_bytes = h.committedBytes;
  stats->heap_used_bytes = h.usedBytes;
  stats->heap_limit_bytes = rt->vm->heap().limit();
  stats->image_heap_bytes = rt->vm->heap().imageBytes();
  return KILN_OK;
}

}  // extern "C"
