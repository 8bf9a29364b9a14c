// Heavy initialization: the tables a service would build at startup (primes
// up to two million, a 200,000-item price catalog, a CRC-32 table), all at
// module top level with no I/O, clock or randomness, so `kiln compile` runs
// every bit of it at build time and the image starts with the tables built.
// Then one summary line, and lookups driven by the arguments.
//   kiln dev samples/heavyinit/heavyinit.ts [1999993] [SKU-104729] ...
//   bench/startup.sh measures it from source, from an image and bundled.

const PRIME_LIMIT = 2_000_000;
const CATALOG_SIZE = 200_000;

// Sieve of Eratosthenes: composite[n] is 1 for every composite n.
function sieve(limit: number): Uint8Array {
  const composite = new Uint8Array(limit + 1);
  composite[0] = composite[1] = 1;
  for (let i = 2; i * i <= limit; i++) {
    if (composite[i] === 0) {
      for (let j = i * i; j <= limit; j += i) composite[j] = 1;
    }
  }
  return composite;
}

const composite = sieve(PRIME_LIMIT);
const primes: number[] = [];
for (let n = 2; n <= PRIME_LIMIT; n++) if (composite[n] === 0) primes.push(n);

// prime -> its 1-based index, so a lookup answers "the k-th prime".
const primeIndex: Map<number, number> = new Map();
primes.forEach((p, i) => primeIndex.set(p, i + 1));

// The standard CRC-32 (IEEE, reflected) table.
const crcTable: number[] = [];
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  crcTable.push(c >>> 0);
}

function crc32(text: string, crc: number): number {
  crc = ~crc;
  for (let i = 0; i < text.length; i++) crc = crcTable[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

// A deterministic catalog: SKU-nnnnnn -> price in cents, from a fixed-seed
// xorshift generator (the same numbers on every build and in node).
let seed = 0x2545f491;
function nextRandom(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

const catalog: Map<string, number> = new Map();
let totalCents = 0;
let catalogCrc = 0;
for (let i = 0; i < CATALOG_SIZE; i++) {
  const sku = "SKU-" + String(i).padStart(6, "0");
  const cents = 99 + (nextRandom() % 99_900);
  catalog.set(sku, cents);
  totalCents += cents;
  catalogCrc = crc32(sku + ":" + cents, catalogCrc);
}

const dollars = (cents: number): string => `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;

const summary =
  `${primes.length} primes below ${PRIME_LIMIT} (largest ${primes[primes.length - 1]}), ` +
  `${catalog.size} catalog items totalling ${dollars(totalCents)}, ` +
  `crc32 ${catalogCrc.toString(16).padStart(8, "0")}`;

console.log(summary);

function lookup(query: string): string {
  if (/^\d+$/.test(query)) {
    const k = primeIndex.get(Number(query));
    return k === undefined ? `${query} is not a prime below ${PRIME_LIMIT}` : `${query} is prime #${k}`;
  }
  const cents = catalog.get(query);
  return cents === undefined ? `${query}: no such item` : `${query}: ${dollars(cents)}`;
}

const queries = process.argv.length > 2 ? process.argv.slice(2) : ["1999993", "1000000", "SKU-104729", "SKU-999999"];
console.log(queries.map(lookup).join("; "));
