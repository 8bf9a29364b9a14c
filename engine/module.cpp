#include "engine/module.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/bytecode.h"
#include "engine/compiler.h"
#include "engine/conversions.h"
#include "engine/function.h"
#include "engine/hash_table.h"
#include "engine/interpreter.h"
#include "engine/object.h"
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

enum ModuleStatus : int32_t { kUnlinked, kLinking, kLinked, kEvaluating, kEvaluated, kErrored };

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

  Value fail(const std::string& message, bool syntax, bool inEntry) {
    error->message = message;
    error->isSyntaxError = syntax;
    error->inEntry = inEntry;
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
    if (!ok) return fail("Cannot find module '" + path + "'", false, isEntry);
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
    if (!program) return fail(formatSyntaxError(*source, perr), true, isEntry);
    std::string cerr;
    auto compiled = compileModule(*program, *source, &cerr, vm.optimizeBytecode);
    if (!compiled) return fail(path + ": " + cerr, true, isEntry);
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
      return fail("Cannot find package '" + spec + "' imported from " + from, false, false);
    }
    std::string path = resolvePath(from, spec);
    if (path.empty()) return fail("Cannot find module '" + spec + "' imported from " + from, false, false);
    return loadFile(path, false);
  }

  // Loads the whole graph breadth-first (no recursion), filling `requested`.
  Value loadGraph(const std::string& entry) {
    Root entryModule(vm.heap(), KILN_TRY(loadFile(entry, true)));
    if (entryModule.get().isUndefined()) return Value::undefined();
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

Value evaluateModuleBody(VM& vm, Value module) {
  Root m(vm.heap(), module);
  int32_t st = mod(vm, module)->status.asInt();
  if (st == kEvaluated) return Value::undefined();
  if (st == kErrored) return vm.throwValue(mod(vm, module)->error);
  // A dependency that failed fails its dependents with the same error.
  Value req = mod(vm, module)->requested;
  for (uint32_t i = 0; i < arr(vm, req)->length; i++) {
    Value dep = arr(vm, req)->data()[i];
    if (mod(vm, dep)->status.asInt() == kErrored) {
      mod(vm, module)->status = Value::int32(kErrored);
      mod(vm, module)->error = mod(vm, dep)->error;
      return vm.throwValue(mod(vm, dep)->error);
    }
  }
  mod(vm, module)->status = Value::int32(kEvaluating);
  Value info = mod(vm, module)->function;
  if (info.isCell()) {
    Value closure = KILN_TRY(newClosure(vm, info, mod(vm, module)->env.ref()));
    Value r = vm.interpreter().runTopLevel(closure, Value::undefined());
    if (r.isException()) {
      if (vm.uncatchable()) return r;
      finishModuleEvaluation(vm, m.get(), r);
      return r;
    }
  }
  return finishModuleEvaluation(vm, m.get(), Value::undefined());
}

Value finishModuleEvaluation(VM& vm, Value module, Value result) {
  if (result.isException()) {
    mod(vm, module)->status = Value::int32(kErrored);
    mod(vm, module)->error = vm.roots().exception;
    return result;
  }
  mod(vm, module)->status = Value::int32(kEvaluated);
  return Value::undefined();
}

bool moduleIsEvaluated(VM& vm, Value module) { return mod(vm, module)->status.asInt() == kEvaluated; }

Value evaluateModule(VM& vm, Value entry) {
  if (mod(vm, entry)->status.asInt() == kErrored) return vm.throwValue(mod(vm, entry)->error);
  Root order(vm.heap(), KILN_TRY(moduleEvaluationOrder(vm, entry)));
  for (uint32_t i = 0; i < arr(vm, order.get())->length; i++)
    KILN_TRY(evaluateModuleBody(vm, arr(vm, order.get())->data()[i]));
  return Value::undefined();
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

Value dynamicImport(VM& vm, Value info, Value specifier) {
  return vm.throwError(ErrorType::SyntaxError, "dynamic import() is not supported yet");
}

Value importMeta(VM& vm, Value info) {
  // The module of the running code: found through its script record's path.
  Value record = vm.cell<FunctionInfoCell>(info)->source;
  Value path = vm.cell<ValueArrayCell>(record)->data()[0];
  Root p(vm.heap(), path);
  Root meta(vm.heap(), KILN_TRY(newObject(vm, Value::null())));
  std::error_code ec;
  std::string abs = std::filesystem::absolute(toUtf8(vm, p.get()), ec).lexically_normal().string();
  Value url = KILN_TRY(newStringUtf8(vm, "file://" + abs));
  defineValue(vm, meta.get(), KILN_TRY(atomFromUtf8(vm, "url")), url, kDefaultAttrs);
  Value filename = KILN_TRY(newStringUtf8(vm, abs));
  defineValue(vm, meta.get(), KILN_TRY(atomFromUtf8(vm, "filename")), filename, kDefaultAttrs);
  Value dirname = KILN_TRY(newStringUtf8(vm, std::filesystem::path(abs).parent_path().string()));
  defineValue(vm, meta.get(), KILN_TRY(atomFromUtf8(vm, "dirname")), dirname, kDefaultAttrs);
  return meta.get();
}

}  // namespace kiln
