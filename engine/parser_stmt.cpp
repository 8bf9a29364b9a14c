// Statements, functions, classes and modules.
#include <fmt/format.h>

#include "engine/parser_internal.h"

namespace kiln::parser_detail {

namespace {

enum StatementContext { kCtxNone = 0, kCtxIf = 1, kCtxLabel = 2, kCtxOther = 4 };
enum FunctionStatement { kFuncStatement = 1, kFuncHanging = 2, kFuncNullableId = 4 };

std::string utf8(std::u16string_view s) { return utf16ToUtf8(s); }

bool containsName(const std::vector<std::u16string>& v, std::u16string_view name) {
  for (const auto& s : v)
    if (s == name) return true;
  return false;
}

bool isSimpleParamList(const NodeList& params) {
  for (Node* p : params)
    if (p->kind != Kind::Identifier) return false;
  return true;
}

bool isWellFormedUnicode(std::u16string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char16_t c = s[i];
    if (c >= 0xD800 && c <= 0xDBFF) {
      if (i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) { ++i; continue; }
      return false;
    }
    if (c >= 0xDC00 && c <= 0xDFFF) return false;
  }
  return true;
}

}  // namespace

// ---- statement lists ---------------------------------------------------------

void Parser::parseDirectivesAndBody(NodeList& out, Tok end, bool isFunctionBody, FunctionNode* fn,
                                    bool* becameStrict) {
  // Directive prologue: string-literal expression statements at the start.
  bool inPrologue = true;
  uint32_t firstOctal = 0;
  bool paramsChecked = !isFunctionBody;
  auto checkParamsNow = [&]() {
    if (paramsChecked) return;
    paramsChecked = true;
    bool allowDup = !strict_ && fn->fkind == FunctionKind::Normal && isSimpleParamList(fn->params);
    checkParams(fn, allowDup);
  };
  while (type() != end) {
    if (inPrologue && type() == Tok::String) {
      const Token& t = tok();
      bool isUseStrict = t.source.size() == 12 && t.source.substr(1, 10) == u"use strict";
      bool octal = t.legacyOctal;
      uint32_t octalAt = t.octalEscapeOffset;
      uint32_t stmtStart = t.start;
      uint32_t stringEnd = t.end;
      size_t before = out.size();
      out.push_back(parseStatement(kCtxNone, !isFunctionBody && scopes_.size() == 1));
      Node* stmt = out[before];
      bool isDirective = stmt->kind == Kind::ExprStmt && stmt->as<ExprStmt>()->expression->kind == Kind::StringLit &&
                         stmt->as<ExprStmt>()->expression->start == stmtStart &&
                         !isParenthesized(stmt->as<ExprStmt>()->expression) &&
                         stmt->as<ExprStmt>()->expression->end == stringEnd;
      if (!isDirective) {
        inPrologue = false;
        checkParamsNow();
        continue;
      }
      if (octal && !firstOctal) firstOctal = octalAt + 1;
      if (isUseStrict) {
        if (fn && !isSimpleParamList(fn->params))
          raise(stmtStart, "Illegal 'use strict' directive in function with non-simple parameter list");
        if (!strict_) *becameStrict = true;
        strict_ = true;
        if (firstOctal) raise(firstOctal - 1, "Octal escape sequences are not allowed in strict mode.");
      }
      continue;
    }
    if (inPrologue) {
      inPrologue = false;
      checkParamsNow();
    }
    parseStatementListItem(out, !isFunctionBody && scopes_.size() == 1 && end == Tok::EOS);
  }
  checkParamsNow();
}

void Parser::parseStatementListItem(NodeList& out, bool topLevel) {
  uint32_t start = tok().start;
  if (type() == Tok::Name && !tok().escaped) {
    if (tok().kw == Kw::Import) {
      Tok nt = peekType();
      if (nt != Tok::LParen && nt != Tok::Dot) {
        if (!options_.isModule) raise(start, "Cannot use import statement outside a module");
        if (!topLevel) raise(start, "'import' and 'export' may only appear at the top level");
        Node* imp = parseImport(start);
        if (imp) out.push_back(imp);
        return;
      }
    } else if (tok().kw == Kw::Export) {
      if (!options_.isModule) raise(start, "Unexpected token 'export'");
      if (!topLevel) raise(start, "'import' and 'export' may only appear at the top level");
      Node* exp = parseExport(start, out);
      if (exp) out.push_back(exp);
      return;
    }
    if (ts() && tsTryDeclaration(out, false, start)) return;
  }
  if (type() == Tok::At && ts()) tsUnsupported(start, "decorators");
  out.push_back(parseStatement(kCtxNone, topLevel));
}

bool Parser::isLet(int context) {
  if (!isContextual(Kw::Let)) return false;
  Token nt = peekToken();
  if (nt.type == Tok::LBracket) return true;
  if (context) return false;
  if (nt.type == Tok::LBrace) return true;
  if (nt.type == Tok::Name) {
    if (!nt.escaped && (nt.kw == Kw::In || nt.kw == Kw::Instanceof)) return false;
    // `let` then a newline then `yield`/`await`... are still declarations;
    // a keyword that cannot be a binding name is not.
    if (!nt.escaped && isAlwaysReserved(nt.kw) && nt.kw != Kw::Let) {
      // e.g. `let \n if`: not a declaration; but `let await`/`let yield` are.
      return false;
    }
    return true;
  }
  return false;
}

bool Parser::isAsyncFunction() {
  if (!isContextual(Kw::Async)) return false;
  Token nt = peekToken();
  return nt.is(Kw::Function) && !nt.newlineBefore;
}

Node* Parser::parseStatement(int context, bool topLevel) {
  DepthGuard guard(*this, tok().start);
  uint32_t start = tok().start;
  if (isLet(context)) {
    if (context) unexpected();
    next();
    return parseVarStatement(start, DeclKind::Let, false, false);
  }
  if (type() == Tok::LBrace) return parseBlock();
  if (type() == Tok::Semicolon) {
    next();
    return finish(make<Empty>(start));
  }
  if (type() == Tok::Name) {
    const Token& t = tok();
    if (t.escaped && isAlwaysReserved(t.kw) && t.kw != Kw::This && t.kw != Kw::Null && t.kw != Kw::True &&
        t.kw != Kw::False && t.kw != Kw::Function && t.kw != Kw::Class && t.kw != Kw::New &&
        t.kw != Kw::Super && t.kw != Kw::Typeof && t.kw != Kw::Void && t.kw != Kw::Delete && t.kw != Kw::Import)
      raise(start, "Keyword must not contain escaped characters");
    switch (t.escaped ? Kw::None : t.kw) {
      case Kw::Break: case Kw::Continue: {
        bool isBreak = t.kw == Kw::Break;
        next();
        std::u16string label;
        uint32_t labelAt = 0;
        if (!canInsertSemicolon() && type() == Tok::Name) {
          labelAt = tok().start;
          label = parseIdent(false)->name;
        }
        semicolon();
        bool found = false;
        for (size_t i = labels_.size(); i-- > 0;) {
          const Label& lab = labels_[i];
          if (label.empty()) {
            if (lab.kind == LabelKind::Loop || (isBreak && lab.kind == LabelKind::Switch)) { found = true; break; }
          } else if (lab.name == label) {
            if (isBreak || lab.kind == LabelKind::Loop) { found = true; break; }
            raise(labelAt, fmt::format("Illegal continue statement: '{}' does not denote an iteration statement",
                                       utf8(label)));
          }
        }
        if (!found) {
          if (!label.empty()) raise(labelAt, fmt::format("Undefined label '{}'", utf8(label)));
          raise(start, isBreak ? "Illegal break statement" : "Illegal continue statement: no surrounding iteration statement");
        }
        if (isBreak) {
          auto* b = make<Break>(start);
          b->label = std::move(label);
          return finish(b);
        }
        auto* c = make<Continue>(start);
        c->label = std::move(label);
        return finish(c);
      }
      case Kw::Debugger:
        next();
        semicolon();
        return finish(make<Debugger>(start));
      case Kw::Do: {
        next();
        auto* node = make<DoWhile>(start);
        labels_.push_back({u"", LabelKind::Loop, start});
        node->body = parseStatement(kCtxOther, false);
        labels_.pop_back();
        if (!tok().is(Kw::While)) unexpected();
        next();
        expect(Tok::LParen);
        node->test = parseExpression();
        expect(Tok::RParen);
        eat(Tok::Semicolon);
        return finish(node);
      }
      case Kw::For:
        return parseFor(start);
      case Kw::Function:
        if (context && (strict_ || (context != kCtxIf && context != kCtxLabel))) unexpected();
        return parseFunctionStatement(start, false, !context, context);
      case Kw::Class:
        if (context) unexpected();
        return parseClass(start, true, true);
      case Kw::If: {
        next();
        auto* node = make<If>(start);
        expect(Tok::LParen);
        node->test = parseExpression();
        expect(Tok::RParen);
        node->consequent = parseStatement(kCtxIf, false);
        if (tok().is(Kw::Else)) {
          next();
          node->alternate = parseStatement(kCtxIf, false);
        }
        return finish(node);
      }
      case Kw::Return: {
        if (!inFunction()) raise(start, "Illegal return statement");
        next();
        auto* node = make<Return>(start);
        if (!eat(Tok::Semicolon)) {
          if (!canInsertSemicolon()) node->argument = parseExpression();
          semicolon();
        }
        return finish(node);
      }
      case Kw::Switch:
        return parseSwitch(start);
      case Kw::Throw: {
        next();
        if (tok().newlineBefore) raise(lastEnd(), "Illegal newline after throw");
        auto* node = make<Throw>(start);
        node->argument = parseExpression();
        semicolon();
        return finish(node);
      }
      case Kw::Try:
        return parseTry(start);
      case Kw::Const: case Kw::Var: {
        DeclKind kind = t.kw == Kw::Var ? DeclKind::Var : DeclKind::Const;
        if (context && kind != DeclKind::Var) unexpected();
        next();
        return parseVarStatement(start, kind, false, false);
      }
      case Kw::While: {
        next();
        auto* node = make<While>(start);
        expect(Tok::LParen);
        node->test = parseExpression();
        expect(Tok::RParen);
        labels_.push_back({u"", LabelKind::Loop, start});
        node->body = parseStatement(kCtxOther, false);
        labels_.pop_back();
        return finish(node);
      }
      case Kw::With: {
        if (strict_) raise(start, "Strict mode code may not include a with statement");
        next();
        auto* node = make<With>(start);
        expect(Tok::LParen);
        node->object = parseExpression();
        expect(Tok::RParen);
        node->body = parseStatement(kCtxOther, false);
        return finish(node);
      }
      case Kw::Import: {
        Tok nt = peekType();
        if (nt == Tok::LParen || nt == Tok::Dot) break;
        if (!options_.isModule) raise(start, "Cannot use import statement outside a module");
        raise(start, "'import' and 'export' may only appear at the top level");
      }
      case Kw::Export:
        if (!options_.isModule) unexpected();
        raise(start, "'import' and 'export' may only appear at the top level");
      default:
        break;
    }
    if (isAsyncFunction()) {
      if (context) unexpected();
      next();
      return parseFunctionStatement(start, true, true, context);
    }
  }
  bool maybeLabel = type() == Tok::Name && !(tok().kw == Kw::Yield && inGenerator()) &&
                    !(tok().kw == Kw::Await && canAwait());
  Node* expr = parseExpression();
  if (maybeLabel && type() == Tok::Colon && expr->kind == Kind::Identifier && expr->start == start &&
      !isParenthesized(expr)) {
    next();
    return parseLabeled(start, expr->as<Identifier>()->name, context);
  }
  auto* stmt = make<ExprStmt>(start);
  stmt->expression = expr;
  semicolon();
  return finish(stmt);
}

Node* Parser::parseLabeled(uint32_t start, std::u16string name, int context) {
  for (auto& lab : labels_)
    if (lab.name == name) raise(start, fmt::format("Label '{}' has already been declared", utf8(name)));
  LabelKind kind = LabelKind::Plain;
  if (tok().is(Kw::For) || tok().is(Kw::While) || tok().is(Kw::Do)) kind = LabelKind::Loop;
  else if (tok().is(Kw::Switch)) kind = LabelKind::Switch;
  for (size_t i = labels_.size(); i-- > 0;) {
    if (labels_[i].statementStart == start) {
      labels_[i].statementStart = tok().start;
      labels_[i].kind = kind;
    } else {
      break;
    }
  }
  labels_.push_back({name, kind, tok().start});
  auto* node = make<Labeled>(start);
  node->label = std::move(name);
  node->body = parseStatement(context ? (context | kCtxLabel) : kCtxLabel, false);
  if (node->body->kind == Kind::ClassDecl ||
      (node->body->kind == Kind::VarDecl && node->body->as<VarDecl>()->declKind != DeclKind::Var))
    raise(node->body->start, "Lexical declaration cannot appear in a single-statement context");
  labels_.pop_back();
  return finish(node);
}

Node* Parser::parseBlock(bool createScope) {
  DepthGuard guard1(*this, tok().start), guard2(*this, tok().start);
  auto* block = make<Block>(tok().start);
  expect(Tok::LBrace);
  if (createScope) enterScope(0);
  while (type() != Tok::RBrace) {
    if (type() == Tok::EOS) unexpected();
    parseStatementListItem(block->body);
  }
  next();
  if (createScope) exitScope();
  return finish(block);
}

Node* Parser::parseVarStatement(uint32_t start, DeclKind kind, bool isForInit, bool allowMissingInit) {
  auto* decl = make<VarDecl>(start);
  decl->declKind = kind;
  parseVarDeclarators(decl, kind, isForInit);
  if (!isForInit) semicolon();
  return finish(decl);
}

void Parser::parseVarDeclarators(VarDecl* decl, DeclKind kind, bool isForInit) {
  for (;;) {
    Declarator d;
    d.target = parseBindingAtom();
    if (ts()) {
      if (type() == Tok::Not && !tok().newlineBefore) next();  // definite assignment
      tsSkipTypeAnnotationOpt();
    }
    checkLValPattern(d.target, kind == DeclKind::Var ? Bind::Var : Bind::Lexical, nullptr);
    if (eat(Tok::Assign)) {
      d.init = parseMaybeAssign(isForInit);
    } else if (!inTsAmbient_ && !(isForInit && (tok().is(Kw::In) || isContextual(Kw::Of)))) {
      if (kind == DeclKind::Const) raise(tok().start, "Missing initializer in const declaration");
      if (d.target->kind != Kind::Identifier) raise(tok().start, "Missing initializer in destructuring declaration");
    }
    decl->declarations.push_back(d);
    if (!eat(Tok::Comma)) break;
  }
}

Node* Parser::parseFor(uint32_t start) {
  next();  // for
  bool isAwait = false;
  uint32_t awaitAt = 0;
  if (isContextual(Kw::Await) && canAwait()) {
    awaitAt = tok().start + 1;
    next();
  }
  labels_.push_back({u"", LabelKind::Loop, start});
  enterScope(0);
  expect(Tok::LParen);
  Node* init = nullptr;
  auto finishFor = [&](Node* initNode) -> Node* {
    if (awaitAt) raise(awaitAt - 1, "Unexpected reserved word");
    auto* node = make<For>(start);
    node->init = initNode;
    expect(Tok::Semicolon);
    if (type() != Tok::Semicolon) node->test = parseExpression();
    expect(Tok::Semicolon);
    if (type() != Tok::RParen) node->update = parseExpression();
    expect(Tok::RParen);
    node->body = parseStatement(kCtxOther, false);
    exitScope();
    labels_.pop_back();
    return finish(node);
  };
  if (type() == Tok::Semicolon) return finishFor(nullptr);
  bool let = isLet(kCtxNone);
  if (tok().is(Kw::Var) || tok().is(Kw::Const) || let) {
    uint32_t declStart = tok().start;
    DeclKind kind = let ? DeclKind::Let : tok().is(Kw::Var) ? DeclKind::Var : DeclKind::Const;
    next();
    auto* decl = make<VarDecl>(declStart);
    decl->declKind = kind;
    parseVarDeclarators(decl, kind, true);
    finish(decl);
    if ((tok().is(Kw::In) || isContextual(Kw::Of)) && decl->declarations.size() == 1) {
      if (tok().is(Kw::In) && awaitAt) raise(awaitAt - 1, "Unexpected reserved word");
      isAwait = awaitAt != 0;
      return parseForInOf(start, decl, isAwait, awaitAt);
    }
    return finishFor(decl);
  }
  bool startsWithLet = isContextual(Kw::Let);
  bool startsWithAsync = isContextual(Kw::Async);
  DestructuringErrors de;
  uint32_t initStart = tok().start;
  if (awaitAt) {
    potentialArrowAt_ = initStart;
    potentialArrowInForAwait_ = true;
    init = parseExprSubscripts(&de, true);
  } else {
    init = parseExpression(true, &de);
  }
  bool isForOf = isContextual(Kw::Of);
  if (tok().is(Kw::In) || isForOf) {
    if (awaitAt) {
      if (tok().is(Kw::In)) raise(awaitAt - 1, "Unexpected reserved word");
      isAwait = true;
    } else if (isForOf && startsWithAsync && init->kind == Kind::Identifier && init->start == initStart &&
               init->end == initStart + 5 && !isParenthesized(init)) {
      raise(initStart, "The left-hand side of a for-of loop may not be 'async'.");
    }
    if (startsWithLet && isForOf) raise(initStart, "The left-hand side of a for-of loop may not start with 'let'.");
    init = toAssignable(init, false, &de);
    checkLValPattern(init, Bind::None, nullptr);
    return parseForInOf(start, init, isAwait, awaitAt);
  }
  checkExpressionErrors(&de, true);
  return finishFor(init);
}

Node* Parser::parseForInOf(uint32_t start, Node* init, bool isAwait, uint32_t awaitAt) {
  bool isForIn = tok().is(Kw::In);
  next();
  if (init->kind == Kind::VarDecl) {
    auto* decl = init->as<VarDecl>();
    auto& d = decl->declarations[0];
    if (d.init && (!isForIn || strict_ || decl->declKind != DeclKind::Var || d.target->kind != Kind::Identifier))
      raise(init->start, fmt::format("{} loop variable declaration may not have an initializer.",
                                     isForIn ? "for-in" : "for-of"));
  }
  Node* right = isForIn ? parseExpression() : parseMaybeAssign();
  expect(Tok::RParen);
  Node* body = parseStatement(kCtxOther, false);
  exitScope();
  labels_.pop_back();
  if (isForIn) {
    auto* node = make<ForIn>(start);
    node->left = init;
    node->right = right;
    node->body = body;
    return finish(node);
  }
  auto* node = make<ForOf>(start);
  node->left = init;
  node->right = right;
  node->body = body;
  node->isAwait = isAwait;
  return finish(node);
}

Node* Parser::parseSwitch(uint32_t start) {
  next();
  auto* node = make<Switch>(start);
  expect(Tok::LParen);
  node->discriminant = parseExpression();
  expect(Tok::RParen);
  expect(Tok::LBrace);
  labels_.push_back({u"", LabelKind::Switch, start});
  enterScope(0);
  bool sawDefault = false;
  while (!eat(Tok::RBrace)) {
    SwitchCase c;
    if (tok().is(Kw::Case)) {
      next();
      c.test = parseExpression();
    } else if (tok().is(Kw::Default)) {
      if (sawDefault) raise(tok().start, "More than one default clause in switch statement");
      sawDefault = true;
      next();
    } else {
      unexpected();
    }
    expect(Tok::Colon);
    while (type() != Tok::RBrace && !tok().is(Kw::Case) && !tok().is(Kw::Default)) {
      if (type() == Tok::EOS) unexpected();
      parseStatementListItem(c.body);
    }
    node->cases.push_back(std::move(c));
  }
  exitScope();
  labels_.pop_back();
  return finish(node);
}

Node* Parser::parseTry(uint32_t start) {
  next();
  auto* node = make<Try>(start);
  node->block = parseBlock()->as<Block>();
  if (tok().is(Kw::Catch)) {
    next();
    if (eat(Tok::LParen)) {
      Node* param = parseBindingAtom();
      bool simple = param->kind == Kind::Identifier;
      enterScope(simple ? uint32_t(kScopeSimpleCatch) : 0u);
      if (ts()) tsSkipTypeAnnotationOpt();
      checkLValPattern(param, simple ? Bind::SimpleCatch : Bind::Lexical, nullptr);
      if (simple && strict_) checkLValSimple(param, Bind::None, nullptr);
      expect(Tok::RParen);
      node->param = param;
    } else {
      enterScope(0);
    }
    node->handler = parseBlock(false)->as<Block>();
    exitScope();
  }
  if (tok().is(Kw::Finally)) {
    next();
    node->finalizer = parseBlock()->as<Block>();
  }
  if (!node->handler && !node->finalizer) raise(tok().start, "Missing catch or finally after try");
  return finish(node);
}

// ---- functions -----------------------------------------------------------------

Node* Parser::parseFunctionStatement(uint32_t start, bool isAsync, bool declarationPosition, int context) {
  int flags = kFuncStatement | (declarationPosition ? 0 : kFuncHanging);
  FunctionNode* fn = parseFunction(start, flags, false, isAsync, false);
  if (!fn) {
    auto* e = make<Empty>(start);  // a TypeScript overload signature
    return finish(e);
  }
  auto* decl = make<FunctionDecl>(start);
  decl->function = fn;
  finish(decl);
  if (context == kCtxIf) {
    // `if (x) function f() {}` (Annex B) behaves as if the function were in a block.
    auto* block = make<Block>(start);
    block->body.push_back(decl);
    block->end = decl->end;
    return block;
  }
  return decl;
}

FunctionNode* Parser::parseFunction(uint32_t start, int statement, bool allowExpressionBody, bool isAsync,
                                    bool forInit) {
  auto* fn = make<FunctionNode>(start);
  fn->isAsync = isAsync;
  next();  // function
  if (type() == Tok::Star) {
    if (statement & kFuncHanging) unexpected();
    next();
    fn->isGenerator = true;
  }
  if ((statement & kFuncHanging) && isAsync) unexpected();
  Identifier* declName = nullptr;
  if (statement & kFuncStatement) {
    if (type() == Tok::Name) {
      declName = parseIdent(false);
      fn->name = declName;
    } else if (!(statement & kFuncNullableId)) {
      unexpected();
    }
  }
  uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
  yieldPos_ = awaitPos_ = awaitIdentPos_ = 0;
  bool outerStrict = strict_;
  enterScope(functionFlags(fn->isAsync, fn->isGenerator));
  if (!(statement & kFuncStatement)) {
    fn->isExpression = true;
    if (type() == Tok::Name) fn->name = parseIdent(false);
  }
  if (ts()) tsSkipTypeParametersOpt();
  parseFunctionParams(fn);
  checkYieldAwaitInDefaultParams();
  if (ts()) tsSkipReturnTypeOpt();
  if (ts() && type() != Tok::LBrace && (statement & kFuncStatement)) {
    // An overload signature or an ambient declaration: no body, nothing emitted.
    semicolon();
    exitScope();
    yieldPos_ = oldYield;
    awaitPos_ = oldAwait;
    awaitIdentPos_ = oldAwaitIdent;
    return nullptr;
  }
  parseFunctionBody(fn, false, false, forInit);
  bool bodyStrict = fn->isStrict;
  yieldPos_ = oldYield;
  awaitPos_ = oldAwait;
  awaitIdentPos_ = oldAwaitIdent;
  exitScope();
  if (fn->name && bodyStrict && (fn->name->name == u"eval" || fn->name->name == u"arguments"))
    raise(fn->name->start, "Unexpected eval or arguments in strict mode");
  if (declName) {
    if (bodyStrict && !outerStrict) {
      // A "use strict" body makes the function's own name subject to strict rules.
      if (declName->name == u"eval" || declName->name == u"arguments")
        raise(declName->start, "Unexpected eval or arguments in strict mode");
      if (isStrictReserved(keywordOf(declName->name))) raise(declName->start, "Unexpected strict mode reserved word");
    }
    Bind bind = (strict_ || fn->isGenerator || fn->isAsync)
                    ? (treatFunctionsAsVar(currentScope()) ? Bind::Var : Bind::Lexical)
                    : Bind::Function;
    declareName(declName->name, bind, declName->start);
  } else if (fn->name && bodyStrict && !outerStrict) {
    if (fn->name->name == u"eval" || fn->name->name == u"arguments")
      raise(fn->name->start, "Unexpected eval or arguments in strict mode");
    if (isStrictReserved(keywordOf(fn->name->name))) raise(fn->name->start, "Unexpected strict mode reserved word");
  }
  return finish(fn);
}

void Parser::parseFunctionParams(FunctionNode* fn) {
  expect(Tok::LParen);
  parseBindingList(fn->params, Tok::RParen, false, true, paramProps_ != nullptr);
}

void Parser::checkParams(FunctionNode* fn, bool allowDuplicates) {
  std::vector<std::u16string_view> names;
  fn->simpleParams = true;
  fn->paramCount = 0;
  bool counting = true;
  for (Node* p : fn->params) {
    if (p->kind != Kind::Identifier) fn->simpleParams = false;
    if (p->kind == Kind::AssignPattern || p->kind == Kind::Rest) counting = false;
    if (counting) ++fn->paramCount;
    checkLValInnerPattern(p, Bind::Var, allowDuplicates ? nullptr : &names);
  }
}

void Parser::parseFunctionBody(FunctionNode* fn, bool isArrow, bool isMethod, bool forInit) {
  // Function nesting takes more C++ stack per level than expressions: count it twice.
  DepthGuard guard1(*this, tok().start), guard2(*this, tok().start);
  bool oldStrict = strict_;
  if (isArrow && type() != Tok::LBrace) {
    fn->exprBody = true;
    checkParams(fn, false);
    auto* ret = make<Return>(tok().start);
    ret->argument = parseMaybeAssign(forInit);
    finish(ret);
    fn->body.push_back(ret);
    fn->isStrict = strict_;
    return;
  }
  auto oldLabels = std::move(labels_);
  labels_.clear();
  expect(Tok::LBrace);
  bool becameStrict = false;
  if (isArrow || isMethod) {
    // Never duplicates: the strictness only matters for names like eval.
    FunctionKind saved = fn->fkind;
    if (fn->fkind == FunctionKind::Normal) fn->fkind = FunctionKind::Method;
    parseDirectivesAndBody(fn->body, Tok::RBrace, true, fn, &becameStrict);
    fn->fkind = saved;
  } else {
    parseDirectivesAndBody(fn->body, Tok::RBrace, true, fn, &becameStrict);
  }
  next();  // }
  fn->isStrict = strict_;
  labels_ = std::move(oldLabels);
  strict_ = oldStrict;
}

FunctionNode* Parser::parseMethod(uint32_t start, bool isGenerator, bool isAsync, FunctionKind kind,
                                  bool inClassBody) {
  auto* fn = make<FunctionNode>(start);
  fn->fkind = kind;
  fn->isGenerator = isGenerator;
  fn->isAsync = isAsync;
  uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
  yieldPos_ = awaitPos_ = awaitIdentPos_ = 0;
  uint32_t flags = functionFlags(isAsync, isGenerator) | kScopeSuper;
  if (kind == FunctionKind::DerivedConstructor) flags |= kScopeDirectSuper;
  enterScope(flags);
  if (ts()) tsSkipTypeParametersOpt();
  std::vector<std::u16string> props;
  auto* oldProps = paramProps_;
  bool isCtor = kind == FunctionKind::ClassConstructor || kind == FunctionKind::DerivedConstructor;
  paramProps_ = ts() && isCtor ? &props : nullptr;
  uint32_t paramsAt = tok().start;
  parseFunctionParams(fn);
  paramProps_ = oldProps;
  checkYieldAwaitInDefaultParams();
  if (kind == FunctionKind::Getter && !fn->params.empty())
    raise(paramsAt, "Getter must not have any formal parameters.");
  if (kind == FunctionKind::Setter) {
    if (fn->params.size() != 1) raise(paramsAt, "Setter must have exactly one formal parameter.");
    if (fn->params[0]->kind == Kind::Rest) raise(fn->params[0]->start, "Setter function argument must not be a rest parameter");
  }
  if (ts()) tsSkipReturnTypeOpt();
  if (ts() && type() != Tok::LBrace && !classes_.empty() && inClassBody) {
    // An overload signature or an abstract method: no body, nothing emitted.
    semicolon();
    exitScope();
    yieldPos_ = oldYield;
    awaitPos_ = oldAwait;
    awaitIdentPos_ = oldAwaitIdent;
    return nullptr;
  }
  parseFunctionBody(fn, false, true, false);
  if (!props.empty()) tsLowerParameterProperties(fn, props, kind == FunctionKind::DerivedConstructor);
  if (isCtor) lastCtorParamProps_ = props;
  yieldPos_ = oldYield;
  awaitPos_ = oldAwait;
  awaitIdentPos_ = oldAwaitIdent;
  exitScope();
  return finish(fn);
}

// ---- binding patterns ------------------------------------------------------------

Node* Parser::parseBindingAtom() {
  uint32_t start = tok().start;
  DepthGuard guard1(*this, start), guard2(*this, start);
  if (type() == Tok::LBracket) {
    auto* pat = make<ArrayPattern>(start);
    next();
    parseBindingList(pat->elements, Tok::RBracket, true, true, false);
    return finish(pat);
  }
  if (type() == Tok::LBrace) {
    auto* pat = make<ObjectPattern>(start);
    next();
    bool first = true;
    while (!eat(Tok::RBrace)) {
      if (!first) {
        expect(Tok::Comma);
        if (eat(Tok::RBrace)) break;
      }
      first = false;
      if (type() == Tok::Ellipsis) {
        next();
        pat->rest = parseIdent(false);
        if (type() == Tok::Comma) raise(tok().start, "Comma is not permitted after the rest element");
        expect(Tok::RBrace);
        break;
      }
      PatternProperty prop;
      uint32_t propStart = tok().start;
      Token keyTok = tok();
      parsePropertyName(&prop.key, &prop.computed);
      if (eat(Tok::Colon)) {
        prop.value = parseBindingElement(false);
      } else if (!prop.computed && prop.key->kind == Kind::Identifier) {
        checkUnreserved(keyTok, keyTok.start);
        if (keyTok.kw == Kw::Await && !awaitIdentPos_) awaitIdentPos_ = keyTok.start + 1;
        auto* id = make<Identifier>(prop.key->start);
        id->name = prop.key->as<Identifier>()->name;
        id->end = prop.key->end;
        prop.value = parseMaybeDefault(propStart, id);
      } else {
        unexpected();
      }
      pat->properties.push_back(prop);
    }
    return finish(pat);
  }
  return parseIdent(false);
}

Node* Parser::parseMaybeDefault(uint32_t start, Node* left) {
  if (!eat(Tok::Assign)) return left;
  auto* ap = make<AssignPattern>(start);
  ap->target = left;
  ap->defaultValue = parseMaybeAssign();
  return finish(ap);
}

void Parser::parseBindingList(NodeList& out, Tok close, bool allowEmpty, bool allowTrailingComma,
                              bool allowModifiers) {
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
      auto* rest = make<Rest>(tok().start);
      next();
      rest->target = parseBindingAtom();
      if (ts()) {
        eat(Tok::Question);
        tsSkipTypeAnnotationOpt();
      }
      if (type() == Tok::Assign) raise(tok().start, "Rest parameter may not have a default initializer");
      out.push_back(finish(rest));
      if (type() == Tok::Comma) raise(tok().start, "Comma is not permitted after the rest element");
      expect(close);
      break;
    } else {
      Node* e = parseBindingElement(allowModifiers);
      if (e) out.push_back(e);
    }
  }
}

Node* Parser::parseBindingElement(bool allowModifiers) {
  uint32_t start = tok().start;
  bool isParamProp = false;
  if (ts()) {
    if (tok().is(Kw::This) && (peekType() == Tok::Colon || peekType() == Tok::Comma || peekType() == Tok::RParen)) {
      next();  // a `this` parameter only types `this`
      tsSkipTypeAnnotationOpt();
      return nullptr;
    }
    while (allowModifiers && type() == Tok::Name && !tok().escaped &&
           (tok().kw == Kw::Public || tok().kw == Kw::Private || tok().kw == Kw::Protected ||
            tok().kw == Kw::Readonly || tok().kw == Kw::Override)) {
      Token nt = peekToken();
      if (nt.type != Tok::Name && nt.type != Tok::LBrace && nt.type != Tok::LBracket) break;
      next();
      isParamProp = true;
      start = tok().start;
    }
  }
  Node* left = parseBindingAtom();
  if (ts()) {
    eat(Tok::Question);
    tsSkipTypeAnnotationOpt();
  }
  if (isParamProp) {
    if (left->kind != Kind::Identifier) raise(left->start, "A parameter property may not be declared using a binding pattern");
    paramProps_->push_back(left->as<Identifier>()->name);
  }
  return parseMaybeDefault(start, left);
}

// ---- classes ---------------------------------------------------------------------

Node* Parser::parseClass(uint32_t start, bool isStatement, bool nameRequired) {
  DepthGuard guard(*this, start);
  next();  // class
  bool oldStrict = strict_;
  strict_ = true;
  auto* cls = make<ClassNode>(start);
  if (type() == Tok::Name && !tok().is(Kw::Extends) && !(ts() && tok().is(Kw::Implements))) {
    cls->name = parseIdent(false);
    if (isStatement) checkLValSimple(cls->name, Bind::Lexical, nullptr);
  } else if (nameRequired) {
    unexpected();
  }
  if (ts()) tsSkipTypeParametersOpt();
  if (tok().is(Kw::Extends)) {
    next();
    uint32_t superStart = tok().start;
    cls->superClass = parseSubscripts(parseExprAtom(nullptr, false), superStart, false, false);
    if (ts() && type() == Tok::Lt) tsSkipTypeArguments();
  }
  if (ts() && tok().is(Kw::Implements)) {
    next();
    do tsSkipType();
    while (eat(Tok::Comma));
  }
  classes_.emplace_back();
  expect(Tok::LBrace);
  bool sawConstructor = false;
  while (!eat(Tok::RBrace)) {
    if (eat(Tok::Semicolon)) continue;
    if (type() == Tok::EOS) unexpected();
    parseClassMember(cls, cls->superClass != nullptr, sawConstructor);
  }
  cls->end = lastEnd();
  // Private names: every use must be declared here or in an enclosing class.
  ClassPrivateScope scope = std::move(classes_.back());
  classes_.pop_back();
  for (auto& [name, pos] : scope.used) {
    bool declared = false;
    for (auto& d : scope.declared)
      if (d.name == name) declared = true;
    if (declared) continue;
    if (!classes_.empty()) {
      classes_.back().used.emplace_back(name, pos);
    } else if (!containsName(options_.privateNames, name)) {
      raise(pos, fmt::format("Private field '#{}' must be declared in an enclosing class", utf8(name)));
    }
  }
  if (!cls->constructor) {
    // The default constructor (§15.7.14 step 5): base classes get an empty one,
    // derived classes the equivalent of `constructor(...args) { super(...args); }`.
    // It starts where the class starts, which no written constructor can: the
    // compiler may use that to forward arguments without iterating them.
    auto* ctor = make<FunctionNode>(start);
    ctor->end = cls->end;
    ctor->isStrict = true;
    if (cls->superClass) {
      ctor->fkind = FunctionKind::DerivedConstructor;
      auto* args = mkIdent(u"args", start);
      auto* rest = make<Rest>(start);
      rest->target = args;
      ctor->params.push_back(rest);
      ctor->simpleParams = false;
      auto* call = make<SuperCall>(start);
      auto* spread = make<Spread>(start);
      spread->argument = mkIdent(u"args", start);
      call->arguments.push_back(spread);
      auto* stmt = make<ExprStmt>(start);
      stmt->expression = call;
      ctor->body.push_back(stmt);
    } else {
      ctor->fkind = FunctionKind::ClassConstructor;
    }
    cls->constructor = ctor;
  }
  strict_ = oldStrict;
  if (isStatement) {
    auto* decl = make<ClassDecl>(start);
    decl->cls = cls;
    decl->end = cls->end;
    return decl;
  }
  return cls;
}

void Parser::parseClassMember(ClassNode* cls, bool hasSuper, bool& sawConstructor) {
  uint32_t memberStart = tok().start;
  if (type() == Tok::At && ts()) tsUnsupported(memberStart, "decorators");
  ClassMember member;
  bool isAbstract = false, isDeclare = false;
  auto isElementNameStart = [](const Token& t) {
    switch (t.type) {
      case Tok::Name: case Tok::PrivateName: case Tok::String: case Tok::Number: case Tok::BigInt:
      case Tok::LBracket:
        return true;
      default:
        return false;
    }
  };
  // Modifiers: `static`, and in TypeScript access/readonly/abstract/declare/override/accessor.
  for (;;) {
    if (type() != Tok::Name || tok().escaped) break;
    Kw k = tok().kw;
    bool tsMod = ts() && (k == Kw::Public || k == Kw::Private || k == Kw::Protected || k == Kw::Readonly ||
                          k == Kw::Abstract || k == Kw::Declare || k == Kw::Override || k == Kw::Accessor);
    if (k != Kw::Static && !tsMod) break;
    Token nt = peekToken();
    bool followedByName = isElementNameStart(nt) || nt.type == Tok::Star || (k == Kw::Static && nt.type == Tok::LBrace);
    if (tsMod && nt.newlineBefore) followedByName = false;
    if (!followedByName) break;
    if (k == Kw::Static) {
      if (member.isStatic) break;
      if (nt.type == Tok::LBrace) {
        // static initialization block
        next();
        auto* fn = make<FunctionNode>(tok().start);
        fn->fkind = FunctionKind::Method;
        fn->isStrict = true;
        enterScope(kScopeStaticBlock | kScopeSuper);
        auto oldLabels = std::move(labels_);
        labels_.clear();
        uint32_t oldYield = yieldPos_, oldAwait = awaitPos_;
        next();
        while (type() != Tok::RBrace) {
          if (type() == Tok::EOS) unexpected();
          parseStatementListItem(fn->body);
        }
        next();
        yieldPos_ = oldYield;
        awaitPos_ = oldAwait;
        labels_ = std::move(oldLabels);
        exitScope();
        finish(fn);
        member.kind = ClassMemberKind::StaticBlock;
        member.isStatic = true;
        member.value = fn;
        cls->members.push_back(member);
        return;
      }
      member.isStatic = true;
    }
    if (k == Kw::Abstract) isAbstract = true;
    if (k == Kw::Declare) isDeclare = true;
    next();
  }
  if (ts() && type() == Tok::LBracket) {
    // Index signature `[key: T]: U;` — skipped. Otherwise a computed name.
    auto state = lexer_.save();
    next();
    if (type() == Tok::Name) {
      next();
      if (type() == Tok::Colon) {
        lexer_.restore(state);
        tsSkipBalanced();
        tsSkipTypeAnnotationOpt();
        semicolon();
        return;
      }
    }
    lexer_.restore(state);
  }
  uint32_t methodStart = tok().start;
  bool isAsync = false, isGenerator = false;
  ClassMemberKind kind = ClassMemberKind::Method;
  if (tok().is(Kw::Async)) {
    Token nt = peekToken();
    if ((isElementNameStart(nt) || nt.type == Tok::Star) && !nt.newlineBefore) {
      isAsync = true;
      next();
    }
  }
  if (type() == Tok::Star) {
    isGenerator = true;
    next();
  }
  if (!isAsync && !isGenerator && (tok().is(Kw::Get) || tok().is(Kw::Set))) {
    Token nt = peekToken();
    if (isElementNameStart(nt)) {
      kind = tok().is(Kw::Get) ? ClassMemberKind::Getter : ClassMemberKind::Setter;
      next();
    }
  }
  // The element name.
  uint32_t keyStart = tok().start;
  if (type() == Tok::PrivateName) {
    auto* id = make<Identifier>(keyStart);
    id->name.assign(tok().name());
    next();
    member.key = finish(id);
    member.isPrivate = true;
    if (id->name == u"constructor") raise(keyStart, "Classes may not have a private field named '#constructor'");
  } else {
    parsePropertyName(&member.key, &member.computed);
  }
  auto keyNameIs = [&](const char16_t* w) {
    if (member.computed || member.isPrivate) return false;
    if (member.key->kind == Kind::Identifier) return member.key->as<Identifier>()->name == w;
    if (member.key->kind == Kind::StringLit) return member.key->as<StringLit>()->value == w;
    return false;
  };
  if (ts() && (type() == Tok::Question || (type() == Tok::Not && !tok().newlineBefore))) next();  // `x?` / `x!`
  bool isMethod = type() == Tok::LParen || kind != ClassMemberKind::Method || isGenerator || isAsync ||
                  (ts() && type() == Tok::Lt);
  if (isMethod) {
    bool isConstructor = !member.isStatic && keyNameIs(u"constructor");
    if (isConstructor) {
      if (kind != ClassMemberKind::Method) raise(keyStart, "Class constructor may not be an accessor");
      if (isGenerator) raise(keyStart, "Class constructor may not be a generator");
      if (isAsync) raise(keyStart, "Class constructor may not be an async method");
    }
    if (member.isStatic && keyNameIs(u"prototype"))
      raise(keyStart, "Classes may not have a static property named 'prototype'");
    FunctionKind fkind = isConstructor ? (hasSuper ? FunctionKind::DerivedConstructor : FunctionKind::ClassConstructor)
                         : kind == ClassMemberKind::Getter ? FunctionKind::Getter
                         : kind == ClassMemberKind::Setter ? FunctionKind::Setter
                                                           : FunctionKind::Method;
    FunctionNode* fn = parseMethod(methodStart, isGenerator, isAsync, fkind, true);
    if (!fn) return;  // TypeScript overload or abstract method
    if (isAbstract || isDeclare) return;
    if (isConstructor) {
      if (sawConstructor) raise(keyStart, "A class may only have one constructor");
      sawConstructor = true;
      cls->constructor = fn;
      // `constructor(private x: T)` declares the field x (before the other fields).
      std::vector<ClassMember> declared;
      for (const std::u16string& name : lastCtorParamProps_) {
        ClassMember field;
        field.kind = ClassMemberKind::Field;
        field.key = mkIdent(name, fn->start);
        declared.push_back(field);
      }
      cls->members.insert(cls->members.begin(), declared.begin(), declared.end());
      lastCtorParamProps_.clear();
      return;
    }
    member.kind = kind;
    member.value = fn;
  } else {
    if (keyNameIs(u"constructor")) raise(keyStart, "Classes may not have a field named 'constructor'");
    if (member.isStatic && keyNameIs(u"prototype"))
      raise(keyStart, "Classes may not have a static property named 'prototype'");
    if (ts()) tsSkipTypeAnnotationOpt();
    member.kind = ClassMemberKind::Field;
    if (eat(Tok::Assign)) {
      enterScope(kScopeFieldInit | kScopeSuper);
      uint32_t oldYield = yieldPos_, oldAwait = awaitPos_, oldAwaitIdent = awaitIdentPos_;
      member.value = parseMaybeAssign();
      yieldPos_ = oldYield;
      awaitPos_ = oldAwait;
      awaitIdentPos_ = oldAwaitIdent;
      exitScope();
    }
    semicolon();
    if (isAbstract || isDeclare) return;
  }
  if (member.isPrivate) {
    auto& declared = classes_.back().declared;
    auto& name = member.key->as<Identifier>()->name;
    int pkind = member.kind == ClassMemberKind::Getter ? 1 : member.kind == ClassMemberKind::Setter ? 2 : 0;
    bool ok = true;
    for (auto& d : declared) {
      if (d.name != name) continue;
      if (pkind != 0 && d.kind != 0 && d.kind != 3 && d.kind != pkind && d.isStatic == member.isStatic) {
        d.kind = 3;
        pkind = -1;
      } else {
        ok = false;
      }
    }
    if (!ok) raise(keyStart, fmt::format("Identifier '#{}' has already been declared", utf8(name)));
    if (pkind >= 0) declared.push_back({name, pkind, member.isStatic});
  }
  cls->members.push_back(member);
}

// ---- modules ---------------------------------------------------------------------

std::u16string Parser::parseModuleExportName(bool* isString) {
  if (type() == Tok::String) {
    std::u16string value = tok().value;
    if (!isWellFormedUnicode(value)) raise(tok().start, "Invalid module export name: contains unpaired surrogate");
    *isString = true;
    next();
    return value;
  }
  *isString = false;
  if (type() != Tok::Name) unexpected();
  std::u16string name(tok().name());
  next();
  return name;
}

void Parser::addExport(const std::u16string& name, uint32_t pos) {
  if (containsName(exportedNames_, name)) raise(pos, fmt::format("Duplicate export of '{}'", utf8(name)));
  exportedNames_.push_back(name);
}

void Parser::exportBindings(Node* pattern) {
  switch (pattern->kind) {
    case Kind::Identifier: addExport(pattern->as<Identifier>()->name, pattern->start); break;
    case Kind::ObjectPattern: {
      auto* p = pattern->as<ObjectPattern>();
      for (auto& prop : p->properties) exportBindings(prop.value);
      if (p->rest) exportBindings(p->rest);
      break;
    }
    case Kind::ArrayPattern:
      for (Node* e : pattern->as<ArrayPattern>()->elements)
        if (e) exportBindings(e);
      break;
    case Kind::AssignPattern: exportBindings(pattern->as<AssignPattern>()->target); break;
    case Kind::Rest: exportBindings(pattern->as<Rest>()->target); break;
    default: break;
  }
}

void Parser::declareExportsOf(Node* decl) {
  switch (decl->kind) {
    case Kind::VarDecl:
      for (auto& d : decl->as<VarDecl>()->declarations) exportBindings(d.target);
      break;
    case Kind::FunctionDecl:
      addExport(decl->as<FunctionDecl>()->function->name->name, decl->start);
      break;
    case Kind::ClassDecl:
      addExport(decl->as<ClassDecl>()->cls->name->name, decl->start);
      break;
    default:
      break;
  }
}

void Parser::parseImportAttributes() {
  // `with { type: "json" }` (and the older `assert`): syntax only.
  bool isAssert = type() == Tok::Name && !tok().escaped && tok().name() == u"assert" && !tok().newlineBefore;
  if (tok().is(Kw::With) || isAssert) {
    next();
    expect(Tok::LBrace);
    std::vector<std::u16string> keys;
    while (!eat(Tok::RBrace)) {
      std::u16string key;
      if (type() == Tok::String) key = tok().value;
      else if (type() == Tok::Name) key.assign(tok().name());
      else unexpected();
      if (containsName(keys, key)) raise(tok().start, "Import attribute has duplicate key");
      keys.push_back(key);
      next();
      expect(Tok::Colon);
      if (type() != Tok::String) unexpected();
      next();
      if (!eat(Tok::Comma)) {
        expect(Tok::RBrace);
        break;
      }
    }
  }
}

Node* Parser::parseImport(uint32_t start) {
  next();  // import
  auto* imp = make<Import>(start);
  bool typeOnly = false;
  if (ts() && isContextual(Kw::Type)) {
    Token nt = peekToken();
    if (nt.type == Tok::LBrace || nt.type == Tok::Star || (nt.type == Tok::Name && !nt.is(Kw::From))) {
      typeOnly = true;
      next();
    } else if (nt.is(Kw::From)) {
      // `import type from "m"` imports a default named `type`; `import type from from "m"` is type-only.
      auto state = lexer_.save();
      next();
      next();
      bool twoFroms = isContextual(Kw::From);
      lexer_.restore(state);
      if (twoFroms) {
        typeOnly = true;
        next();
      }
    }
  }
  if (type() == Tok::String) {
    imp->source = tok().value;
    next();
    parseImportAttributes();
    semicolon();
    return finish(imp);
  }
  auto bindLocal = [&](Identifier* id) {
    checkLValSimple(id, Bind::Lexical, nullptr);
  };
  if (ts() && type() == Tok::Name && !tok().escaped) {
    // `import x = require("m")` / `import x = N.y`
    Token nt = peekToken();
    if (nt.type == Tok::Assign) tsUnsupported(start, "import x = require()");
  }
  if (type() == Tok::Name) {
    Identifier* local = parseIdent(false);
    if (!typeOnly) bindLocal(local);
    imp->specifiers.push_back({u"default", local->name});
    if (!eat(Tok::Comma)) goto from;
  }
  if (type() == Tok::Star) {
    next();
    expectContextual(Kw::As, "as");
    Identifier* local = parseIdent(false);
    if (!typeOnly) bindLocal(local);
    imp->specifiers.push_back({u"*", local->name});
  } else if (eat(Tok::LBrace)) {
    bool first = true;
    while (!eat(Tok::RBrace)) {
      if (!first) {
        expect(Tok::Comma);
        if (eat(Tok::RBrace)) break;
      }
      first = false;
      bool specTypeOnly = false;
      if (ts() && isContextual(Kw::Type)) {
        // `type A` / `type A as B` are type-only; `type` and `type as B` import a binding named type.
        Token nt = peekToken();
        if ((nt.type == Tok::Name && !nt.is(Kw::As)) || nt.type == Tok::String) {
          specTypeOnly = true;
          next();
        }
      }
      uint32_t at = tok().start;
      Token importedTok = tok();
      bool isString = false;
      std::u16string imported = parseModuleExportName(&isString);
      std::u16string local;
      if (eatContextual(Kw::As)) {
        Identifier* id = parseIdent(false);
        local = id->name;
        if (!typeOnly && !specTypeOnly) bindLocal(id);
      } else {
        if (isString) raise(at, "Unexpected string");
        checkUnreserved(importedTok, at);
        auto* id = mkIdent(imported, at);
        if (!typeOnly && !specTypeOnly) bindLocal(id);
        local = imported;
      }
      if (!specTypeOnly) imp->specifiers.push_back({imported, local});
    }
  } else if (imp->specifiers.empty()) {
    unexpected();
  }
from:
  if (!isContextual(Kw::From)) unexpected();
  next();
  if (type() != Tok::String) unexpected();
  imp->source = tok().value;
  next();
  parseImportAttributes();
  semicolon();
  if (typeOnly) return nullptr;
  if (ts()) tsImports_.push_back(imp);
  return finish(imp);
}

Node* Parser::parseExport(uint32_t start, NodeList& out) {
  next();  // export
  if (ts()) {
    if (type() == Tok::Assign) tsUnsupported(start, "export =");
    if (tok().is(Kw::Import)) tsUnsupported(start, "export import");
    if (isContextual(Kw::As)) {  // `export as namespace X;`
      next();
      next();
      parseIdent(true);
      semicolon();
      return nullptr;
    }
    if (isContextual(Kw::Type) && peekType() == Tok::LBrace) {
      // `export type { A, B } [from "m"]`: types only.
      next();
      tsSkipBalanced();
      if (eatContextual(Kw::From)) next();
      semicolon();
      return nullptr;
    }
    if (isContextual(Kw::Type) && peekType() == Tok::Star) {
      next();
      next();
      if (eatContextual(Kw::As)) parseIdent(true);
      expectContextual(Kw::From, "from");
      next();
      semicolon();
      return nullptr;
    }
    size_t before = out.size();
    if (tsTryDeclaration(out, true, start)) {
      // Lowered enums/namespaces: export the `var` that holds them.
      for (size_t i = before; i < out.size(); ++i) {
        if (out[i]->kind == Kind::VarDecl) {
          auto* en = make<ExportNamed>(start);
          en->declaration = out[i];
          en->end = out[i]->end;
          declareExportsOf(out[i]);
          out[i] = en;
        }
      }
      return nullptr;
    }
  }
  if (type() == Tok::Star) {
    next();
    auto* all = make<ExportAll>(start);
    if (eatContextual(Kw::As)) {
      uint32_t at = tok().start;
      bool isString;
      std::u16string name = parseModuleExportName(&isString);
      addExport(name, at);
      all->exportedName = name;
    }
    if (!isContextual(Kw::From)) unexpected();
    next();
    if (type() != Tok::String) unexpected();
    all->source = tok().value;
    next();
    parseImportAttributes();
    semicolon();
    return finish(all);
  }
  if (tok().is(Kw::Default)) {
    uint32_t defaultAt = tok().start;
    next();
    addExport(u"default", defaultAt);
    auto* ed = make<ExportDefault>(start);
    uint32_t declStart = tok().start;
    if (tok().is(Kw::Function) || isAsyncFunction()) {
      bool isAsync = isContextual(Kw::Async);
      if (isAsync) next();
      FunctionNode* fn = parseFunction(declStart, kFuncStatement | kFuncNullableId, false, isAsync, false);
      if (!fn) return nullptr;
      ed->value = fn;
      ed->isDeclaration = true;
      return finish(ed);
    }
    if (tok().is(Kw::Class) || (ts() && isContextual(Kw::Abstract) && peekToken().is(Kw::Class))) {
      if (isContextual(Kw::Abstract)) {
        next();
        declStart = tok().start;
      }
      Node* c = parseClass(declStart, false, false);
      ClassNode* cls = c->as<ClassNode>();
      if (cls->name) checkLValSimple(cls->name, Bind::Lexical, nullptr);
      ed->value = cls;
      ed->isDeclaration = true;
      return finish(ed);
    }
    if (ts() && isContextual(Kw::Interface)) {
      NodeList dropped;
      tsTryDeclaration(dropped, false, declStart);
      return nullptr;
    }
    ed->value = parseMaybeAssign();
    semicolon();
    return finish(ed);
  }
  if (type() == Tok::LBrace) {
    next();
    auto* en = make<ExportNamed>(start);
    std::vector<std::pair<Token, bool>> locals;  // token of the local name, whether it was a string
    bool first = true;
    while (!eat(Tok::RBrace)) {
      if (!first) {
        expect(Tok::Comma);
        if (eat(Tok::RBrace)) break;
      }
      first = false;
      if (ts() && isContextual(Kw::Type)) {
        Token nt = peekToken();
        if (nt.type == Tok::Name && !nt.is(Kw::As)) {
          // `export { type A }`: dropped.
          next();
          next();
          if (eatContextual(Kw::As)) next();
          continue;
        }
      }
      Token localTok = tok();
      bool localIsString;
      std::u16string local = parseModuleExportName(&localIsString);
      std::u16string exported = local;
      uint32_t exportedAt = localTok.start;
      if (eatContextual(Kw::As)) {
        exportedAt = tok().start;
        bool s;
        exported = parseModuleExportName(&s);
      }
      addExport(exported, exportedAt);
      locals.emplace_back(localTok, localIsString);
      en->specifiers.push_back({local, exported});
    }
    if (isContextual(Kw::From)) {
      next();
      if (type() != Tok::String) unexpected();
      en->source = tok().value;
      next();
      parseImportAttributes();
    } else {
      for (auto& [t, isString] : locals) {
        if (isString) raise(t.start, "Unexpected string");
        if (t.escaped || isAlwaysReserved(t.kw)) checkUnreserved(t, t.start);
        if (isAlwaysReserved(t.kw) || (t.kw == Kw::Await) || isStrictReserved(t.kw))
          raise(t.start, fmt::format("Unexpected reserved word"));
        localExports_.emplace_back(std::u16string(t.name()), t.start);
        if (ts()) tsValueRefs_.insert(std::u16string(t.name()));
      }
    }
    semicolon();
    return finish(en);
  }
  // export var/let/const/function/class/async function
  auto* en = make<ExportNamed>(start);
  uint32_t declStart = tok().start;
  Node* decl = nullptr;
  if (tok().is(Kw::Var) || tok().is(Kw::Const) || isContextual(Kw::Let)) {
    DeclKind kind = tok().is(Kw::Var) ? DeclKind::Var : tok().is(Kw::Const) ? DeclKind::Const : DeclKind::Let;
    next();
    decl = parseVarStatement(declStart, kind, false, false);
  } else if (tok().is(Kw::Function) || isAsyncFunction()) {
    bool isAsync = isContextual(Kw::Async);
    if (isAsync) next();
    FunctionNode* fn = parseFunction(declStart, kFuncStatement, false, isAsync, false);
    if (!fn) return nullptr;
    auto* fd = make<FunctionDecl>(declStart);
    fd->function = fn;
    decl = finish(fd);
  } else if (tok().is(Kw::Class)) {
    decl = parseClass(declStart, true, true);
  } else {
    unexpected();
  }
  declareExportsOf(decl);
  en->declaration = decl;
  return finish(en);
}

}  // namespace kiln::parser_detail
