import { checkpoint } from "kiln:snapshot";
import * as fs from "node:fs";

// An open file in the image: the resumed program is another process, where
// the fd it holds means nothing. Using it is a clear EBADF; reopening works.
fs.writeFileSync("open_file.txt", "0123456789abcdef");
const fd = fs.openSync("open_file.txt", "r");
const head = new Uint8Array(4);
const read = fs.readSync(fd, head);
console.log("read", read, String.fromCharCode(...head));

const resumed = checkpoint("state.kiln");
console.log("resumed", resumed);

function attempt(what: string, f: () => unknown) {
  try {
    console.log(what, "->", f());
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    console.log(what, "throws", err.code, err.syscall, err.errno);
    console.log("  " + err.message);
  }
}

if (resumed) {
  attempt("readSync", () => fs.readSync(fd, head));
  attempt("fstatSync", () => fs.fstatSync(fd).size);
  attempt("readFileSync", () => fs.readFileSync(fd, "utf8"));
  attempt("writeSync", () => fs.writeSync(fd, "x"));
  // The stale fd is not handed out again until it is closed.
  const again = fs.openSync("open_file.txt", "r");
  console.log("reopened, a new fd:", again !== fd);
  console.log("reads", JSON.stringify(fs.readFileSync(again, "utf8")));
  attempt("closeSync (stale)", () => fs.closeSync(fd));
  attempt("closeSync (again)", () => fs.closeSync(fd));
  fs.closeSync(again);
} else {
  const rest = fs.readFileSync(fd, "utf8");
  console.log("rest", JSON.stringify(rest));
  fs.closeSync(fd);
}
