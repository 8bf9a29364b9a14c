// Parser driver, token helpers, scopes, assignment targets and expressions.
// Statements, functions, classes and modules are in parser_stmt.cpp,
// TypeScript erasure in ts_erase.cpp.
#include "engine/parser.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/parser_internal.h"
#include "engine/regexp.h"

namespace kiln {

using namespace parser_detail;

namespace parser_detail {

namespace {

template <class Str>
bool contains(const std::vector<Str>& v, std::u16string_view name) {
  for (const auto& s : v)
    if (s == name) return true;
  return false;
}

std::string utf8(std::u16string_view s) { return utf16ToUtf8(s); }

// The regular expression early errors live with the regexp engine; this is the
// one place the parser calls it.
bool validateRegExp(std::u16string_view pattern, std::u16string_view flags, std::string* message) {
  return regexp::validate(pattern, flags, message);
}

bool startsExpression(const Token& t) {
  switch (t.type) {
    case Tok::Name:
      return t.escaped || (t.kw != Kw::In && t.kw != Kw::Instanceof);
    case Tok::Number: case Tok::BigInt: case Tok::String: case Tok::Template:
    case Tok::LBrace: case Tok::LParen: case Tok::LBracket: case Tok::Plus: case Tok::Minus:
    case Tok::Not: case Tok::BitNot: case Tok::Inc: case Tok::Dec: case Tok::Slash:
    case Tok::SlashAssign: case Tok::Lt: case Tok::PrivateName:
      return true;
    default:
      return false;
  }
}

int binaryPrecedence(Tok t) {
  switch (t) {
    case Tok::Nullish: case Tok::Or: return 1;
    case Tok::And: return 2;
    case Tok::BitOr: return 3;
    case Tok::BitXor: return 4;
    case Tok::BitAnd: return 5;
    case Tok::Eq: case Tok::Ne: case Tok::StrictEq: case Tok::StrictNe: return 6;
    case Tok::Lt: case Tok::Gt: case Tok::Le: case Tok::Ge: return 7;
    case Tok::Shl: case Tok::Sar: case Tok::Shr: return 8;
    case Tok::Plus: case Tok::Minus: return 9;
    case Tok::Star: case Tok::Slash: case Tok::Percent: return 10;
    default: return -1;
  }
}

}  // namespace

Parser::Parser(std::u16string_view text, const ParseOptions& options, ast::Program* program)
    : lexer_(text, options.isModule), options_(options), program_(program) {
  strict_ = options.strict || options.isModule;
}

// ---- tokens ----------------------------------------------------------------

void Parser::unexpectedAt(const Token& t) {
  switch (t.type) {
    case Tok::EOS: raise(t.start, "Unexpected end of input");
    case Tok::Name:
      if (t.escaped && t.kw != Kw::None && (isAlwaysReserved(t.kw) || (strict_ && isStrictReserved(t.kw))))
        raise(t.start, "Keyword must not contain escaped characters");
      if (isAlwaysReserved(t.kw)) raise(t.start, fmt::format("Unexpected token '{}'", utf8(t.name())));
      if (strict_ && isStrictReserved(t.kw)) raise(t.start, "Unexpected strict mode reserved word");
      raise(t.start, fmt::format("Unexpected identifier '{}'", utf8(t.name())));
    case Tok::PrivateName: raise(t.start, fmt::format("Unexpected identifier '#{}'", utf8(t.name())));
    case Tok::Number: case Tok::BigInt: raise(t.start, "Unexpected number");
    case Tok::String: raise(t.start, "Unexpected string");
    case Tok::Template: raise(t.start, "Unexpected template string");
    case Tok::RegExp: raise(t.start, "Unexpected regular expression");
    default: raise(t.start, fmt::format("Unexpected token '{}'", tokSpelling(t.type)));
  }
}

void Parser::unexpected() { unexpectedAt(tok()); }

void Parser::expect(Tok t) {
  if (!eat(t)) unexpected();
}

void Parser::expectContextual(Kw k, const char* word) {
  if (!eatContextual(k)) unexpected();
}

void Parser::semicolon() {
  if (eat(Tok::Semicolon) || canInsertSemicolon()) return;
  unexpected();
}

Token Parser::peekToken() {
  auto state = lexer_.save();
  lexer_.next();
  Token t = lexer_.current();
  lexer_.restore(state);
  return t;
}

// ---- scopes ----------------------------------------------------------------

Scope& Parser::currentVarScope() {
  for (size_t i = scopes_.size(); i-- > 0;)
    if (scopes_[i].flags & kScopeVar) return scopes_[i];
  return scopes_.front();
}

Scope& Parser::currentThisScope() {
  for (size_t i = scopes_.size(); i-- > 0;)
    if ((scopes_[i].flags & kScopeVar) && !(scopes_[i].flags & kScopeArrow)) return scopes_[i];
  return scopes_.front();
}

bool Parser::inFunction() { return (currentVarScope().flags & kScopeFunction) != 0; }
bool Parser::inGenerator() {
  auto f = currentVarScope().flags;
  return (f & kScopeGenerator) && !(f & kScopeFieldInit);
}
bool Parser::inAsync() {
  auto f = currentVarScope().flags;
  return (f & kScopeAsync) && !(f & kScopeFieldInit);
}
bool Parser::canAwait() {
  for (size_t i = scopes_.size(); i-- > 0;) {
    auto f = scopes_[i].flags;
    if (f & (kScopeStaticBlock | kScopeFieldInit)) return false;
    if (f & kScopeFunction) return (f & kScopeAsync) != 0;
  }
  return options_.isModule;
}
bool Parser::allowSuper() {
  auto& s = currentThisScope();
  if (s.flags & (kScopeSuper | kScopeFieldInit)) return true;
  return (s.flags & kScopeTop) && options_.allowSuperProperty;
}
bool Parser::allowDirectSuper() {
  auto& s = currentThisScope();
  if (s.flags & kScopeDirectSuper) return true;
  return (s.flags & kScopeTop) && options_.allowSuperCall;
}
bool Parser::allowNewTarget() {
  for (size_t i = scopes_.size(); i-- > 0;) {
    auto f = scopes_[i].flags;
    if ((f & (kScopeStaticBlock | kScopeFieldInit)) || ((f & kScopeFunction) && !(f & kScopeArrow)))
      return true;
  }
  return options_.allowNewTarget;
}
bool Parser::inClassStaticBlock() { return (currentVarScope().flags & kScopeStaticBlock) != 0; }
bool Parser::inFieldInit() { return (currentThisScope().flags & kScopeFieldInit) != 0; }

void Parser::declareName(std::u16string_view name, Bind bind, uint32_t pos) {
  if (inTsAmbient_) return;
  bool redeclared = false;
  if (bind == Bind::Lexical) {
    Scope& s = currentScope();
    redeclared = contains(s.lexical, name) || contains(s.functions, name) || contains(s.var, name);
    s.lexical.push_back(name);
  } else if (bind == Bind::SimpleCatch) {
    currentScope().lexical.push_back(name);
  } else if (bind == Bind::Function) {
    Scope& s = currentScope();
    if (treatFunctionsAsVar(s))
      redeclared = contains(s.lexical, name);
    else
      redeclared = contains(s.lexical, name) || contains(s.var, name);
    s.functions.push_back(name);
  } else if (bind == Bind::Var) {
    for (size_t i = scopes_.size(); i-- > 0;) {
      Scope& s = scopes_[i];
      if ((contains(s.lexical, name) && !((s.flags & kScopeSimpleCatch) && s.lexical[0] == name)) ||
          (!treatFunctionsAsVar(s) && contains(s.functions, name))) {
        redeclared = true;
        break;
      }
      s.var.push_back(name);
      if (s.flags & kScopeVar) break;
    }
  }
  if (redeclared) raise(pos, fmt::format("Identifier '{}' has already been declared", utf8(name)));
}

// ---- identifiers and targets ----------------------------------------------

void Parser::checkUnreservedName(std::u16string_view name, Kw kw, uint32_t start) {
  if (kw == Kw::None) return;
  if (kw == Kw::Yield && inGenerator())
    raise(start, "Yield expression not allowed in formal parameter");
  if (kw == Kw::Await && inAsync())
    raise(start, "Cannot use 'await' as identifier inside an async function");
  if (kw == Kw::Arguments) {
    if (inFieldInit() || inClassStaticBlock())
      raise(start, "'arguments' is not allowed in class field initializer or static initialization block");
    if (!options_.allowArguments) {
      bool inNonArrow = false;
      for (auto& s : scopes_)
        if ((s.flags & kScopeFunction) && !(s.flags & kScopeArrow)) inNonArrow = true;
      if (!inNonArrow)
        raise(start, "'arguments' is not allowed in class field initializer or static initialization block");
    }
  }
  if (kw == Kw::Await && inClassStaticBlock())
    raise(start, "Cannot use 'await' as identifier in a class static block");
  if (isAlwaysReserved(kw)) {
    raise(start, fmt::format("Unexpected token '{}'", utf8(name)));
  }
  if (strict_ && isStrictReserved(kw)) raise(start, "Unexpected strict mode reserved word");
  if (kw == Kw::Await && options_.isModule) raise(start, "Unexpected reserved word");
}

void Parser::checkUnreserved(const Token& t, uint32_t start) {
  if (t.escaped && isAlwaysReserved(t.kw)) raise(start, "Keyword must not contain escaped characters");
  checkUnreservedName(t.name(), t.kw, start);
}

Identifier* Parser::parseIdent(bool liberal) {
  if (type() != Tok::Name) unexpected();
  const Token& t = tok();
  auto* id = make<Identifier>(t.start);
  id->name.assign(t.name());
  if (!liberal) {
    checkUnreserved(t, t.start);
    if (t.kw == Kw::Await && !awaitIdentPos_) awaitIdentPos_ = t.start + 1;
  }
  next();
  return finish(id);
}

void Parser::usePrivateName(const std::u16string& name, uint32_t pos) {
  if (classes_.empty()) {
    if (contains(options_.privateNames, name)) return;
    raise(pos, fmt::format("Private field '#{}' must be declared in an enclosing class", utf8(name)));
  }
  classes_.back().used.emplace_back(name, pos);
}

void Parser::checkLValSimple(Node* expr, Bind bind, std::vector<std::u16string_view>* clashes) {
  bool isBind = bind != Bind::None;
  switch (expr->kind) {
    case Kind::Identifier: {
      auto& name = expr->as<Identifier>()->name;
      if (strict_ && (name == u"eval" || name == u"arguments"))
        raise(expr->start, "Unexpected eval or arguments in strict mode");
      if (isBind) {
        Kw kw = keywordOf(name);
        if (strict_ && isStrictReserved(kw)) raise(expr->start, "Unexpected strict mode reserved word");
        if (bind == Bind::Lexical && name == u"let")
          raise(expr->start, "let is disallowed as a lexically bound name");
        if (clashes) {
          if (contains(*clashes, name)) raise(expr->start, "Duplicate parameter name not allowed in this context");
          clashes->push_back(name);
        }
        declareName(name, bind, expr->start);
      }
      return;
    }
    case Kind::Member:
      if (isBind || expr->as<Member>()->optional) break;
      return;
    case Kind::SuperMember:
      if (isBind) break;
      return;
    default:
      break;
  }
  raise(expr->start, isBind ? "Invalid destructuring assignment target" : "Invalid left-hand side in assignment");
}

void Parser::checkLValPattern(Node* expr, Bind bind, std::vector<std::u16string_view>* clashes) {
  switch (expr->kind) {
    case Kind::ObjectPattern: {
      auto* p = expr->as<ObjectPattern>();
      for (auto& prop : p->properties) checkLValInnerPattern(prop.value, bind, clashes);
      if (p->rest) checkLValSimple(p->rest, bind, clashes);
      return;
    }
    case Kind::ArrayPattern:
      for (Node* e : expr->as<ArrayPattern>()->elements)
        if (e) checkLValInnerPattern(e, bind, clashes);
      return;
    default:
      checkLValSimple(expr, bind, clashes);
  }
}

void Parser::checkLValInnerPattern(Node* expr, Bind bind, std::vector<std::u16string_view>* clashes) {
  if (expr->kind == Kind::AssignPattern)
    checkLValPattern(expr->as<AssignPattern>()->target, bind, clashes);
  else if (expr->kind == Kind::Rest)
    checkLValPattern(expr->as<Rest>()->target, bind, clashes);
  else
    checkLValPattern(expr, bind, clashes);
}

void Parser::checkPatternErrors(DestructuringErrors* de, bool isAssign) {
  if (!de) return;
  if (de->trailingComma) raise(de->trailingComma - 1, "Comma is not permitted after the rest element");
  uint32_t parens = isAssign ? de->parenthesizedAssign : de->parenthesizedBind;
  if (parens) raise(parens - 1, "Invalid destructuring assignment target");
}

bool Parser::checkExpressionErrors(DestructuringErrors* de, bool andThrow) {
  if (!de) return false;
  if (!andThrow) return de->shorthandAssign || de->doubleProto;
  if (de->shorthandAssign) raise(de->shorthandAssign - 1, "Invalid shorthand property initializer");
  if (de->doubleProto) raise(de->doubleProto - 1, "Duplicate __proto__ fields are not allowed in object literals");
  return false;
}

void Parser::checkYieldAwaitInDefaultParams() {
  if (yieldPos_ && (!awaitPos_ || yieldPos_ < awaitPos_))
    raise(yieldPos_ - 1, "Yield expression not allowed in formal parameter");
  if (awaitPos_) raise(awaitPos_ - 1, "Illegal await-expression in formal parameters of async function");
}

Node* Parser::toAssignable(Node* node, bool isBinding, DestructuringErrors* de) {
  if (isParenthesized(node)) {
    if (!isBinding && (node->kind == Kind::Identifier ||
                       (node->kind == Kind::Member && !node->as<Member>()->optional) ||
                       node->kind == Kind::SuperMember))
      return node;
    raise(node->start, "Invalid destructuring assignment target");
  }
  switch (node->kind) {
    case Kind::Identifier:
      if (inAsync() && node->as<Identifier>()->name == u"await")
        raise(node->start, "Cannot use 'await' as identifier inside an async function");
      return node;
    case Kind::ObjectPattern: case Kind::ArrayPattern: case Kind::AssignPattern:
      return node;
    case Kind::ObjectLit: {
      checkPatternErrors(de, true);
      auto* lit = node->as<ObjectLit>();
      auto* pat = make<ObjectPattern>(node->start);
      pat->end = node->end;
      for (size_t i = 0; i < lit->properties.size(); ++i) {
        auto& prop = lit->properties[i];
        if (prop.kind == PropKind::Spread) {
          Node* arg = prop.value;
          if (i + 1 != lit->properties.size()) raise(arg->start, "Rest element must be last element");
          if (arg->kind != Kind::Identifier && !(arg->kind == Kind::Member && !isBinding) &&
              !(arg->kind == Kind::SuperMember && !isBinding))
            raise(arg->start, "`...` must be followed by an assignable reference in assignment contexts");
          pat->rest = toAssignable(arg, isBinding, nullptr);
        } else if (prop.kind == PropKind::Init || prop.kind == PropKind::Proto) {
          pat->properties.push_back({prop.key, prop.computed, toAssignable(prop.value, isBinding, nullptr)});
        } else {
          raise(prop.key->start, "Invalid destructuring assignment target");
        }
      }
      return pat;
    }
    case Kind::ArrayLit: {
      checkPatternErrors(de, true);
      auto* lit = node->as<ArrayLit>();
      auto* pat = make<ArrayPattern>(node->start);
      pat->end = node->end;
      for (size_t i = 0; i < lit->elements.size(); ++i) {
        Node* e = lit->elements[i];
        if (!e) {
          pat->elements.push_back(nullptr);
        } else if (e->kind == Kind::Spread) {
          if (i + 1 != lit->elements.size()) raise(e->start, "Rest element must be last element");
          Node* arg = e->as<Spread>()->argument;
          auto* rest = make<Rest>(e->start);
          rest->end = e->end;
          rest->target = toAssignable(arg, isBinding, nullptr);
          if (rest->target->kind == Kind::AssignPattern)
            raise(arg->start, "Rest elements cannot have a default value");
          pat->elements.push_back(rest);
        } else {
          pat->elements.push_back(toAssignable(e, isBinding, nullptr));
        }
      }
      return pat;
    }
    case Kind::Spread:
      raise(node->start, "Invalid destructuring assignment target");
    case Kind::Rest: {
      auto* r = node->as<Rest>();
      r->target = toAssignable(r->target, isBinding, nullptr);
      if (r->target->kind == Kind::AssignPattern) raise(r->target->start, "Rest elements cannot have a default value");
      return node;
    }
    case Kind::Assign: {
      auto* a = node->as<Assign>();
      if (a->op != "=") raise(a->target->end, "Only '=' operator can be used for specifying default value.");
      auto* pat = make<AssignPattern>(node->start);
      pat->end = node->end;
      pat->target = toAssignable(a->target, isBinding, nullptr);
      pat->defaultValue = a->value;
      return pat;
    }
    case Kind::Member:
      if (!isBinding && !node->as<Member>()->optional) return node;
      break;
    case Kind::SuperMember:
      if (!isBinding) return node;
      break;
    default:
      break;
  }
  raise(node->start, isBinding ? "Invalid destructuring assignment target" : "Invalid left-hand side in assignment");
}

void Parser::toAssignableList(NodeList& list, bool isBinding) {
  for (size_t i = 0; i < list.size(); ++i) {
    Node* e = list[i];
    if ((e->kind == Kind::Rest || e->kind == Kind::Spread) && i + 1 != list.size())
      raise(e->start, "Rest parameter must be last formal parameter");
    if (e->kind == Kind::Spread) {
      auto* rest = make<Rest>(e->start);
      rest->end = e->end;
      rest->target = toAssignable(e->as<Spread>()->argument, isBinding, nullptr);
      if (rest->target->kind == Kind::AssignPattern)
        raise(rest->target->start, "Rest parameter may not have a default initializer");
      list[i] = rest;
      continue;
    }
    list[i] = toAssignable(e, isBinding, nullptr);
  }
}

// ---- expressions -----------------------------------------------------------

Node* Parser::parseExpression(bool forInit, DestructuringErrors* de) {
  uint32_t start = tok().start;
  Node* expr = parseMaybeAssign(forInit, de);
  if (type() != Tok::Comma) return expr;
  auto* seq = make<Sequence>(start);
  seq->expressions.push_back(expr);
  while (eat(Tok::Comma)) seq->expressions.push_back(parseMaybeAssign(forInit, de));
  return finish(seq);
}

Node* Parser::parseMaybeAssign(bool forInit, DestructuringErrors* de) {
  DepthGuard guard(*this, tok().start);
  if (isContextual(Kw::Yield) && inGenerator()) return parseYield(forInit);
  if (ts()) {
    if (Node* arrow = tsTryArrow(tok().start, forInit)) return arrow;
  }
  DestructuringErrors own;
  bool ownDE = false;
  uint32_t oldParenAssign = 0, oldTrailingComma = 0, oldDoubleProto = 0;
  if (de) {
    oldParenAssign = de->parenthesizedAssign;
    oldTrailingComma = de->trailingComma;
    oldDoubleProto = de->doubleProto;
    de->parenthesizedAssign = de->trailingComma = 0;
  } else {
    de = &own;
    ownDE = true;
  }
  uint32_t start = tok().start;
  if (type() == Tok::LParen || type() == Tok::Name) {
    potentialArrowAt_ = start;
    potentialArrowInForAwait_ = false;
  }
  Node* left = parseMaybeConditional(forInit, de);
  if (isAssignOp(type())) {
    Tok op = type();
    auto* node = make<Assign>(start);
    node->op = tokSpelling(op);
    if (op == Tok::Assign) {
      left = toAssignable(left, false, de);
    } else if (op >= Tok::AndAssign) {
      if (!(left->kind == Kind::Identifier || left->kind == Kind::Member || left->kind == Kind::SuperMember) ||
          (left->kind == Kind::Member && left->as<Member>()->optional))
        raise(left->start, "Invalid left-hand side in assignment");
    }
    if (!ownDE) de->parenthesizedAssign = de->trailingComma = de->doubleProto = 0;
    if (de->shorthandAssign && de->shorthandAssign - 1 >= left->start) de->shorthandAssign = 0;
    if (op == Tok::Assign)
      checkLValPattern(left, Bind::None, nullptr);
    else
      checkLValSimple(left, Bind::None, nullptr);
    node->target = left;
    next();
    node->value = parseMaybeAssign(forInit);
    if (oldDoubleProto) de->doubleProto = oldDoubleProto;
    return finish(node);
  }
  if (ownDE) checkExpressionErrors(de, true);
  if (oldParenAssign) de->parenthesizedAssign = oldParenAssign;
  if (oldTrailingComma) de->trailingComma = oldTrailingComma;
  return left;
}

Node* Parser::parseMaybeConditional(bool forInit, DestructuringErrors* de) {
  uint32_t start = tok().start;
  Node* expr = parseExprOps(forInit, de);
  if (checkExpressionErrors(de, false)) return expr;
  if (type() == Tok::Question) {
    next();
    auto* node = make<Conditional>(start);
    node->test = expr;
    uint32_t oldConsequent = tsConsequentStart_;
    tsConsequentStart_ = tok().start;
    node->consequent = parseMaybeAssign(false);
    tsConsequentStart_ = oldConsequent;
    expect(Tok::Colon);
    node->alternate = parseMaybeAssign(forInit);
    return finish(node);
  }
  return expr;
}

Node* Parser::parseExprOps(bool forInit, DestructuringErrors* de) {
  uint32_t start = tok().start;
  Node* expr = parseMaybeUnary(de, false, forInit);
  if (checkExpressionErrors(de, false)) return expr;
  if (expr->start == start && expr->kind == Kind::Function && expr->as<FunctionNode>()->fkind == FunctionKind::Arrow &&
      !isParenthesized(expr))
    return expr;
  return parseExprOp(expr, start, -1, forInit);
}

Node* Parser::parseExprOp(Node* left, uint32_t leftStart, int minPrec, bool forInit) {
  for (;;) {
    if (left->kind == Kind::PrivateIn && !left->as<PrivateIn>()->right) {
      if (!(tok().is(Kw::In) && !forInit && 7 > minPrec)) unexpected();
    }
    Tok t = type();
    int prec = binaryPrecedence(t);
    bool isIn = false, isInstanceof = false, isAs = false;
    if (t == Tok::Name && !tok().escaped) {
      if (tok().kw == Kw::In && !forInit) { prec = 7; isIn = true; }
      else if (tok().kw == Kw::Instanceof) { prec = 7; isInstanceof = true; }
      else if (ts() && (tok().kw == Kw::As || tok().kw == Kw::Satisfies) && !tok().newlineBefore) {
        prec = 7;
        isAs = true;
      }
    }
    if (prec <= minPrec) return left;
    if (isAs) {
      next();
      if (isContextual(Kw::Const) || tok().is(Kw::Const)) next();  // `as const`
      else tsSkipType();
      continue;
    }
    bool logical = t == Tok::And || t == Tok::Or;
    bool coalesce = t == Tok::Nullish;
    std::string op = isIn ? "in" : isInstanceof ? "instanceof" : tokSpelling(t);
    next();
    uint32_t rightStart = tok().start;
    Node* right;
    {
      DepthGuard guard(*this, rightStart);
      right = parseExprOp(parseMaybeUnary(nullptr, false, forInit), rightStart, prec, forInit);
    }
    if (right->kind == Kind::PrivateIn && !right->as<PrivateIn>()->right) raise(right->start, "Unexpected private name");
    Node* node;
    if (left->kind == Kind::PrivateIn && !left->as<PrivateIn>()->right) {
      left->as<PrivateIn>()->right = right;
      node = finish(left);
    } else if (logical || coalesce) {
      auto* n = make<Logical>(leftStart);
      n->op = op;
      n->left = left;
      n->right = right;
      node = finish(n);
    } else {
      auto* n = make<Binary>(leftStart);
      n->op = op;
      n->left = left;
      n->right = right;
      node = finish(n);
    }
    if ((logical && type() == Tok::Nullish) || (coalesce && (type() == Tok::And || type() == Tok::Or)))
      raise(tok().start, "Unexpected token: logical expressions and coalesce expressions cannot be mixed without parentheses");
    left = node;
  }
}

Node* Parser::parseMaybeUnary(DestructuringErrors* de, bool sawUnary, bool forInit, bool incDec) {
  DepthGuard guard(*this, tok().start);
  uint32_t start = tok().start;
  Node* expr;
  Tok t = type();
  if (isContextual(Kw::Await) && canAwait()) {
    expr = parseAwait(forInit);
    sawUnary = true;
  } else if (t == Tok::Inc || t == Tok::Dec) {
    next();
    auto* u = make<Update>(start);
    u->increment = t == Tok::Inc;
    u->prefix = true;
    u->argument = parseMaybeUnary(nullptr, true, forInit, true);
    checkLValSimple(u->argument, Bind::None, nullptr);
    expr = finish(u);
  } else if (t == Tok::Not || t == Tok::BitNot || t == Tok::Plus || t == Tok::Minus ||
             tok().is(Kw::Typeof) || tok().is(Kw::Void) || tok().is(Kw::Delete)) {
    std::string op = t == Tok::Name ? utf8(tok().name()) : tokSpelling(t);
    next();
    auto* u = make<Unary>(start);
    u->op = op;
    u->argument = parseMaybeUnary(nullptr, true, forInit);
    if (op == "delete") {
      Node* arg = u->argument;
      if (strict_ && arg->kind == Kind::Identifier)
        raise(start, "Delete of an unqualified identifier in strict mode.");
      Node* inner = arg->kind == Kind::OptionalChain ? arg->as<OptionalChain>()->expression : arg;
      if (inner->kind == Kind::Member && inner->as<Member>()->isPrivate)
        raise(start, "Private fields can not be deleted");
    }
    expr = finish(u);
    sawUnary = true;
  } else if (t == Tok::PrivateName && !sawUnary) {
    if (classes_.empty() && !options_.privateNames.size()) {
      raise(start, fmt::format("Private field '#{}' must be declared in an enclosing class", utf8(tok().name())));
    }
    auto* p = make<PrivateIn>(start);
    p->name.assign(tok().name());
    usePrivateName(p->name, start);
    next();
    if (!tok().is(Kw::In) || forInit) unexpected();
    return p;
  } else if (ts() && t == Tok::Lt) {
    // `<T>expr` type assertion (a generic arrow was tried by parseMaybeAssign).
    tsSkipTypeArguments();
    expr = parseMaybeUnary(nullptr, sawUnary, forInit);
    return expr;
  } else {
    expr = parseExprSubscripts(de, forInit);
    if (checkExpressionErrors(de, false)) return expr;
    while ((type() == Tok::Inc || type() == Tok::Dec) && !tok().newlineBefore) {
      checkLValSimple(expr, Bind::None, nullptr);
      auto* u = make<Update>(start);
      u->increment = type() == Tok::Inc;
      u->prefix = false;
      u->argument = expr;
      next();
      expr = finish(u);
    }
  }
  if (!incDec && type() == Tok::StarStar) {
    if (sawUnary) unexpected();
    next();
    auto* b = make<Binary>(start);
    b->op = "**";
    b->left = expr;
    b->right = parseMaybeUnary(nullptr, false, forInit);
    return finish(b);
  }
  return expr;
}

Node* Parser::parseExprSubscripts(DestructuringErrors* de, bool forInit) {
  uint32_t start = tok().start;
  Node* expr = parseExprAtom(de, forInit);
  if (expr->kind == Kind::Function && expr->as<FunctionNode>()->fkind == FunctionKind::Arrow &&
      !isParenthesized(expr))
    return expr;
  return parseSubscripts(expr, start, false, forInit);
}

Node* Parser::parseSubscripts(Node* base, uint32_t start, bool noCalls, bool forInit) {
  bool maybeAsyncArrow = base->kind == Kind::Identifier && base->as<Identifier>()->name == u"async" &&
                         lastEnd() == base->end && !canInsertSemicolon() && base->end - base->start == 5 &&
                         potentialArrowAt_ == base->start;
  bool optionalChained = false;
  for (;;) {
    bool optional = false;
    if (type() == Tok::QuestionDot) {
      if (noCalls) raise(tok().start, "Invalid optional chain from new expression");
      optional = optionalChained = true;
      next();
    }
    if (ts() && type() == Tok::Not && !tok().newlineBefore && !optional) {
      next();  // non-null assertion
      continue;
    }
    if (ts() && (type() == Tok::Lt || type() == Tok::Shl) && !optional) {
      if (tsTryTypeArguments()) {
        if (type() != Tok::LParen && type() != Tok::Template) continue;  // instantiation expression
        if (noCalls && type() == Tok::LParen) return base;
      }
    }
    bool computed = type() == Tok::LBracket;
    if (computed || (optional && type() != Tok::LParen && type() != Tok::Template) || type() == Tok::Dot) {
      if (!computed && !optional) next();  // '.'
      auto* m = make<Member>(start);
      m->object = base;
      m->optional = optional;
      if (computed) {
        next();
        m->computed = true;
        m->property = parseExpression();
        expect(Tok::RBracket);
      } else if (type() == Tok::PrivateName) {
        auto* id = make<Identifier>(tok().start);
        id->name.assign(tok().name());
        usePrivateName(id->name, tok().start);
        next();
        m->property = finish(id);
        m->isPrivate = true;
      } else {
        m->property = parseIdent(true);
      }
      base = finish(m);
    } else if (!noCalls && type() == Tok::LParen) {
      DestructuringErrors de;
      uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
      yieldPos_ = awaitPos_ = awaitIdentPos_ = 0;
      next();
      NodeList args;
      parseExprList(args, Tok::RParen, true, false, &de);
      if (maybeAsyncArrow && !optional && !optionalChained && shouldParseArrow() &&
          (type() == Tok::Arrow || (ts() && type() == Tok::Colon))) {
        if (ts() && type() == Tok::Colon) {
          next();
          tsSkipType();
          if (type() != Tok::Arrow) unexpected();
        }
        checkPatternErrors(&de, false);
        checkYieldAwaitInDefaultParams();
        if (awaitIdentPos_) raise(awaitIdentPos_ - 1, "Cannot use 'await' as identifier inside an async function");
        yieldPos_ = oldYield;
        awaitPos_ = oldAwait;
        awaitIdentPos_ = oldAwaitIdent;
        auto* fn = make<FunctionNode>(start);
        return parseArrowExpression(fn, std::move(args), true, forInit);
      }
      checkExpressionErrors(&de, true);
      if (oldYield) yieldPos_ = oldYield;
      if (oldAwait) awaitPos_ = oldAwait;
      if (oldAwaitIdent) awaitIdentPos_ = oldAwaitIdent;
      auto* call = make<Call>(start);
      call->callee = base;
      call->arguments = std::move(args);
      call->optional = optional;
      base = finish(call);
    } else if (type() == Tok::Template) {
      if (optional || optionalChained) raise(tok().start, "Invalid tagged template on optional chain");
      auto* tt = make<TaggedTemplate>(start);
      tt->tag = base;
      tt->quasi = parseTemplate(true)->as<TemplateLit>();
      base = finish(tt);
    } else {
      break;
    }
    maybeAsyncArrow = false;
  }
  if (optionalChained) {
    auto* chain = make<OptionalChain>(start);
    chain->expression = base;
    chain->end = base->end;
    return chain;
  }
  return base;
}

Node* Parser::parseLiteralToken() {
  const Token& t = tok();
  switch (t.type) {
    case Tok::Number: {
      if (t.legacyOctal && strict_) {
        bool octal = true;
        for (char16_t c : t.source)
          if (c == '8' || c == '9' || c == '.' || c == 'e' || c == 'E') octal = false;
        raise(t.start, octal ? "Octal literals are not allowed in strict mode."
                             : "Decimals with leading zeros are not allowed in strict mode.");
      }
      auto* n = make<NumberLit>(t.start);
      n->value = t.number;
      next();
      return finish(n);
    }
    case Tok::BigInt: {
      auto* n = make<BigIntLit>(t.start);
      n->digits = t.bigint;
      next();
      return finish(n);
    }
    case Tok::String: {
      if (t.legacyOctal && strict_) raise(t.octalEscapeOffset, "Octal escape sequences are not allowed in strict mode.");
      auto* n = make<StringLit>(t.start);
      n->value = t.value;
      next();
      return finish(n);
    }
    default:
      unexpected();
  }
}

Node* Parser::parseExprAtom(DestructuringErrors* de, bool forInit) {
  uint32_t start = tok().start;
  bool canBeArrow = potentialArrowAt_ == start;
  switch (type()) {
    case Tok::Slash: case Tok::SlashAssign: {
      lexer_.rescanRegExp();
      auto* re = make<RegExpLit>(start);
      re->pattern = tok().value;
      re->flags = tok().raw;
      std::string message;
      if (!validateRegExp(re->pattern, re->flags, &message)) raise(start, message);
      next();
      return finish(re);
    }
    case Tok::Number: case Tok::BigInt: case Tok::String:
      return parseLiteralToken();
    case Tok::LParen:
      return parseParenAndDistinguish(canBeArrow, forInit);
    case Tok::LBracket:
      return parseArrayLit(de);
    case Tok::LBrace:
      return parseObj(de);
    case Tok::Template:
      return parseTemplate(false);
    case Tok::Name:
      break;
    default:
      unexpected();
  }
  const Token& t = tok();
  if (t.escaped && isAlwaysReserved(t.kw)) raise(start, "Keyword must not contain escaped characters");
  switch (t.escaped ? Kw::None : t.kw) {
    case Kw::This: next(); return finish(make<This>(start));
    case Kw::Null: next(); return finish(make<NullLit>(start));
    case Kw::True: case Kw::False: {
      auto* b = make<BooleanLit>(start);
      b->value = t.kw == Kw::True;
      next();
      return finish(b);
    }
    case Kw::Function: {
      return parseFunction(start, 0, false, false, forInit);
    }
    case Kw::Class:
      return parseClass(start, false, false);
    case Kw::New:
      return parseNew();
    case Kw::Import:
      return parseImportExpr();
    case Kw::Super: {
      if (!allowSuper()) raise(start, "'super' keyword unexpected here");
      next();
      if (type() == Tok::LParen) {
        if (!allowDirectSuper()) raise(start, "'super' keyword unexpected here");
        next();
        auto* call = make<SuperCall>(start);
        parseExprList(call->arguments, Tok::RParen, true, false, nullptr);
        return finish(call);
      }
      auto* m = make<SuperMember>(start);
      if (eat(Tok::Dot)) {
        if (type() == Tok::PrivateName) unexpected();
        m->property = parseIdent(true);
      } else if (eat(Tok::LBracket)) {
        m->computed = true;
        m->property = parseExpression();
        expect(Tok::RBracket);
      } else {
        raise(start, "'super' keyword unexpected here");
      }
      return finish(m);
    }
    default:
      break;
  }
  // async function expressions and async arrows
  if (t.is(Kw::Async)) {
    Token nt = peekToken();
    if (nt.is(Kw::Function) && !nt.newlineBefore) {
      next();
      return parseFunction(start, 0, false, true, forInit);
    }
    if (canBeArrow && nt.type == Tok::Name && !nt.newlineBefore &&
        !(potentialArrowInForAwait_ && nt.is(Kw::Of))) {
      next();
      auto* id = parseIdent(false);
      if (canInsertSemicolon() || type() != Tok::Arrow) unexpected();
      if (id->name == u"await") raise(id->start, "Cannot use 'await' as identifier inside an async function");
      auto* fn = make<FunctionNode>(start);
      NodeList params{id};
      return parseArrowExpression(fn, std::move(params), true, forInit);
    }
  }
  Identifier* id = parseIdent(false);
  if (ts()) tsValueRefs_.insert(id->name);
  if (canBeArrow && !canInsertSemicolon() && type() == Tok::Arrow) {
    auto* fn = make<FunctionNode>(start);
    NodeList params{id};
    return parseArrowExpression(fn, std::move(params), false, forInit);
  }
  return id;
}

Node* Parser::parseParenAndDistinguish(bool canBeArrow, bool forInit) {
  uint32_t start = tok().start;
  next();
  uint32_t innerStart = tok().start;
  NodeList exprList;
  bool first = true, lastIsComma = false;
  DestructuringErrors de;
  uint32_t oldYield = yieldPos_, oldAwait = awaitPos_;
  yieldPos_ = awaitPos_ = 0;
  uint32_t spreadStart = 0;
  while (type() != Tok::RParen) {
    if (first) {
      first = false;
    } else {
      expect(Tok::Comma);
    }
    if (!first && type() == Tok::RParen && !exprList.empty()) {
      lastIsComma = true;
      break;
    }
    if (type() == Tok::Ellipsis) {
      spreadStart = tok().start + 1;
      next();
      auto* rest = make<Rest>(spreadStart - 1);
      rest->target = parseBindingAtom();
      exprList.push_back(finish(rest));
      if (type() == Tok::Comma) raise(tok().start, "Comma is not permitted after the rest element");
      break;
    }
    exprList.push_back(parseMaybeAssign(false, &de));
  }
  uint32_t innerEnd = lastEnd();
  expect(Tok::RParen);
  if (canBeArrow && shouldParseArrow() && type() == Tok::Arrow) {
    checkPatternErrors(&de, false);
    checkYieldAwaitInDefaultParams();
    yieldPos_ = oldYield;
    awaitPos_ = oldAwait;
    auto* fn = make<FunctionNode>(start);
    return parseArrowExpression(fn, std::move(exprList), false, forInit);
  }
  if (exprList.empty() || lastIsComma) raise(innerEnd == lastEnd() ? lastEnd() - 1 : lastEnd() - 1, "Unexpected token ')'");
  if (spreadStart) raise(spreadStart - 1, "Unexpected token '...'");
  checkExpressionErrors(&de, true);
  if (oldYield) yieldPos_ = oldYield;
  if (oldAwait) awaitPos_ = oldAwait;
  Node* val;
  if (exprList.size() > 1) {
    auto* seq = make<Sequence>(innerStart);
    seq->expressions = std::move(exprList);
    seq->end = innerEnd;
    val = seq;
  } else {
    val = exprList[0];
  }
  parenthesized_.insert(val);
  return val;
}

Node* Parser::parseArrowExpression(FunctionNode* fn, NodeList params, bool isAsync, bool forInit) {
  enterScope(functionFlags(isAsync, false) | kScopeArrow);
  uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
  yieldPos_ = awaitPos_ = awaitIdentPos_ = 0;
  fn->fkind = FunctionKind::Arrow;
  fn->isAsync = isAsync;
  toAssignableList(params, true);
  fn->params = std::move(params);
  if (type() == Tok::Arrow) next();
  parseFunctionBody(fn, true, false, forInit);
  yieldPos_ = oldYield;
  awaitPos_ = oldAwait;
  awaitIdentPos_ = oldAwaitIdent;
  exitScope();
  return finish(fn);
}

Node* Parser::parseNew() {
  uint32_t start = tok().start;
  DepthGuard guard(*this, start);
  next();  // new
  if (type() == Tok::Dot) {
    next();
    if (!(type() == Tok::Name && tok().name() == u"target")) unexpected();
    if (tok().escaped) raise(tok().start, "'new.target' must not contain escaped characters");
    next();
    if (!allowNewTarget()) raise(start, "new.target expression is not allowed here");
    return finish(make<NewTarget>(start));
  }
  if (tok().is(Kw::Import) && peekType() == Tok::LParen) raise(tok().start, "Cannot use new with import");
  uint32_t calleeStart = tok().start;
  Node* callee = parseExprAtom(nullptr, false);
  callee = parseSubscripts(callee, calleeStart, true, false);
  if (callee->kind == Kind::OptionalChain) raise(callee->start, "Invalid optional chain from new expression");
  auto* node = make<New>(start);
  node->callee = callee;
  if (ts() && (type() == Tok::Lt || type() == Tok::Shl)) tsTryTypeArguments();
  if (eat(Tok::LParen)) parseExprList(node->arguments, Tok::RParen, true, false, nullptr);
  return finish(node);
}

Node* Parser::parseTemplate(bool isTagged) {
  auto* tl = make<TemplateLit>(tok().start);
  for (;;) {
    if (type() != Tok::Template) unexpected();
    const Token& t = tok();
    if (!t.cookedValid) {
      if (!isTagged) raise(t.octalEscapeOffset, "Invalid escape sequence in template");
      tl->cooked.emplace_back(std::nullopt);
    } else {
      tl->cooked.emplace_back(t.value);
    }
    tl->raw.push_back(t.raw);
    bool tail = t.templateTail;
    next();
    if (tail) break;
    tl->expressions.push_back(parseExpression());
    if (type() != Tok::RBrace) unexpected();
    lexer_.rescanTemplateContinuation();
  }
  return finish(tl);
}

void Parser::parsePropertyName(Node** key, bool* computed) {
  *computed = false;
  switch (type()) {
    case Tok::LBracket: {
      next();
      *computed = true;
      *key = parseMaybeAssign();
      expect(Tok::RBracket);
      return;
    }
    case Tok::Number: case Tok::String: case Tok::BigInt:
      *key = parseLiteralToken();
      return;
    case Tok::Name:
      *key = parseIdent(true);
      return;
    default:
      unexpected();
  }
}

Node* Parser::parseObj(DestructuringErrors* de) {
  auto* obj = make<ObjectLit>(tok().start);
  next();
  bool first = true, hasProto = false;
  while (!eat(Tok::RBrace)) {
    if (!first) {
      expect(Tok::Comma);
      if (eat(Tok::RBrace)) break;
    }
    first = false;
    uint32_t propStart = tok().start;
    Property prop;
    if (type() == Tok::Ellipsis) {
      next();
      prop.kind = PropKind::Spread;
      prop.value = parseMaybeAssign(false, de);
      if (type() == Tok::Comma && de && !de->trailingComma) de->trailingComma = tok().start + 1;
      obj->properties.push_back(prop);
      continue;
    }
    bool isGenerator = eat(Tok::Star);
    bool isAsync = false;
    bool containsEsc = tok().escaped;
    Token keyTok = tok();
    parsePropertyName(&prop.key, &prop.computed);
    auto keyIs = [&](const char16_t* w) {
      return !prop.computed && !containsEsc && prop.key->kind == Kind::Identifier &&
             prop.key->as<Identifier>()->name == w;
    };
    auto followsKey = [&]() {
      Tok t = type();
      return !(t == Tok::LParen || t == Tok::Colon || t == Tok::Comma || t == Tok::RBrace || t == Tok::Assign ||
               (ts() && t == Tok::Lt));
    };
    if (!isGenerator && keyIs(u"async") && followsKey() && !canInsertSemicolon()) {
      isAsync = true;
      isGenerator = eat(Tok::Star);
      keyTok = tok();
      parsePropertyName(&prop.key, &prop.computed);
    } else if (!isGenerator && (keyIs(u"get") || keyIs(u"set")) && followsKey()) {
      prop.kind = keyIs(u"get") ? PropKind::Get : PropKind::Set;
      keyTok = tok();
      parsePropertyName(&prop.key, &prop.computed);
    }
    if ((isGenerator || isAsync) && type() == Tok::Colon) unexpected();
    if (prop.kind == PropKind::Get || prop.kind == PropKind::Set) {
      bool isGet = prop.kind == PropKind::Get;
      auto* fn = parseMethod(propStart, false, false, isGet ? FunctionKind::Getter : FunctionKind::Setter);
      prop.value = fn;
    } else if (eat(Tok::Colon)) {
      prop.kind = PropKind::Init;
      prop.value = parseMaybeAssign(false, de);
      bool isProtoKey = !prop.computed &&
                        ((prop.key->kind == Kind::Identifier && prop.key->as<Identifier>()->name == u"__proto__") ||
                         (prop.key->kind == Kind::StringLit && prop.key->as<StringLit>()->value == u"__proto__"));
      if (isProtoKey) {
        if (hasProto) {
          if (de) {
            if (!de->doubleProto) de->doubleProto = prop.key->start + 1;
          } else {
            raise(prop.key->start, "Duplicate __proto__ fields are not allowed in object literals");
          }
        }
        hasProto = true;
        prop.kind = PropKind::Proto;
      }
    } else if (type() == Tok::LParen || (ts() && type() == Tok::Lt)) {
      prop.kind = PropKind::Method;
      prop.value = parseMethod(propStart, isGenerator, isAsync, FunctionKind::Method);
    } else if (!prop.computed && prop.key->kind == Kind::Identifier && !isGenerator && !isAsync) {
      // Shorthand: the key is also an identifier reference.
      checkUnreserved(keyTok, keyTok.start);
      if (keyTok.kw == Kw::Await && !awaitIdentPos_) awaitIdentPos_ = keyTok.start + 1;
      auto* ref = make<Identifier>(prop.key->start);
      ref->name = prop.key->as<Identifier>()->name;
      ref->end = prop.key->end;
      if (ts()) tsValueRefs_.insert(ref->name);
      prop.shorthand = true;
      if (type() == Tok::Assign && de) {
        if (!de->shorthandAssign) de->shorthandAssign = tok().start + 1;
        next();
        auto* ap = make<AssignPattern>(ref->start);
        ap->target = ref;
        ap->defaultValue = parseMaybeAssign();
        prop.value = finish(ap);
      } else if (type() == Tok::Assign) {
        unexpected();
      } else {
        prop.value = ref;
      }
    } else {
      unexpected();
    }
    obj->properties.push_back(prop);
  }
  return finish(obj);
}

Node* Parser::parseArrayLit(DestructuringErrors* de) {
  auto* arr = make<ArrayLit>(tok().start);
  next();
  bool first = true;
  while (!eat(Tok::RBracket)) {
    if (!first) {
      expect(Tok::Comma);
      if (eat(Tok::RBracket)) break;
    }
    first = false;
    if (type() == Tok::Comma) {
      arr->elements.push_back(nullptr);
    } else if (type() == Tok::Ellipsis) {
      arr->elements.push_back(parseSpread(de));
      if (type() == Tok::Comma && de && !de->trailingComma) de->trailingComma = tok().start + 1;
    } else {
      arr->elements.push_back(parseMaybeAssign(false, de));
    }
  }
  return finish(arr);
}

Node* Parser::parseSpread(DestructuringErrors* de) {
  auto* s = make<Spread>(tok().start);
  next();
  s->argument = parseMaybeAssign(false, de);
  return finish(s);
}

// After the opening token; consumes the closing one.
void Parser::parseExprList(NodeList& out, Tok close, bool allowTrailingComma, bool allowEmpty,
                           DestructuringErrors* de) {
  bool first = true;
  while (!eat(close)) {
    if (!first) {
      expect(Tok::Comma);
      if (allowTrailingComma && eat(close)) break;
    }
    first = false;
    if (allowEmpty && type() == Tok::Comma) {
      out.push_back(nullptr);
    } else if (type() == Tok::Ellipsis) {
      out.push_back(parseSpread(de));
      if (type() == Tok::Comma && de && !de->trailingComma) de->trailingComma = tok().start + 1;
    } else {
      out.push_back(parseMaybeAssign(false, de));
    }
  }
}

Node* Parser::parseYield(bool forInit) {
  if (!yieldPos_) yieldPos_ = tok().start + 1;
  auto* y = make<Yield>(tok().start);
  next();
  if (type() == Tok::Semicolon || canInsertSemicolon() || (type() != Tok::Star && !startsExpression(tok()))) {
    return finish(y);
  }
  y->delegate = eat(Tok::Star);
  y->argument = parseMaybeAssign(forInit);
  return finish(y);
}

Node* Parser::parseAwait(bool forInit) {
  if (!awaitPos_) awaitPos_ = tok().start + 1;
  auto* a = make<Await>(tok().start);
  next();
  a->argument = parseMaybeUnary(nullptr, true, forInit);
  return finish(a);
}

Node* Parser::parseImportExpr() {
  uint32_t start = tok().start;
  next();  // import
  if (eat(Tok::Dot)) {
    if (!(type() == Tok::Name && tok().name() == u"meta")) unexpected();
    if (tok().escaped) raise(tok().start, "'import.meta' must not contain escaped characters");
    next();
    if (!options_.isModule) raise(start, "Cannot use 'import.meta' outside a module");
    return finish(make<ImportMeta>(start));
  }
  if (type() != Tok::LParen) unexpected();
  next();
  auto* call = make<ImportCall>(start);
  if (type() == Tok::RParen) unexpected();
  call->argument = parseMaybeAssign();
  if (eat(Tok::Comma) && type() != Tok::RParen) {
    parseMaybeAssign();  // import attributes: evaluated for syntax only
    eat(Tok::Comma);
  }
  expect(Tok::RParen);
  return finish(call);
}

// ---- driver ----------------------------------------------------------------

void Parser::parseTopLevel() {
  uint32_t flags = kScopeTop;
  if (options_.inFunction) flags |= kScopeTop;
  enterScope(flags);
  program_->isModule = options_.isModule;
  lexer_.skipHashbang();
  next();
  bool becameStrict = false;
  parseDirectivesAndBody(program_->body, Tok::EOS, false, nullptr, &becameStrict);
  program_->isStrict = strict_;
  if (options_.isModule) {
    Scope& top = scopes_.front();
    for (auto& [name, pos] : localExports_) {
      if (!contains(top.var, name) && !contains(top.lexical, name) && !contains(top.functions, name))
        raise(pos, fmt::format("Export '{}' is not defined in module", utf8(name)));
    }
  }
  if (ts() && !tsImports_.empty()) {
    // Drop import specifiers only used as types (TypeScript's import elision).
    for (Import* imp : tsImports_) {
      auto& specs = imp->specifiers;
      bool hadSpecs = !specs.empty();
      std::erase_if(specs, [&](const ImportSpec& s) { return !tsValueRefs_.count(s.local); });
      if (hadSpecs && specs.empty()) imp->source.clear();  // marks the declaration for removal
    }
    std::erase_if(program_->body, [](Node* n) {
      return n->kind == Kind::Import && n->as<Import>()->source.empty() && n->as<Import>()->specifiers.empty();
    });
  }
}

}  // namespace parser_detail

// ---- public API --------------------------------------------------------------

std::unique_ptr<ast::Program> parseProgram(const SourceFile& source, const ParseOptions& options,
                                           ParseError* error) {
  auto program = std::make_unique<ast::Program>();
  program->arena.reserve(source.text().size() / 8);  // about one node per 8 characters of code
  try {
    Parser parser(source.text(), options, program.get());
    parser.parseTopLevel();
  } catch (const SyntaxErrorException& e) {
    if (error) *error = ParseError{e.offset, e.message};
    return nullptr;
  }
  return program;
}

std::string formatSyntaxError(const SourceFile& source, const ParseError& error) {
  LineCol lc = source.position(error.offset);
  std::string line = source.lineText(lc.line);
  // The caret goes under the column; count display columns in UTF-16 units as
  // the position does, but a tab stays a tab so the caret lines up.
  std::u16string prefix = utf8ToUtf16(line).substr(0, lc.column - 1);
  std::string pad;
  for (char16_t c : prefix) pad.push_back(c == '\t' ? '\t' : ' ');
  return fmt::format("{}:{}:{}: SyntaxError: {}\n{}\n{}^", source.path(), lc.line, lc.column, error.message, line,
                     pad);
}

}  // namespace kiln

namespace kiln {

namespace {

std::u16string_view dynamicPrefix(DynamicFunctionKind kind) {
  switch (kind) {
    case DynamicFunctionKind::Normal: return u"function";
    case DynamicFunctionKind::Generator: return u"function*";
    case DynamicFunctionKind::Async: return u"async function";
    case DynamicFunctionKind::AsyncGenerator: return u"async function*";
  }
  return u"function";
}

}  // namespace

std::u16string dynamicFunctionSource(std::u16string_view params, std::u16string_view body,
                                     DynamicFunctionKind kind) {
  std::u16string text(dynamicPrefix(kind));
  text += u" anonymous(";
  text += params;
  text += u"\n) {\n";
  text += body;
  text += u"\n}";
  return text;
}

std::unique_ptr<ast::Program> parseDynamicFunction(std::u16string_view params, std::u16string_view body,
                                                   DynamicFunctionKind kind, ParseError* error) {
  bool isAsync = kind == DynamicFunctionKind::Async || kind == DynamicFunctionKind::AsyncGenerator;
  bool isGenerator = kind == DynamicFunctionKind::Generator || kind == DynamicFunctionKind::AsyncGenerator;
  ParseOptions options;
  auto program = std::make_unique<ast::Program>();
  uint32_t bodyOffset = 0;
  try {
    // The parameters and the body must each parse on their own (CreateDynamicFunction
    // steps 16-19), so that neither can close the other's brackets.
    {
      ast::Program scratch;
      Parser p(params, options, &scratch);
      p.enterScope(Parser::functionFlags(isAsync, isGenerator));
      p.next();
      NodeList list;
      p.parseBindingList(list, Tok::EOS, false, true, false);
      p.checkYieldAwaitInDefaultParams();
    }
    bodyOffset = uint32_t(dynamicPrefix(kind).size() + 11 + params.size() + 5);
    {
      ast::Program scratch;
      Parser p(body, options, &scratch);
      p.enterScope(kScopeTop);
      p.enterScope(Parser::functionFlags(isAsync, isGenerator));
      p.next();
      auto* fn = scratch.make<ast::FunctionNode>(0);
      bool becameStrict = false;
      p.parseDirectivesAndBody(fn->body, Tok::EOS, true, fn, &becameStrict);
    }
    std::u16string text = dynamicFunctionSource(params, body, kind);
    Parser p(text, options, program.get());
    auto* result = p.parseStandaloneFunctionExpression();
    auto* stmt = program->make<ast::ExprStmt>(0);
    stmt->expression = result;
    stmt->end = result->end;
    program->body.push_back(stmt);
  } catch (const SyntaxErrorException& e) {
    if (error) *error = ParseError{e.offset, e.message};
    (void)bodyOffset;
    return nullptr;
  }
  return program;
}

namespace parser_detail {

Node* Parser::parseStandaloneFunctionExpression() {
  enterScope(kScopeTop);
  next();
  uint32_t start = tok().start;
  bool isAsync = false;
  if (tok().is(Kw::Async)) {
    isAsync = true;
    next();
  }
  if (!tok().is(Kw::Function)) unexpected();
  FunctionNode* fn = parseFunction(start, 0, false, isAsync, false);
  if (type() != Tok::EOS) unexpected();
  return fn;
}

}  // namespace parser_detail

}  // namespace kiln
