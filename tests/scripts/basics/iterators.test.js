// Generators as iterators, Symbol.iterator, iterator closing.
function* range(start, end, step = 1) {
  for (let i = start; i < end; i += step) yield i;
}
console.log([...range(0, 5)], Array.from(range(0, 10, 3)));

function* fib() {
  let [a, b] = [0, 1];
  for (;;) {
    yield a;
    [a, b] = [b, a + b];
  }
}
const taken = [];
for (const n of fib()) {
  if (n > 50) break;
  taken.push(n);
}
console.log(taken.join(" "));

// Values sent in with next(), return values, and return() from outside.
function* conversation() {
  const name = yield "name?";
  const age = yield `hello ${name}, age?`;
  return `${name} is ${age}`;
}
const talk = conversation();
console.log(talk.next(), talk.next("ann"), talk.next(33), talk.next());

function* guarded() {
  try {
    yield 1;
    yield 2;
  } finally {
    console.log("cleanup ran");
  }
}
const g = guarded();
console.log(g.next().value, g.return("early"), g.next());

// yield* delegation, including to another iterable and a return value.
function* inner() { yield "a"; yield "b"; return "inner-done"; }
function* outer() {
  const r = yield* inner();
  yield r;
  yield* [1, 2];
}
console.log([...outer()]);

// A hand-written iterable whose return() is called on early exit.
class Countdown {
  constructor(n) { this.n = n; }
  [Symbol.iterator]() {
    let n = this.n;
    return {
      next: () => (n > 0 ? { value: n--, done: false } : { value: undefined, done: true }),
      return: () => {
        console.log("return() called at", n);
        return { done: true };
      },
    };
  }
}
console.log([...new Countdown(3)]);
for (const v of new Countdown(5)) {
  if (v === 4) break;
}
const [first, second] = new Countdown(9);
console.log(first, second);

// Iterators of built-ins.
const it = ["x", "y"].entries();
console.log(it.next().value, it[Symbol.iterator]() === it, typeof it.next);
console.log(Object.prototype.toString.call(g), String(Symbol.iterator));
const m = new Map([["k1", 1], ["k2", 2]]);
console.log([...m.keys()], [...m.values()], Object.fromEntries(m));
