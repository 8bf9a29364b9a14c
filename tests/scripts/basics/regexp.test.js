// Regular expressions: named groups, replace, global and sticky matching.
const date = /(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/;
const m = "on 2024-03-15 at noon".match(date);
console.log(m.index, m[0], m.groups.year, m.groups.month, m.groups.day);
console.log("2024-03-15".replace(date, "$<day>/$<month>/$<year>"));
console.log("2024-03-15".replace(date, (...args) => {
  const groups = args[args.length - 1];
  return `${groups.month}.${groups.day}`;
}));

const words = [..."a1 b22 c333".matchAll(/(?<letter>[a-z])(?<digits>\d+)/g)];
console.log(words.map((w) => `${w.groups.letter}:${w.groups.digits.length}@${w.index}`).join(" "));

const g = /o/g;
const found = [];
let r;
while ((r = g.exec("foo boo")) !== null) found.push(r.index + ":" + g.lastIndex);
console.log(found.join(" "), g.lastIndex);

const sticky = /\d+/y;
sticky.lastIndex = 3;
console.log(sticky.test("abc123"), sticky.lastIndex, sticky.test("abc123"), sticky.lastIndex);

console.log("a, b,c ,d".split(/\s*,\s*/), "one1two2three".split(/(\d)/), "abc".split(""));
console.log("x-y_z".replace(/[-_]/g, (c) => (c === "-" ? "+" : "*")), "aaa".replaceAll("a", "$&$&"));
console.log(/^[\w.]+@\w+\.\w+$/.test("me.you@example.com"), /colou?r/i.test("COLOR"));
console.log(/(a)|(b)/.exec("b"), "abcabc".lastIndexOf("c"), "Hello".search(/l+/));

// Flags, unicode, lookaround, backreferences.
const re = /(?<=\$)\d+(\.\d\d)?(?!\d)/gu;
console.log("cost: $42.50 or $7".match(re), re.flags, re.source);
console.log(/(\w)\1/.exec("hello")[0], /\u{1F600}/u.test("😀"), /^.$/u.test("😀"), /^.$/.test("😀"));
console.log(/a.c/s.test("a\nc"), /a.c/.test("a\nc"), /^b/m.test("a\nb"));
console.log(String(/a\/b/g), new RegExp("a/b", "gi").toString(), new RegExp("").toString());
try {
  new RegExp("[");
} catch (e) {
  console.log(e.name);
}
