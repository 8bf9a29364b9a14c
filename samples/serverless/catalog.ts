// The shop's reference data, computed at module top level: a catalog of 320
// products generated from a fixed seed (the same on every build), a price
// list per currency, tax rates per region and product category, discount
// tiers and coupons. `kiln compile` runs all of it at build time, so a
// request starts with the tables built.

export type Category = "book" | "food" | "electronics" | "apparel" | "toy";
export type Currency = "USD" | "CAD" | "EUR" | "GBP";

export interface Product {
  sku: string;
  name: string;
  category: Category;
  stock: number; // units in the warehouse
}

export interface Region {
  code: string;
  name: string;
  currency: Currency;
  taxBp: { [C in Category]: number }; // basis points: 725 = 7.25 %
  shippingCents: number;
  freeShippingFromCents: number;
}

export type Coupon =
  | { code: string; kind: "percent"; bp: number; category?: Category }
  | { code: string; kind: "amount"; cents: number; minSubtotalCents: number }
  | { code: string; kind: "freeShipping" };

export interface DiscountTier {
  fromCents: number;
  bp: number;
}

// ---- products ---------------------------------------------------------------

interface CategorySpec {
  category: Category;
  prefix: string;
  nouns: readonly string[];
  minCents: number;
  maxCents: number;
}

const categorySpecs: readonly CategorySpec[] = [
  { category: "book", prefix: "BK", nouns: ["Atlas", "Cookbook", "Novel", "Handbook", "Anthology", "Field Guide", "Primer", "Memoir"], minCents: 799, maxCents: 4999 },
  { category: "food", prefix: "FD", nouns: ["Coffee Beans", "Green Tea", "Olive Oil", "Honey", "Dark Chocolate", "Granola", "Pasta", "Maple Syrup"], minCents: 299, maxCents: 2499 },
  { category: "electronics", prefix: "EL", nouns: ["Headphones", "Charger", "Keyboard", "Speaker", "Webcam", "Power Bank", "Mouse", "Monitor Arm"], minCents: 1499, maxCents: 34999 },
  { category: "apparel", prefix: "AP", nouns: ["Rain Jacket", "Wool Socks", "T-Shirt", "Hoodie", "Beanie", "Scarf", "Sneakers", "Gloves"], minCents: 999, maxCents: 18999 },
  { category: "toy", prefix: "TY", nouns: ["Puzzle", "Kite", "Building Set", "Yo-Yo", "Board Game", "Plush Fox", "Marble Run", "Card Game"], minCents: 499, maxCents: 8999 },
];
const adjectives = ["Classic", "Compact", "Deluxe", "Everyday", "Travel", "Studio", "Organic", "Premium"];
export const PRODUCTS_PER_CATEGORY = 64;

// xorshift32 with a fixed seed: deterministic, and the same sequence in node.
let seed = 0x9e3779b9 | 0;
function nextRandom(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

const usdCents = new Map<string, number>();
export const products = new Map<string, Product>();
for (const spec of categorySpecs) {
  for (let i = 0; i < PRODUCTS_PER_CATEGORY; i++) {
    const sku = `${spec.prefix}-${1000 + i * 7}`;
    const name = `${adjectives[i % adjectives.length]} ${spec.nouns[Math.floor(i / adjectives.length) % spec.nouns.length]}`;
    // Prices end in .99, like a shop's.
    const dollars = Math.floor((spec.minCents + nextRandom() * (spec.maxCents - spec.minCents)) / 100);
    usdCents.set(sku, dollars * 100 + 99);
    products.set(sku, { sku, name, category: spec.category, stock: Math.floor(nextRandom() * 40) });
  }
}

// ---- prices per currency ----------------------------------------------------

// Fixed list rates (the shop's, reviewed monthly): the local price is the USD
// price converted and rounded up to the next .49 or .99.
const usdTo: { [C in Currency]: number } = { USD: 1, CAD: 1.37, EUR: 0.92, GBP: 0.79 };

function localPrice(usd: number, rate: number): number {
  const cents = Math.ceil(usd * rate);
  const whole = Math.floor(cents / 100) * 100;
  return cents - whole <= 49 ? whole + 49 : whole + 99;
}

export const priceLists = new Map<Currency, Map<string, number>>();
for (const currency of Object.keys(usdTo) as Currency[]) {
  const list = new Map<string, number>();
  for (const [sku, usd] of usdCents) list.set(sku, currency === "USD" ? usd : localPrice(usd, usdTo[currency]));
  priceLists.set(currency, list);
}

// ---- regions and taxes ------------------------------------------------------

function rates(standard: number, reduced: { [C in Category]?: number }): { [C in Category]: number } {
  return {
    book: reduced.book ?? standard,
    food: reduced.food ?? standard,
    electronics: reduced.electronics ?? standard,
    apparel: reduced.apparel ?? standard,
    toy: reduced.toy ?? standard,
  };
}

const regionList: Region[] = [
  { code: "US-CA", name: "California", currency: "USD", taxBp: rates(725, { food: 0 }), shippingCents: 599, freeShippingFromCents: 5000 },
  { code: "US-NY", name: "New York", currency: "USD", taxBp: rates(400, { food: 0 }), shippingCents: 599, freeShippingFromCents: 5000 },
  { code: "US-TX", name: "Texas", currency: "USD", taxBp: rates(625, { food: 0 }), shippingCents: 599, freeShippingFromCents: 5000 },
  { code: "US-OR", name: "Oregon", currency: "USD", taxBp: rates(0, {}), shippingCents: 799, freeShippingFromCents: 5000 },
  { code: "CA-ON", name: "Ontario", currency: "CAD", taxBp: rates(1300, { food: 0, book: 500 }), shippingCents: 999, freeShippingFromCents: 7500 },
  { code: "CA-QC", name: "Quebec", currency: "CAD", taxBp: rates(1498, { food: 0, book: 500 }), shippingCents: 999, freeShippingFromCents: 7500 },
  { code: "DE", name: "Germany", currency: "EUR", taxBp: rates(1900, { food: 700, book: 700 }), shippingCents: 499, freeShippingFromCents: 4000 },
  { code: "FR", name: "France", currency: "EUR", taxBp: rates(2000, { food: 550, book: 550 }), shippingCents: 499, freeShippingFromCents: 4500 },
  { code: "NL", name: "Netherlands", currency: "EUR", taxBp: rates(2100, { food: 900, book: 900 }), shippingCents: 499, freeShippingFromCents: 4000 },
  { code: "GB", name: "United Kingdom", currency: "GBP", taxBp: rates(2000, { food: 0, book: 0 }), shippingCents: 399, freeShippingFromCents: 4000 },
];
export const regions = new Map<string, Region>(regionList.map((r) => [r.code, r]));
export const regionCodes: readonly string[] = regionList.map((r) => r.code);

// ---- discounts --------------------------------------------------------------

// Volume discount on the subtotal (in the order's currency), highest first.
export const discountTiers: readonly DiscountTier[] = [
  { fromCents: 100000, bp: 1200 },
  { fromCents: 50000, bp: 800 },
  { fromCents: 25000, bp: 500 },
];

export const coupons = new Map<string, Coupon>(
  [
    { code: "WELCOME10", kind: "percent", bp: 1000 },
    { code: "BOOKS20", kind: "percent", bp: 2000, category: "book" },
    { code: "SAVE15", kind: "amount", cents: 1500, minSubtotalCents: 10000 },
    { code: "FREESHIP", kind: "freeShipping" },
  ].map((c) => [c.code, c as Coupon]),
);

export function priceOf(currency: Currency, sku: string): number {
  return priceLists.get(currency)!.get(sku)!;
}
