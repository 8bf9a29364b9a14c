import { table, loads } from "./shared.ts";
table.set("second", 20);
console.log("second", [...table.keys()], loads, process.argv.slice(2));
