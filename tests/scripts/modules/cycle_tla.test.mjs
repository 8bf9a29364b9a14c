// A cycle whose member awaits: cycle_a <-> cycle_b, cycle_b awaits at top
// level. The whole strongly connected component finishes together (its
// root, cycle_a, runs after cycle_b's await); cycle_c, outside the cycle,
// imports cycle_b and waits for the component's root.
import { a, readB } from "./cycle_a.mjs";
import { c } from "./cycle_c.mjs";

console.log("main", a, readB(), c);
