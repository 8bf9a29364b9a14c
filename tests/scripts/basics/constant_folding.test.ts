const DAY = 60 * 60 * 24;
const label = "v" + 1 + "." + (2 ** 3) + "-" + (1 / 3);
function f(x: number) {
  if (false) { console.log("never"); }
  if (1 < 2) x += 1; else x -= 1;
  return x > 0 ? "pos" : "neg";
  console.log("unreachable");
}
console.log(DAY, label, -0 === 0, Object.is(-(0), -0), 7 % -3, -7 % 3, 2 ** -1, (-8) >> 1, -1 >>> 28, ~5, typeof 1, typeof null, !"", "b" < "a");
console.log(f(1), true && "yes", 0 || "fallback", null ?? "dflt", 1 ? "a" : "b", 0 && f(2), 1 && f(-5), 1 ** NaN, NaN ** 0);
