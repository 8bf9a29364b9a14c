// fs.openSync/readSync/writeSync/closeSync/fstatSync, and readFileSync and
// writeFileSync given an fd: positions, encodings, the argument forms.
import * as fs from "node:fs";

const dir = `/tmp/kiln-fs-handles-${process.pid}-${String(Math.random()).slice(2, 10)}`;
fs.mkdirSync(dir);
const file = `${dir}/data.txt`;
const text = (bytes, n = bytes.length) => String.fromCharCode(...bytes.subarray(0, n));

fs.writeFileSync(file, "hello world\n");
const fd = fs.openSync(file);
console.log("fd is an integer:", Number.isInteger(fd), fd > 2);

// Sequential reads move the file position; positional reads do not.
const buf = new Uint8Array(5);
let n = fs.readSync(fd, buf);
console.log("read", n, JSON.stringify(text(buf, n)));
n = fs.readSync(fd, buf, 0, 3, 0);
console.log("read at 0", n, JSON.stringify(text(buf, n)));
n = fs.readSync(fd, buf, 1, 2, null);
console.log("read on", n, buf);
n = fs.readSync(fd, buf, { offset: 2, length: 3, position: 8 });
console.log("options form", n, buf);
n = fs.readSync(fd, buf, { length: 2 });
console.log("options length", n, buf);
const big = new Uint8Array(64);
n = fs.readSync(fd, big);
console.log("rest", n, JSON.stringify(text(big, n)));
console.log("at end", fs.readSync(fd, big), fs.readSync(fd, big, 0, 0, 0));
const view = new DataView(new ArrayBuffer(8), 2, 4);
console.log("into a DataView", fs.readSync(fd, view, 0, 4, 6), text(new Uint8Array(view.buffer, 2, 4)));
const words = new Uint16Array(2);
console.log("into a Uint16Array", fs.readSync(fd, words, 0, 4, 0), words.byteLength);

const stats = fs.fstatSync(fd);
console.log("fstat", stats.size, stats.isFile(), stats.isDirectory(), stats instanceof fs.Stats);
console.log("same as stat:", stats.ino === fs.statSync(file).ino);
fs.closeSync(fd);

// Writing: strings (with a position and an encoding) and views.
const out = fs.openSync(`${dir}/out.bin`, "w+");
console.log("write", fs.writeSync(out, "abc"));
console.log("write at 0", fs.writeSync(out, "héllo", 0));
console.log("write part", fs.writeSync(out, new Uint8Array([65, 66, 67, 68]), 1, 2));
console.log("write latin1 at 10", fs.writeSync(out, "zz", 10, "latin1"));
console.log("write hex", fs.writeSync(out, "2a2b", null, "hex"));
console.log("write options", fs.writeSync(out, new Uint8Array([48, 49, 50]), { offset: 1, position: 12 }));
console.log("content", JSON.stringify(fs.readFileSync(`${dir}/out.bin`, "latin1")));
console.log("size", fs.fstatSync(out).size);

// readFileSync(fd) reads from the current position; writeFileSync(fd)
// writes there.
fs.writeSync(out, "0123456789", 0);
const r = new Uint8Array(4);
fs.readSync(out, r, 0, 4, null);
console.log("readFileSync(fd) from the position:", JSON.stringify(fs.readFileSync(out, "utf8")));
fs.writeFileSync(out, "TAIL");
console.log("after writeFileSync(fd):", JSON.stringify(fs.readFileSync(`${dir}/out.bin`, "utf8")));
fs.appendFileSync(out, "+more");
console.log("after appendFileSync(fd):", JSON.stringify(fs.readFileSync(`${dir}/out.bin`, "utf8")));
const rest = fs.readFileSync(out);
console.log("readFileSync(fd) at the end:", rest instanceof Uint8Array, rest.length);
fs.closeSync(out);

// A closed fd's number is given out again, as the OS does.
const a = fs.openSync(file, "r");
fs.closeSync(a);
const b = fs.openSync(file, "r");
console.log("fd reused:", a === b);
const c = fs.openSync(file, "r");
console.log("two open fds differ:", b !== c);
fs.closeSync(c);
fs.closeSync(b);

fs.rmSync(dir, { recursive: true });
console.log("done");
