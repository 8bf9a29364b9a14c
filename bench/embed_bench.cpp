// Per-request cost of the embedding API (include/kiln/kiln.h): what a
// serverless host pays for a fresh heap and one call, and what a runtime
// costs in memory. bench/embed.sh builds it, compiles the images and runs it
// with each KILN_RESET mode.
//
//   kiln_bench_embed [-n REQUESTS] [-r RUNTIMES] [--tsv] NAME IMAGE EXPORT ARGS_JSON [NAME IMAGE EXPORT ARGS_JSON]...
//
// For each case (an export of an image, called with the JSON array ARGS_JSON):
//  - REQUESTS times (default 10,000, after a warm-up) kiln_reset then
//    kiln_execute, each timed on its own: the median, p99, mean and max of
//    reset + execute, of reset alone and of execute alone (wall time), and
//    of reset + execute in the thread's CPU time; every result must
//    be KILN_OK and the same JSON as the first (a reset that leaks state
//    shows up here as well as in the tests);
//  - the RSS growth of the process from before kiln_init to after those
//    requests, and the runtime's kiln_memory;
//  - RUNTIMES runtimes (default 16) created side by side, each serving one
//    request: the RSS growth divided by RUNTIMES, the median kiln_init time
//    and the median first request after kiln_init.
// The two memory measurements each run in a child process of their own
// (fork), so that neither sees what the other, or an earlier case, left in
// the allocator.
//
// The output is a table, or with --tsv one "case<TAB>key<TAB>value" line per
// number (what embed.sh reads). Timings are in microseconds, sizes in KiB.
#include <kiln/kiln.hpp>

#include <fmt/format.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double microsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

// The CPU time of this thread: unlike wall time, it does not count the
// moments another process had the CPU, which on a busy machine are most of
// the p99 of a request of a hundred microseconds.
double threadCpuMicros() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e6 + double(t.tv_nsec) / 1e3;
}

struct Case {
  std::string name;
  std::string image;
  std::string exportName;
  std::string args;
};

struct Options {
  size_t requests = 10000;
  size_t runtimes = 16;
  size_t warmup = 500;
  bool tsv = false;
  std::vector<Case> cases;
};

// ---- the API, owned ----------------------------------------------------------

using kiln::embed::Result;
using kiln::embed::Runtime;

Runtime openRuntime(const Case& c) {
  kiln_config config{};
  config.image_path = c.image.c_str();
  char* error = nullptr;
  Runtime rt(kiln_init(&config, &error));
  if (!rt) {
    fmt::print(stderr, "kiln_bench_embed: {}: cannot load {}: {}\n", c.name, c.image, error ? error : "?");
    std::free(error);
  }
  return rt;
}

// One request; false (and why, on stderr) unless it succeeded with the
// expected JSON (`expected` empty: any, and it is filled in).
bool serve(kiln_runtime* rt, const Case& c, std::string& expected) {
  Result r(kiln_execute(rt, c.exportName.c_str(), c.args.c_str(), 0));
  if (r.status() != KILN_OK) {
    fmt::print(stderr, "kiln_bench_embed: {}: {}() -> {} {}\n", c.name, c.exportName, kiln_status_name(r.status()),
               r.json());
    return false;
  }
  if (expected.empty()) {
    expected = r.json();
  } else if (r.json() != expected) {
    fmt::print(stderr, "kiln_bench_embed: {}: the result changed between requests:\n  first: {}\n  now:   {}\n",
               c.name, expected, r.json());
    return false;
  }
  return true;
}

// ---- numbers -----------------------------------------------------------------

struct Summary {
  double median = 0, p99 = 0, mean = 0, max = 0;
};

Summary summarize(std::vector<double> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  // Nearest rank.
  auto rank = [&](double p) { return v[size_t(std::ceil(p * double(v.size()))) - 1]; };
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  s.p99 = rank(0.99);
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  s.max = v.back();
  return s;
}

double median(std::vector<double> v) { return summarize(std::move(v)).median; }

// The process's resident memory from /proc/self/status, in KiB: all of it,
// and its anonymous part (what a runtime costs on its own; file pages of a
// copy-on-write mapped image are shared with every other runtime of it).
struct Rss {
  long totalKib = 0;
  long anonKib = 0;
};

Rss readRss() {
  Rss rss;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) rss.totalKib = std::atol(line.c_str() + 6);
    if (line.rfind("RssAnon:", 0) == 0) rss.anonKib = std::atol(line.c_str() + 8);
  }
  return rss;
}

// Prints one case's numbers as a table or as TSV.
class Report {
 public:
  Report(const Case& c, bool tsv) : case_(c), tsv_(tsv) {}

  void timing(std::string_view key, std::string_view label, const Summary& s) {
    if (tsv_) {
      value(fmt::format("{}.median", key), s.median);
      value(fmt::format("{}.p99", key), s.p99);
      value(fmt::format("{}.mean", key), s.mean);
      value(fmt::format("{}.max", key), s.max);
    } else {
      fmt::print("  {:<40} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f}\n", label, s.median, s.p99, s.mean, s.max);
    }
  }
  void number(std::string_view key, std::string_view label, double v, std::string_view unit) {
    if (tsv_) {
      value(key, v);
    } else {
      fmt::print("  {:<40} {:>9.1f} {}\n", label, v, unit);
    }
  }
  void line(std::string_view text) {
    if (!tsv_) fmt::print("{}\n", text);
  }

 private:
  void value(std::string_view key, double v) { fmt::print("{}\t{}\t{:.3f}\n", case_.name, key, v); }
  const Case& case_;
  bool tsv_;
};

// ---- the measurements ----------------------------------------------------------

// Runs body() in a child process; false if it failed.
template <class Body>
bool inChild(Body body) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    fmt::print(stderr, "kiln_bench_embed: fork: {}\n", std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    int rc = body() ? 0 : 1;
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(rc);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  if (WIFSIGNALED(status)) {
    fmt::print(stderr, "kiln_bench_embed: the measurement died of signal {} ({})\n", WTERMSIG(status),
               strsignal(WTERMSIG(status)));
    return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// REQUESTS × (reset, execute) on one runtime, and its memory after them.
bool measureRequests(const Case& c, const Options& options) {
  // The samples' memory is touched before the first RSS reading, so that
  // it is not counted as the runtime's.
  std::vector<double> total(options.requests), reset(options.requests), execute(options.requests), cpu(options.requests);
  total.clear();
  reset.clear();
  execute.clear();
  cpu.clear();
  const Rss before = readRss();
  Runtime rt = openRuntime(c);
  if (!rt) return false;
  std::string expected;
  for (size_t i = 0; i < options.warmup; i++) {
    if (kiln_reset(rt.get()) != KILN_OK || !serve(rt.get(), c, expected)) return false;
  }
  for (size_t i = 0; i < options.requests; i++) {
    const double cpu0 = threadCpuMicros();
    const auto t0 = Clock::now();
    const kiln_status status = kiln_reset(rt.get());
    const auto t1 = Clock::now();
    Result r(kiln_execute(rt.get(), c.exportName.c_str(), c.args.c_str(), 0));
    const auto t2 = Clock::now();
    const double cpu1 = threadCpuMicros();
    if (status != KILN_OK) {
      fmt::print(stderr, "kiln_bench_embed: {}: kiln_reset -> {}\n", c.name, kiln_status_name(status));
      return false;
    }
    if (r.status() != KILN_OK || r.json() != expected) {
      fmt::print(stderr, "kiln_bench_embed: {}: request {}: {} {}\n  expected: {}\n", c.name, i,
                 kiln_status_name(r.status()), r.json(), expected);
      return false;
    }
    total.push_back(microsBetween(t0, t2));
    reset.push_back(microsBetween(t0, t1));
    execute.push_back(microsBetween(t1, t2));
    cpu.push_back(cpu1 - cpu0);
  }
  const Rss after = readRss();
  kiln_memory_stats stats{};
  if (kiln_memory(rt.get(), &stats) != KILN_OK) {
    fmt::print(stderr, "kiln_bench_embed: {}: kiln_memory failed\n", c.name);
    return false;
  }

  Report report(c, options.tsv);
  report.line(fmt::format("{}: {}() of {}, arguments {} bytes, result {} bytes", c.name, c.exportName, c.image,
                          c.args.size(), expected.size()));
  report.line(fmt::format("  {:<40} {:>9} {:>9} {:>9} {:>9}", fmt::format("µs, {} requests", options.requests),
                          "median", "p99", "mean", "max"));
  report.timing("reset_execute", "kiln_reset + kiln_execute", summarize(total));
  report.timing("reset", "kiln_reset", summarize(reset));
  report.timing("execute", "kiln_execute", summarize(execute));
  report.timing("reset_execute_cpu", "reset + execute, thread CPU time", summarize(cpu));
  report.number("kiln_memory.image_heap_kib", "kiln_memory: image heap", double(stats.image_heap_bytes) / 1024, "KiB");
  report.number("kiln_memory.heap_committed_kib", "kiln_memory: heap committed", double(stats.heap_committed_bytes) / 1024,
                "KiB");
  report.number("kiln_memory.heap_used_kib", "kiln_memory: heap used", double(stats.heap_used_bytes) / 1024, "KiB");
  report.number("kiln_memory.heap_limit_mib", "kiln_memory: heap limit", double(stats.heap_limit_bytes) / 1048576,
                "MiB");
  report.number("rss_one_runtime_kib", fmt::format("RSS growth, 1 runtime + {} requests", options.requests),
                double(after.totalKib - before.totalKib), "KiB");
  report.number("rss_anon_one_runtime_kib", "  of which anonymous", double(after.anonKib - before.anonKib), "KiB");
  return true;
}

// RUNTIMES runtimes side by side, one request each: memory per runtime,
// kiln_init and the first request.
bool measureRuntimes(const Case& c, const Options& options) {
  std::vector<Runtime> runtimes;
  std::vector<double> init, first;
  runtimes.reserve(options.runtimes);
  init.reserve(options.runtimes);
  first.reserve(options.runtimes);
  const Rss before = readRss();
  for (size_t i = 0; i < options.runtimes; i++) {
    const auto t0 = Clock::now();
    Runtime rt = openRuntime(c);
    const auto t1 = Clock::now();
    if (!rt) return false;
    std::string expected;
    if (kiln_reset(rt.get()) != KILN_OK || !serve(rt.get(), c, expected)) return false;
    const auto t2 = Clock::now();
    init.push_back(microsBetween(t0, t1));
    first.push_back(microsBetween(t1, t2));
    runtimes.push_back(std::move(rt));
  }
  const Rss after = readRss();
  const double n = double(options.runtimes);
  Report report(c, options.tsv);
  report.number("rss_per_runtime_kib", fmt::format("RSS per runtime ({} runtimes, 1 request)", options.runtimes),
                double(after.totalKib - before.totalKib) / n, "KiB");
  report.number("rss_anon_per_runtime_kib", "  of which anonymous", double(after.anonKib - before.anonKib) / n, "KiB");
  report.number("init_us", fmt::format("kiln_init (median of {})", options.runtimes), median(init), "µs");
  report.number("first_request_us", "first reset + execute after kiln_init", median(first), "µs");
  return true;
}

[[noreturn]] void usage() {
  std::fputs(
      "usage: kiln_bench_embed [-n REQUESTS] [-r RUNTIMES] [--tsv] NAME IMAGE EXPORT ARGS_JSON "
      "[NAME IMAGE EXPORT ARGS_JSON]...\n",
      stderr);
  std::exit(2);
}

size_t positive(const char* text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (!*text || *end || v == 0) usage();
  return size_t(v);
}

Options parseOptions(int argc, char** argv) {
  Options options;
  std::vector<std::string> rest;
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    if (a == "-n" && i + 1 < argc) {
      options.requests = positive(argv[++i]);
    } else if (a == "-r" && i + 1 < argc) {
      options.runtimes = positive(argv[++i]);
    } else if (a == "--tsv") {
      options.tsv = true;
    } else if (a.starts_with("-") && a.size() > 1) {
      usage();
    } else {
      rest.emplace_back(a);
    }
  }
  if (rest.empty() || rest.size() % 4 != 0) usage();
  for (size_t i = 0; i < rest.size(); i += 4) options.cases.push_back({rest[i], rest[i + 1], rest[i + 2], rest[i + 3]});
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  const char* mode = std::getenv("KILN_RESET");
  if (!options.tsv) {
    fmt::print("kiln {} embedding API, KILN_RESET={}, {} requests per case after {} of warm-up\n\n", kiln_version(),
               mode && *mode ? mode : "(default)", options.requests, options.warmup);
  }
  bool ok = true;
  for (const Case& c : options.cases) {
    ok = inChild([&] { return measureRequests(c, options); }) && ok;
    ok = inChild([&] { return measureRuntimes(c, options); }) && ok;
    if (!options.tsv) fmt::print("\n");
  }
  return ok ? 0 : 1;
}
