import { helperA, counter } from "./a";
import { log } from "./log";

log("b evaluating");
// a has not run yet: its function declarations exist, its let bindings are
// still in their temporal dead zone.
export const readAEarly: string = (() => {
  try {
    return String(counter);
  } catch (e) {
    return (e as Error).name;
  }
})();
export const fromB: string = "fromB+" + helperA();
export function helperB(): string {
  return "helperB";
}
export * from "./log";
log("b done");
