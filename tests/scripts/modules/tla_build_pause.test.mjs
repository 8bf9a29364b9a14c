// Build-time evaluation with top-level await. tla_build_pure awaits without
// any effect first, so `kiln compile` evaluates it up to its await; then
// tla_build_logs calls console.log before its await, which pauses the build
// right there. The image holds the suspended module, its pending jobs and
// the evaluation's bookkeeping; `kiln run` resumes at that console.log and
// must print exactly what running from source prints.
import { table } from "./tla_build_pure.mjs";
import { ready } from "./tla_build_logs.mjs";

console.log("main:", table.length, table[10], ready);
