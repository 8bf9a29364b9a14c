// import() of files: a promise for the module namespace. A module outside
// the static graph is loaded, linked and evaluated (its top-level await
// included) when its promise is used; a second import() gives the same
// namespace; a module already in the graph is not evaluated again.
import { hits } from "./dynamic_counter.mjs";

console.log("main start");
const p = import("./dynamic_lazy.mjs");
console.log("import() returned a promise:", p instanceof Promise);
const ns = await p;
console.log("lazy namespace:", Object.keys(ns).join(","), ns.value, ns.default());
console.log("toStringTag:", ns[Symbol.toStringTag], Object.prototype.toString.call(ns));
const again = await import("./dynamic_lazy.mjs");
console.log("same namespace:", again === ns);
const counter = await import("./dynamic_counter.mjs");
console.log("static module, evaluated once:", counter.hits, hits);
const viaOtherPath = await import("./../modules/dynamic_lazy.mjs");
console.log("other spelling, same module:", viaOtherPath === ns);
const spec = "./dynamic_" + "computed.mjs";
const computed = await import(spec);
console.log("computed specifier:", computed.name);
const order = [];
const both = Promise.all([
  import("./dynamic_computed.mjs").then(() => order.push("computed")),
  Promise.resolve().then(() => order.push("microtask")),
]);
await both;
console.log("order:", order.join(", "));
