// Helpers shared by the interpreter's files (interpreter.cpp, interpreter_loop.cpp).
#pragma once

#include <string>

#include "engine/vm.h"

namespace kiln {

// Replaces a bound function at S[base] by its target, inserting the bound
// arguments after `this`. Returns the new argc, or -1 on stack overflow.
int64_t unwrapBoundOnStack(VM& vm, Value* S, uint32_t base, uint32_t argc, bool construct, uint32_t capacity);
// How a non-callable callee is named in "x is not a function".
std::string describeCallee(VM& vm, Value v);
// The pc offset of the call instruction that ended just before `pc`.
uint32_t lastCallPc(const uint8_t* pc, const uint8_t* code);
// Frame flag: the caller does not want the result (InitFields).
constexpr int32_t kDiscardResult = 8;
// Frame flag: a generator/async frame resumed by resumeGenerator (its caller
// is the native that resumed it, not the original call site).
constexpr int32_t kResumed = 16;
// Saves a suspended generator/async frame [base, sp) into `gen`.
Status saveGeneratorFrame(VM& vm, Value gen, const Value* S, uint32_t base, uint32_t fp, uint32_t sp, uint32_t pcOff,
                          int32_t state);
// A new generator object for the frame's callee (prototype from callee.prototype).
Value newGeneratorObject(VM& vm, Value callee, bool async);

// True when the execution deadline has passed.
bool interruptExpired(VM& vm);

}  // namespace kiln
