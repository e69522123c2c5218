import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { main as costMain, spec as costSpec } from "../scripts/cost";
import { executeCommand, ParsedCommand } from "../tools/cli";
import { readOffer, usdPrices } from "../tools/cost/offer-file";
import { PRICE_RULES, priceProvenance, pricesFromOffer, refreshedTable, refreshPriceFile, usageIs } from "../tools/cost/price-list";
import { loadPriceTable, PRICE_FILE, PriceTable, unitPrice } from "../tools/cost/price-table";
import { resolveSettings } from "../config/settings";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { costJson, costMarkdown, costReport, costTable } from "../tools/cost/report";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

/**
 * The reader of AWS's Price List bulk files, against trimmed copies of real offer files
 * (__tests__/fixtures/price-list: the real structure and attribute names, a few products each, in
 * eu-central-1) served by a local HTTP server: the refresh runs end to end without the network.
 */

const FIXTURES = path.join(__dirname, "fixtures", "price-list");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

let server: http.Server;
let base = "";
const served: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    served.push(req.url ?? "");
    const m = /^\/offers\/v1\.0\/aws\/(?:index\.json|([A-Za-z0-9]+)\/current\/([a-z0-9-]+)\/index\.json)$/.exec(req.url ?? "");
    const file = m && (m[1] ? `${m[1]}.${m[2]}.json` : "index.json");
    if (!file || !fs.existsSync(path.join(FIXTURES, file))) {
      res.writeHead(404).end("not found");
      return;
    }
    // Small writes, so the reader sees products and terms cut across chunks.
    const body = fixture(file);
    res.writeHead(200, { "content-type": "application/json" });
    for (let i = 0; i < body.length; i += 977) res.write(body.slice(i, i + 977));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const current = (): PriceTable => JSON.parse(fs.readFileSync(PRICE_FILE, "utf8")) as PriceTable;
const EU = ["eu-central-1"];

describe("offer-file reader", () => {
  test.each([1, 7, 64, 100_000])("reads products and on-demand terms whatever the chunk size (%s)", async (size) => {
    const text = fixture("AmazonRDS.eu-central-1.json");
    const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size)));
    const offer = await readOffer(chunks, (p) => p.productFamily === "Database Instance");
    expect([offer.formatVersion, offer.offerCode, offer.publicationDate]).toEqual(["v1.0", "AmazonRDS", "2026-11-20T18:04:11Z"]);
    expect([...offer.products.keys()].sort()).toEqual(["2DNDRP7N8XJ4Q3TM", "8QWQ3RDFKSUVM4MW", "K4CS3G2PHCRXHXHU", "Z7T4G5KCUQ4JD6XB"]);
    // Terms only for kept products, on-demand only (the Reserved upfront fee of 999 is not read).
    expect([...offer.onDemand.keys()].sort()).toEqual([...offer.products.keys()].sort());
    expect(usdPrices(offer, "2DNDRP7N8XJ4Q3TM")).toEqual([{ unit: "Hrs", usd: 0.074, beginRange: "0" }]);
  });

  test.each([1, 3, 50])(
    "an escaped quote, a backslash and unbalanced brackets inside a string are text, not structure (chunks of %s)",
    async (size) => {
      const text = fixture("AWSELB.eu-central-1.json").replace(
        '"groupDescription" : "LoadBalancer hourly usage by Application Load Balancer"',
        '"groupDescription" : "a \\"quote {brace [x \\\\ \\u00e9 end"',
      );
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
      const offer = await readOffer(chunks, (p) => p.attributes.usagetype === "EUC1-LoadBalancerUsage");
      expect(offer.products.get("A4DNYYFH2SM8W8VT")?.attributes.groupDescription).toBe('a "quote {brace [x \\ \u00e9 end');
      expect([...offer.products.keys()].sort()).toEqual(["5K6PMV6FSSUWXHD3", "A4DNYYFH2SM8W8VT", "G9X7VJ8AWB8V3PXN"]);
      expect(usdPrices(offer, "A4DNYYFH2SM8W8VT")).toEqual([{ unit: "Hrs", usd: 0.027, beginRange: "0" }]);
    },
  );

  test("a truncated download is an error, not a partial table", async () => {
    const text = fixture("AWSELB.eu-central-1.json");
    await expect(readOffer([text.slice(0, text.length - 40)], () => true)).rejects.toThrow(/ended early.*truncated download/);
  });

  test("usagetype matches its exact suffix after a region prefix (us-east-1 has none)", () => {
    const p = (usagetype: string) => ({ sku: "x", attributes: { usagetype } });
    expect(usageIs(p("NatGateway-Hours"), "NatGateway-Hours")).toBe(true);
    expect(usageIs(p("EUC1-NatGateway-Hours"), "NatGateway-Hours")).toBe(true);
    expect(usageIs(p("EU-NatGateway-Hours"), "NatGateway-Hours")).toBe(true);
    expect(usageIs(p("EUC1-RegionalNatGateway-Hours"), "NatGateway-Hours")).toBe(false);
    expect(usageIs(p("EUC1-Fargate-ARM-GB-Hours"), "Fargate-GB-Hours")).toBe(false);
  });
});

describe("rules: which product prices which table entry", () => {
  const offerOf = (service: string) => readOffer([fixture(`${service}.eu-central-1.json`)], () => true);
  const found = async (key: string) => {
    const rule = PRICE_RULES.find((r) => r.key === key)!;
    return Object.fromEntries(pricesFromOffer(rule, await offerOf(rule.service)).prices);
  };

  test("RDS: PostgreSQL Single-AZ instance hours by class (not Multi-AZ, not MySQL); gp3/gp2 storage; backup", async () => {
    expect(await found("rds.postgres.instanceHour")).toEqual({ "db.t4g.medium": 0.074, "db.r6g.large": 0.268 });
    expect(await found("rds.storageGbMonth")).toEqual({ gp3: 0.137, gp2: 0.133 });
    expect(await found("rds.backupGbMonth")).toEqual({ "": 0.095 });
  });

  test("ElastiCache Redis nodes (not Memcached); Fargate by architecture (not Windows, not ephemeral storage)", async () => {
    expect(await found("elasticache.nodeHour")).toEqual({ "cache.t4g.micro": 0.018, "cache.r6g.large": 0.239 });
    expect(await found("fargate.vcpuHour")).toEqual({ X86_64: 0.04656, ARM64: 0.03725 });
    expect(await found("fargate.gbHour")).toEqual({ X86_64: 0.00511, ARM64: 0.00409 });
  });

  test("ELB: ALB hours and LCUs, NLB hours (not the Classic load balancer); NAT gateway hours and GB (not the regional NAT gateway)", async () => {
    expect(await found("elb.albHour")).toEqual({ "": 0.027 });
    expect(await found("elb.albLcuHour")).toEqual({ "": 0.009 });
    expect(await found("elb.nlbHour")).toEqual({ "": 0.027 });
    expect(await found("vpc.natGatewayHour")).toEqual({ "": 0.052 });
    expect(await found("vpc.natGatewayGb")).toEqual({ "": 0.052 });
  });

  test("two different prices for one variant are reported, never guessed", async () => {
    const text = fixture("AmazonElastiCache.eu-central-1.json").replace('"cacheEngine" : "Memcached"', '"cacheEngine" : "Redis"');
    const rule = PRICE_RULES.find((r) => r.key === "elasticache.nodeHour")!;
    const r = pricesFromOffer(rule, await readOffer([text], () => true));
    expect(r.prices.has("cache.t4g.micro")).toBe(false);
    expect(r.problems).toEqual([expect.stringMatching(/^elasticache\.nodeHour cache\.t4g\.micro: 2 different prices \(0\.018, 0\.017\)/)]);
  });
});

describe("refresh against a local copy of the Price List", () => {
  test("rewrites the mapped entries of the read regions with the date; everything else is kept", async () => {
    const before = current();
    const { table, updated, kept } = await refreshedTable(before, { base, regions: EU, today: "2026-12-07" });
    expect(updated).toEqual(PRICE_RULES.map((r) => r.key));
    expect(table.refreshed).toBe("2026-12-07");
    expect(table.about).toMatch(/^AWS on-demand list prices in USD used by `npm run cost`\. Refreshed 2026-12-07 from the AWS Price List/);
    const price = (key: string, region: string, variant?: string) => unitPrice(table, key, region, variant);
    expect(price("rds.postgres.instanceHour", "eu-central-1", "db.t4g.medium")).toBe(0.074);
    expect(price("fargate.vcpuHour", "eu-central-1", "ARM64")).toBe(0.03725);
    expect(price("vpc.natGatewayHour", "eu-central-1")).toBe(0.052);
    // A region not read and a variant the offer lacks keep their old figure, and the kept list says so.
    expect(price("rds.postgres.instanceHour", "us-east-1", "db.t4g.medium")).toBe(
      unitPrice(before, "rds.postgres.instanceHour", "us-east-1", "db.t4g.medium"),
    );
    expect(price("rds.postgres.instanceHour", "eu-central-1", "db.t4g.micro")).toBe(
      unitPrice(before, "rds.postgres.instanceHour", "eu-central-1", "db.t4g.micro"),
    );
    expect(kept).toContain("rds.postgres.instanceHour db.t4g.micro: not in the AmazonRDS offer for eu-central-1");
    // Only the variants the model prices: the offer's extra classes are not added.
    expect(Object.keys(table.prices["elasticache.nodeHour"].regions!["eu-central-1"] as object)).toEqual(
      Object.keys(before.prices["elasticache.nodeHour"].regions!["eu-central-1"] as object),
    );
    const rds = table.prices["rds.postgres.instanceHour"];
    expect([rds.asOf, rds.basis, rds.source]).toEqual([
      "2026-11",
      "AWS Price List bulk file AmazonRDS, publicationDate 2026-11-20, read 2026-12-07 (npm run cost -- --refresh-prices)",
      "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/<region>/index.json".replace(
        "https://pricing.us-east-1.amazonaws.com",
        base,
      ),
    ]);
    expect(table.prices["kms.keyMonth"]).toEqual(before.prices["kms.keyMonth"]);
    expect(served).toEqual(
      expect.arrayContaining(["/offers/v1.0/aws/index.json", "/offers/v1.0/aws/AmazonEC2/current/eu-central-1/index.json"]),
    );
  });

  test("the written file loads, and the cost output names the refresh date", async () => {
    const dir = tempDir("restartix-prices-");
    const file = path.join(dir, "aws-prices.json");
    fs.copyFileSync(PRICE_FILE, file);
    expect(priceProvenance(loadPriceTable(file))).toMatch(
      /from memory, not fetched \(npm run cost -- --refresh-prices reads the AWS Price List\)/,
    );
    await refreshPriceFile({ base, file, regions: EU, today: "2026-12-07" });
    const table = loadPriceTable(file);
    expect(priceProvenance(table)).toBe(
      `${PRICE_RULES.length} entries from the AWS Price List read 2026-12-07; ${Object.keys(table.prices).length - PRICE_RULES.length} recalled as of 2025-01, not fetched: check those before budgeting`,
    );
    const settings = resolveSettings({ varsFile: EXAMPLE_VARS });
    const report = costReport(1, "apprunner", estimateMonthlyCost([], settings, { prices: table }), table);
    expect(costTable(report).split("\n")[1]).toBe(
      `Prices: pricing/aws-prices.json (${priceProvenance(table)}). Usage: phases/usage.ts, phase 1.`,
    );
    expect(costJson(report).priceTable).toEqual(expect.objectContaining({ refreshed: "2026-12-07" }));
    expect(costMarkdown([report])).toContain(`(AWS on-demand list\nprices; ${priceProvenance(table)}; see that file's`);
    // Before a refresh the markdown keeps its words, so docs/cost-vs-document.md does not change.
    const recalled = loadPriceTable(PRICE_FILE);
    expect(costMarkdown([costReport(1, "apprunner", estimateMonthlyCost([], settings, { prices: recalled }), recalled)])).toContain(
      "(AWS on-demand list\nprices, from memory, not fetched: see that file's `about`)",
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("an index without one of the offer codes fails before any offer file is read", async () => {
    const index = JSON.parse(fixture("index.json")) as { offers: Record<string, unknown> };
    delete index.offers.AmazonEC2;
    const urls: string[] = [];
    const fetcher = async (url: string) => {
      urls.push(url);
      return [Buffer.from(JSON.stringify(index))] as unknown as AsyncIterable<Uint8Array>;
    };
    await expect(refreshedTable(current(), { base, regions: EU, fetcher })).rejects.toThrow(
      /lists no offer AmazonEC2: the Price List changed; update PRICE_RULES in tools\/cost\/price-list\.ts/,
    );
    expect(urls).toEqual([`${base}/offers/v1.0/aws/index.json`]);
  });

  test("a region the Price List does not serve (HTTP 404) fails naming its URL", async () => {
    const before = current();
    await expect(refreshedTable(before, { base, regions: ["us-west-2"] })).rejects.toThrow(
      /AmazonRDS\/current\/us-west-2\/index\.json: HTTP 404/,
    );
  });
});

describe("a network failure exits 1 and leaves pricing/aws-prices.json untouched", () => {
  // A port that was just free: nothing listens there (fetch refuses the well-known "bad" ports outright).
  let UNREACHABLE = "";
  beforeAll(async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    UNREACHABLE = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  test("refreshPriceFile rejects, naming the URL; the file is byte-for-byte unchanged", async () => {
    const dir = tempDir("restartix-prices-");
    const file = path.join(dir, "aws-prices.json");
    fs.copyFileSync(PRICE_FILE, file);
    const bytes = fs.readFileSync(file);
    await expect(refreshPriceFile({ base: UNREACHABLE, file })).rejects.toThrow(
      new RegExp(`^${UNREACHABLE}/offers/v1\\.0/aws/index\\.json: ECONNREFUSED`),
    );
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(["aws-prices.json"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("npm run cost -- --refresh-prices: exit 1, one clear line, the real file unchanged", async () => {
    const bytes = fs.readFileSync(PRICE_FILE);
    const err: string[] = [];
    const saved = process.env.RESTARTIX_PRICE_LIST_URL;
    process.env.RESTARTIX_PRICE_LIST_URL = UNREACHABLE;
    try {
      const code = await executeCommand(costSpec, costMain as (a: ParsedCommand) => number, ["--refresh-prices"], {
        stdout: () => undefined,
        stderr: (t) => err.push(t),
      });
      expect(code).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.RESTARTIX_PRICE_LIST_URL;
      else process.env.RESTARTIX_PRICE_LIST_URL = saved;
    }
    expect(err.join("")).toMatch(
      new RegExp(
        `^cost: could not read the AWS Price List: ${UNREACHABLE}/offers/v1\\.0/aws/index\\.json: ECONNREFUSED\\. pricing/aws-prices\\.json is unchanged\\. Fix: `,
      ),
    );
    expect(err.join("").trim().split("\n")).toHaveLength(1);
    expect(fs.readFileSync(PRICE_FILE).equals(bytes)).toBe(true);
  });

  test("--refresh-prices with another flag is refused (exit 2)", async () => {
    const err: string[] = [];
    const code = await executeCommand(costSpec, costMain as (a: ParsedCommand) => number, ["--refresh-prices", "--phase", "2"], {
      stdout: () => undefined,
      stderr: (t) => err.push(t),
    });
    expect([code, err.join("")]).toEqual([2, expect.stringMatching(/^cost: --refresh-prices and --phase: /)]);
  });
});
