// Promise.prototype.finally and catch: pass-through of values and reasons,
// overriding by a throwing or rejecting onFinally, and the extra ticks.
const log = (...a) => console.log(...a);

Promise.resolve(1)
  .finally((...args) => log("finally 1, arguments:", args.length))
  .then((v) => log("value passes through:", v));

Promise.reject(new Error("boom"))
  .finally(() => log("finally on rejection"))
  .catch((e) => log("reason passes through:", e.message));

Promise.resolve(2)
  .finally(() => 99)
  .then((v) => log("return value ignored:", v));

Promise.resolve(3)
  .finally(() => {
    throw new Error("finally threw");
  })
  .catch((e) => log("throw overrides:", e.message));

Promise.resolve(4)
  .finally(() => Promise.reject(new Error("finally rejected")))
  .catch((e) => log("rejection overrides:", e.message));

Promise.resolve(5)
  .finally(() => new Promise((r) => setTimeout(r, 5)))
  .then((v) => log("waits for onFinally's promise:", v));

Promise.resolve(6).finally().then((v) => log("no callback:", v));
Promise.resolve(7).finally("not a function").then((v) => log("non-callable:", v));

// Tick counting: finally costs extra jobs compared with then.
const seq = [];
Promise.resolve().finally(() => seq.push("finally cb")).then(() => seq.push("after finally"));
Promise.resolve()
  .then(() => seq.push("t1"))
  .then(() => seq.push("t2"))
  .then(() => seq.push("t3"))
  .then(() => seq.push("t4"))
  .then(() => seq.push("t5"))
  .then(() => log(seq.join(", ")));

// catch is then(undefined, f), looked up dynamically.
const fake = {
  then(a, b) {
    log("then called with", typeof a, typeof b);
    return "from fake then";
  },
};
log(Promise.prototype.catch.call(fake, () => {}));
log(Promise.prototype.finally.call(fake, () => {}));

try {
  Promise.prototype.finally.call(1);
} catch (e) {
  log(e.constructor.name, e.message);
}
try {
  Promise.prototype.then.call({}, () => {});
} catch (e) {
  log(e.constructor.name, e.message);
}

// Subclasses: then() builds the derived promise through the species constructor.
class MyPromise extends Promise {}
const mp = MyPromise.resolve(8);
const derived = mp.then((v) => v);
log(mp instanceof MyPromise, derived instanceof MyPromise, MyPromise.resolve(mp) === mp);
derived.finally(() => {}).then((v) => log("subclass value:", v));
