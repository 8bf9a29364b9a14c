// Proxy exotic objects (ECMA-262 §10.5). The property internal methods are
// kProxyOps and the proxy* functions declared in engine/object.h, which
// dispatches to them by cell kind; this header adds creation and the
// [[Call]] / [[Construct]] internal methods the interpreter uses.
//
// A ProxyCell holds [[ProxyTarget]] and [[ProxyHandler]]; revocation sets
// both to null, so `handler.isNull()` means revoked. A proxy is callable
// (constructible) exactly when its target was at creation: the flags are
// copied into the cell then and never change.
//
// Every trap result is checked against the target's invariants, as the spec
// requires. Forwarding to a target that is itself a proxy recurses in C++,
// so each forwarding step counts against VM::kMaxNativeDepth (a RangeError
// rather than a native stack overflow for very long proxy chains).
#pragma once

#include <span>

#include "engine/vm.h"

namespace kiln {

// §10.5.14 ProxyCreate(target, handler): a TypeError unless both are objects.
Value proxyCreate(VM& vm, Value target, Value handler);

// §10.5.12 [[Call]] (thisArgument, argumentsList)
Value proxyCall(VM& vm, Value proxy, Value thisValue, std::span<const Value> args);
// §10.5.13 [[Construct]] (argumentsList, newTarget)
Value proxyConstruct(VM& vm, Value proxy, std::span<const Value> args, Value newTarget);

}  // namespace kiln
