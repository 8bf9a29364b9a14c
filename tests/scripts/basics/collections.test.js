// Map and Set: insertion order, SameValueZero keys, mutation during iteration.
const m = new Map();
const objKey = { id: 1 };
m.set("b", 2).set("a", 1).set(objKey, "object").set(NaN, "nan").set(-0, "zero");
console.log(m.size, m.get(NaN), m.get(0), m.get(objKey), m.get({ id: 1 }), m.has(+0));
console.log([...m.keys()].map((k) => (typeof k === "object" ? "obj" : String(k))).join(","));
m.set("b", 20);
m.delete("a");
m.set("a", 10);
console.log([...m].map(([k, v]) => `${typeof k === "object" ? "obj" : String(k)}=${v}`).join(" "));

// Entries added during iteration are visited; deleted ones are not.
const s = new Set([1, 2, 3]);
const visited = [];
for (const v of s) {
  visited.push(v);
  if (v === 1) { s.delete(2); s.add(4); }
  if (v === 4) s.add(5);
}
console.log(visited, s.size, s.has(2));

const letters = new Set("mississippi");
console.log([...letters].join(""), letters.size);
const union = new Set([...letters, ..."ohio"]);
const inter = [...letters].filter((c) => new Set("ohio").has(c));
console.log([...union].sort().join(""), inter);

// forEach argument order, and clear().
const seen = [];
m.forEach((value, key, map) => seen.push(map === m && typeof key));
console.log(seen);
m.clear();
console.log(m.size, [...m]);

// Grouping with Map, counting words.
const words = "the cat and the hat and the bat".split(" ");
const counts = new Map();
for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
console.log([...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)));

// WeakMap and WeakSet hold object keys only.
const wm = new WeakMap();
const wk = {};
wm.set(wk, "meta");
console.log(wm.get(wk), wm.has({}), new WeakSet([wk]).has(wk));
try {
  wm.set("str", 1);
} catch (e) {
  console.log(e.constructor.name);
}
console.log(m instanceof Map, Object.prototype.toString.call(new Set()), Map.name, "size" in Set.prototype);
