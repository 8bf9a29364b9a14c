// Line, word and character counts of several text files, read concurrently.
//   kiln dev samples/filestats/filestats.ts [FILE...]
//
// Every source is read at once (Promise.all over node:fs/promises reads), each
// against its own deadline (Promise.race with a timer), so one slow or
// missing source cannot hold up or sink the others: it shows up in the
// report as an error instead. Without arguments it reads the texts in data/,
// one file that does not exist, and a simulated slow mirror that misses its
// deadline.
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { basename, dirname, join } from "node:path";

interface Stats {
  lines: number;
  words: number;
  chars: number;
  counts: Map<string, number>;
}

type Outcome = { name: string; stats: Stats } | { name: string; error: string };

const DEADLINE_MS = 2000;

class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

// Runs `work` against a deadline. The deadline is armed before the work
// starts, and disarmed as soon as either side settles, so a finished batch
// never waits for its timers.
async function withDeadline<T>(what: string, ms: number, work: (cancelled: () => boolean) => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      reject(new TimeoutError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work(() => expired), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function analyze(text: string): Stats {
  const counts = new Map<string, number>();
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const lines = text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  return { lines, words: words.length, chars: text.length, counts };
}

async function readSource(path: string): Promise<Outcome> {
  const name = basename(path);
  try {
    const text = await withDeadline(name, DEADLINE_MS, () => readFile(path, "utf8"));
    return { name, stats: analyze(text) };
  } catch (e) {
    const err = e as { code?: string; message: string };
    const reason = err.code === "ENOENT" ? "no such file" : (err.code ?? err.message);
    return { name, error: reason };
  }
}

// A mirror that answers after `delayMs`: with a shorter deadline, it is
// abandoned (and its pending answer never waited for).
async function readSlowMirror(name: string, delayMs: number, deadlineMs: number): Promise<Outcome> {
  try {
    const text = await withDeadline(name, deadlineMs, async (cancelled) => {
      for (let waited = 0; waited < delayMs; waited += 10) {
        if (cancelled()) throw new Error("cancelled");
        await sleep(10);
      }
      return "a late answer\n";
    });
    return { name, stats: analyze(text) };
  } catch (e) {
    return { name, error: (e as Error).message };
  }
}

function topWords(counts: Map<string, number>, n: number): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([w, c]) => `${w} (${c})`)
    .join(", ");
}

const here = dirname(process.argv[1]);
const args = process.argv.slice(2);
const files = args.length > 0 ? args : ["harbor.txt", "orchard.txt", "station.txt", "lighthouse.txt"].map((f) => join(here, "data", f));

const outcomes = await Promise.all([
  ...files.map(readSource),
  ...(args.length > 0 ? [] : [readSlowMirror("mirror.example", 1000, 30)]),
]);

console.log(`read ${outcomes.length} sources concurrently\n`);
console.log(`${"source".padEnd(16)}${"lines".padStart(6)}${"words".padStart(7)}${"chars".padStart(7)}  most common`);
const total = { lines: 0, words: 0, chars: 0, counts: new Map<string, number>() };
let failed = 0;
for (const o of outcomes) {
  if ("error" in o) {
    failed++;
    console.log(`${o.name.padEnd(16)}  error: ${o.error}`);
    continue;
  }
  const s = o.stats;
  console.log(
    `${o.name.padEnd(16)}${String(s.lines).padStart(6)}${String(s.words).padStart(7)}${String(s.chars).padStart(7)}  ${topWords(s.counts, 2)}`,
  );
  total.lines += s.lines;
  total.words += s.words;
  total.chars += s.chars;
  for (const [w, c] of s.counts) total.counts.set(w, (total.counts.get(w) ?? 0) + c);
}
console.log(
  `${"total".padEnd(16)}${String(total.lines).padStart(6)}${String(total.words).padStart(7)}${String(total.chars).padStart(7)}  ${topWords(total.counts, 3)}`,
);
console.log(`\n${outcomes.length - failed} read, ${failed} failed; ${total.counts.size} distinct words`);
