import { estimateMonthlyCost } from "../tools/cost/estimate";
import { loadPriceTable, PriceTable } from "../tools/cost/price-table";
import { SynthStack } from "../tools/synth";
import { phaseConfig } from "../phases";
import { USAGE, UsageAssumptions } from "../phases/usage";
import { flatPrice as flat, synth } from "./helpers";

// Round test prices, so every figure below is worked out by hand.
const PRICES: PriceTable = {
  about: "test prices",
  currency: "USD",
  regions: ["eu-central-1", "eu-west-1"],
  prices: {
    "cloudtrail.managementEvents100k": flat(2),
    "cloudtrail.dataEvents100k": flat(0.1),
    "guardduty.cloudTrailEventsMillion": flat(4),
    "guardduty.flowDnsGb": flat(1),
    "guardduty.s3DataEventsMillion": flat(0.8),
    "config.configurationItem": flat(0.003),
    "securityhub.securityCheck": flat(0.001),
    "cloudwatch.logsIngestGb": flat(0.5),
    "cloudwatch.logsStoreGbMonth": flat(0.03),
    "s3.storageGbMonth": flat({ STANDARD: 0.02, GLACIER: 0.004 }),
  },
  freeTier: {},
};

const USE: UsageAssumptions = {
  ...USAGE[1],
  flowLogGbPerFlowLogMonth: 3,
  logStorage: { monthsRetained: 12, compressedRatio: 0.1 },
  buckets: { default: { storedGb: 0 }, "audit-trail-*": { writtenGbPerDay: 0.1 } },
  audit: {
    managementEventsPerWorkloadRegionMonth: 1_000_000,
    managementEventsPerQuietRegionMonth: 100_000,
    s3DataEventsPerWorkloadRegionMonth: 500_000,
    eventKb: 1.048576, // so that 1M events are exactly 1 GB
    configItemsPerWorkloadRegionMonth: 2_000,
    configItemsPerQuietRegionMonth: 100,
    securityChecksPerWorkloadRegionMonth: 10_000,
    securityChecksPerQuietRegionMonth: 1_000,
  },
};

const PROVIDERS = { aws: [{ region: "eu-central-1" }, { region: "eu-west-1", alias: "eu-west-1" }] };
const stackOf = (name: string, resource: Record<string, Record<string, Record<string, unknown>>>): SynthStack => ({
  name,
  dependencies: [],
  json: { provider: PROVIDERS, resource },
});

/** A workload region (eu-central-1: a VPC) and a quiet one (eu-west-1: only a replica bucket). */
const network = stackOf("network", { aws_vpc: { vpc: { cidr_block: "10.0.0.0/16", lifecycle: { prevent_destroy: true } } } });
const backups = stackOf("backups", { aws_s3_bucket: { replica: { bucket: "replica", provider: "aws.eu-west-1" } } });
const trail = (data = true) => ({
  is_multi_region_trail: true,
  cloud_watch_logs_group_arn: "${aws_cloudwatch_log_group.trail.arn}:*",
  advanced_event_selector: [
    { field_selector: [{ field: "eventCategory", equals: ["Management"] }] },
    ...(data
      ? [
          {
            field_selector: [
              { field: "eventCategory", equals: ["Data"] },
              { field: "resources.type", equals: ["AWS::S3::Object"] },
              { field: "resources.ARN", starts_with: ["arn:aws:s3:::uploads/"] },
            ],
          },
        ]
      : []),
  ],
});

const estimate = (...stacks: SynthStack[]) => estimateMonthlyCost(stacks, { phase: phaseConfig(1) }, { prices: PRICES, usage: USE });
const itemsOf = (e: ReturnType<typeof estimate>, address: string) => e.byStack.flatMap((s) => s.items).filter((i) => i.address === address);
const usd = (e: ReturnType<typeof estimate>, address: string, component: RegExp) =>
  itemsOf(e, address).find((i) => component.test(i.component))?.monthlyUsd;

describe("cost of the audit controls", () => {
  test("CloudTrail: the first trail's management events are free, a second trail pays; data events and the log group's ingestion", () => {
    const e = estimate(network, backups, stackOf("audit", { aws_cloudtrail: { first: trail(), second: trail(false) } }));
    // Management events: 1M (workload region) + 100k (quiet region) = 11 x 100k.
    expect(itemsOf(e, "aws_cloudtrail.first").find((i) => /management/.test(i.component))).toMatchObject({ quantity: 11, monthlyUsd: 0 });
    expect(usd(e, "aws_cloudtrail.second", /management/)).toBe(22); // 11 x $2
    expect(usd(e, "aws_cloudtrail.first", /S3 data events/)).toBe(0.5); // 500k in one workload region: 5 x $0.10
    expect(usd(e, "aws_cloudtrail.second", /S3 data events/)).toBeUndefined();
    // (1.1M + 0.5M) events x 1.048576 KB = 1.6 GB ingested; a year kept at 10%.
    expect(usd(e, "aws_cloudtrail.first", /log ingestion/)).toBe(0.8);
    expect(usd(e, "aws_cloudtrail.first", /log archive/)).toBe(0.06); // 1.6 x 12 x 0.1 x $0.03
  });

  test("GuardDuty per region: management events, the VPCs' flow and DNS logs, S3 Protection only where the feature is on", () => {
    const e = estimate(
      network,
      backups,
      stackOf("audit", {
        aws_guardduty_detector: { eu: { enable: true }, ie: { enable: true, provider: "aws.eu-west-1" } },
        aws_guardduty_detector_feature: {
          eu_s3: { detector_id: "${aws_guardduty_detector.eu.id}", name: "S3_DATA_EVENTS", status: "ENABLED" },
        },
      }),
    );
    expect(usd(e, "aws_guardduty_detector.eu", /management/)).toBe(4); // 1M x $4
    expect(usd(e, "aws_guardduty_detector.eu", /flow and DNS/)).toBe(3); // 1 VPC x 3 GB x $1
    expect(usd(e, "aws_guardduty_detector.eu", /S3 Protection/)).toBe(0.4); // 0.5M x $0.80
    expect(usd(e, "aws_guardduty_detector.ie", /management/)).toBe(0.4); // 0.1M x $4
    expect(usd(e, "aws_guardduty_detector.ie", /flow and DNS/)).toBe(0);
    expect(usd(e, "aws_guardduty_detector.ie", /S3 Protection/)).toBeUndefined();
  });

  test("Config items and Security Hub checks by workload or quiet region", () => {
    const e = estimate(
      network,
      backups,
      stackOf("audit", {
        aws_config_configuration_recorder: { eu: { name: "r" }, ie: { name: "r", provider: "aws.eu-west-1" } },
        aws_securityhub_account: { eu: {}, ie: { provider: "aws.eu-west-1" } },
        aws_config_delivery_channel: { eu: {} },
        aws_securityhub_standards_subscription: { eu: {} },
      }),
    );
    expect(usd(e, "aws_config_configuration_recorder.eu", /items/)).toBe(6); // 2,000 x $0.003
    expect(usd(e, "aws_config_configuration_recorder.ie", /items/)).toBe(0.3);
    expect(usd(e, "aws_securityhub_account.eu", /checks/)).toBe(10);
    expect(usd(e, "aws_securityhub_account.ie", /checks/)).toBe(1);
    expect(e.notPriced).toEqual([]);
    expect(e.freeResources).toMatchObject({ aws_config_delivery_channel: 1, aws_securityhub_standards_subscription: 1 });
  });

  test("an account-scoped bucket name takes its usage from a prefix entry (restartix-cloudtrail-*)", () => {
    const e = estimate(stackOf("audit", { aws_s3_bucket: { trail: { bucket: "audit-trail-123456789012" } } }));
    // No lifecycle: a year of 0.1 GB/day in STANDARD.
    expect(usd(e, "aws_s3_bucket.trail", /STANDARD/)).toBe(0.73); // 36.5 GB x $0.02
  });
});

describe("cost of the audit controls in the synthesized phases", () => {
  test.each([1, 4])("phase %i: the audit stack's lines are priced, in the four service lines, nothing left unpriced", (phase) => {
    const result = synth({ phase });
    const e = estimateMonthlyCost(result.stacks, result.settings, { prices: loadPriceTable() });
    const audit = e.byStack.find((s) => s.stack === "audit")!;
    for (const line of ["CloudTrail", "GuardDuty", "Config", "Security Hub"] as const)
      expect([line, (audit.byService[line] ?? 0) > 0]).toEqual([line, true]);
    expect(e.notPriced.filter((n) => n.stack === "audit")).toEqual([]);
    expect(audit.totalMonthlyUsd).toBeGreaterThan(10);
  });
});
