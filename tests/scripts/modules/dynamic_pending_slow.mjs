export let done = false;
await new Promise((r) => setTimeout(r, 20));
done = true;
console.log("slow: finished its await");
