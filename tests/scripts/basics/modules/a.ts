import { fromB, helperB, readAEarly } from "./b";
import { log } from "./log";

log("a evaluating");
export let counter: number = 0;
export function increment(): void {
  counter++;
}
export function helperA(): string {
  return "helperA";
}
export function describe(): string {
  return `a sees ${fromB} and ${helperB()} (b read counter: ${readAEarly})`;
}
export { fromB as reexported } from "./b";
log("a done");
