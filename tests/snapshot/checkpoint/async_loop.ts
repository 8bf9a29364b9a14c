import { checkpoint } from "kiln:snapshot";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log: number[] = [];

async function main() {
  for (let i = 0; i < 6; i++) {
    await sleep(2);
    log.push(i);
    if (i === 3) {
      const resumed = checkpoint("state.kiln");
      console.log(resumed ? "resumed at" : "saved at", i, log);
    }
  }
  console.log("done", log);
}

setTimeout(() => console.log("late timer"), 50);
main().then(() => console.log("main settled"));
