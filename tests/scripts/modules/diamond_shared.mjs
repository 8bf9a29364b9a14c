export const calls = [];
export function log(...args) {
  calls.push(args[0]);
  console.log(...args);
}
log.calls = calls;
log("shared start");
export let count = 0;
for (const delay of [3, 1]) {
  count += await new Promise((r) => setTimeout(() => r(delay), delay));
  log("shared tick", count);
}
