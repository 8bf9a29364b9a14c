#include "engine/module.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "engine/bytecode.h"
#include "engine/compiler.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/function.h"
#include "engine/hash_table.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/promise_hooks.h"
#include "engine/runtime.h"
#include "engine/strings.h"

namespace kiln {

// Descriptor layout (a ValueArray):
//   [0] requests:        ValueArray of specifier strings
//   [1] imports:         ValueArray, 3 per entry: request index, import name ("*" namespace), local name
//   [2] localExports:    ValueArray, 2 per entry: export name, env slot
//   [3] indirectExports: ValueArray, 3 per entry: export name, request index, import name ("*": namespace)
//   [4] starExports:     ValueArray of request indices
//   [5] functions:       ValueArray, 2 per entry: env slot, child index
//   [6] scope:           the module Environment's Scope constant
namespace {

// kErrored is the spec's ~evaluated~ with an [[EvaluationError]] (the
// module's `error`); kEvaluated is ~evaluated~ without one.
enum ModuleStatus : int32_t { kUnlinked, kLinking, kLinked, kEvaluating, kEvaluated, kErrored, kEvaluatingAsync };

ValueArrayCell* arr(VM& vm, Value v) { return vm.cell<ValueArrayCell>(v); }
ModuleCell* mod(VM& vm, Value v) { return vm.cell<ModuleCell>(v); }
Value descField(VM& vm, Value module, int i) { return arr(vm, mod(vm, module)->descriptor)->data()[i]; }

Value makeList(VM& vm, uint32_t n) {
  Ref r = newValueArray(vm, n, n);
  return r ? Value::cell(r) : Value::exception();
}

Value newModuleCell(VM& vm, Value path) {
  Root p(vm.heap(), path);
  Ref r = vm.allocate(CellKind::Module, sizeof(ModuleCell));
  if (!r) return Value::exception();
  ModuleCell* m = vm.cell<ModuleCell>(r);
  Value* fields = &m->path;
  for (size_t i = 0; i < (sizeof(ModuleCell) - sizeof(CellHeader)) / sizeof(Value); i++) fields[i] = Value::undefined();
  m->path = p.get();
  m->status = Value::int32(kUnlinked);
  return Value::cell(r);
}

Value descriptorFrom(VM& vm, const ModuleDescriptor& d, Value scopeConst) {
  Root sc(vm.heap(), scopeConst);
  Root desc(vm.heap(), KILN_TRY(makeList(vm, 7)));
  auto put = [&](int i, Value v) { arr(vm, desc.get())->data()[i] = v; };
  auto str16 = [&](const std::u16string& s) { return atomFromUtf16(vm, s); };
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.requests.size()))));
    for (size_t i = 0; i < d.requests.size(); i++) arr(vm, l.get())->data()[i] = KILN_TRY(str16(d.requests[i]));
    put(0, l.get());
  }
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.imports.size() * 3))));
    for (size_t i = 0; i < d.imports.size(); i++) {
      Value a = KILN_TRY(str16(d.imports[i].importName));
      arr(vm, l.get())->data()[3 * i + 1] = a;
      Value b = KILN_TRY(str16(d.imports[i].localName));
      arr(vm, l.get())->data()[3 * i + 2] = b;
      arr(vm, l.get())->data()[3 * i] = Value::int32(int32_t(d.imports[i].request));
    }
    put(1, l.get());
  }
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.localExports.size() * 2))));
    for (size_t i = 0; i < d.localExports.size(); i++) {
      Value a = KILN_TRY(str16(d.localExports[i].exportName));
      arr(vm, l.get())->data()[2 * i] = a;
      arr(vm, l.get())->data()[2 * i + 1] = Value::int32(int32_t(d.localExports[i].slot));
    }
    put(2, l.get());
  }
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.indirectExports.size() * 3))));
    for (size_t i = 0; i < d.indirectExports.size(); i++) {
      Value a = KILN_TRY(str16(d.indirectExports[i].exportName));
      arr(vm, l.get())->data()[3 * i] = a;
      Value b = KILN_TRY(str16(d.indirectExports[i].importName));
      arr(vm, l.get())->data()[3 * i + 2] = b;
      arr(vm, l.get())->data()[3 * i + 1] = Value::int32(int32_t(d.indirectExports[i].request));
    }
    put(3, l.get());
  }
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.starExports.size()))));
    for (size_t i = 0; i < d.starExports.size(); i++) arr(vm, l.get())->data()[i] = Value::int32(int32_t(d.starExports[i]));
    put(4, l.get());
  }
  {
    Root l(vm.heap(), KILN_TRY(makeList(vm, uint32_t(d.functions.size() * 2))));
    for (size_t i = 0; i < d.functions.size(); i++) {
      arr(vm, l.get())->data()[2 * i] = Value::int32(int32_t(d.functions[i].slot));
      arr(vm, l.get())->data()[2 * i + 1] = Value::int32(int32_t(d.functions[i].childIndex));
    }
    put(5, l.get());
  }
  put(6, sc.get());
  return desc.get();
}

std::string readFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path)) {
    *ok = false;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *ok = true;
  return ss.str();
}

// Resolves a relative specifier against the importing module's path, trying
// the extensions kiln supports. Returns "" when nothing exists.
std::string resolvePath(const std::string& from, const std::string& spec) {
  namespace fs = std::filesystem;
  fs::path base = spec.size() && spec[0] == '/' ? fs::path(spec) : fs::path(from).parent_path() / spec;
  std::string b = base.lexically_normal().string();
  const char* suffixes[] = {"", ".ts", ".js", ".mjs", ".mts", ".json", "/index.ts", "/index.js", "/index.mjs"};
  for (const char* s : suffixes) {
    std::string candidate = b + s;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  // `./x.js` written for a TypeScript file `x.ts` (the TypeScript convention).
  if (b.size() > 3 && b.compare(b.size() - 3, 3, ".js") == 0) {
    std::string ts = b.substr(0, b.size() - 3) + ".ts";
    std::error_code ec;
    if (fs::is_regular_file(ts, ec)) return ts;
  }
  return {};
}

bool isRelative(const std::string& spec) {
  return spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 || spec.rfind("/", 0) == 0 || spec == "." || spec == "..";
}

std::string registryKey(const std::string& path) {
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : canon.string();
}

Ref registry(VM& vm) {
  if (!vm.roots().modules.isCell()) {
    Ref t = newHashTable(vm, 2, 16);
    if (!t) return 0;
    vm.roots().modules = Value::cell(t);
  }
  return vm.roots().modules.ref();
}

Value registryGet(VM& vm, Value key) {
  Ref t = registry(vm);
  if (!t) return Value::exception();
  uint32_t i = hashTableFind(vm, t, key);
  return i == kNotFound ? Value::undefined() : vm.cell<HashTableCell>(t)->entry(i)[1];
}

Status registryPut(VM& vm, Value key, Value module) {
  Root k(vm.heap(), key), m(vm.heap(), module);
  Ref t = registry(vm);
  if (!t) return Status::Exception;
  Value vals[1] = {m.get()};
  t = hashTableAdd(vm, t, k.get(), vals);
  if (!t) return Status::Exception;
  vm.roots().modules = Value::cell(t);
  return Status::True;
}

// A synthetic module whose exports are the own enumerable string-keyed
// properties of `exports` plus `default` (host modules, JSON modules).
Value syntheticModule(VM& vm, Value path, Value exports, bool namedExports) {
  Root p(vm.heap(), path), ex(vm.heap(), exports);
  Root m(vm.heap(), KILN_TRY(newModuleCell(vm, p.get())));
  std::vector<Value> names;
  RootRef keys(vm.heap(), 0);
  uint32_t n = 0;
  if (namedExports && ex.get().isObject()) {
    keys.set(ownPropertyKeys(vm, ex.get()));
    if (!keys.get()) return Value::exception();
    n = vm.cell<ValueArrayCell>(keys.get())->length;
  }
  // Scope: one slot per export, "default" last.
  Root scopeC(vm.heap(), KILN_TRY(makeList(vm, 1 + 2 * (n + 1))));
  Root local(vm.heap(), KILN_TRY(makeList(vm, 2 * (n + 1))));
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; i++) {
    Value k = vm.cell<ValueArrayCell>(keys.get())->data()[i];
    if (!k.isString()) continue;
    arr(vm, scopeC.get())->data()[1 + 2 * count] = k;
    arr(vm, scopeC.get())->data()[2 + 2 * count] = Value::int32(int32_t(BindingKind::Var));
    arr(vm, local.get())->data()[2 * count] = k;
    arr(vm, local.get())->data()[2 * count + 1] = Value::int32(int32_t(count));
    count++;
  }
  arr(vm, scopeC.get())->data()[1 + 2 * count] = vm.atom(Atom::default_);
  arr(vm, scopeC.get())->data()[2 + 2 * count] = Value::int32(int32_t(BindingKind::Var));
  arr(vm, local.get())->data()[2 * count] = vm.atom(Atom::default_);
  arr(vm, local.get())->data()[2 * count + 1] = Value::int32(int32_t(count));
  count++;
  arr(vm, scopeC.get())->length = 1 + 2 * count;
  arr(vm, scopeC.get())->data()[0] = Value::int32(int32_t(ScopeKind::Module));
  arr(vm, local.get())->length = 2 * count;
  Root desc(vm.heap(), KILN_TRY(makeList(vm, 7)));
  for (int i : {0, 1, 3, 4, 5}) {
    Value empty = KILN_TRY(makeList(vm, 0));
    arr(vm, desc.get())->data()[i] = empty;
  }
  arr(vm, desc.get())->data()[2] = local.get();
  arr(vm, desc.get())->data()[6] = scopeC.get();
  mod(vm, m.get())->descriptor = desc.get();
  Value empty = KILN_TRY(makeList(vm, 0));
  mod(vm, m.get())->requested = empty;
  Ref env = newEnvironment(vm, scopeC.get(), 0);
  if (!env) return Value::exception();
  vm.cell<EnvironmentCell>(env)->flags |= EnvironmentCell::kModule;
  vm.cell<EnvironmentCell>(env)->object = m.get();
  mod(vm, m.get())->env = Value::cell(env);
  for (uint32_t i = 0; i + 1 < count; i++) {
    Value k = arr(vm, scopeC.get())->data()[1 + 2 * i];
    Value v = KILN_TRY(get(vm, ex.get(), k));
    vm.cell<EnvironmentCell>(mod(vm, m.get())->env)->slots()[i] = v;
  }
  vm.cell<EnvironmentCell>(mod(vm, m.get())->env)->slots()[count - 1] = ex.get();
  Value emptyImports = KILN_TRY(makeList(vm, 0));
  mod(vm, m.get())->imports = emptyImports;
  mod(vm, m.get())->status = Value::int32(kEvaluated);
  return m.get();
}

struct Loader {
  VM& vm;
  ModuleLoadError* error;
  std::vector<std::string> displayPaths;

  Value fail(const std::string& message, bool syntax, bool inEntry, std::string code = {}, std::string detail = {}) {
    error->message = message;
    error->isSyntaxError = syntax;
    error->inEntry = inEntry;
    error->code = std::move(code);
    error->detail = detail.empty() ? message : std::move(detail);
    return Value::undefined();
  }

  // Loads one module file (not its dependencies). Returns the Module, or undefined on error.
  Value loadFile(const std::string& path, bool isEntry) {
    Value key = newStringUtf8(vm, registryKey(path));
    if (key.isException()) return key;
    Root k(vm.heap(), key);
    Value existing = KILN_TRY(registryGet(vm, key));
    if (existing.isCell()) return existing;
    bool ok;
    std::string bytes = readFile(path, &ok);
    if (!ok) return fail("Cannot find module '" + path + "'", false, isEntry, "ERR_MODULE_NOT_FOUND");
    auto source = SourceFile::fromUtf8(path, bytes);
    Root pathV(vm.heap(), KILN_TRY(newStringUtf8(vm, path)));
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
      Value json = KILN_TRY(get(vm, vm.intrinsic(Intrinsic::GlobalObject), KILN_TRY(atomFromUtf8(vm, "JSON"))));
      Root j(vm.heap(), json);
      Value parse = KILN_TRY(get(vm, json, KILN_TRY(atomFromUtf8(vm, "parse"))));
      Root pf(vm.heap(), parse);
      Value text = KILN_TRY(newStringUtf8(vm, bytes));
      Value args[1] = {text};
      Value data = KILN_TRY(call(vm, pf.get(), j.get(), args));
      Value m = KILN_TRY(syntheticModule(vm, pathV.get(), data, false));
      Root mr(vm.heap(), m);
      if (registryPut(vm, k.get(), m) == Status::Exception) return Value::exception();
      return mr.get();
    }
    ParseOptions options;
    options.isModule = true;
    options.typescript = source->isTypeScript();
    ParseError perr;
    auto program = parseProgram(*source, options, &perr);
    if (!program) return fail(formatSyntaxError(*source, perr), true, isEntry, {}, perr.message);
    std::string cerr;
    auto compiled = compileModule(*program, *source, &cerr, vm.optimizeBytecode);
    if (!compiled) return fail(path + ": " + cerr, true, isEntry, {}, cerr);
    Value record = KILN_TRY(newScriptRecord(vm, *source));
    Root info(vm.heap(), KILN_TRY(materializeFunction(vm, *compiled, record)));
    Root m(vm.heap(), KILN_TRY(newModuleCell(vm, pathV.get())));
    mod(vm, m.get())->function = info.get();
    Value scopeConst = arr(vm, Value::cell(vm.cell<FunctionInfoCell>(info.get())->constants))->data()[compiled->module->scopeConstant];
    Value desc = KILN_TRY(descriptorFrom(vm, *compiled->module, scopeConst));
    mod(vm, m.get())->descriptor = desc;
    if (registryPut(vm, k.get(), m.get()) == Status::Exception) return Value::exception();
    return m.get();
  }

  // Resolves `spec` imported from `from` to a loaded Module.
  Value resolve(const std::string& from, const std::string& spec) {
    if (!isRelative(spec)) {
      if (vm.hostModule) {
        Value exports = vm.hostModule(vm, spec);
        if (exports.isException()) return exports;
        if (!exports.isUndefined()) {
          Root ex(vm.heap(), exports);
          std::string keyText = "host:" + (spec.rfind("node:", 0) == 0 ? spec.substr(5) : spec);
          Value key = KILN_TRY(newStringUtf8(vm, keyText));
          Root k(vm.heap(), key);
          Value existing = KILN_TRY(registryGet(vm, key));
          if (existing.isCell()) return existing;
          Value pathV = KILN_TRY(newStringUtf8(vm, spec));
          Value m = KILN_TRY(syntheticModule(vm, pathV, ex.get(), true));
          Root mr(vm.heap(), m);
          if (registryPut(vm, k.get(), m) == Status::Exception) return Value::exception();
          return mr.get();
        }
      }
      if (spec.rfind("node:", 0) == 0)
        return fail("No such built-in module: " + spec, false, false, "ERR_UNKNOWN_BUILTIN_MODULE");
      return fail("Cannot find package '" + spec + "' imported from " + from, false, false, "ERR_MODULE_NOT_FOUND");
    }
    std::string path = resolvePath(from, spec);
    if (path.empty())
      return fail("Cannot find module '" + absolutePath(from, spec) + "' imported from " + from, false, false,
                  "ERR_MODULE_NOT_FOUND");
    return loadFile(path, false);
  }

  // The path node names in "Cannot find module" errors.
  static std::string absolutePath(const std::string& from, const std::string& spec) {
    namespace fs = std::filesystem;
    fs::path p = spec.size() && spec[0] == '/' ? fs::path(spec) : fs::path(from).parent_path() / spec;
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    return (ec ? p : abs).lexically_normal().string();
  }

  // Loads the whole graph breadth-first (no recursion), filling `requested`.
  Value loadGraph(const std::string& entry) {
    Value first = KILN_TRY(loadFile(entry, true));
    if (first.isUndefined()) return Value::undefined();
    return loadDependencies(first);
  }

  // Loads what `root` (a loaded module) imports, and so on, breadth-first.
  // Returns root, or undefined with *error filled.
  Value loadDependencies(Value root) {
    Root entryModule(vm.heap(), root);
    Root queue(vm.heap(), Value::cell(newValueArray(vm, 16, 0)));
    auto push = [&](Value m) -> bool {
      auto* q = arr(vm, queue.get());
      if (q->length == q->capacity) {
        Root mr(vm.heap(), m);
        Ref grown = newValueArray(vm, q->capacity * 2, q->length);
        if (!grown) return false;
        std::copy(arr(vm, queue.get())->data(), arr(vm, queue.get())->data() + q->length,
                  vm.cell<ValueArrayCell>(grown)->data());
        queue.set(Value::cell(grown));
        m = mr.get();
        q = arr(vm, queue.get());
      }
      q->data()[q->length++] = m;
      return true;
    };
    if (!push(entryModule.get())) return Value::exception();
    for (uint32_t qi = 0; qi < arr(vm, queue.get())->length; qi++) {
      Root m(vm.heap(), arr(vm, queue.get())->data()[qi]);
      if (!mod(vm, m.get())->requested.isUndefined()) continue;  // synthetic or done
      Value requests = descField(vm, m.get(), 0);
      uint32_t n = arr(vm, requests)->length;
      Root requested(vm.heap(), KILN_TRY(makeList(vm, n)));
      std::string from = toUtf8(vm, mod(vm, m.get())->path);
      for (uint32_t i = 0; i < n; i++) {
        std::string spec = toUtf8(vm, arr(vm, descField(vm, m.get(), 0))->data()[i]);
        Value dep = KILN_TRY(resolve(from, spec));
        if (dep.isUndefined()) return Value::undefined();
        arr(vm, requested.get())->data()[i] = dep;
        if (mod(vm, dep)->requested.isUndefined()) {
          if (!push(dep)) return Value::exception();
        }
      }
      mod(vm, m.get())->requested = requested.get();
    }
    return entryModule.get();
  }
};

// ---- export resolution (§16.2.1.6.3 ResolveExport) --------------------------------

struct Resolution {
  enum Kind { None, Ambiguous, Binding, Namespace } kind = None;
  Value module;  // the module owning the binding
  uint32_t slot = 0;
};

constexpr uint32_t kMaxResolveDepth = 10000;

Resolution resolveExport(VM& vm, Value module, Value name, std::vector<std::pair<Value, Value>>& resolveSet,
                         uint32_t depth) {
  Resolution r;
  if (depth > kMaxResolveDepth) return r;
  for (auto& [m, n] : resolveSet)
    if (m == module && n == name) return r;  // circular import request
  resolveSet.push_back({module, name});
  Value local = descField(vm, module, 2);
  for (uint32_t i = 0; i < arr(vm, local)->length; i += 2) {
    if (arr(vm, local)->data()[i] == name) {
      r.kind = Resolution::Binding;
      r.module = module;
      r.slot = uint32_t(arr(vm, local)->data()[i + 1].asInt());
      return r;
    }
  }
  Value indirect = descField(vm, module, 3);
  for (uint32_t i = 0; i < arr(vm, indirect)->length; i += 3) {
    if (arr(vm, indirect)->data()[i] == name) {
      Value target = arr(vm, mod(vm, module)->requested)->data()[arr(vm, indirect)->data()[i + 1].asInt()];
      Value importName = arr(vm, indirect)->data()[i + 2];
      if (importName == vm.atom(Atom::empty) || toUtf8(vm, importName) == "*") {
        r.kind = Resolution::Namespace;
        r.module = target;
        return r;
      }
      return resolveExport(vm, target, importName, resolveSet, depth + 1);
    }
  }
  if (name == vm.atom(Atom::default_)) return r;
  Resolution star;
  Value stars = descField(vm, module, 4);
  for (uint32_t i = 0; i < arr(vm, stars)->length; i++) {
    Value target = arr(vm, mod(vm, module)->requested)->data()[arr(vm, descField(vm, module, 4))->data()[i].asInt()];
    Resolution res = resolveExport(vm, target, name, resolveSet, depth + 1);
    if (res.kind == Resolution::Ambiguous) return res;
    if (res.kind == Resolution::None) continue;
    if (star.kind == Resolution::None) {
      star = res;
    } else if (star.kind != res.kind || star.module != res.module || star.slot != res.slot) {
      star.kind = Resolution::Ambiguous;
      return star;
    }
  }
  return star;
}

void exportedNames(VM& vm, Value module, std::vector<Value>& visited, std::vector<Value>& out, uint32_t depth) {
  if (depth > kMaxResolveDepth) return;
  if (std::find(visited.begin(), visited.end(), module) != visited.end()) return;
  visited.push_back(module);
  Value local = descField(vm, module, 2);
  for (uint32_t i = 0; i < arr(vm, local)->length; i += 2) out.push_back(arr(vm, local)->data()[i]);
  Value indirect = descField(vm, module, 3);
  for (uint32_t i = 0; i < arr(vm, indirect)->length; i += 3) out.push_back(arr(vm, indirect)->data()[i]);
  Value stars = descField(vm, module, 4);
  for (uint32_t i = 0; i < arr(vm, stars)->length; i++) {
    Value target = arr(vm, mod(vm, module)->requested)->data()[arr(vm, descField(vm, module, 4))->data()[i].asInt()];
    std::vector<Value> starNames;
    exportedNames(vm, target, visited, starNames, depth + 1);
    for (Value n : starNames) {
      if (n == vm.atom(Atom::default_)) continue;
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
}

Value bindingValue(VM& vm, const Resolution& r) {
  if (r.kind == Resolution::Namespace) return moduleNamespace(vm, r.module);
  Value env = mod(vm, r.module)->env;
  return vm.cell<EnvironmentCell>(env)->slots()[r.slot];
}

Value namespaceModule(VM& vm, Value ns) { return vm.cell<InternalObjectCell>(ns)->internal[0]; }
Value namespaceNames(VM& vm, Value ns) { return vm.cell<InternalObjectCell>(ns)->internal[1]; }

bool namespaceHas(VM& vm, Value ns, Value key) {
  if (!key.isString()) return false;
  Value names = namespaceNames(vm, ns);
  for (uint32_t i = 0; i < arr(vm, names)->length; i++)
    if (arr(vm, names)->data()[i] == key) return true;
  return false;
}

Value namespaceGetValue(VM& vm, Value ns, Value key) {
  std::vector<std::pair<Value, Value>> set;
  Resolution r = resolveExport(vm, namespaceModule(vm, ns), key, set, 0);
  if (r.kind != Resolution::Binding && r.kind != Resolution::Namespace)
    return vm.throwError(ErrorType::ReferenceError, "Module binding is not available");
  Value v = bindingValue(vm, r);
  if (v.isHole())
    return vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, key) + "' before initialization");
  return v;
}

// ---- namespace exotic object (§10.4.6) --------------------------------------------

Status nsGetOwnProperty(VM& vm, Value o, Value key, PropertyDescriptor* out) {
  if (key.isSymbol()) return ordinaryGetOwnProperty(vm, o, key, out);
  if (key.isNumber()) {
    Value k = keyToValue(vm, key);
    if (k.isException()) return Status::Exception;
    key = atomize(vm, k);
  }
  if (!namespaceHas(vm, o, key)) return Status::False;
  Value v = namespaceGetValue(vm, o, key);
  if (v.isException()) return Status::Exception;
  *out = PropertyDescriptor::data(v, kWritable | kEnumerable);
  return Status::True;
}

Status nsDefineOwnProperty(VM& vm, Value o, Value key, const PropertyDescriptor& desc) {
  if (key.isSymbol()) return ordinaryDefineOwnProperty(vm, o, key, desc);
  PropertyDescriptor current;
  RootedDescriptor d(vm.heap());
  *d.get() = desc;
  d.sync();
  Status s = nsGetOwnProperty(vm, o, key, &current);
  if (s != Status::True) return s;
  if (desc.hasConfigurable && desc.configurable) return Status::False;
  if (desc.hasEnumerable && !desc.enumerable) return Status::False;
  if (desc.isAccessor()) return Status::False;
  if (desc.hasWritable && !desc.writable) return Status::False;
  if (desc.hasValue) return toStatus(sameValue(vm, d->value, current.value));
  return Status::True;
}

Status nsHasProperty(VM& vm, Value o, Value key) {
  if (key.isSymbol()) return ordinaryHasProperty(vm, o, key);
  if (key.isNumber()) {
    Value k = keyToValue(vm, key);
    if (k.isException()) return Status::Exception;
    key = atomize(vm, k);
  }
  return toStatus(namespaceHas(vm, o, key));
}

Value nsGet(VM& vm, Value o, Value key, Value receiver) {
  if (key.isSymbol()) return ordinaryGet(vm, o, key, receiver);
  if (key.isNumber()) key = KILN_TRY(atomize(vm, KILN_TRY(keyToValue(vm, key))));
  if (!namespaceHas(vm, o, key)) return Value::undefined();
  return namespaceGetValue(vm, o, key);
}

Status nsSet(VM&, Value, Value, Value, Value) { return Status::False; }

Status nsDelete(VM& vm, Value o, Value key) {
  if (key.isSymbol()) return ordinaryDelete(vm, o, key);
  if (key.isNumber()) {
    Value k = keyToValue(vm, key);
    if (k.isException()) return Status::Exception;
    key = atomize(vm, k);
  }
  return toStatus(!namespaceHas(vm, o, key));
}

Ref nsOwnKeys(VM& vm, Value o) {
  Root ns(vm.heap(), o);
  RootRef symbols(vm.heap(), ordinaryOwnPropertyKeys(vm, o));
  if (!symbols.get()) return 0;
  Value names = namespaceNames(vm, ns.get());
  uint32_t n = arr(vm, names)->length, m = vm.cell<ValueArrayCell>(symbols.get())->length;
  Ref out = newValueArray(vm, n + m, n + m);
  if (!out) return 0;
  names = namespaceNames(vm, ns.get());
  Value* d = vm.cell<ValueArrayCell>(out)->data();
  for (uint32_t i = 0; i < n; i++) d[i] = arr(vm, names)->data()[i];
  for (uint32_t i = 0; i < m; i++) d[n + i] = vm.cell<ValueArrayCell>(symbols.get())->data()[i];
  return out;
}

}  // namespace

const ExoticOps kNamespaceOps = {nsGetOwnProperty, nsDefineOwnProperty, nsHasProperty, nsGet,
                                 nsSet,            nsDelete,            nsOwnKeys};

// GetModuleNamespace (§16.2.1.10)
Value moduleNamespace(VM& vm, Value module) {
  if (mod(vm, module)->namespaceObject.isObject()) return mod(vm, module)->namespaceObject;
  Root m(vm.heap(), module);
  std::vector<Value> visited, names;
  exportedNames(vm, module, visited, names, 0);
  std::vector<Value> unambiguous;
  for (Value n : names) {
    std::vector<std::pair<Value, Value>> set;
    Resolution r = resolveExport(vm, m.get(), n, set, 0);
    if (r.kind == Resolution::Binding || r.kind == Resolution::Namespace) unambiguous.push_back(n);
  }
  std::sort(unambiguous.begin(), unambiguous.end(),
            [&](Value a, Value b) { return compareStrings(str(vm, a), str(vm, b)) < 0; });
  // The names are atoms reachable from descriptors; safe across allocation.
  Root list(vm.heap(), KILN_TRY(makeList(vm, uint32_t(unambiguous.size()))));
  for (size_t i = 0; i < unambiguous.size(); i++) arr(vm, list.get())->data()[i] = unambiguous[i];
  Root ns(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Namespace, sizeof(InternalObjectCell), Value::null())));
  auto* c = vm.cell<InternalObjectCell>(ns.get());
  c->internal[0] = m.get();
  c->internal[1] = list.get();
  Value tag = KILN_TRY(atomFromUtf8(vm, "Module"));
  defineValue(vm, ns.get(), vm.wellKnown(WellKnown::toStringTag), tag, 0);
  vm.cell<ObjectCell>(ns.get())->flags &= ~ObjectCell::kExtensible;
  mod(vm, m.get())->namespaceObject = ns.get();
  return ns.get();
}

Value loadModuleGraph(VM& vm, const std::string& path, ModuleLoadError* error) {
  Loader loader{vm, error, {}};
  return loader.loadGraph(path);
}

// InitializeEnvironment for every module of the graph: environments first,
// then imports and hoisted functions (so cycles see each other's slots).
Status linkModule(VM& vm, Value entry) {
  Root root(vm.heap(), entry);
  std::vector<Value> order;  // modules are reachable from the registry: no rooting needed
  std::vector<Value> stack{entry};
  while (!stack.empty()) {
    Value m = stack.back();
    stack.pop_back();
    if (std::find(order.begin(), order.end(), m) != order.end()) continue;
    order.push_back(m);
    Value req = mod(vm, m)->requested;
    for (uint32_t i = 0; i < arr(vm, req)->length; i++) stack.push_back(arr(vm, req)->data()[i]);
  }
  for (Value m : order) {
    if (mod(vm, m)->status.asInt() != kUnlinked) continue;
    Ref env = newEnvironment(vm, descField(vm, m, 6), 0);
    if (!env) return Status::Exception;
    vm.cell<EnvironmentCell>(env)->flags |= EnvironmentCell::kModule;
    vm.cell<EnvironmentCell>(env)->object = m;
    mod(vm, m)->env = Value::cell(env);
  }
  for (Value mv : order) {
    Root m(vm.heap(), mv);
    if (mod(vm, mv)->status.asInt() != kUnlinked) continue;
    // Every re-export must resolve (InitializeEnvironment step 1).
    Value indirect = descField(vm, mv, 3);
    for (uint32_t i = 0; i < arr(vm, indirect)->length; i += 3) {
      Value exportName = arr(vm, indirect)->data()[i];
      std::vector<std::pair<Value, Value>> set;
      Resolution r = resolveExport(vm, mv, exportName, set, 0);
      if (r.kind == Resolution::Binding || r.kind == Resolution::Namespace) continue;
      int32_t request = arr(vm, indirect)->data()[i + 1].asInt();
      std::string spec = toUtf8(vm, arr(vm, descField(vm, mv, 0))->data()[request]);
      std::string name = toUtf8(vm, arr(vm, indirect)->data()[i + 2]);
      vm.throwError(ErrorType::SyntaxError,
                    "The requested module '" + spec + "' " +
                        (r.kind == Resolution::None ? "does not provide an export named '"
                                                    : "contains conflicting star exports for name '") +
                        name + "'");
      return Status::Exception;
    }
    Value imports = descField(vm, mv, 1);
    uint32_t n = arr(vm, imports)->length / 3;
    Root table(vm.heap(), Value::cell(newValueArray(vm, 2 * n, 2 * n)));
    if (!table.get().ref()) return Status::Exception;
    for (uint32_t i = 0; i < n; i++) {
      Value* e = arr(vm, descField(vm, m.get(), 1))->data() + 3 * i;
      Value target = arr(vm, mod(vm, m.get())->requested)->data()[e[0].asInt()];
      Value importName = e[1];
      if (toUtf8(vm, importName) == "*") {
        Value ns = moduleNamespace(vm, target);
        if (ns.isException()) return Status::Exception;
        arr(vm, table.get())->data()[2 * i] = ns;
        arr(vm, table.get())->data()[2 * i + 1] = Value::int32(-1);
        continue;
      }
      std::vector<std::pair<Value, Value>> set;
      Resolution r = resolveExport(vm, target, importName, set, 0);
      if (r.kind == Resolution::None || r.kind == Resolution::Ambiguous) {
        std::string spec = toUtf8(vm, arr(vm, descField(vm, m.get(), 0))->data()[e[0].asInt()]);
        vm.throwError(ErrorType::SyntaxError,
                      r.kind == Resolution::None
                          ? "The requested module '" + spec + "' does not provide an export named '" + toUtf8(vm, importName) + "'"
                          : "The requested module '" + spec + "' contains conflicting star exports for name '" + toUtf8(vm, importName) + "'");
        return Status::Exception;
      }
      if (r.kind == Resolution::Namespace) {
        Value ns = moduleNamespace(vm, r.module);
        if (ns.isException()) return Status::Exception;
        arr(vm, table.get())->data()[2 * i] = ns;
        arr(vm, table.get())->data()[2 * i + 1] = Value::int32(-1);
      } else {
        arr(vm, table.get())->data()[2 * i] = mod(vm, r.module)->env;
        arr(vm, table.get())->data()[2 * i + 1] = Value::int32(int32_t(r.slot));
      }
    }
    mod(vm, m.get())->imports = table.get();
    // Hoisted function declarations.
    Value fns = descField(vm, m.get(), 5);
    for (uint32_t i = 0; i < arr(vm, fns)->length; i += 2) {
      uint32_t slot = uint32_t(arr(vm, descField(vm, m.get(), 5))->data()[i].asInt());
      uint32_t child = uint32_t(arr(vm, descField(vm, m.get(), 5))->data()[i + 1].asInt());
      Value info = mod(vm, m.get())->function;
      Value childInfo = vm.cell<ValueArrayCell>(vm.cell<FunctionInfoCell>(info)->children)->data()[child];
      Value f = newClosure(vm, childInfo, mod(vm, m.get())->env.ref());
      if (f.isException()) return Status::Exception;
      vm.cell<EnvironmentCell>(mod(vm, m.get())->env)->slots()[slot] = f;
    }
    mod(vm, m.get())->status = Value::int32(kLinked);
  }
  return Status::True;
}

// Evaluation order: post order of a depth-first walk from the entry
// (dependencies first, each module once; a cycle is entered at the first of
// its modules met). Iterative, so deep graphs do not recurse.
Value moduleEvaluationOrder(VM& vm, Value entry) {
  Root root(vm.heap(), entry);
  struct Item { Value module; uint32_t next; };
  std::vector<Item> stack;  // modules are reachable from the registry: no rooting needed
  std::unordered_set<uint64_t> seen;
  std::vector<Value> order;
  auto enter = [&](Value m) {
    if (!seen.insert(m.bits()).second) return;
    int32_t st = mod(vm, m)->status.asInt();
    if (st == kEvaluated || st == kErrored) return;
    stack.push_back({m, 0});
  };
  enter(entry);
  while (!stack.empty()) {
    Item& top = stack.back();
    Value req = mod(vm, top.module)->requested;
    if (top.next < arr(vm, req)->length) {
      enter(arr(vm, req)->data()[top.next++]);
      continue;
    }
    order.push_back(top.module);
    stack.pop_back();
  }
  Ref list = newValueArray(vm, uint32_t(order.size()), uint32_t(order.size()));
  if (!list) return Value::exception();
  for (size_t i = 0; i < order.size(); i++) arr(vm, Value::cell(list))->data()[i] = order[i];
  return Value::cell(list);
}

// ---- evaluation (§16.2.1.5.3) ---------------------------------------------------------

namespace {

// The evaluation record (a ValueArray): one Evaluate() in progress.
enum EvalSlot : uint32_t {
  kEvModule,   // the module Evaluate() stands for (a cycle root)
  kEvPromise,  // its [[TopLevelCapability]]'s promise
  kEvStack,    // growable ValueArray: InnerModuleEvaluation's _stack_
  kEvFrames,   // growable ValueArray, 2 per level of the depth-first walk:
               // the module, and the int index of its next requested module
  kEvIndex,    // int: the walk's next [[DFSIndex]]
  kEvRunning,  // the module whose body runs, or must run next; or undefined
  kEvStarted,  // bool: that body has started
  kEvDone,     // bool: the synchronous part is over
  kEvSize
};

constexpr int32_t kAsyncOrderDone = -1;

Value* evSlots(VM& vm, Value ev) { return arr(vm, ev)->data(); }
int32_t intOf(Value v) { return v.isInt() ? v.asInt() : 0; }
int32_t statusOf(VM& vm, Value m) { return mod(vm, m)->status.asInt(); }
// Not a Cyclic Module Record: host and JSON modules, evaluated when made.
bool isSynthetic(VM& vm, Value m) { return !mod(vm, m)->function.isCell(); }
// [[HasTLA]]: the compiler made the body an async function.
bool hasTopLevelAwait(VM& vm, Value m) {
  Value f = mod(vm, m)->function;
  return f.isCell() && (vm.cell<FunctionInfoCell>(f)->flags & kAsync);
}
// [[AsyncEvaluation]] (the spec's [[AsyncEvaluationOrder]] is an integer).
bool asyncEvaluation(VM& vm, Value m) { return intOf(mod(vm, m)->asyncOrder) > 0; }
// [[CycleRoot]]; a module that failed while on the stack has none: itself.
Value cycleRootOf(VM& vm, Value m) {
  Value r = mod(vm, m)->cycleRoot;
  return r.isCell() ? r : m;
}
// [[Status]] is ~evaluating-async~ or ~evaluated~ (with or without an error).
bool evaluatedOrAsync(int32_t st) { return st == kEvaluated || st == kErrored || st == kEvaluatingAsync; }

// IncrementModuleAsyncEvaluationCount: the counter lives in the registry
// under the key 0 (every other key is a path string).
Value nextAsyncOrder(VM& vm) {
  Ref t = registry(vm);
  if (!t) return Value::exception();
  uint32_t i = hashTableFind(vm, t, Value::int32(0));
  if (i != kNotFound) {
    Value* e = vm.cell<HashTableCell>(t)->entry(i);
    e[1] = Value::int32(e[1].asInt() + 1);
    return e[1];
  }
  Value first[1] = {Value::int32(1)};
  t = hashTableAdd(vm, t, Value::int32(0), first);
  if (!t) return Value::exception();
  vm.roots().modules = Value::cell(t);
  return Value::int32(1);
}

// The spec's closures are natives of builtins/natives_modules.def, found by
// their identifier: the engine does not know the builtins' NativeId.
Value newClosureNative(VM& vm, std::string_view id, Value data0, Value data1) {
  Root d0(vm.heap(), data0), d1(vm.heap(), data1);
  const NativeTable& table = vm.natives();
  uint32_t index = UINT32_MAX;
  for (uint32_t i = 0; i < table.count && index == UINT32_MAX; i++)
    if (id == table.entries[i].id) index = i;
  if (index == UINT32_MAX)
    return vm.throwError(ErrorType::Error, fmt::format("internal: no native {} for modules", id));
  Value f = KILN_TRY(newNativeFunction(vm, index));
  auto* c = vm.cell<NativeFunctionCell>(f);
  c->data0 = d0.get();
  c->data1 = d1.get();
  return f;
}

bool havePromises(VM& vm) {
  if (vm.promises && vm.promises->then) return true;
  vm.throwError(ErrorType::SyntaxError,
                "modules with top-level await and import() need Promise, which this realm lacks");
  return false;
}

// Rejects `promise` with the pending exception, unless it is uncatchable.
Value rejectWithPending(VM& vm, Value promise) {
  if (vm.uncatchable()) return Value::exception();
  Root p(vm.heap(), promise);
  Root e(vm.heap(), vm.takeException());
  if (vm.promises->reject(vm, p.get(), e.get()) == Status::Exception) return Value::exception();
  return p.get();
}

// ExecuteModule: the body, as a top-level frame. A body with top-level
// await is an async function: this returns its promise.
Value executeModuleBody(VM& vm, Value module) {
  Value closure = KILN_TRY(newClosure(vm, mod(vm, module)->function, mod(vm, module)->env.ref()));
  return vm.interpreter().runTopLevel(closure, Value::undefined());
}

// ExecuteAsyncModule after the body started: its promise settles the module.
Status watchAsyncModule(VM& vm, Value module, Value bodyResult) {
  if (!havePromises(vm)) return Status::Exception;
  Root m(vm.heap(), module);
  Root p(vm.heap());
  if (bodyResult.isException()) {
    if (vm.uncatchable()) return Status::Exception;
    Value fresh = vm.promises->newPromise(vm);
    if (fresh.isException()) return Status::Exception;
    p.set(fresh);
    if (rejectWithPending(vm, p.get()).isException()) return Status::Exception;
  } else {
    p.set(bodyResult);
  }
  Value f = newClosureNative(vm, "ModuleAsyncFulfilled", m.get(), Value::undefined());
  if (f.isException()) return Status::Exception;
  Root onFulfilled(vm.heap(), f);
  Value r = newClosureNative(vm, "ModuleAsyncRejected", m.get(), Value::undefined());
  if (r.isException()) return Status::Exception;
  Root onRejected(vm.heap(), r);
  return vm.promises->then(vm, p.get(), onFulfilled.get(), onRejected.get());
}

// Evaluate() steps 9 (an abrupt InnerModuleEvaluation): every module still
// on the stack fails with `error`, and so does the promise.
Status failEvaluation(VM& vm, Value evaluation, Value error) {
  Root ev(vm.heap(), evaluation), e(vm.heap(), error);
  Value* sl = evSlots(vm, ev.get());
  auto* stack = arr(vm, sl[kEvStack]);
  for (uint32_t i = 0; i < stack->length; i++) {
    Value m = stack->data()[i];
    mod(vm, m)->status = Value::int32(kErrored);
    mod(vm, m)->error = e.get();
  }
  stack->length = 0;
  arr(vm, sl[kEvFrames])->length = 0;
  sl[kEvRunning] = Value::undefined();
  sl[kEvDone] = Value::boolean(true);
  if (!sl[kEvPromise].isObject()) return Status::True;
  return vm.promises->reject(vm, sl[kEvPromise], e.get());
}

// Evaluate() step 10: the walk is over without error.
Status completeEvaluation(VM& vm, Value evaluation) {
  Value* sl = evSlots(vm, evaluation);
  sl[kEvDone] = Value::boolean(true);
  if (asyncEvaluation(vm, sl[kEvModule])) return Status::True;  // settled by AsyncModuleExecutionFulfilled
  if (!sl[kEvPromise].isObject()) return Status::True;
  return vm.promises->resolve(vm, sl[kEvPromise], Value::undefined());
}

enum class Step { Entered, Skipped, Failed, Exception };

// InnerModuleEvaluation steps 1-9 up to the walk over the requested
// modules: Entered (now on the stack, its frame pushed), Skipped (nothing
// to do: index unchanged), Failed (*error: its [[EvaluationError]]).
Step enterModule(VM& vm, Value evaluation, Value module, Value* error) {
  if (isSynthetic(vm, module)) return Step::Skipped;
  int32_t st = statusOf(vm, module);
  if (st == kErrored) {
    *error = mod(vm, module)->error;
    return Step::Failed;
  }
  if (st == kEvaluated || st == kEvaluatingAsync || st == kEvaluating) return Step::Skipped;
  if (st != kLinked) {
    vm.throwError(ErrorType::Error, "internal: evaluating a module that is not linked");
    return Step::Exception;
  }
  Root ev(vm.heap(), evaluation), m(vm.heap(), module);
  int32_t index = evSlots(vm, evaluation)[kEvIndex].asInt();
  ModuleCell* c = mod(vm, module);
  c->status = Value::int32(kEvaluating);
  c->dfsIndex = c->dfsAncestor = Value::int32(index);
  c->pendingAsyncDeps = Value::int32(0);
  evSlots(vm, ev.get())[kEvIndex] = Value::int32(index + 1);
  Value stack = listAppend(vm, evSlots(vm, ev.get())[kEvStack], m.get());
  if (stack.isException()) return Step::Exception;
  evSlots(vm, ev.get())[kEvStack] = stack;
  Value frames = listAppend(vm, evSlots(vm, ev.get())[kEvFrames], m.get());
  if (frames.isException()) return Step::Exception;
  evSlots(vm, ev.get())[kEvFrames] = frames;
  frames = listAppend(vm, frames, Value::int32(0));
  if (frames.isException()) return Step::Exception;
  evSlots(vm, ev.get())[kEvFrames] = frames;
  return Step::Entered;
}

// InnerModuleEvaluation step 7's bookkeeping after `required`, a module
// `module` requests, was walked.
Step afterRequired(VM& vm, Value module, Value required, Value* error) {
  if (isSynthetic(vm, required)) return Step::Skipped;
  if (statusOf(vm, required) == kEvaluating) {
    ModuleCell* c = mod(vm, module);
    c->dfsAncestor = Value::int32(std::min(c->dfsAncestor.asInt(), mod(vm, required)->dfsAncestor.asInt()));
  } else {
    required = cycleRootOf(vm, required);
    if (statusOf(vm, required) == kErrored) {
      *error = mod(vm, required)->error;
      return Step::Failed;
    }
  }
  if (asyncEvaluation(vm, required)) {
    mod(vm, module)->pendingAsyncDeps = Value::int32(intOf(mod(vm, module)->pendingAsyncDeps) + 1);
    Value parents = listAppend(vm, mod(vm, required)->asyncParents, module);
    if (parents.isException()) return Step::Exception;
    mod(vm, required)->asyncParents = parents;
  }
  return Step::Skipped;
}

// InnerModuleEvaluation steps 10-11 for `module`, whose body ran (or
// started, or waits): the strongly connected component it roots leaves the
// stack; then its importer's step 7 bookkeeping.
Step leaveModule(VM& vm, Value evaluation, Value module, Value* error) {
  Value* sl = evSlots(vm, evaluation);
  ModuleCell* c = mod(vm, module);
  if (c->dfsAncestor.asInt() == c->dfsIndex.asInt()) {
    auto* stack = arr(vm, sl[kEvStack]);
    for (;;) {
      Value r = stack->data()[--stack->length];
      mod(vm, r)->status = Value::int32(asyncEvaluation(vm, r) ? kEvaluatingAsync : kEvaluated);
      mod(vm, r)->cycleRoot = module;
      if (r == module) break;
    }
  }
  auto* frames = arr(vm, sl[kEvFrames]);
  frames->length -= 2;
  if (frames->length == 0) return Step::Skipped;
  return afterRequired(vm, frames->data()[frames->length - 2], module, error);
}

// What a Step means for the walk: false to stop (the evaluation failed or
// an exception is pending; *result says which).
bool continueAfter(VM& vm, Value evaluation, Step step, Value error, Value* result) {
  if (step == Step::Exception) {
    *result = Value::exception();
    return false;
  }
  if (step == Step::Failed) {
    *result = failEvaluation(vm, evaluation, error) == Status::Exception ? Value::exception() : Value::undefined();
    return false;
  }
  return true;
}

// GatherAvailableAncestors, with an explicit work list (a deep chain of
// importers must not recurse). The set it finds does not depend on the
// order the parents are visited in; the caller sorts it.
void gatherAvailableAncestors(VM& vm, Value module, std::vector<Value>& execList) {
  std::vector<Value> work{module};
  while (!work.empty()) {
    Value cur = work.back();
    work.pop_back();
    Value parents = mod(vm, cur)->asyncParents;
    if (!parents.isCell()) continue;
    for (uint32_t i = 0; i < arr(vm, parents)->length; i++) {
      Value m = arr(vm, parents)->data()[i];
      if (std::find(execList.begin(), execList.end(), m) != execList.end()) continue;
      if (statusOf(vm, cycleRootOf(vm, m)) == kErrored) continue;
      int32_t pending = intOf(mod(vm, m)->pendingAsyncDeps) - 1;
      mod(vm, m)->pendingAsyncDeps = Value::int32(pending);
      if (pending == 0) {
        execList.push_back(m);
        if (!hasTopLevelAwait(vm, m)) work.push_back(m);
      }
    }
  }
}

}  // namespace

Value beginModuleEvaluation(VM& vm, Value module) {
  // A realm without Promise (a bare engine) still evaluates synchronous
  // graphs: the evaluation then has no promise.
  bool promises = vm.promises != nullptr;
  Root m(vm.heap(), module);
  Root ev(vm.heap(), KILN_TRY(makeList(vm, kEvSize)));
  Value* sl = evSlots(vm, ev.get());
  sl[kEvIndex] = Value::int32(0);
  sl[kEvStarted] = Value::boolean(false);
  sl[kEvDone] = Value::boolean(false);
  if (isSynthetic(vm, m.get())) {
    // A synthetic module's Evaluate(): a promise already fulfilled.
    evSlots(vm, ev.get())[kEvModule] = m.get();
    evSlots(vm, ev.get())[kEvDone] = Value::boolean(true);
    if (!promises) return ev.get();
    Value p = KILN_TRY(vm.promises->newPromise(vm));
    evSlots(vm, ev.get())[kEvPromise] = p;
    if (vm.promises->resolve(vm, p, Value::undefined()) == Status::Exception) return Value::exception();
    return ev.get();
  }
  int32_t st = statusOf(vm, m.get());
  if (st == kEvaluating) return vm.throwError(ErrorType::Error, "internal: a module evaluation is already in progress");
  if (evaluatedOrAsync(st)) m.set(cycleRootOf(vm, m.get()));
  evSlots(vm, ev.get())[kEvModule] = m.get();
  if (mod(vm, m.get())->topLevelCapability.isObject()) {
    evSlots(vm, ev.get())[kEvPromise] = mod(vm, m.get())->topLevelCapability;
    evSlots(vm, ev.get())[kEvDone] = Value::boolean(true);
    return ev.get();
  }
  if (promises) {
    Value p = KILN_TRY(vm.promises->newPromise(vm));
    evSlots(vm, ev.get())[kEvPromise] = p;
    mod(vm, m.get())->topLevelCapability = p;
  }
  Value stack = KILN_TRY(makeList(vm, 8));
  arr(vm, stack)->length = 0;
  evSlots(vm, ev.get())[kEvStack] = stack;
  Value frames = KILN_TRY(makeList(vm, 16));
  arr(vm, frames)->length = 0;
  evSlots(vm, ev.get())[kEvFrames] = frames;
  Value error;
  Value result;
  Step step = enterModule(vm, ev.get(), m.get(), &error);
  if (!continueAfter(vm, ev.get(), step, error, &result)) return result.isException() ? result : ev.get();
  if (step == Step::Skipped && completeEvaluation(vm, ev.get()) == Status::Exception) return Value::exception();
  return ev.get();
}

Value nextModuleToRun(VM& vm, Value evaluation) {
  Root ev(vm.heap(), evaluation);
  if (evSlots(vm, ev.get())[kEvDone].isTrue()) return Value::undefined();
  Value running = evSlots(vm, ev.get())[kEvRunning];
  if (running.isCell()) {
    if (!evSlots(vm, ev.get())[kEvStarted].isTrue()) return running;  // stopped before it (the build's fallback)
    return vm.throwError(ErrorType::Error, "internal: a module body is still running");
  }
  // Modules are reachable from the registry, and the collector does not
  // move cells: the Values below stay valid across allocation.
  for (;;) {
    auto* frames = arr(vm, evSlots(vm, ev.get())[kEvFrames]);
    if (frames->length == 0) {
      if (completeEvaluation(vm, ev.get()) == Status::Exception) return Value::exception();
      return Value::undefined();
    }
    Value m = frames->data()[frames->length - 2];
    uint32_t next = uint32_t(frames->data()[frames->length - 1].asInt());
    Value requested = mod(vm, m)->requested;
    Value error;
    Value result;
    if (next < arr(vm, requested)->length) {
      frames->data()[frames->length - 1] = Value::int32(int32_t(next + 1));
      Value required = arr(vm, requested)->data()[next];
      Step step = enterModule(vm, ev.get(), required, &error);
      if (step == Step::Skipped) step = afterRequired(vm, m, required, &error);
      if (!continueAfter(vm, ev.get(), step, error, &result)) return result;
      continue;
    }
    // Step 8: a module with top-level await, or waiting for one, is async.
    if (intOf(mod(vm, m)->pendingAsyncDeps) > 0 || hasTopLevelAwait(vm, m)) {
      Value order = KILN_TRY(nextAsyncOrder(vm));
      mod(vm, m)->asyncOrder = order;
      if (intOf(mod(vm, m)->pendingAsyncDeps) > 0) {
        // It runs when its dependencies are done (AsyncModuleExecutionFulfilled).
        Step step = leaveModule(vm, ev.get(), m, &error);
        if (!continueAfter(vm, ev.get(), step, error, &result)) return result;
        continue;
      }
    }
    // Step 8 ExecuteAsyncModule, or step 9 ExecuteModule: the caller runs it.
    evSlots(vm, ev.get())[kEvRunning] = m;
    evSlots(vm, ev.get())[kEvStarted] = Value::boolean(false);
    return m;
  }
}

Value runModuleBody(VM& vm, Value evaluation) {
  Value* sl = evSlots(vm, evaluation);
  sl[kEvStarted] = Value::boolean(true);
  return executeModuleBody(vm, sl[kEvRunning]);
}

Value moduleBodyCompleted(VM& vm, Value evaluation, Value result) {
  // Uncatchable: the program stops here; its state stays as it is.
  if (result.isException() && vm.uncatchable()) return result;
  Root ev(vm.heap(), evaluation);
  Root r(vm.heap(), result.isException() ? Value::undefined() : result);
  Value m = evSlots(vm, ev.get())[kEvRunning];
  evSlots(vm, ev.get())[kEvRunning] = Value::undefined();
  evSlots(vm, ev.get())[kEvStarted] = Value::boolean(false);
  if (hasTopLevelAwait(vm, m)) {
    if (watchAsyncModule(vm, m, result.isException() ? result : r.get()) == Status::Exception)
      return Value::exception();
  } else if (result.isException()) {
    Root e(vm.heap(), vm.takeException());
    if (failEvaluation(vm, ev.get(), e.get()) == Status::Exception) return Value::exception();
    return Value::undefined();
  }
  Value error;
  Value out = Value::undefined();
  continueAfter(vm, ev.get(), leaveModule(vm, ev.get(), m, &error), error, &out);
  return out;
}

Value evaluationRunningModule(VM& vm, Value evaluation) { return evSlots(vm, evaluation)[kEvRunning]; }
Value evaluationPromise(VM& vm, Value evaluation) { return evSlots(vm, evaluation)[kEvPromise]; }
Value evaluationModule(VM& vm, Value evaluation) { return evSlots(vm, evaluation)[kEvModule]; }

Value asyncModuleExecutionFulfilled(VM& vm, Value module) {
  int32_t st = statusOf(vm, module);
  if (st == kErrored || st == kEvaluated) return Value::undefined();  // failed meanwhile through another dependency
  Root m(vm.heap(), module);
  mod(vm, module)->asyncOrder = Value::int32(kAsyncOrderDone);
  mod(vm, module)->status = Value::int32(kEvaluated);
  if (mod(vm, module)->topLevelCapability.isObject() &&
      vm.promises->resolve(vm, mod(vm, module)->topLevelCapability, Value::undefined()) == Status::Exception)
    return Value::exception();
  std::vector<Value> execList;  // modules: reachable from the registry
  gatherAvailableAncestors(vm, m.get(), execList);
  std::stable_sort(execList.begin(), execList.end(),
                   [&](Value a, Value b) { return intOf(mod(vm, a)->asyncOrder) < intOf(mod(vm, b)->asyncOrder); });
  for (Value p : execList) {
    if (statusOf(vm, p) == kErrored) continue;
    Value r = executeModuleBody(vm, p);
    if (r.isException() && vm.uncatchable()) return r;
    if (hasTopLevelAwait(vm, p)) {
      if (watchAsyncModule(vm, p, r) == Status::Exception) return Value::exception();
    } else if (r.isException()) {
      Root e(vm.heap(), vm.takeException());
      KILN_TRY(asyncModuleExecutionRejected(vm, p, e.get()));
    } else {
      mod(vm, p)->asyncOrder = Value::int32(kAsyncOrderDone);
      mod(vm, p)->status = Value::int32(kEvaluated);
      if (mod(vm, p)->topLevelCapability.isObject() &&
          vm.promises->resolve(vm, mod(vm, p)->topLevelCapability, Value::undefined()) == Status::Exception)
        return Value::exception();
    }
  }
  return Value::undefined();
}

Value asyncModuleExecutionRejected(VM& vm, Value module, Value error) {
  Root e(vm.heap(), error);
  // The module's own [[TopLevelCapability]] is rejected first, then its
  // [[AsyncParentModules]] in order, each with its own parents (the spec
  // recurses; this walks the same pre-order with an explicit stack), so
  // that a failing graph's promises settle leaf to root.
  struct Item { Value module; uint32_t next; };
  std::vector<Item> stack;  // modules: reachable from the registry
  auto visit = [&](Value m) -> bool {
    int32_t st = statusOf(vm, m);
    if (st == kErrored || st == kEvaluated) return true;
    mod(vm, m)->error = e.get();
    mod(vm, m)->status = Value::int32(kErrored);
    mod(vm, m)->asyncOrder = Value::int32(kAsyncOrderDone);
    Value capability = mod(vm, m)->topLevelCapability;
    if (capability.isObject() && vm.promises->reject(vm, capability, e.get()) == Status::Exception) return false;
    stack.push_back({m, 0});
    return true;
  };
  if (!visit(module)) return Value::exception();
  while (!stack.empty()) {
    Item& top = stack.back();
    Value parents = mod(vm, top.module)->asyncParents;
    if (parents.isCell() && top.next < arr(vm, parents)->length) {
      if (!visit(arr(vm, parents)->data()[top.next++])) return Value::exception();
      continue;
    }
    stack.pop_back();
  }
  return Value::undefined();
}

bool moduleIsEvaluated(VM& vm, Value module) { return statusOf(vm, module) == kEvaluated; }

bool moduleEvaluationFailed(VM& vm, Value module, Value* error) {
  if (statusOf(vm, module) != kErrored) return false;
  if (error) *error = mod(vm, module)->error;
  return true;
}

namespace {

// Evaluate() through its synchronous part: the evaluation record.
Value evaluateSynchronousPart(VM& vm, Value module) {
  Root ev(vm.heap(), KILN_TRY(beginModuleEvaluation(vm, module)));
  for (;;) {
    Value m = KILN_TRY(nextModuleToRun(vm, ev.get()));
    if (m.isUndefined()) return ev.get();
    Value r = runModuleBody(vm, ev.get());
    KILN_TRY(moduleBodyCompleted(vm, ev.get(), r));
  }
}

}  // namespace

Value evaluateModule(VM& vm, Value entry) {
  Root ev(vm.heap(), KILN_TRY(evaluateSynchronousPart(vm, entry)));
  Root root(vm.heap(), evaluationModule(vm, ev.get()));
  if (vm.promises && statusOf(vm, root.get()) == kEvaluatingAsync) KILN_TRY(vm.promises->runJobs(vm));
  Value error;
  if (!moduleEvaluationFailed(vm, root.get(), &error)) return Value::undefined();
  Root e(vm.heap(), error);
  // The error is the caller's to report: the rejected promise is handled.
  Value p = evaluationPromise(vm, ev.get());
  if (p.isObject() && vm.promises->then(vm, p, Value::undefined(), Value::undefined()) == Status::Exception)
    return Value::exception();
  return vm.throwValue(e.get());
}

Value runModule(VM& vm, Value module) {
  Root m(vm.heap(), module);
  if (linkModule(vm, module) == Status::Exception) return Value::exception();
  return evaluateModule(vm, m.get());
}

Value getImportBinding(VM& vm, Value info, Ref env, uint32_t index) {
  Ref e = env;
  while (e && !(vm.cell<EnvironmentCell>(e)->flags & EnvironmentCell::kModule)) e = vm.cell<EnvironmentCell>(e)->parent;
  if (!e) return vm.throwError(ErrorType::ReferenceError, "import binding outside of a module");
  Value m = vm.cell<EnvironmentCell>(e)->object;
  Value table = mod(vm, m)->imports;
  Value* entry = arr(vm, table)->data() + 2 * index;
  if (entry[1].asInt() < 0) return entry[0];
  Value v = vm.cell<EnvironmentCell>(entry[0])->slots()[entry[1].asInt()];
  if (v.isHole()) {
    Value local = arr(vm, descField(vm, m, 1))->data()[3 * index + 2];
    return vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, local) + "' before initialization");
  }
  return v;
}

namespace {

// The module (with its registry key, the canonical absolute path) whose
// code `info` is, found through the script record they share; undefined
// for code that is not a module's (a script, eval code).
Value moduleOfCode(VM& vm, Value info, Value* key) {
  Value record = vm.cell<FunctionInfoCell>(info)->source;
  Value modules = vm.roots().modules;
  if (!modules.isCell()) return Value::undefined();
  auto* t = vm.cell<HashTableCell>(modules);
  for (uint32_t i = 0; i < t->used; i++) {
    Value* e = t->entry(i);
    if (!e[0].isString() || !e[1].isCell()) continue;
    Value f = mod(vm, e[1])->function;
    if (f.isCell() && vm.cell<FunctionInfoCell>(f)->source == record) {
      if (key) *key = e[0];
      return e[1];
    }
  }
  return Value::undefined();
}

// The file import() resolves against: the importing module's canonical
// path (an image may run in another folder than the build did), else the
// path of the script the code comes from.
std::string recordPath(VM& vm, Value info) {
  Value record = vm.cell<FunctionInfoCell>(info)->source;
  return record.isCell() && arr(vm, record)->data()[0].isString() ? toUtf8(vm, arr(vm, record)->data()[0])
                                                                   : std::string();
}

bool isDynamicCode(const std::string& path) { return path.empty() || path == "<eval>" || path == "<anonymous>"; }

std::string referrerPath(VM& vm, Value info) {
  // eval and Function code belong to the script or module that made them
  // (GetActiveScriptOrModule): the innermost frame of a file's code.
  if (isDynamicCode(recordPath(vm, info))) {
    vm.interpreter().forEachFrame([&](Value frameInfo, uint32_t, Value, Value) {
      if (isDynamicCode(recordPath(vm, info)) && frameInfo.isCell() && !isDynamicCode(recordPath(vm, frameInfo)))
        info = frameInfo;
    });
  }
  Value key;
  if (moduleOfCode(vm, info, &key).isCell()) return toUtf8(vm, key);
  std::string path = recordPath(vm, info);
  if (isDynamicCode(path)) path = "[eval]";
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.lexically_normal().string();
}

// The error a failed load rejects import() with: node's, with its `code`.
Value loadErrorValue(VM& vm, const ModuleLoadError& error) {
  Root e(vm.heap(), KILN_TRY(newError(vm, error.isSyntaxError ? ErrorType::SyntaxError : ErrorType::Error,
                                      error.isSyntaxError ? error.detail : error.message)));
  if (!error.code.empty()) {
    Value key = KILN_TRY(atomFromUtf8(vm, "code"));
    Root k(vm.heap(), key);
    Value code = KILN_TRY(newStringUtf8(vm, error.code));
    defineValue(vm, e.get(), k.get(), code, kDefaultAttrs);
  }
  return e.get();
}

// pathToFileURL: percent-encodes what a file URL's path cannot hold.
std::string fileUrl(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path) {
    bool keep = c > 0x20 && c < 0x7F && !std::strchr("\"#%<>?`{|}^\\[]", c);
    if (keep) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

// EvaluateImportCall (§13.3.10.1) with HostLoadImportedModule finishing at
// once: the file and its static imports are read, parsed and compiled now.
// Under `kiln compile` this is not an effect that pauses the build: module
// source is program code, read at build time like the static graph (the
// image then carries it, which keeps a bundle self-contained), and reading
// it is as deterministic as reading the entry. Linking and evaluation wait
// for a promise job (ContinueDynamicImport), as in every engine, so a
// module body never runs inside the import() call itself.
Value dynamicImport(VM& vm, Value info, Value specifier) {
  if (!havePromises(vm)) return Value::exception();
  Root fi(vm.heap(), info), spec(vm.heap(), specifier);
  Root promise(vm.heap(), KILN_TRY(vm.promises->newPromise(vm)));
  Value text = toString(vm, spec.get());
  if (text.isException()) return rejectWithPending(vm, promise.get());
  std::string from = referrerPath(vm, fi.get());
  ModuleLoadError error;
  Loader loader{vm, &error, {}};
  Value m = loader.resolve(from, toUtf8(vm, text));
  if (!m.isException() && !m.isUndefined()) m = loader.loadDependencies(m);
  if (m.isException()) return rejectWithPending(vm, promise.get());
  if (m.isUndefined()) {
    Value e = KILN_TRY(loadErrorValue(vm, error));
    if (vm.promises->reject(vm, promise.get(), e) == Status::Exception) return Value::exception();
    return promise.get();
  }
  Root module(vm.heap(), m);
  // The load promise, fulfilled: its reaction links and evaluates.
  Root loaded(vm.heap(), KILN_TRY(vm.promises->newPromise(vm)));
  if (vm.promises->resolve(vm, loaded.get(), Value::undefined()) == Status::Exception) return Value::exception();
  Root step(vm.heap(), KILN_TRY(newClosureNative(vm, "DynamicImportLinkAndEvaluate", module.get(), promise.get())));
  if (vm.promises->then(vm, loaded.get(), step.get(), Value::undefined()) == Status::Exception)
    return Value::exception();
  return promise.get();
}

// ContinueDynamicImport's linkAndEvaluateClosure.
Value dynamicImportLinkAndEvaluate(VM& vm, Value module, Value promise) {
  if (!havePromises(vm)) return Value::exception();
  Root m(vm.heap(), module), p(vm.heap(), promise);
  if (linkModule(vm, m.get()) == Status::Exception) {
    KILN_TRY(rejectWithPending(vm, p.get()));
    return Value::undefined();
  }
  Root ev(vm.heap(), KILN_TRY(evaluateSynchronousPart(vm, m.get())));
  Root onFulfilled(vm.heap(), KILN_TRY(newClosureNative(vm, "DynamicImportFulfilled", m.get(), p.get())));
  Root onRejected(vm.heap(), KILN_TRY(newClosureNative(vm, "DynamicImportRejected", Value::undefined(), p.get())));
  if (vm.promises->then(vm, evaluationPromise(vm, ev.get()), onFulfilled.get(), onRejected.get()) == Status::Exception)
    return Value::exception();
  return Value::undefined();
}

// ContinueDynamicImport's fulfilledClosure.
Value dynamicImportFulfilled(VM& vm, Value module, Value promise) {
  Root p(vm.heap(), promise);
  Value ns = moduleNamespace(vm, module);
  if (ns.isException()) {
    KILN_TRY(rejectWithPending(vm, p.get()));
    return Value::undefined();
  }
  if (vm.promises->resolve(vm, p.get(), ns) == Status::Exception) return Value::exception();
  return Value::undefined();
}

// HostGetImportMetaProperties / HostFinalizeImportMeta as node has them:
// url, filename and dirname of the module's canonical path.
Value importMeta(VM& vm, Value info) {
  Value key;
  Root m(vm.heap(), moduleOfCode(vm, info, &key));
  if (m.get().isCell() && mod(vm, m.get())->meta.isObject()) return mod(vm, m.get())->meta;
  std::string path;
  if (m.get().isCell()) {
    path = toUtf8(vm, key);
  } else {
    path = referrerPath(vm, info);
  }
  Root meta(vm.heap(), KILN_TRY(newObject(vm, Value::null())));
  auto put = [&](const char* name, const std::string& value) -> bool {
    Value k = atomFromUtf8(vm, name);
    if (k.isException()) return false;
    Root kr(vm.heap(), k);
    Value v = newStringUtf8(vm, value);
    if (v.isException()) return false;
    defineValue(vm, meta.get(), kr.get(), v, kDefaultAttrs);
    return !vm.hasException();
  };
  if (!put("dirname", std::filesystem::path(path).parent_path().string()) || !put("filename", path))
    return Value::exception();
  Value pathValue = KILN_TRY(newStringUtf8(vm, path));
  Value resolve = KILN_TRY(newClosureNative(vm, "ImportMetaResolve", pathValue, Value::undefined()));
  Root r(vm.heap(), resolve);
  Value resolveKey = KILN_TRY(atomFromUtf8(vm, "resolve"));
  defineValue(vm, meta.get(), resolveKey, r.get(), kDefaultAttrs);
  if (!put("url", fileUrl(path))) return Value::exception();
  if (m.get().isCell()) mod(vm, m.get())->meta = meta.get();
  return meta.get();
}

// import.meta.resolve: node's resolution without touching the file system
// (a relative specifier is joined to the module's folder as a URL would be,
// with no extension search), so that it is as pure at build time as it is
// deterministic.
Value importMetaResolve(VM& vm, Value modulePath, Value specifier) {
  Root from(vm.heap(), modulePath);
  Value text = KILN_TRY(toString(vm, specifier));
  std::string spec = toUtf8(vm, text);
  std::string path = toUtf8(vm, from.get());
  if (isRelative(spec)) {
    // A URL's query and fragment stay as written.
    size_t cut = std::min(spec.find('?'), spec.find('#'));
    std::string suffix = cut == std::string::npos ? std::string() : spec.substr(cut);
    namespace fs = std::filesystem;
    std::string file = spec.substr(0, cut);
    fs::path joined = file[0] == '/' ? fs::path(file) : fs::path(path).parent_path() / file;
    return newStringUtf8(vm, fileUrl(joined.lexically_normal().string()) + suffix);
  }
  // URLs, and node:NAME whether or not NAME exists, resolve to themselves.
  if (spec.rfind("file://", 0) == 0 || spec.rfind("data:", 0) == 0 || spec.rfind("node:", 0) == 0)
    return newStringUtf8(vm, spec);
  if (vm.hostModule) {
    Value exports = KILN_TRY(vm.hostModule(vm, spec));
    if (!exports.isUndefined()) return newStringUtf8(vm, spec.rfind("node:", 0) == 0 ? spec : "node:" + spec);
  }
  ModuleLoadError error;
  error.message = "Cannot find package '" + spec + "' imported from " + path;
  error.code = "ERR_MODULE_NOT_FOUND";
  return vm.throwValue(KILN_TRY(loadErrorValue(vm, error)));
}

}  // namespace kiln
