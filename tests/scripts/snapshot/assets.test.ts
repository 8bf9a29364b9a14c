// kiln:assets: files stored by --embed-assets (this test's .flags gives
// `--embed-assets assets` to kiln dev and kiln compile alike).
import { readAsset, listAssets } from "kiln:assets";

// Read at build time's end: the table is parsed after the pause, at run time.
const table = JSON.parse(readAsset("data/table.json"));
console.log(listAssets());
console.log(readAsset("greeting.txt").trim());
console.log(table.pi, table.primes.reduce((a: number, b: number) => a + b, 0));
const bytes = readAsset("greeting.txt", "bytes");
console.log(bytes instanceof Uint8Array, bytes.length, bytes[0], bytes[bytes.length - 1]);
for (const bad of ["missing.txt", "../assets.test.ts"]) {
  try {
    readAsset(bad);
  } catch (e) {
    console.log((e as any).code, (e as Error).message);
  }
}
try {
  readAsset("greeting.txt", "hex" as any);
} catch (e) {
  console.log((e as any).code, (e as Error).message);
}
