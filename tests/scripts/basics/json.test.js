// JSON: round trips, formatting, replacers, revivers, toJSON, escapes.
const data = {
  name: "kiln",
  version: 1.5,
  tags: ["js", "ts"],
  nested: { ok: true, none: null, list: [1, [2, [3]]] },
  skipped: undefined,
  fn() {},
  date: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)),
};
const text = JSON.stringify(data);
console.log(text);
const back = JSON.parse(text);
console.log(back.nested.list[1][1][0], back.date, "skipped" in back, typeof back.fn);
console.log(JSON.stringify(data.nested, null, 2));
console.log(JSON.stringify([undefined, () => 1, Symbol("s"), NaN, -0, Infinity], null, "--"));
console.log(JSON.stringify(data, ["name", "tags"]));
console.log(JSON.stringify({ a: 1, b: [2, 3], c: "x" }, (k, v) => (typeof v === "number" ? v * 10 : v)));
console.log(JSON.stringify({ toJSON(key) { return `custom:${key}`; } }), JSON.stringify({ x: { toJSON: (k) => k } }));
console.log(JSON.stringify("quote\" backslash\\ newline\n tab\t ctrl\u0001 lone\ud800 emoji😀 \u2028"));
console.log(JSON.stringify({ "key with space": 1, "": 2, 3: 3 }));
console.log(JSON.parse('[1, "two", {"three": 3.5e2}, true, null]', (k, v) => (Array.isArray(v) ? v.length : v)));
console.log(JSON.parse('"\\u0041\\n\\/"'), JSON.parse(" 42 "), JSON.parse('{"__proto__": 1}').__proto__);
for (const bad of ["{a:1}", "[1,]", "'x'", "01", ""]) {
  try {
    JSON.parse(bad);
    console.log("parsed", bad);
  } catch (e) {
    console.log(e.name, JSON.stringify(bad));
  }
}
const cyclic = { name: "loop" };
cyclic.self = cyclic;
try {
  JSON.stringify(cyclic);
} catch (e) {
  console.log(e.name);
}
console.log(JSON.stringify(new Map([[1, 2]])), JSON.stringify(Object.create({ inherited: 1 })), JSON.stringify(123n === 123n));
