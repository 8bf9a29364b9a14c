setTimeout(() => {
  console.log("early: importing slow while it is pending");
  import("./dynamic_pending_slow.mjs").then((ns) => console.log("early: dynamic import sees done =", ns.done));
}, 1);
