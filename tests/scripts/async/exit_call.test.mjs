// process.exit(code) emits 'exit' at once, with the code, and nothing after
// it runs: not the rest of its caller, not finally blocks, not pending
// timers or microtasks, not 'beforeExit'. process.exit inside an 'exit'
// listener ends the program there, with its own code.
process.on("beforeExit", () => console.log("never: beforeExit"));
process.on("exit", (code) => {
  console.log(`exit(${code}) exitCode=${process.exitCode}`);
});
process.on("exit", () => {
  console.log("the second listener calls process.exit(6)");
  process.exit(6);
  console.log("never: after the nested process.exit");
});
process.on("exit", () => console.log("never: the third listener"));

function shutdown(code) {
  try {
    console.log("shutting down");
    process.exit(code);
  } finally {
    console.log("never: finally");
  }
}

setTimeout(() => console.log("never: a later timer"), 50);
setTimeout(() => {
  Promise.resolve().then(() => console.log("never: a microtask"));
  shutdown(3);
}, 1);
console.log("main");
