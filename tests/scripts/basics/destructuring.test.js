// Destructuring, spread and rest, template literals.
const { a, b: { c = 5, ...restInner } = {}, ...rest } = { a: 1, b: { d: 2, e: 3 }, f: 4, g: 5 };
console.log(a, c, restInner, rest);

const [x, , y = 10, ...tail] = [1, 2, undefined, 4, 5];
console.log(x, y, tail);

let p = 1, q = 2;
[p, q] = [q, p];
console.log(p, q);

function greet({ name = "anon", tags: [first, ...others] = [] } = {}) {
  return `${name}:${first}:${others.length}`;
}
console.log(greet(), greet({ name: "z", tags: ["t1", "t2", "t3"] }));

const nested = [[1, [2, [3]]]];
const [[one, [two, [three]]]] = nested;
console.log(one + two + three);

// Destructuring strings and iterables; computed keys.
const [ch1, ch2] = "hé";
const key = "dynamic";
const { [key]: value } = { dynamic: "found" };
console.log(ch1, ch2, value);

// Spread in calls, arrays and objects (later keys win; getters run once).
const nums = [3, 1, 2];
console.log(Math.max(...nums), [...nums, ...new Set([4, 4, 5])], [..."abc"]);
let reads = 0;
const src = { get v() { reads++; return "got"; }, k: 1 };
const merged = { k: 0, ...src, extra: true, ...null, ...undefined };
console.log(merged, reads);
function count(...args) { return args.length; }
console.log(count(...[], ...[1, 2], 3));

// Template literals: expressions, nesting, escapes, tags and raw strings.
const who = "world";
console.log(`hello ${who}! ${1 + 1} ${`nested ${who.toUpperCase()}`}`);
console.log(`line1
line2\ttab \u0041 \x42 \${not}`);
function tag(strings, ...vals) {
  return `${strings.length}|${strings.join("_")}|${strings.raw.join("_")}|${vals.join(",")}`;
}
console.log(tag`a${1}b\n${2}c`);
console.log(String.raw`\d+${"x"}\s`);
const t1 = (s) => s;
console.log(t1`same` === t1`same`, (() => { const r = []; for (let i = 0; i < 2; i++) r.push(t1`loop`); return r[0] === r[1]; })());
