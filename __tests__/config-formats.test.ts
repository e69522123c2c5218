import { loadInputs } from "../config/deployment";
import { ConfigError, Issues } from "../config/errors";
import {
  cidrProblem,
  dnsLabelProblem,
  githubOwnerProblem,
  githubRepositoryProblem,
  networkOf,
  postgresDatabaseProblem,
  s3BucketProblem,
  scheduleExpressionProblem,
  tfcOrganizationProblem,
  timeZoneProblem,
} from "../config/formats";
import { validateDeployment, validatePhase, validateTenants } from "../config/validate";
import { phaseConfig } from "../phases";
import { PhaseConfig } from "../phases/types";
import { EXAMPLE_VARS } from "./helpers";

// The services' naming and syntax rules (config/formats.ts) and where validation applies them:
// each rule has a case that triggers it, and the shipped values pass.

const exampleValues = () => ({ ...loadInputs(EXAMPLE_VARS).values });
const deployment = () => validateDeployment(exampleValues(), EXAMPLE_VARS, new Issues());

function deploymentIssues(changes: Record<string, unknown>) {
  const issues = new Issues();
  validateDeployment({ ...exampleValues(), ...(changes as Record<string, string>) }, EXAMPLE_VARS, issues);
  return issues.all;
}

function phaseIssues(phase: 1 | 2 | 3 | 4, mutate: (c: any) => void) {
  const config = JSON.parse(JSON.stringify(phaseConfig(phase))) as PhaseConfig;
  mutate(config);
  const issues = new Issues();
  validatePhase(config, deployment(), issues);
  return issues.all;
}

const problemOf = (issues: readonly { field: string; problem: string }[], field: string) =>
  issues.find((i) => i.field === field)?.problem ?? `no issue for ${field}; got ${JSON.stringify(issues.map((i) => i.field))}`;

describe("the rules accept what the services accept", () => {
  test.each(["restartix-uploads-prod", "a.b-c", "abc", "x".repeat(63)])("bucket %s", (name) =>
    expect(s3BucketProblem(name)).toBeUndefined(),
  );
  test.each(["restartix", "a", "a-b-c", "Restartix-Labs", "old--style"])("GitHub owner %s", (name) =>
    expect(githubOwnerProblem(name)).toBeUndefined(),
  );
  test.each(["restartix-platform", "a.b_c-d", ".github", "x".repeat(100)])("GitHub repository %s", (name) =>
    expect(githubRepositoryProblem(name)).toBeUndefined(),
  );
  test.each(["restartix", "my_org-2"])("HCP Terraform organization %s", (name) => expect(tfcOrganizationProblem(name)).toBeUndefined());
  test.each(["api", "a", "xn--bcher-kva", "api-2"])("DNS label %s", (label) => expect(dnsLabelProblem(label)).toBeUndefined());
  test.each(["restartix", "app_db", "r2"])("database %s", (name) => expect(postgresDatabaseProblem(name)).toBeUndefined());
  test.each(["10.0.0.0/16", "173.245.48.0/20", "0.0.0.0/0", "192.0.2.1/32"])("CIDR %s", (cidr) =>
    expect(cidrProblem(cidr)).toBeUndefined(),
  );
  test.each([
    "cron(0 3 * * ? *)",
    "cron(0/15 8-17 ? * MON-FRI *)",
    "cron(0 3 L * ? *)",
    "cron(30 2 ? * 6#3 2026-2030)",
    "cron(0 0 1W JAN,JUL ? *)",
    "rate(1 day)",
    "rate(5 minutes)",
    "at(2026-12-01T03:00:00)",
  ])("schedule %s", (expression) => expect(scheduleExpressionProblem(expression)).toBeUndefined());
  test.each(["Europe/Berlin", "UTC", "America/New_York", "Asia/Kolkata"])("time zone %s", (zone) =>
    expect(timeZoneProblem(zone)).toBeUndefined(),
  );

  test("the network a CIDR with host bits set means", () => {
    expect(networkOf("173.245.48.1/20")).toBe("173.245.48.0/20");
    expect(networkOf("10.0.255.255/16")).toBe("10.0.0.0/16");
  });
});

describe("deployment inputs: the services' naming rules", () => {
  const f = (name: string) => `${name} (terraform.tfvars.example)`;
  test.each<[Record<string, string>, string, RegExp]>([
    [{ state_bucket: "192.168.5.4" }, f("state_bucket"), /must not look like an IP address/],
    [{ state_bucket: "xn--restartix-state" }, f("state_bucket"), /AWS reserves the prefix xn--/],
    [{ state_bucket: "restartix-state-s3alias" }, f("state_bucket"), /AWS reserves the suffix -s3alias/],
    [{ state_bucket: "restartix-state--ol-s3" }, f("state_bucket"), /AWS reserves the suffix --ol-s3/],
    [{ state_bucket: "restartix..state" }, f("state_bucket"), /no two adjacent dots/],
    [{ state_bucket: "rx" }, f("state_bucket"), /3 to 63 characters \(this one has 2\)/],
    [{ state_bucket: `r${"x".repeat(63)}` }, f("state_bucket"), /3 to 63 characters \(this one has 64\)/],
    [{ state_bucket: "restartix-state-" }, f("state_bucket"), /starts and ends with a letter or digit/],
    [{ github_owner: "-restartix" }, f("github_owner"), /does not start or end with a hyphen/],
    [{ github_owner: "rest_artix" }, f("github_owner"), /only letters, digits and hyphens/],
    [{ github_owner: "r".repeat(40) }, f("github_owner"), /1 to 39 characters/],
    [{ github_repository: "restartix/platform" }, f("github_repository"), /without the owner/],
    [{ github_repository: "platform.git" }, f("github_repository"), /drops a "\.git" suffix/],
    [{ github_repository: ".." }, f("github_repository"), /reserves the names \. and \.\./],
    [{ github_repository: "my platform" }, f("github_repository"), /only letters, digits/],
    [{ tfc_organization: "my org" }, f("tfc_organization"), /only letters, digits, underscores and hyphens/],
  ])("%j", (change, field, problem) => {
    const issues = deploymentIssues(change);
    expect(problemOf(issues, field)).toMatch(problem);
    expect(issues.find((i) => i.field === field)!.fix.length).toBeGreaterThan(5);
  });
});

describe("phase settings: formats AWS and Cloudflare check at apply", () => {
  test.each<[string, 1 | 2 | 3 | 4, (c: any) => void, string, RegExp]>([
    [
      "a fractional instance count",
      1,
      (c) => (c.services.core.maxInstances = 4.5),
      "phase1.services.core.maxInstances",
      /expected a whole number, 0 or more/,
    ],
    ["a fractional NAT count", 1, (c) => (c.regions[0].network.natGateways = 1.5), "phase1.regions[0].network.natGateways", /whole number/],
    ["a fractional pool", 2, (c) => (c.services.telemetry.dbPoolMax = 7.5), "phase2.services.telemetry.dbPoolMax", /whole number/],
    [
      "a fractional alarm window",
      1,
      (c) => (c.observability.alarms.dbCpuMinutes = 2.5),
      "phase1.observability.alarms.dbCpuMinutes",
      /whole number/,
    ],
    [
      "negative lifecycle days",
      1,
      (c) => (c.backups.transitionToInfrequentAccessDays = -30),
      "phase1.backups.transitionToInfrequentAccessDays",
      /0 or more/,
    ],
    ["negative expiry", 1, (c) => (c.backups.expireDays = -1), "phase1.backups.expireDays", /0 or more/],
    ["untagged images kept 0 days", 1, (c) => (c.registry.untaggedExpireDays = 0), "phase1.registry.untaggedExpireDays", /from 1 to 36500/],
    ["no tagged image kept", 1, (c) => (c.registry.keepTaggedImages = 0), "phase1.registry.keepTaggedImages", /from 1 to 10000/],
    [
      "an upper-case subdomain",
      1,
      (c) => (c.services.core.subdomain = "API"),
      "phase1.services.core.subdomain",
      /lower-case letters, digits and hyphens/,
    ],
    [
      "a subdomain ending in a hyphen",
      1,
      (c) => (c.services.core.subdomain = "api-"),
      "phase1.services.core.subdomain",
      /does not start or end with a hyphen/,
    ],
    [
      "an underscore in a subdomain",
      1,
      (c) => (c.services.telemetry.subdomain = "tele_metry"),
      "phase1.services.telemetry.subdomain",
      /DNS name under example\.com/,
    ],
    [
      "an upper-case database name",
      1,
      (c) => (c.database.dbName = "Restartix"),
      "phase1.database.dbName",
      /lower-case letters, digits and underscores/,
    ],
    ["a reserved database name", 1, (c) => (c.database.dbName = "user"), "phase1.database.dbName", /user is a reserved word in PostgreSQL/],
    ["a system database name", 1, (c) => (c.database.dbName = "postgres"), "phase1.database.dbName", /keeps for itself/],
    ["a database port RDS refuses", 1, (c) => (c.database.port = 80), "phase1.database.port", /from 1150 to 65535/],
    [
      "storage below gp3's minimum",
      1,
      (c) => (c.database.allocatedStorageGb = 10),
      "phase1.database.allocatedStorageGb",
      /gp3 storage needs at least 20 GB and holds at most 65536/,
    ],
    [
      "storage above gp3's maximum",
      1,
      (c) => ((c.database.allocatedStorageGb = 70000), (c.database.maxAllocatedStorageGb = 80000)),
      "phase1.database.allocatedStorageGb",
      /at most 65536/,
    ],
    [
      "an autoscaling ceiling under 10% above",
      1,
      (c) => (c.database.maxAllocatedStorageGb = 54),
      "phase1.database.maxAllocatedStorageGb",
      /at least 10% above the allocated 50 GB \(55\)/,
    ],
    [
      "an autoscaling ceiling above the maximum",
      1,
      (c) => (c.database.maxAllocatedStorageGb = 70000),
      "phase1.database.maxAllocatedStorageGb",
      /at most 65536 GB/,
    ],
    [
      "a shard's storage",
      4,
      (c) => (c.regions[0].shards[0].allocatedStorageGb = 5),
      "phase4.regions[eu].shards[eu-2].allocatedStorageGb",
      /at least 20 GB/,
    ],
    [
      "a tenant size preset's ceiling",
      3,
      (c) => (c.enterprise.sizes.large.maxAllocatedStorageGb = 260),
      "phase3.enterprise.sizes.large.maxAllocatedStorageGb",
      /10% above the allocated 250 GB/,
    ],
    ["a 5-field cron", 1, (c) => (c.backups.schedule = "cron(0 3 * * *)"), "phase1.backups.schedule", /6 fields .* this one has 5/],
    [
      "both day fields set",
      1,
      (c) => (c.backups.schedule = "cron(0 3 * * * *)"),
      "phase1.backups.schedule",
      /exactly one of day-of-month and day-of-week is \?/,
    ],
    ["an hour out of range", 1, (c) => (c.backups.schedule = "cron(0 25 * * ? *)"), "phase1.backups.schedule", /hours: 25 is outside 0-23/],
    ["a bad month name", 1, (c) => (c.backups.schedule = "cron(0 3 1 FOO ? *)"), "phase1.backups.schedule", /month: FOO is outside 1-12/],
    ["a rate with the wrong plural", 1, (c) => (c.backups.schedule = "rate(1 hours)"), "phase1.backups.schedule", /write rate\(1 hour\)/],
    ["not a schedule expression", 1, (c) => (c.backups.schedule = "daily at 3"), "phase1.backups.schedule", /expected cron\(/],
    [
      "an unknown time zone",
      1,
      (c) => (c.backups.scheduleTimezone = "Mars/Olympus"),
      "phase1.backups.scheduleTimezone",
      /not an IANA time zone name/,
    ],
    [
      "a time zone in the wrong case",
      1,
      (c) => (c.backups.scheduleTimezone = "europe/berlin"),
      "phase1.backups.scheduleTimezone",
      /case-sensitive: Europe\/Berlin/,
    ],
    [
      "a time zone abbreviation",
      1,
      (c) => (c.backups.scheduleTimezone = "CET"),
      "phase1.backups.scheduleTimezone",
      /abbreviations are ambiguous/,
    ],
    [
      "a Cloudflare range with host bits",
      1,
      (c) => (c.fargate.cloudflareIpv4[0] = "173.245.48.1/20"),
      "phase1.fargate.cloudflareIpv4[0]",
      /host bits are set/,
    ],
    [
      "a Cloudflare range out of bounds",
      1,
      (c) => (c.fargate.cloudflareIpv4[3] = "103.31.4.0/33"),
      "phase1.fargate.cloudflareIpv4[3]",
      /prefix above \/32/,
    ],
    [
      "a Cloudflare range that is no CIDR",
      2,
      (c) => (c.fargate.cloudflareIpv4[1] = "103.21.244.0"),
      "phase2.fargate.cloudflareIpv4[1]",
      /expected an IPv4 network in CIDR notation/,
    ],
    ["a bucket that looks like an IP", 1, (c) => (c.backups.replicaBucket = "10.0.0.1"), "phase1.backups.replicaBucket", /IP address/],
    [
      "a bucket with a reserved suffix",
      1,
      (c) => (c.storage.accessLogsBucket = "restartix-logs--ol-s3"),
      "phase1.storage.accessLogsBucket",
      /reserves the suffix --ol-s3/,
    ],
  ])("%s", (_name, phase, mutate, field, problem) => {
    expect(problemOf(phaseIssues(phase, mutate), field)).toMatch(problem);
  });

  test("the fix for a CIDR with host bits names the network", () => {
    const issue = phaseIssues(1, (c) => (c.fargate.cloudflareIpv4[0] = "173.245.48.1/20")).find(
      (i) => i.field === "phase1.fargate.cloudflareIpv4[0]",
    )!;
    expect(issue.fix).toBe("use 173.245.48.0/20");
  });

  test("fractions stay allowed where a value is a fraction, percentage or amount", () => {
    expect(
      phaseIssues(1, (c) => ((c.observability.alarms.dbConnectionsFraction = 0.75), (c.observability.alarms.errorRatePercent = 0.5))),
    ).toEqual([]);
  });

  test("a tenant's storage is held to the same bounds", () => {
    const issues = new Issues();
    const standard = phaseConfig(3).enterprise!.sizes.standard;
    validateTenants(
      [{ id: "org-900", name: "Clinic", region: "eu-central-1", ...standard, allocatedStorageGb: 100, maxAllocatedStorageGb: 105 }],
      "phases/tenants/phase3.json",
      phaseConfig(3),
      issues,
    );
    expect(problemOf(issues.all, "tenants[org-900] (phase3.json).maxAllocatedStorageGb")).toMatch(/10% above the allocated 100 GB/);
  });
});

describe("every error says where the bad value came from", () => {
  test("phase settings: phases/phaseN.ts", () => {
    const issues = phaseIssues(1, (c) => (c.services.core.maxInstances = 4.5));
    expect(new ConfigError(issues).message).toContain(
      "  - phase1.services.core.maxInstances (phases/phase1.ts): got 4.5; expected a whole number, 0 or more",
    );
  });

  test("deployment inputs: the tfvars file, or the flag or variable that overrode it", () => {
    const issues = new Issues();
    validateDeployment({ ...exampleValues(), phase: 7, compute: "k8s" }, EXAMPLE_VARS, issues, { phase: "PHASE", compute: "--compute" });
    const message = new ConfigError(issues.all).message;
    expect(message).toContain("phase (PHASE): got 7");
    expect(message).toContain('compute (--compute): got "k8s"');
    const fromFile = new Issues();
    validateDeployment({ ...exampleValues(), state_bucket: "xn--x-state" }, EXAMPLE_VARS, fromFile);
    expect(new ConfigError(fromFile.all).message).toContain('state_bucket (terraform.tfvars.example): got "xn--x-state"');
  });
});
