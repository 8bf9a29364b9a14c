import { readB } from "./cycle_a.mjs";
console.log("cycle_b start");
export let b = "b-initial";
await new Promise((r) => setTimeout(r, 2));
b = "b-final";
console.log("cycle_b after await, readB() =", readB());
