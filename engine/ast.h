// The abstract syntax tree: the contract between the parser (which also erases
// TypeScript, so nothing here is TypeScript-specific) and the bytecode compiler.
//
// Invariants the parser guarantees, so the compiler does not re-check them:
//  - the tree is free of early errors (ECMA-262 "Static Semantics: Early Errors");
//  - assignment targets (Assign.target, ForInOf.left when not a declaration,
//    Update.argument) are Identifier, Member, or an ObjectPattern/ArrayPattern
//    (the cover grammar has already been reinterpreted as a pattern);
//  - TypeScript enums and namespaces have been lowered to plain JS nodes, and
//    parameter properties to `this.x = x` statements in the constructor.
//
// Positions are UTF-16 code-unit offsets into the source text; `start`/`end`
// of a FunctionNode or ClassNode delimit the text Function.prototype.toString
// returns.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kiln::ast {

using Name = std::u16string;  // identifiers and string values, UTF-16 as in JS

enum class Kind : uint8_t {
  // expressions
  NumberLit, BigIntLit, StringLit, TemplateLit, TaggedTemplate, RegExpLit,
  NullLit, BooleanLit, Identifier, This, SuperMember, SuperCall, ArrayLit,
  ObjectLit, Function, Class, Unary, Update, Binary, Logical, Assign,
  Conditional, Call, New, Member, OptionalChain, Sequence, Spread, Yield,
  Await, NewTarget, ImportMeta, ImportCall, PrivateIn,
  // patterns (binding and assignment)
  ObjectPattern, ArrayPattern, AssignPattern, Rest,
  // statements
  VarDecl, FunctionDecl, ClassDecl, ExprStmt, Block, Empty, If, For, ForIn,
  ForOf, While, DoWhile, Return, Break, Continue, Throw, Try, Switch, Labeled,
  With, Debugger, Import, ExportNamed, ExportDefault, ExportAll,
};

struct Node {
  Kind kind;
  uint32_t start = 0, end = 0;
  explicit Node(Kind k) : kind(k) {}
  virtual ~Node() = default;
  template <class T> T* as() { return static_cast<T*>(this); }
  template <class T> const T* as() const { return static_cast<const T*>(this); }
};
using NodePtr = Node*;  // owned by the Program's arena
using NodeList = std::vector<Node*>;

// ---- expressions ---------------------------------------------------------

struct NumberLit : Node { double value = 0; NumberLit() : Node(Kind::NumberLit) {} };
// Decimal digits of the value (hex/octal/binary already converted), no separators, no `n`.
struct BigIntLit : Node { std::string digits; BigIntLit() : Node(Kind::BigIntLit) {} };
struct StringLit : Node { Name value; StringLit() : Node(Kind::StringLit) {} };
struct NullLit : Node { NullLit() : Node(Kind::NullLit) {} };
struct BooleanLit : Node { bool value = false; BooleanLit() : Node(Kind::BooleanLit) {} };
struct RegExpLit : Node { Name pattern, flags; RegExpLit() : Node(Kind::RegExpLit) {} };
struct Identifier : Node { Name name; Identifier() : Node(Kind::Identifier) {} };
struct This : Node { This() : Node(Kind::This) {} };
struct NewTarget : Node { NewTarget() : Node(Kind::NewTarget) {} };
struct ImportMeta : Node { ImportMeta() : Node(Kind::ImportMeta) {} };

// `a${b}c`: quasis.size() == expressions.size() + 1. `cooked` is nullopt only
// in tagged templates with an invalid escape.
struct TemplateLit : Node {
  std::vector<std::optional<Name>> cooked;
  std::vector<Name> raw;
  NodeList expressions;
  TemplateLit() : Node(Kind::TemplateLit) {}
};
struct TaggedTemplate : Node {
  Node* tag = nullptr;
  TemplateLit* quasi = nullptr;  // each TaggedTemplate node is its own template site
  TaggedTemplate() : Node(Kind::TaggedTemplate) {}
};

// super.x / super[x]
struct SuperMember : Node {
  Node* property = nullptr;  // Identifier name when !computed, else an expression
  bool computed = false;
  SuperMember() : Node(Kind::SuperMember) {}
};
// super(args)
struct SuperCall : Node { NodeList arguments; SuperCall() : Node(Kind::SuperCall) {} };

// Elements may be nullptr (holes) or Spread.
struct ArrayLit : Node { NodeList elements; ArrayLit() : Node(Kind::ArrayLit) {} };

enum class PropKind : uint8_t { Init, Get, Set, Method, Spread, Proto /* `__proto__: v` */ };
struct Property {
  PropKind kind = PropKind::Init;
  Node* key = nullptr;    // Identifier (name), StringLit, NumberLit, BigIntLit, or any expr when computed
  bool computed = false;
  bool shorthand = false; // `{a}`; value is the Identifier
  Node* value = nullptr;  // for Get/Set/Method a Function node; for Spread the argument
};
struct ObjectLit : Node { std::vector<Property> properties; ObjectLit() : Node(Kind::ObjectLit) {} };

enum class FunctionKind : uint8_t {
  Normal,            // function declaration/expression
  Arrow,
  Method,            // object or class method (has a home object, not a constructor)
  Getter, Setter,
  ClassConstructor,  // explicit or synthesized constructor of a base class
  DerivedConstructor,// constructor of a class with `extends`
  ClassFieldInit,    // synthetic: the initializer of all instance fields of a class
};

struct FunctionNode : Node {
  Identifier* name = nullptr;   // binding name, or nullptr
  NodeList params;              // patterns: Identifier, ObjectPattern, ArrayPattern, AssignPattern, Rest (last)
  NodeList body;                // statements; for expression-bodied arrows one Return statement
  FunctionKind fkind = FunctionKind::Normal;
  bool isAsync = false, isGenerator = false;
  bool isStrict = false;        // includes inherited strictness and a "use strict" directive
  bool isExpression = false;    // a FunctionExpression (its name binds inside itself)
  bool exprBody = false;        // arrow with an expression body
  bool simpleParams = true;     // only plain identifiers, no defaults/rest/patterns
  uint32_t paramCount = 0;      // ExpectedArgumentCount: params before the first default or rest
  FunctionNode() : Node(Kind::Function) {}
};

enum class ClassMemberKind : uint8_t { Method, Getter, Setter, Field, StaticBlock };
struct ClassMember {
  ClassMemberKind kind = ClassMemberKind::Method;
  bool isStatic = false;
  Node* key = nullptr;   // as Property::key; a private name is an Identifier with isPrivate
  bool computed = false;
  bool isPrivate = false;   // key is an Identifier holding the name without '#'
  Node* value = nullptr;    // Method/Getter/Setter: FunctionNode; Field: initializer or nullptr;
                            // StaticBlock: FunctionNode (fkind Method, no params) whose body is the block
};
struct ClassNode : Node {
  Identifier* name = nullptr;
  Node* superClass = nullptr;
  FunctionNode* constructor = nullptr;  // always present (synthesized when absent in the source)
  std::vector<ClassMember> members;     // in source order, constructor excluded
  ClassNode() : Node(Kind::Class) {}
};

// op spelled as in JS: "-", "+", "!", "~", "typeof", "void", "delete"
struct Unary : Node { std::string op; Node* argument = nullptr; Unary() : Node(Kind::Unary) {} };
struct Update : Node { bool increment = true, prefix = true; Node* argument = nullptr; Update() : Node(Kind::Update) {} };
// op: "+", "-", "*", "/", "%", "**", "<<", ">>", ">>>", "&", "|", "^", "==", "!=",
//     "===", "!==", "<", "<=", ">", ">=", "in", "instanceof"
struct Binary : Node { std::string op; Node* left = nullptr; Node* right = nullptr; Binary() : Node(Kind::Binary) {} };
// op: "&&", "||", "??"
struct Logical : Node { std::string op; Node* left = nullptr; Node* right = nullptr; Logical() : Node(Kind::Logical) {} };
// op: "=", "+=", ..., "**=", "&&=", "||=", "??="
struct Assign : Node { std::string op; Node* target = nullptr; Node* value = nullptr; Assign() : Node(Kind::Assign) {} };
// `#x in obj`
struct PrivateIn : Node { Name name; Node* right = nullptr; PrivateIn() : Node(Kind::PrivateIn) {} };
struct Conditional : Node { Node* test = nullptr; Node* consequent = nullptr; Node* alternate = nullptr; Conditional() : Node(Kind::Conditional) {} };
// `optional` marks `f?.()` / `o?.x`: the short-circuit point. The whole chain
// is wrapped in one OptionalChain node, where evaluation resumes with undefined.
struct Call : Node { Node* callee = nullptr; NodeList arguments; bool optional = false; Call() : Node(Kind::Call) {} };
struct New : Node { Node* callee = nullptr; NodeList arguments; New() : Node(Kind::New) {} };
struct Member : Node {
  Node* object = nullptr;
  Node* property = nullptr;  // Identifier when !computed (also for private names), else an expression
  bool computed = false, optional = false, isPrivate = false;
  Member() : Node(Kind::Member) {}
};
struct OptionalChain : Node { Node* expression = nullptr; OptionalChain() : Node(Kind::OptionalChain) {} };
struct Sequence : Node { NodeList expressions; Sequence() : Node(Kind::Sequence) {} };
struct Spread : Node { Node* argument = nullptr; Spread() : Node(Kind::Spread) {} };
struct Yield : Node { Node* argument = nullptr; bool delegate = false; Yield() : Node(Kind::Yield) {} };
struct Await : Node { Node* argument = nullptr; Await() : Node(Kind::Await) {} };
struct ImportCall : Node { Node* argument = nullptr; ImportCall() : Node(Kind::ImportCall) {} };

// ---- patterns ------------------------------------------------------------

struct PatternProperty {
  Node* key = nullptr;     // as Property::key
  bool computed = false;
  Node* value = nullptr;   // target pattern, possibly an AssignPattern for a default
};
struct ObjectPattern : Node {
  std::vector<PatternProperty> properties;
  Node* rest = nullptr;  // target of `...rest`, or nullptr
  ObjectPattern() : Node(Kind::ObjectPattern) {}
};
// Elements may be nullptr (elision); the last may be a Rest.
struct ArrayPattern : Node { NodeList elements; ArrayPattern() : Node(Kind::ArrayPattern) {} };
struct AssignPattern : Node { Node* target = nullptr; Node* defaultValue = nullptr; AssignPattern() : Node(Kind::AssignPattern) {} };
struct Rest : Node { Node* target = nullptr; Rest() : Node(Kind::Rest) {} };

// ---- statements ----------------------------------------------------------

enum class DeclKind : uint8_t { Var, Let, Const };
struct Declarator { Node* target = nullptr; Node* init = nullptr; };
struct VarDecl : Node { DeclKind declKind = DeclKind::Var; std::vector<Declarator> declarations; VarDecl() : Node(Kind::VarDecl) {} };
struct FunctionDecl : Node { FunctionNode* function = nullptr; FunctionDecl() : Node(Kind::FunctionDecl) {} };
struct ClassDecl : Node { ClassNode* cls = nullptr; ClassDecl() : Node(Kind::ClassDecl) {} };
struct ExprStmt : Node { Node* expression = nullptr; ExprStmt() : Node(Kind::ExprStmt) {} };
struct Block : Node { NodeList body; Block() : Node(Kind::Block) {} };
struct Empty : Node { Empty() : Node(Kind::Empty) {} };
struct Debugger : Node { Debugger() : Node(Kind::Debugger) {} };
struct If : Node { Node* test = nullptr; Node* consequent = nullptr; Node* alternate = nullptr; If() : Node(Kind::If) {} };
struct For : Node { Node* init = nullptr; Node* test = nullptr; Node* update = nullptr; Node* body = nullptr; For() : Node(Kind::For) {} };
// left: a VarDecl with one declarator and no init (except the sloppy-mode
// `for (var x = 1 in o)` legacy form) or an assignment target.
struct ForIn : Node { Node* left = nullptr; Node* right = nullptr; Node* body = nullptr; ForIn() : Node(Kind::ForIn) {} };
struct ForOf : Node { Node* left = nullptr; Node* right = nullptr; Node* body = nullptr; bool isAwait = false; ForOf() : Node(Kind::ForOf) {} };
struct While : Node { Node* test = nullptr; Node* body = nullptr; While() : Node(Kind::While) {} };
struct DoWhile : Node { Node* body = nullptr; Node* test = nullptr; DoWhile() : Node(Kind::DoWhile) {} };
struct Return : Node { Node* argument = nullptr; Return() : Node(Kind::Return) {} };
struct Break : Node { Name label; Break() : Node(Kind::Break) {} };       // empty label: none
struct Continue : Node { Name label; Continue() : Node(Kind::Continue) {} };
struct Throw : Node { Node* argument = nullptr; Throw() : Node(Kind::Throw) {} };
struct Try : Node {
  Block* block = nullptr;
  Node* param = nullptr;       // catch binding pattern, or nullptr (`catch {}` or no catch)
  Block* handler = nullptr;    // nullptr when there is no catch clause
  Block* finalizer = nullptr;
  Try() : Node(Kind::Try) {}
};
struct SwitchCase { Node* test = nullptr; /* nullptr: default */ NodeList body; };
struct Switch : Node { Node* discriminant = nullptr; std::vector<SwitchCase> cases; Switch() : Node(Kind::Switch) {} };
struct Labeled : Node { Name label; Node* body = nullptr; Labeled() : Node(Kind::Labeled) {} };
struct With : Node { Node* object = nullptr; Node* body = nullptr; With() : Node(Kind::With) {} };

// ---- modules -------------------------------------------------------------

// import d, {a as b, c} from "m";   import * as ns from "m";   import "m";
struct ImportSpec { Name imported; Name local; };  // imported "default" for default, "*" for namespace
struct Import : Node { Name source; std::vector<ImportSpec> specifiers; Import() : Node(Kind::Import) {} };
// export {a as b};  export {a as b} from "m";  export * as ns from "m" (ExportAll with exportedName)
// export var/let/const/function/class ... (declaration set, specifiers empty)
struct ExportSpec { Name local; Name exported; };
struct ExportNamed : Node {
  Node* declaration = nullptr;
  std::vector<ExportSpec> specifiers;
  std::optional<Name> source;
  ExportNamed() : Node(Kind::ExportNamed) {}
};
// export default <expr|function|class>: `value` is an expression, FunctionNode or ClassNode.
// For `export default function f(){}` the function is hoisted like a declaration.
struct ExportDefault : Node { Node* value = nullptr; bool isDeclaration = false; ExportDefault() : Node(Kind::ExportDefault) {} };
struct ExportAll : Node { Name source; std::optional<Name> exportedName; ExportAll() : Node(Kind::ExportAll) {} };

// ---- the whole program ---------------------------------------------------

struct Program {
  bool isModule = false;
  bool isStrict = false;
  NodeList body;
  std::vector<std::unique_ptr<Node>> arena;  // owns every node of the tree

  template <class T> T* make(uint32_t start) {
    auto node = std::make_unique<T>();
    node->start = start;
    T* raw = node.get();
    arena.push_back(std::move(node));
    return raw;
  }
};

}  // namespace kiln::ast
