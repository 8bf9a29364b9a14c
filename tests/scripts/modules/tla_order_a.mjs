console.log("a start");
export let a = "a-initial";
await null;
console.log("a after await null");
a = await new Promise((r) => setTimeout(() => r("a-final"), 10));
console.log("a done");
