import { BucketUsage } from "../../../phases/usage";
import { Pricer, PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";
import { MissingPrice } from "../price-table";

/** S3 buckets (storage by class, aged through their lifecycle rules), replication, ECR. */

interface Tier {
  readonly storageClass: string;
  readonly days: number;
}

/** The buckets' lifecycle configuration (same stack) and the class replication writes into it. */
function lifecycleOf(bucket: Resource, ctx: PricingContext): { transitions: Tier[]; expireDays?: number; initialClass: string } {
  const config = ctx
    .resourcesOf(bucket.stack, "aws_s3_bucket_lifecycle_configuration")
    .find((l) => ctx.resolve(l.stack, l.config.bucket)?.name === bucket.name);
  // Rules that apply to the whole bucket (empty prefix filter) decide where an object ends up.
  const rules = ((config?.config.rule ?? []) as any[]).filter(
    (rule) =>
      rule.status === "Enabled" &&
      (rule.filter === undefined ||
        JSON.stringify(rule.filter)
          .replace(/"prefix":""/g, "")
          .replace(/[[\]{},]/g, "") === ""),
  );
  const transitions: Tier[] = rules
    .flatMap((rule) => (rule.transition ?? []) as any[])
    .map((t) => ({ storageClass: String(t.storage_class), days: Number(t.days ?? 0) }))
    .sort((a, b) => a.days - b.days);
  const expirations = rules
    .flatMap((rule) => (rule.expiration ?? []) as any[])
    .map((e) => Number(e.days))
    .filter((d) => d > 0);
  const replication = ctx.stacks
    .flatMap((s) => ctx.resourcesOf(s, "aws_s3_bucket_replication_configuration"))
    .flatMap((rc) => ((rc.config.rule ?? []) as any[]).map((rule) => ({ rc, rule })))
    .find(
      ({ rc, rule }) =>
        ctx.resolve(rc.stack, rule.destination?.bucket)?.name === bucket.name &&
        ctx.resolve(rc.stack, rule.destination?.bucket)?.stack === bucket.stack,
    );
  return {
    transitions,
    expireDays: expirations.length ? Math.min(...expirations) : undefined,
    initialClass: String(replication?.rule.destination?.storage_class ?? "STANDARD"),
  };
}

/**
 * Usage of a bucket by its name; names this code creates end in the account id
 * (restartix-backups-primary-123456789012), and the assumptions are kept by the name before it.
 */
function usageOfBucket(bucketName: string, ctx: PricingContext): BucketUsage {
  const logical = bucketName.replace(/-\d{12}$/, "");
  const exact = ctx.usage.buckets[bucketName] ?? ctx.usage.buckets[logical];
  if (exact) return exact;
  // Or by a prefix ending in "*" (restartix-cloudtrail-* for restartix-cloudtrail-<account id>-...).
  const prefix = Object.keys(ctx.usage.buckets).find((k) => k.endsWith("*") && bucketName.startsWith(k.slice(0, -1)));
  return prefix ? ctx.usage.buckets[prefix] : ctx.usage.buckets.default;
}

const bucket: Pricer = (r, ctx) => {
  const name = String(r.config.bucket ?? r.name);
  const use = usageOfBucket(name, ctx);
  if ("storedGb" in use) {
    // A replication destination holds what replication writes into it (the rule's storage class).
    const storageClass = lifecycleOf(r, ctx).initialClass;
    return [
      ctx.item(r, {
        service: "S3",
        component: `${storageClass} storage`,
        quantity: use.storedGb,
        unit: "GB-month",
        priceKey: "s3.storageGbMonth",
        variant: storageClass,
        why: use.why,
      }),
    ];
  }
  // Objects written every day, aged through the lifecycle: at steady state each class holds
  // (days spent in it) x (GB written per day).
  const { transitions, expireDays, initialClass } = lifecycleOf(r, ctx);
  const end = expireDays ?? 365;
  const tiers: Tier[] = [{ storageClass: initialClass, days: 0 }, ...transitions.filter((t) => t.days < end)];
  const items: LineItem[] = [];
  tiers.forEach((tier, i) => {
    const until = i + 1 < tiers.length ? tiers[i + 1].days : end;
    items.push(
      ctx.item(r, {
        service: "S3",
        component: `${tier.storageClass} storage (days ${tier.days}-${until} of ${use.writtenGbPerDay} GB/day)`,
        quantity: (until - tier.days) * use.writtenGbPerDay,
        unit: "GB-month",
        priceKey: "s3.storageGbMonth",
        variant: tier.storageClass,
        why: use.why ?? (expireDays === undefined ? "no expiration rule: one year of writes shown; the bucket keeps growing" : undefined),
      }),
    );
  });
  return items;
};

const replication: Pricer = (r, ctx) => {
  const source = ctx.resolve(r.stack, r.config.bucket);
  if (!source) throw new MissingPrice("source bucket of the replication not found in the stack");
  const use = usageOfBucket(String(source.config.bucket ?? source.name), ctx);
  const gbPerMonth = "writtenGbPerDay" in use ? (use.writtenGbPerDay * ctx.hours) / 24 : (use.newGbPerMonth ?? 0);
  return ((r.config.rule ?? []) as any[]).flatMap((rule) => {
    const destination = ctx.resolve(r.stack, rule.destination?.bucket);
    const crossRegion = destination !== undefined && destination.region !== source.region;
    const items = [
      ctx.item(r, {
        service: "Inter-region transfer",
        component: `S3 replication to ${destination?.region ?? "another bucket"}${crossRegion ? " (inter-region)" : " (same region: no transfer charge)"}`,
        quantity: crossRegion ? gbPerMonth : 0,
        unit: "GB",
        priceKey: "transfer.interRegionGb",
        region: source.region,
      }),
    ];
    // Replication metrics are four CloudWatch metrics per rule (bytes and operations pending,
    // latency, failed operations), billed as custom metrics.
    if (rule.destination?.metrics?.status === "Enabled") {
      items.push(
        ctx.item(r, {
          service: "CloudWatch",
          component: `S3 replication metrics (4 per rule: ${String(rule.id ?? "rule")})`,
          quantity: 4,
          unit: "metric-month",
          priceKey: "cloudwatch.customMetricMonth",
          freeTier: "cloudwatch.customMetrics",
        }),
      );
    }
    return items;
  });
};

const ecrRepository: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "ECR",
    component: "image storage",
    quantity: ctx.usage.ecrGbPerRepository,
    unit: "GB-month",
    priceKey: "ecr.storageGbMonth",
  }),
];

/** Registry replication: a copy of every repository of the stack in each destination region. */
const ecrReplication: Pricer = (r, ctx) => {
  const rules = (r.config.replication_configuration?.rule ?? []) as any[];
  // Only the repositories the rules' filters match are copied (none listed: every repository).
  const filters = rules.flatMap((rule) => (rule.repository_filter ?? []) as any[]);
  const repos = ctx
    .resourcesOf(r.stack, "aws_ecr_repository")
    .filter((repo) => repo.region === r.region)
    .filter((repo) => filters.length === 0 || filters.some((f) => String(repo.config.name).startsWith(String(f.filter)))).length;
  const regions = rules.flatMap((rule) => ((rule.destination ?? []) as any[]).map((d) => String(d.region)));
  const gb = repos * ctx.usage.ecrGbPerRepository;
  return regions.flatMap((region) => [
    ctx.item(r, {
      service: "ECR",
      component: `replicated image storage (${repos} repositories)`,
      quantity: gb,
      unit: "GB-month",
      priceKey: "ecr.storageGbMonth",
      region,
    }),
    ctx.item(r, {
      service: "Inter-region transfer",
      component: `ECR replication to ${region} (one full copy a month)`,
      quantity: gb,
      unit: "GB",
      priceKey: "transfer.interRegionGb",
    }),
  ]);
};

export const storagePricers: Readonly<Record<string, Pricer>> = {
  aws_s3_bucket: bucket,
  aws_s3_bucket_replication_configuration: replication,
  aws_ecr_repository: ecrRepository,
  aws_ecr_replication_configuration: ecrReplication,
};
