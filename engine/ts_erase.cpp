// TypeScript erasure: types are skipped token by token (they never become
// nodes), TypeScript-only declarations are dropped, and the constructs with
// runtime meaning (enums, namespaces, parameter properties) are lowered to the
// plain JavaScript TypeScript itself emits. Where TypeScript's grammar is
// ambiguous with JavaScript's (`f<T>(x)`, `(a: T) => a`), the parser tries the
// TypeScript reading speculatively and falls back, as tsc does.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>

#include "engine/parser_internal.h"

namespace kiln::parser_detail {

namespace {

bool isGreaterToken(Tok t) {
  return t == Tok::Gt || t == Tok::Sar || t == Tok::Shr || t == Tok::Ge || t == Tok::SarAssign ||
         t == Tok::ShrAssign;
}

// A value an enum member initializer folds to.
struct EnumValue {
  bool isString = false;
  double number = 0;
  std::u16string string;
};

int32_t toInt32(double d) {
  if (!std::isfinite(d)) return 0;
  double t = std::trunc(d);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return int32_t(uint32_t(m));
}

std::optional<EnumValue> foldEnum(const Node* n, const std::map<std::u16string, EnumValue>& known,
                                  const std::u16string& enumName, int depth = 0) {
  if (depth > 100) return std::nullopt;
  switch (n->kind) {
    case Kind::NumberLit: return EnumValue{false, n->as<NumberLit>()->value, {}};
    case Kind::StringLit: return EnumValue{true, 0, n->as<StringLit>()->value};
    case Kind::TemplateLit: {
      auto* t = n->as<TemplateLit>();
      if (!t->expressions.empty() || !t->cooked[0]) return std::nullopt;
      return EnumValue{true, 0, *t->cooked[0]};
    }
    case Kind::Identifier: {
      auto it = known.find(n->as<Identifier>()->name);
      if (it == known.end()) return std::nullopt;
      return it->second;
    }
    case Kind::Member: {
      auto* m = n->as<Member>();
      if (m->object->kind != Kind::Identifier || m->object->as<Identifier>()->name != enumName) return std::nullopt;
      std::u16string key;
      if (!m->computed && m->property->kind == Kind::Identifier) key = m->property->as<Identifier>()->name;
      else if (m->computed && m->property->kind == Kind::StringLit) key = m->property->as<StringLit>()->value;
      else return std::nullopt;
      auto it = known.find(key);
      if (it == known.end()) return std::nullopt;
      return it->second;
    }
    case Kind::Unary: {
      auto* u = n->as<Unary>();
      auto v = foldEnum(u->argument, known, enumName, depth + 1);
      if (!v || v->isString) return std::nullopt;
      if (u->op == "-") return EnumValue{false, -v->number, {}};
      if (u->op == "+") return v;
      if (u->op == "~") return EnumValue{false, double(~toInt32(v->number)), {}};
      return std::nullopt;
    }
    case Kind::Binary: {
      auto* b = n->as<Binary>();
      auto l = foldEnum(b->left, known, enumName, depth + 1);
      auto r = foldEnum(b->right, known, enumName, depth + 1);
      if (!l || !r) return std::nullopt;
      if (l->isString || r->isString) {
        if (b->op != "+" || !l->isString || !r->isString) return std::nullopt;
        return EnumValue{true, 0, l->string + r->string};
      }
      double x = l->number, y = r->number;
      const std::string& op = b->op;
      if (op == "+") return EnumValue{false, x + y, {}};
      if (op == "-") return EnumValue{false, x - y, {}};
      if (op == "*") return EnumValue{false, x * y, {}};
      if (op == "/") return EnumValue{false, x / y, {}};
      if (op == "%") return EnumValue{false, std::fmod(x, y), {}};
      if (op == "**") return EnumValue{false, std::pow(x, y), {}};
      if (op == "|") return EnumValue{false, double(toInt32(x) | toInt32(y)), {}};
      if (op == "&") return EnumValue{false, double(toInt32(x) & toInt32(y)), {}};
      if (op == "^") return EnumValue{false, double(toInt32(x) ^ toInt32(y)), {}};
      if (op == "<<") return EnumValue{false, double(toInt32(x) << (uint32_t(toInt32(y)) & 31)), {}};
      if (op == ">>") return EnumValue{false, double(toInt32(x) >> (uint32_t(toInt32(y)) & 31)), {}};
      if (op == ">>>") return EnumValue{false, double(uint32_t(toInt32(x)) >> (uint32_t(toInt32(y)) & 31)), {}};
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

void Parser::tsUnsupported(uint32_t at, const char* what) {
  raise(at, fmt::format("TypeScript '{}' is not supported by kiln", what));
}

Identifier* Parser::mkIdent(const std::u16string& name, uint32_t at) {
  auto* id = make<Identifier>(at);
  id->name = name;
  id->end = at;
  return id;
}

StringLit* Parser::mkString(const std::u16string& s, uint32_t at) {
  auto* lit = make<StringLit>(at);
  lit->value = s;
  lit->end = at;
  return lit;
}

// ---- skipping types -------------------------------------------------------------

void Parser::tsSkipTypeAnnotationOpt() {
  if (eat(Tok::Colon)) tsSkipType();
}

void Parser::tsSkipReturnTypeOpt() {
  if (!eat(Tok::Colon)) return;
  // `asserts x`, `asserts x is T`, `x is T`
  if (isContextual(Kw::Asserts)) {
    Token nt = peekToken();
    if ((nt.type == Tok::Name) && !nt.newlineBefore) {
      next();
      next();
      if (eatContextual(Kw::Is)) tsSkipType();
      return;
    }
  }
  if (type() == Tok::Name) {
    Token nt = peekToken();
    if (nt.is(Kw::Is) && !nt.newlineBefore) {
      next();
      next();
      tsSkipType();
      return;
    }
  }
  tsSkipType();
}

void Parser::tsSkipBalanced() {
  // Skips a bracketed token group starting at the current ( [ or {.
  std::vector<Tok> stack;
  do {
    switch (type()) {
      case Tok::LParen: stack.push_back(Tok::RParen); break;
      case Tok::LBracket: stack.push_back(Tok::RBracket); break;
      case Tok::LBrace: stack.push_back(Tok::RBrace); break;
      case Tok::Template:
        if (!tok().templateTail) stack.push_back(Tok::Template);
        break;
      case Tok::RParen: case Tok::RBracket: case Tok::RBrace:
        if (stack.empty()) unexpected();
        if (stack.back() == Tok::Template && type() == Tok::RBrace) {
          lexer_.rescanTemplateContinuation();
          if (tok().templateTail) stack.pop_back();
          break;
        }
        if (stack.back() != type()) unexpected();
        stack.pop_back();
        break;
      case Tok::EOS: unexpected();
      default: break;
    }
    next();
  } while (!stack.empty());
}

void Parser::tsSkipTypeParametersOpt() {
  if (type() != Tok::Lt) return;
  next();
  while (!isGreaterToken(type())) {
    // Variance and const modifiers: `<in T>`, `<out T>`, `<const T>`.
    while (type() == Tok::Name && !tok().escaped &&
           (tok().kw == Kw::In || tok().kw == Kw::Const || tok().name() == u"out") && peekType() == Tok::Name)
      next();
    parseIdent(true);
    if (tok().is(Kw::Extends)) {
      next();
      tsSkipType();
    }
    if (eat(Tok::Assign)) tsSkipType();
    if (!eat(Tok::Comma)) break;
  }
  if (!isGreaterToken(type())) unexpected();
  lexer_.splitGreater();
  next();
}

void Parser::tsSkipTypeArguments() {
  if (type() != Tok::Lt) unexpected();
  next();
  while (!isGreaterToken(type())) {
    tsSkipType();
    if (!eat(Tok::Comma)) break;
  }
  if (!isGreaterToken(type())) unexpected();
  lexer_.splitGreater();
  next();
}

bool Parser::tsTryTypeArguments() {
  if (type() != Tok::Lt) return false;
  auto state = lexer_.save();
  int depth = depth_;
  try {
    tsSkipTypeArguments();
  } catch (const SyntaxErrorException&) {
    lexer_.restore(state);
    depth_ = depth;
    return false;
  }
  // What may follow type arguments in an expression (tsc's canFollowTypeArgumentsInExpression).
  switch (type()) {
    case Tok::LParen: case Tok::Template:
      return true;
    case Tok::Lt: case Tok::Gt: case Tok::Plus: case Tok::Minus:
      break;
    default:
      if (tok().newlineBefore || isAssignOp(type()) || binaryOpOrEnd(type())) return true;
      if (type() == Tok::Name || type() == Tok::Number || type() == Tok::String || type() == Tok::LBracket ||
          type() == Tok::LBrace || type() == Tok::BigInt)
        break;
      return true;
  }
  lexer_.restore(state);
  return false;
}

bool Parser::binaryOpOrEnd(Tok t) {
  switch (t) {
    case Tok::EOS: case Tok::RParen: case Tok::RBracket: case Tok::RBrace: case Tok::Semicolon:
    case Tok::Comma: case Tok::Colon: case Tok::Question: case Tok::QuestionDot: case Tok::Dot:
    case Tok::Eq: case Tok::Ne: case Tok::StrictEq: case Tok::StrictNe: case Tok::And: case Tok::Or:
    case Tok::Nullish: case Tok::BitAnd: case Tok::BitOr: case Tok::BitXor:
      return true;
    default:
      return false;
  }
}

bool Parser::tsIsStartOfFunctionType() {
  // tsc's isUnambiguouslyStartOfFunctionType: decided from a few tokens, so
  // that nested parenthesized types stay linear.
  if (type() == Tok::Lt) return true;
  if (type() != Tok::LParen) return false;
  auto state = lexer_.save();
  bool result = false;
  try {
    next();
    if (type() == Tok::RParen || type() == Tok::Ellipsis) {
      result = true;
    } else {
      bool isParamStart = type() == Tok::Name || tok().is(Kw::This);
      if (type() == Tok::LBracket || type() == Tok::LBrace) {
        tsSkipBalanced();  // a destructuring parameter (or a tuple/object type)
        isParamStart = true;
      } else if (isParamStart) {
        next();
      }
      if (isParamStart) {
        if (type() == Tok::Colon || type() == Tok::Comma || type() == Tok::Question || type() == Tok::Assign) {
          result = true;
        } else if (type() == Tok::RParen) {
          next();
          result = type() == Tok::Arrow;
        }
      }
    }
  } catch (const SyntaxErrorException&) {
  }
  lexer_.restore(state);
  return result;
}

void Parser::tsSkipType() {
  DepthGuard guard1(*this, tok().start), guard2(*this, tok().start);
  if (tsIsStartOfFunctionType()) {
    tsSkipTypeParametersOpt();
    tsSkipBalanced();  // parameters
    expect(Tok::Arrow);
    tsSkipFunctionTypeReturn();
    return;
  }
  if (isContextual(Kw::Abstract) && peekToken().is(Kw::New)) next();
  if (tok().is(Kw::New)) {
    next();
    tsSkipTypeParametersOpt();
    tsSkipBalanced();
    expect(Tok::Arrow);
    tsSkipFunctionTypeReturn();
    return;
  }
  tsSkipUnionOrIntersection();
  if (tok().is(Kw::Extends) && !tok().newlineBefore && !tsNoConditional_) {
    next();
    bool old = tsNoConditional_;
    tsNoConditional_ = true;
    tsSkipUnionOrIntersection();
    tsNoConditional_ = old;
    expect(Tok::Question);
    tsSkipType();
    expect(Tok::Colon);
    tsSkipType();
  }
}

void Parser::tsSkipFunctionTypeReturn() {
  // The return type of a function type, which may be a type predicate.
  if (isContextual(Kw::Asserts) && peekType() == Tok::Name) {
    next();
    next();
    if (eatContextual(Kw::Is)) tsSkipType();
    return;
  }
  if (type() == Tok::Name && peekToken().is(Kw::Is)) {
    next();
    next();
    tsSkipType();
    return;
  }
  tsSkipType();
}

void Parser::tsSkipUnionOrIntersection() {
  if (type() == Tok::BitOr || type() == Tok::BitAnd) next();
  for (;;) {
    // Type operators.
    while (type() == Tok::Name && !tok().escaped &&
           (tok().kw == Kw::Keyof || tok().kw == Kw::Unique || tok().kw == Kw::Readonly)) {
      Token nt = peekToken();
      if (nt.type == Tok::RParen || nt.type == Tok::Comma || nt.type == Tok::RBracket || nt.type == Tok::Gt ||
          nt.type == Tok::Assign || nt.type == Tok::Semicolon || nt.type == Tok::BitOr || nt.type == Tok::BitAnd ||
          nt.type == Tok::RBrace || nt.type == Tok::EOS)
        break;
      next();
    }
    if (isContextual(Kw::Infer)) {
      next();
      parseIdent(true);
      if (tok().is(Kw::Extends) && !tsNoConditional_) {
        // `infer U extends C` constraint (only when not a conditional type's extends)
        auto state = lexer_.save();
        next();
        bool old = tsNoConditional_;
        tsNoConditional_ = true;
        try {
          tsSkipType();
        } catch (const SyntaxErrorException&) {
        }
        tsNoConditional_ = old;
        if (type() == Tok::Question) lexer_.restore(state);
      }
    } else {
      tsSkipPrimaryType();
    }
    // Postfix: T[] and T[K]
    while (type() == Tok::LBracket && !tok().newlineBefore) {
      next();
      if (!eat(Tok::RBracket)) {
        tsSkipType();
        expect(Tok::RBracket);
      }
    }
    if (type() == Tok::BitOr || type() == Tok::BitAnd) {
      next();
      continue;
    }
    return;
  }
}

void Parser::tsSkipPrimaryType() {
  switch (type()) {
    case Tok::Name: {
      if (tok().is(Kw::Typeof)) {
        next();
        if (tok().is(Kw::Import)) {
          next();
          tsSkipBalanced();
        } else {
          parseIdent(true);
        }
        while (eat(Tok::Dot)) {
          if (type() == Tok::PrivateName) next();
          else parseIdent(true);
        }
        if (type() == Tok::Lt && !tok().newlineBefore) tsSkipTypeArguments();
        return;
      }
      if (tok().is(Kw::Import)) {
        next();
        tsSkipBalanced();
        while (eat(Tok::Dot)) parseIdent(true);
        if (type() == Tok::Lt && !tok().newlineBefore) tsSkipTypeArguments();
        return;
      }
      parseIdent(true);
      while (eat(Tok::Dot)) parseIdent(true);
      if (type() == Tok::Lt && !tok().newlineBefore) tsSkipTypeArguments();
      return;
    }
    case Tok::String: case Tok::Number: case Tok::BigInt:
      next();
      return;
    case Tok::Minus:
      next();
      if (type() != Tok::Number && type() != Tok::BigInt) unexpected();
      next();
      return;
    case Tok::Template:
      for (;;) {
        bool tail = tok().templateTail;
        next();
        if (tail) return;
        tsSkipType();
        if (type() != Tok::RBrace) unexpected();
        lexer_.rescanTemplateContinuation();
      }
    case Tok::LParen:
      next();
      tsSkipType();
      expect(Tok::RParen);
      return;
    case Tok::LBracket:
      // Tuple: [A, B?, ...C[], name: D, opt?: E]
      next();
      while (!eat(Tok::RBracket)) {
        eat(Tok::Ellipsis);
        if (type() == Tok::Name) {
          Token nt = peekToken();
          if (nt.type == Tok::Colon || (nt.type == Tok::Question && true)) {
            auto state = lexer_.save();
            next();
            eat(Tok::Question);
            if (eat(Tok::Colon)) {
              tsSkipType();
              if (!eat(Tok::Comma)) {
                expect(Tok::RBracket);
                break;
              }
              continue;
            }
            lexer_.restore(state);
          }
        }
        tsSkipType();
        eat(Tok::Question);
        if (!eat(Tok::Comma)) {
          expect(Tok::RBracket);
          break;
        }
      }
      return;
    case Tok::LBrace:
      tsSkipObjectTypeBody();
      return;
    case Tok::Star:  // JSDoc `*`
      next();
      return;
    case Tok::Question:  // JSDoc unknown
      next();
      return;
    default:
      unexpected();
  }
}

void Parser::tsSkipObjectTypeBody() {
  expect(Tok::LBrace);
  while (!eat(Tok::RBrace)) {
    if (eat(Tok::Semicolon) || eat(Tok::Comma)) continue;
    // Mapped type: { readonly [K in T]?: U } with +/- modifiers.
    if (type() == Tok::Plus || type() == Tok::Minus) next();
    if (isContextual(Kw::Readonly)) {
      Token nt = peekToken();
      if (nt.type == Tok::Name || nt.type == Tok::LBracket || nt.type == Tok::String || nt.type == Tok::Number)
        next();
    }
    if (type() == Tok::LBracket) {
      // index signature, mapped type key, or computed property name
      next();
      if (type() == Tok::Name) {
        Token nt = peekToken();
        if (nt.type == Tok::Colon || nt.is(Kw::In)) {
          next();
          next();
          tsSkipType();
          if (isContextual(Kw::As)) {
            next();
            tsSkipType();
          }
          expect(Tok::RBracket);
        } else {
          parseMaybeAssign();
          expect(Tok::RBracket);
        }
      } else {
        parseMaybeAssign();
        expect(Tok::RBracket);
      }
    } else if (type() == Tok::LParen || type() == Tok::Lt) {
      // call signature
    } else if (tok().is(Kw::New) && (peekType() == Tok::LParen || peekType() == Tok::Lt)) {
      next();  // construct signature
    } else {
      if ((isContextual(Kw::Get) || isContextual(Kw::Set))) {
        Token nt = peekToken();
        if (nt.type == Tok::Name || nt.type == Tok::String || nt.type == Tok::Number || nt.type == Tok::LBracket)
          next();
      }
      if (type() == Tok::LBracket) {
        next();
        parseMaybeAssign();
        expect(Tok::RBracket);
      } else if (type() == Tok::Name || type() == Tok::String || type() == Tok::Number || type() == Tok::PrivateName) {
        next();
      } else {
        unexpected();
      }
    }
    if (type() == Tok::Plus || type() == Tok::Minus) next();
    eat(Tok::Question);
    if (type() == Tok::LParen || type() == Tok::Lt) {
      tsSkipTypeParametersOpt();
      tsSkipBalanced();
      tsSkipReturnTypeOpt();
    } else {
      tsSkipTypeAnnotationOpt();
    }
    if (!eat(Tok::Semicolon) && !eat(Tok::Comma) && type() != Tok::RBrace && !tok().newlineBefore) unexpected();
  }
}

// ---- arrows with type annotations ----------------------------------------------------

Node* Parser::tsTryArrow(uint32_t start, bool forInit) {
  bool isAsync = false;
  Token first = tok();
  if (first.is(Kw::Async)) {
    Token nt = peekToken();
    if (nt.newlineBefore || (nt.type != Tok::LParen && nt.type != Tok::Lt)) return nullptr;
    isAsync = true;
  } else if (type() != Tok::LParen && type() != Tok::Lt) {
    return nullptr;
  }
  if (tsArrowFailed_.count(start)) return nullptr;
  DepthGuard guard1(*this, start), guard2(*this, start);
  auto state = lexer_.save();
  size_t scopeCount = scopes_.size(), classCount = classes_.size(), labelCount = labels_.size();
  int depth = depth_;
  bool strict = strict_;
  uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
  auto* oldProps = paramProps_;
  NodeList params;
  bool needColonAfter = false;
  auto restore = [&]() {
    tsArrowFailed_.insert(start);
    lexer_.restore(state);
    scopes_.resize(scopeCount);
    classes_.resize(classCount);
    labels_.resize(labelCount);
    depth_ = depth;
    strict_ = strict;
    yieldPos_ = oldYield;
    awaitPos_ = oldAwait;
    awaitIdentPos_ = oldAwaitIdent;
    paramProps_ = oldProps;
  };
  try {
    if (isAsync) next();
    if (type() == Tok::Lt) tsSkipTypeParametersOpt();
    if (type() != Tok::LParen) throw SyntaxErrorException{0, ""};
    yieldPos_ = awaitPos_ = awaitIdentPos_ = 0;
    paramProps_ = nullptr;
    next();
    parseBindingList(params, Tok::RParen, false, true, false);
    if (type() == Tok::Colon) {
      needColonAfter = start == tsConsequentStart_;
      tsSkipReturnTypeOpt();
    }
    if (type() != Tok::Arrow || tok().newlineBefore) throw SyntaxErrorException{0, ""};
  } catch (const SyntaxErrorException&) {
    restore();
    return nullptr;
  }
  paramProps_ = oldProps;
  checkYieldAwaitInDefaultParams();
  if (isAsync && awaitIdentPos_) raise(awaitIdentPos_ - 1, "Cannot use 'await' as identifier inside an async function");
  yieldPos_ = oldYield;
  awaitPos_ = oldAwait;
  awaitIdentPos_ = oldAwaitIdent;
  auto* fn = make<FunctionNode>(start);
  if (!needColonAfter) return parseArrowExpression(fn, std::move(params), isAsync, forInit);
  try {
    Node* arrow = parseArrowExpression(fn, std::move(params), isAsync, forInit);
    if (type() == Tok::Colon) return arrow;
  } catch (const SyntaxErrorException&) {
  }
  restore();
  return nullptr;
}

// ---- declarations --------------------------------------------------------------------

bool Parser::tsTryDeclaration(NodeList& out, bool exported, uint32_t start) {
  if (type() != Tok::Name || tok().escaped) return false;
  Kw k = tok().kw;
  auto nextIsNameOnSameLine = [&]() {
    Token nt = peekToken();
    return nt.type == Tok::Name && !nt.newlineBefore;
  };
  switch (k) {
    case Kw::Interface: {
      if (!nextIsNameOnSameLine()) return false;
      next();
      parseIdent(true);
      tsSkipTypeParametersOpt();
      if (tok().is(Kw::Extends)) {
        next();
        do tsSkipType();
        while (eat(Tok::Comma));
      }
      tsSkipObjectTypeBody();
      return true;
    }
    case Kw::Type: {
      if (!nextIsNameOnSameLine()) return false;
      next();
      parseIdent(true);
      tsSkipTypeParametersOpt();
      expect(Tok::Assign);
      tsSkipType();
      semicolon();
      return true;
    }
    case Kw::Enum: {
      tsParseEnum(start, false, out, exported);
      return true;
    }
    case Kw::Const: {
      if (!peekToken().is(Kw::Enum)) return false;
      next();
      tsParseEnum(start, true, out, exported);
      return true;
    }
    case Kw::Abstract: {
      Token nt = peekToken();
      if (!nt.is(Kw::Class) || nt.newlineBefore) return false;
      next();
      out.push_back(parseClass(tok().start, true, true));
      if (exported) {
        // the caller wraps VarDecls only; wrap the class here
        auto* en = make<ExportNamed>(start);
        en->declaration = out.back();
        en->end = out.back()->end;
        declareExportsOf(out.back());
        out.back() = en;
      }
      return true;
    }
    case Kw::Namespace: case Kw::Module: {
      Token nt = peekToken();
      if (nt.newlineBefore) return false;
      if (nt.type == Tok::String) tsUnsupported(start, "module \"name\" declaration");
      if (nt.type != Tok::Name) return false;
      next();
      tsParseNamespace(start, out, exported);
      return true;
    }
    case Kw::Global: {
      Token nt = peekToken();
      if (nt.type != Tok::LBrace || nt.newlineBefore) return false;
      tsUnsupported(start, "global augmentation");
    }
    case Kw::Declare: {
      Token nt = peekToken();
      if (nt.newlineBefore || nt.type != Tok::Name) return false;
      next();
      tsSkipAmbient();
      return true;
    }
    default:
      return false;
  }
}

void Parser::tsSkipAmbient() {
  // After `declare`: the declaration has no runtime effect at all.
  if (isContextual(Kw::Global) || isContextual(Kw::Module) || isContextual(Kw::Namespace)) {
    next();
    if (type() == Tok::String || type() == Tok::Name) {
      next();
      while (eat(Tok::Dot)) parseIdent(true);
    }
    if (type() == Tok::LBrace) tsSkipBalanced();
    else semicolon();
    return;
  }
  if (tok().is(Kw::Enum) || (tok().is(Kw::Const) && peekToken().is(Kw::Enum))) {
    if (tok().is(Kw::Const)) next();
    next();
    parseIdent(true);
    tsSkipBalanced();
    return;
  }
  bool old = inTsAmbient_;
  inTsAmbient_ = true;
  NodeList dropped;
  uint32_t start = tok().start;
  if (!tsTryDeclaration(dropped, false, start)) {
    if (isContextual(Kw::Async)) next();
    dropped.push_back(parseStatement(0, false));
  }
  inTsAmbient_ = old;
}

Node* Parser::tsParseEnum(uint32_t start, bool isConst, NodeList& out, bool exported) {
  (void)isConst;
  next();  // enum
  Identifier* name = parseIdent(false);
  const std::u16string enumName = name->name;
  declareName(name->name, Bind::Var, name->start);
  // The parameter of the IIFE shadows the outer name, as in tsc's output.
  auto* decl = make<VarDecl>(start);
  decl->declKind = DeclKind::Var;
  decl->declarations.push_back({mkIdent(enumName, name->start), nullptr});
  expect(Tok::LBrace);
  auto* fn = make<FunctionNode>(start);
  fn->isExpression = true;
  fn->params.push_back(mkIdent(enumName, start));
  fn->paramCount = 1;
  fn->isStrict = strict_;
  std::map<std::u16string, EnumValue> known;
  double nextValue = 0;
  bool hasNextValue = true;  // false after a member whose value is not a known number
  while (!eat(Tok::RBrace)) {
    uint32_t at = tok().start;
    std::u16string member;
    if (type() == Tok::String) member = tok().value;
    else if (type() == Tok::Name) member.assign(tok().name());
    else if (type() == Tok::LBracket) tsUnsupported(at, "computed enum member");
    else unexpected();
    next();
    Node* valueExpr = nullptr;
    std::optional<EnumValue> value;
    if (eat(Tok::Assign)) {
      valueExpr = parseMaybeAssign();
      value = foldEnum(valueExpr, known, enumName);
    } else {
      if (!hasNextValue) raise(at, "Enum member must have initializer.");
      value = EnumValue{false, nextValue, {}};
    }
    Node* rhs;
    bool isString = false;
    if (value) {
      known[member] = *value;
      if (value->isString) {
        isString = true;
        rhs = mkString(value->string, at);
        hasNextValue = false;
      } else {
        auto* num = make<NumberLit>(at);
        num->value = value->number;
        num->end = at;
        rhs = num;
        nextValue = value->number + 1;
        hasNextValue = true;
      }
    } else {
      rhs = valueExpr;
      hasNextValue = false;
      isString = valueExpr->kind == Kind::StringLit || valueExpr->kind == Kind::TemplateLit;
    }
    // E["A"] = v
    auto* inner = make<Member>(at);
    inner->object = mkIdent(enumName, at);
    inner->property = mkString(member, at);
    inner->computed = true;
    auto* assignInner = make<Assign>(at);
    assignInner->op = "=";
    assignInner->target = inner;
    assignInner->value = rhs;
    Node* stmtExpr = assignInner;
    if (!isString) {
      // E[E["A"] = v] = "A"
      auto* outer = make<Member>(at);
      outer->object = mkIdent(enumName, at);
      outer->property = assignInner;
      outer->computed = true;
      auto* assignOuter = make<Assign>(at);
      assignOuter->op = "=";
      assignOuter->target = outer;
      assignOuter->value = mkString(member, at);
      stmtExpr = assignOuter;
    }
    auto* stmt = make<ExprStmt>(at);
    stmt->expression = stmtExpr;
    fn->body.push_back(stmt);
    if (!eat(Tok::Comma)) {
      expect(Tok::RBrace);
      break;
    }
  }
  uint32_t end = lastEnd();
  fn->end = end;
  // (E || (E = {}))
  auto* orExpr = make<Logical>(start);
  orExpr->op = "||";
  orExpr->left = mkIdent(enumName, start);
  auto* assign = make<Assign>(start);
  assign->op = "=";
  assign->target = mkIdent(enumName, start);
  assign->value = make<ObjectLit>(start);
  orExpr->right = assign;
  auto* call = make<Call>(start);
  call->callee = fn;
  call->arguments.push_back(orExpr);
  call->end = end;
  auto* stmt = make<ExprStmt>(start);
  stmt->expression = call;
  stmt->end = end;
  decl->end = end;
  out.push_back(decl);
  out.push_back(stmt);
  (void)exported;
  return stmt;
}

void Parser::tsParseNamespace(uint32_t start, NodeList& out, bool exported) {
  // At the namespace name. `namespace A.B { }` nests B inside A.
  Identifier* name = parseIdent(false);
  const std::u16string nsName = name->name;
  declareName(name->name, Bind::Var, name->start);
  auto* decl = make<VarDecl>(start);
  decl->declKind = DeclKind::Var;
  decl->declarations.push_back({mkIdent(nsName, name->start), nullptr});
  auto* fn = make<FunctionNode>(start);
  fn->isExpression = true;
  fn->params.push_back(mkIdent(nsName, start));
  fn->paramCount = 1;
  enterScope(kScopeFunction);
  fn->isStrict = strict_;
  auto addExportAssign = [&](const std::u16string& local, uint32_t at) {
    auto* m = make<Member>(at);
    m->object = mkIdent(nsName, at);
    m->property = mkIdent(local, at);
    auto* a = make<Assign>(at);
    a->op = "=";
    a->target = m;
    a->value = mkIdent(local, at);
    auto* s = make<ExprStmt>(at);
    s->expression = a;
    fn->body.push_back(s);
  };
  std::function<void(Node*, uint32_t)> exportNamesOf = [&](Node* pattern, uint32_t at) {
    switch (pattern->kind) {
      case Kind::Identifier: addExportAssign(pattern->as<Identifier>()->name, at); break;
      case Kind::ObjectPattern:
        for (auto& p : pattern->as<ObjectPattern>()->properties) exportNamesOf(p.value, at);
        if (pattern->as<ObjectPattern>()->rest) exportNamesOf(pattern->as<ObjectPattern>()->rest, at);
        break;
      case Kind::ArrayPattern:
        for (Node* e : pattern->as<ArrayPattern>()->elements)
          if (e) exportNamesOf(e, at);
        break;
      case Kind::AssignPattern: exportNamesOf(pattern->as<AssignPattern>()->target, at); break;
      case Kind::Rest: exportNamesOf(pattern->as<Rest>()->target, at); break;
      default: break;
    }
  };
  if (eat(Tok::Dot)) {
    // Dotted name: the rest is an exported nested namespace.
    NodeList inner;
    tsParseNamespace(tok().start, inner, true);
    for (Node* n : inner) fn->body.push_back(n);
    for (Node* n : inner)
      if (n->kind == Kind::VarDecl) exportNamesOf(n->as<VarDecl>()->declarations[0].target, n->start);
  } else {
    expect(Tok::LBrace);
    while (!eat(Tok::RBrace)) {
      if (type() == Tok::EOS) unexpected();
      if (tok().is(Kw::Export)) {
        uint32_t at = tok().start;
        next();
        NodeList items;
        if (!tsTryDeclaration(items, false, tok().start)) {
          if (tok().is(Kw::Default) || type() == Tok::LBrace || type() == Tok::Star)
            tsUnsupported(at, "export form inside a namespace");
          items.push_back(parseStatement(0, false));
        }
        for (Node* n : items) fn->body.push_back(n);
        for (Node* n : items) {
          switch (n->kind) {
            case Kind::VarDecl:
              for (auto& d : n->as<VarDecl>()->declarations) exportNamesOf(d.target, at);
              break;
            case Kind::FunctionDecl: addExportAssign(n->as<FunctionDecl>()->function->name->name, at); break;
            case Kind::ClassDecl: addExportAssign(n->as<ClassDecl>()->cls->name->name, at); break;
            default: break;
          }
        }
        continue;
      }
      parseStatementListItem(fn->body);
    }
  }
  exitScope();
  uint32_t end = lastEnd();
  fn->end = end;
  auto* orExpr = make<Logical>(start);
  orExpr->op = "||";
  orExpr->left = mkIdent(nsName, start);
  auto* assign = make<Assign>(start);
  assign->op = "=";
  assign->target = mkIdent(nsName, start);
  assign->value = make<ObjectLit>(start);
  orExpr->right = assign;
  auto* call = make<Call>(start);
  call->callee = fn;
  call->arguments.push_back(orExpr);
  call->end = end;
  auto* stmt = make<ExprStmt>(start);
  stmt->expression = call;
  stmt->end = end;
  decl->end = end;
  out.push_back(decl);
  out.push_back(stmt);
  (void)exported;
}

void Parser::tsLowerParameterProperties(FunctionNode* ctor, const std::vector<std::u16string>& names, bool derived) {
  NodeList assigns;
  for (auto& name : names) {
    uint32_t at = ctor->start;
    auto* m = make<Member>(at);
    m->object = make<This>(at);
    m->property = mkIdent(name, at);
    auto* a = make<Assign>(at);
    a->op = "=";
    a->target = m;
    a->value = mkIdent(name, at);
    auto* s = make<ExprStmt>(at);
    s->expression = a;
    assigns.push_back(s);
  }
  size_t insertAt = 0;
  if (derived) {
    for (size_t i = 0; i < ctor->body.size(); ++i) {
      Node* s = ctor->body[i];
      if (s->kind == Kind::ExprStmt && s->as<ExprStmt>()->expression->kind == Kind::SuperCall) {
        insertAt = i + 1;
        break;
      }
    }
  }
  ctor->body.insert(ctor->body.begin() + long(insertAt), assigns.begin(), assigns.end());
}

}  // namespace kiln::parser_detail
