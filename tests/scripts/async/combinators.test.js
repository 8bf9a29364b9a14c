// Promise.all / allSettled / any / race / resolve / reject / withResolvers-like
// behaviour, and the order in which combinators settle.
const log = (...a) => console.log(...a);
const delay = (ms, v, fail) =>
  new Promise((resolve, reject) => setTimeout(() => (fail ? reject(v) : resolve(v)), ms));

async function main() {
  log(await Promise.all([1, Promise.resolve(2), delay(5, 3)]));
  log(await Promise.all([]));
  log(await Promise.all("abc"));
  try {
    await Promise.all([delay(5, "slow"), Promise.reject(new Error("fast failure"))]);
  } catch (e) {
    log("all rejected:", e.message);
  }

  const settled = await Promise.allSettled([1, Promise.reject("no"), delay(2, "late")]);
  log(settled);
  log(await Promise.allSettled([]));

  log(await Promise.any([Promise.reject(1), delay(3, "any ok"), delay(1, "x", true)]));
  try {
    await Promise.any([Promise.reject(1), Promise.reject(2)]);
  } catch (e) {
    log(e instanceof AggregateError, e.name, e.message, e.errors);
    log(Object.getOwnPropertyDescriptor(e, "errors").enumerable);
  }
  try {
    await Promise.any([]);
  } catch (e) {
    log("any([]):", e.constructor.name, e.errors.length);
  }

  log(await Promise.race([delay(10, "slow"), delay(1, "fast")]));
  log(await Promise.race([3, Promise.resolve(4)]));
  try {
    await Promise.race([delay(10, "slow"), delay(1, "fast fail", true)]);
  } catch (e) {
    log("race rejected:", e);
  }

  // Not iterable: the returned promise rejects (the combinator does not throw).
  const bad = Promise.all(5);
  log(bad instanceof Promise);
  await bad.catch((e) => log(e.constructor.name));

  // The iterator is closed when an element's then throws.
  let closed = false;
  const badThen = Promise.resolve("x");
  badThen.then = () => {
    throw new Error("bad then");
  };
  const iterable = {
    [Symbol.iterator]() {
      return {
        next: () => ({ value: badThen, done: false }),
        return() {
          closed = true;
          return {};
        },
      };
    },
  };
  await Promise.all(iterable).catch((e) => log("closed:", closed, e.message));

  // Promise.resolve returns the same promise for a promise of that constructor.
  const p = Promise.resolve(1);
  const rejected = Promise.reject(p);
  log(Promise.resolve(p) === p, rejected === p);
  await rejected.catch((v) => log("reject keeps the promise as reason:", v === p));

  // Order in which the elements are reported: settle order, not position.
  const order = [];
  await Promise.all([delay(6, "a").then((v) => order.push(v)), delay(2, "b").then((v) => order.push(v))]);
  log(order);
}
main().then(() => log("done"));
