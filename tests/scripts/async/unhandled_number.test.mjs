// A promise rejected with a value that is not an error, which nothing
// handles, ends the program as node's default (--unhandled-rejections=throw)
// does: the 'exit' listeners run with code 1, then node's
// UnhandledPromiseRejection error (code ERR_UNHANDLED_REJECTION) naming the
// reason is printed. Pending timers never run.
process.on("exit", (code) => console.log(`exit(${code})`));
setTimeout(() => console.log("never: a pending timer"), 50);
console.log("start");
Promise.reject(42);
Promise.resolve().then(() => console.log("microtasks still run first"));
