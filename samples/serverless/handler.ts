// A serverless order handler for kiln's embedding API (include/kiln/kiln.h).
//
// Everything at module top level is pure computation (the catalog and price
// lists in catalog.ts, the order schema compiled into validator closures
// below), so `kiln compile` runs it at build time and every request starts
// from the initialized heap. A host calls the exports with kiln_execute:
//
//   handle(order)       validates a JSON order and returns an invoice, or
//                       { ok: false, errors: [{ path, message }] }; throws a
//                       TypeError when the order is not an object at all
//   handleAsync(order)  the same, then reserves the stock (an awaited call
//                       standing in for an inventory service)
//   stats()             what the image holds, and the requests served since
//                       the last kiln_reset
//
// Amounts are integers in cents of the region's currency.
//   kiln compile samples/serverless/handler.ts -o handler.kiln
//   samples/serverless/host handler.kiln < samples/serverless/requests.jsonl
import { setTimeout as sleep } from "node:timers/promises";
import { compile, type Schema, type ValidationError } from "./schema.ts";
import {
  coupons,
  discountTiers,
  priceOf,
  products,
  regionCodes,
  regions,
  type Category,
  type Currency,
} from "./catalog.ts";

interface OrderItem {
  sku: string;
  quantity: number;
}

interface Order {
  orderId: string;
  customer: { id: string; region: string };
  items: OrderItem[];
  coupon?: string;
}

interface InvoiceLine {
  sku: string;
  name: string;
  category: Category;
  quantity: number;
  unitCents: number;
  amountCents: number;
  discountCents: number;
  taxBp: number;
  taxCents: number;
}

interface Discount {
  reason: string;
  cents: number;
}

interface Invoice {
  ok: true;
  orderId: string;
  customerId: string;
  region: string;
  currency: Currency;
  lines: InvoiceLine[];
  subtotalCents: number;
  discounts: Discount[];
  discountCents: number;
  taxCents: number;
  shippingCents: number;
  totalCents: number;
  summary: string;
}

interface Rejection {
  ok: false;
  errors: ValidationError[];
}

interface Fulfilment {
  status: "ready" | "partial";
  backordered: { sku: string; missing: number }[];
}

// ---- the request schema, compiled once --------------------------------------

const orderSchema: Schema = {
  type: "object",
  required: ["orderId", "customer", "items"],
  properties: {
    orderId: { type: "string", pattern: /^[A-Z0-9][A-Z0-9-]{3,31}$/, patternHint: "4 to 32 capital letters, digits or dashes" },
    customer: {
      type: "object",
      required: ["id", "region"],
      properties: {
        id: { type: "string", pattern: /^C-\d{4,10}$/, patternHint: "C- and 4 to 10 digits" },
        region: { type: "string", oneOf: regionCodes },
      },
    },
    items: {
      type: "array",
      minItems: 1,
      maxItems: 50,
      uniqueBy: "sku",
      items: {
        type: "object",
        required: ["sku", "quantity"],
        properties: {
          sku: { type: "string", maxLength: 16, check: (sku) => (products.has(sku) ? undefined : `unknown sku ${sku}`) },
          quantity: { type: "integer", min: 1, max: 100 },
        },
      },
    },
    coupon: { type: "string", maxLength: 32, check: (code) => (coupons.has(code) ? undefined : `unknown coupon ${code}`) },
  },
};
const validateOrder = compile(orderSchema);

// ---- pricing ----------------------------------------------------------------

// cents * bp / 10000, rounded half up (every amount here is non-negative).
function percentOf(cents: number, bp: number): number {
  return Math.floor((cents * bp + 5000) / 10000);
}

function money(cents: number, currency: Currency): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}

// Takes bp basis points off every line (of one category, if given); returns
// the cents taken.
function discountLines(lines: InvoiceLine[], bp: number, category?: Category): number {
  let taken = 0;
  for (const line of lines) {
    if (category !== undefined && line.category !== category) continue;
    const cents = percentOf(line.amountCents - line.discountCents, bp);
    line.discountCents += cents;
    taken += cents;
  }
  return taken;
}

// Spreads a fixed amount over the lines in proportion to what is left of
// each, the odd cents going to the largest remainders, so that the lines'
// taxes are computed on what the customer actually pays.
function spreadAmount(lines: InvoiceLine[], cents: number): number {
  const left = lines.map((l) => l.amountCents - l.discountCents);
  const total = left.reduce((a, b) => a + b, 0);
  const amount = Math.min(cents, total);
  if (amount === 0) return 0;
  const shares = left.map((l, index) => ({ index, cents: Math.floor((amount * l) / total), rest: (amount * l) % total }));
  let odd = amount - shares.reduce((a, s) => a + s.cents, 0);
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || a.index - b.index)) {
    if (odd === 0) break;
    s.cents++;
    odd--;
  }
  for (const s of shares) lines[s.index].discountCents += s.cents;
  return amount;
}

function price(order: Order): Invoice | Rejection {
  const region = regions.get(order.customer.region)!;
  const currency = region.currency;
  const lines: InvoiceLine[] = order.items.map((item) => {
    const product = products.get(item.sku)!;
    const unitCents = priceOf(currency, item.sku);
    return {
      sku: item.sku,
      name: product.name,
      category: product.category,
      quantity: item.quantity,
      unitCents,
      amountCents: unitCents * item.quantity,
      discountCents: 0,
      taxBp: region.taxBp[product.category],
      taxCents: 0,
    };
  });
  const subtotalCents = lines.reduce((sum, l) => sum + l.amountCents, 0);
  let shippingCents = subtotalCents >= region.freeShippingFromCents ? 0 : region.shippingCents;

  const discounts: Discount[] = [];
  const tier = discountTiers.find((t) => subtotalCents >= t.fromCents);
  if (tier) discounts.push({ reason: `volume ${tier.bp / 100}%`, cents: discountLines(lines, tier.bp) });

  if (order.coupon !== undefined) {
    const coupon = coupons.get(order.coupon)!;
    const reject = (message: string): Rejection => ({ ok: false, errors: [{ path: "coupon", message }] });
    switch (coupon.kind) {
      case "percent": {
        if (coupon.category && !lines.some((l) => l.category === coupon.category)) {
          return reject(`${coupon.code} applies to ${coupon.category} items only, and the order has none`);
        }
        discounts.push({ reason: coupon.code, cents: discountLines(lines, coupon.bp, coupon.category) });
        break;
      }
      case "amount":
        if (subtotalCents < coupon.minSubtotalCents) {
          return reject(`${coupon.code} needs a subtotal of at least ${money(coupon.minSubtotalCents, currency)}`);
        }
        discounts.push({ reason: coupon.code, cents: spreadAmount(lines, coupon.cents) });
        break;
      case "freeShipping":
        if (shippingCents === 0) return reject(`${coupon.code}: shipping is already free for this order`);
        discounts.push({ reason: coupon.code, cents: shippingCents });
        break;
    }
  }

  for (const line of lines) line.taxCents = percentOf(line.amountCents - line.discountCents, line.taxBp);
  const discountCents = discounts.reduce((sum, d) => sum + d.cents, 0);
  const taxCents = lines.reduce((sum, l) => sum + l.taxCents, 0);
  const totalCents = subtotalCents - discountCents + taxCents + shippingCents;
  const units = lines.reduce((sum, l) => sum + l.quantity, 0);
  return {
    ok: true,
    orderId: order.orderId,
    customerId: order.customer.id,
    region: region.code,
    currency,
    lines,
    subtotalCents,
    discounts,
    discountCents,
    taxCents,
    shippingCents,
    totalCents,
    summary: `${units} item${units === 1 ? "" : "s"} to ${region.name}, total ${money(totalCents, currency)}`,
  };
}

// ---- the exports --------------------------------------------------------------

// Module state a request changes. kiln_reset puts it back to the image's
// value, so stats() after a reset always starts from 0.
let served = 0;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

export function handle(order: unknown): Invoice | Rejection {
  if (order === null || typeof order !== "object" || Array.isArray(order)) {
    throw new TypeError(`handle: an order must be a JSON object, got ${describe(order)}`);
  }
  served++;
  const errors: ValidationError[] = [];
  validateOrder(order, "", errors);
  if (errors.length > 0) return { ok: false, errors };
  return price(order as Order);
}

// Stands in for the inventory service: it answers on a later turn of the
// event loop, and takes the units from the module's stock table. That
// write does not outlive the request: kiln_reset restores the image's stock.
async function reserveStock(lines: InvoiceLine[]): Promise<Fulfilment> {
  await sleep(0);
  const backordered: { sku: string; missing: number }[] = [];
  for (const line of lines) {
    const product = products.get(line.sku)!;
    const taken = Math.min(product.stock, line.quantity);
    product.stock -= taken;
    if (taken < line.quantity) backordered.push({ sku: line.sku, missing: line.quantity - taken });
  }
  return { status: backordered.length === 0 ? "ready" : "partial", backordered };
}

export async function handleAsync(order: unknown): Promise<(Invoice & { fulfilment: Fulfilment }) | Rejection> {
  const result = handle(order);
  if (!result.ok) return result;
  const fulfilment = await reserveStock(result.lines);
  return { ...result, fulfilment };
}

export function stats(): { products: number; regions: number; coupons: number; served: number } {
  return { products: products.size, regions: regions.size, coupons: coupons.size, served };
}
