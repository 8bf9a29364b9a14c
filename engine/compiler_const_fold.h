// Compile-time constants (the bytecode compiler's -O1): what an expression
// made only of literals evaluates to, when that can be known without running
// anything — `60 * 60 * 24`, `-1`, `"a" + "b"`, `!0`, `1 << 4`, `typeof 1`,
// `x ? ...` with a literal test. Only primitive results without side effects
// or observable identity are folded; anything else is left to run time.
#pragma once

#include <optional>
#include <string>

#include "engine/ast.h"

namespace kiln {

struct FoldedValue {
  enum Kind : uint8_t { Number, String, Boolean, Null, Undefined } kind = Undefined;
  double number = 0;
  std::u16string string;
  bool boolean = false;
};

// The value of `n` when it is a literal or an operation on foldable
// operands; nullopt otherwise. Depth-limited (deep trees are not folded).
std::optional<FoldedValue> foldConstant(const ast::Node* n);
// ToBoolean of a foldable expression.
std::optional<bool> foldTruthiness(const ast::Node* n);

}  // namespace kiln
