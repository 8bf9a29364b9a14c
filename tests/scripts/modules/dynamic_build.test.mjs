// import() before the program's first effect: under `kiln compile` the
// module is read, parsed and compiled at build time (it is program code,
// like a static import), its evaluation waits in a promise job, and the
// image carries both; a missing file's rejection is in the image too.
// Either way the output is what running from source prints.
const pending = import("./dynamic_build_data.mjs");
const missing = import("./dynamic_build_missing.mjs").then(
  () => "loaded?",
  (e) => e.code,
);
const { table, total } = await pending;
console.log("table:", table.slice(0, 5).join(" "), "... total", total);
console.log("missing:", await missing);
const again = await import("./dynamic_build_data.mjs");
console.log("evaluated once:", again.evaluations);
