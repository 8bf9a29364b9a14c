// checkpoint() where the program cannot be captured: a clear Error naming
// the native frame below, and the program goes on. (Timer, immediate and
// promise callbacks themselves can be captured: tests/snapshot/checkpoint.)
import { checkpoint } from "kiln:snapshot";

function attempt(label: string, f: () => unknown) {
  try {
    f();
    console.log(label, "did not throw");
  } catch (e) {
    console.log(label, (e as Error).name, (e as Error).message);
  }
}

attempt("forEach:", () => [1].forEach(() => checkpoint("never.kiln")));
attempt("sort:", () => [2, 1].sort(() => (checkpoint("never.kiln"), 0)));
attempt("empty path:", () => checkpoint(""));
attempt("no path:", () => (checkpoint as any)());
attempt("unwritable:", () => checkpoint("/nonexistent-dir/never.kiln"));
setTimeout(() => attempt("timer, under map:", () => [1].map(() => checkpoint("never.kiln"))), 1);
Promise.resolve().then(() => attempt("then, under reduce:", () => [1, 2].reduce(() => checkpoint("never.kiln"))));
// A thenable's then is called by a job whose C++ half holds the resolving functions.
Promise.resolve({
  then(resolve: (v: number) => void) {
    attempt("thenable:", () => checkpoint("never.kiln"));
    resolve(1);
  },
});
