import { checkpoint } from "kiln:snapshot";

// An async loop over timers; the checkpoint is taken after an await (under a
// promise job of the event loop) with a timer and a promise pending. Timer
// order depends only on due times (never on how fast the machine runs).
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log: number[] = [];

async function main() {
  for (let i = 0; i < 6; i++) {
    await sleep(2);
    log.push(i);
    if (i === 3) {
      setTimeout(() => console.log("timer armed before the checkpoint"), 1);
      const pending = Promise.resolve("a promise settled before the checkpoint");
      const resumed = checkpoint("state.kiln");
      console.log(resumed ? "resumed at" : "saved at", i, log);
      console.log(await pending);
    }
  }
  console.log("done", log);
}

main().then(() => setTimeout(() => console.log("last timer"), 1));
