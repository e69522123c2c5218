import * as fs from "fs";
import { Offer, OfferProduct, readOffer, usdPrices } from "./offer-file";
import { PRICE_FILE, PriceEntry, PriceTable } from "./price-table";

/**
 * `npm run cost -- --refresh-prices`: rewrites the entries of pricing/aws-prices.json that the AWS
 * Price List bulk files hold, for every region the table prices, and records the date. The bulk
 * files are public (no credentials). Entries no rule below maps keep their recalled figure and
 * their basis says so.
 */

export const PRICE_LIST_BASE = "https://pricing.us-east-1.amazonaws.com";
const PRICE_LIST_INDEX = "/offers/v1.0/aws/index.json";

/** How one table entry is found in one service's offer file. */
export interface PriceRule {
  /** Key in pricing/aws-prices.json. */
  readonly key: string;
  /** Price List service code (offer code). */
  readonly service: string;
  /** Unit the price dimension must have ("Hrs", "GB-Mo", "GB", "LCU-Hrs"). */
  readonly unit: string;
  /**
   * The variant a product prices, or undefined when the product is not this entry's: the instance
   * class for sized entries, "" for entries with one figure per region.
   */
  readonly variant: (p: OfferProduct) => string | undefined;
}

/**
 * usagetype carries a region prefix everywhere but us-east-1 (USE1- is omitted there, EUC1- is
 * Frankfurt): the suffix is what a rule matches, exactly, so that RegionalNatGateway-Hours is not
 * NatGateway-Hours and Fargate-ARM-GB-Hours is not Fargate-GB-Hours.
 */
export const usageIs = (p: OfferProduct, suffix: string): boolean => {
  const u = p.attributes.usagetype ?? "";
  return u === suffix || (u.endsWith(`-${suffix}`) && /^[A-Z]{2,4}\d?$/.test(u.slice(0, u.length - suffix.length - 1)));
};

const byUsage =
  (variants: Readonly<Record<string, string>>) =>
  (p: OfferProduct): string | undefined =>
    Object.entries(variants).find(([, suffix]) => usageIs(p, suffix))?.[0];

export const PRICE_RULES: readonly PriceRule[] = [
  {
    key: "rds.postgres.instanceHour",
    service: "AmazonRDS",
    unit: "Hrs",
    variant: (p) =>
      p.productFamily === "Database Instance" &&
      p.attributes.databaseEngine === "PostgreSQL" &&
      p.attributes.deploymentOption === "Single-AZ"
        ? p.attributes.instanceType
        : undefined,
  },
  {
    key: "rds.storageGbMonth",
    service: "AmazonRDS",
    unit: "GB-Mo",
    variant: byUsage({ gp3: "RDS:GP3-Storage", gp2: "RDS:GP2-Storage" }),
  },
  { key: "rds.backupGbMonth", service: "AmazonRDS", unit: "GB-Mo", variant: byUsage({ "": "RDS:ChargedBackupUsage" }) },
  {
    key: "elasticache.nodeHour",
    service: "AmazonElastiCache",
    unit: "Hrs",
    variant: (p) => (p.productFamily === "Cache Instance" && p.attributes.cacheEngine === "Redis" ? p.attributes.instanceType : undefined),
  },
  // Fargate is priced in the AmazonECS offer (there is no AWSFargate offer code).
  {
    key: "fargate.vcpuHour",
    service: "AmazonECS",
    unit: "hours",
    variant: byUsage({ X86_64: "Fargate-vCPU-Hours:perCPU", ARM64: "Fargate-ARM-vCPU-Hours:perCPU" }),
  },
  {
    key: "fargate.gbHour",
    service: "AmazonECS",
    unit: "hours",
    variant: byUsage({ X86_64: "Fargate-GB-Hours", ARM64: "Fargate-ARM-GB-Hours" }),
  },
  {
    key: "elb.albHour",
    service: "AWSELB",
    unit: "Hrs",
    variant: (p) => (p.productFamily === "Load Balancer-Application" && usageIs(p, "LoadBalancerUsage") ? "" : undefined),
  },
  {
    key: "elb.albLcuHour",
    service: "AWSELB",
    unit: "LCU-Hrs",
    variant: (p) => (p.productFamily === "Load Balancer-Application" && usageIs(p, "LCUUsage") ? "" : undefined),
  },
  {
    key: "elb.nlbHour",
    service: "AWSELB",
    unit: "Hrs",
    variant: (p) => (p.productFamily === "Load Balancer-Network" && usageIs(p, "LoadBalancerUsage") ? "" : undefined),
  },
  {
    key: "vpc.natGatewayHour",
    service: "AmazonEC2",
    unit: "Hrs",
    variant: (p) => (p.productFamily === "NAT Gateway" && usageIs(p, "NatGateway-Hours") ? "" : undefined),
  },
  {
    key: "vpc.natGatewayGb",
    service: "AmazonEC2",
    unit: "GB",
    variant: (p) => (p.productFamily === "NAT Gateway" && usageIs(p, "NatGateway-Bytes") ? "" : undefined),
  },
];

/** A network or format failure: the command exits 1 with this message and writes nothing. */
export class PriceListError extends Error {}

export type Fetcher = (url: string) => Promise<AsyncIterable<Uint8Array>>;

/** Streams a URL's body; a failed connection or an HTTP error status is a PriceListError naming the URL. */
const httpFetcher: Fetcher = async (url) => {
  let res: Response | undefined;
  // A connection reset (a kept-alive socket the server closed) is retried; an HTTP status is not.
  for (let attempt = 1; !res; attempt++) {
    try {
      res = await fetch(url);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === "ECONNRESET" && attempt < 3) continue;
      throw new PriceListError(`${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
  }
  if (!res.ok || !res.body) throw new PriceListError(`${url}: HTTP ${res.status} ${res.statusText}`);
  return res.body as unknown as AsyncIterable<Uint8Array>;
};

export interface RefreshOptions {
  /** @default PRICE_LIST_BASE ("https://pricing.us-east-1.amazonaws.com") */
  readonly base?: string;
  /** @default PRICE_FILE (pricing/aws-prices.json) */
  readonly file?: string;
  /** Regions to read (default: the table's regions). @default - the table's regions */
  readonly regions?: readonly string[];
  /** @default - httpFetcher (HTTPS to the AWS price list) */
  readonly fetcher?: Fetcher;
  /** The date written to the table (default today, UTC). @default - today, UTC */
  readonly today?: string;
  /** @default - no progress lines */
  readonly log?: (line: string) => void;
}

export interface RefreshResult {
  readonly table: PriceTable & { readonly refreshed: string };
  readonly updated: readonly string[];
  /** Entries or variants the price list did not give one price for; their old figure is kept. */
  readonly kept: readonly string[];
}

/** Picks the one price of each variant a rule finds in one region's offer; ambiguity is reported, never guessed. */
export function pricesFromOffer(rule: PriceRule, offer: Offer): { prices: Map<string, number>; problems: string[] } {
  const found = new Map<string, Set<number>>();
  for (const p of offer.products.values()) {
    const variant = rule.variant(p);
    if (variant === undefined) continue;
    for (const d of usdPrices(offer, p.sku)) {
      // Tiered dimensions (NAT data has one tier, S3 several): the first tier is the list price.
      if (d.unit !== rule.unit || (d.beginRange !== undefined && d.beginRange !== "0")) continue;
      found.set(variant, (found.get(variant) ?? new Set()).add(d.usd));
    }
  }
  const prices = new Map<string, number>();
  const problems: string[] = [];
  for (const [variant, set] of found) {
    if (set.size === 1) prices.set(variant, [...set][0]);
    else
      problems.push(`${rule.key}${variant ? ` ${variant}` : ""}: ${set.size} different prices (${[...set].join(", ")}) in ${rule.service}`);
  }
  return { prices, problems };
}

/** Reads every service and region the rules need and returns the rewritten table; writes nothing. */
export async function refreshedTable(current: PriceTable, options: RefreshOptions = {}): Promise<RefreshResult> {
  const base = options.base ?? PRICE_LIST_BASE;
  const fetcher = options.fetcher ?? httpFetcher;
  const log = options.log ?? (() => undefined);
  const regions = options.regions ?? current.regions;
  const today = options.today ?? new Date().toISOString().slice(0, 10);

  // The index names every offer code: a renamed or missing service fails here, before the large files.
  const index = (await readJson(await fetcher(`${base}${PRICE_LIST_INDEX}`), `${base}${PRICE_LIST_INDEX}`)) as {
    offers?: Record<string, unknown>;
  };
  const services = [...new Set(PRICE_RULES.map((r) => r.service))];
  const missing = services.filter((s) => !index.offers?.[s]);
  if (missing.length)
    throw new PriceListError(
      `${base}${PRICE_LIST_INDEX} lists no offer ${missing.join(", ")}: the Price List changed; update PRICE_RULES in tools/cost/price-list.ts`,
    );

  const prices = new Map<string, Map<string, Map<string, number>>>(); // key -> region -> variant -> USD
  const published = new Map<string, string>(); // key -> publicationDate
  const kept: string[] = [];
  for (const service of services) {
    const rules = PRICE_RULES.filter((r) => r.service === service);
    for (const region of regions) {
      const url = `${base}/offers/v1.0/aws/${service}/current/${region}/index.json`;
      log(`reading ${url}`);
      let offer: Offer;
      try {
        offer = await readOffer(await fetcher(url), (p) => rules.some((r) => r.variant(p) !== undefined));
      } catch (e) {
        throw e instanceof PriceListError ? e : new PriceListError(`${url}: ${(e as Error).message}`);
      }
      if (offer.offerCode !== undefined && offer.offerCode !== service)
        throw new PriceListError(`${url}: offerCode is ${offer.offerCode}, expected ${service}`);
      for (const rule of rules) {
        const { prices: found, problems } = pricesFromOffer(rule, offer);
        kept.push(...problems.map((p) => `${p} (${region})`));
        const byRegion = prices.get(rule.key) ?? new Map<string, Map<string, number>>();
        byRegion.set(region, found);
        prices.set(rule.key, byRegion);
        if (offer.publicationDate) published.set(rule.key, offer.publicationDate);
      }
    }
  }

  const entries: Record<string, PriceEntry> = { ...current.prices };
  const updated: string[] = [];
  for (const rule of PRICE_RULES) {
    const old = current.prices[rule.key];
    if (!old) continue;
    const byRegion = prices.get(rule.key)!;
    const regionsOut: Record<string, number | Record<string, number>> = { ...(old.regions ?? {}) };
    let changedAny = false;
    for (const region of regions) {
      const found = byRegion.get(region) ?? new Map<string, number>();
      const before = old.regions?.[region] ?? old.global;
      if (typeof before === "object") {
        // Only the variants the model already prices: the table stays the size a reader can check.
        const variants: Record<string, number> = { ...before };
        for (const v of Object.keys(before)) {
          if (found.has(v)) {
            variants[v] = found.get(v)!;
            changedAny = true;
          } else kept.push(`${rule.key} ${v}: not in the ${rule.service} offer for ${region}`);
        }
        regionsOut[region] = variants;
      } else if (found.has("")) {
        regionsOut[region] = found.get("")!;
        changedAny = true;
      } else {
        kept.push(`${rule.key}: not in the ${rule.service} offer for ${region}`);
      }
    }
    if (!changedAny) continue;
    const publication = published.get(rule.key)?.slice(0, 10) ?? today;
    entries[rule.key] = {
      ...old,
      regions: regionsOut,
      source: `${base}/offers/v1.0/aws/${rule.service}/current/<region>/index.json`,
      asOf: publication.slice(0, 7),
      basis: `AWS Price List bulk file ${rule.service}, publicationDate ${publication}, read ${today} (npm run cost -- --refresh-prices)`,
    };
    updated.push(rule.key);
  }
  const recalled = Object.keys(entries).filter((k) => !updated.includes(k));
  const table = {
    ...current,
    about: `AWS on-demand list prices in USD used by \`npm run cost\`. Refreshed ${today} from the AWS Price List bulk files (${PRICE_LIST_BASE}${PRICE_LIST_INDEX}) for ${updated.length} entries (their basis names the offer file and its publicationDate); the other ${recalled.length} are not in a rule of tools/cost/price-list.ts and keep the figure recalled without web access (basis 'recalled' or 'derived'): check those against their source before budgeting.`,
    refreshed: today,
    prices: JSON.parse(JSON.stringify(entries)) as Record<string, PriceEntry>,
  };
  return { table, updated, kept };
}

async function readJson(body: AsyncIterable<Uint8Array>, url: string): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  try {
    return JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch (e) {
    throw new PriceListError(`${url}: not JSON (${(e as Error).message})`);
  }
}

/** Refreshes the file in place, only after every service and region was read. */
export async function refreshPriceFile(options: RefreshOptions = {}): Promise<RefreshResult> {
  const file = options.file ?? PRICE_FILE;
  const current = JSON.parse(fs.readFileSync(file, "utf8")) as PriceTable;
  const result = await refreshedTable(current, options);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(result.table, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return result;
}

/** The sentence the cost report prints about where its prices come from. */
export function priceProvenance(table: PriceTable & { readonly refreshed?: string }): string {
  const recalled = [
    ...new Set(
      Object.values(table.prices)
        .filter((p) => !p.basis.startsWith("AWS Price List"))
        .map((p) => p.asOf),
    ),
  ].sort();
  const fetched = Object.values(table.prices).filter((p) => p.basis.startsWith("AWS Price List")).length;
  const recalledCount = Object.keys(table.prices).length - fetched;
  if (!table.refreshed || fetched === 0)
    return `AWS on-demand list prices as of ${recalled.join(", ")}, from memory, not fetched (npm run cost -- --refresh-prices reads the AWS Price List): check before budgeting`;
  return `${fetched} entries from the AWS Price List read ${table.refreshed}; ${recalledCount} recalled as of ${recalled.join(", ")}, not fetched: check those before budgeting`;
}
