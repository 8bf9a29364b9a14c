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

void traceObjectPrefix(ObjectCell* o, Tracer& t) {
  t.visitRefSlot(&o->shape);
  t.visitRefSlot(&o->proto);
  t.visitRefSlot(&o->slots);
  t.visitRefSlot(&o->elements);
}

}  // namespace

const char* cellKindName(CellKind kind) {
  return size_t(kind) < size_t(CellKind::Count) ? kKindNames[size_t(kind)] : "?";
}

void traceCell(Heap& heap, CellHeader* cell, Tracer& t) {
  switch (cell->kind) {
    case CellKind::Free:
    case CellKind::String:
    case CellKind::BigInt:
    case CellKind::ByteArray:
    case CellKind::Count:
      return;
    case CellKind::Symbol:
      t.visitValueSlot(&static_cast<SymbolCell*>(cell)->description);
      return;
    case CellKind::Shape: {
      auto* s = static_cast<ShapeCell*>(cell);
      t.visitRefSlot(&s->parent);
      t.visitValueSlot(&s->key);
      t.visitRefSlot(&s->transitions);
      t.visitRefSlot(&s->table);
      t.visitRefSlot(&s->keys);
      return;
    }
    case CellKind::ValueArray: {
      auto* a = static_cast<ValueArrayCell*>(cell);
      // kTraceUsedOnly: slots past `length` hold stale values (the VM stack).
      uint32_t n = (a->flags & kTraceUsedOnly) ? a->length : a->capacity;
      for (uint32_t i = 0; i < n; i++) t.visitValueSlot(&a->data()[i]);
      return;
    }
    case CellKind::HashTable: {
      auto* h = static_cast<HashTableCell*>(cell);
      t.visitRefSlot(&h->forward);
      size_t n = size_t(h->used) * h->width;
      Value* e = h->entries();
      for (size_t i = 0; i < n; i++) t.visitValueSlot(&e[i]);
      return;
    }
    case CellKind::FunctionInfo: {
      auto* f = static_cast<FunctionInfoCell*>(cell);
      t.visitRefSlot(&f->code);
      t.visitRefSlot(&f->constants);
      t.visitRefSlot(&f->children);
      t.visitRefSlot(&f->lineTable);
      t.visitRefSlot(&f->handlers);
      t.visitRefSlot(&f->icCache);
      t.visitValueSlot(&f->name);
      t.visitValueSlot(&f->source);
      return;
    }
    case CellKind::Environment: {
      auto* e = static_cast<EnvironmentCell*>(cell);
      t.visitRefSlot(&e->parent);
      t.visitValueSlot(&e->scope);
      t.visitValueSlot(&e->object);
      for (uint32_t i = 0; i < e->count; i++) t.visitValueSlot(&e->slots()[i]);
      return;
    }
    case CellKind::Module: {
      // Every field after the header is a Value (module.h), the evaluation
      // bookkeeping of top-level await included: trace them all.
      static_assert((sizeof(ModuleCell) - sizeof(CellHeader)) % sizeof(Value) == 0);
      auto* m = static_cast<ModuleCell*>(cell);
      Value* v = &m->path;
      size_t n = (sizeof(ModuleCell) - sizeof(CellHeader)) / sizeof(Value);
      for (size_t i = 0; i < n; i++) t.visitValueSlot(&v[i]);
      return;
    }
    case CellKind::Realm: {
      auto* r = static_cast<RealmCell*>(cell);
      for (uint32_t i = 0; i < r->count; i++) t.visitValueSlot(&r->intrinsics()[i]);
      return;
    }
    case CellKind::Object:
    case CellKind::Array:
    case CellKind::Arguments:
      traceObjectPrefix(static_cast<ObjectCell*>(cell), t);
      if (cell->kind == CellKind::Arguments) {
        auto* o = static_cast<InternalObjectCell*>(cell);
        for (Value& v : o->internal) t.visitValueSlot(&v);
      }
      return;
    case CellKind::Function: {
      auto* f = static_cast<FunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitRefSlot(&f->info);
      t.visitRefSlot(&f->env);
      t.visitValueSlot(&f->home);
      t.visitValueSlot(&f->thisValue);
      t.visitValueSlot(&f->fields);
      t.visitValueSlot(&f->realm);
      return;
    }
    case CellKind::NativeFunction: {
      auto* f = static_cast<NativeFunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitValueSlot(&f->realm);
      t.visitValueSlot(&f->data0);
      t.visitValueSlot(&f->data1);
      t.visitValueSlot(&f->data2);
      return;
    }
    case CellKind::BoundFunction: {
      auto* f = static_cast<BoundFunctionCell*>(cell);
      traceObjectPrefix(f, t);
      t.visitValueSlot(&f->target);
      t.visitValueSlot(&f->boundThis);
      t.visitValueSlot(&f->boundArgs);
      return;
    }
    case CellKind::Proxy: {
      auto* p = static_cast<ProxyCell*>(cell);
      traceObjectPrefix(p, t);
      t.visitValueSlot(&p->target);
      t.visitValueSlot(&p->handler);
      return;
    }
    case CellKind::Generator: {
      auto* g = static_cast<GeneratorCell*>(cell);
      traceObjectPrefix(g, t);
      t.visitValueSlot(&g->state);
      t.visitValueSlot(&g->frame);
      t.visitValueSlot(&g->function);
      t.visitValueSlot(&g->extra);
      return;
    }
    default: {
      // Every other object kind is an InternalObjectCell.
      auto* o = static_cast<InternalObjectCell*>(cell);
      traceObjectPrefix(o, t);
      if (cell->size >= sizeof(InternalObjectCell))
        for (Value& v : o->internal) t.visitValueSlot(&v);
      return;
    }
  }
}

}  // namespace kiln
