import { checkpoint } from "kiln:snapshot";

// checkpoint() in the middle of a check phase: the resumed program finishes
// the immediate, runs its microtasks, then the rest of the same batch, then
// the immediates queued meanwhile.
setImmediate(() => console.log("immediate A"));
setImmediate(() => {
  const resumed = checkpoint("state.kiln");
  console.log(resumed ? "resumed" : "saved", "in immediate B");
  Promise.resolve().then(() => console.log("a microtask queued by B"));
  setImmediate(() => console.log("immediate D, queued by B: the next check phase"));
});
setImmediate(() => console.log("immediate C, in B's batch"));
