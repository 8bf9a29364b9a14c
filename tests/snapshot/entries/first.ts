import { table, loads } from "./shared.ts";
table.set("first", 10);
console.log("first", [...table.keys()], loads);
