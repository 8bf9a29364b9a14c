import { log, count } from "./diamond_shared.mjs";
log("left start", count);
export const left = await Promise.resolve("L");
log("left done");
