import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../config/deployment";

/** pricing/aws-prices.json as the cost model reads it. */
export interface PriceEntry {
  readonly unit: string;
  readonly source: string;
  /** Month of the AWS price list the figure comes from. */
  readonly asOf: string;
  /** recalled or derived, and from what. */
  readonly basis: string;
  /**
   * By region, then (for sized things) by variant: instance class, storage class, architecture.
   * @default - none: `global` then holds the figure (a price with neither fails with MissingPrice)
   */
  readonly regions?: Readonly<Record<string, number | Readonly<Record<string, number>>>>;
  /**
   * One figure (or variants) for every region: global services and region-independent prices.
   * @default - none: only `regions` (a region it does not list fails with MissingPrice)
   */
  readonly global?: number | Readonly<Record<string, number>>;
}

export interface FreeTierEntry {
  readonly quantity: number;
  readonly unit: string;
  readonly source: string;
  readonly asOf: string;
}

export interface PriceTable {
  readonly about: string;
  readonly currency: "USD";
  readonly regions: readonly string[];
  readonly prices: Readonly<Record<string, PriceEntry>>;
  readonly freeTier: Readonly<Record<string, FreeTierEntry>>;
}

export const PRICE_FILE = path.join(ROOT, "pricing", "aws-prices.json");

/** A price the table does not hold: the resource is listed as not priced, with this message. */
export class MissingPrice extends Error {}

export function loadPriceTable(file: string = PRICE_FILE): PriceTable {
  const table = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
  for (const [key, entry] of Object.entries(table.prices)) {
    // An entry without its source or date cannot be checked, so it is refused rather than used.
    for (const field of ["unit", "source", "asOf", "basis"] as const) {
      if (typeof entry[field] !== "string" || !entry[field]) throw new Error(`${file}: prices.${key} has no ${field}`);
    }
    if (entry.regions === undefined && entry.global === undefined) throw new Error(`${file}: prices.${key} has neither regions nor global`);
  }
  return table;
}

/** Looks up one unit price; throws MissingPrice naming what is missing. */
export function unitPrice(table: PriceTable, key: string, region: string, variant?: string): number {
  const entry = table.prices[key];
  if (!entry) throw new MissingPrice(`no price ${key} in pricing/aws-prices.json`);
  const value = entry.regions?.[region] ?? entry.global;
  if (value === undefined) throw new MissingPrice(`no ${key} price for region ${region}`);
  if (typeof value === "number") return value;
  if (variant === undefined) throw new MissingPrice(`${key} needs a variant (${Object.keys(value).join(", ")})`);
  const v = value[variant];
  if (v === undefined) throw new MissingPrice(`no ${key} price for ${variant} in ${region}`);
  return v;
}
