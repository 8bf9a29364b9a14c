// The embedding API (include/kiln/kiln.h) as a host uses it: images compiled
// from tests/embed/fixtures/*.ts by the build (KILN_EMBED_IMAGES).
#define BOOST_TEST_MODULE embed_api
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kiln/kiln.h"

namespace {

std::string imagePath(const char* name) { return std::string(KILN_EMBED_IMAGES) + "/" + name + ".kiln"; }

bool gcStress() {
  const char* s = getenv("KILN_GC_STRESS");
  return s && *s && std::string(s) != "0";
}

struct Output {
  std::mutex mutex;
  std::string out, err;
};

void capture(void* user, int fd, const char* data, size_t len) {
  auto* o = static_cast<Output*>(user);
  std::lock_guard<std::mutex> lock(o->mutex);
  (fd == 2 ? o->err : o->out).append(data, len);
}

// A runtime for one test, with its output captured.
struct Runtime {
  explicit Runtime(const char* image = "handlers", size_t maxHeap = 0) {
    kiln_config config{};
    std::string path = imagePath(image);
    config.image_path = path.c_str();
    config.max_heap_bytes = maxHeap;
    config.write = capture;
    config.user = &output;
    char* error = nullptr;
    rt = kiln_init(&config, &error);
    if (!rt) BOOST_FAIL("kiln_init: " << (error ? error : "?"));
  }
  ~Runtime() { kiln_shutdown(rt); }

  struct Call {
    kiln_status status;
    std::string json;
  };
  Call call(const char* name, const char* args = "[]", uint32_t timeoutMs = 0) {
    kiln_result r = kiln_execute(rt, name, args, timeoutMs);
    Call c{r.status, r.json ? std::string(r.json, r.json_len) : std::string()};
    kiln_result_free(&r);
    BOOST_CHECK(r.json == nullptr);
    return c;
  }

  kiln_runtime* rt = nullptr;
  Output output;
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(version_and_status_names) {
  BOOST_TEST(std::string(kiln_version()) == "0.1.0");
  BOOST_TEST(std::string(kiln_status_name(KILN_TIMEOUT)) == "KILN_TIMEOUT");
}

BOOST_AUTO_TEST_CASE(calls_an_export_with_json_arguments) {
  Runtime r;
  auto c = r.call("add", "[2, 40]");
  BOOST_TEST(c.status == KILN_OK);
  BOOST_TEST(c.json == "42");
  c = r.call("echo", R"([{"a": [1, "two", null, true], "b": "\u00e9\n"}])");
  BOOST_TEST(c.status == KILN_OK);
  BOOST_TEST(c.json == R"({"a":[1,"two",null,true],"b":"é\n"})");
  c = r.call("price", R"(["sku-7"])");
  BOOST_TEST(c.json == "21");
  // No arguments at all, and a result JSON cannot represent.
  kiln_result res = kiln_execute(r.rt, "nothing", nullptr, 0);
  BOOST_TEST(res.status == KILN_OK);
  BOOST_TEST(std::string(res.json) == "null");
  kiln_result_free(&res);
  kiln_result_free(&res);  // twice is harmless
}

BOOST_AUTO_TEST_CASE(reset_isolates_requests) {
  Runtime r;
  BOOST_TEST(r.call("bump").json == "1");
  BOOST_TEST(r.call("bump").json == "2");  // no reset: the state carries over
  auto seen = r.call("peek");
  BOOST_TEST(contains(seen.json, "\"calls\":2"));
  BOOST_TEST(contains(seen.json, "\"global\":2"));
  BOOST_TEST(contains(seen.json, "\"sku0\":1000"));
  for (int i = 0; i < 50; i++) {
    BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
    auto c = r.call("peek");
    // Module state, globals, the table: as the image has them; the timers,
    // the interval and the pending promise of the last request are gone.
    BOOST_TEST(c.json == R"({"calls":0,"leaked":null,"global":null,"sku0":0})");
    BOOST_TEST(r.call("bump").json == "1");
  }
  // An async call runs the event loop: the leftover timers of this request
  // fire during it (they belong to it), and are gone after the reset.
  BOOST_TEST(r.call("addLater", "[1, 2]").json == "3");
  BOOST_TEST(contains(r.call("peek").json, "fired"));
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  BOOST_TEST(r.call("addLater", "[1, 2]").json == "3");
  BOOST_TEST(r.call("peek").json == R"({"calls":0,"leaked":null,"global":null,"sku0":0})");
}

BOOST_AUTO_TEST_CASE(async_exports) {
  Runtime r;
  auto c = r.call("addLater", "[20, 22]");
  BOOST_TEST(c.status == KILN_OK);
  BOOST_TEST(c.json == "42");
  c = r.call("failLater");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, R"("name":"RangeError")"));
  BOOST_TEST(contains(c.json, R"("message":"too late")"));
  c = r.call("thenable");
  BOOST_TEST(c.status == KILN_OK);
  BOOST_TEST(c.json == R"("from a thenable")");
  c = r.call("never");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, "never settled"));
}

BOOST_AUTO_TEST_CASE(exceptions_have_name_message_and_typescript_stack) {
  Runtime r;
  auto c = r.call("fail", "[-3]");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, R"("name":"TypeError")"));
  BOOST_TEST(contains(c.json, R"("message":"quantity must not be negative, got -3")"));
  // The throw is on line 88 of handlers.ts, in validate, called by fail (line 92).
  BOOST_TEST(contains(c.json, "at validate ("), c.json);
  BOOST_TEST(contains(c.json, "handlers.ts:88:"), c.json);
  BOOST_TEST(contains(c.json, "at fail ("), c.json);
  BOOST_TEST(contains(c.json, "handlers.ts:92:"), c.json);
  c = r.call("throwString");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(c.json == R"({"name":"","message":"just a string","stack":""})");
  c = r.call("cyclic");  // JSON.stringify throws
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, R"("name":"TypeError")"));
  // The runtime goes on after exceptions, without a reset.
  BOOST_TEST(r.call("add", "[1, 1]").json == "2");
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  Runtime r;
  auto c = r.call("add", "[1, 2");
  BOOST_TEST(c.status == KILN_BAD_ARGUMENT);
  BOOST_TEST(contains(c.json, "not valid JSON"));
  c = r.call("add", R"({"a": 1})");
  BOOST_TEST(c.status == KILN_BAD_ARGUMENT);
  BOOST_TEST(contains(c.json, "must be a JSON array"));
  c = r.call("nope");
  BOOST_TEST(c.status == KILN_BAD_ARGUMENT);
  BOOST_TEST(contains(c.json, "no export named 'nope'"));
  BOOST_TEST(contains(c.json, "add"));  // the exports are listed
  c = r.call("notAFunction");
  BOOST_TEST(c.status == KILN_BAD_ARGUMENT);
  BOOST_TEST(contains(c.json, "not a function"));
  kiln_result res = kiln_execute(nullptr, "add", "[]", 0);
  BOOST_TEST(res.status == KILN_BAD_ARGUMENT);
  kiln_result_free(&res);
  res = kiln_execute(r.rt, nullptr, "[]", 0);
  BOOST_TEST(res.status == KILN_BAD_ARGUMENT);
  kiln_result_free(&res);
  BOOST_TEST(kiln_reset(nullptr) == KILN_BAD_ARGUMENT);
  BOOST_TEST(r.call("add", "[1, 2]").json == "3");
}

BOOST_AUTO_TEST_CASE(bad_images) {
  char* error = nullptr;
  kiln_config config{};
  config.image_path = "/nonexistent/image.kiln";
  BOOST_TEST(kiln_init(&config, &error) == nullptr);
  BOOST_REQUIRE(error != nullptr);
  BOOST_TEST(contains(error, "/nonexistent/image.kiln"), error);
  free(error);

  // Not an image, in memory.
  std::string junk(4096, 'x');
  config = kiln_config{};
  config.image_bytes = junk.data();
  config.image_size = junk.size();
  error = nullptr;
  BOOST_TEST(kiln_init(&config, &error) == nullptr);
  BOOST_REQUIRE(error != nullptr);
  BOOST_TEST(contains(error, "magic"), error);
  free(error);

  // A real image, truncated.
  std::ifstream in(imagePath("handlers"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  config.image_bytes = bytes.data();
  config.image_size = bytes.size() / 2;
  error = nullptr;
  BOOST_TEST(kiln_init(&config, &error) == nullptr);
  BOOST_TEST(error != nullptr);
  free(error);

  // An entry the image does not have.
  config = kiln_config{};
  std::string path = imagePath("handlers");
  config.image_path = path.c_str();
  config.entry = "nope";
  error = nullptr;
  BOOST_TEST(kiln_init(&config, &error) == nullptr);
  BOOST_REQUIRE(error != nullptr);
  BOOST_TEST(contains(error, "no entry named 'nope'"), error);
  free(error);

  // Neither or both sources; no config; no error pointer.
  config = kiln_config{};
  error = nullptr;
  BOOST_TEST(kiln_init(&config, &error) == nullptr);
  BOOST_TEST(contains(error, "exactly one"));
  free(error);
  BOOST_TEST(kiln_init(nullptr, nullptr) == nullptr);
}

BOOST_AUTO_TEST_CASE(image_in_memory) {
  std::ifstream in(imagePath("handlers"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  kiln_config config{};
  config.image_bytes = bytes.data();
  config.image_size = bytes.size();
  char* error = nullptr;
  kiln_runtime* rt = kiln_init(&config, &error);
  BOOST_REQUIRE_MESSAGE(rt, (error ? error : ""));
  bytes.assign(bytes.size(), '\0');  // kiln_init copied what it needs
  for (int i = 0; i < 20; i++) {
    BOOST_REQUIRE(kiln_reset(rt) == KILN_OK);
    kiln_result r = kiln_execute(rt, "bump", "[]", 0);
    BOOST_TEST(std::string(r.json) == "1");
    kiln_result_free(&r);
  }
  kiln_shutdown(rt);
}

// Every way kiln_reset can restore the image's pages (loader/image_pages.h),
// for a raw image mapped from its file and a compressed one (a memfd).
BOOST_AUTO_TEST_CASE(reset_modes) {
  for (const char* mode : {"dirty", "remap", "copy"}) {
    for (const char* image : {"handlers", "handlers_zstd"}) {
      BOOST_TEST_CONTEXT(mode << " " << image) {
        setenv("KILN_RESET", mode, 1);
        Runtime r(image);
        unsetenv("KILN_RESET");
        for (int i = 0; i < 20; i++) {
          BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
          BOOST_TEST(r.call("peek").json == R"({"calls":0,"leaked":null,"global":null,"sku0":0})");
          BOOST_TEST(r.call("bump").json == "1");
          BOOST_TEST(r.call("peek").json == R"({"calls":1,"leaked":null,"global":1,"sku0":1000})");
          BOOST_TEST(r.call("price", R"(["sku-99"])").json == "297");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(timeout_interrupts_runaway_code) {
  Runtime r;
  auto c = r.call("spin", "[]", 50);
  BOOST_TEST(c.status == KILN_TIMEOUT);
  BOOST_TEST(contains(c.json, "50 ms"));
  // Not usable until reset, then as new.
  BOOST_TEST(r.call("add", "[1, 2]").status == KILN_BAD_ARGUMENT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  BOOST_TEST(r.call("add", "[1, 2]").json == "3");
  BOOST_TEST(r.call("spinCatching", "[]", 50).status == KILN_TIMEOUT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  BOOST_TEST(r.call("backtrack", "[]", 50).status == KILN_TIMEOUT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  // Waiting on a timer past the deadline times out too, without sleeping.
  BOOST_TEST(r.call("sleepy", "[]", 50).status == KILN_TIMEOUT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  // A deadline that is not reached changes nothing.
  BOOST_TEST(r.call("addLater", "[2, 3]", 10000).json == "5");
}

BOOST_AUTO_TEST_CASE(stack_depth) {
  Runtime r;
  auto c = r.call("deep", "[0]");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, R"("name":"RangeError")"));
  BOOST_TEST(contains(c.json, "Maximum call stack size exceeded"));
  BOOST_TEST(r.call("add", "[1, 2]").json == "3");
}

BOOST_AUTO_TEST_CASE(heap_limit) {
  if (gcStress()) return;  // filling 32 MiB collecting at every allocation takes minutes
  Runtime r("handlers", size_t(32) << 20);
  // The program sees a RangeError first, and may recover.
  auto c = r.call("hogAndRecover");
  BOOST_TEST(c.status == KILN_OK);
  BOOST_TEST(c.json == R"("recovered from RangeError")");
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  // One that keeps allocating is stopped.
  c = r.call("hog");
  BOOST_TEST(c.status == KILN_OUT_OF_MEMORY);
  BOOST_TEST(r.call("add", "[1, 2]").status == KILN_BAD_ARGUMENT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  BOOST_TEST(r.call("add", "[1, 2]").json == "3");
  kiln_memory_stats stats{};
  BOOST_REQUIRE(kiln_memory(r.rt, &stats) == KILN_OK);
  BOOST_TEST(stats.heap_limit_bytes == size_t(32) << 20);
  BOOST_TEST(stats.image_heap_bytes > 0u);
  BOOST_TEST(stats.heap_used_bytes >= stats.image_heap_bytes);
}

// More requests than the process may have open files (256 here): each
// leaves one open.
BOOST_AUTO_TEST_CASE(reset_closes_the_files_a_request_left_open) {
  Runtime r;
  std::string args = "[\"" + imagePath("handlers") + "\"]";
  rlimit saved;
  BOOST_REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = std::min<rlim_t>(saved.rlim_cur, 256);
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  for (int i = 0; i < (gcStress() ? 20 : 600); i++) {
    BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
    auto c = r.call("leaveOpen", args.c_str());
    BOOST_REQUIRE_MESSAGE(c.status == KILN_OK, c.json);
    BOOST_TEST(c.json == "3");  // the first fd after stdin, stdout and stderr, every time
  }
  setrlimit(RLIMIT_NOFILE, &saved);
}

BOOST_AUTO_TEST_CASE(microtasks_run_before_the_call_returns) {
  Runtime r;
  BOOST_TEST(r.call("later").json == R"("returned")");
  BOOST_TEST(r.output.out == "microtask after the call\n");
  auto c = r.call("rejectsInTheBackground");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, "nobody handles this"));
}

BOOST_AUTO_TEST_CASE(output_goes_to_the_write_callback) {
  Runtime r;
  BOOST_TEST(r.call("log", R"(["hello"])").json == R"("logged")");
  BOOST_TEST(r.output.out == "hello\n");
  BOOST_TEST(r.output.err == "err: hello\n");
}

BOOST_AUTO_TEST_CASE(process_exit_ends_the_call) {
  Runtime r;
  auto c = r.call("exit", "[3]");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, "\"exitCode\":3"));
  BOOST_TEST(r.call("add", "[1, 2]").status == KILN_BAD_ARGUMENT);
  BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
  BOOST_TEST(r.call("add", "[1, 2]").json == "3");
}

BOOST_AUTO_TEST_CASE(initialization_paused_at_an_effect_finishes_at_the_first_call) {
  Runtime r("init_effect");
  for (int i = 0; i < 3; i++) {
    BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
    BOOST_TEST(r.call("ready").json == "[2,4,6]");
    BOOST_TEST(r.call("ready").json == "[2,4,6]");
  }
  // The rest of the module ran once per reset, after the image's pause.
  BOOST_TEST(r.output.out == "initializing\ninitializing\ninitializing\n");
}

BOOST_AUTO_TEST_CASE(top_level_await_settles_before_the_first_call) {
  Runtime r("tla");
  for (int i = 0; i < 3; i++) {
    BOOST_REQUIRE(kiln_reset(r.rt) == KILN_OK);
    BOOST_TEST(r.call("both").json == R"(["set before the await","set after the await"])");
  }
  Runtime n("tla_never");
  auto never = n.call("unreachable");
  BOOST_TEST(never.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(never.json, "top-level await never settled"), never.json);
  BOOST_TEST(n.call("unreachable").status == KILN_BAD_ARGUMENT);  // until reset
  Runtime f("tla_fails");
  auto c = f.call("unreachable");
  BOOST_TEST(c.status == KILN_JS_EXCEPTION);
  BOOST_TEST(contains(c.json, R"("name":"RangeError")"));
  BOOST_TEST(contains(c.json, "initialization failed"));
  BOOST_TEST(f.call("unreachable").status == KILN_BAD_ARGUMENT);  // until reset
  BOOST_REQUIRE(kiln_reset(f.rt) == KILN_OK);
  BOOST_TEST(f.call("unreachable").status == KILN_JS_EXCEPTION);
}

BOOST_AUTO_TEST_CASE(runtimes_on_threads) {
  const int kThreads = 4, kRequests = gcStress() ? 5 : 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      kiln_config config{};
      std::string path = imagePath("handlers");
      config.image_path = path.c_str();
      char* error = nullptr;
      kiln_runtime* rt = kiln_init(&config, &error);
      if (!rt) {
        failures++;
        free(error);
        return;
      }
      for (int i = 0; i < kRequests; i++) {
        kiln_reset(rt);
        kiln_result r = kiln_execute(rt, "bump", "[]", 0);
        if (r.status != KILN_OK || std::string(r.json) != "1") failures++;
        kiln_result_free(&r);
        std::string args = "[" + std::to_string(t) + ", " + std::to_string(i) + "]";
        r = kiln_execute(rt, (i % 10 == 0) ? "addLater" : "add", args.c_str(), 0);
        if (r.status != KILN_OK || std::string(r.json) != std::to_string(t + i)) failures++;
        kiln_result_free(&r);
        if (t == 0 && i % 50 == 0) {  // one thread also times out now and then
          kiln_reset(rt);
          r = kiln_execute(rt, "spin", "[]", 5);
          if (r.status != KILN_TIMEOUT) failures++;
          kiln_result_free(&r);
        }
      }
      kiln_shutdown(rt);
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(failures.load() == 0);
}
