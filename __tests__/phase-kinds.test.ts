import * as fs from "fs";
import * as path from "path";
import { loadInputs } from "../config/deployment";
import { ConfigError, Issues, nearestName } from "../config/errors";
import { validateDeployment, validatePhase, validateTenants } from "../config/validate";
import { phaseConfig } from "../phases";
import { PhaseConfig } from "../phases/types";
import { EXAMPLE_VARS } from "./helpers";

// phases/*.ts are transpiled without type-checking and phases/tenants/*.json are plain JSON: every
// setting is checked for its kind at run time (config/validate-phase-kinds.ts), so a string where a
// number belongs, a mistyped field or a value outside the service's limits is one line naming the
// file, the field, the value and the fix. Validation calls only: no synth.

const deployment = () => validateDeployment({ ...loadInputs(EXAMPLE_VARS).values }, EXAMPLE_VARS, new Issues());

function phaseIssues(phase: 1 | 2 | 3 | 4, mutate: (c: any) => void) {
  const config = JSON.parse(JSON.stringify(phaseConfig(phase))) as PhaseConfig;
  mutate(config);
  const issues = new Issues();
  validatePhase(config, deployment(), issues);
  return issues.all;
}

const issueOf = (issues: readonly { field: string; problem: string; fix: string }[], field: string) => {
  const found = issues.find((i) => i.field === field);
  if (!found) throw new Error(`no issue for ${field}; got ${JSON.stringify(issues.map((i) => i.field))}`);
  return found;
};

describe("a value of the wrong kind in a phase file", () => {
  test('maxInstances: "5" is refused as a string where a number belongs, with the fix without quotes', () => {
    const issues = phaseIssues(1, (c) => (c.services.core.maxInstances = "5"));
    expect(issues).toEqual([
      {
        field: "phase1.services.core.maxInstances",
        value: "5",
        problem: "expected a number, not a string",
        fix: "write maxInstances: 5 (no quotes)",
      },
    ]);
    // One line naming the file, the field, the value and the fix.
    expect(new ConfigError(issues).message.split("\n")[1]).toBe(
      '  - phase1.services.core.maxInstances (phases/phase1.ts): got "5"; expected a number, not a string. Fix: write maxInstances: 5 (no quotes).',
    );
  });

  test.each<[string, 1 | 2 | 3 | 4, (c: any) => void, string, RegExp, RegExp]>([
    [
      "a quoted boolean",
      1,
      (c) => (c.database.multiAz = "true"),
      "phase1.database.multiAz",
      /expected true or false, not a string/,
      /write multiAz: true \(no quotes\)/,
    ],
    [
      "a number where a string belongs",
      1,
      (c) => (c.database.dbName = 5),
      "phase1.database.dbName",
      /expected a string \(in quotes\), not a number/,
      /write dbName: "5"/,
    ],
    [
      "an object where a list belongs",
      2,
      (c) => (c.services.core.secretEnv = { a: 1 }),
      "phase2.services.core.secretEnv",
      /expected a list \[\.\.\.\], not an object/,
      /write secretEnv: \[/,
    ],
    [
      "a missing setting",
      1,
      (c) => delete c.backups.maxDumpAgeHours,
      "phase1.backups.maxDumpAgeHours",
      /is required/,
      /add maxDumpAgeHours: 1/,
    ],
    [
      "a string in a shard's sizing",
      4,
      (c) => (c.regions[1].shards[0].service.dbPoolMax = "20"),
      "phase4.regions[1].shards[0].service.dbPoolMax",
      /expected a number, not a string/,
      /no quotes/,
    ],
    [
      "a string in a tenant size preset",
      3,
      (c) => (c.enterprise.sizes.large.service.cpu = "1 vCPU"),
      "phase3.enterprise.sizes.large.service.cpu",
      /expected a number, not a string/,
      /write cpu: 1$/,
    ],
    [
      "a literal outside its type",
      1,
      (c) => (c.services.core.healthCheck.protocol = "HTTPS"),
      "phase1.services.core.healthCheck.protocol",
      /expected one of "HTTP", "TCP"/,
      /write protocol: "HTTP"/,
    ],
    ["a quoted phase number", 1, (c) => (c.phase = "1"), "phase1.phase", /expected one of 1, 2, 3, 4/, /write phase: 1 \(no quotes\)/],
  ])("%s", (_name, phase, mutate, field, problem, fix) => {
    const issue = issueOf(phaseIssues(phase, mutate), field);
    expect(issue.problem).toMatch(problem);
    expect(issue.fix).toMatch(fix);
  });

  test("a mistyped field is refused with the nearest accepted name and the list of them", () => {
    const issues = phaseIssues(1, (c) => (c.services.core.maxInstnces = 5));
    const issue = issueOf(issues, "phase1.services.core.maxInstnces");
    expect(issue.problem).toBe("is not a field of a service");
    expect(issue.fix).toMatch(/^did you mean maxInstances\? remove it or use one of cpu, memory, minInstances, maxInstances, /);
    // The kinds stop validatePhase: the checks after them read the values as their types.
    expect(issues).toHaveLength(1);
  });

  test("a whole service config where a cell's sizing belongs is accepted (TypeScript allows it); other fields are not", () => {
    expect(phaseIssues(4, (c) => (c.regions[0].shards[0].service = c.services.core))).toEqual([]);
    expect(
      issueOf(
        phaseIssues(4, (c) => (c.regions[0].shards[0].service.replicas = 2)),
        "phase4.regions[0].shards[0].service.replicas",
      ).problem,
    ).toBe("is not a field of a service's sizing");
  });

  test("a value a later phase inherits is named with the file that writes it", () => {
    // The loaded phases themselves (not copies): phase 2 spreads phase 1's services unchanged.
    const telemetry = phaseConfig(1).services.telemetry as { maxInstances: unknown };
    const saved = telemetry.maxInstances;
    telemetry.maxInstances = "3";
    try {
      const issues = new Issues();
      validatePhase(phaseConfig(2), deployment(), issues);
      expect(issues.all.map((i) => i.field)).toEqual(["phase2.services.telemetry.maxInstances (phases/phase1.ts)"]);
      expect(new ConfigError(issues.all).message).toContain(
        '  - phase2.services.telemetry.maxInstances (phases/phase1.ts): got "3"; expected a number, not a string.',
      );
      // Phase 3 writes its own core service ({ ...phase2.services.core, maxInstances: 10 }), but not telemetry.
      const third = new Issues();
      validatePhase(phaseConfig(3), deployment(), third);
      expect(third.all.map((i) => i.field)).toEqual(["phase3.services.telemetry.maxInstances (phases/phase1.ts)"]);
    } finally {
      telemetry.maxInstances = saved;
    }
    const own = new Issues();
    const core = phaseConfig(3).services.core as { maxInstances: unknown };
    core.maxInstances = "10";
    try {
      validatePhase(phaseConfig(3), deployment(), own);
    } finally {
      core.maxInstances = 10;
    }
    expect(own.all.map((i) => i.field)).toEqual(["phase3.services.core.maxInstances"]);
  });

  test("a quoted number where a literal number belongs names the fix", () => {
    const issue = issueOf(
      phaseIssues(1, (c) => (c.audit.logRetentionDays = "365")),
      "phase1.audit.logRetentionDays",
    );
    expect(issue.fix).toBe("write logRetentionDays: 365 (no quotes)");
  });
});

describe("every setting nothing else checked is held to the service's limits", () => {
  test.each<[string, 1 | 2 | 3 | 4, (c: any) => void, string, RegExp]>([
    ["cache port", 1, (c) => (c.regions[0].cache.port = 70000), "phase1.regions[0].cache.port", /from 1 to 65535/],
    ["work_mem", 1, (c) => (c.database.parameters.workMemMb = 0), "phase1.database.parameters.workMemMb", /from 1 to 2097151/],
    [
      "maintenance_work_mem",
      1,
      (c) => (c.database.parameters.maintenanceWorkMemMb = 3_000_000),
      "phase1.database.parameters.maintenanceWorkMemMb",
      /from 1 to 2097151/,
    ],
    [
      "log_min_duration_statement",
      1,
      (c) => (c.database.parameters.logMinDurationStatementMs = 2 ** 31),
      "phase1.database.parameters.logMinDurationStatementMs",
      /from 0 to 2147483647/,
    ],
    [
      "background connections",
      1,
      (c) => (c.database.backgroundConnections = 6000),
      "phase1.database.backgroundConnections",
      /from 0 to 5000/,
    ],
    [
      "request timeout",
      1,
      (c) => (c.services.core.requestTimeoutSeconds = 300),
      "phase1.services.core.requestTimeoutSeconds",
      /from 1 to 120 \(App Runner ends every request at 120 s\)/,
    ],
    [
      "error-rate minutes",
      1,
      (c) => (c.observability.alarms.errorRateMinutes = 0),
      "phase1.observability.alarms.errorRateMinutes",
      /from 1 to 1440/,
    ],
    [
      "p99 latency",
      1,
      (c) => (c.observability.alarms.p99LatencyMs = 200000),
      "phase1.observability.alarms.p99LatencyMs",
      /from 1 to 120000/,
    ],
    [
      "latency minutes",
      1,
      (c) => (c.observability.alarms.latencyMinutes = 2000),
      "phase1.observability.alarms.latencyMinutes",
      /from 1 to 1440/,
    ],
    [
      "health-check failures",
      1,
      (c) => (c.observability.alarms.healthCheckFailures = 0),
      "phase1.observability.alarms.healthCheckFailures",
      /from 1 to 10/,
    ],
    [
      "DB CPU percent",
      1,
      (c) => (c.observability.alarms.dbCpuPercent = 150),
      "phase1.observability.alarms.dbCpuPercent",
      /a number from 1 to 100/,
    ],
    ["DB CPU minutes", 1, (c) => (c.observability.alarms.dbCpuMinutes = 0), "phase1.observability.alarms.dbCpuMinutes", /from 1 to 1440/],
    [
      "free storage",
      1,
      (c) => (c.observability.alarms.dbFreeStorageGb = 0),
      "phase1.observability.alarms.dbFreeStorageGb",
      /from 1 to 65536/,
    ],
    [
      "monthly spend",
      1,
      (c) => (c.observability.alarms.monthlySpendUsd = 0),
      "phase1.observability.alarms.monthlySpendUsd",
      /from 1 to 10000000/,
    ],
    [
      "canary interval",
      1,
      (c) => (c.observability.healthProbe.canaryIntervalMinutes = 90),
      "phase1.observability.healthProbe.canaryIntervalMinutes",
      /from 1 to 60/,
    ],
    [
      "probe spacing",
      1,
      (c) => (c.observability.healthProbe.probeSpacingSeconds = 0),
      "phase1.observability.healthProbe.probeSpacingSeconds",
      /from 1 to 60/,
    ],
    [
      "canary memory step",
      1,
      (c) => (c.observability.healthProbe.canaryMemoryMb = 1000),
      "phase1.observability.healthProbe.canaryMemoryMb",
      /from 960 to 3008 in steps of 64/,
    ],
    [
      "canary memory minimum",
      1,
      (c) => (c.observability.healthProbe.canaryMemoryMb = 512),
      "phase1.observability.healthProbe.canaryMemoryMb",
      /from 960 to 3008/,
    ],
    [
      "canary runtime",
      1,
      (c) => (c.observability.healthProbe.canaryRuntime = "nodejs20"),
      "phase1.observability.healthProbe.canaryRuntime",
      /CloudWatch Synthetics runtime/,
    ],
    [
      "artifact expiry",
      1,
      (c) => (c.observability.healthProbe.artifactExpireDays = 0),
      "phase1.observability.healthProbe.artifactExpireDays",
      /from 1 to 36500/,
    ],
    [
      "a checker region Route 53 does not have",
      1,
      (c) => (c.observability.healthProbe.route53Regions[2] = "eu-central-1"),
      "phase1.observability.healthProbe.route53Regions[2]",
      /expected one of "us-east-1"/,
    ],
    [
      "fewer than 3 checker regions",
      1,
      (c) => c.observability.healthProbe.route53Regions.pop(),
      "phase1.observability.healthProbe.route53Regions",
      /at least 3 items/,
    ],
    ["SNS topic name", 1, (c) => (c.observability.topicName = "restartix alerts"), "phase1.observability.topicName", /SNS topic name/],
    [
      "dashboard name",
      1,
      (c) => (c.observability.dashboardName = "restartix/prod"),
      "phase1.observability.dashboardName",
      /CloudWatch dashboard name/,
    ],
    [
      "rate-limit mitigation",
      1,
      (c) => (c.edge.rateLimits[0].mitigationTimeoutSeconds = 100000),
      "phase1.edge.rateLimits[0].mitigationTimeoutSeconds",
      /from 0 to 86400/,
    ],
    [
      "rate-limit service",
      1,
      (c) => (c.edge.rateLimits[0].service = "web"),
      "phase1.edge.rateLimits[0].service",
      /expected one of "core", "telemetry"/,
    ],
    ["WAF action", 1, (c) => (c.edge.customRules[0].action = "deny"), "phase1.edge.customRules[0].action", /expected one of "block"/],
    ["TLS version", 1, (c) => (c.edge.minTlsVersion = 1.2), "phase1.edge.minTlsVersion", /expected one of "1\.2", "1\.3"/],
    ["workflow path", 1, (c) => (c.delivery.workflowPath = "deploy.yml"), "phase1.delivery.workflowPath", /under \.github\/workflows\//],
    [
      "Actions secret name",
      1,
      (c) => (c.delivery.actionsSecrets = ["api-key"]),
      "phase1.delivery.actionsSecrets[0]",
      /GitHub Actions secret name/,
    ],
    ["ALB name", 1, (c) => (c.fargate.albName = "restartix-production-load-balancer-x"), "phase1.fargate.albName", /1-32 letters/],
    ["cluster name", 1, (c) => (c.fargate.clusterName = "restartix prod"), "phase1.fargate.clusterName", /ECS cluster name/],
    [
      "deregistration delay",
      1,
      (c) => (c.fargate.deregistrationDelaySeconds = 4000),
      "phase1.fargate.deregistrationDelaySeconds",
      /from 0 to 3600/,
    ],
    ["TLS policy", 1, (c) => (c.fargate.sslPolicy = "TLS13"), "phase1.fargate.sslPolicy", /ELB security policy/],
    [
      "an image without a fixed tag",
      1,
      (c) => (c.fargate.tlsProxyImage = "public.ecr.aws/docker/library/caddy:latest"),
      "phase1.fargate.tlsProxyImage",
      /fixed tag or digest/,
    ],
    ["root in the task", 1, (c) => (c.fargate.runAsUser = "0:0"), "phase1.fargate.runAsUser", /non-root/],
    ["a user name instead of a uid", 1, (c) => (c.fargate.runAsUser = "nobody"), "phase1.fargate.runAsUser", /numeric uid/],
    ["trail name", 1, (c) => (c.audit.trailName = "ab"), "phase1.audit.trailName", /CloudTrail trail name/],
    [
      "audit retention below six years",
      1,
      (c) => (c.audit.retentionDays = 365),
      "phase1.audit.retentionDays",
      /from 2192 to 36500 \(HIPAA/,
    ],
    [
      "audit Glacier transition",
      1,
      (c) => (c.audit.transitionToGlacierDays = 0),
      "phase1.audit.transitionToGlacierDays",
      /from 1 to 36500/,
    ],
    ["audit log group", 1, (c) => (c.audit.logGroupName = "cloudtrail logs"), "phase1.audit.logGroupName", /CloudWatch log group name/],
    [
      "audit log retention CloudWatch refuses",
      1,
      (c) => (c.audit.logRetentionDays = 100),
      "phase1.audit.logRetentionDays",
      /expected one of 1, 3, 5/,
    ],
    ["AWS namespace", 1, (c) => (c.audit.metricNamespace = "AWS/CIS"), "phase1.audit.metricNamespace", /not AWS\//],
    ["alarm period", 1, (c) => (c.audit.alarmPeriodSeconds = 90), "phase1.audit.alarmPeriodSeconds", /from 60 to 86400 in steps of 60/],
    ["GuardDuty severity", 1, (c) => (c.audit.minGuardDutySeverity = 11), "phase1.audit.minGuardDutySeverity", /from 1 to 10/],
    [
      "finding severity",
      1,
      (c) => (c.audit.alertFindingSeverities = ["SEVERE"]),
      "phase1.audit.alertFindingSeverities[0]",
      /expected one of "LOW"/,
    ],
    [
      "Object Lock mode",
      1,
      (c) => (c.audit.objectLockMode = "compliance"),
      "phase1.audit.objectLockMode",
      /expected one of "COMPLIANCE", "GOVERNANCE"/,
    ],
    [
      "GuardDuty frequency",
      1,
      (c) => (c.audit.guardDutyFindingFrequency = "DAILY"),
      "phase1.audit.guardDutyFindingFrequency",
      /FIFTEEN_MINUTES/,
    ],
    ["origin header name", 1, (c) => (c.originGuard.headerName = "X Origin"), "phase1.originGuard.headerName", /HTTP header name/],
    ["origin secret length", 1, (c) => (c.originGuard.valueLength = 16), "phase1.originGuard.valueLength", /from 32 to 4096/],
    [
      "log group prefix of the VPC",
      1,
      (c) => (c.regions[0].network.logName = "restartix prod"),
      "phase1.regions[0].network.logName",
      /flow log group/,
    ],
    [
      "VPC connector name",
      1,
      (c) => (c.regions[0].network.connectorName = "vpc"),
      "phase1.regions[0].network.connectorName",
      /VPC connector name/,
    ],
    ["cache id", 1, (c) => (c.regions[0].cache.id = "Restartix_Redis"), "phase1.regions[0].cache.id", /replication group id/],
    ["dump image repository", 1, (c) => (c.backups.jobRepository = "Backup Job"), "phase1.backups.jobRepository", /ECR repository name/],
    ["a quota", 3, (c) => (c.quotas.apprunnerVpcConnectors = 0), "phase3.quotas.apprunnerVpcConnectors", /from 1 to 1000000/],
    [
      "an unknown quota",
      3,
      (c) => (c.quotas.apprunnerConnectors = 20),
      "phase3.quotas.apprunnerConnectors",
      /is not a field of the granted quotas/,
    ],
    [
      "registry file",
      3,
      (c) => (c.enterprise.registryFile = "../tenants.json"),
      "phase3.enterprise.registryFile",
      /under phases\/tenants\//,
    ],
    ["an empty name", 1, (c) => (c.project = " "), "phase1.project", /is empty/],
  ])("%s", (_name, phase, mutate, field, problem) => {
    const issue = issueOf(phaseIssues(phase, mutate), field);
    expect(issue.problem).toMatch(problem);
    expect(issue.fix.length).toBeGreaterThan(5);
  });

  test("the shipped phases pass", () => {
    for (const phase of [1, 2, 3, 4] as const) expect(phaseIssues(phase, () => undefined)).toEqual([]);
  });
});

describe("the tenant registry refuses what it does not know", () => {
  const standard = phaseConfig(3).enterprise!.sizes.standard;
  const entry = { id: "org-900", name: "Clinic", region: "eu-central-1", size: "standard", ...standard, slot: 11 };
  const tenantIssues = (e: Record<string, unknown>) => {
    const issues = new Issues();
    validateTenants([e], "phases/tenants/phase3.json", phaseConfig(3), issues, "fargate");
    return issues.all;
  };

  test("an unknown field is refused with the file, the nearest accepted name and the list", () => {
    const issues = tenantIssues({ ...entry, regoin: "eu-central-1" });
    expect(issues).toEqual([
      {
        field: "tenants[org-900] (phase3.json).regoin",
        value: "eu-central-1",
        problem: "is not a field of a tenant entry",
        fix: "did you mean region? remove it or use one of id, name, region, size, instanceClass, allocatedStorageGb, maxAllocatedStorageGb, service, decommission, slot",
      },
    ]);
  });

  test("an unknown field in the service sizing, and a string where a number belongs", () => {
    expect(
      issueOf(
        tenantIssues({ ...entry, service: { ...standard.service, maxInstance: 3 } }),
        "tenants[org-900] (phase3.json).service.maxInstance",
      ).fix,
    ).toMatch(/^did you mean maxInstances\?/);
    const quoted = tenantIssues({ ...entry, service: { ...standard.service, maxInstances: "5" } });
    expect(quoted).toEqual([
      {
        field: "tenants[org-900] (phase3.json).service.maxInstances",
        value: "5",
        problem: "expected a number, not a string",
        fix: "write maxInstances: 5 (no quotes)",
      },
    ]);
  });

  test("a size that is not a preset of the phase", () => {
    expect(issueOf(tenantIssues({ ...entry, size: "huge" }), "tenants[org-900] (phase3.json).size").problem).toBe(
      "is not a size of phase 3 (standard, large)",
    );
  });

  test("the shipped registries pass", () => {
    for (const phase of [3, 4] as const) {
      const file = path.join(__dirname, "..", "phases", "tenants", `phase${phase}.json`);
      const issues = new Issues();
      validateTenants(JSON.parse(fs.readFileSync(file, "utf8")), file, phaseConfig(phase), issues, "fargate");
      expect(issues.all).toEqual([]);
    }
  });
});

test("a phase whose regions are not a list: one issue, and neither check throws", () => {
  const config = { ...JSON.parse(JSON.stringify(phaseConfig(3))), regions: { eu: {} } };
  const issues = new Issues();
  validatePhase(config, deployment(), issues);
  expect(issues.all).toEqual([
    { field: "phase3.regions", value: { eu: {} }, problem: "expected a list [...], not an object", fix: "write regions: [{ ... }]" },
  ]);
  expect(validateTenants([], "phases/tenants/phase3.json", config, issues)).toEqual([]);
});

describe("the nearest accepted name", () => {
  test.each<[string, string | undefined]>([
    ["maxInstnces", "maxInstances"],
    ["MAXINSTANCES", "maxInstances"],
    ["regoin", "region"],
    ["dbpoolmax", "dbPoolMax"],
    ["colour", undefined],
    ["cpus", "cpu"],
  ])("%s -> %s", (typo, expected) => {
    expect(nearestName(typo, ["cpu", "memory", "minInstances", "maxInstances", "dbPoolMax", "region"])).toBe(expected);
  });
});
