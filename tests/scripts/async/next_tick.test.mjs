// process.nextTick: the nextTick queue runs after the current operation and
// before the promise microtasks, except right after an ES module's evaluation
// (itself a microtask in node), where the microtasks already queued go first.
process.nextTick(() => console.log("tick 1"));
Promise.resolve().then(() => console.log("promise 1"));
queueMicrotask(() => {
  console.log("microtask");
  process.nextTick(() => console.log("tick from microtask"));
  Promise.resolve().then(() => console.log("promise from microtask"));
});
process.nextTick((a, b) => {
  console.log("tick 2", a, b);
  process.nextTick(() => console.log("tick from tick"));
  Promise.resolve().then(() => console.log("promise from tick"));
}, "x", "y");
setTimeout(() => {
  process.nextTick(() => console.log("tick in timer"));
  Promise.resolve().then(() => console.log("promise in timer"));
  setImmediate(() => {
    process.nextTick(() => console.log("tick in immediate"));
    console.log("immediate");
  });
  console.log("timer");
}, 0);
setTimeout(() => console.log("timer 2"), 0);
try {
  process.nextTick(42);
} catch (e) {
  console.log(e.code, e.message);
}
console.log("main", process.nextTick.length, typeof process.nextTick);
