import { STATEFUL_TYPES } from "../../../lib/stateful";
import { s3DataEventPrefixes } from "../../../policy/rules/cloudtrail/common";
import { Pricer, PricingContext, Resource } from "../context";
import { logCharges } from "./logs";

/**
 * The account-level audit controls: CloudTrail, GuardDuty, AWS Config, Security Hub. Their bills
 * follow activity, not resources, so volumes come from phases/usage.ts (audit): a region that runs a
 * VPC is a workload region, any other region holding data (backup replicas, keys) a quiet one.
 */

const regionsOf = (ctx: PricingContext, types: readonly string[]): Set<string> =>
  new Set(ctx.stacks.flatMap((s) => types.flatMap((t) => ctx.resourcesOf(s, t).map((r) => r.region))).filter((r) => r !== "unknown"));

/** Regions whose VPC runs services: where API calls, object reads and resource changes happen. */
const workloadRegions = (ctx: PricingContext): Set<string> => regionsOf(ctx, ["aws_vpc"]);

/** Every region holding data: the regions a multi-region trail sees activity in. */
const regionsInUse = (ctx: PricingContext): Set<string> => regionsOf(ctx, STATEFUL_TYPES);

const isWorkload = (r: Resource, ctx: PricingContext): boolean => workloadRegions(ctx).has(r.region);

/** Management events of the account a month (a multi-region trail records every region's). */
function managementEvents(ctx: PricingContext): number {
  const a = ctx.usage.audit;
  const workload = workloadRegions(ctx);
  const quiet = [...regionsInUse(ctx)].filter((r) => !workload.has(r)).length;
  return workload.size * a.managementEventsPerWorkloadRegionMonth + quiet * a.managementEventsPerQuietRegionMonth;
}

/** Multi-region trails of the deployment in stack order: only the first delivers management events free. */
function isFirstTrail(r: Resource, ctx: PricingContext): boolean {
  for (const s of ctx.stacks) {
    const first = ctx.resourcesOf(s, "aws_cloudtrail").find((t) => t.config.is_multi_region_trail === true);
    if (first) return first.stack.name === r.stack.name && first.name === r.name;
  }
  return true;
}

const trail: Pricer = (r, ctx) => {
  const a = ctx.usage.audit;
  const management = managementEvents(ctx);
  const free = isFirstTrail(r, ctx);
  const data =
    s3DataEventPrefixes({ type: r.type, name: r.name, address: r.address, config: r.config }).length > 0
      ? workloadRegions(ctx).size * a.s3DataEventsPerWorkloadRegionMonth
      : 0;
  const items = [
    ctx.item(r, {
      service: "CloudTrail",
      component: free ? "management events (the first copy is free)" : "management events (a second copy)",
      quantity: management / 100_000,
      unit: "100k events",
      priceKey: "cloudtrail.managementEvents100k",
      priceFactor: free ? 0 : 1,
    }),
  ];
  if (data > 0) {
    items.push(
      ctx.item(r, {
        service: "CloudTrail",
        component: "S3 data events (patient-file and backup object reads and writes)",
        quantity: data / 100_000,
        unit: "100k events",
        priceKey: "cloudtrail.dataEvents100k",
      }),
    );
  }
  if (r.config.cloud_watch_logs_group_arn !== undefined) {
    const gb = ((management + data) * a.eventKb) / 1_048_576;
    items.push(
      ...logCharges(
        r,
        ctx,
        gb,
        "CloudTrail events",
        "the trail's copy in CloudWatch Logs feeds the CIS metric filters; the S3 copy is the six-year record",
      ),
    );
  }
  return items;
};

const detector: Pricer = (r, ctx) => {
  const a = ctx.usage.audit;
  const workload = isWorkload(r, ctx);
  const vpcs = ctx.stacks.flatMap((s) => ctx.resourcesOf(s, "aws_vpc")).filter((v) => v.region === r.region).length;
  const features = ctx.stacks
    .flatMap((s) => ctx.resourcesOf(s, "aws_guardduty_detector_feature"))
    .filter((f) => ctx.resolve(f.stack, f.config.detector_id)?.address === r.address && f.stack.name === r.stack.name);
  const s3 = features.some((f) => f.config.name === "S3_DATA_EVENTS" && f.config.status === "ENABLED");
  const items = [
    ctx.item(r, {
      service: "GuardDuty",
      component: "CloudTrail management events analyzed",
      quantity: (workload ? a.managementEventsPerWorkloadRegionMonth : a.managementEventsPerQuietRegionMonth) / 1e6,
      unit: "million events",
      priceKey: "guardduty.cloudTrailEventsMillion",
    }),
    ctx.item(r, {
      service: "GuardDuty",
      component: `VPC flow and DNS logs analyzed (${vpcs} VPC${vpcs === 1 ? "" : "s"})`,
      quantity: vpcs * ctx.usage.flowLogGbPerFlowLogMonth,
      unit: "GB",
      priceKey: "guardduty.flowDnsGb",
      why: "GuardDuty reads its own copy of the flow and DNS logs, whether or not the VPC has flow logs",
    }),
  ];
  if (s3) {
    items.push(
      ctx.item(r, {
        service: "GuardDuty",
        component: "S3 Protection: data events analyzed",
        quantity: (workload ? a.s3DataEventsPerWorkloadRegionMonth : 0) / 1e6,
        unit: "million events",
        priceKey: "guardduty.s3DataEventsMillion",
      }),
    );
  }
  return items;
};

const recorder: Pricer = (r, ctx) => {
  const a = ctx.usage.audit;
  return [
    ctx.item(r, {
      service: "Config",
      component: "configuration items recorded",
      quantity: isWorkload(r, ctx) ? a.configItemsPerWorkloadRegionMonth : a.configItemsPerQuietRegionMonth,
      unit: "items",
      priceKey: "config.configurationItem",
    }),
  ];
};

const hub: Pricer = (r, ctx) => {
  const a = ctx.usage.audit;
  return [
    ctx.item(r, {
      service: "Security Hub",
      component: "FSBP security checks",
      quantity: isWorkload(r, ctx) ? a.securityChecksPerWorkloadRegionMonth : a.securityChecksPerQuietRegionMonth,
      unit: "checks",
      priceKey: "securityhub.securityCheck",
    }),
  ];
};

export const auditPricers: Readonly<Record<string, Pricer>> = {
  aws_cloudtrail: trail,
  aws_guardduty_detector: detector,
  aws_config_configuration_recorder: recorder,
  aws_securityhub_account: hub,
};
