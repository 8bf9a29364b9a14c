// import() of host modules: the namespace has the named exports and the
// exports object as `default`; the `node:` prefix is optional for node's
// modules, and both spellings give the same namespace.
const path = await import("node:path");
console.log(path.join("a", "b", "../c"), path.default.basename("/x/y.txt"));
console.log("default is the module object:", path.default.join === path.join);
const bare = await import("path");
console.log("same namespace:", bare === path);
const fs = await import("node:fs");
console.log("fs.existsSync:", typeof fs.existsSync, fs.existsSync("dynamic_host.test.mjs"));
const proc = await import("node:process");
console.log("process:", proc.default === process, typeof proc.argv);
try {
  await import("node:no-such-module");
} catch (e) {
  console.log("unknown builtin:", e.name, e.code);
}
