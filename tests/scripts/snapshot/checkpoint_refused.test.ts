// checkpoint() where the program cannot be captured: a clear Error naming
// the native frame below, and the program goes on.
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
setTimeout(() => attempt("timer:", () => checkpoint("never.kiln")), 1);
Promise.resolve().then(() => attempt("then:", () => checkpoint("never.kiln")));
