// Value formatting as Node's util.inspect does it (Node v20), for console.*
// and for the CLI's report of uncaught exceptions.
//
// Users compare kiln's console output with Node's, so the rules are Node's
// own, reproduced case by case: quoting and escaping of strings, the
// `[Object]` depth cut-off, circular markers, class and null-prototype
// prefixes, the 80-column line breaking with up to three nested levels
// kept on one line (`compact: 3`), column grouping of long arrays, and the
// printf-like format of console.log's first argument.
//
// Formatting reads properties (getters are only called where Node calls
// them: `constructor.name`, `error.stack`, `Symbol.toStringTag`, custom
// `[Symbol.for('nodejs.util.inspect.custom')]` methods), so it can run user
// code and throw. The nesting of the formatter is bounded by `depth` and
// by a hard limit on C++ recursion; cycles are detected.
#pragma once

#include <span>
#include <string>

#include "engine/vm.h"

namespace kiln {

struct InspectOptions {
  static constexpr int kInfiniteDepth = 1 << 20;
  int depth = 2;               // nesting shown before `[Object]`; kInfiniteDepth for null/Infinity
  bool showHidden = false;     // non-enumerable properties too, as `[key]: value`
  bool showProxy = false;      // `Proxy [ target, handler ]` instead of the target
  bool customInspect = true;   // honour [Symbol.for('nodejs.util.inspect.custom')]
  int breakLength = 80;
  int compact = 3;             // 0 means `compact: false` (every property on its own line)
  uint32_t maxArrayLength = 100;
  uint32_t maxStringLength = 10000;
  bool getters = false;        // call getters and show their values
};

// util.inspect(value, options). Returns the text (UTF-8). If user code called
// during formatting throws, the exception is left pending in the VM (check
// vm.hasException()) and the result is empty.
std::string inspect(VM& vm, Value value, const InspectOptions& options = {});

// util.formatWithOptions(options, ...args) as console.log uses it: printf-like
// directives (%s %d %i %f %j %o %O %c %%) when the first argument is a string,
// then every remaining argument, strings as they are and other values
// inspected, separated by spaces. Returns a string Value, or exception.
Value formatLogArguments(VM& vm, std::span<const Value> args, const InspectOptions& options = {});
// The same, as UTF-8 text; exceptions are left pending (empty result).
std::string formatLogText(VM& vm, std::span<const Value> args, const InspectOptions& options = {});

}  // namespace kiln
