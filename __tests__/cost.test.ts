import { CELLS_PER_GATEWAY, cellCosts, cellLines } from "../tools/cost/cells";
import { costJson, costMarkdown, costReport, sideBySideRows } from "../tools/cost/report";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { loadPriceTable, PriceTable } from "../tools/cost/price-table";
import { runsPerMonth } from "../tools/cost/pricers/schedule";
import { SynthStack } from "../tools/synth";
import { phaseConfig } from "../phases";
import { USAGE, UsageAssumptions } from "../phases/usage";
import { flatPrice as flat, synth } from "./helpers";

// A small price table of round figures, so every expected value below is worked out by hand from
// it and the tests do not change when the real list prices are updated.
const entry = (regions: Record<string, number | Record<string, number>>) => ({
  unit: "test",
  source: "https://example.test",
  asOf: "2025-01",
  basis: "test",
  regions,
});
const PRICES: PriceTable = {
  about: "test prices",
  currency: "USD",
  regions: ["eu-central-1", "us-east-1"],
  prices: {
    "rds.postgres.instanceHour": entry({ "eu-central-1": { "db.t4g.medium": 0.1 }, "us-east-1": { "db.t4g.medium": 0.05 } }),
    "rds.storageGbMonth": entry({ "eu-central-1": { gp3: 0.2 }, "us-east-1": { gp3: 0.1 } }),
    "rds.backupGbMonth": entry({ "eu-central-1": 0.1, "us-east-1": 0.1 }),
    "secretsmanager.secretMonth": flat(0.4),
    "secretsmanager.apiCalls10k": flat(0.05),
    "elasticache.nodeHour": entry({ "eu-central-1": { "cache.t4g.micro": 0.016 } }),
    "apprunner.vcpuHour": entry({ "eu-central-1": 0.064 }),
    "apprunner.gbHour": entry({ "eu-central-1": 0.007 }),
    "apprunner.autoDeploymentMonth": flat(1),
    "transfer.internetOutGb": flat(0.09),
    "transfer.interRegionGb": flat(0.02),
    "cloudwatch.logsIngestGb": flat(0.5),
    "cloudwatch.logsStoreGbMonth": flat(0.03),
    "vpc.natGatewayHour": entry({ "eu-central-1": 0.045 }),
    "vpc.natGatewayGb": entry({ "eu-central-1": 0.045 }),
    "budgets.budgetDay": flat(0.02),
    "fargate.vcpuHour": entry({ "eu-central-1": { X86_64: 0.04, ARM64: 0.032 } }),
    "fargate.gbHour": entry({ "eu-central-1": { X86_64: 0.004, ARM64: 0.0032 } }),
    "s3.storageGbMonth": entry({ "eu-central-1": { STANDARD: 0.02, STANDARD_IA: 0.01, GLACIER: 0.004 } }),
  },
  freeTier: { budgets: { quantity: 2, unit: "budgets", source: "https://example.test", asOf: "2025-01" } },
};

// Usage with the extras switched off, so each test isolates the charge it checks.
const USE: UsageAssumptions = {
  ...USAGE[1],
  services: { default: { extraAtPeak: 0, egressGbMonth: 0, logGbMonth: 0, tracesMonth: 0 } },
  appRunner: { ...USAGE[1].appRunner, activeHoursPerMonth: 200 },
  database: { ...USAGE[1].database, backupGbPerAllocatedGb: 1, logExportGbPerInstanceMonth: 0, enhancedMonitoringGbPerInstanceMonth: 0 },
  natGbPerGatewayMonth: 50,
  buckets: { default: { storedGb: 0 }, dumps: { writtenGbPerDay: 1 } },
};

const SETTINGS = { phase: phaseConfig(1) };

function stackOf(
  name: string,
  resource: Record<string, Record<string, Record<string, unknown>>>,
  extra: Partial<SynthStack["json"]> = {},
): SynthStack {
  return {
    name,
    dependencies: [],
    json: { provider: { aws: [{ region: "eu-central-1" }, { region: "us-east-1", alias: "us-east-1" }] }, resource, ...extra },
  };
}

const estimate = (...stacks: SynthStack[]) => estimateMonthlyCost(stacks, SETTINGS, { prices: PRICES, usage: USE });
const items = (e: ReturnType<typeof estimate>, address: string) => e.byStack.flatMap((s) => s.items).filter((i) => i.address === address);
const monthly = (e: ReturnType<typeof estimate>, address: string, component: RegExp) =>
  items(e, address).find((i) => component.test(i.component))?.monthlyUsd;

const primary = {
  engine: "postgres",
  identifier: "db",
  instance_class: "db.t4g.medium",
  multi_az: true,
  allocated_storage: 50,
  storage_type: "gp3",
  backup_retention_period: 7,
};

describe("cost model: known resources price to hand-computed figures", () => {
  test("Multi-AZ RDS bills instance and storage twice; a read replica inherits the source's storage once", () => {
    const e = estimate(
      stackOf("data", {
        aws_db_instance: {
          main: primary,
          replica: { instance_class: "db.t4g.medium", replicate_source_db: "${aws_db_instance.main.identifier}" },
        },
      }),
    );
    expect(monthly(e, "aws_db_instance.main", /instance-hours/)).toBe(146); // 730 h x $0.10 x 2
    expect(monthly(e, "aws_db_instance.main", /storage/)).toBe(20); // 50 GB x $0.20 x 2
    expect(monthly(e, "aws_db_instance.replica", /instance-hours \(read replica\)/)).toBe(73); // 730 x 0.10
    expect(monthly(e, "aws_db_instance.replica", /storage/)).toBe(10); // 50 GB x 0.20
    expect(e.totalMonthlyUsd).toBe(249);
  });

  test("the region comes from the resource's provider alias: the same instance prices at us-east-1 rates", () => {
    const e = estimate(stackOf("data", { aws_db_instance: { main: { ...primary, provider: "aws.us-east-1" } } }));
    expect(items(e, "aws_db_instance.main").every((i) => i.region === "us-east-1")).toBe(true);
    expect(monthly(e, "aws_db_instance.main", /instance-hours/)).toBe(73); // 730 x $0.05 x 2
    expect(monthly(e, "aws_db_instance.main", /storage/)).toBe(10); // 50 x $0.10 x 2
  });

  test("backup storage beyond the free amount, and the RDS-managed master secret", () => {
    const e = estimateMonthlyCost(
      [stackOf("data", { aws_db_instance: { main: { ...primary, manage_master_user_password: true } } })],
      SETTINGS,
      { prices: PRICES, usage: { ...USE, database: { ...USE.database, backupGbPerAllocatedGb: 1.5 } } },
    );
    expect(monthly(e, "aws_db_instance.main", /backup storage/)).toBe(2.5); // (1.5 - 1) x 50 GB x $0.10
    expect(items(e, "aws_db_instance.main").find((i) => i.service === "Secrets Manager")?.monthlyUsd).toBe(0.4);
  });

  test("ElastiCache: node type x num_cache_clusters", () => {
    const e = estimate(
      stackOf("data", { aws_elasticache_replication_group: { redis: { node_type: "cache.t4g.micro", num_cache_clusters: 2 } } }),
    );
    expect(e.totalMonthlyUsd).toBe(23.36); // 730 x 2 x $0.016
  });

  const apprunner = {
    aws_apprunner_auto_scaling_configuration_version: { scaling: { min_size: 2, max_size: 5 } },
    aws_apprunner_service: {
      svc: {
        service_name: "api",
        instance_configuration: { cpu: "1024", memory: "2048" },
        auto_scaling_configuration_arn: "${aws_apprunner_auto_scaling_configuration_version.scaling.arn}",
        source_configuration: { auto_deployments_enabled: true },
      },
    },
  };

  test("App Runner: min_size instances active part of the month, memory only while idle", () => {
    const e = estimate(stackOf("compute", apprunner));
    expect(monthly(e, "aws_apprunner_service.svc", /active vCPU/)).toBe(25.6); // 2 x 200 h x 1 vCPU x $0.064
    expect(monthly(e, "aws_apprunner_service.svc", /active memory/)).toBe(5.6); // 2 x 200 h x 2 GB x $0.007
    expect(monthly(e, "aws_apprunner_service.svc", /idle/)).toBe(14.84); // 2 x 530 h x 2 GB x $0.007
    expect(monthly(e, "aws_apprunner_service.svc", /automatic deployments/)).toBe(1);
  });

  test("App Runner: a Route 53 health check in another stack keeps the service active all month", () => {
    const compute = stackOf("compute", apprunner, {
      output: { "cross-stack-output-aws_apprunner_servicesvcservice_url": { value: "${aws_apprunner_service.svc.service_url}" } },
    });
    const observability = stackOf("observability", {
      aws_route53_health_check: {
        check: {
          fqdn: "${data.terraform_remote_state.cross-stack-reference-input-compute.outputs.cross-stack-output-aws_apprunner_servicesvcservice_url}",
          provider: "aws.us-east-1",
        },
      },
    });
    const e = estimateMonthlyCost([compute], SETTINGS, { prices: PRICES, usage: USE });
    const checked = estimateMonthlyCost([compute, observability], SETTINGS, { prices: PRICES, usage: USE });
    expect(monthly(e, "aws_apprunner_service.svc", /active vCPU/)).toBe(25.6);
    expect(monthly(checked, "aws_apprunner_service.svc", /active vCPU/)).toBe(93.44); // 2 x 730 h x $0.064
    expect(items(checked, "aws_apprunner_service.svc").some((i) => i.component.includes("idle"))).toBe(false);
  });

  test("Fargate: task definition size x max(desired_count, autoscaling min_capacity), by architecture", () => {
    const e = estimate(
      stackOf("compute", {
        aws_ecs_task_definition: { task: { cpu: "512", memory: "1024", runtime_platform: { cpu_architecture: "ARM64" } } },
        aws_ecs_service: {
          svc: { name: "api", launch_type: "FARGATE", desired_count: 1, task_definition: "${aws_ecs_task_definition.task.arn}" },
        },
        aws_appautoscaling_target: { target: { min_capacity: 2, resource_id: "service/cluster/${aws_ecs_service.svc.name}" } },
      }),
    );
    expect(monthly(e, "aws_ecs_service.svc", /vCPU/)).toBe(23.36); // 2 tasks x 730 h x 0.5 vCPU x $0.032
    expect(monthly(e, "aws_ecs_service.svc", /memory/)).toBe(4.67); // 2 x 730 x 1 GB x $0.0032
  });

  test("NAT gateway hours and data; the first two budgets are free", () => {
    const e = estimate(
      stackOf("network", { aws_nat_gateway: { nat: {} } }),
      stackOf("observability", { aws_budgets_budget: { a: { name: "a" }, b: { name: "b" }, c: { name: "c" } } }),
    );
    expect(monthly(e, "aws_nat_gateway.nat", /hours/)).toBe(32.85); // 730 x $0.045
    expect(monthly(e, "aws_nat_gateway.nat", /data/)).toBe(2.25); // 50 GB x $0.045
    const budgets = ["a", "b", "c"].map((n) => items(e, `aws_budgets_budget.${n}`)[0]);
    expect(budgets.map((b) => b.monthlyUsd)).toEqual([0, 0, 0.61]); // 730 / 24 days x $0.02
    expect(budgets[0].freeQuantity).toBe(1);
  });

  test("S3: daily writes aged through the bucket's lifecycle rules", () => {
    const e = estimate(
      stackOf("backups", {
        aws_s3_bucket: { dumps: { bucket: "dumps" } },
        aws_s3_bucket_lifecycle_configuration: {
          lc: {
            bucket: "${aws_s3_bucket.dumps.id}",
            rule: [
              {
                status: "Enabled",
                filter: [{ prefix: "" }],
                expiration: [{ days: 365 }],
                transition: [
                  { days: 90, storage_class: "GLACIER" },
                  { days: 30, storage_class: "STANDARD_IA" },
                ],
              },
            ],
          },
        },
      }),
    );
    const byClass = Object.fromEntries(items(e, "aws_s3_bucket.dumps").map((i) => [i.component.split(" ")[0], [i.quantity, i.monthlyUsd]]));
    expect(byClass).toEqual({ STANDARD: [30, 0.6], STANDARD_IA: [60, 0.6], GLACIER: [275, 1.1] });
  });
});

describe("cost model: what it cannot price is listed, never dropped", () => {
  test("an unknown AWS type is not priced; free configuration and other providers are counted apart", () => {
    const e = estimate(
      stackOf("misc", {
        aws_quantum_ledger: { q: {} },
        aws_iam_role: { role: {} },
        aws_nat_gateway: { nat: {} },
        cloudflare_dns_record: { api: {}, www: {} },
      }),
    );
    expect(e.notPriced).toEqual([
      { stack: "misc", address: "aws_quantum_ledger.q", type: "aws_quantum_ledger", reason: "no pricer for this resource type" },
    ]);
    expect(e.freeResources).toEqual({ aws_iam_role: 1 });
    expect(e.otherProviders).toEqual([{ stack: "misc", provider: "cloudflare", type: "cloudflare_dns_record", count: 2 }]);
    expect(e.totalMonthlyUsd).toBe(35.1);
  });

  test("a known type whose size is missing from the price table is not priced, naming the size", () => {
    const e = estimate(stackOf("data", { aws_db_instance: { big: { ...primary, instance_class: "db.x2g.16xlarge" } } }));
    expect(e.notPriced).toHaveLength(1);
    expect(e.notPriced[0].reason).toMatch(/db\.x2g\.16xlarge in eu-central-1/);
    expect(e.totalMonthlyUsd).toBe(0);
  });
});

describe("cost model on the synthesized phase 1", () => {
  const result = synth({ phase: 1 });
  const prices = loadPriceTable();
  const report = costReport(1, "apprunner", estimateMonthlyCost(result.stacks, result.settings, { prices }), prices);
  const json = costJson(report) as Record<string, any>;

  test("json: total, every synthesized stack with its items, service lines, document comparison", () => {
    expect(typeof json.totalMonthlyUsd).toBe("number");
    expect(json.byStack.map((s: any) => s.stack).sort()).toEqual(result.stacks.map((s) => s.name).sort());
    const sum = json.byStack.reduce((n: number, s: any) => n + s.totalMonthlyUsd, 0);
    expect(Math.abs(sum - json.totalMonthlyUsd)).toBeLessThan(0.01);
    expect(json.byService.RDS).toBeGreaterThan(0);
    expect(json.document.documentLow).toBe(163);
    expect(json.document.documentHigh).toBe(188);
    expect(json.document.lines.map((l: any) => l.label)).toContain("NAT Gateway");
    expect(Array.isArray(json.notPriced)).toBe(true);
    for (const item of json.byStack.flatMap((s: any) => s.items)) {
      expect(item).toEqual(
        expect.objectContaining({
          stack: expect.any(String),
          address: expect.any(String),
          service: expect.any(String),
          region: expect.any(String),
          monthlyUsd: expect.any(Number),
        }),
      );
    }
  });

  test("every AWS resource of phase 1 is priced or known to be free", () => {
    expect(report.estimate.notPriced).toEqual([]);
  });

  test("the database is priced from the synthesized instance (Multi-AZ db.t4g.medium, both copies of its storage)", () => {
    const db = report.estimate.byStack.flatMap((s) => s.items).filter((i) => i.type === "aws_db_instance" && i.service === "RDS");
    const instance = db.find((i) => i.component.includes("instance-hours"))!;
    expect(instance.component).toBe("db.t4g.medium instance-hours (Multi-AZ)");
    expect(instance.unitPriceUsd).toBeCloseTo(
      2 * prices.prices["rds.postgres.instanceHour"].regions!["eu-central-1"]!["db.t4g.medium" as never],
      10,
    );
  });

  test("the real price table: every entry names an https source and the month of its price list", () => {
    for (const [key, e] of Object.entries(prices.prices)) {
      expect([key, e.source]).toEqual([key, expect.stringMatching(/^https:\/\//)]);
      expect([key, e.asOf]).toEqual([key, expect.stringMatching(/^\d{4}-\d{2}$/)]);
    }
  });
});

describe("schedule expressions", () => {
  test.each([
    ["cron(0 3 * * ? *)", 30.42],
    ["rate(1 hour)", 730],
    ["rate(5 minutes)", 8760],
    ["cron(0 3 ? * MON-FRI *)", 21.73],
  ])("%s fires %d times a 730-hour month", (expr, runs) => {
    expect(runsPerMonth(expr, 730)).toBeCloseTo(runs, 1);
  });
});

describe("Fargate cells (issue 19 item 7)", () => {
  const prices: PriceTable = {
    ...PRICES,
    prices: {
      ...PRICES.prices,
      "elb.albHour": entry({ "eu-central-1": 0.027 }),
      "elb.albLcuHour": entry({ "eu-central-1": 0.009 }),
      "vpc.publicIpv4Hour": flat(0.005),
    },
  };
  // A cell's service as the cells stack writes it: 1 vCPU / 2 GB, scaling 2..4, behind the region's gateway.
  const cell = (id: string) =>
    stackOf(`tenant-${id}`, {
      aws_ecs_task_definition: {
        task: { family: `restartix-tenant-${id}`, cpu: "1024", memory: "2048", runtime_platform: { cpu_architecture: "X86_64" } },
      },
      aws_ecs_service: {
        service: {
          name: `restartix-tenant-${id}`,
          launch_type: "FARGATE",
          desired_count: 2,
          task_definition: "${aws_ecs_task_definition.task.arn}",
          load_balancer: [{ target_group_arn: "${aws_lb_target_group.targets.arn}", container_name: "tls-proxy", container_port: 9443 }],
        },
      },
      aws_appautoscaling_target: {
        scaling: { resource_id: `service/restartix-prod/restartix-tenant-${id}`, min_capacity: 2, max_capacity: 4 },
      },
    });
  // Five extra tasks at peak in the usage model, but the cell's maximum is 4: two extra.
  const usage: UsageAssumptions = { ...USE, services: { default: { extraAtPeak: 5, egressGbMonth: 0, logGbMonth: 0, tracesMonth: 0 } } };
  const run = (stacks: SynthStack[]) => estimateMonthlyCost(stacks, SETTINGS, { prices, usage });

  test("task hours: the minimum all month plus the usage model's peak tasks, capped at the cell's maximum; vCPU-hours and GB-hours of its size", () => {
    const e = run([cell("org-101")]);
    const service = items(e, "aws_ecs_service.service");
    const vcpu = service.find((i) => i.unit === "vCPU-hour")!;
    const mem = service.find((i) => i.unit === "GB-hour")!;
    expect(vcpu.component).toBe("2 task(s) x 730 h + 2 x 264 peak h: vCPU (1 vCPU / 2 GB X86_64)");
    expect([vcpu.quantity, vcpu.monthlyUsd]).toEqual([1988, 79.52]);
    expect([mem.quantity, mem.monthlyUsd]).toEqual([3976, 15.9]);
  });

  test("a cell behind the gateway pays the capacity units its traffic adds; the shared tier's services do not (their ALB's own LCUs are priced with it)", () => {
    const lcu = items(run([cell("org-101")]), "aws_ecs_service.service").find((i) => i.unit === "LCU-hour")!;
    expect([lcu.quantity, lcu.monthlyUsd]).toEqual([730 * usage.fargate.lcuPerCell, round(730 * usage.fargate.lcuPerCell * 0.009)]);
    const shared = stackOf("compute", {
      ...cell("x").json.resource,
      aws_ecs_service: { service: { ...(cell("x").json.resource as any).aws_ecs_service.service, name: "restartix-core-api" } },
    });
    expect(items(run([shared]), "aws_ecs_service.service").some((i) => i.unit === "LCU-hour")).toBe(false);
  });

  test("what a cell adds: the average of the cell stacks, and on Fargate a gateway ALB per 90 cells of a region", () => {
    const e = run([cell("org-101"), cell("org-102")]);
    const perCell = e.byStack.find((s) => s.stack === "tenant-org-101")!.totalMonthlyUsd;
    const c = cellCosts(e, { tenant: 2, shard: 0 }, "fargate", prices, usage, "eu-central-1");
    expect(c.kinds).toEqual([{ kind: "tenant", count: 2, averageUsd: perCell }]);
    // 730 h x $0.027 + 730 x 1 LCU x $0.009 + 730 x 2 addresses x $0.005
    expect(c.gateway).toEqual({ region: "eu-central-1", monthlyUsd: 33.58, perCellUsd: 0.37 });
    expect(CELLS_PER_GATEWAY).toBe(90);
    expect(cellLines(c).join("\n")).toMatch(
      /A tenant cell adds \$\d+\.\d\d\/month \(the average of 2[\s\S]*Every 90 cells of a region add a gateway ALB: \$33\.58\/month/,
    );
    expect(cellCosts(e, { tenant: 2, shard: 0 }, "apprunner", prices, usage, "eu-central-1").gateway).toBeUndefined();
  });

  test("--all: every phase on every engine beside the document, the default engine first; an engine synth refused is shown, not dropped", () => {
    const on = (compute: string, stacks: SynthStack[]) => costReport(3, compute, run(stacks), prices);
    const fargate = on("fargate", [cell("org-101")]);
    const apprunner = on("apprunner", [stackOf("tenant-org-101", {})]);
    const { header, rows } = sideBySideRows([fargate, apprunner]);
    expect(header).toEqual(["phase", "document", "fargate", "apprunner", "difference"]);
    expect(rows[0].slice(0, 4)).toEqual(["3", "$3,645.00", `$${fargate.estimate.totalMonthlyUsd.toFixed(2)}`, "$0.00"]);
    expect(rows[0][4]).toMatch(/\(fargate\)$/);
    const refused = sideBySideRows([fargate], [{ phase: 3, compute: "apprunner", reason: "refused\nmore" }]);
    expect(refused.rows[0][3]).toBe("not synthesized");
    expect(
      costMarkdown(
        [fargate],
        [{ phase: 3, compute: "apprunner", reason: "Invalid configuration (1 problem):\n  - compute: got it. Fix: this" }],
      ),
    ).toContain("- Phase 3 on apprunner: not synthesized: compute: got it. Fix: this");
    const md = costMarkdown([fargate, apprunner], []);
    expect(md).toContain("| phase | document | fargate | apprunner | difference |");
    expect(md).toContain("| service line | fargate | apprunner |");
    expect(md).toContain("The default engine (fargate) against the document:");
  });
});

const round = (n: number) => Math.round(n * 100) / 100;
