// async/await and the microtask queue: await on a native promise costs one
// tick, on a thenable or non-promise value the documented extra ticks, and
// an async function's return value adopts like a resolve function.
const log = (...a) => console.log(...a);

async function a1() {
  log("a1 start");
  await a2();
  log("a1 end");
}
async function a2() {
  log("a2");
}
log("script start");
setTimeout(() => log("setTimeout"), 0);
a1();
new Promise((resolve) => {
  log("p1");
  resolve();
}).then(() => log("p2"));
log("script end");

// Two async functions interleave one await at a time.
async function counter(name, n) {
  for (let i = 0; i < n; i++) {
    log(name, i);
    await null;
  }
}
counter("x", 3);
counter("y", 3);

// Tick counting against a chain of thens.
const ticks = [];
(async () => {
  await undefined;
  ticks.push("await value");
})();
(async () => {
  await Promise.resolve();
  ticks.push("await promise");
})();
(async () => {
  await { then: (r) => r() };
  ticks.push("await thenable");
})();
(async () => {
  return Promise.resolve();
})().then(() => ticks.push("async returned promise"));
(async () => {})().then(() => ticks.push("async returned undefined"));
Promise.resolve()
  .then(() => ticks.push("t1"))
  .then(() => ticks.push("t2"))
  .then(() => ticks.push("t3"))
  .then(() => ticks.push("t4"))
  .then(() => ticks.push("t5"))
  .then(() => log(ticks.join(", ")));

// Rejections: try/catch around await, and a rejected async function's promise.
async function thrower() {
  await null;
  throw new Error("async throw");
}
(async () => {
  try {
    await thrower();
  } catch (e) {
    log("caught:", e.message);
  }
  try {
    await Promise.reject(new TypeError("rejected"));
  } catch (e) {
    log("caught:", e.constructor.name, e.message);
  } finally {
    log("finally after await");
  }
  const v = await new Promise((r) => setTimeout(() => r("timer value"), 5));
  log("awaited a timer:", v);
  const results = await Promise.all([1, 2, 3].map(async (x) => x * 2));
  log("Promise.all of async arrows:", results);
  return "main done";
})().then((v) => {
  log(v);
  return sequentialSleeps();
});
thrower().catch((e) => log("catch():", e.message));

// An async function returns a promise even when it never awaits.
const p = (async () => 1)();
log(p instanceof Promise, Object.prototype.toString.call(p));

// Await inside a loop with timers: sequential, whatever the delays.
async function sequentialSleeps() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (const ms of [3, 1, 2]) {
    await sleep(ms);
    log("slept", ms);
  }
}
