// Word frequencies of a text file: the ten most common words with counts.
//   kiln dev samples/wordfreq/wordfreq.ts [FILE]
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const file = process.argv[2] ?? join(dirname(process.argv[1]), "text.txt");
const text: string = readFileSync(file, "utf8");

const counts = new Map<string, number>();
for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) {
  counts.set(word, (counts.get(word) ?? 0) + 1);
}

const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
const width = Math.max(...top.map(([w]) => w.length));
console.log(`${counts.size} distinct words in ${file.split("/").pop()}`);
for (const [word, n] of top) console.log(`${word.padEnd(width)} ${"#".repeat(n)} ${n}`);
