// The order of promise reactions and queueMicrotask callbacks: one FIFO
// queue, reactions enqueued when a promise settles (or at then() on an
// already settled one), thenables resolved through an extra job.
const log = (...a) => console.log(...a);

Promise.resolve().then(() => log("a1")).then(() => log("a2")).then(() => log("a3"));
queueMicrotask(() => log("q1"));
Promise.resolve().then(() => log("b1")).then(() => log("b2"));
log("sync");

// Resolving with a native promise takes two extra ticks (the thenable job,
// then the inner then's reaction).
new Promise((res) => res(Promise.resolve("inner"))).then((v) => log("resolved with promise:", v));
Promise.resolve().then(() => log("c1")).then(() => log("c2")).then(() => log("c3")).then(() => log("c4"));

// A returned promise from a handler also adopts with two extra ticks.
Promise.resolve()
  .then(() => Promise.resolve("returned"))
  .then((v) => log("handler returned promise:", v));

// Thenables (non-promise objects with a then method) are called in a job.
const thenable = {
  then(resolve, reject) {
    log("thenable.then called");
    resolve("from thenable");
  },
};
Promise.resolve(thenable).then((v) => log(v));
log("after Promise.resolve(thenable)");

// A then getter is read synchronously when resolving.
const getterThenable = {
  get then() {
    log("then getter read");
    return undefined;
  },
};
Promise.resolve(getterThenable).then((v) => log("plain object fulfilled:", v === getterThenable));

// Resolution is once only; later calls are ignored.
new Promise((resolve, reject) => {
  resolve("first");
  resolve("second");
  reject(new Error("ignored"));
}).then((v) => log("once:", v));

// A throwing executor rejects; a throw after resolve is ignored.
new Promise(() => {
  throw new Error("executor threw");
}).catch((e) => log("caught:", e.message));
new Promise((resolve) => {
  resolve("kept");
  throw new Error("ignored");
}).then((v) => log("kept:", v));

// Self resolution is a TypeError.
const self = new Promise((r) => setTimeout(() => r(self)));
self.catch((e) => log(e.constructor.name, e.message));

// Nested microtasks run in the same drain, before any timer.
setTimeout(() => log("timeout"), 0);
queueMicrotask(() => {
  log("q2");
  queueMicrotask(() => {
    log("q3 (nested)");
    Promise.resolve().then(() => log("q4 (nested promise)"));
  });
});
