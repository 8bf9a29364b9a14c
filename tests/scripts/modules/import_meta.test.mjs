// import.meta as node has it: one extensible null-prototype object per
// module (the same object every time), with dirname, filename, resolve and
// url; resolve() joins a relative specifier to the module's URL without
// looking at the file system, and names builtin modules node:NAME.
import { pluginMeta } from "./plugins/registry.mjs";

const here = import.meta.dirname;
const strip = (s) => s.split(here).join("<dir>");
console.log(Object.keys(import.meta));
console.log(import.meta === import.meta, pluginMeta() === pluginMeta(), pluginMeta() !== import.meta);
console.log(strip(import.meta.url), strip(import.meta.filename));
console.log(strip(pluginMeta().url), strip(pluginMeta().dirname));
console.log(strip(import.meta.resolve("./plugins/greet.mjs")), strip(pluginMeta().resolve("./greet.mjs")));
console.log(strip(import.meta.resolve("./not here.mjs")), strip(import.meta.resolve("../modules/x.mjs?q#h")));
console.log(import.meta.resolve("node:fs"), import.meta.resolve("path"));
for (const bad of ["no-such-package", "node:no-such-builtin"]) {
  try {
    import.meta.resolve(bad);
  } catch (e) {
    console.log(e.code);
  }
}
console.log(typeof import.meta.resolve, import.meta.resolve.name, import.meta.resolve.length);
const d = Object.getOwnPropertyDescriptor(import.meta, "url");
console.log(d.writable, d.enumerable, d.configurable, Object.getPrototypeOf(import.meta), Object.isExtensible(import.meta));
