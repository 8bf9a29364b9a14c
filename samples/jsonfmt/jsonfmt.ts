// A JSON validator and pretty-printer: reports why a document is invalid,
// or prints it with sorted keys.
//   kiln dev samples/jsonfmt/jsonfmt.ts FILE...
import { readFileSync } from "node:fs";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

let failures = 0;
const files = process.argv.slice(2);
for (const file of files) {
  const text = readFileSync(file, "utf8");
  try {
    const doc = JSON.parse(text) as Json;
    console.log(`${file}: valid`);
    console.log(JSON.stringify(sortKeys(doc), null, 2));
  } catch (e) {
    failures++;
    console.log(`${file}: invalid: ${(e as Error).message}`);
  }
}
process.exitCode = failures > 0 ? 1 : 0;
