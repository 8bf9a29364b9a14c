// A diamond: main imports left and right, which both import shared. shared
// and left await at top level; right has no await of its own but waits for
// shared. Order: shared's body runs once; when it settles, the modules that
// were waiting on it run in the order they were first reached (left starts,
// right runs synchronously), then main once left's await is over.
import { left } from "./diamond_left.mjs";
import { right } from "./diamond_right.mjs";
import { log, count } from "./diamond_shared.mjs";
import "./diamond_sync.mjs";

log("main", left, right, count);
console.log(log.calls.join(" > "));
