// Runtime support for the interpreter's non-trivial opcodes: environments,
// global and name-based bindings, closures, classes, private names, template
// objects, arguments objects, for-in and iteration.
//
// Materialized constants (function_info.cpp):
//   Scope        ValueArray [flags, name0, kind0, name1, kind1, ...]
//                flags = ScopeKind | scope::kExtensible | kVarScope | kStrict
//   TemplateSite ValueArray [cooked ValueArray, raw ValueArray, template object or undefined]
//   RegExp       ValueArray [pattern, flags]
//   Declarations ValueArray [varNames, [fnName, childIndex]..., [lexName, isConst]...]
//   Class        ValueArray [constructor child index, name, hasHeritage]
// ScriptRecord   ValueArray [path, source text, line starts ByteArray]
#pragma once

#include <span>

#include "engine/vm.h"

namespace kiln {

// Inline caches: kIcWidth Values per property-access site, in
// FunctionInfoCell::icCache: [receiver shape, slot, holder or undefined, holder shape].
constexpr uint32_t kIcWidth = 4;

namespace scope {
enum : int32_t { kKindMask = 0xFF, kExtensible = 0x100, kVarScope = 0x200, kStrict = 0x400 };
}

// ---- environments -------------------------------------------------------------
Ref newEnvironment(VM& vm, Value scopeConst, Ref parent);
Ref newWithEnvironment(VM& vm, Value object, Ref parent);
Ref cloneEnvironment(VM& vm, Ref env);

// ---- globals (unresolved names) ------------------------------------------------------
Value getGlobal(VM& vm, Value name);
Value typeofGlobal(VM& vm, Value name);
Status setGlobal(VM& vm, Value name, Value v, bool strict);
Value deleteGlobal(VM& vm, Value name);
Status initGlobalLexical(VM& vm, Value name, Value v);
// GlobalDeclarationInstantiation; closures are created over `env` from `info`'s children.
Status globalDeclarationInstantiation(VM& vm, Value decls, Value info, Ref env);
Status evalDeclarationInstantiation(VM& vm, Value decls, Value info, Ref env, bool strict);

// ---- dynamic (name-based) lookups through the environment chain --------------------
Value getName(VM& vm, Ref env, Value name, Value* thisOut = nullptr);
Value typeofName(VM& vm, Ref env, Value name);
Status setName(VM& vm, Ref env, Value name, Value v, bool strict);
Value deleteName(VM& vm, Ref env, Value name);

// ---- functions and classes ------------------------------------------------------------
// CreateClass: pops per ClassConstant; returns ctor, *protoOut the prototype.
Value createClass(VM& vm, Value classConst, Value info, Ref env, Value heritage, bool hasHeritage, Value* protoOut);
Status defineMethodProperty(VM& vm, Value obj, Value key, Value fn, int kind /*0 method,1 get,2 set*/, bool enumerable);

// ---- private names --------------------------------------------------------------------
Value newPrivateName(VM& vm, Value description);
Status definePrivateMethod(VM& vm, Value pn, Value fn, int kind);
Status addPrivateMethod(VM& vm, Value obj, Value pn);
Status definePrivateField(VM& vm, Value obj, Value pn, Value v);
Value getPrivate(VM& vm, Value obj, Value pn);
Status setPrivate(VM& vm, Value obj, Value pn, Value v);
Value hasPrivate(VM& vm, Value obj, Value pn);

// ---- literals -------------------------------------------------------------------------
Value getTemplateObject(VM& vm, Value site);
Value copyDataProperties(VM& vm, Value target, Value source, std::span<const Value> excluded);
Value newRegExpFromConstant(VM& vm, Value regexpConst);

// ---- arguments ------------------------------------------------------------------------
Value createArgumentsObject(VM& vm, Value callee, const Value* args, uint32_t argc, bool mapped);

// ---- iteration ------------------------------------------------------------------------
// GetIterator(obj, sync): *nextOut receives the next method.
Value getIterator(VM& vm, Value obj, Value* nextOut);
// IteratorStep: returns value, *done set; exception on errors.
Value iteratorStep(VM& vm, Value iter, Value next, bool* done);
Status iteratorClose(VM& vm, Value iter, bool throwCompletion);
Value forInPrepare(VM& vm, Value obj);
Value forInNext(VM& vm, Value state, bool* done);

}  // namespace kiln
