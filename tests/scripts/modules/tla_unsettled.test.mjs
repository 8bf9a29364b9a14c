// A top-level await that nothing will settle: the loop runs dry, 'beforeExit'
// and 'exit' are emitted, and the exit code is 13 (unless the program set one).
process.on("beforeExit", (code) => console.log("beforeExit", code));
process.on("exit", (code) => console.log("exit event", code, process.exitCode));
console.log("before the await");
await new Promise(() => {});
console.log("never printed");
