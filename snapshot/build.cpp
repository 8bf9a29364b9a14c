#include "snapshot/build.h"

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/program.h"
#include "engine/hash_table.h"
#include "engine/interpreter.h"
#include "engine/module.h"
#include "engine/strings.h"
#include "snapshot/base_image.h"
#include "snapshot/heap_writer.h"

namespace kiln {

namespace {

uint64_t cpuNowNs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// --init-budget is given in milliseconds but counted in jumps (loop
// iterations), so that a budget pause is reproducible: about this many per
// millisecond of interpretation on a current x86-64 core.
constexpr uint64_t kBudgetJumpsPerMs = 20000;

std::string entryName(const std::string& file) {
  std::string stem = std::filesystem::path(file).filename().string();
  for (const char* ext : {".test.ts", ".test.js", ".test.mjs", ".ts", ".mts", ".js", ".mjs"}) {
    size_t n = strlen(ext);
    if (stem.size() > n && stem.compare(stem.size() - n, n, ext) == 0) return stem.substr(0, stem.size() - n);
  }
  return stem;
}

std::string moduleLabel(VM& vm, Value module) { return toUtf8(vm, vm.cell<ModuleCell>(module)->path); }

}  // namespace

std::vector<image::ModuleInfo> moduleTable(VM& vm) {
  std::vector<image::ModuleInfo> out;
  uint32_t n = programModuleCount(vm);
  for (uint32_t i = 0; i < n; i++) {
    Value m = programModule(vm, i);
    auto* mc = vm.cell<ModuleCell>(m);
    image::ModuleInfo info;
    info.path = moduleLabel(vm, m);
    info.preinitialized = moduleIsEvaluated(vm, m);
    auto* req = vm.cell<ValueArrayCell>(mc->requested);
    for (uint32_t j = 0; j < req->length; j++) info.dependencies.push_back(moduleLabel(vm, req->data()[j]));
    if (mc->exports.isCell()) {
      Ref t = mc->exports.ref();
      for (uint32_t k = hashTableNextLive(vm, t, 0); k != kNotFound; k = hashTableNextLive(vm, t, k + 1)) {
        Value key = vm.cell<HashTableCell>(t)->entry(k)[0];
        if (key.isString()) info.exports.push_back(toUtf8(vm, key));
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

std::string entryNameOf(const std::string& file) { return entryName(file); }

void setPausePosition(VM& vm, Value info, uint32_t pc, image::PausePoint* pause) {
  SourcePosition pos;
  if (!sourcePositionOf(vm, info, pc, &pos)) return;
  pause->file = pos.path;
  pause->line = pos.line;
  pause->column = pos.column;
}

namespace {

std::string nativeLabel(VM& vm, uint32_t native) {
  const NativeEntry& e = vm.natives().entries[native];
  static const char* const kEffects[] = {"pure", "ambient", "io"};
  return fmt::format("{} ({})", e.id, kEffects[size_t(e.effect)]);
}

struct Attempt {
  int exitCode = 0;  // nonzero: stop the build with it
  bool retry = false;
  int32_t stopBefore = -1;
  std::string why;   // why the retry
};

// One build-time run of `file`. On success fills *entry.
Attempt runEntry(const std::string& file, const BuildOptions& options, int32_t stopBefore, const std::string& fallbackWhy,
                 image::Entry* entry, std::string* report) {
  Attempt a;
  std::unique_ptr<VM> vmOwner = newRealmVM();
  if (!vmOwner) {
    fprintf(stderr, "kiln: internal error: realm setup failed\n");
    a.exitCode = 70;
    return a;
  }
  VM& vm = *vmOwner;
  vm.optimizeBytecode = options.optLevel > 0;
  ModuleLoadError loadError;
  Value module = loadModuleGraph(vm, file, &loadError);
  if (module.isUndefined()) {
    fprintf(stderr, "%s\n", loadError.message.c_str());
    a.exitCode = 1;
    return a;
  }
  if (module.isException() || startProgram(vm, module).isException()) {
    fprintf(stderr, "kiln compile: %s: the module graph could not be loaded (%s)\n", file.c_str(),
            vm.outOfMemory ? "out of memory" : "an exception while loading");
    a.exitCode = 1;
    return a;
  }
  uint64_t start = cpuNowNs();
  vm.buildMode = true;
  vm.ticks = 0;
  vm.tickBudget = std::max<uint64_t>(1, options.initBudgetMs * kBudgetJumpsPerMs);
  Value r = runProgram(vm, stopBefore);
  vm.buildMode = false;
  vm.tickBudget = 0;
  uint64_t elapsed = cpuNowNs() - start;

  image::PausePoint pause;
  if (r.isException() && vm.pauseState == PauseState::Paused) {
    const PausedCall& c = vm.pausedCall;
    Value* S = vm.cell<ValueArrayCell>(vm.roots().stack)->data();
    setPausePosition(vm, S[c.fp + frame::kInfo], c.atPc ? c.pcAfter : c.pcAfter - 1, &pause);
    if (c.atPc && vm.pauseNative == UINT32_MAX) {
      pause.kind = "budget";
      pause.detail = fmt::format("the build-time budget of {} ms ({} jumps) ran out", options.initBudgetMs,
                                 options.initBudgetMs * kBudgetJumpsPerMs);
    } else {
      pause.kind = "effect";
      pause.native = vm.natives().entries[vm.pauseNative].id;
      pause.detail = (c.atPc ? "before the getter " : "before the call of ") + nativeLabel(vm, vm.pauseNative);
    }
  } else if (r.isException()) {
    if (stopBefore >= 0) {
      fprintf(stderr, "kiln compile: internal error: the build did not stop before module %d\n", stopBefore);
      a.exitCode = 70;
      return a;
    }
    a.retry = true;
    a.stopBefore = programModuleCount(vm) == 0 ? 0 : int32_t(programNextModule(vm));
    Value m = programModule(vm, uint32_t(a.stopBefore));
    std::string where = m.isUndefined() ? "linking" : moduleLabel(vm, m);
    if (vm.pauseState == PauseState::Blocked && vm.pauseNative == UINT32_MAX)
      a.why = fmt::format("the build-time budget ran out under a native frame in {}", where);
    else if (vm.pauseState == PauseState::Blocked)
      a.why = fmt::format("{} was called under a native frame (a callback of native code) in {}",
                          nativeLabel(vm, vm.pauseNative), where);
    else if (vm.outOfMemory)
      a.why = fmt::format("out of memory in {}", where);
    else
      a.why = fmt::format("{} threw an exception at build time", where);
    return a;
  } else if (stopBefore >= 0) {
    pause.kind = "module";
    Value m = programModule(vm, uint32_t(stopBefore));
    if (!m.isUndefined()) pause.file = moduleLabel(vm, m);
    pause.detail = fallbackWhy + "; it and the modules after it run at startup";
  } else if (programEvaluationPending(vm)) {
    // A top-level await waits on something only the event loop can settle
    // (a timer, I/O): the modules after it run at startup.
    pause.kind = "await";
    pause.detail = "the modules ran at build time up to a top-level await that the event loop must settle";
  } else {
    pause.kind = "complete";
    pause.detail = "every module was evaluated at build time";
  }
  vm.pauseState = PauseState::None;
  vm.roots().exception = Value::hole();

  std::error_code ec;
  *entry = snapshotEntry(vm, entryName(file), std::filesystem::absolute(file, ec).lexically_normal().string());
  entry->modules = moduleTable(vm);
  entry->pause = pause;
  size_t cells = 0;
  for (const image::KindStat& k : entry->heapKinds) cells += k.cells;

  size_t pre = std::count_if(entry->modules.begin(), entry->modules.end(), [](auto& m) { return m.preinitialized; });
  *report += fmt::format("kiln compile: {}\n", file);
  *report += fmt::format("  modules: {} of {} pre-initialized\n", pre, entry->modules.size());
  if (!pause.file.empty() && pause.line)
    *report += fmt::format("  paused: {}:{}:{}, {}\n", pause.file, pause.line, pause.column, pause.detail);
  else if (!pause.file.empty())
    *report += fmt::format("  paused: before module {}: {}\n", pause.file, pause.detail);
  else
    *report += fmt::format("  paused: {}\n", pause.detail);
  *report += fmt::format("  build-time run: {:.1f} ms of CPU\n", double(elapsed) / 1e6);
  *report += fmt::format("  heap: {} bytes in {} cells\n", entry->heap.size(), cells);
  return a;
}

}  // namespace

int buildImage(const BuildOptions& options, image::ImageContents* out, std::string* report) {
  std::error_code ec;
  if (!options.assetsDir.empty() && !std::filesystem::is_directory(options.assetsDir, ec)) {
    fprintf(stderr, "kiln compile: --embed-assets: '%s' is not a folder\n", options.assetsDir.c_str());
    return 2;
  }
  for (const std::string& file : options.entries) {
    if (!std::filesystem::is_regular_file(file, ec)) {
      fprintf(stderr, "kiln: cannot open '%s': %s\n", file.c_str(),
              std::filesystem::exists(file, ec) ? "not a regular file" : "no such file");
      return 1;
    }
    image::Entry entry;
    Attempt a = runEntry(file, options, -1, "", &entry, report);
    if (a.exitCode) return a.exitCode;
    if (a.retry) {
      a = runEntry(file, options, a.stopBefore, a.why, &entry, report);
      if (a.exitCode) return a.exitCode;
      if (a.retry) {
        fprintf(stderr, "kiln compile: internal error: %s\n", a.why.c_str());
        return 70;
      }
    }
    for (const image::Entry& e : out->entries) {
      if (e.name == entry.name) {
        fprintf(stderr, "kiln compile: two entries are named '%s' (%s and %s)\n", e.name.c_str(), e.path.c_str(),
                entry.path.c_str());
        return 2;
      }
    }
    out->entries.push_back(std::move(entry));
  }
  if (options.sourceMap) {
    for (const image::Entry& e : out->entries) {
      for (const image::ModuleInfo& m : e.modules) {
        if (std::any_of(out->sources.begin(), out->sources.end(), [&](auto& s) { return s.path == m.path; })) continue;
        std::ifstream in(m.path, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        out->sources.push_back({m.path, ss.str()});
      }
    }
  }
  if (!options.assetsDir.empty()) {
    std::vector<std::string> names;
    for (auto it = std::filesystem::recursive_directory_iterator(options.assetsDir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) names.push_back(std::filesystem::relative(it->path(), options.assetsDir, ec).generic_string());
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::ifstream in(std::filesystem::path(options.assetsDir) / name, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out->assets.push_back({name, ss.str()});
    }
  }
  out->heapCompression = options.compression;
  if (options.sourceMap) out->flags |= image::kFlagSourceMap;
  return 0;
}

}  // namespace kiln
