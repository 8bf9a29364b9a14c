// A rejection with a string reason, from a timer callback after a few turns
// of the loop: reported after that callback's microtasks, the string shown
// as it is (its quotes not escaped).
process.on("exit", (code) => console.log(`exit(${code})`));
let turns = 0;
function turn() {
  console.log(`turn ${++turns}`);
  if (turns < 3) {
    setTimeout(turn, 1);
    return;
  }
  new Promise((_, reject) => reject('disk "backup" is full'));
  queueMicrotask(() => console.log("microtask after the rejection"));
  setImmediate(() => console.log("never: the check phase"));
}
setTimeout(turn, 1);
