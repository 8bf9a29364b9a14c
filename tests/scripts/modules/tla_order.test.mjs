// Top-level await across modules (ECMA-262 §16.2.1.5.3): an importer runs
// only once every dependency suspended in a top-level await has finished;
// a sibling without await runs in its DFS turn, and its microtasks
// interleave with the awaiting module's continuation.
console.log("main start");
import { a } from "./tla_order_a.mjs";
import { b } from "./tla_order_b.mjs";
console.log("main body", a, b);
queueMicrotask(() => console.log("main microtask"));
const v = await new Promise((r) => setTimeout(() => r("timer value"), 5));
console.log("main after await", v);
