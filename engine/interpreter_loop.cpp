// Interpreter::run — the dispatch loop (computed goto). Opcode semantics are
// documented once, in opcodes.def; rare or heavy operations call out to
// runtime.cpp / operators.cpp so that this loop stays compact.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/bytecode.h"
#include "engine/conversions.h"
#include "engine/errors.h"
#include "engine/eval.h"
#include "engine/function.h"
#include "engine/hash_table.h"
#include "engine/interpreter.h"
#include "engine/interpreter_internal.h"
#include "engine/module.h"
#include "engine/object.h"
#include "engine/operators.h"
#include "engine/promise_hooks.h"
#include "engine/proxy.h"
#include "engine/runtime.h"
#include "engine/shape.h"
#include "engine/strings.h"

namespace kiln {

namespace {


inline Value* icEntry(VM& vm, FunctionInfoCell* fi, uint32_t ic) {
  return vm.cell<ValueArrayCell>(fi->icCache)->data() + size_t(ic) * kIcWidth;
}

bool cacheableReceiver(CellKind k) {
  return k != CellKind::Proxy && k != CellKind::TypedArray && k != CellKind::Namespace && k != CellKind::Primitive;
}

// [[Get]] of a named property with inline-cache fill.
Value getNamedCached(VM& vm, Value o, Value key, Value* ic) {
  if (o.isObject()) {
    ObjectCell* oc = vm.cell<ObjectCell>(o);
    if (!oc->dictionary() && cacheableReceiver(oc->kind)) {
      uint32_t attrs;
      uint32_t slot = shapeFind(vm, oc->shape, key, &attrs);
      if (slot != kNotFound) {
        if (!(attrs & kAccessor)) {
          ic[0] = Value::cell(oc->shape);
          ic[1] = Value::int32(int32_t(slot));
          ic[2] = Value::undefined();
          ic[3] = Value::undefined();
          return *slotAddress(vm, oc, slot);
        }
      } else if (oc->proto && key != vm.atom(Atom::length)) {
        ObjectCell* pc = vm.cell<ObjectCell>(oc->proto);
        if (!pc->dictionary() && cacheableReceiver(pc->kind)) {
          uint32_t pslot = shapeFind(vm, pc->shape, key, &attrs);
          if (pslot != kNotFound && !(attrs & kAccessor)) {
            ic[0] = Value::cell(oc->shape);
            ic[1] = Value::int32(int32_t(pslot));
            ic[2] = Value::object(oc->proto);
            ic[3] = Value::cell(pc->shape);
            return *slotAddress(vm, pc, pslot);
          }
        }
      }
    }
    return get(vm, o, key, o);
  }
  return getV(vm, o, key);
}

Value nullishPropertyError(VM& vm, Value o, Value key, bool reading) {
  std::string what = key.isSymbol() ? describe(vm, key) : toUtf8(vm, keyToValue(vm, key));
  return vm.throwTypeError(std::string("Cannot ") + (reading ? "read" : "set") + " properties of " +
                           (o.isNull() ? "null" : "undefined") + " (" + (reading ? "reading" : "setting") + " '" +
                           what + "')");
}

// PutValue on a property reference (§6.2.5.6), strictness from the code.
Status putValue(VM& vm, Value o, Value key, Value v, bool strict) {
  Status s;
  if (o.isObject()) {
    s = set(vm, o, key, v, o);
  } else {
    Root ro(vm.heap(), o), rk(vm.heap(), key), rv(vm.heap(), v);
    Value wrapper = toObject(vm, o);
    if (wrapper.isException()) return Status::Exception;
    s = set(vm, wrapper, rk.get(), rv.get(), ro.get());
    key = rk.get();
  }
  if (s == Status::False && strict) {
    std::string what = key.isSymbol() ? describe(vm, key) : toUtf8(vm, keyToValue(vm, key));
    vm.throwTypeError("Cannot assign to read only property '" + what + "' of object");
    return Status::Exception;
  }
  return s == Status::Exception ? s : Status::True;
}

Status setNamedCached(VM& vm, Value o, Value key, Value v, Value* ic, bool strict) {
  if (o.isObject()) {
    ObjectCell* oc = vm.cell<ObjectCell>(o);
    if (!oc->dictionary() && cacheableReceiver(oc->kind)) {
      uint32_t attrs;
      uint32_t slot = shapeFind(vm, oc->shape, key, &attrs);
      if (slot != kNotFound && !(attrs & kAccessor) && (attrs & kWritable)) {
        ic[0] = Value::cell(oc->shape);
        ic[1] = Value::int32(int32_t(slot));
        ic[2] = Value::undefined();
        *slotAddress(vm, oc, slot) = v;
        return Status::True;
      }
    }
  }
  return putValue(vm, o, key, v, strict);
}

// Deleting through a primitive or object reference (§13.5.1.2).
Value deleteValue(VM& vm, Value o, Value key, bool strict) {
  Root rk(vm.heap(), key);
  Value obj = KILN_TRY(toObject(vm, o));
  Status s = deleteProperty(vm, obj, rk.get());
  if (s == Status::Exception) return Value::exception();
  if (s == Status::False && strict) {
    std::string what = rk.get().isSymbol() ? describe(vm, rk.get()) : toUtf8(vm, keyToValue(vm, rk.get()));
    return vm.throwTypeError("Cannot delete property '" + what + "' of " + describe(vm, obj));
  }
  return Value::boolean(s == Status::True);
}

// Fast indexed read: own dense element of an ordinary object/array.
inline bool fastGetElement(VM& vm, Value o, Value key, Value* out) {
  if (!o.isObject() || !key.isInt()) return false;
  ObjectCell* oc = vm.cell<ObjectCell>(o);
  if (!oc->elements || oc->kind == CellKind::Proxy || oc->kind == CellKind::TypedArray) return false;
  uint32_t i = uint32_t(key.asInt());
  auto* e = vm.cell<ValueArrayCell>(oc->elements);
  if (i >= e->length) return false;
  Value v = e->data()[i];
  if (v.isHole()) return false;
  *out = v;
  return true;
}

// True when no object on the prototype chain of `o` could intercept an
// indexed write (setters or read-only indexed properties, exotic objects).
bool protoChainAllowsIndexedWrite(VM& vm, ObjectCell* o) {
  for (Ref p = o->proto; p;) {
    ObjectCell* pc = vm.cell<ObjectCell>(p);
    if ((pc->flags & ObjectCell::kHasIndexedAccessors) || pc->kind == CellKind::Proxy ||
        pc->kind == CellKind::TypedArray || pc->kind == CellKind::Primitive || pc->kind == CellKind::Namespace)
      return false;
    p = pc->proto;
  }
  return true;
}

inline bool fastSetElement(VM& vm, Value o, Value key, Value v) {
  if (!o.isObject() || !key.isInt() || key.asInt() < 0) return false;
  ObjectCell* oc = vm.cell<ObjectCell>(o);
  if (!oc->elements || (oc->kind != CellKind::Array && oc->kind != CellKind::Object)) return false;
  uint32_t i = uint32_t(key.asInt());
  auto* e = vm.cell<ValueArrayCell>(oc->elements);
  if (i < e->length && !e->data()[i].isHole()) {
    e->data()[i] = v;
    return true;
  }
  // Appending at the end of a dense array (the `a[a.length] = x` pattern).
  if (oc->kind == CellKind::Array && i == e->length && i < e->capacity && oc->extensible() &&
      !(oc->flags & ObjectCell::kHasIndexedAccessors)) {
    auto* a = static_cast<ArrayCell*>(oc);
    if (!a->lengthWritable && i >= a->length) return false;
    if (!protoChainAllowsIndexedWrite(vm, oc)) return false;
    e->data()[i] = v;
    e->length = i + 1;
    if (a->length <= i) a->length = i + 1;
    return true;
  }
  return false;
}

// A name operand as a property key: names that are array indices ("0",
// "42") are keyed by number, like every other index key.
inline Value nameKey(VM& vm, Value atom) {
  StringCell* c = vm.cell<StringCell>(atom);
  if (c->flags & StringCell::kArrayIndexKnown) {
    return (c->flags & StringCell::kIsArrayIndex) ? keyFromIndex(c->indexValue) : atom;
  }
  uint32_t index;
  return stringToArrayIndex(c, &index) ? keyFromIndex(index) : atom;
}

// The inline-cache hit path of a named read: own slot, or a slot of the
// receiver's prototype when both shapes still match.
inline bool cachedGet(VM& vm, Value o, const Value* ic, Value* out) {
  if (!o.isObject()) return false;
  ObjectCell* oc = vm.cell<ObjectCell>(o);
  if (Value::cell(oc->shape) != ic[0]) return false;
  if (ic[2].isUndefined()) {
    *out = *slotAddress(vm, oc, uint32_t(ic[1].asInt()));
    return true;
  }
  if (oc->proto != ic[2].ref()) return false;
  ObjectCell* holder = vm.cell<ObjectCell>(ic[2]);
  if (Value::cell(holder->shape) != ic[3]) return false;
  *out = *slotAddress(vm, holder, uint32_t(ic[1].asInt()));
  return true;
}

// Copies the elements of a spread-argument array (built by the compiler, so
// dense) to `out`, holes as undefined.
inline void spreadArguments(VM& vm, ArrayCell* a, Value* out) {
  ValueArrayCell* e = a->elements ? vm.cell<ValueArrayCell>(a->elements) : nullptr;
  for (uint32_t i = 0; i < a->length; i++) {
    Value v = (e && i < e->length) ? e->data()[i] : Value::undefined();
    out[i] = v.isHole() ? Value::undefined() : v;
  }
}

std::string keyText(VM& vm, Value key) {
  return key.isSymbol() ? describe(vm, key) : toUtf8(vm, keyToValue(vm, key));
}

}  // namespace

Value Interpreter::run(uint32_t entryFp) {
  VM& vm = vm_;
  ValueArrayCell* const st = vm.cell<ValueArrayCell>(vm.roots().stack);
  Value* const S = st->data();
  FunctionInfoCell* fi;
  const uint8_t* code;
  Value* K;
  Value* L;
  Value* A;
  Value* sp;
  const uint8_t* pc;
  (void)entryFp;

  static const void* const kLabels[] = {
#define KILN_OP(name, layout, pops, pushes, doc) &&op_##name,
#include "engine/opcodes.def"
#undef KILN_OP
  };

#define LOAD_FRAME()                                                                 \
  do {                                                                               \
    fi = vm.cell<FunctionInfoCell>(S[fp_ + frame::kInfo]);                           \
    code = vm.cell<ByteArrayCell>(fi->code)->data();                                 \
    K = vm.cell<ValueArrayCell>(fi->constants)->data();                              \
    L = S + fp_ + frame::kHeaderSize;                                                \
    A = S + S[fp_ + frame::kBase].asInt() + 2;                                       \
  } while (0)
#define DISPATCH()                          \
  do {                                      \
    st->length = uint32_t(sp - S);          \
    savedPc_ = uint32_t(pc - code);         \
    goto* kLabels[*pc];                     \
  } while (0)
#define NEXT(op)                         \
  do {                                   \
    pc += instructionSize(Op::op);       \
    DISPATCH();                          \
  } while (0)
#define U8(o) (pc[1 + (o)])
#define U16(o) readU16(pc + 1 + (o))
#define U32(o) readU32(pc + 1 + (o))
#define I32(o) readI32(pc + 1 + (o))
#define CHECK(v) \
  if ((v).isException()) goto throw_pending
#define CHECK_STATUS(s) \
  if ((s) == Status::Exception) goto throw_pending
#define ENV() (S[fp_ + frame::kEnv].isCell() ? S[fp_ + frame::kEnv].ref() : Ref(0))
#define STRICT() ((fi->flags & kStrict) != 0)
#define BASE() uint32_t(S[fp_ + frame::kBase].asInt())
// A property read whose getter may be an effectful native: at build time
// the program may pause before that getter runs and restart this very
// instruction when it resumes (its operands are still in place).
#define RESTARTABLE(stmt)           \
  restartablePc_ = savedPc_;        \
  restartLength_ = st->length;      \
  stmt;                             \
  restartablePc_ = UINT32_MAX

  LOAD_FRAME();
  sp = S + st->length;
  pc = code;
  if (resumePc_ != UINT32_MAX) {
    // Resuming a suspended generator or async frame (resumeGenerator).
    pc = code + resumePc_;
    resumePc_ = UINT32_MAX;
    if (resumeThrow_) {
      resumeThrow_ = false;
      savedPc_ = uint32_t(pc - code);
      goto throw_pending;
    }
  }
  DISPATCH();

  // ---- constants and stack manipulation ----
op_Nop:
  NEXT(Nop);
op_Debugger:
  NEXT(Debugger);
op_Undefined:
  *sp++ = Value::undefined();
  NEXT(Undefined);
op_Null:
  *sp++ = Value::null();
  NEXT(Null);
op_True:
  *sp++ = Value::boolean(true);
  NEXT(True);
op_False:
  *sp++ = Value::boolean(false);
  NEXT(False);
op_Int32:
  *sp++ = Value::int32(I32(0));
  NEXT(Int32);
op_Number:
  *sp++ = K[U32(0)];
  NEXT(Number);
op_String:
  *sp++ = K[U32(0)];
  NEXT(String);
op_BigInt:
  *sp++ = K[U32(0)];
  NEXT(BigInt);
op_Pop:
  sp--;
  NEXT(Pop);
op_Dup:
  sp[0] = sp[-1];
  sp++;
  NEXT(Dup);
op_Dup2:
  sp[0] = sp[-2];
  sp[1] = sp[-1];
  sp += 2;
  NEXT(Dup2);
op_Swap:
  std::swap(sp[-1], sp[-2]);
  NEXT(Swap);
op_Pick:
  sp[0] = sp[-1 - int(U8(0))];
  sp++;
  NEXT(Pick);
op_Insert: {
  uint32_t n = U8(0);
  Value top = sp[-1];
  std::memmove(sp - n, sp - n - 1, n * sizeof(Value));
  sp[-1 - int(n)] = top;
  NEXT(Insert);
}

  // ---- locals, arguments, environments ----
op_GetLocal:
  *sp++ = L[U16(0)];
  NEXT(GetLocal);
op_SetLocal:
  L[U16(0)] = *--sp;
  NEXT(SetLocal);
op_GetLocalChecked: {
  Value v = L[U16(0)];
  if (v.isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, K[U32(2)]) + "' before initialization");
    goto throw_pending;
  }
  *sp++ = v;
  NEXT(GetLocalChecked);
}
op_SetLocalChecked: {
  if (L[U16(0)].isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, K[U32(2)]) + "' before initialization");
    goto throw_pending;
  }
  L[U16(0)] = *--sp;
  NEXT(SetLocalChecked);
}
op_ClearLocal:
  L[U16(0)] = Value::hole();
  NEXT(ClearLocal);
op_GetArg:
  *sp++ = A[U16(0)];
  NEXT(GetArg);
op_SetArg:
  A[U16(0)] = *--sp;
  NEXT(SetArg);
op_GetEnv: {
  Ref e = ENV();
  for (uint32_t d = U16(0); d > 0; d--) e = vm.cell<EnvironmentCell>(e)->parent;
  *sp++ = vm.cell<EnvironmentCell>(e)->slots()[U16(2)];
  NEXT(GetEnv);
}
op_SetEnv: {
  Ref e = ENV();
  for (uint32_t d = U16(0); d > 0; d--) e = vm.cell<EnvironmentCell>(e)->parent;
  vm.cell<EnvironmentCell>(e)->slots()[U16(2)] = *--sp;
  NEXT(SetEnv);
}
op_GetEnvChecked: {
  Ref e = ENV();
  for (uint32_t d = U16(0); d > 0; d--) e = vm.cell<EnvironmentCell>(e)->parent;
  Value v = vm.cell<EnvironmentCell>(e)->slots()[U16(2)];
  if (v.isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, K[U32(4)]) + "' before initialization");
    goto throw_pending;
  }
  *sp++ = v;
  NEXT(GetEnvChecked);
}
op_SetEnvChecked: {
  Ref e = ENV();
  for (uint32_t d = U16(0); d > 0; d--) e = vm.cell<EnvironmentCell>(e)->parent;
  Value* slot = &vm.cell<EnvironmentCell>(e)->slots()[U16(2)];
  if (slot->isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Cannot access '" + toUtf8(vm, K[U32(4)]) + "' before initialization");
    goto throw_pending;
  }
  *slot = *--sp;
  NEXT(SetEnvChecked);
}
op_ThrowConstAssign:
  vm.throwTypeError("Assignment to constant variable.");
  goto throw_pending;
op_PushEnv: {
  Ref e = newEnvironment(vm, K[U32(0)], ENV());
  if (!e) goto throw_pending;
  S[fp_ + frame::kEnv] = Value::cell(e);
  NEXT(PushEnv);
}
op_PopEnv:
  S[fp_ + frame::kEnv] = vm.cell<EnvironmentCell>(ENV())->parent ? Value::cell(vm.cell<EnvironmentCell>(ENV())->parent)
                                                                  : Value::undefined();
  NEXT(PopEnv);
op_CloneEnv: {
  Ref e = cloneEnvironment(vm, ENV());
  if (!e) goto throw_pending;
  S[fp_ + frame::kEnv] = Value::cell(e);
  NEXT(CloneEnv);
}
op_PushWithEnv: {
  Value o = toObject(vm, sp[-1]);
  CHECK(o);
  sp[-1] = o;
  Ref e = newWithEnvironment(vm, o, ENV());
  if (!e) goto throw_pending;
  sp--;
  S[fp_ + frame::kEnv] = Value::cell(e);
  NEXT(PushWithEnv);
}
op_SaveEnv:
  L[U16(0)] = S[fp_ + frame::kEnv];
  NEXT(SaveEnv);
op_RestoreEnv:
  S[fp_ + frame::kEnv] = L[U16(0)];
  NEXT(RestoreEnv);

  // ---- global and name-based bindings ----
op_GlobalDeclarationInstantiation: {
  Status s = globalDeclarationInstantiation(vm, K[U32(0)], S[fp_ + frame::kInfo], ENV());
  CHECK_STATUS(s);
  NEXT(GlobalDeclarationInstantiation);
}
op_EvalDeclarationInstantiation: {
  Status s = evalDeclarationInstantiation(vm, K[U32(0)], S[fp_ + frame::kInfo], ENV(), STRICT());
  CHECK_STATUS(s);
  NEXT(EvalDeclarationInstantiation);
}
op_GetGlobal: {
  RESTARTABLE(Value v = getGlobal(vm, K[U32(0)]));
  CHECK(v);
  *sp++ = v;
  NEXT(GetGlobal);
}
op_TypeofGlobal: {
  Value v = typeofGlobal(vm, K[U32(0)]);
  CHECK(v);
  *sp++ = v;
  NEXT(TypeofGlobal);
}
op_SetGlobal: {
  Status s = setGlobal(vm, K[U32(0)], sp[-1], STRICT());
  CHECK_STATUS(s);
  sp--;
  NEXT(SetGlobal);
}
op_InitGlobalLexical:
  initGlobalLexical(vm, K[U32(0)], sp[-1]);
  sp--;
  NEXT(InitGlobalLexical);
op_DeleteGlobal: {
  Value v = deleteGlobal(vm, K[U32(0)]);
  CHECK(v);
  *sp++ = v;
  NEXT(DeleteGlobal);
}
op_GetName: {
  RESTARTABLE(Value v = getName(vm, ENV(), K[U32(0)]));
  CHECK(v);
  *sp++ = v;
  NEXT(GetName);
}
op_TypeofName: {
  Value v = typeofName(vm, ENV(), K[U32(0)]);
  CHECK(v);
  *sp++ = v;
  NEXT(TypeofName);
}
op_SetName: {
  Status s = setName(vm, ENV(), K[U32(0)], sp[-1], STRICT());
  CHECK_STATUS(s);
  sp--;
  NEXT(SetName);
}
op_DeleteName: {
  Value v = deleteName(vm, ENV(), K[U32(0)]);
  CHECK(v);
  *sp++ = v;
  NEXT(DeleteName);
}
op_GetNameAndThis: {
  Value thisValue = Value::undefined();
  RESTARTABLE(Value v = getName(vm, ENV(), K[U32(0)], &thisValue));
  CHECK(v);
  sp[0] = v;
  sp[1] = thisValue;
  sp += 2;
  NEXT(GetNameAndThis);
}

  // ---- modules ----
op_GetImport: {
  Value v = getImportBinding(vm, S[fp_ + frame::kInfo], ENV(), U32(0));
  CHECK(v);
  *sp++ = v;
  NEXT(GetImport);
}
op_ImportCall: {
  Value v = dynamicImport(vm, S[fp_ + frame::kInfo], sp[-1]);
  CHECK(v);
  sp[-1] = v;
  NEXT(ImportCall);
}
op_ImportMeta: {
  Value v = importMeta(vm, S[fp_ + frame::kInfo]);
  CHECK(v);
  *sp++ = v;
  NEXT(ImportMeta);
}

  // ---- frame values ----
op_LoadThis: {
  Value t = S[BASE() + 1];
  if (t.isHole()) {
    vm.throwError(ErrorType::ReferenceError,
                  "Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
    goto throw_pending;
  }
  *sp++ = t;
  NEXT(LoadThis);
}
op_LoadGlobalThis:
  *sp++ = vm.intrinsic(Intrinsic::GlobalObject);
  NEXT(LoadGlobalThis);
op_ThrowReferenceError:
  vm.throwError(ErrorType::ReferenceError, toUtf8(vm, K[U32(0)]));
  goto throw_pending;
op_LoadThisRaw:
  *sp++ = S[BASE() + 1];
  NEXT(LoadThisRaw);
op_LoadNewTarget:
  *sp++ = S[fp_ + frame::kNewTarget];
  NEXT(LoadNewTarget);
op_LoadCallee:
  *sp++ = S[BASE()];
  NEXT(LoadCallee);
op_LoadHomeObject: {
  Value callee = S[BASE()];
  *sp++ = kindOf(vm, callee) == CellKind::Function ? vm.cell<FunctionCell>(callee)->home : Value::undefined();
  NEXT(LoadHomeObject);
}
op_BindThis: {
  Value* t = &S[BASE() + 1];
  if (!t->isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Super constructor may only be called once");
    goto throw_pending;
  }
  *t = sp[-1];
  NEXT(BindThis);
}
op_InitThisEnv: {
  Ref e = ENV();
  for (uint32_t d = U16(0); d > 0; d--) e = vm.cell<EnvironmentCell>(e)->parent;
  Value* slot = &vm.cell<EnvironmentCell>(e)->slots()[U16(2)];
  if (!slot->isHole()) {
    vm.throwError(ErrorType::ReferenceError, "Super constructor may only be called once");
    goto throw_pending;
  }
  *slot = sp[-1];
  NEXT(InitThisEnv);
}
op_CreateArguments: {
  uint32_t argc = uint32_t(S[fp_ + frame::kArgc].asInt());
  Value a = createArgumentsObject(vm, S[BASE()], A, argc, ArgumentsKind(fi->extra0) == ArgumentsKind::Mapped);
  CHECK(a);
  *sp++ = a;
  NEXT(CreateArguments);
}
op_CreateRestArray: {
  uint32_t argc = uint32_t(S[fp_ + frame::kArgc].asInt());
  uint32_t from = U16(0);
  uint32_t n = argc > from ? argc - from : 0;
  Value a = newArrayFrom(vm, {A + from, n});
  CHECK(a);
  *sp++ = a;
  NEXT(CreateRestArray);
}

  // ---- generators and async functions ----
op_InitialYield: {
  bool async = (fi->flags & kAsync) != 0;
  Value gen = newGeneratorObject(vm, S[BASE()], async);
  CHECK(gen);
  S[fp_ + frame::kGenerator] = gen;
  pc += instructionSize(Op::InitialYield);
  if (saveGeneratorFrame(vm, gen, S, BASE(), fp_, uint32_t(sp - S), uint32_t(pc - code), kSuspendedStart) ==
      Status::Exception)
    goto throw_pending;
  // The call returns the generator object.
  Value v = S[fp_ + frame::kGenerator];
  int32_t flags = S[fp_ + frame::kFlags].asInt();
  uint32_t base = BASE();
  int32_t callerFp = S[fp_ + frame::kCallerFp].asInt();
  int32_t callerPc = S[fp_ + frame::kCallerPc].asInt();
  sp = S + base;
  if (flags & frame::kNativeBoundary) {
    st->length = base;
    return v;
  }
  fp_ = uint32_t(callerFp);
  LOAD_FRAME();
  pc = code + callerPc;
  *sp++ = v;
  DISPATCH();
}
op_Yield:
op_YieldRaw: {
  // Suspend: the frame is saved, the yielded value goes back to the native
  // that resumed this frame (generator next/throw/return).
  Value v = *--sp;
  bool raw = *pc == uint8_t(Op::YieldRaw);
  Value gen = S[fp_ + frame::kGenerator];
  uint32_t base = BASE();
  sp[0] = v;  // keep v rooted while the frame is saved
  st->length = uint32_t(sp - S) + 1;
  if (saveGeneratorFrame(vm, gen, S, base, fp_, uint32_t(sp - S), uint32_t(pc - code),
                         raw ? kSuspendedYieldRaw : kSuspendedYield) == Status::Exception)
    goto throw_pending;
  v = sp[0];
  st->length = base;
  return v;
}
op_AsyncFunctionEnter: {
  if (!vm.promises) {
    vm.throwError(ErrorType::SyntaxError, "async functions need Promise, which this realm lacks");
    goto throw_pending;
  }
  Value promise = vm.promises->newPromise(vm);
  CHECK(promise);
  *sp++ = promise;  // rooted while the async object is made
  Value gen = newObjectOfKind(vm, CellKind::Generator, sizeof(GeneratorCell), Value::null());
  CHECK(gen);
  auto* gc = vm.cell<GeneratorCell>(gen);
  gc->state = Value::int32(kExecuting);
  gc->frame = Value::undefined();
  gc->function = S[BASE()];
  gc->extra = *--sp;
  S[fp_ + frame::kGenerator] = gen;
  NEXT(AsyncFunctionEnter);
}
op_Await: {
  // Suspend the frame; the promise reactions resume it (PromiseHooks::await).
  Value gen = S[fp_ + frame::kGenerator];
  if (!gen.isObject() || !vm.promises) {
    vm.throwError(ErrorType::SyntaxError, "await is only valid in async functions and the top level bodies of modules");
    goto throw_pending;
  }
  if (saveGeneratorFrame(vm, gen, S, BASE(), fp_, uint32_t(sp - S) - 1, uint32_t(pc - code), kAwaiting) ==
      Status::Exception)
    goto throw_pending;
  if (vm.promises->await(vm, gen, sp[-1]) == Status::Exception) goto throw_pending;
  goto leave_async_frame;
}
op_AsyncFunctionResolve:
op_AsyncFunctionReject: {
  Value gen = S[fp_ + frame::kGenerator];
  Value promise = vm.cell<GeneratorCell>(gen)->extra;
  Status s = *pc == uint8_t(Op::AsyncFunctionResolve) ? vm.promises->resolve(vm, promise, sp[-1])
                                                      : vm.promises->reject(vm, promise, sp[-1]);
  CHECK_STATUS(s);
  gen = S[fp_ + frame::kGenerator];
  vm.cell<GeneratorCell>(gen)->state = Value::int32(kCompleted);
  vm.cell<GeneratorCell>(gen)->frame = Value::undefined();
  goto leave_async_frame;
}
leave_async_frame: {
  // The original call gets the async function's promise; a resumption (from
  // a promise job) returns undefined to the native that resumed it.
  int32_t flags = S[fp_ + frame::kFlags].asInt();
  Value gen = S[fp_ + frame::kGenerator];
  Value v = (flags & kResumed) ? Value::undefined() : vm.cell<GeneratorCell>(gen)->extra;
  uint32_t base = BASE();
  int32_t callerFp = S[fp_ + frame::kCallerFp].asInt();
  int32_t callerPc = S[fp_ + frame::kCallerPc].asInt();
  sp = S + base;
  if (flags & frame::kNativeBoundary) {
    st->length = base;
    return v;
  }
  fp_ = uint32_t(callerFp);
  LOAD_FRAME();
  pc = code + callerPc;
  *sp++ = v;
  DISPATCH();
}
op_GetAsyncIterator: {
  // GetIterator(obj, async) (§7.4.3): @@asyncIterator, else the sync
  // iterator wrapped by CreateAsyncFromSyncIterator.
  Value method = getMethod(vm, sp[-1], vm.wellKnown(WellKnown::asyncIterator));
  CHECK(method);
  if (!method.isUndefined()) {
    Value iter = kiln::call(vm, method, sp[-1]);
    CHECK(iter);
    if (!iter.isObject()) {
      vm.throwTypeError("Result of the Symbol.asyncIterator method is not an object");
      goto throw_pending;
    }
    sp[-1] = iter;
    Value next = get(vm, iter, vm.atom(Atom::next));
    CHECK(next);
    *sp++ = next;
    NEXT(GetAsyncIterator);
  }
  Value next;
  Value syncIter = getIterator(vm, sp[-1], &next);
  CHECK(syncIter);
  sp[-1] = syncIter;
  *sp++ = next;
  if (!vm.createAsyncFromSyncIterator) {
    vm.throwTypeError("async iteration is not available");
    goto throw_pending;
  }
  Value asyncIter = vm.createAsyncFromSyncIterator(vm, sp[-2], sp[-1]);
  CHECK(asyncIter);
  sp[-2] = asyncIter;
  Value asyncNext = get(vm, asyncIter, vm.atom(Atom::next));
  CHECK(asyncNext);
  sp[-1] = asyncNext;
  NEXT(GetAsyncIterator);
}

  // ---- operators ----
#define ARITH(name, OPK, intExpr, dblExpr)                       \
  op_##name : {                                                  \
    Value a = sp[-2], b = sp[-1];                                \
    if (a.isInt() && b.isInt()) {                                \
      int64_t x = a.asInt(), y = b.asInt();                      \
      (void)x; (void)y;                                          \
      intExpr;                                                   \
    } else if (a.isNumber() && b.isNumber()) {                   \
      double x = a.toDouble(), y = b.toDouble();                 \
      (void)x; (void)y;                                          \
      dblExpr;                                                   \
    } else {                                                     \
      Value r = binaryOp(vm, BinaryOp::OPK, a, b);               \
      CHECK(r);                                                  \
      sp[-2] = r;                                                \
    }                                                            \
    sp--;                                                        \
    NEXT(name);                                                  \
  }
  ARITH(Add, Add, sp[-2] = Value::number(double(x + y)), sp[-2] = Value::number(x + y))
  ARITH(Sub, Sub, sp[-2] = Value::number(double(x - y)), sp[-2] = Value::number(x - y))
  ARITH(Mul, Mul, { int64_t r = x * y; sp[-2] = (r == 0 && (x < 0 || y < 0)) ? Value::rawDouble(-0.0) : Value::number(double(r)); },
        sp[-2] = Value::number(x * y))
  ARITH(Div, Div, sp[-2] = Value::number(double(x) / double(y)), sp[-2] = Value::number(x / y))
  ARITH(Mod, Mod,
        {
          if (y > 0 && x >= 0) sp[-2] = Value::int32(int32_t(x % y));
          else sp[-2] = binaryOp(vm, BinaryOp::Mod, a, b);
        },
        sp[-2] = binaryOp(vm, BinaryOp::Mod, a, b))
  ARITH(Exp, Exp, sp[-2] = binaryOp(vm, BinaryOp::Exp, a, b), sp[-2] = binaryOp(vm, BinaryOp::Exp, a, b))
  ARITH(Shl, Shl, sp[-2] = Value::int32(int32_t(uint32_t(x) << (y & 31))), sp[-2] = binaryOp(vm, BinaryOp::Shl, a, b))
  ARITH(Shr, Shr, sp[-2] = Value::int32(int32_t(x) >> (y & 31)), sp[-2] = binaryOp(vm, BinaryOp::Shr, a, b))
  ARITH(UShr, UShr, sp[-2] = Value::number(double(uint32_t(x) >> (y & 31))), sp[-2] = binaryOp(vm, BinaryOp::UShr, a, b))
  ARITH(BitAnd, BitAnd, sp[-2] = Value::int32(int32_t(x & y)), sp[-2] = binaryOp(vm, BinaryOp::BitAnd, a, b))
  ARITH(BitOr, BitOr, sp[-2] = Value::int32(int32_t(x | y)), sp[-2] = binaryOp(vm, BinaryOp::BitOr, a, b))
  ARITH(BitXor, BitXor, sp[-2] = Value::int32(int32_t(x ^ y)), sp[-2] = binaryOp(vm, BinaryOp::BitXor, a, b))
#undef ARITH

#define COMPARE(name, expr, leftFirst, swapArgs, negate)                                   \
  op_##name : {                                                                            \
    Value a = sp[-2], b = sp[-1];                                                          \
    if (a.isInt() && b.isInt()) {                                                          \
      int32_t x = a.asInt(), y = b.asInt();                                                \
      sp[-2] = Value::boolean(expr);                                                       \
    } else if (a.isNumber() && b.isNumber()) {                                             \
      double x = a.toDouble(), y = b.toDouble();                                           \
      sp[-2] = Value::boolean(expr);                                                       \
    } else {                                                                               \
      Value r = swapArgs ? lessThan(vm, b, a, leftFirst) : lessThan(vm, a, b, leftFirst);  \
      CHECK(r);                                                                            \
      bool t = r.isUndefined() ? false : (negate ? !r.asBool() : r.asBool());              \
      sp[-2] = Value::boolean(t);                                                          \
    }                                                                                      \
    sp--;                                                                                  \
    NEXT(name);                                                                            \
  }
  COMPARE(Lt, x < y, true, false, false)
  COMPARE(Gt, x > y, false, true, false)
  COMPARE(Le, x <= y, false, true, true)
  COMPARE(Ge, x >= y, true, false, true)
#undef COMPARE

op_Eq: {
  Value r = looseEquals(vm, sp[-2], sp[-1]);
  CHECK(r);
  sp[-2] = r;
  sp--;
  NEXT(Eq);
}
op_Ne: {
  Value r = looseEquals(vm, sp[-2], sp[-1]);
  CHECK(r);
  sp[-2] = Value::boolean(!r.asBool());
  sp--;
  NEXT(Ne);
}
op_StrictEq:
  sp[-2] = Value::boolean(strictEquals(vm, sp[-2], sp[-1]));
  sp--;
  NEXT(StrictEq);
op_StrictNe:
  sp[-2] = Value::boolean(!strictEquals(vm, sp[-2], sp[-1]));
  sp--;
  NEXT(StrictNe);
op_In: {
  Value o = sp[-1];
  if (!o.isObject()) {
    vm.throwTypeError("Cannot use 'in' operator to search for '" + describe(vm, sp[-2]) + "' in " + describe(vm, o));
    goto throw_pending;
  }
  Value key = toPropertyKey(vm, sp[-2]);
  CHECK(key);
  sp[-2] = key;
  Status s = hasProperty(vm, sp[-1], key);
  CHECK_STATUS(s);
  sp[-2] = Value::boolean(s == Status::True);
  sp--;
  NEXT(In);
}
op_InstanceOf: {
  Value r = instanceOf(vm, sp[-2], sp[-1]);
  CHECK(r);
  sp[-2] = r;
  sp--;
  NEXT(InstanceOf);
}
op_HasPrivate: {
  Value r = hasPrivate(vm, sp[-2], sp[-1]);
  CHECK(r);
  sp[-2] = r;
  sp--;
  NEXT(HasPrivate);
}
op_Neg: {
  Value a = sp[-1];
  if (a.isInt() && a.asInt() != 0 && a.asInt() != INT32_MIN) {
    sp[-1] = Value::int32(-a.asInt());
  } else {
    Value r = unaryMinus(vm, a);
    CHECK(r);
    sp[-1] = r;
  }
  NEXT(Neg);
}
op_Plus: {
  Value r = toNumber(vm, sp[-1]);
  CHECK(r);
  sp[-1] = r;
  NEXT(Plus);
}
op_BitNot: {
  Value a = sp[-1];
  if (a.isInt()) {
    sp[-1] = Value::int32(~a.asInt());
  } else {
    Value r = bitwiseNot(vm, a);
    CHECK(r);
    sp[-1] = r;
  }
  NEXT(BitNot);
}
op_Not:
  sp[-1] = Value::boolean(!toBoolean(vm, sp[-1]));
  NEXT(Not);
op_Typeof:
  sp[-1] = typeOf(vm, sp[-1]);
  NEXT(Typeof);
op_ToNumeric: {
  Value r = toNumeric(vm, sp[-1]);
  CHECK(r);
  sp[-1] = r;
  NEXT(ToNumeric);
}
op_Inc: {
  Value a = sp[-1];
  if (a.isInt() && a.asInt() != INT32_MAX) {
    sp[-1] = Value::int32(a.asInt() + 1);
  } else {
    Value r = increment(vm, a, 1);
    CHECK(r);
    sp[-1] = r;
  }
  NEXT(Inc);
}
op_Dec: {
  Value a = sp[-1];
  if (a.isInt() && a.asInt() != INT32_MIN) {
    sp[-1] = Value::int32(a.asInt() - 1);
  } else {
    Value r = increment(vm, a, -1);
    CHECK(r);
    sp[-1] = r;
  }
  NEXT(Dec);
}
op_ToPropertyKey: {
  Value r = toPropertyKey(vm, sp[-1]);
  CHECK(r);
  sp[-1] = r;
  NEXT(ToPropertyKey);
}
op_ToString: {
  Value r = toString(vm, sp[-1]);
  CHECK(r);
  sp[-1] = r;
  NEXT(ToString);
}
op_RequireObjectCoercible:
  if (sp[-1].isNullish()) {
    vm.throwTypeError(std::string("Cannot destructure '") + describe(vm, sp[-1]) + "' as it is " +
                      (sp[-1].isNull() ? "null." : "undefined."));
    goto throw_pending;
  }
  NEXT(RequireObjectCoercible);
op_ThrowIfNotObject:
  if (!sp[-1].isObject()) {
    vm.throwTypeError(toUtf8(vm, K[U32(0)]));
    goto throw_pending;
  }
  NEXT(ThrowIfNotObject);
op_ThrowTypeError:
  vm.throwTypeError(toUtf8(vm, K[U32(0)]));
  goto throw_pending;

  // ---- control flow ----
op_Jump:
  pc += I32(0);
  // Deadlines are checked every 64K jumps: cheap enough for every loop.
  if ((vm.deadlineNs | vm.tickBudget) != 0 && (++vm.ticks & 0xFFFF) == 0) vm.interruptRequested = true;
  if (vm.interruptRequested) goto interrupted;
  DISPATCH();
op_JumpIfTrue: {
  Value v = *--sp;
  if (v.isTrue() || (!v.isFalse() && toBoolean(vm, v))) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfTrue);
}
op_JumpIfFalse: {
  Value v = *--sp;
  if (v.isFalse() || (!v.isTrue() && !toBoolean(vm, v))) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfFalse);
}
op_JumpIfTruePeek:
  if (toBoolean(vm, sp[-1])) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfTruePeek);
op_JumpIfFalsePeek:
  if (!toBoolean(vm, sp[-1])) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfFalsePeek);
op_JumpIfNullishPeek:
  if (sp[-1].isNullish()) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfNullishPeek);
op_JumpIfNotNullishPeek:
  if (!sp[-1].isNullish()) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfNotNullishPeek);
op_JumpIfNotUndefinedPeek:
  if (!sp[-1].isUndefined()) {
    pc += I32(0);
    DISPATCH();
  }
  NEXT(JumpIfNotUndefinedPeek);

op_Return: {
  Value v = sp[-1];
  int32_t flags = S[fp_ + frame::kFlags].asInt();
  uint32_t base = BASE();
  if (S[fp_ + frame::kGenerator].isObject()) {
    auto* g = vm.cell<GeneratorCell>(S[fp_ + frame::kGenerator]);
    g->state = Value::int32(kCompleted);
    g->frame = Value::undefined();
  }
  if ((flags & frame::kConstruct) && !v.isObject()) v = S[base + 1];
  goto return_value_with_flags;
return_value:
  flags = S[fp_ + frame::kFlags].asInt();
  base = BASE();
return_value_with_flags:
  int32_t callerFp = S[fp_ + frame::kCallerFp].asInt();
  int32_t callerPc = S[fp_ + frame::kCallerPc].asInt();
  sp = S + base;
  if (flags & frame::kNativeBoundary) {
    st->length = base;
    return v;
  }
  fp_ = uint32_t(callerFp);
  LOAD_FRAME();
  pc = code + callerPc;
  if (!(flags & kDiscardResult)) *sp++ = v;
  DISPATCH();
op_DerivedReturn: {
  Value rv = sp[-2], thisValue = sp[-1];
  if (rv.isObject()) {
    v = rv;
  } else if (!rv.isUndefined()) {
    vm.throwTypeError("Derived constructors may only return object or undefined");
    goto throw_pending;
  } else if (thisValue.isHole()) {
    vm.throwError(ErrorType::ReferenceError,
                  "Must call super constructor in derived class before accessing 'this' or returning from derived constructor");
    goto throw_pending;
  } else {
    v = thisValue;
  }
  goto return_value;
}
}
op_Throw:
  vm.throwValue(sp[-1]);
  goto throw_pending;

  // ---- properties ----
op_GetProp: {
  Value o = sp[-1];
  Value* ic = icEntry(vm, fi, U32(4));
  if (cachedGet(vm, o, ic, &sp[-1])) NEXT(GetProp);
  if (o.isNullish()) {
    nullishPropertyError(vm, o, K[U32(0)], true);
    goto throw_pending;
  }
  RESTARTABLE(Value v = getNamedCached(vm, o, nameKey(vm, K[U32(0)]), ic));
  CHECK(v);
  sp[-1] = v;
  NEXT(GetProp);
}
op_SetProp: {
  Value o = sp[-2];
  Value* ic = icEntry(vm, fi, U32(4));
  if (o.isObject()) {
    ObjectCell* oc = vm.cell<ObjectCell>(o);
    if (Value::cell(oc->shape) == ic[0] && ic[2].isUndefined()) {
      *slotAddress(vm, oc, uint32_t(ic[1].asInt())) = sp[-1];
      sp[-2] = sp[-1];
      sp--;
      NEXT(SetProp);
    }
  } else if (o.isNullish()) {
    nullishPropertyError(vm, o, K[U32(0)], false);
    goto throw_pending;
  }
  Status s = setNamedCached(vm, o, nameKey(vm, K[U32(0)]), sp[-1], ic, STRICT());
  CHECK_STATUS(s);
  sp[-2] = sp[-1];
  sp--;
  NEXT(SetProp);
}
op_GetElem: {
  Value o = sp[-2], key = sp[-1];
  Value v;
  if (fastGetElement(vm, o, key, &v)) {
    sp[-2] = v;
    sp--;
    NEXT(GetElem);
  }
  if (o.isNullish()) {
    Value k = toPropertyKey(vm, key);
    CHECK(k);
    nullishPropertyError(vm, sp[-2], k, true);
    goto throw_pending;
  }
  if (o.isString() && key.isInt() && key.asInt() >= 0 && uint32_t(key.asInt()) < stringLength(vm, o)) {
    char16_t c = str(vm, o)->at(uint32_t(key.asInt()));
    v = newStringUtf16(vm, &c, 1);
    CHECK(v);
    sp[-2] = v;
    sp--;
    NEXT(GetElem);
  }
  Value k = toPropertyKey(vm, key);
  CHECK(k);
  sp[-1] = k;  // restarting the instruction with the key in place is the same
  RESTARTABLE(v = getV(vm, sp[-2], k));
  CHECK(v);
  sp[-2] = v;
  sp--;
  NEXT(GetElem);
}
op_SetElem: {
  Value o = sp[-3], key = sp[-2], v = sp[-1];
  if (fastSetElement(vm, o, key, v)) {
    sp[-3] = v;
    sp -= 2;
    NEXT(SetElem);
  }
  if (o.isNullish()) {
    Value k = toPropertyKey(vm, key);
    CHECK(k);
    nullishPropertyError(vm, sp[-3], k, false);
    goto throw_pending;
  }
  Value k = toPropertyKey(vm, key);
  CHECK(k);
  sp[-2] = k;
  Status s = putValue(vm, sp[-3], k, sp[-1], STRICT());
  CHECK_STATUS(s);
  sp[-3] = sp[-1];
  sp -= 2;
  NEXT(SetElem);
}
op_GetMethod: {
  Value o = sp[-1];
  Value* ic = icEntry(vm, fi, U32(4));
  if (cachedGet(vm, o, ic, &sp[-1])) {
    *sp++ = o;
    NEXT(GetMethod);
  }
  if (o.isNullish()) {
    nullishPropertyError(vm, o, K[U32(0)], true);
    goto throw_pending;
  }
  RESTARTABLE(Value f = getNamedCached(vm, o, nameKey(vm, K[U32(0)]), ic));
  CHECK(f);
  sp[0] = sp[-1];
  sp[-1] = f;
  sp++;
  NEXT(GetMethod);
}
op_GetMethodElem: {
  Value o = sp[-2];
  if (o.isNullish()) {
    Value k = toPropertyKey(vm, sp[-1]);
    CHECK(k);
    nullishPropertyError(vm, sp[-2], k, true);
    goto throw_pending;
  }
  Value k = toPropertyKey(vm, sp[-1]);
  CHECK(k);
  sp[-1] = k;
  Value f = getV(vm, sp[-2], k);
  CHECK(f);
  sp[-1] = sp[-2];
  sp[-2] = f;
  NEXT(GetMethodElem);
}
op_GetMethodOrUndefined: {
  Value f = getMethod(vm, sp[-1], nameKey(vm, K[U32(0)]));
  CHECK(f);
  sp[0] = sp[-1];
  sp[-1] = f;
  sp++;
  NEXT(GetMethodOrUndefined);
}
op_DeleteProp: {
  Value r = deleteValue(vm, sp[-1], nameKey(vm, K[U32(0)]), STRICT());
  CHECK(r);
  sp[-1] = r;
  NEXT(DeleteProp);
}
op_DeleteElem: {
  Value o = toObject(vm, sp[-2]);
  CHECK(o);
  sp[-2] = o;
  Value k = toPropertyKey(vm, sp[-1]);
  CHECK(k);
  sp[-1] = k;
  Value r = deleteValue(vm, sp[-2], k, STRICT());
  CHECK(r);
  sp[-2] = r;
  sp--;
  NEXT(DeleteElem);
}
op_GetSuperProp: {
  Value home = sp[-2];
  if (!home.isObject()) {
    vm.throwTypeError("'super' keyword unexpected here");
    goto throw_pending;
  }
  Value base = getPrototypeOf(vm, home);
  CHECK(base);
  if (base.isNull()) {
    vm.throwTypeError("Cannot read properties of null (reading '" + keyText(vm, sp[-1]) + "')");
    goto throw_pending;
  }
  sp[-2] = base;
  Value v = get(vm, base, sp[-1], sp[-3]);
  CHECK(v);
  sp[-3] = v;
  sp -= 2;
  NEXT(GetSuperProp);
}
op_SetSuperProp: {
  Value home = sp[-3];
  if (!home.isObject()) {
    vm.throwTypeError("'super' keyword unexpected here");
    goto throw_pending;
  }
  Value base = getPrototypeOf(vm, home);
  CHECK(base);
  if (base.isNull()) {
    vm.throwTypeError("Cannot set properties of null (setting '" + keyText(vm, sp[-2]) + "')");
    goto throw_pending;
  }
  sp[-3] = base;
  Status s = set(vm, base, sp[-2], sp[-1], sp[-4]);
  CHECK_STATUS(s);
  if (s == Status::False && STRICT()) {
    vm.throwTypeError("Cannot assign to read only property '" + keyText(vm, sp[-2]) + "' of object");
    goto throw_pending;
  }
  sp[-4] = sp[-1];
  sp -= 3;
  NEXT(SetSuperProp);
}
op_GetSuperConstructor: {
  Value p = getPrototypeOf(vm, sp[-1]);
  CHECK(p);
  sp[-1] = p;
  NEXT(GetSuperConstructor);
}

  // ---- private names ----
op_NewPrivateName: {
  Value pn = newPrivateName(vm, K[U32(0)]);
  CHECK(pn);
  *sp++ = pn;
  NEXT(NewPrivateName);
}
op_DefinePrivateMethod:
  definePrivateMethod(vm, sp[-2], sp[-1], U8(0));
  sp -= 2;
  NEXT(DefinePrivateMethod);
op_AddPrivateMethod: {
  Status s = addPrivateMethod(vm, sp[-2], sp[-1]);
  CHECK_STATUS(s);
  sp -= 2;
  NEXT(AddPrivateMethod);
}
op_DefinePrivateField: {
  Status s = definePrivateField(vm, sp[-3], sp[-2], sp[-1]);
  CHECK_STATUS(s);
  sp -= 3;
  NEXT(DefinePrivateField);
}
op_GetPrivate: {
  Value v = getPrivate(vm, sp[-2], sp[-1]);
  CHECK(v);
  sp[-2] = v;
  sp--;
  NEXT(GetPrivate);
}
op_SetPrivate: {
  Status s = setPrivate(vm, sp[-3], sp[-2], sp[-1]);
  CHECK_STATUS(s);
  sp[-3] = sp[-1];
  sp -= 2;
  NEXT(SetPrivate);
}

  // ---- literals, functions, classes ----
op_CreateObject: {
  Value o = newObject(vm);
  CHECK(o);
  *sp++ = o;
  NEXT(CreateObject);
}
op_CreateArray: {
  Value a = newArray(vm, 0);
  CHECK(a);
  *sp++ = a;
  NEXT(CreateArray);
}
op_ArrayLiteral: {
  uint32_t n = U32(0);
  Value a = newArrayFrom(vm, {sp - n, n});
  CHECK(a);
  sp -= n;
  *sp++ = a;
  NEXT(ArrayLiteral);
}
op_ArrayPush: {
  Status s = arrayPush(vm, sp[-2], sp[-1]);
  CHECK_STATUS(s);
  sp--;
  NEXT(ArrayPush);
}
op_ArrayPushHole: {
  auto* a = vm.cell<ArrayCell>(sp[-1]);
  a->length++;
  NEXT(ArrayPushHole);
}
op_InitProp: {
  Status s = createDataPropertyOrThrow(vm, sp[-2], nameKey(vm, K[U32(0)]), sp[-1]);
  CHECK_STATUS(s);
  sp--;
  NEXT(InitProp);
}
op_InitElem: {
  if (sp[-2].isString()) {
    Value k = keyFromString(vm, sp[-2]);
    CHECK(k);
    sp[-2] = k;
  }
  Status s = createDataPropertyOrThrow(vm, sp[-3], sp[-2], sp[-1]);
  CHECK_STATUS(s);
  sp -= 2;
  NEXT(InitElem);
}
op_InitProtoLiteral: {
  Value v = sp[-1];
  if (v.isObject() || v.isNull()) setPrototypeOf(vm, sp[-2], v);
  sp--;
  NEXT(InitProtoLiteral);
}
op_CopyDataProperties: {
  Value r = copyDataProperties(vm, sp[-2], sp[-1], {});
  CHECK(r);
  sp--;
  NEXT(CopyDataProperties);
}
op_ObjectRest: {
  uint32_t n = U16(0);
  Value o = newObject(vm);
  CHECK(o);
  *sp++ = o;  // keep it rooted
  Value r = copyDataProperties(vm, o, sp[-2 - int(n)], {sp - 1 - n, n});
  CHECK(r);
  sp -= n + 1;
  sp[-1] = r;
  NEXT(ObjectRest);
}
op_DefineMethod: {
  Status s = defineMethodProperty(vm, sp[-3], sp[-2], sp[-1], 0, U8(0) != 0);
  CHECK_STATUS(s);
  sp -= 2;
  NEXT(DefineMethod);
}
op_DefineGetter: {
  Status s = defineMethodProperty(vm, sp[-3], sp[-2], sp[-1], 1, U8(0) != 0);
  CHECK_STATUS(s);
  sp -= 2;
  NEXT(DefineGetter);
}
op_DefineSetter: {
  Status s = defineMethodProperty(vm, sp[-3], sp[-2], sp[-1], 2, U8(0) != 0);
  CHECK_STATUS(s);
  sp -= 2;
  NEXT(DefineSetter);
}
op_SetFunctionName: {
  uint8_t p = U8(0);
  Value prefix = p == 1 ? vm.atom(Atom::get_space) : p == 2 ? vm.atom(Atom::set_space) : Value::undefined();
  Status s = setFunctionName(vm, sp[-2], sp[-1], prefix);
  CHECK_STATUS(s);
  sp--;
  NEXT(SetFunctionName);
}
op_SetHomeObject:
  if (kindOf(vm, sp[-2]) == CellKind::Function) vm.cell<FunctionCell>(sp[-2])->home = sp[-1];
  sp--;
  NEXT(SetHomeObject);
op_Closure: {
  Value childInfo = vm.cell<ValueArrayCell>(fi->children)->data()[U32(0)];
  Value f = newClosure(vm, childInfo, ENV());
  CHECK(f);
  *sp++ = f;
  NEXT(Closure);
}
op_CreateClass: {
  Value cc = K[U32(0)];
  bool hasHeritage = vm.cell<ValueArrayCell>(cc)->data()[2].isTrue();
  Value heritage = hasHeritage ? sp[-1] : Value::undefined();
  Value proto;
  Value ctor = createClass(vm, cc, S[fp_ + frame::kInfo], ENV(), heritage, hasHeritage, &proto);
  CHECK(ctor);
  if (hasHeritage) sp--;
  sp[0] = ctor;
  sp[1] = proto;
  sp += 2;
  NEXT(CreateClass);
}
op_SetClassFieldInit:
  vm.cell<FunctionCell>(sp[-2])->fields = sp[-1];
  sp--;
  NEXT(SetClassFieldInit);
op_InitFields: {
  Value ctor = sp[-1];
  Value fields = kindOf(vm, ctor) == CellKind::Function ? vm.cell<FunctionCell>(ctor)->fields : Value::undefined();
  if (!fields.isObject()) {
    sp -= 2;
    NEXT(InitFields);
  }
  // [thisObj F] -> [fields thisObj]: call it as a frame whose result is discarded.
  uint32_t base = uint32_t(sp - S) - 2;
  S[base + 1] = S[base];
  S[base] = fields;
  pc += instructionSize(Op::InitFields);
  savedPc_ = uint32_t(pc - code);
  st->length = base + 2;
  if (!pushFrame(fields, base, 0, Value::undefined(), kDiscardResult)) goto throw_pending;
  LOAD_FRAME();
  sp = S + st->length;
  pc = code;
  DISPATCH();
}
op_NewRegExp: {
  Value r = newRegExpFromConstant(vm, K[U32(0)]);
  CHECK(r);
  *sp++ = r;
  NEXT(NewRegExp);
}
op_GetTemplateObject: {
  Value t = getTemplateObject(vm, K[U32(0)]);
  CHECK(t);
  *sp++ = t;
  NEXT(GetTemplateObject);
}

  // ---- calls ----
  {
    uint32_t base, argc;
    Value newTarget;
    int32_t callFlags;

op_Call:
    argc = U16(0);
    base = uint32_t(sp - S) - argc - 2;
    pc += instructionSize(Op::Call);
    goto do_call;

op_CallSpread: {
    Value arr = sp[-1];
    base = uint32_t(sp - S) - 3;
    auto* a = vm.cell<ArrayCell>(arr);
    argc = a->length;
    if (size_t(base) + 2 + argc + 64 > st->capacity) {
      vm.throwRangeError("Maximum call stack size exceeded");
      goto throw_pending;
    }
    spreadArguments(vm, a, S + base + 2);
    sp = S + base + 2 + argc;
    pc += instructionSize(Op::CallSpread);
    goto do_call;
}

op_DirectEval: {
    argc = U16(0);
    base = uint32_t(sp - S) - argc - 2;
    uint8_t evalFlags = U8(2);
    pc += instructionSize(Op::DirectEval);
    if (S[base] != vm.intrinsic(Intrinsic::Eval)) goto do_call;
    if (argc == 0 || !S[base + 2].isString()) {
      Value r = argc == 0 ? Value::undefined() : S[base + 2];
      sp = S + base;
      *sp++ = r;
      DISPATCH();
    }
    // Compile the eval code against the current scope chain, then run it as
    // a frame sharing this frame's callee, this and new.target.
    Value evalInfo = compileDirectEval(vm, S[base + 2], fp_, (evalFlags & 1) != 0);
    if (evalInfo.isException()) {
      savedPc_ = uint32_t(pc - code) - instructionSize(Op::DirectEval);
      goto throw_pending;
    }
    uint32_t myBase = BASE();
    S[base] = S[myBase];
    S[base + 1] = S[myBase + 1];
    S[base + 2] = evalInfo;  // rooted while the frame is built
    sp = S + base + 3;
    savedPc_ = uint32_t(pc - code);
    st->length = uint32_t(sp - S);
    if (!pushEvalFrame(base, evalInfo, ENV(), S[fp_ + frame::kNewTarget])) {
      savedPc_ = uint32_t(pc - code) - instructionSize(Op::DirectEval);
      goto throw_pending;
    }
    LOAD_FRAME();
    sp = S + st->length;
    pc = code;
    DISPATCH();
}

do_call:
    for (;;) {
      Value callee = S[base];
      CellKind kind = callee.isObject() ? kindOf(vm, callee) : CellKind::Free;
      if (kind == CellKind::Function) {
        auto* f = vm.cell<FunctionCell>(callee);
        if (f->flags & ObjectCell::kClassConstructor) {
          savedPc_ = lastCallPc(pc, code);
          Value name = get(vm, callee, vm.atom(Atom::name));
          vm.throwTypeError("Class constructor " + (name.isString() ? toUtf8(vm, name) : std::string()) +
                            " cannot be invoked without 'new'");
          goto throw_pending;
        }
        savedPc_ = uint32_t(pc - code);
        st->length = base + 2 + argc;
        if (!pushFrame(callee, base, argc, Value::undefined(), 0)) {
          savedPc_ = lastCallPc(pc, code);
          goto throw_pending;
        }
        LOAD_FRAME();
        sp = S + st->length;
        pc = code;
        if (vm.interruptRequested) goto interrupted;
        DISPATCH();
      }
      if (kind == CellKind::NativeFunction) {
        auto* nf = vm.cell<NativeFunctionCell>(callee);
        st->length = base + 2 + argc;
        if (vm.buildMode && vm.natives().entries[nf->native].effect != Effect::Pure) [[unlikely]] {
          if (pauseBeforeNative(nf->native, base, argc, false, uint32_t(pc - code))) return Value::exception();
          savedPc_ = lastCallPc(pc, code);
          goto throw_pending;
        }
        CallInfo info{S[base + 1], callee, Value::undefined(), argc, S + base + 2};
        NativeFn fn = vm.natives().entries[nf->native].fn;
        vm.runningNative = nf->native;  // for checkpoint()'s errors; boundaries restore it
        Value r = fn ? fn(vm, info) : vm.throwTypeError(std::string(vm.natives().entries[nf->native].name) + " is not implemented");
        if (r.isException()) goto throw_pending;
        sp = S + base;
        *sp++ = r;
        // Calls the native made (a forEach callback...) may have hit the deadline.
        if (vm.interruptRequested) goto interrupted;
        DISPATCH();
      }
      if (kind == CellKind::BoundFunction) {
        int64_t n = unwrapBoundOnStack(vm, S, base, argc, false, st->capacity);
        if (n < 0) {
          vm.throwRangeError("Maximum call stack size exceeded");
          goto throw_pending;
        }
        argc = uint32_t(n);
        sp = S + base + 2 + argc;
        st->length = uint32_t(sp - S);
        continue;
      }
      if (kind == CellKind::Proxy && isCallable(vm, callee)) {
        Value r = proxyCall(vm, callee, S[base + 1], {S + base + 2, argc});
        if (r.isException()) goto throw_pending;
        sp = S + base;
        *sp++ = r;
        DISPATCH();
      }
      savedPc_ = lastCallPc(pc, code);
      vm.throwTypeError(describeCallee(vm, S[base]) + " is not a function");
      goto throw_pending;
    }

op_New:
    argc = U16(0);
    base = uint32_t(sp - S) - argc - 1;
    // [callee args...] -> [callee this args...]
    std::memmove(S + base + 2, S + base + 1, argc * sizeof(Value));
    S[base + 1] = Value::undefined();
    sp++;
    newTarget = S[base];
    callFlags = 0;
    pc += instructionSize(Op::New);
    goto do_construct;

op_NewSpread: {
    Value arr = sp[-1];
    base = uint32_t(sp - S) - 2;
    auto* a = vm.cell<ArrayCell>(arr);
    argc = a->length;
    if (size_t(base) + 3 + argc + 64 > st->capacity) {
      vm.throwRangeError("Maximum call stack size exceeded");
      goto throw_pending;
    }
    ValueArrayCell* e = a->elements ? vm.cell<ValueArrayCell>(a->elements) : nullptr;
    // The array may be overwritten below: copy from the end.
    S[base + 2 + argc] = arr;
    for (uint32_t i = argc; i > 0; i--) {
      Value v = (e && i - 1 < e->length) ? e->data()[i - 1] : Value::undefined();
      S[base + 1 + i] = v.isHole() ? Value::undefined() : v;
    }
    S[base + 1] = Value::undefined();
    sp = S + base + 2 + argc;
    newTarget = S[base];
    callFlags = 0;
    pc += instructionSize(Op::NewSpread);
    goto do_construct;
}

op_SuperCall:
    argc = U16(0);
    base = uint32_t(sp - S) - argc - 2;
    newTarget = S[base + 1];
    S[base + 1] = Value::undefined();
    callFlags = 0;
    pc += instructionSize(Op::SuperCall);
    goto do_construct;

op_SuperCallSpread: {
    Value arr = sp[-1];
    base = uint32_t(sp - S) - 3;
    newTarget = S[base + 1];
    auto* a = vm.cell<ArrayCell>(arr);
    argc = a->length;
    if (size_t(base) + 2 + argc + 64 > st->capacity) {
      vm.throwRangeError("Maximum call stack size exceeded");
      goto throw_pending;
    }
    spreadArguments(vm, a, S + base + 2);
    S[base + 1] = Value::undefined();
    sp = S + base + 2 + argc;
    callFlags = 0;
    pc += instructionSize(Op::SuperCallSpread);
    goto do_construct;
}

do_construct:
    for (;;) {
      Value callee = S[base];
      if (!isConstructor(vm, callee)) {
        savedPc_ = lastCallPc(pc, code);
        vm.throwTypeError(describeCallee(vm, callee) + " is not a constructor");
        goto throw_pending;
      }
      CellKind kind = kindOf(vm, callee);
      // Keep newTarget rooted just above the arguments while `this` is made.
      S[base + 2 + argc] = newTarget;
      st->length = base + 3 + argc;
      if (kind == CellKind::Function) {
        auto* cfi = vm.cell<FunctionInfoCell>(vm.cell<FunctionCell>(callee)->info);
        if (FunctionKind(cfi->kind) == FunctionKind::DerivedConstructor) {
          S[base + 1] = Value::hole();
        } else {
          Value thisObj = ordinaryCreateFromConstructor(vm, newTarget, Intrinsic::ObjectPrototype);
          if (thisObj.isException()) goto throw_pending;
          S[base + 1] = thisObj;
          newTarget = S[base + 2 + argc];
        }
        savedPc_ = uint32_t(pc - code);
        st->length = base + 2 + argc;
        if (!pushFrame(S[base], base, argc, newTarget, frame::kConstruct | callFlags)) {
          savedPc_ = lastCallPc(pc, code);
          goto throw_pending;
        }
        LOAD_FRAME();
        sp = S + st->length;
        pc = code;
        if (vm.interruptRequested) goto interrupted;
        DISPATCH();
      }
      if (kind == CellKind::NativeFunction) {
        auto* nf = vm.cell<NativeFunctionCell>(callee);
        if (vm.buildMode && vm.natives().entries[nf->native].effect != Effect::Pure) [[unlikely]] {
          if (pauseBeforeNative(nf->native, base, argc, true, uint32_t(pc - code))) return Value::exception();
          savedPc_ = lastCallPc(pc, code);
          goto throw_pending;
        }
        CallInfo info{Value::undefined(), callee, newTarget, argc, S + base + 2};
        NativeFn fn = vm.natives().entries[nf->native].fn;
        Value r = fn ? fn(vm, info) : vm.throwTypeError(std::string(vm.natives().entries[nf->native].name) + " is not implemented");
        if (r.isException()) goto throw_pending;
        sp = S + base;
        *sp++ = r;
        DISPATCH();
      }
      if (kind == CellKind::BoundFunction) {
        Value target = vm.cell<BoundFunctionCell>(callee)->target;
        if (newTarget == callee) newTarget = target;
        int64_t n = unwrapBoundOnStack(vm, S, base, argc, true, st->capacity);
        if (n < 0) {
          vm.throwRangeError("Maximum call stack size exceeded");
          goto throw_pending;
        }
        argc = uint32_t(n);
        sp = S + base + 2 + argc;
        continue;
      }
      if (kind == CellKind::Proxy) {
        Value r = proxyConstruct(vm, callee, {S + base + 2, argc}, newTarget);
        if (r.isException()) goto throw_pending;
        sp = S + base;
        *sp++ = r;
        DISPATCH();
      }
      vm.throwTypeError(describeCallee(vm, callee) + " is not a constructor");
      goto throw_pending;
    }
  }

  // ---- iteration ----
op_GetIterator: {
  Value next;
  Value iter = getIterator(vm, sp[-1], &next);
  CHECK(iter);
  sp[-1] = iter;
  *sp++ = next;
  NEXT(GetIterator);
}
op_IteratorNext: {
  Value r = kiln::call(vm, sp[-1], sp[-2]);
  CHECK(r);
  sp[-2] = r;
  sp--;
  NEXT(IteratorNext);
}
op_IteratorStep: {
  bool done = false;
  Value v = iteratorStep(vm, sp[-2], sp[-1], &done);
  CHECK(v);
  sp[-2] = v;
  sp[-1] = Value::boolean(done);
  NEXT(IteratorStep);
}
op_IteratorUnpack: {
  Value result = sp[-1];
  if (!result.isObject()) {
    vm.throwTypeError("Iterator result " + describe(vm, result) + " is not an object");
    goto throw_pending;
  }
  Value d = get(vm, result, vm.atom(Atom::done));
  CHECK(d);
  bool done = toBoolean(vm, d);
  Value v = Value::undefined();
  if (!done) {
    v = get(vm, sp[-1], vm.atom(Atom::value));
    CHECK(v);
  }
  sp[-1] = v;
  *sp++ = Value::boolean(done);
  NEXT(IteratorUnpack);
}
op_IteratorClose: {
  Status s = iteratorClose(vm, sp[-1], U8(0) != 0);
  CHECK_STATUS(s);
  sp--;
  NEXT(IteratorClose);
}
op_ForInPrepare: {
  Value state = forInPrepare(vm, sp[-1]);
  CHECK(state);
  sp[-1] = state;
  NEXT(ForInPrepare);
}
op_ForInNext: {
  bool done = false;
  Value key = forInNext(vm, sp[-1], &done);
  CHECK(key);
  sp[-1] = key;
  *sp++ = Value::boolean(done);
  NEXT(ForInNext);
}

interrupted:
  vm.interruptRequested = false;
  if (vm.buildMode && vm.tickBudget != 0 && vm.ticks >= vm.tickBudget) {
    {
      // The build's time budget: pause right here, at an instruction start.
      st->length = uint32_t(sp - S);
      if (pauseAt(uint32_t(pc - code))) return Value::exception();
      goto throw_pending;
    }
  }
  if (vm.deadlineNs != 0 && interruptExpired(vm)) {
    vm.throwTimedOut();
    goto throw_pending;
  }
  DISPATCH();

  // ---- exceptions: unwind to the innermost handler ----
throw_pending:
  // A build-time pause leaves the frames as they are.
  if (vm.pauseState == PauseState::Paused) return Value::exception();
  for (;;) {
    auto* h = vm.cell<ByteArrayCell>(fi->handlers);
    const uint32_t* entries = reinterpret_cast<const uint32_t*>(h->data());
    uint32_t count = h->length / 16;
    uint32_t at = savedPc_;
    for (uint32_t i = 0; i < count; i++) {
      const uint32_t* e = entries + i * 4;
      if (e[0] <= at && at < e[1]) {
        // Out-of-memory is not catchable by JS.
        if (vm.uncatchable()) break;
        Value exc = vm.takeException();
        sp = L + fi->localCount + e[3];
        *sp++ = exc;
        pc = code + e[2];
        DISPATCH();
      }
    }
    int32_t flags = S[fp_ + frame::kFlags].asInt();
    uint32_t base = BASE();
    int32_t callerFp = S[fp_ + frame::kCallerFp].asInt();
    int32_t callerPc = S[fp_ + frame::kCallerPc].asInt();
    st->length = base;
    if (flags & frame::kNativeBoundary) return Value::exception();
    fp_ = uint32_t(callerFp);
    LOAD_FRAME();
    savedPc_ = uint32_t(callerPc > 0 ? callerPc - 1 : 0);
    pc = code + callerPc;
  }

#undef LOAD_FRAME
#undef DISPATCH
#undef NEXT
#undef U8
#undef U16
#undef U32
#undef I32
#undef CHECK
#undef CHECK_STATUS
#undef ENV
#undef STRICT
#undef BASE
#undef RESTARTABLE
}

}  // namespace kiln
