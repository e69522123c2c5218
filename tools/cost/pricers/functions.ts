import { Pricer, PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";
import { logCharges } from "./logs";

/** Lambda functions on a schedule, and CloudWatch Synthetics canaries (each run is a Lambda run). */

/** Runs a month of a `rate(N minutes|hours)` expression; undefined for anything else. */
export function runsPerMonth(expression: unknown, hours: number): number | undefined {
  const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(String(expression ?? ""));
  if (!m) return undefined;
  const minutes = Number(m[1]) * (m[2].startsWith("hour") ? 60 : 1);
  return (hours * 60) / minutes;
}

/** The schedule of the EventBridge rule whose target invokes `fn` (same stack). */
function invocationsOf(fn: Resource, ctx: PricingContext): number {
  const targets = ctx
    .resourcesOf(fn.stack, "aws_cloudwatch_event_target")
    .filter((t) => String(t.config.arn ?? "").includes(`${fn.type}.${fn.name}.`));
  return targets.reduce((n, t) => n + (runsPerMonth(ctx.resolve(fn.stack, t.config.rule)?.config.schedule_expression, ctx.hours) ?? 0), 0);
}

const lambda: Pricer = (r, ctx) => {
  const invocations = invocationsOf(r, ctx);
  const gb = Number(r.config.memory_size ?? 128) / 1024;
  return [
    ctx.item(r, {
      service: "Lambda",
      component: `requests (${Math.round(invocations)} scheduled invocations)`,
      quantity: invocations / 1e6,
      unit: "million requests",
      priceKey: "lambda.requestsMillion",
      freeTier: "lambda.requests",
    }),
    ctx.item(r, {
      service: "Lambda",
      component: `duration (${ctx.usage.functions.secondsPerInvocation} s x ${gb} GB)`,
      quantity: invocations * ctx.usage.functions.secondsPerInvocation * gb,
      unit: "GB-second",
      priceKey: "lambda.gbSecond",
      freeTier: "lambda.gbSeconds",
    }),
  ];
};

/** A canary's own charges: its runs, the Lambda time of each run, the artifacts it writes and its logs. */
const canary: Pricer = (r, ctx) => {
  const runs = runsPerMonth(r.config.schedule?.expression, ctx.hours) ?? 0;
  const u = ctx.usage.canary;
  const gb = Number(r.config.run_config?.memory_in_mb ?? 1000) / 1024;
  const items: LineItem[] = [
    ctx.item(r, {
      service: "CloudWatch Synthetics",
      component: `canary runs (${r.config.schedule?.expression})`,
      quantity: runs,
      unit: "run",
      priceKey: "synthetics.canaryRun",
      freeTier: "synthetics.canaryRuns",
      why: "the canary health probe: about $10 a month per service at one run every 5 minutes, against a Route 53 check that keeps an instance active all month",
    }),
    ctx.item(r, {
      service: "Lambda",
      component: `canary run duration (${u.secondsPerRun} s x ${gb.toFixed(2)} GB)`,
      quantity: runs * u.secondsPerRun * gb,
      unit: "GB-second",
      priceKey: "lambda.gbSecond",
      freeTier: "lambda.gbSeconds",
    }),
    ctx.item(r, {
      service: "S3",
      component: "canary artifacts: PUT requests (2 objects a run)",
      quantity: (runs * 2) / 1000,
      unit: "1k requests",
      priceKey: "s3.putRequestsThousand",
    }),
    ...logCharges(r, ctx, (runs * u.logKbPerRun) / 1024 / 1024, "canary run logs"),
  ];
  return items;
};

export const functionPricers: Readonly<Record<string, Pricer>> = {
  aws_lambda_function: lambda,
  aws_synthetics_canary: canary,
};
