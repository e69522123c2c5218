import { usageOfService } from "../../../phases/usage";
import { Pricer, PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";
import { MissingPrice } from "../price-table";
import { parseMemoryGb, parseVcpu } from "./apprunner";
import { logCharges } from "./logs";
import { runsPerMonth } from "./schedule";

/** ECS on Fargate (services and scheduled tasks), load balancers, EventBridge Scheduler. */

interface TaskSize {
  readonly vcpu: number;
  readonly memGb: number;
  readonly arch: string;
  readonly extraEphemeralGb: number;
  readonly label: string;
}

function taskSize(r: Resource, ctx: PricingContext, ref: unknown): TaskSize {
  const td = ctx.resolve(r.stack, ref);
  if (!td || td.type !== "aws_ecs_task_definition")
    throw new MissingPrice(`task definition ${String(ref)} not found in the synthesized stacks`);
  const vcpu = parseVcpu(td.config.cpu);
  const memGb = parseMemoryGb(td.config.memory);
  const arch = String(td.config.runtime_platform?.cpu_architecture ?? "X86_64");
  const extraEphemeralGb = Math.max(0, Number(td.config.ephemeral_storage?.size_in_gib ?? 20) - 20);
  return { vcpu, memGb, arch, extraEphemeralGb, label: `${vcpu} vCPU / ${memGb} GB ${arch}` };
}

/** Fargate charges of `taskHours`; `service` tells a long-running service from a scheduled job. */
function fargateItems(
  r: Resource,
  ctx: PricingContext,
  size: TaskSize,
  taskHours: number,
  what: string,
  service: "ECS Fargate" | "Scheduled tasks",
): LineItem[] {
  const items = [
    ctx.item(r, {
      service,
      component: `${what} vCPU (${size.label})`,
      quantity: taskHours * size.vcpu,
      unit: "vCPU-hour",
      priceKey: "fargate.vcpuHour",
      variant: size.arch,
    }),
    ctx.item(r, {
      service,
      component: `${what} memory (${size.label})`,
      quantity: taskHours * size.memGb,
      unit: "GB-hour",
      priceKey: "fargate.gbHour",
      variant: size.arch,
    }),
  ];
  if (size.extraEphemeralGb > 0) {
    items.push(
      ctx.item(r, {
        service,
        component: `${what} ephemeral storage above 20 GB`,
        quantity: taskHours * size.extraEphemeralGb,
        unit: "GB-hour",
        priceKey: "fargate.ephemeralGbHour",
      }),
    );
  }
  return items;
}

/** Cell services by the naming contract (cellNames: restartix-tenant-<id>, restartix-shard-<id>). */
const isCellService = (name: string): boolean => /-(tenant|shard)-/.test(name);

const ecsService: Pricer = (r, ctx) => {
  const c = r.config;
  const strategy = Array.isArray(c.capacity_provider_strategy) ? c.capacity_provider_strategy : [];
  const onFargate =
    c.launch_type === "FARGATE" || (c.launch_type === undefined && strategy.some((s: any) => s.capacity_provider === "FARGATE"));
  if (!onFargate) throw new MissingPrice(`launch type ${c.launch_type ?? "(capacity providers)"}: only FARGATE (on-demand) is priced`);
  const size = taskSize(r, ctx, c.task_definition);
  // The scaling target names the service by reference, or literally (service/<cluster>/<name>).
  const target = ctx.resourcesOf(r.stack, "aws_appautoscaling_target").find((t) => {
    const id = String(t.config.resource_id ?? "");
    return id.includes(`aws_ecs_service.${r.name}.`) || (c.name !== undefined && id.endsWith(`/${String(c.name)}`));
  });
  const tasks = Math.max(Number(c.desired_count ?? 0), Number(target?.config.min_capacity ?? 0));
  const use = usageOfService(ctx.usage.services, String(c.name ?? r.name));
  // Task hours: the scaling target's minimum all month, the usage model's extra tasks at peak
  // (never above the target's maximum).
  const peak = ctx.usage.peakHoursPerMonth;
  const maxTasks = Number(target?.config.max_capacity ?? tasks + use.extraAtPeak);
  const extra = Math.max(0, Math.min(use.extraAtPeak, maxTasks - tasks));
  const taskHours = tasks * ctx.hours + extra * peak;
  const name = String(c.name ?? r.name);
  // A cell behind its region's shared gateway ALB: the gateway's hours are priced with the ALB
  // (platform), the capacity units its own traffic adds are priced here, with the cell.
  const behindGateway = isCellService(name) && Array.isArray(c.load_balancer) && c.load_balancer.length > 0;
  return [
    ...fargateItems(
      r,
      ctx,
      size,
      taskHours,
      `${tasks} task(s) x ${ctx.hours} h${extra ? ` + ${extra} x ${peak} peak h` : ""}:`,
      "ECS Fargate",
    ),
    ...(behindGateway
      ? [
          ctx.item(r, {
            service: "Load balancing",
            component: `capacity units its traffic adds to the gateway ALB (${ctx.usage.fargate.lcuPerCell} on average)`,
            quantity: ctx.hours * ctx.usage.fargate.lcuPerCell,
            unit: "LCU-hour",
            priceKey: "elb.albLcuHour",
          }),
        ]
      : []),
    ctx.item(r, {
      service: "Data transfer",
      component: "responses to the internet (Cloudflare)",
      quantity: use.egressGbMonth,
      unit: "GB",
      priceKey: "transfer.internetOutGb",
    }),
    ...logCharges(r, ctx, use.logGbMonth, "application logs"),
  ];
};

const loadBalancer: Pricer = (r, ctx) => {
  const c = r.config;
  const kind = String(c.load_balancer_type ?? "application");
  if (kind !== "application" && kind !== "network") throw new MissingPrice(`load balancer type ${kind} is not in the price table`);
  const alb = kind === "application";
  const azs = Array.isArray(c.subnets) ? c.subnets.length : Array.isArray(c.subnet_mapping) ? c.subnet_mapping.length : 2;
  const items = [
    ctx.item(r, {
      service: "Load balancing",
      component: `${alb ? "ALB" : "NLB"} hours`,
      quantity: ctx.hours,
      unit: "hour",
      priceKey: alb ? "elb.albHour" : "elb.nlbHour",
    }),
    ctx.item(r, {
      service: "Load balancing",
      component: `capacity units (${ctx.usage.fargate.averageLcu} on average)`,
      quantity: ctx.hours * ctx.usage.fargate.averageLcu,
      unit: "LCU-hour",
      priceKey: alb ? "elb.albLcuHour" : "elb.nlbLcuHour",
    }),
  ];
  if (c.internal !== true) {
    items.push(
      ctx.item(r, {
        service: "VPC",
        component: `public IPv4 addresses (${azs} AZs)`,
        quantity: ctx.hours * azs,
        unit: "address-hour",
        priceKey: "vpc.publicIpv4Hour",
        why: "an internet-facing load balancer holds a public IPv4 address in each AZ, billed since 2024-02",
      }),
    );
  }
  return items;
};

const schedule: Pricer = (r, ctx) => {
  const expression = String(r.config.schedule_expression ?? "");
  const runs = runsPerMonth(expression, ctx.hours);
  const items = [
    ctx.item(r, {
      service: "EventBridge Scheduler",
      component: `invocations (${expression})`,
      quantity: runs / 1e6,
      unit: "million invocations",
      priceKey: "scheduler.invocationsMillion",
      freeTier: "scheduler.invocations",
    }),
  ];
  const ecs = r.config.target?.ecs_parameters;
  if (ecs) {
    const size = taskSize(r, ctx, ecs.task_definition_arn);
    const taskHours = (runs * Number(ecs.task_count ?? 1) * ctx.usage.fargate.scheduledTaskMinutes) / 60;
    items.push(
      ...fargateItems(
        r,
        ctx,
        size,
        taskHours,
        `scheduled task (${runs.toFixed(1)} runs x ${ctx.usage.fargate.scheduledTaskMinutes} min):`,
        "Scheduled tasks",
      ),
    );
  }
  return items;
};

export const fargatePricers: Readonly<Record<string, Pricer>> = {
  aws_ecs_service: ecsService,
  aws_lb: loadBalancer,
  aws_alb: loadBalancer,
  aws_scheduler_schedule: schedule,
};
