// checkpoint(path) of kiln:snapshot: writes an image of the running program,
// paused inside the checkpoint() call itself, so that `kiln run path`
// continues right after it (where the call returns true) with the whole heap,
// pending promises and timers.
#pragma once

#include "engine/vm.h"

namespace kiln {

// Makes checkpoint() available in `vm` (sets vm.checkpoint).
void attachCheckpoint(VM& vm);

}  // namespace kiln
