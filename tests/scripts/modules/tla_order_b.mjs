console.log("b start (sync)");
export const b = "b";
Promise.resolve().then(() => console.log("b microtask"));
