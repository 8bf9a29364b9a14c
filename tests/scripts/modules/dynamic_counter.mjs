export let hits = 0;
hits++;
console.log("counter evaluated");
