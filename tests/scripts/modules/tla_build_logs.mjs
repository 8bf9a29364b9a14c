const name = ["l", "o", "g", "s"].join("");
console.log(name + ": before await");
export const ready = await new Promise((r) => setTimeout(() => r("ready"), 2));
console.log(name + ": after await");
