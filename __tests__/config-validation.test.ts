import * as fs from "fs";
import { loadInputs, renderExample, INPUT_FIELDS } from "../config/deployment";
import { ConfigError, Issues } from "../config/errors";
import { resolveSettings } from "../config/settings";
import { parseTfvars } from "../config/tfvars";
import { validateDeployment, validatePhase, validateTenants } from "../config/validate";
import { phaseConfig } from "../phases";
import { PhaseConfig } from "../phases/types";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

const exampleValues = () => ({ ...loadInputs(EXAMPLE_VARS).values });
const deployment = () => validateDeployment(exampleValues(), EXAMPLE_VARS, new Issues());

/** The issues one change to the deployment inputs raises. */
function deploymentIssues(changes: Record<string, unknown>) {
  const issues = new Issues();
  const values: Record<string, any> = { ...exampleValues(), ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === undefined) delete values[k];
  validateDeployment(values, EXAMPLE_VARS, issues);
  return issues.all;
}

/** The issues one change to a phase config raises (the config is deep-copied first). */
function phaseIssues(phase: 1 | 2 | 3 | 4, mutate: (c: any) => void, compute: "apprunner" | "fargate" = "apprunner") {
  const config = JSON.parse(JSON.stringify(phaseConfig(phase))) as PhaseConfig;
  mutate(config);
  const issues = new Issues();
  validatePhase(config, { ...deployment(), compute }, issues);
  return issues.all;
}

const fields = (issues: readonly { field: string }[]) => issues.map((i) => i.field);

describe("the shipped configuration is valid", () => {
  test.each([1, 2, 3, 4] as const)("phase %i with App Runner", (phase) => {
    expect(phaseIssues(phase, () => undefined)).toEqual([]);
  });

  test.each([1, 2, 3, 4] as const)("phase %i with Fargate (cells included)", (phase) => {
    expect(phaseIssues(phase, () => undefined, "fargate")).toEqual([]);
  });

  test("terraform.tfvars.example lists every input, generated from one list", () => {
    expect(fs.readFileSync(EXAMPLE_VARS, "utf8")).toBe(renderExample());
    const names = Object.keys(parseTfvars(renderExample()));
    expect(names).toEqual(INPUT_FIELDS.map((f) => f.name));
  });
});

describe("deployment inputs: every error names the field, the value and the fix", () => {
  test.each([
    [{ account_id: "12345" }, "account_id (terraform.tfvars.example)", /12-digit AWS account id/],
    [{ alert_email: "ops-at-clinic" }, "alert_email (terraform.tfvars.example)", /email address/],
    [{ domain: "Not A Domain" }, "domain (terraform.tfvars.example)", /domain name/],
    [{ cloudflare_zone_id: "xyz" }, "cloudflare_zone_id (terraform.tfvars.example)", /32 lower-case hex/],
    [{ cloudflare_account_id: "XYZ" }, "cloudflare_account_id (terraform.tfvars.example)", /32 lower-case hex/],
    [{ github_owner: "has space" }, "github_owner (terraform.tfvars.example)", /GitHub user or organization/],
    [{ github_repository: "a/b" }, "github_repository (terraform.tfvars.example)", /repository name/],
    [{ state_bucket: "UPPER" }, "state_bucket (terraform.tfvars.example)", /S3 bucket name/],
    [{ backend: "consul" }, "backend (terraform.tfvars.example)", /expected one of "s3", "cloud", "local"/],
    [{ backend: "cloud", tfc_organization: "" }, "tfc_organization (terraform.tfvars.example)", /required when backend = "cloud"/],
    [{ compute: "lambda" }, "compute (terraform.tfvars.example)", /expected one of "apprunner", "fargate"/],
    [{ compute_standby: "fargate" }, "compute_standby (terraform.tfvars.example)", /same engine as compute/],
    [{ compute_standby: "nomad" }, "compute_standby (terraform.tfvars.example)", /expected one of "apprunner", "fargate"/],
    [{ phase: 5 }, "phase (terraform.tfvars.example)", /expected one of 1, 2, 3, 4/],
    [{ core_target: "heroku" }, "core_target (terraform.tfvars.example)", /expected one of "railway", "aws"/],
    [
      { telemetry_railway_origin: "https://x.up.railway.app" },
      "telemetry_railway_origin (terraform.tfvars.example)",
      /expected a hostname/,
    ],
    [{ domian: "typo.com" }, "domian (terraform.tfvars.example)", /not a known input/],
    [{ account_id: 123456789012 }, "account_id (terraform.tfvars.example)", /expected a quoted string/],
    [{ alert_email: undefined }, "alert_email (terraform.tfvars.example)", /is required/],
    [{ existing_platform: "yes" }, "existing_platform (terraform.tfvars.example)", /expected true or false/],
    [{ core_record_id: "api" }, "core_record_id (terraform.tfvars.example)", /Cloudflare DNS record id: 32 lower-case hex/],
    [{ telemetry_record_id: "ABCDEF" }, "telemetry_record_id (terraform.tfvars.example)", /Cloudflare DNS record id/],
    [{ waf_managed_ruleset_id: "x" }, "waf_managed_ruleset_id (terraform.tfvars.example)", /Cloudflare ruleset id/],
    [{ waf_custom_ruleset_id: "x" }, "waf_custom_ruleset_id (terraform.tfvars.example)", /Cloudflare ruleset id/],
    [{ rate_limit_ruleset_id: "x" }, "rate_limit_ruleset_id (terraform.tfvars.example)", /Cloudflare ruleset id/],
    [{ origin_header_ruleset_id: "late-transform" }, "origin_header_ruleset_id (terraform.tfvars.example)", /Cloudflare ruleset id/],
    [
      { github_oidc_provider_arn: "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com" },
      "github_oidc_provider_arn (terraform.tfvars.example)",
      /this account's GitHub OIDC provider/,
    ],
    [
      { uploads_existing_settings: ["policy", "cors"] },
      "uploads_existing_settings (terraform.tfvars.example)",
      /expected only public_access_block/,
    ],
    [{ uploads_existing_settings: ["policy", "policy"] }, "uploads_existing_settings (terraform.tfvars.example)", /twice/],
    [{ uploads_existing_settings: "policy" }, "uploads_existing_settings (terraform.tfvars.example)", /expected a list/],
    [{ manage_cloudtrail: "false" }, "manage_cloudtrail (terraform.tfvars.example)", /expected true or false/],
    [{ manage_guardduty: 0 }, "manage_guardduty (terraform.tfvars.example)", /expected true or false/],
    [{ manage_config: undefined }, "manage_config (terraform.tfvars.example)", /expected true or false/],
    [{ manage_security_hub: "no" }, "manage_security_hub (terraform.tfvars.example)", /expected true or false/],
    [{ health_probe: "pingdom" }, "health_probe (terraform.tfvars.example)", /expected one of "canary", "route53"/],
    [{ zone_wide_tls: "on" }, "zone_wide_tls (terraform.tfvars.example)", /expected true or false/],
    [{ redis_auth: "SET" }, "redis_auth (terraform.tfvars.example)", /expected one of "enforced", "add-token", "enforce"/],
  ])("%j", (change, field, problem) => {
    const issues = deploymentIssues(change);
    expect(fields(issues)).toContain(field);
    const issue = issues.find((i) => i.field === field)!;
    expect(issue.problem).toMatch(problem);
    expect(issue.fix.length).toBeGreaterThan(5);
  });

  test("adoption inputs: empty means create; set ids and settings are read into one typed value", () => {
    expect(deployment().adoption).toEqual({
      records: {},
      rulesets: {},
      rulesetNames: {},
      keptLateTransformRules: [],
      githubOidcProviderArn: undefined,
      uploadsSettings: [],
    });
    const issues = new Issues();
    const id = "0123456789abcdef0123456789abcdef";
    const d = validateDeployment(
      {
        ...exampleValues(),
        core_record_id: id,
        waf_managed_ruleset_id: id,
        waf_managed_ruleset_name: "default",
        origin_header_ruleset_id: id,
        origin_header_ruleset_name: "default",
        github_oidc_provider_arn: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        uploads_existing_settings: ["policy", "lifecycle"],
        manage_guardduty: false,
      },
      EXAMPLE_VARS,
      issues,
    );
    expect(issues.all).toEqual([]);
    expect(d.adoption.records).toEqual({ core: id });
    expect(d.adoption.rulesets.managed).toBe(id);
    expect(d.adoption.rulesets.originHeader).toBe(id);
    expect(d.adoption.githubOidcProviderArn).toMatch(/oidc-provider/);
    expect(d.adoption.uploadsSettings).toEqual(["policy", "lifecycle"]);
    expect(d.audit).toEqual({ cloudtrail: true, guardduty: false, config: true, securityHub: true });
    expect(d.existingPlatform).toBe(true);
    expect(d.healthProbe).toBe("canary");
    expect(d.zoneWideTls).toBe(false);
  });

  test("all errors are reported at once, each with field, value and fix, and nothing is synthesized", () => {
    const file = `${tempDir("rx-")}/terraform.tfvars`;
    fs.writeFileSync(
      file,
      fs
        .readFileSync(EXAMPLE_VARS, "utf8")
        .replace('account_id = "123456789012"', 'account_id = "12"')
        .replace('alert_email = "alerts@example.com"', 'alert_email = "nope"'),
    );
    let error: unknown;
    try {
      resolveSettings({ varsFile: file });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^Invalid configuration \(2 problems\); nothing was synthesized:/);
    expect(message).toContain(
      'account_id (terraform.tfvars): got "12"; expected a 12-digit AWS account id. Fix: copy it from the AWS console',
    );
    expect(message).toContain(
      'alert_email (terraform.tfvars): got "nope"; expected an email address. Fix: set alert_email = "ops@your-clinic.com"',
    );
  });

  test("CLI and environment options override the file, and are validated the same way", () => {
    expect(resolveSettings({ varsFile: EXAMPLE_VARS, phase: "3" }).phase.phase).toBe(3);
    expect(() => resolveSettings({ varsFile: EXAMPLE_VARS, phase: "7" })).toThrow(/phase \(--phase\): got 7; expected one of 1, 2, 3, 4/);
    expect(() => resolveSettings({ varsFile: EXAMPLE_VARS, phase: "7", sources: { phase: "PHASE" } })).toThrow(
      /phase \(PHASE\): got 7; expected one of 1, 2, 3, 4. Fix: set PHASE=1, 2, 3 or 4, or unset it/,
    );
    expect(() => resolveSettings({ varsFile: EXAMPLE_VARS, compute: "k8s" })).toThrow(/compute .*got "k8s"/);
    expect(() => resolveSettings({ varsFile: "/nonexistent/terraform.tfvars" })).toThrow(
      /deployment inputs \(terraform.tfvars\): got "\/nonexistent\/terraform.tfvars"; does not exist/,
    );
  });
});

describe("phase configuration: every validation has a test that triggers it", () => {
  test.each<[string, 1 | 2 | 3 | 4, (c: any) => void, string, RegExp]>([
    ["region not allowed", 1, (c) => (c.regions[0].region = "mars-east-1"), "phase1.regions[0].region", /expected one of/],
    [
      "AZ of another region",
      1,
      (c) => (c.regions[0].network.azs = ["eu-central-1a", "us-east-1b"]),
      "phase1.regions[0].network.azs[1]",
      /expected an AZ of eu-central-1/,
    ],
    [
      "one AZ only",
      1,
      (c) => (c.regions[0].network.azs = ["eu-central-1a"]),
      "phase1.regions[0].network.azs",
      /at least 2 availability zones/,
    ],
    [
      "duplicate AZs",
      1,
      (c) => (c.regions[0].network.azs = ["eu-central-1a", "eu-central-1a"]),
      "phase1.regions[0].network.azs",
      /distinct/,
    ],
    [
      "CIDR format",
      1,
      (c) => (c.regions[0].network.cidr = "10.0.0.1/16"),
      "phase1.regions[0].network.cidr",
      /IPv4 network in CIDR notation/,
    ],
    ["CIDR size", 1, (c) => (c.regions[0].network.cidr = "10.0.0.0/8"), "phase1.regions[0].network.cidr", /\/16 to \/24/],
    ["subnet size", 1, (c) => (c.regions[0].network.subnetNewBits = 14), "phase1.regions[0].network.subnetNewBits", /\/28 or larger/],
    ["NAT count", 1, (c) => (c.regions[0].network.natGateways = 3), "phase1.regions[0].network.natGateways", /1 to 2/],
    [
      "overlapping regions",
      4,
      (c) => (c.regions[1].network.cidr = "10.0.128.0/17"),
      "phase4.regions[1].network.cidr",
      /overlaps 10\.0\.0\.0\/16 of eu-central-1/,
    ],
    [
      "second region before phase 4",
      3,
      (c) => c.regions.push({ ...c.regions[0], key: "us", primary: false, region: "us-east-1" }),
      "phase3.regions",
      /second region is a phase 4 feature/,
    ],
    ["two primaries", 4, (c) => (c.regions[1].primary = true), "phase4.regions", /exactly one region must be primary/],
    [
      "backup region = region",
      1,
      (c) => (c.regions[0].backupRegion = "eu-central-1"),
      "phase1.regions[0].backupRegion",
      /different region/,
    ],
    [
      "instance class",
      1,
      (c) => (c.database.instanceClass = "db.m1.small"),
      "phase1.database.instanceClass",
      /expected one of "db\.t4g\.medium"/,
    ],
    ["engine version", 1, (c) => (c.database.engineVersion = "12"), "phase1.database.engineVersion", /expected one of "16", "17"/],
    ["cache node type", 1, (c) => (c.regions[0].cache.nodeType = "cache.m1.small"), "phase1.regions[0].cache.nodeType", /expected one of/],
    [
      "Redis version",
      1,
      (c) => (c.regions[0].cache.engineVersion = "5.0"),
      "phase1.regions[0].cache.engineVersion",
      /expected one of "7\.0", "7\.1"/,
    ],
    [
      "replicas before phase 2",
      1,
      (c) => (c.database.readReplicas = [{ id: "replica-1", instanceClass: "db.t4g.medium", az: "eu-central-1b" }]),
      "phase1.database.readReplicas",
      /read replicas start in phase 2/,
    ],
    [
      "replica AZ",
      2,
      (c) => (c.database.readReplicas[0].az = "eu-central-1c"),
      "phase2.database.readReplicas[0].az",
      /expected one of the VPC's AZs/,
    ],
    ["duplicate replica ids", 2, (c) => (c.database.readReplicas[1].id = "replica-1"), "phase2.database.readReplicas[1].id", /unique/],
    [
      "backup retention below 7 days",
      1,
      (c) => (c.database.backupRetentionDays = 3),
      "phase1.database.backupRetentionDays",
      /below the document's 7-day PITR window/,
    ],
    [
      "monitoring interval",
      1,
      (c) => (c.database.monitoringIntervalSeconds = 45),
      "phase1.database.monitoringIntervalSeconds",
      /expected one of 1, 5, 10, 15, 30, 60/,
    ],
    [
      "Performance Insights retention",
      1,
      (c) => (c.database.performanceInsightsRetentionDays = 10),
      "phase1.database.performanceInsightsRetentionDays",
      /7 days \(free tier\)/,
    ],
    ["default admin name", 1, (c) => (c.database.masterUsername = "postgres"), "phase1.database.masterUsername", /custom admin name/],
    ["single-AZ database", 1, (c) => (c.database.multiAz = false), "phase1.database.multiAz", /standby in a second AZ/],
    [
      "storage ceiling",
      1,
      (c) => (c.database.maxAllocatedStorageGb = 40),
      "phase1.database.maxAllocatedStorageGb",
      /at least allocatedStorageGb/,
    ],
    ["identifier", 1, (c) => (c.database.identifier = "Restartix_Prod"), "phase1.database.identifier", /RDS identifier/],
    [
      "shared_buffers share",
      1,
      (c) => (c.database.parameters.sharedBuffersPercent = 60),
      "phase1.database.parameters.sharedBuffersPercent",
      /from 10 to 40/,
    ],
    [
      "effective_cache_size share",
      1,
      (c) => (c.database.parameters.effectiveCacheSizePercent = 20),
      "phase1.database.parameters.effectiveCacheSizePercent",
      /effective_cache_size at least as large as shared_buffers/,
    ],
    [
      "connection math",
      1,
      (c) => (c.services.core.dbPoolMax = 30),
      "phase1.database.parameters.maxConnections",
      /5 x 30 \+ 3 x 15 \+ 10 = 205 connections, above 80% of max_connections \(160\)/,
    ],
    [
      "min > max instances",
      1,
      (c) => (c.services.core.minInstances = 6),
      "phase1.services.core.minInstances",
      /must not exceed maxInstances \(5\)/,
    ],
    ["zero min instances", 1, (c) => (c.services.core.minInstances = 0), "phase1.services.core.minInstances", /at least 1/],
    [
      "App Runner max instances",
      1,
      (c) => (c.services.telemetry.maxInstances = 30),
      "phase1.services.telemetry.maxInstances",
      /at most 25 instances/,
    ],
    ["max concurrency", 1, (c) => (c.services.telemetry.maxConcurrency = 500), "phase1.services.telemetry.maxConcurrency", /from 1 to 200/],
    [
      "App Runner CPU/memory pair",
      1,
      (c) => (c.services.core.memory = 8192),
      "phase1.services.core.cpu/memory",
      /App Runner does not accept 1 vCPU with 8 GB/,
    ],
    [
      "duplicate hostnames",
      1,
      (c) => (c.services.telemetry.subdomain = "api"),
      "phase1.services.telemetry.subdomain",
      /duplicate hostname/,
    ],
    [
      "duplicate service names",
      1,
      (c) => (c.services.telemetry.name = "restartix-core-api"),
      "phase1.services.telemetry.name",
      /service names must be unique/,
    ],
    [
      "PORT is reserved",
      1,
      (c) => (c.services.core.env = { ...c.services.core.env, PORT: "9000" }),
      "phase1.services.core.env.PORT",
      /PORT is reserved/,
    ],
    [
      "DB_POOL_MAX is derived",
      1,
      (c) => (c.services.core.env = { ...c.services.core.env, DB_POOL_MAX: "30" }),
      "phase1.services.core.env.DB_POOL_MAX",
      /derived from dbPoolMax/,
    ],
    [
      "variable names",
      1,
      (c) => (c.services.core.env = { ...c.services.core.env, "log-level": "x" }),
      "phase1.services.core.env",
      /upper-case letters/,
    ],
    [
      "plain and secret",
      1,
      (c) => (c.services.core.env = { ...c.services.core.env, DATABASE_URL: "x" }),
      "phase1.services.core.env.DATABASE_URL",
      /both a plain and a secret variable/,
    ],
    [
      "no outbound dependency",
      1,
      (c) => (c.services.telemetry.outbound = []),
      "phase1.services.telemetry.outbound",
      /cannot even reach AWS APIs/,
    ],
    [
      "outbound port",
      1,
      (c) => (c.services.telemetry.outbound = [{ name: "ClickHouse Cloud", port: 84430 }]),
      "phase1.services.telemetry.outbound[0].port",
      /TCP port from 1 to 65535/,
    ],
    [
      "outbound name",
      1,
      (c) => (c.services.core.outbound = [{ name: " ", port: 443 }]),
      "phase1.services.core.outbound[0].name",
      /name of what the service calls/,
    ],
    [
      "outbound twice",
      1,
      (c) =>
        (c.services.core.outbound = [
          { name: "Clerk", port: 443 },
          { name: "Clerk", port: 443 },
        ]),
      "phase1.services.core.outbound[1]",
      /declared twice/,
    ],
    [
      "backup window format",
      1,
      (c) => (c.regions[0].databaseWindows = { ...c.regions[0].databaseWindows, backup: "0:00-0:30" }),
      "phase1.regions[0].databaseWindows.backup",
      /"hh:mm-hh:mm"/,
    ],
    [
      "backup window length",
      1,
      (c) => (c.regions[0].databaseWindows = { ...c.regions[0].databaseWindows, backup: "00:00-00:20" }),
      "phase1.regions[0].databaseWindows.backup",
      /at least 30 minutes/,
    ],
    [
      "maintenance window format",
      1,
      (c) => (c.regions[0].databaseWindows = { ...c.regions[0].databaseWindows, maintenance: "sunday:00:45-sunday:01:45" }),
      "phase1.regions[0].databaseWindows.maintenance",
      /"ddd:hh:mm-ddd:hh:mm"/,
    ],
    [
      "maintenance window length",
      1,
      (c) => (c.regions[0].databaseWindows = { ...c.regions[0].databaseWindows, maintenance: "sun:00:45-sun:01:00" }),
      "phase1.regions[0].databaseWindows.maintenance",
      /at least 30 minutes/,
    ],
    [
      "windows overlap",
      4,
      (c) => (c.regions[1].databaseWindows = { backup: "07:00-07:30", maintenance: "wed:07:15-wed:08:00" }),
      "phase4.regions[1].databaseWindows",
      /overlaps the maintenance window/,
    ],
    ["dump schedule format", 1, (c) => (c.backups.schedule = "rate(1 day)"), "phase1.backups.schedule", /daily EventBridge Scheduler cron/],
    ["dump time zone", 1, (c) => (c.backups.scheduleTimezone = "Europe/Atlantis"), "phase1.backups.scheduleTimezone", /IANA time zone/],
    ["dump runtime", 1, (c) => (c.backups.maxRuntimeMinutes = 0), "phase1.backups.maxRuntimeMinutes", /from 5 to 240/],
    ["dump age alarm", 1, (c) => (c.backups.maxDumpAgeHours = 200), "phase1.backups.maxDumpAgeHours", /from 25 to 168/],
    [
      "dump inside the RDS windows",
      1,
      (c) => (c.backups.schedule = "cron(30 1 * * ? *)"),
      "phase1.backups.schedule",
      /overlaps the RDS (backup|maintenance) window .* on \d+ days, first \d{4}-/,
    ],
    [
      "health check path",
      1,
      (c) => (c.services.core.healthCheck.path = "health"),
      "phase1.services.core.healthCheck.path",
      /absolute path/,
    ],
    [
      "health check timeout > interval",
      1,
      (c) => (c.services.core.healthCheck.timeoutSeconds = 15),
      "phase1.services.core.healthCheck.timeoutSeconds",
      /must not exceed the interval/,
    ],
    ["bucket names", 1, (c) => (c.storage.uploadsBucket = "Uploads"), "phase1.storage.uploadsBucket", /S3 bucket name/],
    [
      "bucket name too long with the account id",
      1,
      (c) => (c.backups.primaryBucket = "restartix-backups-primary-copy-of-the-daily-database-dumps"),
      "phase1.storage",
      /once the account id is added: a bucket name has 3 to 63 characters \(this one has 71\)/,
    ],
    [
      "dump replica outside the backup region",
      1,
      (c) => (c.backups.replicaRegion = "eu-west-2"),
      "phase1.backups.replicaRegion",
      /primary region's backup region \(eu-west-1\)/,
    ],
    ["backup lifecycle", 1, (c) => (c.backups.transitionToGlacierDays = 40), "phase1.backups", /S3 minimums/],
    ["replica bucket region", 1, (c) => (c.backups.replicaRegion = "eu-central-1"), "phase1.backups.replicaRegion", /another region/],
    [
      "alarm fraction",
      1,
      (c) => (c.observability.alarms.dbConnectionsFraction = 1.5),
      "phase1.observability.alarms.dbConnectionsFraction",
      /fraction/,
    ],
    [
      "log retention",
      1,
      (c) => (c.observability.logRetentionDays = 100),
      "phase1.observability.logRetentionDays",
      /fixed retention values/,
    ],
    ["budget", 1, (c) => (c.observability.budgetUsd = 0), "phase1.observability.budgetUsd", /positive amount/],
    ["rate limit period", 1, (c) => (c.edge.rateLimits[0].periodSeconds = 7), "phase1.edge.rateLimits", /periods of 10, 60/],
    [
      "enterprise before phase 3",
      2,
      (c) => (c.enterprise = { registryFile: "x.json", sizes: {}, defaultSize: "standard" }),
      "phase2.enterprise",
      /starts in phase 3/,
    ],
    [
      "global routing region key",
      4,
      (c) => (c.globalRouting.defaultRegionKey = "ap"),
      "phase4.globalRouting.defaultRegionKey",
      /not a region key/,
    ],
    ["shard id", 4, (c) => (c.regions[1].shards[0].id = "eu-9"), "phase4.regions[us].shards[eu-9].id", /<region key>-<number>/],
    [
      "shard before phase 4",
      3,
      (c) =>
        (c.regions[0].shards = [
          c.regions[0].shards[0] ?? {
            id: "eu-2",
            instanceClass: "db.r6g.large",
            allocatedStorageGb: 100,
            maxAllocatedStorageGb: 200,
            service: c.services.core,
          },
        ]),
      "phase3.regions[eu].shards[eu-2]",
      /phase 4 feature/,
    ],
  ])("%s", (_name, phase, mutate, field, problem) => {
    const issues = phaseIssues(phase, mutate);
    const issue = issues.find((i) => i.field === field);
    expect([field, issue?.problem ?? `no issue; got ${JSON.stringify(fields(issues))}`]).toEqual([field, expect.stringMatching(problem)]);
  });

  test("Fargate CPU/memory pairs are checked against Fargate's table", () => {
    const issues = phaseIssues(1, (c) => (c.services.telemetry.memory = 8192), "fargate");
    expect(issues.find((i) => i.field === "phase1.services.telemetry.cpu/memory")!.problem).toMatch(
      /Fargate does not accept 0.5 vCPU with 8 GB/,
    );
    expect(phaseIssues(1, (c) => (c.services.core.memory = 8192), "fargate")).toEqual([]);
  });
});

describe("tenant registry validation", () => {
  const phase3 = phaseConfig(3);
  const entry = (over: Record<string, unknown> = {}) => ({
    id: "org-900",
    name: "Clinic 900",
    region: "eu-central-1",
    instanceClass: "db.r6g.large",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 500,
    service: phase3.enterprise!.sizes.standard.service,
    ...over,
  });
  const tenantIssues = (entries: unknown, phase = phase3) => {
    const issues = new Issues();
    validateTenants(entries, "phases/tenants/test.json", phase, issues);
    return issues.all.map((i) => `${i.field}: ${i.problem}`);
  };

  test.each<[string, unknown, RegExp]>([
    ["id format", [entry({ id: "9lives" })], /tenants\[9lives\] \(test\.json\)\.id: expected 3-20 characters/],
    ["id too long", [entry({ id: "org-with-a-very-long-name" })], /expected 3-20 characters/],
    ["reserved word", [entry({ id: "telemetry" })], /reserved word/],
    ["duplicate id", [entry(), entry()], /duplicate id/],
    ["id of a shard", [entry({ id: "us-2", region: "us-east-1" })], /duplicate id/],
    ["unknown region", [entry({ region: "ap-south-1" })], /is not a region of phase 3/],
    ["instance class", [entry({ instanceClass: "db.x1.huge" })], /instanceClass: expected one of/],
    ["storage", [entry({ allocatedStorageGb: 10 })], /at least 20 GB/],
    [
      "service sizing",
      [entry({ service: { ...(entry().service as object), minInstances: 3 } })],
      /minInstances: must not exceed maxInstances/,
    ],
    ["missing name", [entry({ name: "" })], /display name/],
    ["not an array", { tenants: [] }, /expected a JSON array/],
    ["decommission flag", [entry({ decommission: "yes" })], /expected true or false/],
  ])("%s", (_name, entries, problem) => {
    const found = tenantIssues(entries, entries && (entries as any[])[0]?.region === "us-east-1" ? phaseConfig(4) : phase3);
    expect(found.join("\n")).toMatch(problem);
  });

  test("tenants before phase 3 are refused", () => {
    expect(tenantIssues([entry()], phaseConfig(2)).join("\n")).toMatch(/phase 2 has no enterprise tier/);
  });

  test("the shipped registries are valid", () => {
    expect(resolveSettings({ varsFile: EXAMPLE_VARS, phase: 3 }).tenants).toHaveLength(10);
    expect(resolveSettings({ varsFile: EXAMPLE_VARS, phase: 4 }).tenants).toHaveLength(40);
  });
});
