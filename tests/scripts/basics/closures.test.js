// Closures: captured variables, per-iteration let bindings, arrow `this`.
function makeCounter(start) {
  let count = start;
  return {
    next: () => ++count,
    reset() { count = start; return count; },
  };
}
const a = makeCounter(10);
const b = makeCounter(0);
console.log(a.next(), a.next(), b.next(), a.reset(), b.next());

const lets = [];
for (let i = 0; i < 3; i++) lets.push(() => i);
const vars = [];
for (var j = 0; j < 3; j++) vars.push(() => j);
console.log(lets.map((f) => f()).join(","), vars.map((f) => f()).join(","));

// Closures over a loop variable modified inside the body.
const fns = [];
for (let k = 0; k < 6; k++) {
  fns.push(() => k);
  k++;
}
console.log(fns.map((f) => f()));

const adder = (x) => (y) => (z) => x + y + z;
console.log(adder(1)(2)(3), adder("a")("b")("c"));

const obj = {
  name: "obj",
  regular() { return [1].map(function () { return this === undefined; })[0]; },
  arrow() { return [1].map(() => this.name)[0]; },
};
console.log(obj.regular(), obj.arrow());

// A shared environment between two closures, and recursion through a closure.
function pair() {
  let secret = 1;
  return [() => secret, (v) => { secret = v; }];
}
const [get, set] = pair();
set(42);
console.log(get());
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
console.log(fib(20));

// Immediately invoked, and a named function expression seeing its own name.
const result = (function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); })(10);
console.log(result, typeof fact);
