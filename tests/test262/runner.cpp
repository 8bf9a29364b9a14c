// test262_runner: runs the test262 suite against kiln.
//
//   test262_runner TEST262_ROOT [options] [path-prefix...]
//
// Process model: the parent discovers the tests, loads the harness once, then
// forks -j workers (no exec: they inherit the test list and the harness
// texts). Each worker reads test indices from its command pipe, runs each
// test's runs in fresh realms through runTest (tests/test262/host.h), and
// reports back over its result pipe. The parent hands out work one test at a
// time with a small lookahead, so a slow folder never idles a core, and acts
// as the watchdog: a worker that dies or stays in one run for more than twice
// the per-run timeout is killed, its current test is recorded as failed
// ("crash"/"timeout"), and a fresh worker takes over the remaining tests.
//
// Wire format (both pipes carry only this runner's own messages):
//   parent -> worker: uint32 test index; kStopIndex asks the worker to exit.
//   worker -> parent: MessageHeader + `length` bytes of reason text.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/test262/host.h"
#include "tests/test262/test262_meta.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace kiln::test262 {
namespace {

constexpr uint32_t kStopIndex = UINT32_MAX;
// Tests queued per worker beyond the one it is running: hides the round trip
// without letting one worker hoard work.
constexpr size_t kLookahead = 2;
// A worker is replaced after this many tests, so that memory an engine leaks
// between realms cannot pile up over a whole run.
constexpr size_t kTestsPerWorker = 4000;
constexpr int kExitUsage = 2;

struct Options {
  fs::path root;
  unsigned jobs = 0;
  Filter filter;
  std::string baselineFile;
  std::string writeBaselineFile;
  bool verbose = false;
  uint32_t timeoutMs = 10000;
};

enum class Outcome : uint8_t { Pass, Fail, Skip };

enum class MessageType : uint8_t { RunStart, Result };

struct MessageHeader {
  MessageType type;
  Outcome outcome;
  uint16_t runs;  // Result: how many runs the test made
  uint32_t index;
  uint32_t length;
};

struct TestResult {
  bool done = false;
  Outcome outcome = Outcome::Fail;
  uint16_t runs = 0;
  std::string reason;
};

[[noreturn]] void usageError(const std::string& message) {
  fmt::print(stderr,
             "test262_runner: {}\n"
             "usage: test262_runner TEST262_ROOT [-j N] [--exclude-features a,b] "
             "[--exclude-dirs d1,d2]\n"
             "         [--baseline FILE] [--write-baseline FILE] [--verbose] "
             "[--timeout-ms N] [path-prefix...]\n",
             message);
  std::exit(kExitUsage);
}

uint32_t parseCount(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  unsigned long value = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value == 0 || value > 1'000'000'000ul) {
    usageError(fmt::format("{} needs a positive number, got '{}'", flag, text));
  }
  return static_cast<uint32_t>(value);
}

Options parseOptions(int argc, char** argv) {
  Options options;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      // Both "--flag value" and "--flag=value".
      if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
        std::string v = arg.substr(eq + 1);
        arg.resize(eq);
        return v;
      }
      if (i + 1 >= argc) usageError(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    std::string name = arg.substr(0, arg.find('='));
    if (arg == "-h" || arg == "--help") {
      usageError("help requested");
    } else if (name == "-j" || name == "--jobs") {
      options.jobs = parseCount(name, value());
    } else if (arg.rfind("-j", 0) == 0 && arg.size() > 2 && arg[1] == 'j') {
      options.jobs = parseCount("-j", arg.substr(2));
    } else if (name == "--exclude-features") {
      for (std::string& f : splitList(value())) options.filter.excludeFeatures.insert(std::move(f));
    } else if (name == "--exclude-dirs") {
      for (const std::string& d : splitList(value())) {
        options.filter.excludeDirs.push_back(normalizePrefix(d));
      }
    } else if (name == "--baseline") {
      options.baselineFile = value();
    } else if (name == "--write-baseline") {
      options.writeBaselineFile = value();
    } else if (name == "--timeout-ms") {
      options.timeoutMs = parseCount(name, value());
    } else if (arg == "--verbose" || arg == "-v") {
      options.verbose = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      usageError(fmt::format("unknown option '{}'", arg));
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty()) usageError("missing TEST262_ROOT");
  options.root = positional[0];
  for (size_t i = 1; i < positional.size(); ++i) {
    options.filter.includePrefixes.push_back(normalizePrefix(positional[i]));
  }
  if (!fs::is_directory(options.root / "test") || !fs::is_directory(options.root / "harness")) {
    usageError(fmt::format("'{}' is not a test262 checkout (needs test/ and harness/)",
                           options.root.string()));
  }
  if (options.jobs == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    options.jobs = cores > 0 ? static_cast<unsigned>(cores) : 1;
  }
  return options;
}

std::optional<std::string> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Paths relative to test/, '/'-separated, sorted; fixtures are not tests.
std::vector<std::string> discoverTests(const Options& options) {
  std::vector<std::string> tests;
  fs::path testDir = options.root / "test";
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(testDir)) {
    if (!entry.is_regular_file()) continue;
    const fs::path& path = entry.path();
    if (path.extension() != ".js") continue;
    std::string name = path.filename().string();
    if (name.size() >= 11 && name.compare(name.size() - 11, 11, "_FIXTURE.js") == 0) continue;
    std::string rel = path.lexically_relative(testDir).generic_string();
    if (options.filter.selectsPath(rel)) tests.push_back(std::move(rel));
  }
  std::sort(tests.begin(), tests.end());
  return tests;
}

using HarnessMap = std::map<std::string, std::string, std::less<>>;

HarnessMap loadHarness(const fs::path& root) {
  HarnessMap harness;
  fs::path dir = root / "harness";
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".js") continue;
    if (std::optional<std::string> text = readFile(entry.path())) {
      harness.emplace(entry.path().lexically_relative(dir).generic_string(), std::move(*text));
    }
  }
  return harness;
}

bool writeAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Returns false on EOF or error.
bool readAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Worker side

class Worker {
 public:
  Worker(const Options& options, const std::vector<std::string>& tests, const HarnessMap& harness,
         int commandFd, int resultFd)
      : options_(options), tests_(tests), harness_(harness), commandFd_(commandFd),
        resultFd_(resultFd) {}

  [[noreturn]] void serve() {
    uint32_t index = 0;
    while (readAll(commandFd_, &index, sizeof index) && index != kStopIndex) {
      if (index >= tests_.size()) break;
      runOne(index);
    }
    std::fflush(stderr);
    _exit(0);
  }

 private:
  void send(MessageType type, uint32_t index, Outcome outcome, uint16_t runs,
            std::string_view reason) {
    MessageHeader header{type, outcome, runs, index, static_cast<uint32_t>(reason.size())};
    std::string buffer(reinterpret_cast<const char*>(&header), sizeof header);
    buffer += reason;
    if (!writeAll(resultFd_, buffer.data(), buffer.size())) _exit(0);  // parent is gone
  }

  void finish(uint32_t index, Outcome outcome, uint16_t runs, std::string_view reason) {
    send(MessageType::Result, index, outcome, runs, reason);
  }

  void runOne(uint32_t index) {
    const std::string& rel = tests_[index];
    fs::path path = options_.root / "test" / rel;
    std::optional<std::string> source = readFile(path);
    if (!source) return finish(index, Outcome::Fail, 0, "cannot read the test file");
    MetaParse parsed = parseFrontmatter(*source);
    if (!parsed.error.empty()) {
      return finish(index, Outcome::Fail, 0, "bad frontmatter: " + parsed.error);
    }
    const TestMeta& meta = parsed.meta;
    if (std::string feature = options_.filter.excludedFeature(meta); !feature.empty()) {
      return finish(index, Outcome::Skip, 0, "excluded feature " + feature);
    }
    // kiln's main thread may block, like a shell's.
    if (meta.has(kFlagCanBlockIsFalse)) {
      return finish(index, Outcome::Skip, 0, "CanBlockIsFalse");
    }

    HarnessLookup lookup = [this](std::string_view name) -> const std::string* {
      auto it = harness_.find(name);
      return it == harness_.end() ? nullptr : &it->second;
    };
    std::string absolute = fs::absolute(path).lexically_normal().string();
    uint16_t runs = 0;
    for (RunMode mode : plannedRuns(meta)) {
      Assembled assembled =
          assembleRun(meta, mode, absolute, *source, lookup, options_.timeoutMs);
      if (!assembled.missing.empty()) {
        return finish(index, Outcome::Fail, runs,
                      fmt::format("missing harness file {}", assembled.missing));
      }
      send(MessageType::RunStart, index, Outcome::Fail, runs, runModeName(mode));
      ++runs;
      std::optional<std::string> failure;
      try {
        failure = judgeRun(meta, runTest(assembled.request));
      } catch (const std::exception& e) {
        failure = fmt::format("host threw: {}", e.what());
      }
      if (failure) {
        return finish(index, Outcome::Fail, runs,
                      fmt::format("[{}] {}", runModeName(mode), *failure));
      }
    }
    finish(index, Outcome::Pass, runs, {});
  }

  const Options& options_;
  const std::vector<std::string>& tests_;
  const HarnessMap& harness_;
  int commandFd_;
  int resultFd_;
};

// ---------------------------------------------------------------------------
// Parent side

struct WorkerSlot {
  pid_t pid = -1;
  int commandFd = -1;  // parent writes test indices
  int resultFd = -1;   // parent reads messages
  std::deque<uint32_t> assigned;  // in the order the worker will run them
  size_t served = 0;              // tests handed to this process so far
  std::string inbox;
  std::optional<Clock::time_point> deadline;
  std::string currentRun;  // mode of the run in progress, for timeout reports
};

class Pool {
 public:
  Pool(const Options& options, const std::vector<std::string>& tests, const HarnessMap& harness)
      : options_(options), tests_(tests), harness_(harness), results_(tests.size()) {
    for (uint32_t i = 0; i < tests.size(); ++i) pending_.push_back(i);
    watchdog_ = std::chrono::milliseconds(2ull * options.timeoutMs);
  }

  std::vector<TestResult> run() {
    size_t count = std::min<size_t>(options_.jobs, std::max<size_t>(tests_.size(), 1));
    slots_.resize(count);
    for (WorkerSlot& slot : slots_) spawn(slot);
    for (WorkerSlot& slot : slots_) refill(slot);
    while (completed_ < tests_.size()) pollOnce();
    for (WorkerSlot& slot : slots_) stop(slot);
    return std::move(results_);
  }

 private:
  void spawn(WorkerSlot& slot) {
    int command[2];
    int result[2];
    if (pipe(command) != 0 || pipe(result) != 0) {
      fmt::print(stderr, "test262_runner: pipe: {}\n", std::strerror(errno));
      std::exit(1);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      fmt::print(stderr, "test262_runner: fork: {}\n", std::strerror(errno));
      std::exit(1);
    }
    if (pid == 0) {
      // The child must not keep other workers' pipe ends open, or the parent
      // would never see EOF when one of them dies.
      for (const WorkerSlot& other : slots_) {
        if (other.commandFd >= 0) close(other.commandFd);
        if (other.resultFd >= 0) close(other.resultFd);
      }
      close(command[1]);
      close(result[0]);
      signal(SIGPIPE, SIG_DFL);
      // Anything the engine prints outside print() must not garble the report.
      if (int devNull = open("/dev/null", O_WRONLY); devNull >= 0) {
        dup2(devNull, STDOUT_FILENO);
        close(devNull);
      }
      Worker(options_, tests_, harness_, command[0], result[1]).serve();
    }
    close(command[0]);
    close(result[1]);
    slot.pid = pid;
    slot.commandFd = command[1];
    slot.resultFd = result[0];
    slot.assigned.clear();
    slot.inbox.clear();
    slot.deadline.reset();
    slot.served = 0;
  }

  void refill(WorkerSlot& slot) {
    if (slot.pid > 0 && slot.served >= kTestsPerWorker && slot.assigned.empty() &&
        !pending_.empty()) {
      stop(slot);
      spawn(slot);
    }
    while (slot.pid > 0 && slot.assigned.size() < kLookahead && !pending_.empty() &&
           slot.served < kTestsPerWorker) {
      uint32_t index = pending_.front();
      pending_.pop_front();
      if (slot.assigned.empty()) slot.deadline = Clock::now() + watchdog_;
      slot.assigned.push_back(index);
      ++slot.served;
      if (!writeAll(slot.commandFd, &index, sizeof index)) break;  // dead: poll will tell
    }
  }

  void stop(WorkerSlot& slot) {
    if (slot.pid <= 0) return;
    uint32_t stopIndex = kStopIndex;
    writeAll(slot.commandFd, &stopIndex, sizeof stopIndex);
    close(slot.commandFd);
    close(slot.resultFd);
    int status = 0;
    waitpid(slot.pid, &status, 0);
    slot.pid = -1;
    slot.commandFd = slot.resultFd = -1;
  }

  void record(uint32_t index, Outcome outcome, uint16_t runs, std::string reason) {
    TestResult& result = results_[index];
    if (result.done) return;
    result.done = true;
    result.outcome = outcome;
    result.runs = runs;
    result.reason = std::move(reason);
    ++completed_;
    if (options_.verbose && outcome == Outcome::Fail) {
      fmt::print("FAIL {}: {}\n", tests_[index], result.reason);
      std::fflush(stdout);
    }
  }

  // The worker is gone (died, or killed by us): blame its current test, give
  // the rest of its queue back, and start a replacement if work remains.
  void replace(WorkerSlot& slot, const std::string& reason) {
    close(slot.commandFd);
    close(slot.resultFd);
    slot.pid = -1;
    slot.commandFd = slot.resultFd = -1;
    if (!slot.assigned.empty()) {
      uint32_t current = slot.assigned.front();
      slot.assigned.pop_front();
      std::string where = slot.currentRun.empty() ? "" : fmt::format("[{}] ", slot.currentRun);
      record(current, Outcome::Fail, 1, where + reason);
      for (auto it = slot.assigned.rbegin(); it != slot.assigned.rend(); ++it) {
        pending_.push_front(*it);
      }
      slot.assigned.clear();
    }
    slot.currentRun.clear();
    if (!pending_.empty()) {
      spawn(slot);
      refill(slot);
    }
  }

  static std::string describeStatus(int status) {
    if (WIFSIGNALED(status)) {
      int sig = WTERMSIG(status);
      const char* name = sigabbrev_np(sig);
      return fmt::format("crash (signal {}{}{})", sig, name ? " SIG" : "", name ? name : "");
    }
    if (WIFEXITED(status)) return fmt::format("crash (worker exited with status {})", WEXITSTATUS(status));
    return "crash";
  }

  void handleMessages(WorkerSlot& slot) {
    while (slot.inbox.size() >= sizeof(MessageHeader)) {
      MessageHeader header;
      std::memcpy(&header, slot.inbox.data(), sizeof header);
      if (slot.inbox.size() < sizeof header + header.length) return;
      std::string text = slot.inbox.substr(sizeof header, header.length);
      slot.inbox.erase(0, sizeof header + header.length);
      if (header.type == MessageType::RunStart) {
        slot.deadline = Clock::now() + watchdog_;
        slot.currentRun = std::move(text);
        continue;
      }
      if (!slot.assigned.empty() && slot.assigned.front() == header.index) {
        slot.assigned.pop_front();
      }
      record(header.index, header.outcome, header.runs, std::move(text));
      slot.currentRun.clear();
      if (slot.assigned.empty()) {
        slot.deadline.reset();
      } else {
        slot.deadline = Clock::now() + watchdog_;
      }
      refill(slot);
    }
  }

  void pollOnce() {
    std::vector<pollfd> fds;
    std::vector<WorkerSlot*> owners;
    Clock::time_point now = Clock::now();
    std::optional<Clock::time_point> nearest;
    for (WorkerSlot& slot : slots_) {
      if (slot.pid <= 0) continue;
      fds.push_back({slot.resultFd, POLLIN, 0});
      owners.push_back(&slot);
      if (slot.deadline && (!nearest || *slot.deadline < *nearest)) nearest = slot.deadline;
    }
    if (fds.empty()) {
      // Every worker is gone and nothing can be re-queued: should not happen,
      // but never spin.
      for (uint32_t i = 0; i < results_.size(); ++i) {
        if (!results_[i].done) record(i, Outcome::Fail, 0, "no worker left to run it");
      }
      return;
    }
    int waitMs = -1;
    if (nearest) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*nearest - now).count();
      waitMs = static_cast<int>(std::clamp<long long>(left + 1, 0, 60'000));
    }
    int ready = poll(fds.data(), fds.size(), waitMs);
    if (ready < 0 && errno != EINTR) {
      fmt::print(stderr, "test262_runner: poll: {}\n", std::strerror(errno));
      std::exit(1);
    }
    for (size_t i = 0; i < fds.size() && ready > 0; ++i) {
      if (fds[i].revents == 0) continue;
      WorkerSlot& slot = *owners[i];
      char buffer[65536];
      ssize_t n = read(slot.resultFd, buffer, sizeof buffer);
      if (n > 0) {
        slot.inbox.append(buffer, static_cast<size_t>(n));
        handleMessages(slot);
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      int status = 0;
      waitpid(slot.pid, &status, 0);
      replace(slot, describeStatus(status));
    }
    now = Clock::now();
    for (WorkerSlot& slot : slots_) {
      if (slot.pid > 0 && slot.deadline && now >= *slot.deadline) {
        kill(slot.pid, SIGKILL);
        int status = 0;
        waitpid(slot.pid, &status, 0);
        replace(slot, fmt::format("timeout (worker killed after {} ms)", watchdog_.count()));
      }
    }
  }

  const Options& options_;
  const std::vector<std::string>& tests_;
  const HarnessMap& harness_;
  std::vector<TestResult> results_;
  std::deque<uint32_t> pending_;
  std::vector<WorkerSlot> slots_;
  size_t completed_ = 0;
  std::chrono::milliseconds watchdog_{};
};

int runMain(int argc, char** argv) {
  Options options = parseOptions(argc, argv);
  auto started = Clock::now();
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> tests = discoverTests(options);
  if (tests.size() >= kStopIndex) usageError("too many tests");
  HarnessMap harness = loadHarness(options.root);
  std::vector<TestResult> results = Pool(options, tests, harness).run();

  std::map<std::string, std::pair<size_t, size_t>, std::less<>> perFolder;  // passed, failed
  std::set<std::string, std::less<>> ran;
  std::set<std::string, std::less<>> passing;
  std::map<std::string, std::string, std::less<>> failureReasons;
  size_t skipped = 0;
  size_t runs = 0;
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestResult& result = results[i];
    runs += result.runs;
    if (result.outcome == Outcome::Skip) {
      ++skipped;
      continue;
    }
    auto& counts = perFolder[std::string(topFolder(tests[i]))];
    ran.insert(tests[i]);
    if (result.outcome == Outcome::Pass) {
      ++counts.first;
      passing.insert(tests[i]);
    } else {
      ++counts.second;
      failureReasons.emplace(tests[i], result.reason);
    }
  }

  int exitCode = 0;
  if (!options.baselineFile.empty()) {
    std::optional<std::string> text = readFile(options.baselineFile);
    if (!text) {
      fmt::print("test262: baseline {} not found, treating it as empty\n", options.baselineFile);
    }
    BaselineDiff diff = diffBaseline(parseBaseline(text.value_or("")), ran, passing);
    for (const std::string& path : diff.regressions) {
      fmt::print("REGRESSION {}: {}\n", path, failureReasons[path]);
    }
    if (!diff.regressions.empty()) {
      fmt::print("test262: {} regression(s) against {}\n", diff.regressions.size(),
                 options.baselineFile);
      exitCode = 1;
    }
    fmt::print("test262: {} new pass(es) not in {}{}\n", diff.newPasses.size(),
               options.baselineFile,
               diff.newPasses.empty() ? "" : " (update it with --write-baseline)");
  }
  if (!options.writeBaselineFile.empty()) {
    std::ofstream out(options.writeBaselineFile, std::ios::binary | std::ios::trunc);
    out << formatBaseline(passing);
    if (!out) {
      fmt::print(stderr, "test262_runner: cannot write {}\n", options.writeBaselineFile);
      exitCode = 1;
    } else {
      fmt::print("test262: wrote {} passing tests to {}\n", passing.size(),
                 options.writeBaselineFile);
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  fmt::print("test262: {} tests ({} runs), {} skipped, {:.1f}s with -j {}\n", tests.size(), runs,
             skipped, seconds, options.jobs);
  for (const auto& [folder, counts] : perFolder) {
    fmt::print("test262 {}: {} passed, {} failed\n", folder, counts.first, counts.second);
  }
  std::fflush(stdout);
  return exitCode;
}

}  // namespace
}  // namespace kiln::test262

int main(int argc, char** argv) { return kiln::test262::runMain(argc, argv); }
