// Unit tests of the collections (Map, Set, WeakMap, WeakSet), console and
// util.inspect formatting, process, and the node:fs / node:path host
// modules. Scripts run through evaluateScript; console output is captured
// from vm.write and compared with what Node v20 prints for the same source
// (console_cases.inc was generated with `node -e`).
#define BOOST_TEST_MODULE builtins_host
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "builtins/builtins.h"
#include "builtins/host_modules.h"
#include "builtins/inspect.h"
#include "engine/conversions.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/source.h"
#include "engine/strings.h"

using namespace kiln;

namespace {

struct Fixture {
  VM vm{nativeTable()};
  std::string out, err;
  Fixture() {
    if (const char* s = std::getenv("KILN_GC_STRESS")) vm.heap().setStressMode(s[0] == '1');
    vm.write = [this](int fd, std::string_view text) { (fd == 2 ? err : out) += text; };
    vm.argv = {"/usr/bin/kiln", "/tmp/script.js", "--flag", "value"};
    Value g = createRealm(vm);
    BOOST_REQUIRE(!g.isException());
  }
  // Runs a script; returns its completion value as text, or "<exception: ...>".
  std::string eval(const std::string& source) {
    // Each script in its own block, so that tests can reuse names.
    auto file = SourceFile::fromUtf8("test.js", "{\n" + source + "\n}");
    Value r = evaluateScript(vm, *file);
    if (r.isException()) {
      if (vm.exitRequested) return "<exit>";
      Root e(vm.heap(), vm.takeException());
      std::string text = inspect(vm, e.get());
      if (vm.hasException()) vm.takeException();
      return "<exception: " + firstLine(text) + ">";
    }
    Root rr(vm.heap(), r);
    std::string text = r.isString() ? toUtf8(vm, r) : inspect(vm, r);
    return text;
  }
  static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
};

struct ConsoleCase {
  const char* source;
  const char* stdoutText;
  const char* stderrText;
};

const ConsoleCase kConsoleCases[] = {
#include "console_cases.inc"
};

}  // namespace

// ---- Map -------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(map_basics, Fixture) {
  BOOST_TEST(eval("const m = new Map([[1, 'a'], ['1', 'b']]); [m.size, m.get(1), m.get('1'), m.has(2)].join()") ==
             "2,a,b,false");
  BOOST_TEST(eval("const m2 = new Map(); m2.set(-0, 'z'); [m2.get(0), Object.is([...m2.keys()][0], 0)].join()") ==
             "z,true");
  BOOST_TEST(eval("const m3 = new Map([[NaN, 1]]); m3.get(NaN)") == "1");
  BOOST_TEST(eval("const m4 = new Map([['a', 1]]); m4.set('a', 2).get('a')") == "2");
  BOOST_TEST(eval("const m5 = new Map([['a', 1], ['b', 2]]); [m5.delete('a'), m5.delete('a'), m5.size].join()") ==
             "true,false,1");
  BOOST_TEST(eval("Map.prototype[Symbol.iterator] === Map.prototype.entries") == "true");
  BOOST_TEST(eval("Object.prototype.toString.call(new Map())") == "[object Map]");
  BOOST_TEST(eval("Map[Symbol.species] === Map") == "true");
  BOOST_TEST(eval("[Map.length, Map.name, Map.prototype.set.length, Map.groupBy.length].join()") == "0,Map,2,2");
  BOOST_TEST(eval("typeof Object.getOwnPropertyDescriptor(Map.prototype, 'size').get") == "function");
}

BOOST_FIXTURE_TEST_CASE(map_errors, Fixture) {
  BOOST_TEST(eval("Map()") == "<exception: TypeError: Constructor Map requires 'new'>");
  BOOST_TEST(eval("new Map([1])") == "<exception: TypeError: Iterator value 1 is not an entry object>");
  BOOST_TEST(eval("Map.prototype.get.call({}, 1)") ==
             "<exception: TypeError: Method Map.prototype.get called on incompatible receiver #<Object>>");
  BOOST_TEST(eval("Map.prototype.set.call(new Set(), 1)") ==
             "<exception: TypeError: Method Map.prototype.set called on incompatible receiver #<Set>>");
  BOOST_TEST(eval("new Map().forEach(1)") == "<exception: TypeError: 1 is not a function>");
}

BOOST_FIXTURE_TEST_CASE(map_constructor_uses_set_and_closes_iterator, Fixture) {
  BOOST_TEST(eval(R"(
    const seen = [];
    class M extends Map { set(k, v) { seen.push(k); return super.set(k, v); } }
    new M([[1, 2], [3, 4]]); seen.join())") == "1,3");
  BOOST_TEST(eval(R"(
    let closed = false;
    const it = { [Symbol.iterator]() { return { next() { return { done: false, value: 5 }; },
                                                return() { closed = true; return {}; } }; } };
    try { new Map(it); } catch (e) {}
    closed)") == "true");
}

BOOST_FIXTURE_TEST_CASE(map_live_iteration, Fixture) {
  // Entries added during iteration are visited; deleted ones are not.
  BOOST_TEST(eval(R"(
    const m = new Map([[1, 1], [2, 2], [3, 3]]);
    const seen = [];
    for (const [k] of m) { seen.push(k); if (k === 1) { m.delete(2); m.set(4, 4); } }
    seen.join())") == "1,3,4");
  // Growth (rehash) while an iterator is suspended.
  BOOST_TEST(eval(R"(
    const m = new Map([[0, 0], [1, 1]]);
    const it = m.keys(); const got = [it.next().value];
    for (let i = 2; i < 100; i++) m.set(i, i);
    m.delete(1);
    let r; while (!(r = it.next()).done) got.push(r.value);
    [got.length, got[0], got[1], got[got.length - 1]].join())") == "99,0,2,99");
  // clear() during iteration ends it; later additions are seen by a live iterator.
  BOOST_TEST(eval(R"(
    const m = new Map([[1, 1], [2, 2]]);
    const it = m.values(); it.next(); m.clear(); m.set(9, 'nine');
    JSON.stringify([it.next(), it.next()]))") == "[{\"value\":\"nine\",\"done\":false},{\"done\":true}]");
  // A finished iterator stays finished.
  BOOST_TEST(eval(R"(
    const m = new Map(); const it = m.entries(); it.next(); m.set(1, 1); it.next().done)") == "true");
  BOOST_TEST(eval(R"(
    const m = new Map([['a', 1]]); const out = [];
    m.forEach(function (v, k, map) { out.push(k, v, map === m, this.t); if (k === 'a') m.set('b', 2); }, { t: 'T' });
    out.join())") == "a,1,true,T,b,2,true,T");
  BOOST_TEST(eval("Object.prototype.toString.call(new Map().entries())") == "[object Map Iterator]");
  BOOST_TEST(eval("Object.getPrototypeOf(Object.getPrototypeOf(new Map().keys())) === "
                  "Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))") == "true");
}

BOOST_FIXTURE_TEST_CASE(map_group_by, Fixture) {
  BOOST_TEST(eval(R"(
    const g = Map.groupBy([1, 2, 3, 4, 5], (x, i) => x % 2 ? 'odd' : 'even');
    JSON.stringify([...g]))") == "[[\"odd\",[1,3,5]],[\"even\",[2,4]]]");
  BOOST_TEST(eval("Map.groupBy([1], () => -0).has(0)") == "true");
}

// ---- Set -------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(set_basics, Fixture) {
  BOOST_TEST(eval("const s = new Set([1, 1, '1', NaN, NaN]); [s.size, s.has('1'), s.has(NaN)].join()") ==
             "3,true,true");
  BOOST_TEST(eval("Set.prototype.keys === Set.prototype.values && Set.prototype[Symbol.iterator] === Set.prototype.values") ==
             "true");
  BOOST_TEST(eval("JSON.stringify([...new Set(['a', 'b']).entries()])") == "[[\"a\",\"a\"],[\"b\",\"b\"]]");
  BOOST_TEST(eval("const s2 = new Set([1, 2, 3]); s2.delete(2); s2.add(4); [...s2].join()") == "1,3,4");
  BOOST_TEST(eval("const s3 = new Set([1]); s3.clear(); s3.size") == "0");
  BOOST_TEST(eval("Set()") == "<exception: TypeError: Constructor Set requires 'new'>");
  BOOST_TEST(eval(R"(
    const s = new Set([1, 2]); const out = [];
    s.forEach((v, k, set) => { out.push(v, k); if (v === 1) { s.delete(2); s.add(3); } });
    out.join())") == "1,1,3,3");
  BOOST_TEST(eval("Object.prototype.toString.call(new Set().values())") == "[object Set Iterator]");
}

// ---- WeakMap / WeakSet ---------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(weak_collections, Fixture) {
  BOOST_TEST(eval(R"(
    const k = {}, s = Symbol('x'); const wm = new WeakMap([[k, 1]]); wm.set(s, 2);
    [wm.get(k), wm.get(s), wm.has({}), wm.delete(k), wm.has(k), wm.get(1)].join())") == "1,2,false,true,false,");
  BOOST_TEST(eval("new WeakMap().set(1, 1)") == "<exception: TypeError: Invalid value used as weak map key>");
  BOOST_TEST(eval("new WeakMap().set(Symbol.for('r'), 1)") ==
             "<exception: TypeError: Invalid value used as weak map key>");
  BOOST_TEST(eval("const o = {}; const ws = new WeakSet([o]); [ws.has(o), ws.has({}), ws.delete(o), ws.has(o)].join()") ==
             "true,false,true,false");
  BOOST_TEST(eval("new WeakSet().add('x')") == "<exception: TypeError: Invalid value used in weak set>");
  BOOST_TEST(eval("Object.prototype.toString.call(new WeakMap())") == "[object WeakMap]");
}

// ---- console and util.inspect ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(console_matches_node) {
  for (const ConsoleCase& c : kConsoleCases) {
    Fixture f;
    std::string result = f.eval(c.source);
    BOOST_TEST_CONTEXT(c.source) {
      BOOST_TEST(result.rfind("<exception", 0) != 0, "threw: " << result);
      BOOST_TEST(f.out == std::string(c.stdoutText));
      BOOST_TEST(f.err == std::string(c.stderrText));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(inspect_errors, Fixture) {
  // Errors print their stack; extra own properties follow in braces.
  eval("const e = new Error('boom'); e.code = 'E_X'; console.log(e)");
  BOOST_TEST(out.rfind("Error: boom\n    at ", 0) == 0);
  BOOST_TEST(out.find(" {\n  code: 'E_X'\n}\n") != std::string::npos);
  out.clear();
  eval("class MyError extends Error {}; console.log([new MyError('m')])");
  BOOST_TEST(out.rfind("[\n  MyError: m\n      at ", 0) == 0);
  out.clear();
  eval("const e2 = new TypeError('t'); e2.stack = 'TypeError: t'; console.log(e2)");
  BOOST_TEST(out == "[TypeError: t]\n");
  out.clear();
  eval("const e3 = new Error('x', { cause: 'why' }); e3.stack = 'Error: x'; console.log(e3)");
  BOOST_TEST(out == "[Error: x] { [cause]: 'why' }\n");
}

BOOST_FIXTURE_TEST_CASE(inspect_api, Fixture) {
  Value v = Value::int32(42);
  BOOST_TEST(inspect(vm, v) == "42");
  BOOST_TEST(inspect(vm, Value::rawDouble(-0.0)) == "-0");
  Root s(vm.heap(), newString(vm, std::string_view("it's")));
  BOOST_TEST(inspect(vm, s.get()) == "\"it's\"");
  InspectOptions o;
  o.depth = 0;
  eval("globalThis.nested = { a: { b: 1 } }");
  Root n(vm.heap(), get(vm, vm.intrinsic(Intrinsic::GlobalObject), keyFor(vm, "nested")));
  BOOST_TEST(inspect(vm, n.get(), o) == "{ a: [Object] }");
  // A getter that throws is not called by default; a custom inspect that throws propagates.
  BOOST_TEST(eval("({ get x() { throw 1 } })") == "{ x: [Getter] }");
  BOOST_TEST(eval("console.log({ [Symbol.for('nodejs.util.inspect.custom')]() { throw new Error('custom') } })") ==
             "<exception: Error: custom>");
  BOOST_TEST(eval("console.log({ [Symbol.for('nodejs.util.inspect.custom')](d, opts) { return 'C' + d + opts.depth } }, 1)") ==
             "undefined");
  BOOST_TEST(out == "C22 1\n");
  // Runaway custom inspect results are cut off, not a C++ stack overflow.
  BOOST_TEST(eval("const mk = () => ({ [Symbol.for('nodejs.util.inspect.custom')]() { return mk() } }); console.log(mk())") ==
             "<exception: RangeError: Maximum call stack size exceeded>");
}

BOOST_FIXTURE_TEST_CASE(inspect_deep_and_wide, Fixture) {
  // Deep nesting is cut at depth 2; a long chain of objects is not a recursion problem.
  eval("let d = {}; for (let i = 0; i < 100000; i++) d = { d }; console.log(d)");
  BOOST_TEST(out == "{ d: { d: { d: [Object] } } }\n");
  out.clear();
  eval("const a = []; a[1e6] = 1; console.log(a)");
  BOOST_TEST(out == "[ <1000000 empty items>, 1 ]\n");
}

BOOST_FIXTURE_TEST_CASE(console_misc, Fixture) {
  eval("console.group('G'); console.log('a\\nb'); console.group(); console.error('x'); console.groupEnd(); "
       "console.groupEnd(); console.log('c')");
  BOOST_TEST(out == "G\n  a\n  b\nc\n");
  BOOST_TEST(err == "    x\n");
  out.clear();
  err.clear();
  eval("console.count(); console.count(); console.count('x'); console.countReset(); console.count()");
  BOOST_TEST(out == "default: 1\ndefault: 2\nx: 1\ndefault: 1\n");
  eval("console.assert(true, 'no'); console.assert(false, 'yes %d', 5); console.assert(0)");
  BOOST_TEST(err == "Assertion failed: yes 5\nAssertion failed\n");
  out.clear();
  eval("console.dir({ a: { b: { c: { d: 1 } } } }, { depth: 0 })");
  BOOST_TEST(out == "{ a: [Object] }\n");
  BOOST_TEST(eval("Object.keys(console).slice(0, 4).join()") == "log,warn,dir,info");
  BOOST_TEST(eval("console.log.name + console.log.length") == "log0");
}

// ---- process ---------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(process_object, Fixture) {
  BOOST_TEST(eval("process.argv.join(' ')") == "/usr/bin/kiln /tmp/script.js --flag value");
  BOOST_TEST(eval("process.argv === process.argv && process.argv.slice(2).length") == "2");
  BOOST_TEST(eval("process.argv.push('x'); process.argv.length") == "5");
  setenv("KILN_TEST_VAR", "v1", 1);
  BOOST_TEST(eval("process.env.KILN_TEST_VAR") == "v1");
  BOOST_TEST(eval("process.env.NEW = 'n'; process.env.NEW") == "n");
  BOOST_TEST(eval("process.platform") == "linux");
  char buf[4096];
  BOOST_TEST(eval("process.cwd()") == std::string(getcwd(buf, sizeof buf)));
  BOOST_TEST(eval("const t = process.hrtime(); t.length === 2 && typeof t[0] === 'number'") == "true");
  BOOST_TEST(eval("typeof process.hrtime.bigint()") == "bigint");
  BOOST_TEST(eval("const h = process.hrtime(); const d = process.hrtime(h); d[0] === 0 && d[1] >= 0") == "true");
  BOOST_TEST(eval("process.uptime() >= 0") == "true");
  BOOST_TEST(eval("typeof process.versions.kiln") == "string");
  BOOST_TEST(eval("process.stdout.write('out'); process.stderr.write('err')") == "true");
  BOOST_TEST(out == "out");
  BOOST_TEST(err == "err");
  BOOST_TEST(eval("Object.prototype.toString.call(process)") == "[object process]");
}

BOOST_FIXTURE_TEST_CASE(process_exit, Fixture) {
  BOOST_TEST(eval("try { process.exit(3) } finally { console.log('not run') }") == "<exit>");
  BOOST_TEST(vm.exitRequested);
  BOOST_TEST(vm.exitCode == 3);
}

BOOST_FIXTURE_TEST_CASE(process_exit_code, Fixture) {
  BOOST_TEST(processExitCode(vm) == 0);
  eval("process.exitCode = 7");
  BOOST_TEST(processExitCode(vm) == 7);
}

// ---- host modules ---------------------------------------------------------------------

struct HostFixture : Fixture {
  std::string dir;
  HostFixture() {
    char tmpl[] = "/tmp/kiln_host_test_XXXXXX";
    dir = mkdtemp(tmpl);
    Root fs(vm.heap(), hostModule(vm, "node:fs"));
    Root path(vm.heap(), hostModule(vm, "path"));
    Value g = vm.intrinsic(Intrinsic::GlobalObject);
    defineValue(vm, g, keyFor(vm, "fs"), fs.get());
    defineValue(vm, g, keyFor(vm, "path"), path.get());
    Root d(vm.heap(), newStringUtf8(vm, dir));
    defineValue(vm, g, keyFor(vm, "dir"), d.get());
  }
  ~HostFixture() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

BOOST_FIXTURE_TEST_CASE(host_module_lookup, HostFixture) {
  BOOST_TEST((hostModule(vm, "node:fs") == hostModule(vm, "fs")));
  BOOST_TEST((hostModule(vm, "node:process") == hostSlot(vm, HostSlot::Process)));
  BOOST_TEST(hostModule(vm, "node:nope").isUndefined());
  BOOST_TEST(hostModule(vm, "util").isObject());
}

BOOST_FIXTURE_TEST_CASE(fs_read_write, HostFixture) {
  BOOST_TEST(eval("const f = dir + '/a.txt'; fs.writeFileSync(f, 'héllo\\n'); fs.appendFileSync(f, 'more');"
                  "fs.readFileSync(f, 'utf8')") == "héllo\nmore");
  BOOST_TEST(eval("fs.readFileSync(dir + '/a.txt', { encoding: 'utf-8' }).length") == "10");
  BOOST_TEST(eval("fs.existsSync(dir + '/a.txt') + ',' + fs.existsSync(dir + '/b') + ',' + fs.existsSync()") ==
             "true,false,false");
  BOOST_TEST(eval("fs.readFileSync(dir + '/a.txt', 'hex').slice(0, 6)") == "68c3a9");
  BOOST_TEST(eval("fs.readFileSync(dir + '/a.txt', 'base64')") == "aMOpbGxvCm1vcmU=");
  BOOST_TEST(eval("const st = fs.statSync(dir + '/a.txt'); [st.size, st.isFile(), st.isDirectory(), "
                  "typeof st.mtimeMs, st.constructor.name].join()") == "11,true,false,number,Stats");
  BOOST_TEST(eval("fs.statSync(dir + '/nope', { throwIfNoEntry: false })") == "undefined");
}

BOOST_FIXTURE_TEST_CASE(fs_errors, HostFixture) {
  BOOST_TEST(eval("try { fs.readFileSync('nope.txt') } catch (e) { [e.message, e.errno, e.code, e.syscall, e.path].join('|') }") ==
             "ENOENT: no such file or directory, open 'nope.txt'|-2|ENOENT|open|nope.txt");
  BOOST_TEST(eval("try { fs.readdirSync(dir + '/none') } catch (e) { e.code + ' ' + e.syscall }") == "ENOENT scandir");
  BOOST_TEST(eval("try { fs.mkdirSync(dir) } catch (e) { e.code }") == "EEXIST");
  BOOST_TEST(eval("try { fs.readFileSync(undefined) } catch (e) { e.code + ': ' + e.message }") ==
             "ERR_INVALID_ARG_TYPE: The \"path\" argument must be of type string or an instance of Buffer or URL. "
             "Received undefined");
  BOOST_TEST(eval("try { fs.writeFileSync(dir + '/x', 123) } catch (e) { e.message }") ==
             "The \"data\" argument must be of type string or an instance of Buffer, TypedArray, or DataView. "
             "Received type number (123)");
  BOOST_TEST(eval("try { fs.rmSync(dir) } catch (e) { e.code }") == "ERR_FS_EISDIR");
  BOOST_TEST(eval("try { fs.rmSync(dir + '/none') } catch (e) { e.syscall }") == "lstat");
  BOOST_TEST(eval("fs.rmSync(dir + '/none', { force: true })") == "undefined");
}

BOOST_FIXTURE_TEST_CASE(fs_directories, HostFixture) {
  BOOST_TEST(eval("fs.mkdirSync(dir + '/p/q/r', { recursive: true }) === dir + '/p'") == "true");
  BOOST_TEST(eval("fs.mkdirSync(dir + '/p/q', { recursive: true })") == "undefined");
  BOOST_TEST(eval("fs.writeFileSync(dir + '/p/b.txt', ''); fs.writeFileSync(dir + '/p/a.txt', '');"
                  "fs.readdirSync(dir + '/p').join()") == "a.txt,b.txt,q");
  BOOST_TEST(eval("fs.readdirSync(dir + '/p', { withFileTypes: true }).map(d => d.name + (d.isDirectory() ? '/' : ''))"
                  ".join()") == "a.txt,b.txt,q/");
  BOOST_TEST(eval("fs.unlinkSync(dir + '/p/a.txt'); fs.existsSync(dir + '/p/a.txt')") == "false");
  BOOST_TEST(eval("fs.rmSync(dir + '/p', { recursive: true }); fs.existsSync(dir + '/p')") == "false");
}

BOOST_FIXTURE_TEST_CASE(path_functions, HostFixture) {
  BOOST_TEST(eval("path.join('/a/b', '../c', './d', '')") == "/a/c/d");
  BOOST_TEST(eval("path.join()") == ".");
  BOOST_TEST(eval("path.join('a', '..', '..')") == "..");
  BOOST_TEST(eval("path.normalize('/a//b/../c/.')") == "/a/c");
  BOOST_TEST(eval("path.normalize('a/b/')") == "a/b/");
  BOOST_TEST(eval("path.normalize('')") == ".");
  BOOST_TEST(eval("path.resolve('/x', 'y', '../z')") == "/x/z");
  char buf[4096];
  std::string cwd = getcwd(buf, sizeof buf);
  BOOST_TEST(eval("path.resolve('rel')") == cwd + "/rel");
  BOOST_TEST(eval("path.resolve()") == cwd);
  BOOST_TEST(eval("path.relative('/data/a/b', '/data/c')") == "../../c");
  BOOST_TEST(eval("path.relative('/a', '/a/b/c')") == "b/c");
  BOOST_TEST(eval("path.relative('/a/b', '/a/b')") == "");
  BOOST_TEST(eval("path.dirname('/a/b/c.txt') + ' ' + path.dirname('a') + ' ' + path.dirname('/a') + ' ' + path.dirname('//a')") ==
             "/a/b . / //");
  BOOST_TEST(eval("path.basename('/a/b/c.txt') + ' ' + path.basename('/a/b/c.txt', '.txt') + ' ' + path.basename('/a/b/')") ==
             "c.txt c b");
  BOOST_TEST(eval("[path.extname('a.b.c'), path.extname('.bashrc'), path.extname('a.'), path.extname('a')].join('|')") ==
             ".c||.|");
  BOOST_TEST(eval("JSON.stringify(path.parse('/home/u/file.tar.gz'))") ==
             "{\"root\":\"/\",\"dir\":\"/home/u\",\"base\":\"file.tar.gz\",\"ext\":\".gz\",\"name\":\"file.tar\"}");
  BOOST_TEST(eval("path.format({ dir: '/x', name: 'f', ext: 'js' }) + ' ' + path.format({ root: '/', base: 'b' })") ==
             "/x/f.js /b");
  BOOST_TEST(eval("path.isAbsolute('/a') + ',' + path.isAbsolute('a') + ',' + (path.posix === path) + path.sep + path.delimiter") ==
             "true,false,true/:");
  BOOST_TEST(eval("try { path.join('a', 1) } catch (e) { e.code + ': ' + e.message }") ==
             "ERR_INVALID_ARG_TYPE: The \"path\" argument must be of type string. Received type number (1)");
}
