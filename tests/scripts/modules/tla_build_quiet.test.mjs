// No effect before the awaits: the build evaluates the synchronous part of
// the graph (tla_build_quiet_dep up to its await) and stops with its
// evaluation pending in the microtask queue; main, which waits for it, is
// not evaluated at build time. `kiln run` continues with the jobs.
import { value } from "./tla_build_quiet_dep.mjs";
console.log("main sees", value);
