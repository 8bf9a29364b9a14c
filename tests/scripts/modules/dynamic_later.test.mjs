// import() inside functions that run later (a timer callback, a promise
// job): the specifier is resolved against the file of the module whose code
// calls import(), not the entry's. import.meta is one object per module.
import { loadPlugin, pluginMeta } from "./plugins/registry.mjs";

console.log("import.meta cached:", import.meta === import.meta, "distinct:", import.meta !== pluginMeta());
console.log("url:", import.meta.url.startsWith("file:///"), import.meta.url.endsWith("/modules/dynamic_later.test.mjs"));
console.log("plugin url:", pluginMeta().url.endsWith("/modules/plugins/registry.mjs"));
console.log("filename/dirname:", import.meta.filename.endsWith("dynamic_later.test.mjs"), import.meta.dirname.endsWith("/modules"));
import.meta.custom = "writable";
console.log("extensible:", import.meta.custom, Object.getPrototypeOf(import.meta));

setTimeout(async () => {
  const greet = await loadPlugin("greet");
  console.log(greet.default("timer"));
  const shout = await loadPlugin("shout");
  console.log(shout.default("timer"));
}, 1);

Promise.resolve().then(async () => {
  const { default: greet } = await loadPlugin("greet");
  console.log(greet("microtask"));
});
console.log("main done");
