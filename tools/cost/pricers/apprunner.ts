import { usageOfService } from "../../../phases/usage";
import { Pricer, PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";
import { MissingPrice } from "../price-table";
import { runsPerMonth } from "./functions";
import { logCharges } from "./logs";

/** App Runner: provisioned instances bill memory while idle, vCPU + memory while serving requests. */

/** "1024" | "1 vCPU" | "0.25 vCPU" -> vCPU. */
export function parseVcpu(value: unknown): number {
  const s = String(value ?? "");
  const m = /^([\d.]+)\s*vCPU$/i.exec(s);
  const n = m ? Number(m[1]) : Number(s) / 1024;
  if (!Number.isFinite(n) || n <= 0) throw new MissingPrice(`cannot read cpu ${JSON.stringify(value)}`);
  return n;
}

/** "2048" | "2 GB" -> GB. */
export function parseMemoryGb(value: unknown): number {
  const s = String(value ?? "");
  const m = /^([\d.]+)\s*GB$/i.exec(s);
  const n = m ? Number(m[1]) : Number(s) / 1024;
  if (!Number.isFinite(n) || n <= 0) throw new MissingPrice(`cannot read memory ${JSON.stringify(value)}`);
  return n;
}

/** Whether a Route 53 health check (in any stack) probes this resource. */
function isHealthChecked(r: Resource, ctx: PricingContext): boolean {
  // Same stack: ${aws_apprunner_service.<name>.service_url}; other stack: the output cdktf names
  // cross-stack-output-aws_apprunner_service<name>service_url.
  return (
    ctx.anyMentions("aws_route53_health_check", `${r.type}.${r.name}.`) || ctx.anyMentions("aws_route53_health_check", `${r.type}${r.name}`)
  );
}

/** The Synthetics canary (any stack) probing this service, if the canary health probe is in use. */
function probingCanary(r: Resource, ctx: PricingContext): Resource | undefined {
  const needles = [`${r.type}.${r.name}.`, `${r.type}${r.name}`];
  for (const stack of ctx.stacks) {
    const found = ctx
      .resourcesOf(stack, "aws_synthetics_canary")
      .find((c) => needles.some((n) => JSON.stringify(c.config.run_config ?? {}).includes(n)));
    if (found) return found;
  }
  return undefined;
}

const service: Pricer = (r, ctx) => {
  const c = r.config;
  const vcpu = parseVcpu(c.instance_configuration?.cpu ?? "1024");
  const memGb = parseMemoryGb(c.instance_configuration?.memory ?? "2048");
  const scaling = ctx.resolve(r.stack, c.auto_scaling_configuration_arn);
  // App Runner's default auto scaling configuration keeps 1 provisioned instance.
  const minSize = Number(scaling?.config.min_size ?? 1);
  const u = ctx.usage.appRunner;
  const name = String(c.service_name ?? r.name);
  const use = usageOfService(ctx.usage.services, name);
  const peakHours = ctx.usage.peakHoursPerMonth;
  const checked = u.activeWhenHealthChecked && isHealthChecked(r, ctx);
  const canary = checked ? undefined : probingCanary(r, ctx);
  // A canary run wakes an idle service for at least a minute of active vCPU; it stays idle otherwise.
  const idleRuns = canary
    ? ((runsPerMonth(canary.config.schedule?.expression, ctx.hours) ?? 0) * (ctx.hours - Math.min(u.activeHoursPerMonth, ctx.hours))) /
      ctx.hours
    : 0;
  const wakeHours = (idleRuns * u.activeMinutesPerWake) / 60;
  const activeHours = checked ? ctx.hours : Math.min(u.activeHoursPerMonth + wakeHours, ctx.hours);
  const extra = use.extraAtPeak;
  const activeInstanceHours = minSize * activeHours + extra * peakHours;
  const idleInstanceHours = minSize * (ctx.hours - activeHours);
  const size = `${vcpu} vCPU / ${memGb} GB`;
  const why = checked
    ? `a Route 53 health check every 10 s keeps the ${minSize} provisioned instance(s) active all ${ctx.hours} h, billed vCPU + memory rather than memory only`
    : canary
      ? `the health canary (${canary.config.schedule?.expression}) wakes the idle service ${Math.round(idleRuns)} times a month: ${wakeHours.toFixed(1)} active hours on top of ${u.activeHoursPerMonth} busy ones`
      : undefined;
  const items: LineItem[] = [
    ctx.item(r, {
      service: "App Runner",
      component: `active vCPU (${size}: ${minSize} x ${activeHours} h${extra ? ` + ${extra} x ${peakHours} peak h` : ""})`,
      quantity: activeInstanceHours * vcpu,
      unit: "vCPU-hour",
      priceKey: "apprunner.vcpuHour",
      why,
    }),
    ctx.item(r, {
      service: "App Runner",
      component: `active memory (${size})`,
      quantity: activeInstanceHours * memGb,
      unit: "GB-hour",
      priceKey: "apprunner.gbHour",
    }),
  ];
  if (idleInstanceHours > 0) {
    items.push(
      ctx.item(r, {
        service: "App Runner",
        component: `provisioned memory while idle (${minSize} x ${ctx.hours - activeHours} h)`,
        quantity: idleInstanceHours * memGb,
        unit: "GB-hour",
        priceKey: "apprunner.gbHour",
      }),
    );
  }
  if (c.source_configuration?.auto_deployments_enabled === true) {
    items.push(
      ctx.item(r, {
        service: "App Runner",
        component: "automatic deployments",
        quantity: 1,
        unit: "app-month",
        priceKey: "apprunner.autoDeploymentMonth",
      }),
    );
  }
  items.push(
    ctx.item(r, {
      service: "Data transfer",
      component: "responses to the internet (Cloudflare)",
      quantity: use.egressGbMonth,
      unit: "GB",
      priceKey: "transfer.internetOutGb",
    }),
    ...logCharges(r, ctx, use.logGbMonth, "application logs"),
  );
  // X-Ray tracing through the region's shared observability configuration (platform stack).
  if (c.observability_configuration?.observability_enabled === true) {
    items.push(
      ctx.item(r, {
        service: "X-Ray",
        component: "traces recorded",
        quantity: use.tracesMonth / 1e6,
        unit: "million traces",
        priceKey: "xray.tracesRecordedMillion",
        freeTier: "xray.traces",
      }),
    );
  }
  return items;
};

export const appRunnerPricers: Readonly<Record<string, Pricer>> = {
  aws_apprunner_service: service,
};
