// import() failures reject its promise, they never throw synchronously:
// a file that does not exist, a module with a syntax error, a module whose
// evaluation throws (again with the same error on a second import()), and a
// module whose dependency is missing. The program itself goes on.
function show(what, e) {
  console.log(what + ":", e.constructor.name, e.code ?? "(no code)", e.message.includes("dynamic_") ? "names the file" : e.message);
}

const missing = import("./dynamic_no_such_file.mjs");
console.log("import() did not throw");
await missing.then(() => console.log("never"), (e) => show("missing file", e));

try {
  await import("./dynamic_bad_syntax.mjs");
} catch (e) {
  console.log("syntax error:", e.name);
}

let first;
try {
  await import("./dynamic_throws.mjs");
} catch (e) {
  first = e;
  console.log("evaluation error:", e.message);
}
try {
  await import("./dynamic_throws.mjs");
} catch (e) {
  console.log("same error again:", e === first);
}

try {
  await import("./dynamic_missing_dep.mjs");
} catch (e) {
  show("missing dependency", e);
}
console.log("still running");
