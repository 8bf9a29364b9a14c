#include "engine/bytecode.h"

#include <algorithm>

namespace kiln {

uint32_t CompiledFunction::sourceOffsetAt(uint32_t pc) const {
  auto it = std::upper_bound(lineTable.begin(), lineTable.end(), pc,
                             [](uint32_t p, const LineEntry& e) { return p < e.pc; });
  if (it == lineTable.begin()) return sourceStart;
  return std::prev(it)->sourceOffset;
}

}  // namespace kiln
