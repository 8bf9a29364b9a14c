// fs callbacks and node:fs/promises (one request at a time: thread-pool races
// between concurrent requests are not something node orders either).
import fs from "node:fs";
import { readFile, writeFile } from "node:fs/promises";

const out = `/tmp/kiln-fs-async-${process.pid}.txt`;
const out2 = `/tmp/kiln-fs-async-${process.pid}-2.txt`;

console.log(fs.promises.readFile === readFile);
fs.readFile("a.txt", "utf8", (err, text) => {
  console.log("callback", err, JSON.stringify(text));
  fs.readFile("missing.txt", (err, data) => console.log("missing:", err.code, data));
});
setImmediate(() => console.log("immediate"));
Promise.resolve().then(() => console.log("microtask"));

async function main() {
  const [a, b] = await Promise.all([readFile("a.txt", "utf8"), readFile("b.txt", { encoding: "utf8" })]);
  console.log("all:", JSON.stringify(a + b));
  const bytes = await readFile("b.txt");
  console.log(bytes.length, bytes[0]);
  await writeFile(out, a.toUpperCase());
  console.log("wrote:", fs.readFileSync(out, "utf8").trim().split("\n"));
  try {
    await readFile("nope.txt", "utf8");
  } catch (e) {
    console.log("rejected:", e.code, e.syscall, e.message);
  }
  fs.writeFile(out2, "x", (err) => {
    console.log("writeFile cb", err, fs.readFileSync(out2, "utf8"));
    fs.rmSync(out);
    fs.rmSync(out2);
  });
}
main();
