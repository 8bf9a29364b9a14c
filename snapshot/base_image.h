// The base image (DESIGN §6): the builtins' realm, written when kiln is
// built (snapshot/mkbase_main.cpp) and embedded in the kiln binary, so that
// `kiln dev` and `kiln compile` start from a mapped realm instead of
// building one. A binary without an embedded base image (unit tests, the
// mkbase tool itself) builds the realm with createRealm.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/vm.h"

namespace kiln {

// The image of a fresh VM with the builtins' realm (one entry, "base").
std::string makeBaseImage();

// Registers the embedded base image (the kiln binary does, at start).
void setEmbeddedBaseImage(std::string_view bytes);

// A VM with a fresh realm: from the embedded base image when there is one
// (and KILN_NO_BASE_IMAGE=1 is not set), else built by createRealm. The builtins' hooks are attached either way.
// nullptr when even createRealm fails (out of memory).
std::unique_ptr<VM> newRealmVM();

}  // namespace kiln
