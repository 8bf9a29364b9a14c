import { checkpoint } from "kiln:snapshot";

let counter = 0;
const seen: string[] = [];
setTimeout(() => console.log("timer fired, counter", counter), 20);
Promise.resolve().then(() => console.log("microtask, seen", seen.length));

function work(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc = (acc * 31 + i) % 1000003;
  return acc;
}

function nested(depth: number): string {
  if (depth > 0) return nested(depth - 1);
  counter++;
  seen.push("before");
  const resumed = checkpoint("state.kiln");
  seen.push(resumed ? "resumed" : "saved");
  return resumed ? "resumed" : "saved";
}

console.log("start", work(1000));
const how = nested(3);
console.log("checkpoint says", how, seen, counter);
