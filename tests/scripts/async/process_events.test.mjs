// process is an EventEmitter: on/addListener, once, prepend(Once)Listener,
// off/removeListener, removeAllListeners, emit, listeners, listenerCount,
// eventNames, set/getMaxListeners, as node's events module behaves.
const seen = [];
const record = (label) =>
  function (...args) {
    seen.push(`${label}(${args.join(",")})${this === process ? "" : " this!=process"}`);
  };

console.log(process.on === process.addListener, process.off === process.removeListener);
console.log(process.on("job", record("a")) === process);
process.on("job", record("b"));
process.prependListener("job", record("first"));
process.once("job", record("once"));
process.prependOnceListener("job", record("very first, once"));
console.log(process.listenerCount("job"), process.emit("job", 1, 2));
console.log(seen.splice(0).join(" "));
console.log(process.listenerCount("job"), process.emit("job", 3));
console.log(seen.splice(0).join(" "));

// The listeners of one emit are fixed when it starts.
function late() {
  seen.push("late");
}
function removed() {
  seen.push("removed, still called this time");
}
process.on("change", () => {
  seen.push("adds and removes");
  process.on("change", late);
  process.off("change", removed);
});
process.on("change", removed);
process.emit("change");
console.log(seen.splice(0).join(" | "));
process.emit("change");
console.log(seen.splice(0).join(" | "));

// off removes the most recent registration; listeners() lists the functions.
function twice() {}
process.on("dup", twice).on("dup", twice);
console.log(process.listenerCount("dup"), process.listenerCount("dup", twice), process.listeners("dup").length);
process.off("dup", twice);
console.log(process.listenerCount("dup"), process.listeners("dup")[0] === twice);

// Names: strings (other values become strings) and symbols.
const sym = Symbol("private event");
process.on(sym, () => seen.push("symbol"));
process.on(7, (x) => seen.push(`seven ${x}`));
process.emit(sym);
process.emit("7", "as a string");
console.log(seen.splice(0).join(" | "));
process.prependListener("dup", twice);  // keeps "dup" where it was among the names
const mine = new Set(["job", "change", "dup", "7", sym]);
console.log(process.eventNames().filter((n) => mine.has(n)));

process.removeAllListeners("change");
console.log(process.listenerCount("change"), process.emit("change"), process.emit("nobody listens"));

console.log(process.getMaxListeners(), process.setMaxListeners(20) === process, process.getMaxListeners());

// A once listener that emits its own event again is not called twice.
process.once("recursive", () => {
  seen.push("once");
  process.emit("recursive");
});
process.emit("recursive");
console.log(seen.splice(0).join(" | "), process.listenerCount("recursive"));

// Errors: a listener that is not a function, an 'error' event nobody listens to.
for (const attempt of [
  () => process.on("job", "not a function"),
  () => process.emit("error", new Error("emitted error")),
  () => process.emit("error", "just a string"),
]) {
  try {
    attempt();
  } catch (e) {
    console.log(`${e.name}: ${e.message}${e.code ? ` [${e.code}]` : ""}`);
  }
}
process.on("error", (e) => console.log(`handled: ${e.message}`));
console.log(process.emit("error", new Error("now with a listener")));
