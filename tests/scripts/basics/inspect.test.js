// console.log formats values the way node's util.inspect does.
console.log("top-level strings print raw", 42, true, null, undefined, -0, 10n, Symbol("sym"));
console.log(["strings", "in", "arrays", "it's", 'say "hi"', `both ' and "`, "new\nline"]);
console.log({ a: 1, "needs-quotes": 2, nested: { b: [1, { c: { d: { e: 1 } } }] } });
console.log([[[[["deep"]]]]], { level1: { level2: { level3: { level4: true } } } });
console.log([], {}, [[]], [{}], { empty: [] }, Object.create(null), [undefined, null]);

function named() {}
const anon = [function () {}, () => {}][0];
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
}
class Point3 extends Point {
  constructor(x, y, z) { super(x, y); this.z = z; }
}
class Empty {}
console.log(named, anon, () => {}, async function af() {}, function* gen() {}, Point, Point3, Math.max);
console.log(new Point(1, 2), new Point3(1, 2, 3), new Empty(), [new Point(0, 0)], { p: new Empty() });
const withProps = Object.assign(function fnWithProps() {}, { extra: 1 });
console.log(withProps, { method() {}, arrow: () => 1, klass: class {} });

const root = { name: "root", children: [] };
root.self = root;
root.children.push({ parent: root, name: "child" });
console.log(root);
const arr = [1, 2];
arr.push(arr);
console.log(arr);

console.log(new Map([["a", 1], [{ k: 1 }, [2]]]), new Set([1, "two", [3]]), new Map(), new Set());
console.log({ [Symbol("key")]: "symbol keyed", regular: "x" }, { 1: "one", b: "b", 0: "zero" });
console.log({ get g() { return 1; }, set s(v) {}, get gs() { return 1; }, set gs(v) {} });
console.log([1, , 3], [, , 1], new Array(5), Object.assign([1, 2], { extra: "x" }));
console.log([new Number(3), new String("abc"), new Boolean(false)], [/re/g, new Date(0)]);
console.log([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
console.log(Array.from({ length: 30 }, (_, i) => i * 100));
console.log(["apple", "banana", "cherry", "damson", "elderberry", "fig", "grape", "honeydew"]);
console.log(Array.from({ length: 120 }, (_, i) => i % 10));
console.log({ alpha: "aaaaaaaaaa", beta: "bbbbbbbbbb", gamma: "cccccccccc", delta: "dddddddddd", epsilon: 1 });
console.log({ short: 1, list: [1, 2, 3], obj: { x: 1, y: 2 } });
console.log("%s is %d years and %i days, %f%% done, %O", "kiln", 1.5, 2.7, 0.25, { a: [1] }, "extra", ["args"]);
console.log([Symbol.iterator, Symbol("x"), 1n, -0, NaN], { undef: undefined, nul: null });
console.log(Object.assign(Object.create(null), { bare: true }), [function () {}.name]);
