// Error objects created by the engine, and stack traces.
#pragma once

#include <string>
#include <string_view>

#include "engine/vm.h"

namespace kiln {

Intrinsic errorPrototypeIntrinsic(ErrorType type);
// A new error object of `type` with `message` and a captured `stack`.
Value newError(VM& vm, ErrorType type, std::string_view message);
// Defines `stack` on an error object: "Name: message" and one
// "    at fn (file:line:col)" line per active JS frame.
Status installStack(VM& vm, Value error);
// The frames part of a stack trace, as text (each line starts with "    at ").
std::string captureStackFrames(VM& vm);

}  // namespace kiln
