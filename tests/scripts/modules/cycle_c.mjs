import { b } from "./cycle_b.mjs";
console.log("cycle_c runs, b =", b);
export const c = "C";
