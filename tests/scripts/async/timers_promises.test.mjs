import { setTimeout as sleep, setImmediate as immediate } from "node:timers/promises";
import * as tp from "node:timers/promises";

async function main() {
  const order = [];
  setTimeout(() => order.push("callback timer"), 5);
  const v = await sleep(20, "slept");
  console.log(v, order);
  setTimeout(() => console.log("timer 0"), 0);
  console.log(await immediate("immediate value"));
  const results = await Promise.all([sleep(3, "a"), sleep(1, "b"), immediate("c")]);
  console.log(results, await sleep(), typeof tp.setTimeout, tp.setTimeout.name, tp.setImmediate.length);
  const p = sleep(1);
  console.log(p instanceof Promise);
}
main().then(() => console.log("done"));
