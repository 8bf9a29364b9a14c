// process 'beforeExit' and 'exit' when the event loop runs out of work: a
// 'beforeExit' listener that schedules more work keeps the program going
// and is called again; 'exit' listeners run in order with the exit code,
// may change process.exitCode, and what they schedule never runs (except
// microtasks). Listeners registered before the first effect are part of a
// compiled image.
const log = [];
process.on("exit", (code) => {
  console.log(`exit(${code}) exitCode=${process.exitCode} _exiting=${process._exiting}`);
  setTimeout(() => console.log("timer from exit: never runs"), 0);
  setImmediate(() => console.log("immediate from exit: never runs"));
  Promise.resolve().then(() => console.log("microtask from exit"));
});
process.on("exit", function (code) {
  console.log(`second exit listener, this === process: ${this === process}, arguments: ${arguments.length}`);
  process.exitCode = code + 1;
});

let rounds = 0;
process.on("beforeExit", (code) => {
  console.log(`beforeExit(${code}) round ${rounds}, pending log: ${log.join(" ")}`);
  log.length = 0;
  if (rounds++ === 0) {
    setTimeout(() => log.push("timer"), 1);
  } else if (rounds === 2) {
    setImmediate(() => log.push("immediate"));
    Promise.resolve().then(() => log.push("microtask"));
  } else {
    // A microtask alone does not keep the loop alive: no further beforeExit.
    Promise.resolve().then(() => console.log("microtask from the last beforeExit"));
  }
});
process.once("beforeExit", () => console.log("once: first beforeExit only"));

console.log("main");
Promise.resolve().then(() => console.log("main microtask"));
setTimeout(() => console.log("main timer"), 1);
process.exitCode = 4;
