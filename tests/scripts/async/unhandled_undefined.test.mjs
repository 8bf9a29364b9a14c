// reject() with no reason rejects with undefined. A rejection that gets its
// handler in the same turn is not reported; one that never gets one is.
const handled = Promise.reject(new Error("handled in time"));
handled.catch((e) => console.log(`caught: ${e.message}`));

async function waitForever() {
  await new Promise((_, reject) => setTimeout(() => reject(), 5));
  console.log("never: after the rejected await");
}
console.log("waiting");
waitForever();
