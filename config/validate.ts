import * as path from "path";
import {
  BackendKind,
  CellSpec,
  ComputeEngine,
  CutoverTarget,
  DatabaseConfig,
  PhaseConfig,
  PhaseNumber,
  ServiceConfig,
  ServiceSizing,
} from "../phases/types";
import { cidrsOverlap, parseCidr } from "../lib/cidr";
import { allBucketNames } from "../lib/naming";
import { parseDailyCron, parseDailyWindow, parseWeeklyWindow, scheduleConflicts, Window, windowMinutes, windowsOverlap } from "../lib/windows";
import {
  ALLOWED_REGIONS,
  APPRUNNER_MAX_CONCURRENCY,
  APPRUNNER_MAX_INSTANCES,
  APPRUNNER_SIZES,
  CACHE_NODE_TYPES,
  DB_INSTANCE_CLASSES,
  DB_STORAGE_TYPE,
  FARGATE_SIZES,
  POSTGRES_MAJOR_VERSIONS,
  RDS_POSTGRES_STORAGE_GB,
  REDIS_ENGINE_VERSIONS,
  RESERVED_TENANT_IDS,
} from "./allowed";
import { Adoption, AuditControls, COMPUTE_DEFAULT_REASON, computeEngines, DeploymentInputs, Environment, ENVIRONMENTS, HEALTH_PROBES, HealthProbe, HeaderOperation, INPUT_FIELDS, KeptHeaderRule, REDIS_AUTH, RedisAuth, UPLOADS_SETTINGS, UploadsSetting } from "./deployment";
import { validateEnvironment } from "./environment";
import { Issues } from "./errors";
import {
  cidrProblem,
  githubOwnerProblem,
  githubRepositoryProblem,
  networkOf,
  postgresDatabaseProblem,
  RDS_PORT_RANGE,
  s3BucketProblem,
  scheduleExpressionProblem,
  subdomainProblem,
  tfcOrganizationProblem,
  timeZoneProblem,
} from "./formats";
import { TfvarsValue } from "./tfvars";

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const TENANT_ID = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;

/**
 * Reads and checks every deployment input; problems go to `issues`. `sources` names where a value
 * came from when it was not the file (`--phase`, `PHASE`, ...): errors say so.
 */
export function validateDeployment(
  values: Readonly<Record<string, TfvarsValue>>,
  file: string,
  issues: Issues,
  sources: Readonly<Record<string, string>> = {},
  /** Fields the file itself names (LoadedInputs.named); undefined: every value counts as named. */
  named?: readonly string[],
  /** Local state files of this checkout (localStateFiles()). */
  localState: readonly string[] = [],
): DeploymentInputs {
  const where = (name: string) => `${name} (${sources[name] ?? path.basename(file)})`;
  /** A number or boolean written in quotes in the file: the fix is to drop them. */
  const unquoteFix = (name: string): string | undefined => {
    const v = values[name];
    return sources[name] === undefined && typeof v === "string" && /^(-?\d+(\.\d+)?|true|false)$/.test(v.trim()) ? `drop the quotes: ${name} = ${v.trim()}` : undefined;
  };
  const str = (name: string): string => {
    const v = values[name];
    if (v === undefined) {
      issues.add(where(name), null, "is required", `add ${name} = "..." to ${path.basename(file)} (see terraform.tfvars.example)`);
      return "";
    }
    if (typeof v !== "string") {
      issues.add(where(name), v, "expected a quoted string", typeof v === "object" ? `write ${name} = "..." (one quoted string)` : `write ${name} = "${String(v)}"`);
      return String(v);
    }
    return v;
  };
  const known = new Set(INPUT_FIELDS.map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) issues.add(where(name), values[name], "is not a known input", "remove it or fix its spelling (see terraform.tfvars.example)");
  }

  const accountId = str("account_id");
  issues.check(/^\d{12}$/.test(accountId), where("account_id"), accountId, "expected a 12-digit AWS account id", "copy it from the AWS console's account menu");
  const alertEmail = str("alert_email");
  issues.check(EMAIL.test(alertEmail), where("alert_email"), alertEmail, "expected an email address", 'set alert_email = "ops@your-clinic.com"');
  const domain = str("domain");
  issues.check(HOSTNAME.test(domain), where("domain"), domain, "expected a lower-case domain name", 'set domain = "restartix.com"');
  const zone = str("cloudflare_zone_id");
  issues.check(HEX32.test(zone), where("cloudflare_zone_id"), zone, "expected 32 lower-case hex characters", "copy the Zone ID from the Cloudflare dashboard's overview page");
  const cfAccount = str("cloudflare_account_id");
  issues.check(HEX32.test(cfAccount), where("cloudflare_account_id"), cfAccount, "expected 32 lower-case hex characters", "copy the Account ID from the Cloudflare dashboard");
  const owner = str("github_owner");
  const ownerProblem = githubOwnerProblem(owner);
  issues.check(ownerProblem === undefined, where("github_owner"), owner, `expected a GitHub user or organization name: ${ownerProblem}`, "use the part after github.com/ (e.g. restartix)");
  const repo = str("github_repository");
  const repoProblem = githubRepositoryProblem(repo);
  issues.check(repoProblem === undefined, where("github_repository"), repo, `expected a repository name: ${repoProblem}`, "use the repository name only, as in github.com/<owner>/<name>, without the owner or .git");
  const stateBucket = str("state_bucket");
  const bucketProblem = s3BucketProblem(stateBucket);
  issues.check(bucketProblem === undefined, where("state_bucket"), stateBucket, `expected an S3 bucket name: ${bucketProblem}`, 'set state_bucket = "restartix-terraform-state-<account id>"');
  const tfcOrganization = str("tfc_organization");
  if (tfcOrganization !== "") {
    const orgProblem = tfcOrganizationProblem(tfcOrganization);
    issues.check(orgProblem === undefined, where("tfc_organization"), tfcOrganization, `expected an HCP Terraform organization name: ${orgProblem}`, "copy the organization's name from app.terraform.io (Settings, General)");
  }
  const backend = str("backend") as BackendKind;
  issues.oneOf(where("backend"), backend, ["s3", "cloud", "local"] as BackendKind[], 'set backend = "s3" (or pass --backend)');
  if (backend === "cloud") {
    issues.check(tfcOrganization !== "", where("tfc_organization"), tfcOrganization, 'is required when backend = "cloud"', "set tfc_organization to your HCP Terraform organization");
  }
  const environment = str("environment") as Environment;
  issues.oneOf(where("environment"), environment, ENVIRONMENTS, 'set environment = "production" or "staging" (or pass --environment)');
  const production = validateEnvironment(values, where, environment, issues);
  const compute = str("compute") as ComputeEngine;
  issues.oneOf(where("compute"), compute, ["apprunner", "fargate"] as ComputeEngine[], 'set compute = "fargate" or "apprunner" (or pass --compute)');
  // The default moved from App Runner to Fargate (2026-12-07). A deployment that may already run App
  // Runner must name its engine: a default that changes under it would replace every service. Such a
  // deployment keeps state in a backend (s3/cloud), adopts a running platform, or has local state.
  if (named !== undefined && !named.includes("compute") && sources.compute === undefined) {
    const why = [
      backend !== "local" ? `backend = "${backend}" (this deployment may already have state)` : undefined,
      values.existing_platform === true ? "existing_platform = true" : undefined,
      localState.length > 0 ? `local state exists (${localState.slice(0, 2).join(", ")})` : undefined,
    ].filter((x): x is string => x !== undefined);
    issues.check(
      why.length === 0,
      where("compute"),
      null,
      `is required with ${why.join(" and ")}: the default engine changed from apprunner to fargate on 2026-12-07 (${COMPUTE_DEFAULT_REASON}), and a deployed engine is never switched by a default`,
      'add compute = "apprunner" if this account already runs the App Runner services, or compute = "fargate" for an account App Runner does not serve (docs/fargate.md)',
    );
  }
  const standbyRaw = str("compute_standby");
  const computeStandby = standbyRaw === "" ? undefined : (standbyRaw as ComputeEngine);
  if (computeStandby !== undefined) {
    issues.oneOf(where("compute_standby"), computeStandby, ["apprunner", "fargate"] as ComputeEngine[], 'set compute_standby = "" (or the engine you are moving away from)');
    issues.check(computeStandby !== compute, where("compute_standby"), computeStandby, `is the same engine as compute`, 'set compute_standby = "" or to the other engine');
  }
  const phase = values.phase as PhaseNumber;
  issues.oneOf(
    where("phase"),
    phase,
    [1, 2, 3, 4] as PhaseNumber[],
    unquoteFix("phase") ?? (sources.phase === "PHASE" ? "set PHASE=1, 2, 3 or 4, or unset it to use deployment.tfvars" : sources.phase ? `pass ${sources.phase} 1, 2, 3 or 4` : "set phase = 1, 2, 3 or 4 (or pass --phase)"),
  );

  const cutover = (key: "core" | "telemetry") => {
    const target = str(`${key}_target`) as CutoverTarget;
    issues.oneOf(where(`${key}_target`), target, ["railway", "aws"] as CutoverTarget[], `set ${key}_target = "railway" before the cutover and "aws" after it`);
    const origin = str(`${key}_railway_origin`);
    issues.check(HOSTNAME.test(origin), where(`${key}_railway_origin`), origin, "expected a hostname", "use the *.up.railway.app hostname of the service (no https://)");
    return { target, railwayOrigin: origin };
  };

  const bool = (name: string): boolean => {
    const v = values[name];
    if (typeof v === "boolean") return v;
    issues.add(where(name), v ?? null, "expected true or false (unquoted)", unquoteFix(name) ?? `write ${name} = true or ${name} = false`);
    return false;
  };
  const optionalId = (name: string, what: string, fix: string): string | undefined => {
    const v = str(name);
    if (v === "") return undefined;
    issues.check(HEX32.test(v), where(name), v, `expected ${what}: 32 lower-case hex characters, or "" to create it`, fix);
    return v;
  };
  const discoverFix = "run npm run discover and copy the id it prints";
  const oidcRaw = str("github_oidc_provider_arn");
  const oidcArn = oidcRaw === "" ? undefined : oidcRaw;
  if (oidcArn !== undefined) {
    issues.check(
      new RegExp(`^arn:aws:iam::${accountId}:oidc-provider/token\\.actions\\.githubusercontent\\.com$`).test(oidcArn),
      where("github_oidc_provider_arn"),
      oidcArn,
      `expected the ARN of this account's GitHub OIDC provider (arn:aws:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com)`,
      'copy it from `aws iam list-open-id-connect-providers`, or set "" to create the provider',
    );
  }
  const settingsRaw = values.uploads_existing_settings;
  let uploadsSettings: UploadsSetting[] = [];
  if (Array.isArray(settingsRaw)) {
    uploadsSettings = settingsRaw.filter((x): x is UploadsSetting => (UPLOADS_SETTINGS as readonly unknown[]).includes(x));
    for (const x of settingsRaw) {
      issues.check((UPLOADS_SETTINGS as readonly unknown[]).includes(x), where("uploads_existing_settings"), x, `expected only ${UPLOADS_SETTINGS.join(", ")}`, "list only what npm run discover reports for the uploads bucket");
    }
    issues.check(new Set(settingsRaw).size === settingsRaw.length, where("uploads_existing_settings"), settingsRaw, "lists a setting twice", "list each setting once");
  } else {
    issues.add(where("uploads_existing_settings"), settingsRaw ?? null, "expected a list of setting names", 'write uploads_existing_settings = ["policy", "lifecycle"] (or [])');
  }
  const rulesetIds = {
    managed: optionalId("waf_managed_ruleset_id", "a Cloudflare ruleset id", discoverFix),
    custom: optionalId("waf_custom_ruleset_id", "a Cloudflare ruleset id", discoverFix),
    rateLimit: optionalId("rate_limit_ruleset_id", "a Cloudflare ruleset id", discoverFix),
    config: optionalId("config_rules_ruleset_id", "a Cloudflare ruleset id", discoverFix),
    originHeader: optionalId("origin_header_ruleset_id", "a Cloudflare ruleset id", discoverFix),
  };
  // An adopted ruleset keeps its name: cloudflare provider 5.x replaces a ruleset whose name changes.
  const rulesetName = (key: keyof typeof rulesetIds, prefix: string): string | undefined => {
    const name = str(`${prefix}_ruleset_name`);
    if (rulesetIds[key] !== undefined) {
      issues.check(
        name.trim() !== "",
        where(`${prefix}_ruleset_name`),
        name,
        `is required when ${prefix}_ruleset_id is set: without the ruleset's current name the first deploy renames it, and cloudflare provider 5.x replaces a renamed ruleset (delete, then create)`,
        `set ${prefix}_ruleset_name to the name npm run discover prints next to ${prefix}_ruleset_id`,
      );
    } else {
      issues.check(name === "", where(`${prefix}_ruleset_name`), name, `is set but ${prefix}_ruleset_id is empty: a name is only used when the ruleset is adopted`, `set ${prefix}_ruleset_id too (npm run discover prints both), or set ${prefix}_ruleset_name = ""`);
    }
    return name === "" ? undefined : name;
  };
  const rulesetNames = {
    managed: rulesetName("managed", "waf_managed"),
    custom: rulesetName("custom", "waf_custom"),
    rateLimit: rulesetName("rateLimit", "rate_limit"),
    config: rulesetName("config", "config_rules"),
    originHeader: rulesetName("originHeader", "origin_header"),
  };
  const keptLateTransformRules = keptHeaderRules(values.origin_header_kept_rules, (sub) => where(`origin_header_kept_rules${sub}`), issues);
  if (keptLateTransformRules.length > 0) {
    issues.check(
      rulesetIds.originHeader !== undefined,
      where("origin_header_kept_rules"),
      keptLateTransformRules.map((r) => r.description),
      "lists rules, but origin_header_ruleset_id is empty: kept rules belong to an adopted entry point",
      "set origin_header_ruleset_id (npm run discover prints it with the rules), or set origin_header_kept_rules = []",
    );
  }
  const adoption: Adoption = {
    records: Object.fromEntries(
      (["core", "telemetry"] as const)
        .map((k) => [k, optionalId(`${k}_record_id`, "a Cloudflare DNS record id", discoverFix)] as const)
        .filter(([, v]) => v !== undefined),
    ),
    rulesets: rulesetIds,
    rulesetNames,
    keptLateTransformRules,
    githubOidcProviderArn: oidcArn,
    uploadsSettings,
  };
  const audit: AuditControls = {
    cloudtrail: bool("manage_cloudtrail"),
    guardduty: bool("manage_guardduty"),
    config: bool("manage_config"),
    securityHub: bool("manage_security_hub"),
  };
  const healthProbe = str("health_probe") as HealthProbe;
  issues.oneOf(where("health_probe"), healthProbe, HEALTH_PROBES, 'set health_probe = "canary" (about $2 a month per service) or "route53"');
  const redisAuth = str("redis_auth") as RedisAuth;
  issues.oneOf(
    where("redis_auth"),
    redisAuth,
    REDIS_AUTH,
    'keep "enforced" for caches this code created; for a cache that exists without AUTH apply "add-token", restart the services, then apply "enforce" (docs/data-and-backups.md)',
  );

  return {
    environment,
    ...(production ? { production } : {}),
    accountId,
    alertEmail,
    domain,
    cloudflareZoneId: zone,
    cloudflareAccountId: cfAccount,
    githubOwner: owner,
    githubRepository: repo,
    stateBucket,
    tfcOrganization,
    backend,
    compute,
    computeStandby,
    phase,
    cutover: { core: cutover("core"), telemetry: cutover("telemetry") },
    existingPlatform: bool("existing_platform"),
    adoption,
    audit,
    healthProbe,
    zoneWideTls: bool("zone_wide_tls"),
    redisAuth,
  };
}

/** Checks a phase configuration against the deployment it is used with. */
export function validatePhase(config: PhaseConfig, deployment: DeploymentInputs, issues: Issues): void {
  const p = `phase${config.phase}`;
  validatePhaseFormats(config, deployment, issues);
  const regions = config.regions;
  issues.check(regions.filter((r) => r.primary).length === 1, `${p}.regions`, regions.map((r) => r.region), "exactly one region must be primary", "mark the region of the shared tier primary: true");
  if (config.phase < 4) {
    issues.check(regions.length === 1, `${p}.regions`, regions.map((r) => r.region), "a second region is a phase 4 feature", "remove the extra region or move to phase 4");
  }
  const seenKeys = new Set<string>();
  regions.forEach((r, i) => {
    const f = `${p}.regions[${i}]`;
    issues.check(!seenKeys.has(r.key), `${f}.key`, r.key, "region keys must be unique", "give each region its own short key");
    seenKeys.add(r.key);
    issues.check(/^[a-z]{2,4}$/.test(r.key), `${f}.key`, r.key, "expected 2-4 lower-case letters (used in stack names)", 'use e.g. "eu" or "us"');
    issues.oneOf(`${f}.region`, r.region, ALLOWED_REGIONS);
    issues.oneOf(`${f}.backupRegion`, r.backupRegion, ALLOWED_REGIONS);
    issues.check(r.backupRegion !== r.region, `${f}.backupRegion`, r.backupRegion, "cross-region backups need a different region", "pick another region in the same jurisdiction");
    const n = r.network;
    issues.check(n.azs.length >= 2, `${f}.network.azs`, n.azs, "RDS Multi-AZ needs at least 2 availability zones", "list two AZs of the region");
    n.azs.forEach((az, j) =>
      issues.check(new RegExp(`^${r.region}[a-f]$`).test(az), `${f}.network.azs[${j}]`, az, `expected an AZ of ${r.region}`, `use ${r.region}a, ${r.region}b, ...`),
    );
    issues.check(new Set(n.azs).size === n.azs.length, `${f}.network.azs`, n.azs, "AZs must be distinct", "list each AZ once");
    const cidr = parseCidr(n.cidr);
    if (issues.check(cidr !== undefined, `${f}.network.cidr`, n.cidr, "expected an IPv4 network in CIDR notation", 'use e.g. "10.0.0.0/16"')) {
      issues.check(cidr!.prefix >= 16 && cidr!.prefix <= 24, `${f}.network.cidr`, n.cidr, "a VPC prefix must be /16 to /24", "use a /16");
      const subnetPrefix = cidr!.prefix + n.subnetNewBits;
      issues.check(
        n.subnetNewBits >= 1 && subnetPrefix <= 28 && 2 ** (n.subnetNewBits - 1) >= n.azs.length,
        `${f}.network.subnetNewBits`,
        n.subnetNewBits,
        `subnets of /${subnetPrefix} must be /28 or larger and ${n.azs.length} public + ${n.azs.length} private must fit in the VPC`,
        "use 4 for a /16 VPC (/20 subnets)",
      );
    }
    issues.check(n.natGateways >= 1 && n.natGateways <= n.azs.length, `${f}.network.natGateways`, n.natGateways, `expected 1 to ${n.azs.length} (one per AZ at most)`, "use 1 (the document) or one per AZ");
    const backupWindow = parseDailyWindow(r.databaseWindows.backup);
    const maintenanceWindow = parseWeeklyWindow(r.databaseWindows.maintenance);
    issues.check(backupWindow !== undefined, `${f}.databaseWindows.backup`, r.databaseWindows.backup, 'expected an RDS backup window "hh:mm-hh:mm" (UTC)', 'use e.g. "00:00-00:30"');
    issues.check(maintenanceWindow !== undefined, `${f}.databaseWindows.maintenance`, r.databaseWindows.maintenance, 'expected an RDS maintenance window "ddd:hh:mm-ddd:hh:mm" (UTC)', 'use e.g. "sun:00:45-sun:01:45"');
    if (backupWindow) {
      issues.check(windowMinutes(backupWindow) >= 30, `${f}.databaseWindows.backup`, r.databaseWindows.backup, "RDS needs a backup window of at least 30 minutes", "widen the window to 30 minutes");
    }
    if (maintenanceWindow) {
      issues.check(windowMinutes(maintenanceWindow) >= 30, `${f}.databaseWindows.maintenance`, r.databaseWindows.maintenance, "RDS needs a maintenance window of at least 30 minutes", "widen the window to 30 minutes");
    }
    if (backupWindow && maintenanceWindow) {
      issues.check(!windowsOverlap(backupWindow, maintenanceWindow), `${f}.databaseWindows`, r.databaseWindows, "RDS rejects a backup window that overlaps the maintenance window", "move the maintenance window after the backup window");
    }
    issues.oneOf(`${f}.cache.nodeType`, r.cache.nodeType, CACHE_NODE_TYPES);
    issues.oneOf(`${f}.cache.engineVersion`, r.cache.engineVersion, REDIS_ENGINE_VERSIONS);
    issues.intRange(`${f}.cache.replicas`, r.cache.replicas, 0, 5);
    issues.intRange(`${f}.cache.snapshotRetentionDays`, r.cache.snapshotRetentionDays, 0, 35);
  });
  for (let i = 0; i < regions.length; i++) {
    for (let j = i + 1; j < regions.length; j++) {
      issues.check(
        !cidrsOverlap(regions[i].network.cidr, regions[j].network.cidr),
        `${p}.regions[${j}].network.cidr`,
        regions[j].network.cidr,
        `overlaps ${regions[i].network.cidr} of ${regions[i].region} (VPCs must never overlap, so they can be peered later)`,
        "use the next free /16, e.g. 10.1.0.0/16",
      );
    }
  }

  const primary = regions.find((r) => r.primary) ?? regions[0];
  validateDatabase(`${p}.database`, config.database, primary.network.azs, config.phase, issues, deployment.environment);
  validateConnectionMath(`${p}.database`, config.database, Object.values(config.services), issues);

  const names = new Set<string>();
  const subdomains = new Set<string>();
  for (const svc of Object.values(config.services)) {
    const f = `${p}.services.${svc.key}`;
    validateSizing(f, svc, computeEngines(deployment), issues);
    issues.check(!names.has(svc.name), `${f}.name`, svc.name, "service names must be unique", "rename one service");
    names.add(svc.name);
    issues.check(/^[a-z][a-z0-9-]{3,39}$/.test(svc.name), `${f}.name`, svc.name, "App Runner service names are 4-40 lower-case characters", "shorten the name");
    const host = `${svc.subdomain}.${deployment.domain}`;
    issues.check(!subdomains.has(host), `${f}.subdomain`, host, "duplicate hostname: two services cannot share one", "give each service its own subdomain");
    subdomains.add(host);
    issues.intRange(`${f}.port`, svc.port, 1, 65535);
    issues.check(!(svc.env.PORT !== undefined || svc.secretEnv.includes("PORT")), `${f}.env.PORT`, svc.env.PORT ?? "PORT", "PORT is reserved: App Runner sets it from the service port", `remove PORT from env and set ${f}.port instead`);
    issues.check(svc.env.DB_POOL_MAX === undefined, `${f}.env.DB_POOL_MAX`, svc.env.DB_POOL_MAX, "DB_POOL_MAX is derived from dbPoolMax (the connection math uses it)", `remove it from env and set ${f}.dbPoolMax`);
    for (const name of [...Object.keys(svc.env), ...svc.secretEnv]) {
      issues.check(ENV_NAME.test(name), `${f}.env`, name, "environment variable names are upper-case letters, digits and _", "rename the variable");
    }
    for (const name of svc.secretEnv) {
      issues.check(svc.env[name] === undefined, `${f}.env.${name}`, name, "is both a plain and a secret variable", "keep it in secretEnv only");
    }
    issues.check(svc.outbound.length > 0, `${f}.outbound`, svc.outbound, "a service with no outbound dependency cannot even reach AWS APIs (Secrets Manager, X-Ray)", '{ name: "AWS APIs", port: 443 }');
    const seenOutbound = new Set<string>();
    svc.outbound.forEach((d, i) => {
      issues.check(Number.isInteger(d.port) && d.port >= 1 && d.port <= 65535, `${f}.outbound[${i}].port`, d.port, "expected a TCP port from 1 to 65535", "use the port of the dependency's URL (443 for https://, 8443 for ClickHouse Cloud)");
      issues.check(typeof d.name === "string" && d.name.trim().length > 0, `${f}.outbound[${i}].name`, d.name, "expected the name of what the service calls (it becomes the rule's description)", 'e.g. "ClickHouse Cloud"');
      issues.check(!seenOutbound.has(`${d.name}:${d.port}`), `${f}.outbound[${i}]`, d, "is declared twice", "list each dependency and port once");
      seenOutbound.add(`${d.name}:${d.port}`);
    });
    const hc = svc.healthCheck;
    issues.check(hc.path.startsWith("/"), `${f}.healthCheck.path`, hc.path, "expected an absolute path", 'use "/health"');
    issues.intRange(`${f}.healthCheck.intervalSeconds`, hc.intervalSeconds, 1, 20);
    issues.intRange(`${f}.healthCheck.timeoutSeconds`, hc.timeoutSeconds, 1, 20);
    issues.check(hc.timeoutSeconds <= hc.intervalSeconds, `${f}.healthCheck.timeoutSeconds`, hc.timeoutSeconds, `must not exceed the interval (${hc.intervalSeconds} s)`, "shorten the timeout");
    issues.intRange(`${f}.healthCheck.healthyThreshold`, hc.healthyThreshold, 1, 20);
    issues.intRange(`${f}.healthCheck.unhealthyThreshold`, hc.unhealthyThreshold, 1, 20);
  }

  const buckets = { "storage.uploadsBucket": config.storage.uploadsBucket, "storage.accessLogsBucket": config.storage.accessLogsBucket, "backups.primaryBucket": config.backups.primaryBucket, "backups.replicaBucket": config.backups.replicaBucket };
  for (const [key, bucket] of Object.entries(buckets)) {
    const problem = s3BucketProblem(bucket);
    issues.check(problem === undefined, `${p}.${key}`, bucket, `expected an S3 bucket name: ${problem}`, "use 3-63 lower-case letters, digits and hyphens, e.g. restartix-uploads-prod");
  }
  // Bucket names are global: all but the adopted uploads bucket end in the account id (lib/naming.ts),
  // so the names actually created must be valid too.
  for (const bucket of allBucketNames(config, deployment.accountId)) {
    const problem = s3BucketProblem(bucket);
    issues.check(
      problem === undefined,
      `${p}.storage`,
      bucket,
      `expected an S3 bucket name once the account id is added: ${problem}`,
      "shorten storage.uploadsBucket / accessLogsBucket or backups.primaryBucket / replicaBucket",
    );
  }
  issues.check(config.backups.replicaRegion !== primary.region, `${p}.backups.replicaRegion`, config.backups.replicaRegion, "the replica bucket must be in another region", `pick a region other than ${primary.region}`);
  issues.oneOf(`${p}.backups.replicaRegion`, config.backups.replicaRegion, ALLOWED_REGIONS);
  issues.check(
    config.backups.replicaRegion === primary.backupRegion,
    `${p}.backups.replicaRegion`,
    config.backups.replicaRegion,
    `the dump replica must live in the primary region's backup region (${primary.backupRegion}), where the uploads replica and its log bucket are`,
    `set backups.replicaRegion = "${primary.backupRegion}" or change the region's backupRegion`,
  );
  issues.intRange(`${p}.backups.objectLockDays`, config.backups.objectLockDays, 1, 3650);
  validateBackupSchedule(`${p}.backups`, config, primary.databaseWindows, issues);
  issues.check(
    config.backups.transitionToInfrequentAccessDays >= 30 &&
      config.backups.transitionToGlacierDays >= config.backups.transitionToInfrequentAccessDays + 30 &&
      config.backups.expireDays > config.backups.transitionToGlacierDays &&
      config.backups.expireDays >= config.backups.objectLockDays,
    `${p}.backups`,
    [config.backups.transitionToInfrequentAccessDays, config.backups.transitionToGlacierDays, config.backups.expireDays],
    "lifecycle days must respect S3 minimums (IA >= 30, Glacier >= IA + 30, expiry after Glacier and after the lock)",
    "use 30 / 90 / 365",
  );

  const a = config.observability.alarms;
  issues.check(EMAIL.test(deployment.alertEmail), "alert_email", deployment.alertEmail, "alarms need a valid address", "fix alert_email");
  issues.check(a.dbConnectionsFraction > 0 && a.dbConnectionsFraction <= 1, `${p}.observability.alarms.dbConnectionsFraction`, a.dbConnectionsFraction, "expected a fraction in (0, 1]", "use 0.8 (160 of 200)");
  issues.check(a.errorRatePercent > 0 && a.errorRatePercent < 100, `${p}.observability.alarms.errorRatePercent`, a.errorRatePercent, "expected a percentage between 0 and 100", "use 1");
  issues.check(config.observability.budgetUsd > 0, `${p}.observability.budgetUsd`, config.observability.budgetUsd, "expected a positive amount", "use the document's $200 for phase 1");
  issues.check(
    config.observability.budgetAlertPercents.every((x) => x > 0 && x <= 200),
    `${p}.observability.budgetAlertPercents`,
    config.observability.budgetAlertPercents,
    "expected percentages from 1 to 200",
    "use [80, 100]",
  );
  issues.check([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(config.observability.logRetentionDays), `${p}.observability.logRetentionDays`, config.observability.logRetentionDays, "CloudWatch accepts only its fixed retention values", "use 365");

  for (const rl of config.edge.rateLimits) {
    issues.check(rl.requestsPerPeriod > 0 && [10, 60, 120, 300, 600, 3600].includes(rl.periodSeconds), `${p}.edge.rateLimits`, rl, "Cloudflare accepts periods of 10, 60, 120, 300, 600 or 3600 s and a positive request count", "use periodSeconds 10 on a Free zone");
  }
  if (config.enterprise) {
    issues.check(config.phase >= 3, `${p}.enterprise`, config.enterprise.registryFile, "the enterprise tier starts in phase 3", "remove enterprise from this phase");
    issues.check(config.enterprise.sizes[config.enterprise.defaultSize] !== undefined, `${p}.enterprise.defaultSize`, config.enterprise.defaultSize, `expected one of ${Object.keys(config.enterprise.sizes).join(", ")}`, "name an existing size");
  }
  if (config.globalRouting) {
    issues.check(config.phase === 4 && regions.length > 1, `${p}.globalRouting`, config.globalRouting.tableName, "global routing needs phase 4's second region", "remove globalRouting or add the region");
    issues.check(regions.some((r) => r.key === config.globalRouting!.defaultRegionKey), `${p}.globalRouting.defaultRegionKey`, config.globalRouting.defaultRegionKey, "is not a region key of this phase", `use one of ${regions.map((r) => r.key).join(", ")}`);
  }
  const shardIds = new Set<string>();
  for (const region of regions) {
    for (const s of region.shards) {
      const f = `${p}.regions[${region.key}].shards[${s.id}]`;
      issues.check(config.phase === 4, f, s.id, "shards are a phase 4 feature", "remove the shard");
      issues.check(/^[a-z]{2,4}-\d{1,2}$/.test(s.id) && s.id.startsWith(`${region.key}-`), `${f}.id`, s.id, `expected <region key>-<number>, e.g. ${region.key}-2`, "rename the shard (before its first deploy only)");
      issues.check(!shardIds.has(s.id), `${f}.id`, s.id, "shard ids must be unique", "rename one shard");
      shardIds.add(s.id);
      const taken = region.shards.filter((o) => o.slot === s.slot).length > 1;
      issues.check(
        deployment.compute !== "fargate" || (Number.isInteger(s.slot) && s.slot! >= 1 && s.slot! <= SHARD_SLOTS && !taken),
        `${f}.slot`,
        s.slot ?? null,
        taken ? `another shard of ${region.region} has slot ${s.slot} (a slot is the cell's listener rule on its gateway: unique per region)` : `expected a whole number from 1 to ${SHARD_SLOTS} (slots above ${SHARD_SLOTS} are the tenants')`,
        `give each shard of ${region.key} its own slot from 1 to ${SHARD_SLOTS}, and never change a deployed shard's slot`,
      );
      issues.oneOf(`${f}.instanceClass`, s.instanceClass, DB_INSTANCE_CLASSES);
      validateSizing(`${f}.service`, s.service, computeEngines(deployment), issues);
      validateCellConnections(f, s.service, config, issues);
    }
  }
}

/**
 * The daily pg_dump: a daily cron in a real time zone, a bounded runtime, an age alarm CloudWatch
 * can evaluate, and a run that never touches the primary database's backup or maintenance window,
 * on any day of the current year (both daylight-saving offsets; the rules repeat yearly).
 */
function validateBackupSchedule(f: string, config: PhaseConfig, windows: { backup: string; maintenance: string }, issues: Issues): void {
  const b = config.backups;
  const cron = parseDailyCron(b.schedule);
  issues.check(cron !== undefined, `${f}.schedule`, b.schedule, "expected a daily EventBridge Scheduler cron, cron(M H * * ? *)", 'use e.g. "cron(0 4 * * ? *)"');
  let zoneOk = true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: b.scheduleTimezone });
  } catch {
    zoneOk = false;
  }
  issues.check(zoneOk, `${f}.scheduleTimezone`, b.scheduleTimezone, "is not an IANA time zone", 'use e.g. "Europe/Berlin"');
  issues.intRange(`${f}.maxRuntimeMinutes`, b.maxRuntimeMinutes, 5, 240);
  // CloudWatch evaluates at most 7 days (hourly periods x evaluation periods <= 604,800 s), and
  // a daily job needs more than 24 hours before a missing dump is certain.
  issues.intRange(`${f}.maxDumpAgeHours`, b.maxDumpAgeHours, 25, 168, "use 26: more than a day (the dump is daily), at most 168 (CloudWatch evaluates at most 7 days)");
  const parsed: Record<string, Window | undefined> = { "RDS backup window": parseDailyWindow(windows.backup), "RDS maintenance window": parseWeeklyWindow(windows.maintenance) };
  if (!cron || !zoneOk || !parsed["RDS backup window"] || !parsed["RDS maintenance window"] || !Number.isInteger(b.maxRuntimeMinutes)) return;
  const year = new Date().getUTCFullYear();
  const conflicts = scheduleConflicts({ ...cron, timeZone: b.scheduleTimezone, runtimeMinutes: b.maxRuntimeMinutes }, parsed as Record<string, Window>, [year]);
  issues.check(
    conflicts.length === 0,
    `${f}.schedule`,
    b.schedule,
    conflicts.length === 0
      ? ""
      : `the dump (up to ${b.maxRuntimeMinutes} minutes from ${cron.hour}:${String(cron.minute).padStart(2, "0")} ${b.scheduleTimezone}) overlaps the ${conflicts[0].window} (${windows.backup} / ${windows.maintenance} UTC) on ${conflicts.length} days, first ${conflicts[0].date} (starts ${conflicts[0].startUtc})`,
    "move the schedule or the RDS windows apart (both daylight-saving offsets count)",
  );
}

function validateDatabase(f: string, db: DatabaseConfig, azs: readonly string[], phase: PhaseNumber, issues: Issues, environment = "production"): void {
  issues.oneOf(`${f}.instanceClass`, db.instanceClass, DB_INSTANCE_CLASSES);
  issues.oneOf(`${f}.engineVersion`, db.engineVersion, POSTGRES_MAJOR_VERSIONS);
  issues.check(/^[a-z][a-z0-9-]{0,62}$/.test(db.identifier) && !db.identifier.endsWith("-") && !db.identifier.includes("--"), `${f}.identifier`, db.identifier, "expected an RDS identifier (lower-case letters, digits, single hyphens)", "rename it (only before the first deploy: a new identifier is a new database)");
  validateStorage(f, db, issues);
  issues.check(db.backupRetentionDays >= 7, `${f}.backupRetentionDays`, db.backupRetentionDays, "below the document's 7-day PITR window", "set 7 or more");
  issues.intRange(`${f}.backupRetentionDays`, db.backupRetentionDays, 1, 35);
  issues.oneOf(`${f}.monitoringIntervalSeconds`, db.monitoringIntervalSeconds, [1, 5, 10, 15, 30, 60]);
  issues.check(db.performanceInsightsRetentionDays === 7 || (db.performanceInsightsRetentionDays % 31 === 0 && db.performanceInsightsRetentionDays <= 731), `${f}.performanceInsightsRetentionDays`, db.performanceInsightsRetentionDays, "Performance Insights keeps 7 days (free tier) or a multiple of 31 up to 731", "use 7");
  issues.check(db.masterUsername !== "postgres" && db.masterUsername !== "admin" && /^[a-z][a-z0-9_]{0,62}$/.test(db.masterUsername), `${f}.masterUsername`, db.masterUsername, "expected a custom admin name (not postgres/admin)", 'use "restartix_admin"');
  // Staging holds no patient data (docs/staging.md): its preset is Single-AZ.
  issues.check(db.multiAz || environment === "staging", `${f}.multiAz`, db.multiAz, "patient data needs a standby in a second AZ", "set multiAz: true");
  if (phase < 2) {
    issues.check(db.readReplicas.length === 0, `${f}.readReplicas`, db.readReplicas.map((r) => r.id), "read replicas start in phase 2 (the read/write split)", "remove them from this phase");
  }
  const ids = new Set<string>();
  db.readReplicas.forEach((r, i) => {
    issues.check(!ids.has(r.id), `${f}.readReplicas[${i}].id`, r.id, "replica ids must be unique", "rename one replica");
    ids.add(r.id);
    issues.oneOf(`${f}.readReplicas[${i}].instanceClass`, r.instanceClass, DB_INSTANCE_CLASSES);
    issues.check(azs.includes(r.az), `${f}.readReplicas[${i}].az`, r.az, `expected one of the VPC's AZs (${azs.join(", ")})`, "place the replica in a VPC AZ");
  });
  const pm = db.parameters;
  issues.intRange(`${f}.parameters.maxConnections`, pm.maxConnections, 20, 5000);
  issues.check(
    Number.isInteger(pm.sharedBuffersPercent) && pm.sharedBuffersPercent >= 10 && pm.sharedBuffersPercent <= 40,
    `${f}.parameters.sharedBuffersPercent`,
    pm.sharedBuffersPercent,
    "expected a whole percentage of the instance's memory from 10 to 40 (PostgreSQL's guidance is about 25%)",
    "use 25 (1 GB on db.t4g.medium)",
  );
  issues.check(
    Number.isInteger(pm.effectiveCacheSizePercent) && pm.effectiveCacheSizePercent >= pm.sharedBuffersPercent && pm.effectiveCacheSizePercent <= 90,
    `${f}.parameters.effectiveCacheSizePercent`,
    pm.effectiveCacheSizePercent,
    `expected a whole percentage from sharedBuffersPercent (${pm.sharedBuffersPercent}) to 90: effective_cache_size at least as large as shared_buffers`,
    "use 75 (3 GB on db.t4g.medium)",
  );
}

/**
 * The document's connection math: sum over services of pool x maximum instances, plus background
 * connections, must stay within 80% of max_connections (100 of 200 in phase 1, alarm at 160).
 */
function validateConnectionMath(f: string, db: DatabaseConfig, services: readonly ServiceSizing[], issues: Issues): void {
  const need = services.reduce((sum, s) => sum + s.dbPoolMax * s.maxInstances, 0) + db.backgroundConnections;
  const limit = Math.floor(db.parameters.maxConnections * 0.8);
  issues.check(
    need <= limit,
    `${f}.parameters.maxConnections`,
    db.parameters.maxConnections,
    `the services can open ${services.map((s) => `${s.maxInstances} x ${s.dbPoolMax}`).join(" + ")} + ${db.backgroundConnections} = ${need} connections, above 80% of max_connections (${limit})`,
    `raise max_connections to at least ${Math.ceil(need / 0.8)} or lower the pools or maximum instances`,
  );
}

function validateCellConnections(f: string, service: ServiceSizing, config: PhaseConfig, issues: Issues): void {
  validateConnectionMath(f, { ...config.database, parameters: config.database.parameters }, [service], issues);
}

function validateSizing(f: string, s: ServiceSizing | ServiceConfig, engines: readonly ComputeEngine[], issues: Issues): void {
  issues.check(s.minInstances >= 1 && Number.isInteger(s.minInstances), `${f}.minInstances`, s.minInstances, "expected at least 1", "use 1");
  issues.check(s.minInstances <= s.maxInstances, `${f}.minInstances`, s.minInstances, `must not exceed maxInstances (${s.maxInstances})`, "lower minInstances or raise maxInstances");
  issues.check(s.maxInstances <= APPRUNNER_MAX_INSTANCES, `${f}.maxInstances`, s.maxInstances, `App Runner scales to at most ${APPRUNNER_MAX_INSTANCES} instances`, "split the load across shards");
  issues.intRange(`${f}.maxConcurrency`, s.maxConcurrency, 1, APPRUNNER_MAX_CONCURRENCY);
  issues.intRange(`${f}.dbPoolMax`, s.dbPoolMax, 1, 500);
  // Every engine in use must accept the size (both during a migration).
  for (const compute of engines) {
    const table = compute === "fargate" ? FARGATE_SIZES : APPRUNNER_SIZES;
    const engine = compute === "fargate" ? "Fargate" : "App Runner";
    const ok = (table[s.cpu] ?? []).includes(s.memory);
    issues.check(
      ok,
      `${f}.cpu/memory`,
      `${s.cpu}/${s.memory}`,
      `${engine} does not accept ${s.cpu / 1024} vCPU with ${s.memory / 1024} GB`,
      `use one of ${Object.entries(table)
        .map(([c, ms]) => `${Number(c) / 1024} vCPU: ${ms.slice(0, 4).map((m) => `${m / 1024} GB`).join("/")}${ms.length > 4 ? "/..." : ""}`)
        .join("; ")}`,
    );
  }
}

/** Raw registry entry as stored in phases/tenants/*.json. */
export interface TenantEntry {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly size?: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly service: ServiceSizing;
  readonly decommission?: boolean;
  /** Fargate: the tenant's slot on its region's cell gateways (CellSpec.slot), recorded by `npm run tenant -- add`. */
  readonly slot?: number;
}

/** Slots 1..SHARD_SLOTS of each region are the shards' (phases/phase4.ts); tenants take the next free one above. */
export const SHARD_SLOTS = 10;

/**
 * Tenants run on the deployment's engine (`compute`): their sizes are checked against it, and on
 * Fargate each needs its slot on the region's cell gateways (unique per region, never reused while
 * the entry exists).
 */
export function validateTenants(entries: unknown, file: string, config: PhaseConfig, issues: Issues, engine: ComputeEngine = "apprunner"): CellSpec[] {
  const where = path.basename(file);
  if (!Array.isArray(entries)) {
    issues.add(`tenants (${where})`, entries, "expected a JSON array of tenants", "write [] for no tenants");
    return [];
  }
  if (!config.enterprise) {
    issues.check(entries.length === 0, `tenants (${where})`, entries.length, `phase ${config.phase} has no enterprise tier`, "move to phase 3 or remove the tenants");
    return [];
  }
  const seen = new Set<string>();
  const shardIds = new Set(config.regions.flatMap((r) => r.shards.map((s) => s.id)));
  const regions = config.regions.map((r) => r.region);
  const cells: CellSpec[] = [];
  const slots = new Map<string, string>();
  entries.forEach((raw, i) => {
    const t = raw as TenantEntry;
    const f = `tenants[${typeof t?.id === "string" ? t.id : i}] (${where})`;
    if (typeof t !== "object" || t === null || typeof t.id !== "string") {
      issues.add(f, raw, "expected an object with an id", "use `npm run tenant -- add <id>` to write entries");
      return;
    }
    issues.check(TENANT_ID.test(t.id), `${f}.id`, t.id, "expected 3-20 characters: a lower-case letter, then letters, digits or hyphens, not ending in a hyphen", 'use e.g. "org-101"');
    issues.check(!RESERVED_TENANT_IDS.includes(t.id), `${f}.id`, t.id, "is a reserved word (it would collide with a stack, hostname or shared resource)", "choose another id");
    issues.check(!seen.has(t.id) && !shardIds.has(t.id), `${f}.id`, t.id, "duplicate id: each tenant needs its own", "choose another id");
    seen.add(t.id);
    issues.check(t.decommission === undefined || typeof t.decommission === "boolean", `${f}.decommission`, t.decommission, "expected true or false", "use `npm run tenant -- remove` to set it");
    issues.check(typeof t.name === "string" && t.name.trim().length > 0 && t.name.length <= 100, `${f}.name`, t.name, "expected a display name of 1-100 characters", "set the clinic's name");
    issues.check(regions.includes(t.region), `${f}.region`, t.region, `is not a region of phase ${config.phase} (${regions.join(", ")})`, "use a deployed region");
    issues.oneOf(`${f}.instanceClass`, t.instanceClass, DB_INSTANCE_CLASSES);
    validateStorage(f, t, issues, "use a size preset (npm run tenant -- add --size)");
    if (typeof t.service !== "object" || t.service === null) {
      issues.add(`${f}.service`, t.service, "expected the service sizing object", "use a size preset");
      return;
    }
    validateSizing(`${f}.service`, t.service, [engine], issues);
    validateCellConnections(f, t.service, config, issues);
    if (engine === "fargate" || t.slot !== undefined) {
      const key = `${t.region} ${t.slot}`;
      const other = slots.get(key);
      issues.check(
        Number.isInteger(t.slot) && t.slot! > SHARD_SLOTS && other === undefined,
        `${f}.slot`,
        t.slot ?? null,
        other !== undefined
          ? `is also the slot of ${other} in ${t.region}: a slot is a listener rule priority on the region's cell gateway and must be unique per region`
          : t.slot === undefined
            ? "is required on Fargate: it places the tenant on its region's cell gateway (listener rule priority)"
            : `expected a whole number above ${SHARD_SLOTS} (1-${SHARD_SLOTS} are the shards')`,
        other !== undefined || t.slot === undefined
          ? `set a free slot above ${SHARD_SLOTS} for ${t.region} (npm run tenant -- add records the lowest free one); never change a deployed tenant's slot`
          : `set a slot above ${SHARD_SLOTS}`,
      );
      if (Number.isInteger(t.slot) && other === undefined) slots.set(key, t.id);
    }
    cells.push({
      id: t.id,
      name: t.name,
      region: t.region,
      kind: "tenant",
      instanceClass: t.instanceClass,
      allocatedStorageGb: t.allocatedStorageGb,
      maxAllocatedStorageGb: t.maxAllocatedStorageGb,
      service: t.service,
      ...(t.slot !== undefined ? { slot: t.slot } : {}),
      ...(t.decommission === true ? { decommission: true } : {}),
    });
  });
  return cells;
}

/**
 * RDS storage: the allocated size within the storage type's bounds, and the autoscaling ceiling at
 * least 10% above it (RDS refuses a smaller "maximum storage threshold") and within the same bounds.
 */
function validateStorage(f: string, s: { readonly allocatedStorageGb: number; readonly maxAllocatedStorageGb: number }, issues: Issues, fix?: string): void {
  const { min, max } = RDS_POSTGRES_STORAGE_GB[DB_STORAGE_TYPE];
  const allocated = s.allocatedStorageGb;
  const ok = issues.check(
    Number.isInteger(allocated) && allocated >= min && allocated <= max,
    `${f}.allocatedStorageGb`,
    allocated,
    `expected a whole number of GB from ${min} to ${max}: RDS ${DB_STORAGE_TYPE} storage needs at least ${min} GB and holds at most ${max}`,
    fix ?? `set ${min} to ${max}`,
  );
  if (!ok) return;
  const ceiling = s.maxAllocatedStorageGb;
  issues.check(ceiling >= allocated, `${f}.maxAllocatedStorageGb`, ceiling, `must be at least allocatedStorageGb (${allocated})`, fix ?? "raise the autoscaling ceiling");
  if (ceiling >= allocated) {
    issues.check(
      Number.isInteger(ceiling) && ceiling >= Math.ceil((allocated * 11) / 10) && ceiling <= max,
      `${f}.maxAllocatedStorageGb`,
      ceiling,
      `RDS needs the autoscaling ceiling at least 10% above the allocated ${allocated} GB (${Math.ceil((allocated * 11) / 10)}) and at most ${max} GB`,
      fix ?? `set it to ${Math.min(max, Math.ceil(allocated * 1.26))} or more (26% above avoids the "maximum reached" event)`,
    );
  }
}

/** Numbers in a phase config that may be fractional; every other number is a whole, non-negative count, size or duration. */
const FRACTIONAL = /fraction|percent|usd|ratio|utili[sz]ation|factor|weight/i;
/** Keys whose strings (or lists of strings) are IPv4 networks. */
const CIDR_KEY = /cidr|ipv4/i;

/**
 * The phase settings' formats, whichever phase file they are written in: whole numbers, every CIDR
 * list, names AWS and Cloudflare will check at apply (database name and port, subdomains), storage
 * bounds, lifecycle days and the backup schedule.
 */
export function validatePhaseFormats(config: PhaseConfig, deployment: DeploymentInputs, issues: Issues): void {
  const p = `phase${config.phase}`;
  const walk = (value: unknown, at: string, key: string): void => {
    if (typeof value === "number") {
      if (FRACTIONAL.test(key)) {
        issues.check(Number.isFinite(value) && value >= 0, at, value, "expected a non-negative number", "fix the value");
      } else {
        issues.check(Number.isSafeInteger(value) && value >= 0, at, value, "expected a whole number, 0 or more (a count, size or duration)", `use a whole number, e.g. ${Math.max(0, Math.round(Number.isFinite(value) ? value : 0))}`);
      }
    } else if (typeof value === "string" && CIDR_KEY.test(key) && !at.endsWith(".network.cidr") /* checked with the VPC's own rules */) {
      const problem = cidrProblem(value);
      const network = networkOf(value);
      issues.check(problem === undefined, at, value, problem ?? "", network && network !== value ? `use ${network}` : "write a network such as 10.0.0.0/16 (four octets 0-255, a prefix 0-32)");
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${at}[${i}]`, key));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, `${at}.${k}`, k);
    }
  };
  walk(config, p, "");

  const db = config.database;
  const dbNameProblem = postgresDatabaseProblem(db.dbName);
  issues.check(dbNameProblem === undefined, `${p}.database.dbName`, db.dbName, `expected a PostgreSQL database name: ${dbNameProblem}`, 'use e.g. "restartix" (only before the first deploy: RDS creates it once)');
  issues.intRange(`${p}.database.port`, db.port, RDS_PORT_RANGE.min, RDS_PORT_RANGE.max, `RDS accepts ports ${RDS_PORT_RANGE.min}-${RDS_PORT_RANGE.max}; use 5432`);
  for (const region of config.regions) {
    for (const s of region.shards) validateStorage(`${p}.regions[${region.key}].shards[${s.id}]`, s, issues);
  }
  for (const [name, size] of Object.entries(config.enterprise?.sizes ?? {})) validateStorage(`${p}.enterprise.sizes.${name}`, size, issues);

  for (const svc of Object.values(config.services)) {
    const problem = subdomainProblem(svc.subdomain, deployment.domain);
    issues.check(problem === undefined, `${p}.services.${svc.key}.subdomain`, svc.subdomain, `expected a DNS name under ${deployment.domain}: ${problem}`, 'use lower-case letters, digits and hyphens, e.g. "api"');
  }

  const b = config.backups;
  const scheduleProblem = scheduleExpressionProblem(b.schedule);
  issues.check(scheduleProblem === undefined, `${p}.backups.schedule`, b.schedule, `expected an EventBridge Scheduler expression: ${scheduleProblem}`, 'use e.g. "cron(0 3 * * ? *)" (03:00 every day)');
  const zoneProblem = timeZoneProblem(b.scheduleTimezone);
  issues.check(zoneProblem === undefined, `${p}.backups.scheduleTimezone`, b.scheduleTimezone, `expected an IANA time zone: ${zoneProblem}`, 'use e.g. "Europe/Berlin" or "UTC"');
  const rot = config.credentialRotation;
  const rotationProblem = scheduleExpressionProblem(rot.schedule);
  issues.check(rotationProblem === undefined, `${p}.credentialRotation.schedule`, rot.schedule, `expected an EventBridge Scheduler expression: ${rotationProblem}`, 'use e.g. "cron(30 4 1 * ? *)" (04:30 on the 1st of every month)');
  issues.check(
    rotationProblem !== undefined || rot.schedule.startsWith("cron("),
    `${p}.credentialRotation.schedule`,
    rot.schedule,
    "expected a recurring cron expression (a rate drifts with each deploy, an at() runs once)",
    'use e.g. "cron(30 4 1 * ? *)"',
  );
  const rotationZoneProblem = timeZoneProblem(rot.scheduleTimezone);
  issues.check(rotationZoneProblem === undefined, `${p}.credentialRotation.scheduleTimezone`, rot.scheduleTimezone, `expected an IANA time zone: ${rotationZoneProblem}`, 'use e.g. "Europe/Berlin" or "UTC"');
  issues.intRange(`${p}.registry.untaggedExpireDays`, config.registry.untaggedExpireDays, 1, 36500, "ECR lifecycle rules count from 1 day");
  issues.intRange(`${p}.registry.keepTaggedImages`, config.registry.keepTaggedImages, 1, 10000, "keep at least 1 image (the running one)");
}

/** HTTP header names (RFC 9110 tokens). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * origin_header_kept_rules: request header transform rules as npm run discover prints them, e.g.
 * `[{ description = "...", expression = "...", enabled = true, headers = { "X-Name" = { operation = "set", value = "v" } } }]`.
 */
export function keptHeaderRules(raw: TfvarsValue | undefined, field: (path: string) => string, issues: Issues): KeptHeaderRule[] {
  const example = 'origin_header_kept_rules = [{ description = "...", expression = "true", enabled = true, headers = { "X-Name" = { operation = "set", value = "v" } } }]';
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    issues.add(field(""), raw, "expected a list of rules", `write ${example} (or []), as npm run discover prints it`);
    return [];
  }
  const out: KeptHeaderRule[] = [];
  raw.forEach((item, i) => {
    const at = (sub: string) => field(`[${i}]${sub}`);
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      issues.add(at(""), item, "expected a rule object", `write ${example}`);
      return;
    }
    const rule = item as Record<string, TfvarsValue>;
    const known = ["description", "expression", "enabled", "headers"];
    for (const k of Object.keys(rule)) issues.check(known.includes(k), at(`.${k}`), rule[k], "is not a field of a kept rule", `use only ${known.join(", ")}`);
    const expression = rule.expression;
    issues.check(typeof expression === "string" && expression.trim() !== "", at(".expression"), expression ?? null, "expected the rule's Rules language expression (a non-empty string)", 'copy it from npm run discover, or write expression = "true" for every request');
    const description = rule.description ?? "";
    issues.check(typeof description === "string", at(".description"), description, "expected a string", 'write description = "..."');
    const enabled = rule.enabled ?? true;
    issues.check(typeof enabled === "boolean", at(".enabled"), enabled, "expected true or false (unquoted)", "write enabled = true");
    const headersRaw = rule.headers;
    const headers: Record<string, HeaderOperation> = {};
    if (typeof headersRaw !== "object" || headersRaw === null || Array.isArray(headersRaw) || Object.keys(headersRaw).length === 0) {
      issues.add(at(".headers"), headersRaw ?? null, "expected a map of header name to operation", 'write headers = { "X-Name" = { operation = "set", value = "v" } }');
    } else {
      for (const [name, opRaw] of Object.entries(headersRaw as Record<string, TfvarsValue>)) {
        const hat = (sub = "") => at(`.headers["${name}"]${sub}`);
        issues.check(HEADER_NAME.test(name), hat(), name, "expected an HTTP header name", "use the header's name as Cloudflare shows it (letters, digits, dashes)");
        const op = (typeof opRaw === "object" && opRaw !== null && !Array.isArray(opRaw) ? opRaw : {}) as Record<string, TfvarsValue>;
        const operation = op.operation;
        issues.oneOf(hat(".operation"), operation as string, ["set", "remove"], 'write operation = "set" (with value or expression) or operation = "remove"');
        const value = op.value;
        const expr = op.expression;
        if (operation === "set") {
          issues.check(
            (typeof value === "string") !== (typeof expr === "string"),
            hat(),
            opRaw,
            "a set operation needs exactly one of value (static) or expression (dynamic)",
            'write { operation = "set", value = "v" } or { operation = "set", expression = "ip.src" }',
          );
        } else if (operation === "remove") {
          issues.check(value === undefined && expr === undefined, hat(), opRaw, "a remove operation takes no value or expression", 'write { operation = "remove" }');
        }
        headers[name] = {
          operation: operation === "remove" ? "remove" : "set",
          ...(typeof value === "string" ? { value } : {}),
          ...(typeof expr === "string" ? { expression: expr } : {}),
        };
      }
    }
    out.push({ description: typeof description === "string" ? description : "", expression: typeof expression === "string" ? expression : "", enabled: enabled !== false, headers });
  });
  return out;
}
