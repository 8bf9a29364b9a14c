import { checkpoint } from "kiln:snapshot";

// checkpoint() in a setInterval callback: the resumed program finishes the
// callback, arms the interval again and keeps ticking.
let ticks = 0;
const interval = setInterval(() => {
  ticks++;
  if (ticks === 2) {
    const resumed = checkpoint("state.kiln");
    console.log(resumed ? "resumed" : "saved", "in the interval at tick", ticks);
  } else {
    console.log("tick", ticks);
  }
  if (ticks === 4) {
    clearInterval(interval);
    console.log("interval cleared");
  }
}, 1);
setTimeout(() => console.log("a one-shot timer due after the interval is done"), 60);
