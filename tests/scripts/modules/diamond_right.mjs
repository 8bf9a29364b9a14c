import { log, count } from "./diamond_shared.mjs";
log("right (sync)", count);
Promise.resolve().then(() => log("right microtask"));
export const right = "R";
