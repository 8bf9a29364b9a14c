// typeof, instanceof, equality and conversions.
const values = [undefined, null, true, 0, -0, 1n, "", Symbol("s"), {}, [], () => {}, class {}, new Date(0), /r/];
console.log(values.map((v) => typeof v).join(" "));
console.log(typeof undeclaredVariable, typeof typeof 1, typeof new Number(1), typeof Object(1n));

class Animal {}
class Dog extends Animal {}
const d = new Dog();
console.log(d instanceof Dog, d instanceof Animal, d instanceof Object, Object.create(null) instanceof Object);
console.log([] instanceof Array, Array.isArray([]), (() => {}) instanceof Function, null instanceof Object);
class Even {
  static [Symbol.hasInstance](n) { return n % 2 === 0; }
}
console.log(2 instanceof Even, 3 instanceof Even);
try {
  d instanceof {};
} catch (e) {
  console.log(e.name);
}

console.log(null == undefined, null === undefined, NaN == NaN, Object.is(NaN, NaN), Object.is(0, -0), 0 === -0);
console.log("1" == 1, "" == 0, "0" == false, [] == false, [1] == 1, [1, 2] == "1,2", null == 0);
console.log(1 < 2 < 3, 3 > 2 > 1, "10" < "9", 10 < 9, "b" > "a", null >= 0, undefined == 0);
console.log(1 + "2", "3" * "4", true + 1, [] + {}, [] + [], 1 + null, 1 + undefined, "5" - 2);
console.log(Number("  12  "), Number(""), Number("0x1f"), Number("1e3"), Number("12px"), parseInt("12px"), parseFloat(".5e1x"));
console.log(String(null), String([1, [2, 3]]), String({}), `${Symbol.iterator.description}`, String(123n));
console.log(Boolean(""), Boolean("0"), !!NaN, !!{}, !![], !!0n, !!-1);
const valueOf = { valueOf() { return 42; }, toString() { return "str"; } };
console.log(valueOf + 1, `${valueOf}`, valueOf * 2, String(valueOf), [valueOf] + "");
const prim = { [Symbol.toPrimitive](hint) { return hint === "number" ? 7 : hint; } };
console.log(+prim, `${prim}`, prim + "");
console.log(typeof Symbol(), Symbol("d").toString(), Symbol.for("k") === Symbol.for("k"), Symbol("k") === Symbol("k"));
