// The build's module-granularity fallback with top-level await: the first
// effect (console.log) happens in a callback of native code (a JSON.parse
// reviver) in tla_build_fallback_parse.mjs, a frame the image cannot hold.
// The build then stops before that module's body, with
// tla_build_fallback_wait.mjs already suspended in its await; `kiln run`
// continues the evaluation from there.
import { waited } from "./tla_build_fallback_wait.mjs";
import { settings } from "./tla_build_fallback_parse.mjs";

console.log("main:", waited, JSON.stringify(settings));
