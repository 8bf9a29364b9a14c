// Unit tests of promises, the job queue and the event loop: the resolution
// machinery through the C++ API (PromiseHooks, resolvePromise, drainJobs),
// and small programs run as the host runs them (script, then
// runEventLoop, then the unhandled rejections), whose output must be node's.
#define BOOST_TEST_MODULE builtins_promise
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "builtins/builtins.h"
#include "builtins/inspect.h"
#include "builtins/promise.h"
#include "builtins/timers.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/promise_hooks.h"
#include "engine/strings.h"

using namespace kiln;

namespace kiln {
inline std::ostream& operator<<(std::ostream& os, Value v) { return os << "Value(0x" << std::hex << v.bits() << std::dec << ")"; }
inline std::ostream& operator<<(std::ostream& os, Status s) { return os << "Status(" << int(s) << ")"; }
inline std::ostream& operator<<(std::ostream& os, CellKind k) { return os << cellKindName(k); }
}  // namespace kiln

namespace {

struct Fixture {
  VM vm{nativeTable()};
  std::string out;
  Fixture() {
    if (const char* s = std::getenv("KILN_GC_STRESS")) vm.heap().setStressMode(s[0] == '1');
    vm.write = [this](int fd, std::string_view text) {
      if (fd == 2) out += "[stderr] ";
      out.append(text);
    };
    Value g = createRealm(vm);
    BOOST_REQUIRE(!g.isException());
    BOOST_REQUIRE(vm.promises != nullptr);
  }

  // Runs `source` as node runs a main script: the script, then the event
  // loop; an uncaught error or an unhandled rejection ends it, reported as
  // "uncaught: <inspect>" / "unhandled: <inspect>".
  std::string run(std::string_view source) {
    out.clear();
    auto file = SourceFile::fromUtf8("test.js", source);
    Value r = evaluateScript(vm, *file);
    if (!r.isException()) r = runEventLoop(vm);
    if (r.isException()) {
      Root e(vm.heap(), vm.takeException());
      out += "uncaught: " + inspect(vm, e.get()) + "\n";
      return out;
    }
    Value reasons = vm.promises->takeUnhandledRejections(vm);
    if (reasons.isCell()) {
      Root rs(vm.heap(), reasons);
      auto* a = vm.cell<ValueArrayCell>(rs.get());
      for (uint32_t i = 0; i < a->length; i++)
        out += "unhandled: " + inspect(vm, vm.cell<ValueArrayCell>(rs.get())->data()[i]) + "\n";
    }
    return out;
  }

  int32_t state(Value p) { return vm.cell<InternalObjectCell>(p)->internal[kPromiseState].asInt(); }
  Value result(Value p) { return vm.cell<InternalObjectCell>(p)->internal[kPromiseResult]; }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(machinery, Fixture)

BOOST_AUTO_TEST_CASE(hooks_settle_promises) {
  Root p(vm.heap(), vm.promises->newPromise(vm));
  BOOST_REQUIRE(isPromise(vm, p.get()));
  BOOST_TEST(state(p.get()) == kPromisePending);
  BOOST_TEST(vm.promises->resolve(vm, p.get(), Value::int32(42)) == Status::True);
  BOOST_TEST(state(p.get()) == kPromiseFulfilled);
  BOOST_TEST(result(p.get()) == Value::int32(42));
  // Settled promises ignore later resolutions.
  BOOST_TEST(vm.promises->reject(vm, p.get(), Value::int32(1)) == Status::True);
  BOOST_TEST(state(p.get()) == kPromiseFulfilled);
  BOOST_TEST(vm.promises->takeUnhandledRejections(vm).isUndefined());
}

BOOST_AUTO_TEST_CASE(self_resolution_rejects_with_type_error) {
  Root p(vm.heap(), vm.promises->newPromise(vm));
  BOOST_TEST(vm.promises->resolve(vm, p.get(), p.get()) == Status::True);
  BOOST_TEST(state(p.get()) == kPromiseRejected);
  BOOST_TEST(kindOf(vm, result(p.get())) == CellKind::Error);
  Value reasons = vm.promises->takeUnhandledRejections(vm);
  BOOST_REQUIRE(reasons.isCell());
  BOOST_TEST(vm.cell<ValueArrayCell>(reasons)->length == 1u);
}

BOOST_AUTO_TEST_CASE(thenable_is_followed_through_a_job) {
  // Resolving with a promise does not settle synchronously: a
  // PromiseResolveThenableJob calls its then, whose reaction settles later.
  Root inner(vm.heap(), vm.promises->newPromise(vm));
  Root outer(vm.heap(), vm.promises->newPromise(vm));
  BOOST_TEST(vm.promises->resolve(vm, outer.get(), inner.get()) == Status::True);
  BOOST_TEST(state(outer.get()) == kPromisePending);
  BOOST_TEST(vm.promises->runJobs(vm).isUndefined());  // runs inner.then(resolve, reject)
  BOOST_TEST(state(outer.get()) == kPromisePending);  // inner is still pending
  BOOST_TEST(vm.promises->resolve(vm, inner.get(), Value::int32(7)) == Status::True);
  BOOST_TEST(state(outer.get()) == kPromisePending);  // the reaction is a job
  BOOST_TEST(vm.promises->runJobs(vm).isUndefined());
  BOOST_TEST(state(outer.get()) == kPromiseFulfilled);
  BOOST_TEST(result(outer.get()) == Value::int32(7));
}

BOOST_AUTO_TEST_CASE(rejection_tracking_forgets_handled_promises) {
  Root a(vm.heap(), vm.promises->newPromise(vm));
  Root b(vm.heap(), vm.promises->newPromise(vm));
  BOOST_TEST(vm.promises->reject(vm, a.get(), Value::int32(1)) == Status::True);
  BOOST_TEST(vm.promises->reject(vm, b.get(), Value::int32(2)) == Status::True);
  BOOST_TEST(hasUnhandledRejections(vm));
  // A handler added later (before the host looks) removes it from the list.
  BOOST_TEST(promiseThenNoCapability(vm, a.get(), Value::undefined(), Value::undefined()) == Status::True);
  Value reasons = vm.promises->takeUnhandledRejections(vm);
  BOOST_REQUIRE(reasons.isCell());
  BOOST_TEST(vm.cell<ValueArrayCell>(reasons)->length == 1u);
  BOOST_TEST(vm.cell<ValueArrayCell>(reasons)->data()[0] == Value::int32(2));
  BOOST_TEST(!hasUnhandledRejections(vm));
  BOOST_TEST(vm.promises->takeUnhandledRejections(vm).isUndefined());
}

BOOST_AUTO_TEST_CASE(queue_grows_and_keeps_fifo_order) {
  // Far more jobs than the queue's initial capacity, enqueued while draining.
  std::string r = run(R"(
    const seen = [];
    let n = 0;
    function step(i) { seen.push(i); if (++n < 1000) queueMicrotask(() => step(n)); }
    for (let i = 0; i < 300; i++) Promise.resolve(i).then(v => { seen.push('p' + v); });
    queueMicrotask(() => step(0));
    Promise.resolve().then(() => {}).then(() => { seen.push('late'); });
    setTimeout(() => console.log(seen.length, seen[0], seen[299], seen[300], seen[301], seen[302], seen[seen.length - 1]));
  )");
  BOOST_TEST(r == "1301 p0 p299 0 1 late 999\n");
}

BOOST_AUTO_TEST_CASE(reaction_order) {
  std::string r = run(R"(
    const log = [];
    const p = Promise.resolve(1);
    p.then(() => log.push('a'));
    queueMicrotask(() => log.push('q'));
    p.then(() => log.push('b')).then(() => log.push('b2'));
    new Promise(r => r(p)).then(() => log.push('adopted'));
    p.then(() => log.push('c')).then(() => log.push('c2')).then(() => log.push('c3'));
    setTimeout(() => console.log(log.join(' ')));
  )");
  // node: the adoption takes two jobs (thenable job, then the reaction).
  BOOST_TEST(r == "a q b c b2 c2 adopted c3\n");
}

BOOST_AUTO_TEST_CASE(unhandled_rejection_stops_the_loop) {
  std::string r = run(R"(
    Promise.reject(new RangeError('nobody listens'));
    setTimeout(() => console.log('never runs'), 1);
    Promise.reject(1).catch(() => console.log('handled in time'));
  )");
  BOOST_TEST(r.find("handled in time") != std::string::npos);
  BOOST_TEST(r.find("never runs") == std::string::npos);
  BOOST_TEST(r.find("unhandled: RangeError: nobody listens") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(late_handler_in_same_drain_is_fine) {
  std::string r = run(R"(
    const p = Promise.reject(2);
    queueMicrotask(() => p.catch(v => console.log('caught', v)));
  )");
  BOOST_TEST(r == "caught 2\n");
}

BOOST_AUTO_TEST_CASE(throwing_callbacks_are_uncaught_errors) {
  // Each program in a fresh VM: an uncaught error ends a process.
  BOOST_TEST(Fixture().run("setTimeout(() => { throw new TypeError('in timer'); });\nsetTimeout(() => console.log('not reached'), 5);")
                 .find("uncaught: TypeError: in timer") == 0);
  BOOST_TEST(Fixture().run("queueMicrotask(() => { throw 5; });\nqueueMicrotask(() => console.log('not reached'));") ==
             "uncaught: 5\n");
  // A throwing then callback only rejects the derived promise.
  BOOST_TEST(Fixture().run("Promise.resolve().then(() => { throw 1; }).catch(e => console.log('rejected', e));") ==
             "rejected 1\n");
}

BOOST_AUTO_TEST_CASE(process_exit_stops_the_loop) {
  auto file = SourceFile::fromUtf8("t.js", R"(
    setTimeout(() => { console.log('exiting'); process.exit(3); console.log('not after exit'); }, 1);
    setTimeout(() => console.log('not reached'), 2);
    Promise.resolve().then(() => console.log('microtask'));
  )");
  BOOST_REQUIRE(!evaluateScript(vm, *file).isException());
  out.clear();
  BOOST_TEST(runEventLoop(vm).isException());
  BOOST_TEST(vm.exitRequested);
  BOOST_TEST(vm.exitCode == 3);
  BOOST_TEST(out == "microtask\nexiting\n");
}

BOOST_AUTO_TEST_CASE(run_jobs_reports_and_continues) {
  Root cb(vm.heap());
  auto file = SourceFile::fromUtf8("t.js", "queueMicrotask(() => { throw new Error('x') }); queueMicrotask(() => console.log('after'));");
  BOOST_REQUIRE(!evaluateScript(vm, *file).isException());
  out.clear();
  BOOST_TEST(vm.promises->runJobs(vm).isUndefined());
  BOOST_TEST(out.find("[stderr] Uncaught") == 0);
  BOOST_TEST(out.find("after\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(capabilities_of_other_constructors) {
  std::string r = run(R"(
    let calls = 0;
    function NotAPromise(executor) { calls++; executor(v => console.log('resolve', v), e => console.log('reject', e)); }
    NotAPromise.resolve = v => ({ then(f, r) { f(v * 10); } });
    Promise.all.call(NotAPromise, [1, 2]).constructor === NotAPromise;
    Promise.race.call(NotAPromise, [3]);
    Promise.resolve.call(NotAPromise, 4);
    Promise.reject.call(NotAPromise, 5);
    try { Promise.resolve.call(function (ex) { ex(1, 2); ex(3, 4); }); } catch (e) { console.log(e.message); }
    try { Promise.resolve.call(function (ex) {}); } catch (e) { console.log(e.message); }
    console.log('calls', calls);
  )");
  BOOST_TEST(r ==
             "resolve [ 10, 20 ]\nresolve 30\nresolve 4\nreject 5\n"
             "Promise executor has already been invoked with non-undefined arguments\n"
             "Promise resolve or reject function is not callable\n"
             "calls 4\n");
}

BOOST_AUTO_TEST_CASE(gc_keeps_pending_state_alive) {
  // Everything pending lives in the heap: collect between scheduling and running.
  auto file = SourceFile::fromUtf8("t.js", R"(
    let r;
    const p = new Promise(res => { r = res; });
    p.then(v => console.log('then', v));
    setTimeout((a) => { console.log('timer', a); r({ x: [1, 2] }); }, 1, 'arg');
    setImmediate(() => console.log('immediate'));
  )");
  BOOST_REQUIRE(!evaluateScript(vm, *file).isException());
  vm.heap().collect();
  BOOST_TEST(vm.heap().verify() == "");
  out.clear();
  BOOST_TEST(runEventLoop(vm).isUndefined());
  BOOST_TEST((out == "immediate\ntimer arg\nthen { x: [ 1, 2 ] }\n" || out == "timer arg\nthen { x: [ 1, 2 ] }\nimmediate\n"));
  BOOST_TEST(vm.heap().verify() == "");
}

BOOST_AUTO_TEST_SUITE_END()

// The script tests of tests/scripts/async, run as the host will run them
// (until the CLI runs the event loop, this is how they are checked).
// KILN_ASYNC_TEST=substring picks scripts; KILN_ASYNC_DIR=folder runs another folder.
BOOST_AUTO_TEST_CASE(script_tests) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(__FILE__).parent_path().parent_path().parent_path() / "scripts" / "async";
  if (const char* d = std::getenv("KILN_ASYNC_DIR")) dir = d;  // run another folder's scripts the same way
  BOOST_REQUIRE(fs::is_directory(dir));
  const char* only = std::getenv("KILN_ASYNC_TEST");
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 8 || name.substr(name.size() - 8) != ".test.js") continue;
    if (only && name.find(only) == std::string::npos) continue;
    std::string base = name.substr(0, name.size() - 8);
    std::ifstream src(entry.path()), expected(dir / (base + ".stdout"));
    std::stringstream s, e;
    s << src.rdbuf();
    e << expected.rdbuf();
    Fixture f;
    std::string got = f.run(s.str());
    BOOST_TEST_CONTEXT("script " << name) { BOOST_TEST(got == e.str()); }
  }
}
