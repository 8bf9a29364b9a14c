import { checkpoint } from "kiln:snapshot";

// checkpoint() in a promise reaction (.then handler) and in a queueMicrotask
// callback is one image each; this one is taken in the handler: what it
// returns in the resumed program settles the derived promise.
const derived = Promise.resolve(20).then((v) => {
  const resumed = checkpoint("state.kiln");
  console.log(resumed ? "resumed" : "saved", "in a .then handler");
  return v + 1;
});
derived.then((v) => console.log("the derived promise is fulfilled with", v));
queueMicrotask(() => console.log("a microtask queued after the reaction"));
const failing = Promise.resolve().then(() => {
  throw new Error("a handler that throws");
});
failing.catch((e) => console.log("caught:", e.message));
