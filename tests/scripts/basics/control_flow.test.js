// Labeled loops, switch, and try/catch/finally ordering.
const found = [];
outer: for (let i = 0; i < 4; i++) {
  inner: for (let j = 0; j < 4; j++) {
    if (j === i) continue outer;
    if (i === 3) break outer;
    if (j > 1) break inner;
    found.push(`${i}${j}`);
  }
}
console.log(found.join(" "));

block: {
  console.log("in block");
  if (found.length) break block;
  console.log("not reached");
}

function classify(n) {
  const out = [];
  switch (n) {
    case 1:
      out.push("one");
    case 2:
      out.push("one-or-two");
      break;
    default:
      out.push("other");
    case 3:
      out.push("three-or-default");
  }
  return out.join("+");
}
console.log(classify(1), classify(2), classify(3), classify(9));

const log = [];
function f() {
  try {
    log.push("try");
    throw new Error("boom");
  } catch (e) {
    log.push(`catch ${e.message}`);
    return "from catch";
  } finally {
    log.push("finally");
  }
}
console.log(f(), log.join(", "));

function overrides() {
  try {
    return "try";
  } finally {
    return "finally wins";
  }
}
console.log(overrides());

function nestedFinally() {
  const steps = [];
  for (const k of [1, 2, 3]) {
    try {
      try {
        if (k === 2) continue;
        if (k === 3) break;
        steps.push(`body${k}`);
      } finally {
        steps.push(`inner${k}`);
      }
    } finally {
      steps.push(`outer${k}`);
    }
  }
  return steps.join(" ");
}
console.log(nestedFinally());

// Optional catch binding, rethrow, and errors that are not Error objects.
try {
  try {
    throw { code: 42 };
  } catch {
    throw "plain string";
  }
} catch (e) {
  console.log(typeof e, e);
}
let i = 0;
do { i += 2; } while (i < 7);
while (true) { if (--i < 5) break; }
console.log(i);
