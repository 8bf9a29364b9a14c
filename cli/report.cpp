#include "cli/report.h"

#include <cstdio>
#include <string>

#include "builtins/host_modules.h"
#include "builtins/inspect.h"
#include "builtins/process.h"
#include "engine/hash_table.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

namespace {

struct Site {
  std::string path;
  uint32_t line = 0, column = 0;
};

// The first "    at ..." frame of a stack text: "(path:line:col)" or "path:line:col".
bool firstFrame(const std::string& stack, Site* out) {
  size_t at = stack.find("\n    at ");
  if (at == std::string::npos) return false;
  size_t end = stack.find('\n', at + 1);
  std::string frame = stack.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
  size_t open = frame.rfind('(');
  if (open != std::string::npos && frame.back() == ')') frame = frame.substr(open + 1, frame.size() - open - 2);
  size_t c2 = frame.rfind(':');
  if (c2 == std::string::npos) return false;
  size_t c1 = frame.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return false;
  out->path = frame.substr(0, c1);
  out->line = uint32_t(std::strtoul(frame.c_str() + c1 + 1, nullptr, 10));
  out->column = uint32_t(std::strtoul(frame.c_str() + c2 + 1, nullptr, 10));
  return out->line > 0;
}

// The source line `line` of the module loaded from `path`, if any.
bool sourceLine(VM& vm, const std::string& path, uint32_t line, std::string* out) {
  Value modules = vm.roots().modules;
  if (!modules.isCell()) return false;
  auto* t = vm.cell<HashTableCell>(modules);
  for (uint32_t i = 0; i < t->used; i++) {
    Value* e = t->entry(i);
    if (e[0].isHole() || !e[1].isCell()) continue;
    auto* m = vm.cell<ModuleCell>(e[1]);
    if (!m->function.isCell()) continue;
    Value record = vm.cell<FunctionInfoCell>(m->function)->source;
    auto* rec = vm.cell<ValueArrayCell>(record);
    if (!rec->data()[0].isString() || toUtf8(vm, rec->data()[0]) != path) continue;
    std::string text = toUtf8(vm, rec->data()[1]);
    size_t pos = 0;
    for (uint32_t l = 1; l < line && pos != std::string::npos; l++) {
      pos = text.find('\n', pos);
      if (pos != std::string::npos) pos++;
    }
    if (pos == std::string::npos) return false;
    size_t end = text.find('\n', pos);
    *out = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!out->empty() && out->back() == '\r') out->pop_back();
    return true;
  }
  return false;
}

}  // namespace

int reportUncaught(VM& vm) {
  fflush(stdout);
  if (vm.outOfMemory) {
    fprintf(stderr, "kiln: out of memory: the heap limit (%zu MB) was reached\n", vm.heap().limit() >> 20);
    return kExitOutOfMemory;
  }
  Root exc(vm.heap(), vm.takeException());
  std::string text = inspect(vm, exc.get());
  if (vm.hasException()) vm.takeException();
  Site site;
  std::string stack;
  if (exc.get().isObject()) {
    PropertyDescriptor d;
    Value key = vm.atom(Atom::stack);
    if (ordinaryGetOwnProperty(vm, exc.get(), key, &d) == Status::True && d.value.isString())
      stack = toUtf8(vm, d.value);
  }
  std::string header;
  std::string line;
  if (!stack.empty() && firstFrame(stack, &site) && sourceLine(vm, site.path, site.line, &line)) {
    header = site.path + ":" + std::to_string(site.line) + "\n" + line + "\n" +
             std::string(site.column > 0 ? site.column - 1 : 0, ' ') + "^\n\n";
  }
  if (!exc.get().isObject() || stack.empty()) text = "Uncaught " + text;
  fprintf(stderr, "%s%s\n", header.c_str(), text.c_str());
  fflush(stderr);
  return kExitUncaught;
}

int programExitStatus(VM& vm, Value r) {
  int status = finishProgram(vm, r, reportUncaught);
  fflush(stdout);
  fflush(stderr);
  return status;
}

}  // namespace kiln
