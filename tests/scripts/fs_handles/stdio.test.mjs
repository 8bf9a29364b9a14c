// fds 0-2 are the standard streams: writeSync(1|2) keeps its order with
// console output; readSync(0) reads stdin (/dev/null under the test runner).
import * as fs from "node:fs";

console.log("one");
console.log("wrote", fs.writeSync(1, "two\n"));
fs.writeSync(1, new Uint8Array([116, 104, 114, 101, 101, 10]));
console.error("err one");
fs.writeSync(2, "err two\n");
fs.writeFileSync(1, "four\n");
console.log("stdin:", fs.readSync(0, new Uint8Array(8)), JSON.stringify(fs.readFileSync(0, "utf8")));
console.log("fstat(1) is a file or a pipe:", fs.fstatSync(1).isFile() || !fs.fstatSync(1).isDirectory());
