// traceCell: the one description of which fields of each cell kind are
// references. The collector, the heap verifier and the image writer use it.
#include "engine/cells.h"

namespace kiln {

namespace {

const char* const kKindNames[] = {
#define KILN_CELL_KIND(name) #name,
#include "engine/cell_kinds.def"
#undef KILN_CELL_KIND
};

void traceObjectPrefix(const ObjectCell* o, Tracer& t) {
  t.visitRef(o->shape);
  t.visitRef(o->proto);
  t.visitRef(o->slots);
  t.visitRef(o->elements);
}

}  // namespace

const char* cellKindName(CellKind kind) {
  return size_t(kind) < size_t(CellKind::Count) ? kKindNames[size_t(kind)] : "?";
}

void traceCell(Heap& heap, const CellHeader* cell, Tracer& t) {
  switch (cell->kind) {
    case CellKind::Free:
    case CellKind::String:
    case CellKind::BigInt:
    case CellKind::ByteArray:
    case CellKind::Count:
      return;
    case CellKind::Symbol:
      t.visitValue(static_cast<const SymbolCell*>(cell)->description);
      return;
    case CellKind::Shape: {
      auto* s = static_cast<const ShapeCell*>(cell);
      t.visitRef(s->parent);
      t.visitValue(s->key);
      t.visitRef(s->transitions);
      t.visitRef(s->table);
      t.visitRef(s->keys);
      return;
    }
    case CellKind::ValueArray: {
      auto* a = static_cast<const ValueArrayCell*>(cell);
      // kTraceUsedOnly: slots past `length` hold stale values (the VM stack).
      uint32_t n = (a->flags & kTraceUsedOnly) ? a->length : a->capacity;
      for (uint32_t i = 0; i < n; i++) t.visitValue(a->data()[i]);
      return;
    }
    case CellKind::HashTable: {
      auto* h = const_cast<HashTableCell*>(static_cast<const HashTableCell*>(cell));
      t.visitRef(h->forward);
      size_t n = size_t(h->used) * h->width;
      Value* e = h->entries();
      for (size_t i = 0; i < n; i++) t.visitValue(e[i]);
      return;
    }
    case CellKind::FunctionInfo: {
      auto* f = static_cast<const FunctionInfoCell*>(cell);
      t.visitRef(f->code);
      t.visitRef(f->constants);
      t.visitRef(f->children);
      t.visitRef(f->lineTable);
      t.visitRef(f->handlers);
      t.visitRef(f->icCache);
      t.visitValue(f->name);
      t.visitValue(f->source);
      return;
    }
    case CellKind::Environment: {
      auto* e = const_cast<EnvironmentCell*>(static_cast<const EnvironmentCell*>(cell));
      t.visitRef(e->parent);
      t.visitValue(e->scope);
      t.visitValue(e->object);
      for (uint32_t i = 0; i < e->count; i++) t.visitValue(e->slots()[i]);
      return;
    }
    case CellKind::Module: {
      auto* m = static_cast<const ModuleCell*>(cell);
      const Value* v = &m->path;
      size_t n = (sizeof(ModuleCell) - sizeof(CellHeader)) / sizeof(Value);
      for (size_t i = 0; i < n; i++) t.visitValue(v[i]);
      return;
    }
    case CellKind::Realm: {
      auto* r = const_cast<RealmCell*>(static_cast<const RealmCell*>(cell));
      for (uint32_t i = 0; i < r->count; i++) t.visitValue(r->intrinsics()[i]);
      return;
    }
    case CellKind::Object:
    case CellKind::Array:
    case CellKind::Arguments:
      traceObjectPrefix(static_cast<const ObjectCell*>(cell), t);
      if (cell->kind == CellKind::Arguments) {
        auto* o = static_cast<const InternalObjectCell*>(cell);
        for (const Value& v : o->internal) t.visitValue(v);
      }
      return;
    case CellKind::Function: {
      auto* f = static_cast<const FunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitRef(f->info);
      t.visitRef(f->env);
      t.visitValue(f->home);
      t.visitValue(f->thisValue);
      t.visitValue(f->fields);
      t.visitValue(f->realm);
      return;
    }
    case CellKind::NativeFunction: {
      auto* f = static_cast<const NativeFunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitValue(f->realm);
      t.visitValue(f->data0);
      t.visitValue(f->data1);
      t.visitValue(f->data2);
      return;
    }
    case CellKind::BoundFunction: {
      auto* f = static_cast<const BoundFunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitValue(f->target);
      t.visitValue(f->boundThis);
      t.visitValue(f->boundArgs);
      return;
    }
    case CellKind::Proxy: {
      auto* p = static_cast<const ProxyCell*>(cell);
      traceObjectPrefix(p, t);
      t.visitValue(p->target);
      t.visitValue(p->handler);
      return;
    }
    case CellKind::Generator: {
      auto* g = static_cast<const GeneratorCell*>(cell);
      traceObjectPrefix(g, t);
      t.visitValue(g->state);
      t.visitValue(g->frame);
      t.visitValue(g->function);
      t.visitValue(g->extra);
      return;
    }
    default: {
      // Every other object kind is an InternalObjectCell.
      auto* o = static_cast<const InternalObjectCell*>(cell);
      traceObjectPrefix(o, t);
      if (cell->size >= sizeof(InternalObjectCell))
        for (const Value& v : o->internal) t.visitValue(v);
      return;
    }
  }
}

}  // namespace kiln
