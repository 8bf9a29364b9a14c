import { b } from "./cycle_b.mjs";
console.log("cycle_a runs, b =", b);
export const a = "A";
export function readB() {
  return b;
}
