// Errors of the fd functions, as Node reports them: EBADF after close,
// ENOENT/EEXIST/EISDIR from open, and argument validation.
import * as fs from "node:fs";

const dir = `/tmp/kiln-fs-handles-${process.pid}-${String(Math.random()).slice(2, 10)}`;
fs.mkdirSync(dir);
const file = `${dir}/data.txt`;
fs.writeFileSync(file, "abc");

function attempt(what, f) {
  try {
    console.log(what, "->", f());
  } catch (e) {
    const message = e.message.replaceAll(dir, "<dir>");
    const path = typeof e.path === "string" ? e.path.replaceAll(dir, "<dir>") : e.path;
    console.log(what, "throws", e.name, e.code, e.errno, e.syscall, path, JSON.stringify(Object.keys(e)));
    console.log("  " + message);
  }
}

const fd = fs.openSync(file);
fs.closeSync(fd);
const buf = new Uint8Array(4);
console.log("-- after closeSync");
attempt("readSync", () => fs.readSync(fd, buf));
attempt("writeSync string", () => fs.writeSync(fd, "x"));
attempt("writeSync bytes", () => fs.writeSync(fd, buf));
attempt("fstatSync", () => fs.fstatSync(fd));
attempt("closeSync", () => fs.closeSync(fd));
attempt("readFileSync", () => fs.readFileSync(fd));
attempt("writeFileSync", () => fs.writeFileSync(fd, "x"));
attempt("never opened", () => fs.readSync(1000, buf));

console.log("-- open");
attempt("missing", () => fs.openSync(`${dir}/missing.txt`));
attempt("missing r+", () => fs.openSync(`${dir}/missing.txt`, "r+"));
attempt("missing folder", () => fs.openSync(`${dir}/no/such.txt`, "w"));
attempt("wx on existing", () => fs.openSync(file, "wx"));
attempt("ax+ on existing", () => fs.openSync(file, "ax+"));
attempt("folder for writing", () => fs.openSync(dir, "w"));
const dirFd = fs.openSync(dir);
attempt("read a folder", () => fs.readSync(dirFd, buf));
console.log("fstat of a folder:", fs.fstatSync(dirFd).isDirectory());
fs.closeSync(dirFd);
const ro = fs.openSync(file, "r");
attempt("write to a read-only fd", () => fs.writeSync(ro, "x"));
fs.closeSync(ro);
const wo = fs.openSync(file, "a");
attempt("read a write-only fd", () => fs.readSync(wo, buf));
fs.closeSync(wo);

console.log("-- arguments");
attempt("fd -1", () => fs.closeSync(-1));
attempt("fd 1.5", () => fs.fstatSync(1.5));
attempt("fd '3'", () => fs.readSync("3", buf));
attempt("fd 2**31", () => fs.closeSync(2 ** 31));
attempt("flags 'q'", () => fs.openSync(file, "q"));
attempt("flags true", () => fs.openSync(file, true));
attempt("mode 'abc'", () => fs.openSync(file, "r", "abc"));
attempt("mode -1", () => fs.openSync(file, "r", -1));
attempt("path 5", () => fs.openSync(5));
const rfd = fs.openSync(file, "r");
attempt("buffer 's'", () => fs.readSync(rfd, "s"));
attempt("offset as 3rd argument", () => fs.readSync(rfd, buf, 2));
attempt("length too large", () => fs.readSync(rfd, buf, 0, 10));
attempt("offset past the end", () => fs.readSync(rfd, buf, 5, 1));
attempt("offset -1", () => fs.readSync(rfd, buf, -1, 1));
attempt("offset 1.5", () => fs.readSync(rfd, buf, 1.5, 1));
attempt("position 1.5", () => fs.readSync(rfd, buf, 0, 1, 1.5));
attempt("position -2", () => fs.readSync(rfd, buf, 0, 1, -2));
attempt("position '3'", () => fs.readSync(rfd, buf, 0, 1, "3"));
attempt("empty buffer", () => fs.readSync(rfd, new Uint8Array(0), 0, 1));
attempt("length 0", () => fs.readSync(rfd, buf, 0, 0, 0));
attempt("options null", () => fs.readSync(rfd, buf, null));
attempt("write 5", () => fs.writeSync(rfd, 5));
attempt("write offset 4", () => fs.writeSync(rfd, new Uint8Array(3), 4));
attempt("write length 3", () => fs.writeSync(rfd, new Uint8Array(3), 1, 3));
fs.closeSync(rfd);

fs.rmSync(dir, { recursive: true });
console.log("done");
