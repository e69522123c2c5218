import { usageOfService } from "../../../phases/usage";
import { Pricer, PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";
import { MissingPrice } from "../price-table";
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
export function isHealthChecked(r: Resource, ctx: PricingContext): boolean {
  // Same stack: ${aws_apprunner_service.<name>.service_url}; other stack: the output cdktf names
  // cross-stack-output-aws_apprunner_service<name>service_url.
  return ctx.anyMentions("aws_route53_health_check", `${r.type}.${r.name}.`) || ctx.anyMentions("aws_route53_health_check", `${r.type}${r.name}`);
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
  const activeHours = checked ? ctx.hours : Math.min(u.activeHoursPerMonth, ctx.hours);
  const extra = use.extraAtPeak;
  const activeInstanceHours = minSize * activeHours + extra * peakHours;
  const idleInstanceHours = minSize * (ctx.hours - activeHours);
  const size = `${vcpu} vCPU / ${memGb} GB`;
  const why = checked
    ? `a Route 53 health check every 10 s keeps the ${minSize} provisioned instance(s) active all ${ctx.hours} h, billed vCPU + memory rather than memory only`
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
      ctx.item(r, { service: "App Runner", component: "automatic deployments", quantity: 1, unit: "app-month", priceKey: "apprunner.autoDeploymentMonth" }),
    );
  }
  items.push(
    ctx.item(r, { service: "Data transfer", component: "responses to the internet (Cloudflare)", quantity: use.egressGbMonth, unit: "GB", priceKey: "transfer.internetOutGb" }),
    ...logCharges(r, ctx, use.logGbMonth, "application logs"),
  );
  return items;
};

/** X-Ray tracing of the services that use this observability configuration. */
const observability: Pricer = (r, ctx) => {
  if (r.config.trace_configuration?.vendor !== "AWSXRAY") return [];
  const users = ctx
    .resourcesOf(r.stack, "aws_apprunner_service")
    .filter((s) => JSON.stringify(s.config.observability_configuration ?? {}).includes(`${r.type}.${r.name}.`));
  const traces = users.reduce((n, s) => n + usageOfService(ctx.usage.services, String(s.config.service_name ?? s.name)).tracesMonth, 0);
  return [
    ctx.item(r, {
      service: "X-Ray",
      component: `traces recorded (${users.length} service${users.length === 1 ? "" : "s"})`,
      quantity: traces / 1e6,
      unit: "million traces",
      priceKey: "xray.tracesRecordedMillion",
      freeTier: "xray.traces",
    }),
  ];
};

export const appRunnerPricers: Readonly<Record<string, Pricer>> = {
  aws_apprunner_service: service,
  aws_apprunner_observability_configuration: observability,
};
