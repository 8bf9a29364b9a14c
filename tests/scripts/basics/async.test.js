// Promises, async/await and the order of microtasks and timers.
const order = [];
setTimeout(() => order.push("timeout 0"), 0);
Promise.resolve().then(() => order.push("micro 1")).then(() => order.push("micro 2"));
queueMicrotask(() => order.push("queueMicrotask"));
(async () => {
  order.push("async start");
  await null;
  order.push("after await");
})();
order.push("sync end");

const sleep = (ms, v) => new Promise((resolve) => setTimeout(() => resolve(v), ms));

async function main() {
  await sleep(5);
  console.log(order.join(" | "));

  console.log(await Promise.all([sleep(10, "slow"), sleep(1, "fast"), 3]));
  console.log(await Promise.race([sleep(20, "late"), sleep(2, "early")]));
  const settled = await Promise.allSettled([Promise.reject(new Error("no")), 1]);
  console.log(settled.map((r) => (r.status === "rejected" ? `rejected ${r.reason.message}` : r)));
  try {
    await Promise.any([Promise.reject(new TypeError("a")), Promise.reject(new RangeError("b"))]);
  } catch (e) {
    console.log(e.constructor.name, e.errors.map((x) => x.name));
  }

  async function fails() {
    await null;
    throw new Error("async failure");
  }
  await fails().catch((e) => console.log("caught:", e.message));
  try {
    await fails();
  } catch (e) {
    console.log("try/catch:", e.message);
  }
  console.log(await fails().then(() => "no", () => "rejected").finally(() => console.log("finally")));

  // Async iteration.
  async function* ticks(n) {
    for (let i = 0; i < n; i++) {
      await sleep(1);
      yield i;
    }
  }
  const seen = [];
  for await (const t of ticks(3)) seen.push(t);
  for await (const v of [Promise.resolve("p"), "plain"]) seen.push(v);
  console.log(seen);

  // Thenables are adopted; an async function returns a promise.
  const thenable = { then(resolve) { resolve("from thenable"); } };
  const pending = fails();
  pending.catch(() => {});
  console.log(await thenable, main instanceof Function, pending instanceof Promise);
  const timers = [];
  setTimeout(() => timers.push("b"), 3);
  setTimeout(() => timers.push("a"), 1);
  const cancelled = setTimeout(() => timers.push("never"), 2);
  clearTimeout(cancelled);
  await sleep(10);
  console.log(timers);
}
main().then(() => console.log("done"));
