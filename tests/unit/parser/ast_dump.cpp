#include "ast_dump.h"

#include <fmt/format.h>

namespace kiln::test {

using namespace ast;

namespace {

std::string u8(const Name& s) { return utf16ToUtf8(s); }

std::string list(const NodeList& nodes) {
  std::string out = "[";
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) out += " ";
    out += dumpNode(nodes[i]);
  }
  return out + "]";
}

std::string key(const Node* k, bool computed) { return computed ? "[" + dumpNode(k) + "]" : dumpNode(k); }

std::string fn(const FunctionNode* f) {
  static const char* kinds[] = {"normal", "arrow", "method", "get", "set", "ctor", "derived-ctor", "field-init"};
  std::string flags;
  if (f->isAsync) flags += " async";
  if (f->isGenerator) flags += " gen";
  if (f->isStrict) flags += " strict";
  return fmt::format("(fn{} {}{} {} {})", flags, kinds[int(f->fkind)], f->name ? " " + u8(f->name->name) : "",
                     list(f->params), list(f->body));
}

}  // namespace

std::string dumpNode(const Node* n) {
  if (!n) return "_";
  switch (n->kind) {
    case Kind::NumberLit: return fmt::format("{}", n->as<NumberLit>()->value);
    case Kind::BigIntLit: return n->as<BigIntLit>()->digits + "n";
    case Kind::StringLit: return "\"" + u8(n->as<StringLit>()->value) + "\"";
    case Kind::TemplateLit: {
      auto* t = n->as<TemplateLit>();
      std::string out = "(tpl";
      for (size_t i = 0; i < t->raw.size(); ++i) {
        out += " \"" + (t->cooked[i] ? u8(*t->cooked[i]) : std::string("<invalid>")) + "\"";
        if (i < t->expressions.size()) out += " " + dumpNode(t->expressions[i]);
      }
      return out + ")";
    }
    case Kind::TaggedTemplate:
      return "(tagged " + dumpNode(n->as<TaggedTemplate>()->tag) + " " + dumpNode(n->as<TaggedTemplate>()->quasi) + ")";
    case Kind::RegExpLit: return "/" + u8(n->as<RegExpLit>()->pattern) + "/" + u8(n->as<RegExpLit>()->flags);
    case Kind::NullLit: return "null";
    case Kind::BooleanLit: return n->as<BooleanLit>()->value ? "true" : "false";
    case Kind::Identifier: return u8(n->as<Identifier>()->name);
    case Kind::This: return "this";
    case Kind::SuperMember: return "(super." + key(n->as<SuperMember>()->property, n->as<SuperMember>()->computed) + ")";
    case Kind::SuperCall: return "(super " + list(n->as<SuperCall>()->arguments) + ")";
    case Kind::ArrayLit: return "(array " + list(n->as<ArrayLit>()->elements) + ")";
    case Kind::ObjectLit: {
      static const char* kinds[] = {"init", "get", "set", "method", "spread", "proto"};
      std::string out = "(object";
      for (auto& p : n->as<ObjectLit>()->properties)
        out += fmt::format(" ({} {}{} {})", kinds[int(p.kind)], p.key ? key(p.key, p.computed) : "_",
                           p.shorthand ? " short" : "", dumpNode(p.value));
      return out + ")";
    }
    case Kind::Function: return fn(n->as<FunctionNode>());
    case Kind::Class: {
      auto* c = n->as<ClassNode>();
      static const char* kinds[] = {"method", "get", "set", "field", "static-block"};
      std::string out = "(class" + (c->name ? " " + u8(c->name->name) : "") + " " + dumpNode(c->superClass) +
                        " " + dumpNode(c->constructor);
      for (auto& m : c->members)
        out += fmt::format(" ({}{}{} {} {})", m.isStatic ? "static " : "", kinds[int(m.kind)],
                           m.isPrivate ? " #" : "", m.key ? key(m.key, m.computed) : "_", dumpNode(m.value));
      return out + ")";
    }
    case Kind::Unary: return "(" + n->as<Unary>()->op + " " + dumpNode(n->as<Unary>()->argument) + ")";
    case Kind::Update: {
      auto* u = n->as<Update>();
      std::string op = u->increment ? "++" : "--";
      return u->prefix ? "(" + op + "pre " + dumpNode(u->argument) + ")" : "(" + op + "post " + dumpNode(u->argument) + ")";
    }
    case Kind::Binary: {
      auto* b = n->as<Binary>();
      return "(" + b->op + " " + dumpNode(b->left) + " " + dumpNode(b->right) + ")";
    }
    case Kind::Logical: {
      auto* b = n->as<Logical>();
      return "(" + b->op + " " + dumpNode(b->left) + " " + dumpNode(b->right) + ")";
    }
    case Kind::Assign: {
      auto* a = n->as<Assign>();
      return "(" + a->op + " " + dumpNode(a->target) + " " + dumpNode(a->value) + ")";
    }
    case Kind::PrivateIn: return "(#" + u8(n->as<PrivateIn>()->name) + " in " + dumpNode(n->as<PrivateIn>()->right) + ")";
    case Kind::Conditional: {
      auto* c = n->as<Conditional>();
      return "(? " + dumpNode(c->test) + " " + dumpNode(c->consequent) + " " + dumpNode(c->alternate) + ")";
    }
    case Kind::Call: {
      auto* c = n->as<Call>();
      return std::string(c->optional ? "(call?. " : "(call ") + dumpNode(c->callee) + " " + list(c->arguments) + ")";
    }
    case Kind::New: return "(new " + dumpNode(n->as<New>()->callee) + " " + list(n->as<New>()->arguments) + ")";
    case Kind::Member: {
      auto* m = n->as<Member>();
      return "(" + std::string(m->optional ? "?." : ".") + " " + dumpNode(m->object) + " " +
             (m->isPrivate ? "#" : "") + key(m->property, m->computed) + ")";
    }
    case Kind::OptionalChain: return "(chain " + dumpNode(n->as<OptionalChain>()->expression) + ")";
    case Kind::Sequence: return "(seq " + list(n->as<Sequence>()->expressions) + ")";
    case Kind::Spread: return "(... " + dumpNode(n->as<Spread>()->argument) + ")";
    case Kind::Yield:
      return std::string(n->as<Yield>()->delegate ? "(yield* " : "(yield ") + dumpNode(n->as<Yield>()->argument) + ")";
    case Kind::Await: return "(await " + dumpNode(n->as<Await>()->argument) + ")";
    case Kind::NewTarget: return "new.target";
    case Kind::ImportMeta: return "import.meta";
    case Kind::ImportCall: return "(import " + dumpNode(n->as<ImportCall>()->argument) + ")";
    case Kind::ObjectPattern: {
      auto* p = n->as<ObjectPattern>();
      std::string out = "(opat";
      for (auto& prop : p->properties) out += " (" + key(prop.key, prop.computed) + " " + dumpNode(prop.value) + ")";
      if (p->rest) out += " (... " + dumpNode(p->rest) + ")";
      return out + ")";
    }
    case Kind::ArrayPattern: return "(apat " + list(n->as<ArrayPattern>()->elements) + ")";
    case Kind::AssignPattern:
      return "(default " + dumpNode(n->as<AssignPattern>()->target) + " " + dumpNode(n->as<AssignPattern>()->defaultValue) + ")";
    case Kind::Rest: return "(rest " + dumpNode(n->as<Rest>()->target) + ")";
    case Kind::VarDecl: {
      auto* v = n->as<VarDecl>();
      static const char* kinds[] = {"var", "let", "const"};
      std::string out = std::string("(") + kinds[int(v->declKind)];
      for (auto& d : v->declarations) out += " (" + dumpNode(d.target) + " " + dumpNode(d.init) + ")";
      return out + ")";
    }
    case Kind::FunctionDecl: return "(decl " + dumpNode(n->as<FunctionDecl>()->function) + ")";
    case Kind::ClassDecl: return "(decl " + dumpNode(n->as<ClassDecl>()->cls) + ")";
    case Kind::ExprStmt: return dumpNode(n->as<ExprStmt>()->expression) + ";";
    case Kind::Block: return "{" + list(n->as<Block>()->body) + "}";
    case Kind::Empty: return ";";
    case Kind::Debugger: return "debugger;";
    case Kind::If: {
      auto* i = n->as<If>();
      return "(if " + dumpNode(i->test) + " " + dumpNode(i->consequent) + " " + dumpNode(i->alternate) + ")";
    }
    case Kind::For: {
      auto* f = n->as<For>();
      return "(for " + dumpNode(f->init) + " " + dumpNode(f->test) + " " + dumpNode(f->update) + " " + dumpNode(f->body) + ")";
    }
    case Kind::ForIn: {
      auto* f = n->as<ForIn>();
      return "(for-in " + dumpNode(f->left) + " " + dumpNode(f->right) + " " + dumpNode(f->body) + ")";
    }
    case Kind::ForOf: {
      auto* f = n->as<ForOf>();
      return std::string(f->isAwait ? "(for-await-of " : "(for-of ") + dumpNode(f->left) + " " + dumpNode(f->right) +
             " " + dumpNode(f->body) + ")";
    }
    case Kind::While: return "(while " + dumpNode(n->as<While>()->test) + " " + dumpNode(n->as<While>()->body) + ")";
    case Kind::DoWhile: return "(do " + dumpNode(n->as<DoWhile>()->body) + " " + dumpNode(n->as<DoWhile>()->test) + ")";
    case Kind::Return: return "(return " + dumpNode(n->as<Return>()->argument) + ")";
    case Kind::Break: return "(break " + u8(n->as<Break>()->label) + ")";
    case Kind::Continue: return "(continue " + u8(n->as<Continue>()->label) + ")";
    case Kind::Throw: return "(throw " + dumpNode(n->as<Throw>()->argument) + ")";
    case Kind::Try: {
      auto* t = n->as<Try>();
      return "(try " + dumpNode(t->block) + " " + dumpNode(t->param) + " " + dumpNode(t->handler) + " " +
             dumpNode(t->finalizer) + ")";
    }
    case Kind::Switch: {
      auto* s = n->as<Switch>();
      std::string out = "(switch " + dumpNode(s->discriminant);
      for (auto& c : s->cases) out += " (case " + dumpNode(c.test) + " " + list(c.body) + ")";
      return out + ")";
    }
    case Kind::Labeled: return "(label " + u8(n->as<Labeled>()->label) + " " + dumpNode(n->as<Labeled>()->body) + ")";
    case Kind::With: return "(with " + dumpNode(n->as<With>()->object) + " " + dumpNode(n->as<With>()->body) + ")";
    case Kind::Import: {
      auto* i = n->as<Import>();
      std::string out = "(import \"" + u8(i->source) + "\"";
      for (auto& s : i->specifiers) out += " (" + u8(s.imported) + " " + u8(s.local) + ")";
      return out + ")";
    }
    case Kind::ExportNamed: {
      auto* e = n->as<ExportNamed>();
      std::string out = "(export " + dumpNode(e->declaration);
      for (auto& s : e->specifiers) out += " (" + u8(s.local) + " " + u8(s.exported) + ")";
      if (e->source) out += " from \"" + u8(*e->source) + "\"";
      return out + ")";
    }
    case Kind::ExportDefault:
      return std::string(n->as<ExportDefault>()->isDeclaration ? "(export-default-decl " : "(export-default ") +
             dumpNode(n->as<ExportDefault>()->value) + ")";
    case Kind::ExportAll: {
      auto* e = n->as<ExportAll>();
      return "(export-all \"" + u8(e->source) + "\"" + (e->exportedName ? " " + u8(*e->exportedName) : "") + ")";
    }
  }
  return "?";
}

std::string dumpProgram(const Program& p) { return list(p.body); }

std::string parseDump(const std::string& code, bool typescript, bool module) {
  auto file = SourceFile::fromUtf8(typescript ? "test.ts" : "test.js", code);
  ParseOptions options;
  options.typescript = typescript;
  options.isModule = module;
  ParseError error;
  auto program = parseProgram(*file, options, &error);
  if (!program) return "ERROR: " + error.message;
  return dumpProgram(*program);
}

ParseError parseError(const std::string& code, bool typescript, bool module) {
  auto file = SourceFile::fromUtf8(typescript ? "test.ts" : "test.js", code);
  ParseOptions options;
  options.typescript = typescript;
  options.isModule = module;
  ParseError error;
  auto program = parseProgram(*file, options, &error);
  if (program) return ParseError{UINT32_MAX, "no error"};
  return error;
}

}  // namespace kiln::test
