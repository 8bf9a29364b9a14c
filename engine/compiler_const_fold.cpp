#include "engine/compiler_const_fold.h"

#include <cmath>

#include "engine/number_conv.h"

namespace kiln {

namespace {

using namespace ast;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxFoldedString = 4096;  // longer concatenations stay at run time

FoldedValue number(double d) { FoldedValue c; c.kind = FoldedValue::Number; c.number = d; return c; }
FoldedValue boolean(bool b) { FoldedValue c; c.kind = FoldedValue::Boolean; c.boolean = b; return c; }
FoldedValue string(std::u16string s) { FoldedValue c; c.kind = FoldedValue::String; c.string = std::move(s); return c; }

bool truthy(const FoldedValue& c) {
  switch (c.kind) {
    case FoldedValue::Number: return !(c.number == 0 || std::isnan(c.number));
    case FoldedValue::String: return !c.string.empty();
    case FoldedValue::Boolean: return c.boolean;
    default: return false;
  }
}

// ToNumber of a non-string primitive (strings are not folded into numbers:
// StringToNumber's grammar is the runtime's business).
std::optional<double> toNumber(const FoldedValue& c) {
  switch (c.kind) {
    case FoldedValue::Number: return c.number;
    case FoldedValue::Boolean: return c.boolean ? 1.0 : 0.0;
    case FoldedValue::Null: return 0.0;
    case FoldedValue::Undefined: return std::nan("");
    default: return std::nullopt;
  }
}

std::u16string ascii16(const std::string& s) { return std::u16string(s.begin(), s.end()); }

// Number::exponentiate (§6.1.6.1.3): differs from C pow for NaN exponents and
// |base| == 1 with infinite exponents.
double exponentiate(double base, double exponent) {
  if (std::isnan(exponent)) return std::nan("");
  if (exponent == 0) return 1;
  if ((base == 1 || base == -1) && std::isinf(exponent)) return std::nan("");
  return std::pow(base, exponent);
}

double modulo(double n, double d) {
  if (std::isnan(n) || std::isnan(d) || std::isinf(n) || d == 0) return std::nan("");
  if (std::isinf(d) || n == 0) return n;
  double r = std::fmod(n, d);
  return r == 0 ? std::copysign(0.0, n) : r;
}

std::optional<FoldedValue> fold(const Node* n, int depth);

std::optional<FoldedValue> foldBinary(const Binary* b, int depth) {
  auto l = fold(b->left, depth + 1);
  if (!l) return std::nullopt;
  auto r = fold(b->right, depth + 1);
  if (!r) return std::nullopt;
  const std::string& op = b->op;
  if (op == "+" && l->kind == FoldedValue::String && r->kind == FoldedValue::String) {
    if (l->string.size() + r->string.size() > kMaxFoldedString) return std::nullopt;
    return string(l->string + r->string);
  }
  if (op == "+" && (l->kind == FoldedValue::String || r->kind == FoldedValue::String)) {
    // A number or boolean becomes its string (ToString of a primitive).
    auto side = [](const FoldedValue& c) -> std::optional<std::u16string> {
      switch (c.kind) {
        case FoldedValue::String: return c.string;
        case FoldedValue::Number: return ascii16(numberToString(c.number));
        case FoldedValue::Boolean: return std::u16string(c.boolean ? u"true" : u"false");
        case FoldedValue::Null: return std::u16string(u"null");
        case FoldedValue::Undefined: return std::u16string(u"undefined");
      }
      return std::nullopt;
    };
    auto ls = side(*l), rs = side(*r);
    if (!ls || !rs || ls->size() + rs->size() > kMaxFoldedString) return std::nullopt;
    return string(*ls + *rs);
  }
  if (op == "===" || op == "!==") {
    bool eq;
    if (l->kind != r->kind) eq = false;
    else if (l->kind == FoldedValue::Number) eq = l->number == r->number;
    else if (l->kind == FoldedValue::String) eq = l->string == r->string;
    else if (l->kind == FoldedValue::Boolean) eq = l->boolean == r->boolean;
    else eq = true;  // null === null, undefined === undefined
    return boolean(op == "===" ? eq : !eq);
  }
  if (l->kind == FoldedValue::String || r->kind == FoldedValue::String) {
    if (l->kind == FoldedValue::String && r->kind == FoldedValue::String && (op == "<" || op == ">" || op == "<=" || op == ">=")) {
      int c = l->string.compare(r->string);  // code-unit order, as IsLessThan for strings
      if (op == "<") return boolean(c < 0);
      if (op == ">") return boolean(c > 0);
      if (op == "<=") return boolean(c <= 0);
      return boolean(c >= 0);
    }
    return std::nullopt;
  }
  auto x = toNumber(*l), y = toNumber(*r);
  if (!x || !y) return std::nullopt;
  double a = *x, c = *y;
  if (op == "+") return number(a + c);
  if (op == "-") return number(a - c);
  if (op == "*") return number(a * c);
  if (op == "/") return number(a / c);
  if (op == "%") return number(modulo(a, c));
  if (op == "**") return number(exponentiate(a, c));
  if (op == "<<") return number(double(int32_t(uint32_t(toInt32(a)) << (uint32_t(toInt32(c)) & 31))));
  if (op == ">>") return number(double(toInt32(a) >> (uint32_t(toInt32(c)) & 31)));
  if (op == ">>>") return number(double(uint32_t(toInt32(a)) >> (uint32_t(toInt32(c)) & 31)));
  if (op == "&") return number(double(toInt32(a) & toInt32(c)));
  if (op == "|") return number(double(toInt32(a) | toInt32(c)));
  if (op == "^") return number(double(toInt32(a) ^ toInt32(c)));
  if (op == "<") return boolean(a < c);
  if (op == ">") return boolean(a > c);
  if (op == "<=") return boolean(a <= c);
  if (op == ">=") return boolean(a >= c);
  if ((op == "==" || op == "!=") && l->kind == r->kind) return boolean((a == c) == (op == "=="));
  return std::nullopt;
}

std::optional<FoldedValue> foldUnary(const Unary* u, int depth) {
  auto v = fold(u->argument, depth + 1);
  if (!v) return std::nullopt;
  const std::string& op = u->op;
  if (op == "!") return boolean(!truthy(*v));
  if (op == "void") return FoldedValue{};
  if (op == "typeof") {
    switch (v->kind) {
      case FoldedValue::Number: return string(u"number");
      case FoldedValue::String: return string(u"string");
      case FoldedValue::Boolean: return string(u"boolean");
      case FoldedValue::Null: return string(u"object");
      case FoldedValue::Undefined: return string(u"undefined");
    }
  }
  if (v->kind == FoldedValue::String) return std::nullopt;
  auto x = toNumber(*v);
  if (!x) return std::nullopt;
  if (op == "-") return number(-*x);
  if (op == "+") return number(*x);
  if (op == "~") return number(double(~toInt32(*x)));
  return std::nullopt;
}

std::optional<FoldedValue> fold(const Node* n, int depth) {
  if (!n || depth > kMaxDepth) return std::nullopt;
  switch (n->kind) {
    case Kind::NumberLit: return number(n->as<NumberLit>()->value);
    case Kind::StringLit: return string(n->as<StringLit>()->value);
    case Kind::BooleanLit: return boolean(n->as<BooleanLit>()->value);
    case Kind::NullLit: { FoldedValue c; c.kind = FoldedValue::Null; return c; }
    case Kind::Binary: return foldBinary(n->as<Binary>(), depth);
    case Kind::Unary: return foldUnary(n->as<Unary>(), depth);
    case Kind::Logical: {
      auto* l = n->as<Logical>();
      auto left = fold(l->left, depth + 1);
      if (!left) return std::nullopt;
      bool takeLeft = l->op == "&&" ? !truthy(*left)
                      : l->op == "||" ? truthy(*left)
                                      : !(left->kind == FoldedValue::Null || left->kind == FoldedValue::Undefined);
      return takeLeft ? left : fold(l->right, depth + 1);
    }
    case Kind::Conditional: {
      auto* c = n->as<Conditional>();
      auto test = fold(c->test, depth + 1);
      if (!test) return std::nullopt;
      return fold(truthy(*test) ? c->consequent : c->alternate, depth + 1);
    }
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<FoldedValue> foldConstant(const ast::Node* n) { return fold(n, 0); }

std::optional<bool> foldTruthiness(const ast::Node* n) {
  auto c = fold(n, 0);
  if (!c) return std::nullopt;
  return truthy(*c);
}

}  // namespace kiln
