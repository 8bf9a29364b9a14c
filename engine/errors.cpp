#include "engine/errors.h"

#include <algorithm>

#include "engine/bytecode.h"
#include "engine/function.h"
#include "engine/interpreter.h"
#include "engine/object.h"
#include "engine/strings.h"

namespace kiln {

Intrinsic errorPrototypeIntrinsic(ErrorType type) {
  switch (type) {
    case ErrorType::Error: return Intrinsic::ErrorPrototype;
    case ErrorType::TypeError: return Intrinsic::TypeErrorPrototype;
    case ErrorType::RangeError: return Intrinsic::RangeErrorPrototype;
    case ErrorType::SyntaxError: return Intrinsic::SyntaxErrorPrototype;
    case ErrorType::ReferenceError: return Intrinsic::ReferenceErrorPrototype;
    case ErrorType::EvalError: return Intrinsic::EvalErrorPrototype;
    case ErrorType::URIError: return Intrinsic::URIErrorPrototype;
    case ErrorType::AggregateError: return Intrinsic::AggregateErrorPrototype;
  }
  return Intrinsic::ErrorPrototype;
}

Value newError(VM& vm, ErrorType type, std::string_view message) {
  Value proto = vm.intrinsic(errorPrototypeIntrinsic(type));
  if (!proto.isObject()) proto = vm.intrinsic(Intrinsic::ObjectPrototype);
  Root e(vm.heap(), KILN_TRY(newObjectOfKind(vm, CellKind::Error, sizeof(InternalObjectCell), proto)));
  Value msg = KILN_TRY(newStringUtf8(vm, message));
  defineValue(vm, e.get(), vm.atom(Atom::message), msg, kWritable | kConfigurable);
  if (installStack(vm, e.get()) == Status::Exception) return Value::exception();
  return e.get();
}

namespace {

// Reads a data property without running any JS (no getters, no proxies).
Value peekData(VM& vm, Value o, Value key) {
  for (int depth = 0; o.isObject() && depth < 64; depth++) {
    CellKind k = kindOf(vm, o);
    if (k == CellKind::Proxy || k == CellKind::TypedArray || k == CellKind::Namespace) return Value::undefined();
    PropertyDescriptor d;
    if (ordinaryGetOwnProperty(vm, o, key, &d) == Status::True) return d.isAccessor() ? Value::undefined() : d.value;
    Ref p = vm.cell<ObjectCell>(o)->proto;
    o = p ? Value::object(p) : Value::null();
  }
  return Value::undefined();
}

std::string stringOrEmpty(VM& vm, Value v) { return v.isString() ? toUtf8(vm, v) : std::string(); }

}  // namespace

bool sourcePositionOf(VM& vm, Value info, uint32_t pc, SourcePosition* out) {
  if (!info.isCell()) return false;
  auto* fi = vm.cell<FunctionInfoCell>(info);
  auto* lt = vm.cell<ByteArrayCell>(fi->lineTable);
  const uint32_t* e = reinterpret_cast<const uint32_t*>(lt->data());
  uint32_t n = lt->length / 8;
  uint32_t offset = fi->sourceStart;
  for (uint32_t i = 0; i < n && e[2 * i] <= pc; i++) offset = e[2 * i + 1];
  Value record = fi->source;
  if (!record.isCell()) return false;
  auto* rec = vm.cell<ValueArrayCell>(record);
  out->path = stringOrEmpty(vm, rec->data()[0]);
  auto* starts = vm.cell<ByteArrayCell>(rec->data()[2]);
  const uint32_t* s = reinterpret_cast<const uint32_t*>(starts->data());
  uint32_t count = starts->length / 4;
  uint32_t line = uint32_t(std::upper_bound(s, s + count, offset) - s);  // 1-based
  out->line = line;
  out->column = offset - s[line - 1] + 1;
  out->offset = offset;
  return true;
}

std::string functionDisplayName(VM& vm, Value info) {
  return stringOrEmpty(vm, vm.cell<FunctionInfoCell>(info)->name);
}

std::string captureStackFrames(VM& vm) {
  std::string out;
  int frames = 0;
  Value* S = vm.cell<ValueArrayCell>(vm.roots().stack)->data();
  (void)S;
  Value global = vm.intrinsic(Intrinsic::GlobalObject);
  vm.interpreter().forEachFrame([&](Value info, uint32_t pc, Value callee, Value thisValue) {
    if (frames >= 10) return;  // Error.stackTraceLimit
    frames++;
    SourcePosition pos;
    if (!sourcePositionOf(vm, info, pc, &pos)) return;
    auto* fi = vm.cell<FunctionInfoCell>(info);
    auto kind = FunctionKind(fi->kind);
    std::string location = pos.path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
    if (kind == FunctionKind::Script || kind == FunctionKind::Module || kind == FunctionKind::Eval) {
      out += "\n    at " + location;
      return;
    }
    std::string name = functionDisplayName(vm, info);
    if (callee.isObject()) {
      Value n = peekData(vm, callee, vm.atom(Atom::name));
      if (n.isString() && stringLength(vm, n) > 0) name = toUtf8(vm, n);
    }
    if (kind == FunctionKind::ClassConstructor || kind == FunctionKind::DerivedConstructor) {
      out += "\n    at new " + name + " (" + location + ")";
      return;
    }
    // Methods are named after the receiver's class, as V8 does ("Config.parse").
    if (kind != FunctionKind::Arrow && thisValue.isObject() && thisValue != global) {
      Value ctor = peekData(vm, thisValue, vm.atom(Atom::constructor));
      Value typeName = ctor.isObject() ? peekData(vm, ctor, vm.atom(Atom::name)) : Value::undefined();
      if (typeName.isString() && stringLength(vm, typeName) > 0)
        name = toUtf8(vm, typeName) + "." + (name.empty() ? "<anonymous>" : name);
    }
    if (name.empty()) {
      out += "\n    at " + location;
      return;
    }
    out += "\n    at " + name + " (" + location + ")";
  });
  return out;
}

// The "Name: message" header as Error.prototype.toString would make it,
// computed without running JS.
static std::string errorHeader(VM& vm, Value error) {
  Value name = peekData(vm, error, vm.atom(Atom::name));
  Value message = peekData(vm, error, vm.atom(Atom::message));
  std::string n = name.isString() ? toUtf8(vm, name) : "Error";
  std::string m = stringOrEmpty(vm, message);
  if (n.empty()) return m;
  if (m.empty()) return n;
  return n + ": " + m;
}

Status installStack(VM& vm, Value error) {
  Root e(vm.heap(), error);
  std::string text = errorHeader(vm, error) + captureStackFrames(vm);
  Value s = newStringUtf8(vm, text);
  if (s.isException()) return Status::Exception;
  defineValue(vm, e.get(), vm.atom(Atom::stack), s, kWritable | kConfigurable);
  return Status::True;
}

}  // namespace kiln
