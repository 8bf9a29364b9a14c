// The flags of fs.openSync: truncation, creation, appending, exclusive
// creation, read-write; as strings and as numbers.
import * as fs from "node:fs";

const dir = `/tmp/kiln-fs-handles-${process.pid}-${String(Math.random()).slice(2, 10)}`;
fs.mkdirSync(dir);
const file = `${dir}/f.txt`;
const content = () => (fs.existsSync(file) ? JSON.stringify(fs.readFileSync(file, "utf8")) : "(none)");

function tryFlag(flags, setup) {
  if (fs.existsSync(file)) fs.unlinkSync(file);
  if (setup) fs.writeFileSync(file, "0123456789");
  let fd;
  try {
    fd = fs.openSync(file, flags);
  } catch (e) {
    console.log(JSON.stringify(flags), setup ? "existing" : "missing", "->", e.code);
    return;
  }
  const results = [];
  try {
    results.push("wrote " + fs.writeSync(fd, "AB"));
  } catch (e) {
    results.push("write " + e.code);
  }
  const buf = new Uint8Array(4);
  try {
    const n = fs.readSync(fd, buf, 0, 4, 0);
    results.push("read " + JSON.stringify(String.fromCharCode(...buf.subarray(0, n))));
  } catch (e) {
    results.push("read " + e.code);
  }
  fs.closeSync(fd);
  console.log(JSON.stringify(flags), setup ? "existing" : "missing", "->", results.join(", "), "; file", content());
}

for (const flags of [undefined, "r", "rs", "r+", "rs+", "w", "wx", "xw", "w+", "wx+", "a", "ax", "as", "a+", "ax+", "as+"]) {
  tryFlag(flags, true);
  tryFlag(flags, false);
}
// Numbers are the OS's O_* flags (Linux): O_RDWR | O_CREAT, O_WRONLY | O_APPEND.
tryFlag(2 | 64, false);
tryFlag(1 | 1024, true);
// Mode applies to created files (masked by the umask).
if (fs.existsSync(file)) fs.unlinkSync(file);
fs.closeSync(fs.openSync(file, "w", 0o600));
console.log("mode 0o600:", (fs.statSync(file).mode & 0o777).toString(8));
fs.unlinkSync(file);
fs.closeSync(fs.openSync(file, "w", "640"));
console.log("mode '640':", (fs.statSync(file).mode & 0o777).toString(8));

fs.rmSync(dir, { recursive: true });
console.log("done");
