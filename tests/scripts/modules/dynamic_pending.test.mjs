// import() of a module of the static graph that is still suspended in its
// top-level await: the promise waits for that module's evaluation (its
// [[TopLevelCapability]]), and settles after the module's importers that
// were waiting too have run. A dynamically imported module whose top-level
// await rejects rejects the import() promise with that error.
import "./dynamic_pending_early.mjs";
import { done } from "./dynamic_pending_slow.mjs";

console.log("main runs, slow done:", done);
// (How many ticks loading a file takes is the host's business: node reads
// it asynchronously, kiln at once; a timer keeps this test out of that.)
await new Promise((r) => setTimeout(r, 1));
try {
  await import("./dynamic_pending_fails.mjs");
} catch (e) {
  console.log("rejected with", e.name, e.message);
}
