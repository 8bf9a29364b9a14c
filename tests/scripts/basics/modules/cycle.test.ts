// A module graph with a cycle (a <-> b), evaluated in ECMAScript order:
// log, then b (which sees a's hoisted functions but not its let bindings),
// then a, then this module. Imports are live bindings.
import { describe, counter, increment, reexported } from "./a";
import * as b from "./b";
import label, { log, calls } from "./log";

log("main start");
console.log(describe());
console.log(counter);
increment();
increment();
console.log(counter, reexported === b.fromB);
console.log(b.fromB, b.readAEarly, Object.keys(b), label);
console.log(Object.prototype.toString.call(b), b.log === log);
console.log(calls);
