// An uncaught error: the 'exit' listeners run first, with code 1
// (process.exitCode is 1 by then, and they may change it), then the error
// is printed and the program ends with process.exitCode. No 'beforeExit',
// and pending timers never run.
process.on("beforeExit", () => console.log("never: beforeExit"));
process.on("exit", (code) => {
  console.log(`exit(${code}) exitCode=${process.exitCode}`);
  process.exitCode = 9;
});
setTimeout(() => console.log("never: a pending timer"), 50);

function retries(settings) {
  if (!(settings.retries > 0)) throw new RangeError(`retries must be positive, not ${settings.retries}`);
  return settings.retries;
}

console.log("reading settings");
retries({ retries: -1 });
