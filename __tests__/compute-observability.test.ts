import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { resolveSettings } from "../config/settings";
import { contentTag, CONTENT_TAG_SHELL } from "../lib/image-tag";
import { readJsonExpression } from "../lib/json-expression";
import { crc32, zip } from "../lib/zip";
import { canaryArchive, canaryName } from "../modules/canary";
import { tlsProxyConfig, tlsProxyPort } from "../modules/fargate-service";
import { phaseConfig } from "../phases";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { QUOTAS, quotaProblems, quotaUse } from "../policy/quotas";
import { synthesize, SynthResult } from "../tools/synth";
import { EXAMPLE_VARS, only, onlyUnder, policy, resources, stack, synth, varsWith } from "./helpers";
import { tempDir } from "./temp-dirs";

const canaryScript = require("../functions/health-canary.js");
const sweeper = require("../functions/log-groups.js");

// ---------------------------------------------------------------------------------------------
// A small evaluator of the synthesized AWS WAF rules: what the web ACL does with one request.
// ---------------------------------------------------------------------------------------------
interface Request {
  readonly ip: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

const ipToInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const inCidr = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
};

/** Terraform references in the ACL resolved by the test: the secret's value, the IP set's ARN. */
type Resolve = (value: string) => string;

function matches(statement: any, req: Request, json: any, resolve: Resolve): boolean {
  if (statement.and_statement) return statement.and_statement.statement.every((s: any) => matches(s, req, json, resolve));
  if (statement.or_statement) return statement.or_statement.statement.some((s: any) => matches(s, req, json, resolve));
  if (statement.not_statement) return !matches(statement.not_statement.statement, req, json, resolve);
  if (statement.byte_match_statement) {
    const b = statement.byte_match_statement;
    if (b.text_transformation.some((t: any) => t.type !== "NONE")) throw new Error("evaluator: only NONE transformations");
    const field = b.field_to_match.single_header
      ? Object.entries(req.headers).find(([k]) => k.toLowerCase() === b.field_to_match.single_header.name)?.[1]
      : b.field_to_match.uri_path
        ? req.path
        : undefined;
    if (field === undefined) return false;
    const want = resolve(b.search_string);
    if (b.positional_constraint !== "EXACTLY") throw new Error(`evaluator: ${b.positional_constraint} not modelled`);
    return field === want;
  }
  if (statement.ip_set_reference_statement) {
    const m = /^\$\{aws_wafv2_ip_set\.([^.]+)\.arn\}$/.exec(statement.ip_set_reference_statement.arn);
    const set = json.resource.aws_wafv2_ip_set[m![1]];
    return set.addresses.some((cidr: string) => inCidr(req.ip, cidr));
  }
  throw new Error(`evaluator: statement ${Object.keys(statement)} not modelled`);
}

function evaluate(json: any, req: Request, resolve: Resolve): "allow" | "block" {
  const [acl] = Object.values(json.resource.aws_wafv2_web_acl) as any[];
  for (const rule of [...acl.rule].sort((a: any, b: any) => a.priority - b.priority)) {
    if (matches(rule.statement, req, json, resolve)) return rule.action.allow ? "allow" : "block";
  }
  return acl.default_action.allow ? "allow" : "block";
}

const VALUE = "generated-by-secrets-manager-0123456789abcdef";
const resolveSecret: Resolve = (v) => (/secret_version.*origin-secret-value.*secret_string/.test(v) ? VALUE : v);
const CLOUDFLARE_IP = "104.16.0.1";
const ROUTE53_CHECKER = "54.228.16.10"; // eu-west-1 checker range

describe("origin guard: no path around Cloudflare", () => {
  const p1 = synth({ phase: 1 });
  const platform = stack(p1, "platform");

  test("a request to the default domain without the origin header is blocked; with Cloudflare's header it passes", () => {
    const json = platform.json;
    expect(evaluate(json, { ip: CLOUDFLARE_IP, path: "/v1/patients", headers: {} }, resolveSecret)).toBe("block");
    expect(evaluate(json, { ip: CLOUDFLARE_IP, path: "/v1/patients", headers: { "X-Origin-Verify": "guess" } }, resolveSecret)).toBe(
      "block",
    );
    expect(evaluate(json, { ip: CLOUDFLARE_IP, path: "/v1/patients", headers: { "X-Origin-Verify": VALUE } }, resolveSecret)).toBe("allow");
    expect(evaluate(json, { ip: "203.0.113.9", path: "/v1/patients", headers: { "x-origin-verify": VALUE } }, resolveSecret)).toBe("allow");
    // The canary probe admits nothing else: a Route 53 checker's request is blocked.
    expect(evaluate(json, { ip: ROUTE53_CHECKER, path: "/health", headers: {} }, resolveSecret)).toBe("block");
  });

  test("with the Route 53 probe, the checkers' published ranges may GET the health path, nothing else", () => {
    const json = stack(synth({ phase: 1, varsFile: varsWith({ health_probe: '"route53"' }) }), "platform").json;
    expect(evaluate(json, { ip: ROUTE53_CHECKER, path: "/health", headers: {} }, resolveSecret)).toBe("allow");
    expect(evaluate(json, { ip: ROUTE53_CHECKER, path: "/v1/patients", headers: {} }, resolveSecret)).toBe("block");
    expect(evaluate(json, { ip: "203.0.113.9", path: "/health", headers: {} }, resolveSecret)).toBe("block");
  });

  test("the header value is generated by Secrets Manager into the primary platform stack; no literal anywhere", () => {
    expect(only(platform, "aws_secretsmanager_secret")).toMatchObject({
      name: "restartix/production/origin-verify",
      lifecycle: { prevent_destroy: true },
    });
    expect(platform.json.data?.aws_secretsmanager_random_password).toBeDefined();
    const [acl] = resources(platform, "aws_wafv2_web_acl").map(([, a]) => a);
    expect(acl.rule[0].statement.byte_match_statement.search_string).toBe(
      "${sensitive(aws_secretsmanager_secret_version.origin-secret-value.secret_string)}",
    );
  });

  test("every App Runner service of every stack (shared, tenants, shards, both regions) is associated with its region's web ACL", () => {
    const p4 = synth({ phase: 4 });
    let services = 0;
    for (const s of p4.stacks) {
      const svcs = resources(s, "aws_apprunner_service");
      const assoc = resources(s, "aws_wafv2_web_acl_association").map(([, a]) => a);
      for (const [name] of svcs) {
        services++;
        const a = assoc.find((x) => x.resource_arn === `\${aws_apprunner_service.${name}.arn}`);
        expect(a?.web_acl_arn).toMatch(
          s.name.endsWith("-us") || /shard-us|tenant-org-2/.test(s.name)
            ? /platform-us|cross-stack-reference-input-platform-us/
            : /cross-stack-reference-input-platform\.outputs/,
        );
      }
    }
    expect(services).toBe(2 + 7 + 40);
    // The US web ACL compares with the primary's secret, read from its state.
    const usAcl = only(stack(p4, "platform-us"), "aws_wafv2_web_acl");
    expect(usAcl.rule[0].statement.byte_match_statement.search_string).toMatch(
      /^\$\{sensitive\(data\.terraform_remote_state\.cross-stack-reference-input-platform\.outputs\..*secret_versionorigin-secret-valuesecret_string\)\}$/,
    );
  });

  test("Fargate: the ALB is associated with the web ACL", () => {
    const compute = stack(synth({ phase: 1, compute: "fargate" }), "compute");
    const [[lbName]] = resources(compute, "aws_lb");
    expect(resources(compute, "aws_wafv2_web_acl_association").map(([, a]) => a.resource_arn)).toEqual([`\${aws_lb.${lbName}.arn}`]);
  });

  test("Cloudflare sets the header on the API hostnames in a late transform ruleset; an existing entry point is adopted", () => {
    const edge = stack(p1, "edge");
    const ruleset = resources(edge, "cloudflare_ruleset")
      .map(([, r]) => r)
      .find((r) => r.phase === "http_request_late_transform")!;
    expect(ruleset.rules[0]).toMatchObject({ action: "rewrite", expression: '(http.host in {"api.example.com" "telemetry.example.com"})' });
    expect(ruleset.rules[0].action_parameters.headers).toMatch(
      /^\$\{tomap\(\{"X-Origin-Verify" = \{"operation" = "set", "value" = sensitive\(data\.terraform_remote_state\.cross-stack-reference-input-platform\.outputs\.[^}]*origin-secret-valuesecret_string\)\}\}\)\}$/,
    );
    expect(edge.json.import).toBeUndefined();
    const id = "0123456789abcdef0123456789abcdef";
    const adopted = stack(
      synth({ phase: 1, varsFile: varsWith({ origin_header_ruleset_id: `"${id}"`, origin_header_ruleset_name: '"default"' }) }),
      "edge",
    );
    expect(adopted.json.import).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: `zones/023e105f4ecef8ad9ca31a8372d0c353/${id}` })]),
    );
  });

  test("phase 4: the router Worker adds the header itself (its fetches skip the zone's transform rules)", () => {
    const script = only(stack(synth({ phase: 4 }), "edge"), "cloudflare_workers_script");
    const bindings = Object.fromEntries(script.bindings.map((b: any) => [b.name, b]));
    expect(bindings.ORIGIN_HEADER).toMatchObject({ type: "plain_text", text: "X-Origin-Verify" });
    expect(bindings.ORIGIN_VERIFY).toMatchObject({
      type: "secret_text",
      text: expect.stringMatching(/cross-stack-reference-input-platform/),
    });
  });
});

describe("shared App Runner configurations (10 names per region)", () => {
  test("phase 4: one configuration per size and region, none in the cells; one observability configuration per region", () => {
    const p4 = synth({ phase: 4 });
    const names = (s: string) =>
      resources(stack(p4, s), "aws_apprunner_auto_scaling_configuration_version")
        .map(([, c]) => c.auto_scaling_configuration_name)
        .sort();
    expect(names("platform")).toEqual([
      "restartix-min1-max10-c100",
      "restartix-min1-max2-c100",
      "restartix-min1-max3-c200",
      "restartix-min1-max4-c100",
      "restartix-min1-max5-c100",
    ]);
    expect(names("platform-us")).toEqual(["restartix-min1-max2-c100", "restartix-min1-max4-c100", "restartix-min1-max5-c100"]);
    for (const s of p4.stacks.filter((x) => /^(tenant|shard)-/.test(x.name))) {
      expect(resources(s, "aws_apprunner_auto_scaling_configuration_version")).toEqual([]);
      expect(resources(s, "aws_apprunner_observability_configuration")).toEqual([]);
    }
    for (const s of ["platform", "platform-us"])
      expect(resources(stack(p4, s), "aws_apprunner_observability_configuration")).toHaveLength(1);
  });

  test("a tenant with a size of its own gets its own configuration", () => {
    const phase = phaseConfig(3);
    const custom = {
      id: "org-900",
      name: "Custom",
      region: "eu-central-1",
      instanceClass: "db.r6g.large",
      allocatedStorageGb: 100,
      maxAllocatedStorageGb: 500,
      service: { ...phase.enterprise!.sizes.standard.service, maxInstances: 3, maxConcurrency: 50 },
    };
    const r = synth({ phase: 3, tenants: [custom] });
    // The registry's sizes join the platform's set: the tenant shares it from the platform stack.
    expect(
      resources(stack(r, "platform"), "aws_apprunner_auto_scaling_configuration_version").map(([, c]) => c.auto_scaling_configuration_name),
    ).toContain("restartix-min1-max3-c50");
  });
});

describe("synth-time quota check", () => {
  const phase3 = phaseConfig(3);
  const tenant = (i: number, service = phase3.enterprise!.sizes.standard.service) => ({
    id: `org-${900 + i}`,
    name: `Clinic ${i}`,
    region: "eu-central-1",
    instanceClass: "db.r6g.large",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    service,
  });
  const synthWith = (tenants: unknown[], quotas?: Record<string, number>): SynthResult => {
    const settings = resolveSettings({ phase: 3, varsFile: EXAMPLE_VARS, tenants, compute: "apprunner" });
    const outdir = tempDir("rx-quota-");
    return synthesize(
      {},
      outdir,
      quotas ? { ...settings, phase: { ...settings.phase, quotas: { ...settings.phase.quotas, ...quotas } } } : settings,
    );
  };

  test("App Runner auto scaling configurations: more than 10 sizes in a region is refused with the quota's name and the fix", () => {
    const sizes = Array.from({ length: 8 }, (_, i) => tenant(i, { ...phase3.enterprise!.sizes.standard.service, maxConcurrency: 110 + i }));
    expect(() => synthWith(sizes, { apprunnerVpcConnectors: 100 })).toThrow(
      /AWS App Runner quota "Auto scaling configurations" in eu-central-1: this layout needs 12, the quota is 10 .*Fix: give tenants a size preset/,
    );
  });

  test("App Runner VPC connectors and services per region", () => {
    const many = Array.from({ length: 30 }, (_, i) => tenant(i));
    expect(() => synthWith(many)).toThrow(/AWS App Runner quota "VPC connectors" in eu-central-1: this layout needs 31, the quota is 20/);
    expect(() => synthWith(many, { apprunnerVpcConnectors: 100 })).toThrow(
      /AWS App Runner quota "Services" in eu-central-1: this layout needs 32, the quota is 30/,
    );
  });

  test("IAM roles per account and security groups per region", () => {
    expect(() => synthWith([], { iamRoles: 5 })).toThrow(
      /AWS Identity and Access Management \(IAM\) quota "Roles per account" \(quota code L-FE177D64\) in account: this layout needs \d+, the quota is 5/,
    );
    expect(() => synthWith([], { securityGroupsPerRegion: 3 })).toThrow(
      /quota "VPC security groups per Region" \(quota code L-E79EC296\) in eu-central-1: this layout needs \d+, the quota is 3/,
    );
  });

  test("rules per security group: every tenant opens the shared Redis group from its own stack", () => {
    expect(() =>
      synthWith(
        Array.from({ length: 3 }, (_, i) => tenant(i)),
        { rulesPerSecurityGroup: 3 },
      ),
    ).toThrow(
      /quota "Inbound or outbound rules per security group" \(quota code L-0EA8095F\) in inbound rules of restartix-redis: this layout needs 4, the quota is 3 \(network, tenant-org-900, tenant-org-901, tenant-org-902\)/,
    );
  });

  test("EventBridge rules per bus: every tenant database adds its rotation's failure rule to the region's default bus", () => {
    const base = synthWith([], { eventRulesPerBus: 1000 }).stacks.flatMap((s) =>
      Object.keys((s.json as { resource?: Record<string, object> }).resource?.aws_cloudwatch_event_rule ?? {}),
    );
    expect(() =>
      synthWith(
        Array.from({ length: 2 }, (_, i) => tenant(i)),
        { eventRulesPerBus: base.length + 1 },
      ),
    ).toThrow(
      new RegExp(
        `Amazon EventBridge quota "Number of rules" in eu-central-1, event bus default: this layout needs ${base.length + 2}, the quota is ${base.length + 1} \\(.*tenant-org-900, tenant-org-901`,
      ),
    );
  });

  test("a region with a lower EventBridge default (eu-south-1: 100 rules) is counted against its own default", () => {
    const app = new App({ outdir: tempDir("rx-quota-") });
    const s = new TerraformStack(app, "milan");
    new AwsProvider(s, "aws", { region: "eu-south-1" });
    for (let i = 0; i < 101; i++) new CloudwatchEventRule(s, `rule-${i}`, { name: `r${i}`, scheduleExpression: "rate(1 day)" });
    const uses = quotaUse(app, phaseConfig(1)).filter((u) => u.key === "eventRulesPerBus");
    expect(uses).toEqual([expect.objectContaining({ where: "eu-south-1, event bus default", used: 101, limit: 100 })]);
    expect(quotaProblems(uses)[0]).toMatch(/needs 101, the quota is 100/);
  });

  test("the shipped phases fit their recorded quotas, and the defaults name their source", () => {
    for (const q of Object.values(QUOTAS)) expect(q.source.length).toBeGreaterThan(20);
    expect(phaseConfig(4).quotas).toEqual({ apprunnerVpcConnectors: 50, apprunnerServices: 50, fargateOnDemandVcpu: 100 });
  });
});

describe("restartix-alerts: one topic per region", () => {
  test("phase 4: us-east-1 has one restartix-alerts (the primary stack's), the US stacks alarm to it", () => {
    const p4 = synth({ phase: 4 });
    const topics = p4.stacks.flatMap((s) =>
      resources(s, "aws_sns_topic").map(
        ([, t]) => `${t.name}@${t.provider === "aws.us-east-1" || (s.name.endsWith("-us") && !t.provider) ? "us-east-1" : "eu-central-1"}`,
      ),
    );
    expect(topics.sort()).toEqual(["restartix-alerts@eu-central-1", "restartix-alerts@us-east-1"]);
    expect(resources(stack(p4, "observability-us"), "aws_sns_topic")).toEqual([]);
    const usAlarm = resources(stack(p4, "shard-us-1"), "aws_cloudwatch_metric_alarm")[0][1];
    expect(usAlarm.alarm_actions[0]).toMatch(/cross-stack-reference-input-observability\.outputs\..*aws_sns_topicalerts-global/);
  });
});

describe("health probe: a canary by default, Route 53 on request", () => {
  const p1 = synth({ phase: 1 });
  const obs = stack(p1, "observability");

  test("a canary per service: every 5 minutes, 3 probes 5 s apart with the origin header from Secrets Manager", () => {
    const canaries = Object.fromEntries(resources(obs, "aws_synthetics_canary").map(([, c]) => [c.name, c]));
    expect(canaries["restartix-core"]).toMatchObject({
      schedule: { expression: "rate(5 minutes)" },
      runtime_version: "syn-nodejs-puppeteer-15.0",
      handler: "health.handler",
      start_canary: true,
      artifact_config: { s3_encryption: { encryption_mode: "SSE_KMS" } },
      run_config: {
        memory_in_mb: 960,
        environment_variables: {
          PROBES: "3",
          SPACING_SECONDS: "5",
          ORIGIN_HEADER: "X-Origin-Verify",
          ORIGIN_SECRET_REGION: "eu-central-1",
        },
      },
    });
    expect(canaries["restartix-core"].run_config.environment_variables.TARGET_URL).toMatch(
      /^https:\/\/\$\{.*aws_apprunner_servicecore_service.*service_url\}\/health$/,
    );
  });

  test("alarms: any failed run (3 consecutive failures), and the canary not running; both to restartix-alerts", () => {
    const alarms = Object.fromEntries(resources(obs, "aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name, a]));
    expect(alarms["restartix-core-api-unhealthy-canary"]).toMatchObject({
      namespace: "CloudWatchSynthetics",
      metric_name: "SuccessPercent",
      dimensions: { CanaryName: "restartix-core" },
      statistic: "Minimum",
      period: 60,
      threshold: 100,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "notBreaching",
    });
    expect(alarms["restartix-core-api-canary-stopped"]).toMatchObject({
      statistic: "SampleCount",
      period: 900,
      treat_missing_data: "breaching",
    });
    for (const a of [alarms["restartix-core-api-unhealthy-canary"], alarms["restartix-core-api-canary-stopped"]])
      expect(a.alarm_actions[0]).toMatch(/aws_sns_topic\.alerts_topic/);
  });

  test("the observability bucket holds the artifacts: private, SSE-KMS, logged, run artifacts expire", () => {
    const [[bucketName, bucket]] = resources(obs, "aws_s3_bucket");
    expect(bucket.bucket).toBe("restartix-observability-eu-central-1-123456789012");
    const ref = `\${aws_s3_bucket.${bucketName}.id}`;
    const find = (type: string) =>
      resources(obs, type)
        .map(([, r]) => r)
        .find((r) => r.bucket === ref);
    expect(find("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(find("aws_s3_bucket_server_side_encryption_configuration")!.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe(
      "aws:kms",
    );
    expect(find("aws_s3_bucket_logging")).toBeDefined();
    expect(find("aws_s3_bucket_lifecycle_configuration")!.rule).toContainEqual(
      expect.objectContaining({ id: "expire-canary-artifacts", filter: [{ prefix: "runs/" }], expiration: [{ days: 30 }] }),
    );
  });

  test("cells probe their own service from their own stack with the region's canary role", () => {
    const tenant = stack(synth({ phase: 3 }), "tenant-org-101");
    const canary = only(tenant, "aws_synthetics_canary");
    expect(canary.name).toBe("rx-tenant-org-101");
    expect(canary.execution_role_arn).toMatch(/cross-stack-reference-input-observability.*canaries_role/);
  });

  test('health_probe = "route53": health checks from three regions, alarm in us-east-1, no canary', () => {
    const route53 = stack(synth({ phase: 1, varsFile: varsWith({ health_probe: '"route53"' }) }), "observability");
    expect(resources(route53, "aws_synthetics_canary")).toEqual([]);
    const checks = resources(route53, "aws_route53_health_check").map(([, c]) => c);
    expect(checks).toHaveLength(2);
    for (const c of checks)
      expect(c).toMatchObject({
        type: "HTTPS",
        resource_path: "/health",
        failure_threshold: 3,
        regions: ["us-east-1", "us-west-2", "eu-west-1"],
        provider: "aws.us-east-1",
      });
  });

  test("canary names fit Synthetics' 21 characters", () => {
    expect(canaryName("restartix-telemetry")).toBe("restartix-telemetry");
    const long = canaryName("rx-tenant-abcdefghijklmnopqrst");
    expect(long).toHaveLength(21);
    expect(long).toMatch(/^rx-tenant-abcd-[0-9a-f]{6}$/);
  });
});

describe("the canary script (functions/health-canary.js)", () => {
  const run = async (outcomes: (string | undefined)[]) => {
    const slept: number[] = [];
    const seen = [...outcomes];
    const failures = await canaryScript.probeUntilHealthy({
      probes: 3,
      spacingMs: 5000,
      check: async () => seen.shift(),
      sleep: async (ms: number) => slept.push(ms),
      log: () => undefined,
    });
    return { failures, slept };
  };

  test("a healthy first probe ends the run at once", async () => {
    expect(await run([undefined])).toEqual({ failures: [], slept: [] });
  });

  test("one or two failures followed by a healthy probe are no failure", async () => {
    expect((await run(["HTTP 503", "timeout", undefined])).failures).toEqual([]);
  });

  test("three consecutive failures fail the run, 5 s apart", async () => {
    expect(await run(["HTTP 503", "HTTP 502", "connect ECONNREFUSED"])).toEqual({
      failures: ["HTTP 503", "HTTP 502", "connect ECONNREFUSED"],
      slept: [5000, 5000],
    });
  });

  test("the archive holds it where Synthetics' Node.js runtimes load it", () => {
    const dir = tempDir("rx-zip-");
    fs.writeFileSync(path.join(dir, "code.zip"), canaryArchive());
    const unzip = spawnSync("unzip", ["-l", path.join(dir, "code.zip")], { encoding: "utf8" });
    if (unzip.error) {
      // No unzip here: the archive's central directory names the file anyway.
      expect(canaryArchive().toString("latin1")).toContain("nodejs/node_modules/health.js");
      return;
    }
    expect(unzip.status).toBe(0);
    expect(unzip.stdout).toContain("nodejs/node_modules/health.js");
    expect(spawnSync("unzip", ["-t", path.join(dir, "code.zip")], { encoding: "utf8" }).status).toBe(0);
  });
});

describe("the log group sweeper (functions/log-groups.js): App Runner's own log groups get the key and retention", () => {
  test("fixes only what is missing, on every group under the prefixes", async () => {
    const groups: Record<string, { logGroupName: string; retentionInDays?: number; kmsKeyId?: string }[]> = {
      "/aws/apprunner/": [
        { logGroupName: "/aws/apprunner/restartix-core-api/abc/application" },
        { logGroupName: "/aws/apprunner/restartix-core-api/abc/service", retentionInDays: 365, kmsKeyId: "arn:key" },
      ],
      "/aws/lambda/cwsyn-": [{ logGroupName: "/aws/lambda/cwsyn-restartix-core-1", retentionInDays: 365 }],
    };
    const calls: string[] = [];
    const fixed = await sweeper.sweep({
      prefixes: Object.keys(groups),
      kmsKeyArn: "arn:key",
      retentionDays: 365,
      listGroups: async function* (prefix: string) {
        yield* groups[prefix];
      },
      putRetention: async (name: string, days: number) => calls.push(`retention ${name} ${days}`),
      associateKey: async (name: string, key: string) => calls.push(`key ${name} ${key}`),
      log: () => undefined,
    });
    expect(fixed).toEqual(["/aws/apprunner/restartix-core-api/abc/application", "/aws/lambda/cwsyn-restartix-core-1"]);
    expect(calls).toEqual([
      "key /aws/apprunner/restartix-core-api/abc/application arn:key",
      "retention /aws/apprunner/restartix-core-api/abc/application 365",
      "key /aws/lambda/cwsyn-restartix-core-1 arn:key",
    ]);
  });

  test("deployed per region with App Runner: its own log group first, a role that cannot create groups, every 15 minutes", () => {
    const obs = stack(synth({ phase: 1 }), "observability");
    const fn = only(obs, "aws_lambda_function");
    expect(fn).toMatchObject({
      function_name: "restartix-log-group-sweeper-eu",
      runtime: "nodejs22.x",
      kms_key_arn: expect.stringMatching(/kms_key/),
      environment: { variables: { PREFIXES: "/aws/apprunner/,/aws/lambda/cwsyn-", RETENTION_DAYS: "365" } },
    });
    expect(only(obs, "aws_cloudwatch_event_rule").schedule_expression).toBe("rate(15 minutes)");
    expect(only(obs, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/lambda/restartix-log-group-sweeper-eu",
      retention_in_days: 365,
      kms_key_id: expect.stringMatching(/kms_key/),
    });
    const policyDoc = resources(obs, "aws_iam_policy")
      .map(([, p]) => p)
      .find((p) => p.name === "restartix-log-group-sweeper-eu")!.policy;
    expect(policyDoc).not.toContain("logs:CreateLogGroup");
    expect(resources(stack(synth({ phase: 4 }), "observability-us"), "aws_lambda_function")).toHaveLength(1);
  });

  test("a failed run is not silent: an encrypted dead-letter queue, an Errors alarm and a dead-letter alarm on the alert topic (CKV_AWS_116)", () => {
    const obs = stack(synth({ phase: 1 }), "observability");
    const fn = only(obs, "aws_lambda_function");
    const [[dlqId, dlq]] = resources(obs, "aws_sqs_queue").filter(([, q]) => q.name === "restartix-log-group-sweeper-eu-dlq");
    expect(dlq).toMatchObject({ kms_master_key_id: expect.stringMatching(/kms_key/), message_retention_seconds: 1209600 });
    expect(fn.dead_letter_config).toEqual({ target_arn: `\${aws_sqs_queue.${dlqId}.arn}` });
    const policyDoc = resources(obs, "aws_iam_policy")
      .map(([, p]) => p)
      .find((p) => p.name === "restartix-log-group-sweeper-eu")!.policy;
    const st = policy(policyDoc, obs).Statement;
    expect(st.find((x) => x.Sid === "DeadLetters")).toMatchObject({
      Action: "sqs:SendMessage",
      Resource: `\${aws_sqs_queue.${dlqId}.arn}`,
    });
    expect(st.find((x) => x.Sid === "DeadLetterKey")).toMatchObject({
      Condition: { StringEquals: { "kms:ViaService": "sqs.eu-central-1.amazonaws.com" } },
    });
    // The region's topic (not the us-east-1 one for billing and health checks).
    const topic = resources(obs, "aws_sns_topic")
      .map(([id]) => id)
      .find((id) => /^alerts_topic/.test(id))!;
    const alarms = Object.fromEntries(resources(obs, "aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name, a]));
    expect(alarms["restartix-log-group-sweeper-eu-errors"]).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      statistic: "Sum",
      threshold: 1,
      alarm_actions: [`\${aws_sns_topic.${topic}.arn}`],
    });
    expect(alarms["restartix-log-group-sweeper-eu-errors"].dimensions.FunctionName).toMatch(/aws_lambda_function\..*function_name/);
    expect(alarms["restartix-log-group-sweeper-eu-dead-letters"]).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      threshold: 1,
      alarm_actions: [`\${aws_sns_topic.${topic}.arn}`],
    });
  });

  test("the code archives (sweeper and canaries) are uploaded after their bucket's versioning and default encryption exist", () => {
    const obs = stack(synth({ phase: 1 }), "observability");
    const ids = (type: string) =>
      resources(obs, type)
        .filter(([id]) => id.startsWith("bucket_"))
        .map(([id]) => `${type}.${id}`);
    const [versioning] = ids("aws_s3_bucket_versioning");
    const [encryption] = ids("aws_s3_bucket_server_side_encryption_configuration");
    expect(versioning).toBeDefined();
    expect(encryption).toBeDefined();
    const objects = resources(obs, "aws_s3_object");
    expect(objects.map(([, o]) => o.key).sort()).toEqual([
      expect.stringMatching(/^code\/health-canary-/),
      expect.stringMatching(/^code\/log-group-sweeper-/),
    ]);
    for (const [, o] of objects) expect(o.depends_on).toEqual(expect.arrayContaining([versioning, encryption]));
  });
});

describe("Fargate tasks: read-only, non-root, no capabilities, HTTPS from the ALB", () => {
  const compute = stack(synth({ phase: 1, compute: "fargate" }), "compute");
  const task = resources(compute, "aws_ecs_task_definition")
    .map(([, t]) => t)
    .find((t) => t.family === "restartix-core-api")!;
  const containers = readJsonExpression(task.container_definitions) as any[];

  test("both containers: read-only root, a non-root user, not privileged, every capability dropped, /tmp writable", () => {
    expect(task.volume).toEqual([{ name: "tmp" }]);
    for (const c of containers) {
      expect(c).toMatchObject({
        readonlyRootFilesystem: true,
        user: "65534:65534",
        privileged: false,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
      });
      expect(c.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    }
  });

  test("a TLS sidecar terminates the ALB's HTTPS on port + 443 and proxies to the application on localhost", () => {
    const proxy = containers.find((c: any) => c.name === "tls-proxy");
    expect(proxy.portMappings).toEqual([{ containerPort: 9443, protocol: "tcp" }]);
    const config = JSON.parse(proxy.environment.find((e: any) => e.name === "CADDY_CONFIG").value);
    expect(config.apps.http.servers.tls.listen).toEqual([":9443"]);
    expect(config.apps.http.servers.tls.routes[0].handle[0].upstreams).toEqual([{ dial: "127.0.0.1:9000" }]);
    expect(config.apps.tls.automation.policies[0].issuers).toEqual([{ module: "internal" }]);
    const services = resources(compute, "aws_ecs_service").map(([, s]) => s);
    expect(services.find((s) => s.name === "restartix-core-api")!.load_balancer).toEqual([
      expect.objectContaining({ container_name: "tls-proxy", container_port: 9443 }),
    ]);
    expect(tlsProxyPort(4000)).toBe(4443);
    expect(JSON.parse(tlsProxyConfig(4000)).apps.http.servers.tls.routes[0].handle[0].upstreams[0].dial).toBe("127.0.0.1:4000");
  });
});

describe("images: immutable tags", () => {
  test("every ECR repository is IMMUTABLE, no suppression left", () => {
    const registry = stack(synth({ phase: 4 }), "registry");
    for (const [, r] of resources(registry, "aws_ecr_repository")) expect(r.image_tag_mutability).toBe("IMMUTABLE");
  });

  test("the backup task names its image by the hash of backup/, the same hash the deploy workflow computes", () => {
    const backups = stack(synth({ phase: 1 }), "backups");
    const task = onlyUnder(backups, "aws_ecs_task_definition", "job");
    const tag = contentTag(path.join(__dirname, "..", "backup"));
    expect((readJsonExpression(task.container_definitions) as any[])[0].image).toMatch(new RegExp(`:${tag}$`));
    const workflow = fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "deploy-environment.yml"), "utf8");
    expect(workflow).toContain(CONTENT_TAG_SHELL("backup"));
    expect(workflow).not.toContain("restartix-backup-job:latest");
    const shell = spawnSync("bash", ["-c", `${CONTENT_TAG_SHELL("backup")}; printf %s "$TAG"`], {
      cwd: path.join(__dirname, ".."),
      encoding: "utf8",
    });
    if (!shell.error) expect(shell.stdout).toBe(tag);
  });

  test("zip: CRC-32 of the reference vector", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(zip([{ name: "a.txt", content: "x" }]).readUInt32LE(0)).toBe(0x04034b50);
  });
});
