// Shapes (hidden classes): each shape is its parent plus one property.
// Objects built by the same sequence of property additions share a shape, so
// an inline cache keyed by shape can remember where a property lives.
#pragma once

#include "engine/vm.h"

namespace kiln {

constexpr uint32_t kMaxFastProperties = 128;  // beyond this an object goes to dictionary mode

Ref rootShape(VM& vm);
// The shape after adding `key` with `attrs` to `shape` (shared through transitions). 0 on OOM.
Ref shapeAdd(VM& vm, Ref shape, Value key, uint32_t attrs);
// Index of `key` in the shape's property list, or kNotFound; *attrs receives its attributes.
uint32_t shapeFind(VM& vm, Ref shape, Value key, uint32_t* attrs);
// ValueArray [key0, attrs0, key1, attrs1, ...] in property order (cached in the shape). 0 on OOM.
Ref shapeKeys(VM& vm, Ref shape);

}  // namespace kiln
