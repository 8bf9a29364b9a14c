// The compiler's output: a tree of CompiledFunction, plain C++ data with no
// heap involvement. The runtime turns it into FunctionInfo cells (strings are
// interned, constants become Values or internal cells) and the interpreter
// executes the code as opcodes.def describes.
//
// Invariants:
//  - `code` is a sequence of whole instructions (opcodes.def encoding); every
//    jump lands on an instruction start inside `code`.
//  - Every constant index, child index, local/arg index and ic index an
//    instruction carries is in range; the operand stack never exceeds
//    maxStackDepth (the compiler tracks it statically).
//  - Statement boundaries are at operand stack depth 0 except where a handler
//    entry says otherwise (stackDepth).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kiln {

enum class OperandLayout : uint8_t { None, U8, U16, U32, I32, U16_U8, U16_U16, U16_U32, U32_U32, U16_U16_U32 };

enum class Op : uint8_t {
#define KILN_OP(name, layout, pops, pushes, doc) name,
#include "engine/opcodes.def"
#undef KILN_OP
  Count
};

struct OpInfo {
  const char* name;
  OperandLayout layout;
  int8_t pops, pushes;  // -1: variable (see the semantics text)
  const char* semantics;
};

inline constexpr OpInfo kOpInfo[] = {
#define KILN_OP(name, layout, pops, pushes, doc) {#name, OperandLayout::layout, pops, pushes, doc},
#include "engine/opcodes.def"
#undef KILN_OP
};
static_assert(sizeof(kOpInfo) / sizeof(kOpInfo[0]) == size_t(Op::Count));

constexpr const OpInfo& opInfo(Op op) { return kOpInfo[size_t(op)]; }

constexpr uint32_t operandBytes(OperandLayout layout) {
  switch (layout) {
    case OperandLayout::None: return 0;
    case OperandLayout::U8: return 1;
    case OperandLayout::U16: return 2;
    case OperandLayout::U32: return 4;
    case OperandLayout::I32: return 4;
    case OperandLayout::U16_U8: return 3;
    case OperandLayout::U16_U16: return 4;
    case OperandLayout::U16_U32: return 6;
    case OperandLayout::U32_U32: return 8;
    case OperandLayout::U16_U16_U32: return 8;
  }
  return 0;
}
// Size of the whole instruction, opcode byte included.
constexpr uint32_t instructionSize(Op op) { return 1 + operandBytes(opInfo(op).layout); }

// Little-endian operand readers (unaligned).
inline uint8_t readU8(const uint8_t* p) { return p[0]; }
inline uint16_t readU16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t readU32(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline int32_t readI32(const uint8_t* p) { return int32_t(readU32(p)); }

// ---- scope descriptors ----------------------------------------------------

// What a binding is; decides its initial value in a new Environment (hole for
// Let/Const/Class/ClassInner, undefined otherwise) and the result of assigning it.
enum class BindingKind : uint8_t {
  Var,           // var, sloppy-eval-visible function-scope names
  Let,
  Const,         // assignment: TypeError
  Class,         // class declaration (outer binding, mutable, TDZ)
  ClassInner,    // the class's own name inside its body: const, TDZ
  Function,      // function declaration (mutable)
  Param,         // formal parameter (mutable; TDZ-free once bound)
  CatchParam,
  FunctionName,  // a function expression's own name: immutable; assignment ignored in sloppy code, TypeError in strict
  Arguments,     // the implicit `arguments` binding (mutable)
  Implicit,      // internal: "%this", "%newtarget", "%home", "%callee", private names ("#x"), computed field keys ("%field0")
  Import,        // module import: slot value is the index into ModuleDescriptor::imports (resolved through the link table)
};
constexpr bool bindingStartsAsHole(BindingKind k) {
  return k == BindingKind::Let || k == BindingKind::Const || k == BindingKind::Class || k == BindingKind::ClassInner;
}

enum class ScopeKind : uint8_t {
  Function,      // a function's parameters and (unless FunctionBody exists) its vars
  FunctionBody,  // the separate var scope of a function with parameter expressions
  Block,         // block, switch, for/for-in/for-of head, catch
  Class,         // class body: inner name, private names, computed field keys
  Module,        // module top level (the module Environment)
  Eval,          // strict eval's own var scope
  Script,        // never materialized (globals are not an Environment); kept for eval chains
};

struct ScopeBinding {
  std::u16string name;
  BindingKind kind = BindingKind::Var;
};

// A Scope constant: describes one Environment's slots, slot i = bindings[i].
struct ScopeDescriptor {
  ScopeKind kind = ScopeKind::Block;
  // A function-level var scope of sloppy code containing a direct eval: eval
  // may add var/function bindings at run time (kept outside the fixed slots).
  bool extensible = false;
  // This scope is a function's (or the script/module's) top scope: the one a
  // direct eval's `var` lands in (the VariableEnvironment).
  bool isVarScope = false;
  bool strict = false;
  std::vector<ScopeBinding> bindings;
};

// ---- other constants ------------------------------------------------------

struct BigIntConstant { std::string digits; };  // decimal, optional leading '-'
struct RegExpConstant { std::u16string pattern, flags; };
struct TemplateSite {
  std::vector<std::optional<std::u16string>> cooked;  // nullopt: undefined (invalid escape)
  std::vector<std::u16string> raw;
};
// GlobalDeclarationInstantiation / EvalDeclarationInstantiation input.
struct DeclarationList {
  struct FunctionDecl { std::u16string name; uint32_t childIndex; };
  struct LexicalDecl { std::u16string name; bool isConst; };
  std::vector<std::u16string> varNames;       // VarDeclaredNames minus function names, deduplicated
  std::vector<FunctionDecl> functions;        // functionsToInitialize, in the spec's order (last declaration wins)
  std::vector<LexicalDecl> lexicals;          // script-level let/const/class
};
struct ClassConstant {
  uint32_t constructorIndex = 0;  // child function index of the constructor
  std::u16string name;            // the class name for SetFunctionName ("" when anonymous)
  bool hasHeritage = false;       // `extends`: CreateClass pops the heritage value
};

using Constant = std::variant<double, std::u16string, BigIntConstant, ScopeDescriptor, TemplateSite,
                              RegExpConstant, DeclarationList, ClassConstant>;
enum class ConstantKind : uint8_t { Number, String, BigInt, Scope, TemplateSite, RegExp, Declarations, Class };
inline ConstantKind constantKind(const Constant& c) { return ConstantKind(c.index()); }

// ---- modules --------------------------------------------------------------

struct ModuleDescriptor {
  struct ImportEntry {
    uint32_t request;           // index into requests
    std::u16string importName;  // "*" for a namespace import
    std::u16string localName;
  };
  struct LocalExport { std::u16string exportName; uint32_t slot; std::u16string localName; };
  struct IndirectExport {
    std::u16string exportName;
    uint32_t request;
    std::u16string importName;  // "*" for `export * as ns from`
  };
  struct FunctionToInstantiate { uint32_t slot; uint32_t childIndex; };

  std::vector<std::u16string> requests;          // module specifiers, in source order, deduplicated
  std::vector<ImportEntry> imports;              // GetImport i
  std::vector<LocalExport> localExports;         // export name -> module env slot
  std::vector<IndirectExport> indirectExports;
  std::vector<uint32_t> starExports;             // request indices of `export * from`
  // InitializeEnvironment creates these functions in the module env before evaluation.
  std::vector<FunctionToInstantiate> functions;
  uint32_t scopeConstant = 0;                    // the module Environment's Scope constant
  bool hasTopLevelAwait = false;
};

// ---- functions ------------------------------------------------------------

enum class FunctionKind : uint8_t {
  Normal, Arrow, Method, Getter, Setter, ClassConstructor, DerivedConstructor, ClassFieldInit,
  Script, Module, Eval,
};

enum FunctionFlag : uint32_t {
  kStrict = 1u << 0,
  kAsync = 1u << 1,
  kGenerator = 1u << 2,
  kIsConstructor = 1u << 3,     // has [[Construct]] (normal functions, class constructors)
  kHasRest = 1u << 4,           // informational; the prologue uses CreateRestArray
  kUsesThis = 1u << 5,          // the body reads this (directly or via arrows/eval)
  kHasDirectEval = 1u << 6,
  kParamsInEnv = 1u << 7,       // parameters live in the function scope env (mapped arguments alias it)
  kSimpleParams = 1u << 8,
  kHasHomeObject = 1u << 9,     // methods, accessors, class constructors, field initializers
  kIsExpression = 1u << 10,     // a function expression
  kNeedsFunctionScopeEnv = 1u << 11,  // the prologue pushes an env (informational)
  // Context for direct eval inside this function (arrows inherit from their enclosing function):
  kEvalAllowsNewTarget = 1u << 12,
  kEvalAllowsSuperProperty = 1u << 13,
  kEvalAllowsSuperCall = 1u << 14,
  kEvalInFieldInit = 1u << 15,
  kHasInstanceFields = 1u << 16,  // class constructor whose class has instance fields/private methods
};

enum class ArgumentsKind : uint8_t { None, Mapped, Unmapped };

struct ExceptionHandler {
  uint32_t startPc, endPc, handlerPc, stackDepth;
};
struct LineEntry {
  uint32_t pc;
  uint32_t sourceOffset;  // UTF-16 offset in the SourceFile
};

struct CompiledFunction {
  std::u16string name;
  uint32_t length = 0;  // the "length" property: ExpectedArgumentCount
  FunctionKind kind = FunctionKind::Normal;
  uint32_t flags = 0;   // FunctionFlag bits
  ArgumentsKind argumentsKind = ArgumentsKind::None;
  // Mapped arguments: parameter index -> env slot (kParamsInEnv) or argument
  // slot; 0xFFFF for a parameter not mapped (an earlier duplicate name).
  std::vector<uint16_t> mappedParamSlots;
  uint16_t paramSlots = 0;
  uint16_t localCount = 0;
  uint32_t maxStackDepth = 0;
  uint32_t sourceStart = 0, sourceEnd = 0;  // Function.prototype.toString slice
  uint32_t icCount = 0;

  std::vector<uint8_t> code;
  std::vector<LineEntry> lineTable;         // sorted by pc; an entry applies until the next
  std::vector<ExceptionHandler> handlers;   // innermost first
  std::vector<Constant> constants;
  std::vector<CompiledFunction> children;   // Closure i / ClassConstant::constructorIndex refer here
  std::optional<ModuleDescriptor> module;   // module top level only

  bool hasFlag(FunctionFlag f) const { return (flags & f) != 0; }
  // Source offset for a pc (the last line entry at or before pc), or sourceStart.
  uint32_t sourceOffsetAt(uint32_t pc) const;
};

}  // namespace kiln
