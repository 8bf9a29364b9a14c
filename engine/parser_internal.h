// The Parser class shared by parser.cpp (driver, scopes, expressions),
// parser_stmt.cpp (statements, functions, classes, modules) and ts_erase.cpp
// (TypeScript: type skipping and lowering). Not a public header.
//
// Structure follows the spec's grammar with the usual cover grammars:
// parenthesized expressions, object and array literals are parsed as
// expressions and reinterpreted as patterns (toAssignable) when `=` or `=>`
// follows; DestructuringErrors remembers what is valid only in one reading.
// Scopes track declared names for the redeclaration early errors.
#pragma once

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/ast.h"
#include "engine/lexer.h"
#include "engine/parser.h"

namespace kiln::parser_detail {

using namespace kiln::ast;

// Each unit is a few C++ frames (an assignment expression, a unary operator,
// a statement; a function body counts two). 1000 keeps the deepest input
// within 1 MiB of stack, which every thread kiln runs on has.
constexpr int kMaxNesting = 1000;

enum ScopeFlag : uint32_t {
  kScopeTop = 1,
  kScopeFunction = 2,
  kScopeAsync = 4,
  kScopeGenerator = 8,
  kScopeArrow = 16,
  kScopeSimpleCatch = 32,
  kScopeSuper = 64,         // super.x allowed
  kScopeDirectSuper = 128,  // super() allowed
  kScopeStaticBlock = 256,
  kScopeFieldInit = 512,    // class field initializer
  kScopeVar = kScopeTop | kScopeFunction | kScopeStaticBlock | kScopeFieldInit,
};

enum class Bind { None, Var, Lexical, Function, SimpleCatch };

// Names are views of Identifier nodes' names, which the Program's arena keeps alive.
struct Scope {
  uint32_t flags;
  std::vector<std::u16string_view> var, lexical, functions;
};

enum class LabelKind : uint8_t { Plain, Loop, Switch };
struct Label {
  std::u16string name;  // empty for the implicit entry of a loop or switch
  LabelKind kind;       // Loop: continue may target it
  uint32_t statementStart;
};

// Positions (offset+1, 0 = none) of constructs valid only in one reading of a cover grammar.
struct DestructuringErrors {
  uint32_t shorthandAssign = 0;      // `{a = 1}`: only a pattern
  uint32_t trailingComma = 0;        // `[...a,]`: only an expression
  uint32_t parenthesizedAssign = 0;  // `({a}) = 1`: not a valid target
  uint32_t parenthesizedBind = 0;    // `([a]) => 1`
  uint32_t doubleProto = 0;          // duplicate __proto__: only a pattern
};

struct PrivateNameDecl {
  std::u16string name;
  int kind;  // 0 field/method, 1 getter, 2 setter, 3 getter+setter
  bool isStatic;
};
struct ClassPrivateScope {
  std::vector<PrivateNameDecl> declared;
  std::vector<std::pair<std::u16string, uint32_t>> used;  // name, offset
};

class Parser {
 public:
  Parser(std::u16string_view text, const ParseOptions& options, ast::Program* program);
  void parseTopLevel();
  // For parseDynamicFunction: parses the whole synthesized function expression.
  Node* parseStandaloneFunctionExpression();

  // ---- tokens (parser.cpp)
  const Token& tok() const { return lexer_.current(); }
  Tok type() const { return lexer_.current().type; }
  void next() { lexer_.next(); }
  bool eat(Tok t) {
    if (type() != t) return false;
    next();
    return true;
  }
  void expect(Tok t);
  bool isContextual(Kw k) const { return tok().is(k); }
  bool eatContextual(Kw k) {
    if (!isContextual(k)) return false;
    next();
    return true;
  }
  void expectContextual(Kw k, const char* word);
  bool canInsertSemicolon() const {
    return type() == Tok::EOS || type() == Tok::RBrace || tok().newlineBefore;
  }
  void semicolon();
  [[noreturn]] void unexpected();
  [[noreturn]] void unexpectedAt(const Token& token);
  [[noreturn]] void raise(uint32_t offset, std::string message) { lexer_.fail(offset, std::move(message)); }
  uint32_t lastEnd() const { return lexer_.previousEnd(); }
  Token peekToken();
  Tok peekType() { return peekToken().type; }

  template <class T> T* make(uint32_t start) { return program_->make<T>(start); }
  template <class T> T* finish(T* node) {
    node->end = lastEnd();
    return node;
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser, uint32_t at) : p(parser) {
      if (++p.depth_ > kMaxNesting) {
        --p.depth_;  // the destructor will not run for a guard whose constructor throws
        p.raise(at, "too much nesting");
      }
    }
    ~DepthGuard() { --p.depth_; }
  };

  // ---- scopes (parser.cpp)
  void enterScope(uint32_t flags) { scopes_.push_back(Scope{flags, {}, {}, {}}); }
  void exitScope() { scopes_.pop_back(); }
  Scope& currentScope() { return scopes_.back(); }
  Scope& currentVarScope();
  Scope& currentThisScope();
  bool inFunction();
  bool inGenerator();
  bool inAsync();
  bool canAwait();
  bool allowSuper();
  bool allowDirectSuper();
  bool allowNewTarget();
  bool inClassStaticBlock();
  bool inFieldInit();
  bool treatFunctionsAsVar(const Scope& s) const {
    return (s.flags & kScopeFunction) || (!options_.isModule && (s.flags & kScopeTop));
  }
  void declareName(std::u16string_view name, Bind bind, uint32_t pos);
  static uint32_t functionFlags(bool isAsync, bool isGenerator) {
    return kScopeFunction | (isAsync ? uint32_t(kScopeAsync) : 0u) | (isGenerator ? uint32_t(kScopeGenerator) : 0u);
  }

  // ---- identifiers and targets (parser.cpp)
  Identifier* parseIdent(bool liberal);
  void checkUnreserved(const Token& token, uint32_t start);
  void checkUnreservedName(std::u16string_view name, Kw kw, uint32_t start);
  void checkLValSimple(Node* expr, Bind bind, std::vector<std::u16string_view>* checkClashes);
  void checkLValPattern(Node* expr, Bind bind, std::vector<std::u16string_view>* checkClashes);
  void checkLValInnerPattern(Node* expr, Bind bind, std::vector<std::u16string_view>* checkClashes);
  Node* toAssignable(Node* node, bool isBinding, DestructuringErrors* refDE);
  void toAssignableList(NodeList& list, bool isBinding);
  void checkPatternErrors(DestructuringErrors* refDE, bool isAssign);
  bool checkExpressionErrors(DestructuringErrors* refDE, bool andThrow);
  void checkYieldAwaitInDefaultParams();
  bool isParenthesized(const Node* n) const { return !parenthesized_.empty() && parenthesized_.count(n) != 0; }
  void usePrivateName(const std::u16string& name, uint32_t pos);

  // ---- expressions (parser.cpp)
  Node* parseExpression(bool forInit = false, DestructuringErrors* refDE = nullptr);
  Node* parseMaybeAssign(bool forInit = false, DestructuringErrors* refDE = nullptr);
  Node* parseMaybeConditional(bool forInit, DestructuringErrors* refDE);
  Node* parseExprOps(bool forInit, DestructuringErrors* refDE);
  Node* parseExprOp(Node* left, uint32_t leftStart, int minPrec, bool forInit);
  Node* parseMaybeUnary(DestructuringErrors* refDE, bool sawUnary, bool forInit, bool incDec = false);
  Node* parseExprSubscripts(DestructuringErrors* refDE, bool forInit);
  Node* parseSubscripts(Node* base, uint32_t start, bool noCalls, bool forInit);
  Node* parseExprAtom(DestructuringErrors* refDE, bool forInit);
  Node* parseLiteralToken();
  Node* parseParenAndDistinguish(bool canBeArrow, bool forInit);
  Node* parseNew();
  Node* parseTemplate(bool isTagged);
  Node* parseObj(DestructuringErrors* refDE);
  void parsePropertyName(Node** key, bool* computed);
  Node* parseArrayLit(DestructuringErrors* refDE);
  void parseExprList(NodeList& out, Tok close, bool allowTrailingComma, bool allowEmpty,
                     DestructuringErrors* refDE);
  Node* parseYield(bool forInit);
  Node* parseAwait(bool forInit);
  Node* parseImportExpr();
  Node* parseArrowExpression(FunctionNode* fn, NodeList params, bool isAsync, bool forInit);
  Node* parseSpread(DestructuringErrors* refDE);
  bool shouldParseArrow() const { return !canInsertSemicolon(); }

  // ---- statements (parser_stmt.cpp)
  void parseStatementListItem(NodeList& out, bool topLevel = false);
  Node* parseStatement(int context, bool topLevel);  // context: 0 none, 1 if, 2 label
  void parseDirectivesAndBody(NodeList& out, Tok end, bool isFunctionBody, FunctionNode* fn,
                              bool* becameStrict);
  bool isLet(int context);
  bool isAsyncFunction();
  Node* parseBlock(bool createScope = true);
  Node* parseVarStatement(uint32_t start, DeclKind kind, bool isForInit, bool allowMissingInit);
  void parseVarDeclarators(VarDecl* decl, DeclKind kind, bool isForInit);
  Node* parseFor(uint32_t start);
  Node* parseForInOf(uint32_t start, Node* init, bool isAwait, uint32_t awaitAt);
  Node* parseLabeled(uint32_t start, std::u16string name, int context);
  Node* parseTry(uint32_t start);
  Node* parseSwitch(uint32_t start);
  Node* parseFunctionStatement(uint32_t start, bool isAsync, bool declarationPosition, int context);
  FunctionNode* parseFunction(uint32_t start, int statement, bool allowExpressionBody, bool isAsync,
                              bool forInit);
  void parseFunctionParams(FunctionNode* fn);
  void parseFunctionBody(FunctionNode* fn, bool isArrow, bool isMethod, bool forInit);
  void checkParams(FunctionNode* fn, bool allowDuplicates);
  // Returns nullptr for a bodiless TypeScript method signature (only when inClassBody).
  FunctionNode* parseMethod(uint32_t start, bool isGenerator, bool isAsync, FunctionKind kind,
                            bool inClassBody = false);
  Node* parseClass(uint32_t start, bool isStatement, bool nameRequired);
  void parseClassMember(ClassNode* cls, bool hasSuper, bool& sawConstructor);
  Node* parseBindingAtom();
  Node* parseMaybeDefault(uint32_t start, Node* left);
  void parseBindingList(NodeList& out, Tok close, bool allowEmpty, bool allowTrailingComma,
                        bool allowModifiers);
  Node* parseBindingElement(bool allowModifiers);
  Node* parseImport(uint32_t start);
  Node* parseExport(uint32_t start, NodeList& out);
  std::u16string parseModuleExportName(bool* isString);
  void addExport(const std::u16string& name, uint32_t pos);
  void exportBindings(Node* pattern);
  void declareExportsOf(Node* decl);
  void parseImportAttributes();

  // ---- TypeScript (ts_erase.cpp)
  bool ts() const { return options_.typescript; }
  bool tsTryDeclaration(NodeList& out, bool exported, uint32_t start);
  void tsSkipType();
  void tsSkipTypeAnnotationOpt();  // `: T`
  void tsSkipReturnTypeOpt();      // `: T` including predicates
  void tsSkipTypeParametersOpt();  // `<T extends U = V>`
  bool tsTryTypeArguments();       // speculative `<...>` followed by what a call/instantiation needs
  void tsSkipTypeArguments();
  void tsSkipObjectTypeBody();
  void tsSkipUnionOrIntersection();
  void tsSkipPrimaryType();
  void tsSkipBalanced();
  bool tsIsStartOfFunctionType();
  Node* tsTryArrow(uint32_t start, bool forInit);
  Node* tsParseEnum(uint32_t start, bool isConst, NodeList& out, bool exported);
  void tsParseNamespace(uint32_t start, NodeList& out, bool exported);
  void tsSkipAmbient();
  void tsSkipFunctionTypeReturn();
  static bool binaryOpOrEnd(Tok t);
  void tsLowerParameterProperties(FunctionNode* ctor, const std::vector<std::u16string>& names,
                                  bool derived);
  [[noreturn]] void tsUnsupported(uint32_t at, const char* what);

  // ---- helpers to build nodes (ts_erase.cpp)
  Identifier* mkIdent(const std::u16string& name, uint32_t at);
  StringLit* mkString(const std::u16string& s, uint32_t at);

  Lexer lexer_;
  ParseOptions options_;
  Program* program_;
  bool strict_ = false;
  int depth_ = 0;
  std::vector<Scope> scopes_;
  std::vector<Label> labels_;
  std::vector<ClassPrivateScope> classes_;
  std::unordered_set<const Node*> parenthesized_;
  // Positions (offset+1) of the first yield / await expression, and of
  // `await` used as an identifier, in the current function's parameters.
  uint32_t yieldPos_ = 0, awaitPos_ = 0, awaitIdentPos_ = 0;
  uint32_t potentialArrowAt_ = UINT32_MAX;
  bool potentialArrowInForAwait_ = false;
  bool inTsAmbient_ = false;     // inside `declare ...`: bodies optional, names not bound
  // Start of the consequent of the innermost `a ? b : c`: there `(b): c => d`
  // is an arrow only if a `:` follows it (tsc's rule).
  uint32_t tsConsequentStart_ = UINT32_MAX;
  // Offsets where the speculative arrow parse failed: retrying there would fail
  // again, and without this `(a=(a=(a=...` would take exponential time.
  std::unordered_set<uint32_t> tsArrowFailed_;
  bool tsNoConditional_ = false; // in the `extends` of a conditional type
  // Module bookkeeping.
  std::vector<std::u16string> exportedNames_;
  std::vector<std::pair<std::u16string, uint32_t>> localExports_;  // must be declared at top level
  // TypeScript: identifiers referenced as values, to drop imports used only as types.
  std::unordered_set<std::u16string> tsValueRefs_;
  std::vector<Import*> tsImports_;
  // Names of parameter properties of the constructor being parsed.
  std::vector<std::u16string>* paramProps_ = nullptr;
  // Parameter-property names of the constructor parsed last (TypeScript): the
  // class declares them as fields, as tsc does with useDefineForClassFields.
  std::vector<std::u16string> lastCtorParamProps_;
};

}  // namespace kiln::parser_detail
