import * as path from "path";
import { BackendKind, ComputeEngine, CutoverTarget, PhaseNumber } from "../phases/types";
import {
  Adoption,
  AuditControls,
  COMPUTE_DEFAULT_REASON,
  DeploymentInputs,
  Environment,
  ENVIRONMENTS,
  HEALTH_PROBES,
  HealthProbe,
  HeaderOperation,
  INPUT_FIELDS,
  KeptHeaderRule,
  REDIS_AUTH,
  RedisAuth,
  UPLOADS_SETTINGS,
  UploadsSetting,
} from "./deployment";
import { validateEnvironment } from "./environment";
import { Issues } from "./errors";
import { dnsLabelProblem, githubOwnerProblem, githubRepositoryProblem, s3BucketProblem, tfcOrganizationProblem } from "./formats";
import { TfvarsValue } from "./tfvars";

export const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HEX32 = /^[0-9a-f]{32}$/;

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
    return sources[name] === undefined && typeof v === "string" && /^(-?\d+(\.\d+)?|true|false)$/.test(v.trim())
      ? `drop the quotes: ${name} = ${v.trim()}`
      : undefined;
  };
  const str = (name: string): string => {
    const v = values[name];
    if (v === undefined) {
      issues.add(where(name), null, "is required", `add ${name} = "..." to ${path.basename(file)} (see terraform.tfvars.example)`);
      return "";
    }
    if (typeof v !== "string") {
      issues.add(
        where(name),
        v,
        "expected a quoted string",
        typeof v === "object" ? `write ${name} = "..." (one quoted string)` : `write ${name} = "${String(v)}"`,
      );
      return String(v);
    }
    return v;
  };
  const known = new Set(INPUT_FIELDS.map((f) => f.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name))
      issues.add(where(name), values[name], "is not a known input", "remove it or fix its spelling (see terraform.tfvars.example)");
  }

  const accountId = str("account_id");
  issues.check(
    /^\d{12}$/.test(accountId),
    where("account_id"),
    accountId,
    "expected a 12-digit AWS account id",
    "copy it from the AWS console's account menu",
  );
  const alertEmail = str("alert_email");
  issues.check(
    EMAIL.test(alertEmail),
    where("alert_email"),
    alertEmail,
    "expected an email address",
    'set alert_email = "ops@your-clinic.com"',
  );
  const domain = str("domain");
  const badDomain = domainProblem(domain);
  if (badDomain)
    issues.add(
      where("domain"),
      domain,
      `expected a lower-case domain name (the Cloudflare zone, e.g. restartix.com): ${badDomain.why}`,
      badDomain.fix,
    );
  const zone = str("cloudflare_zone_id");
  issues.check(
    HEX32.test(zone),
    where("cloudflare_zone_id"),
    zone,
    "expected 32 lower-case hex characters",
    "copy the Zone ID from the Cloudflare dashboard's overview page",
  );
  const cfAccount = str("cloudflare_account_id");
  issues.check(
    HEX32.test(cfAccount),
    where("cloudflare_account_id"),
    cfAccount,
    "expected 32 lower-case hex characters",
    "copy the Account ID from the Cloudflare dashboard",
  );
  const owner = str("github_owner");
  const ownerProblem = githubOwnerProblem(owner);
  issues.check(
    ownerProblem === undefined,
    where("github_owner"),
    owner,
    `expected a GitHub user or organization name: ${ownerProblem}`,
    "use the part after github.com/ (e.g. restartix)",
  );
  const repo = str("github_repository");
  const repoProblem = githubRepositoryProblem(repo);
  issues.check(
    repoProblem === undefined,
    where("github_repository"),
    repo,
    `expected a repository name: ${repoProblem}`,
    "use the repository name only, as in github.com/<owner>/<name>, without the owner or .git",
  );
  const stateBucket = str("state_bucket");
  const bucketProblem = s3BucketProblem(stateBucket);
  issues.check(
    bucketProblem === undefined,
    where("state_bucket"),
    stateBucket,
    `expected an S3 bucket name: ${bucketProblem}`,
    'set state_bucket = "restartix-terraform-state-<account id>"',
  );
  const tfcOrganization = str("tfc_organization");
  if (tfcOrganization !== "") {
    const orgProblem = tfcOrganizationProblem(tfcOrganization);
    issues.check(
      orgProblem === undefined,
      where("tfc_organization"),
      tfcOrganization,
      `expected an HCP Terraform organization name: ${orgProblem}`,
      "copy the organization's name from app.terraform.io (Settings, General)",
    );
  }
  const backend = str("backend") as BackendKind;
  issues.oneOf(where("backend"), backend, ["s3", "cloud", "local"] as BackendKind[], 'set backend = "s3" (or pass --backend)');
  if (backend === "cloud") {
    issues.check(
      tfcOrganization !== "",
      where("tfc_organization"),
      tfcOrganization,
      'is required when backend = "cloud"',
      "set tfc_organization to your HCP Terraform organization",
    );
  }
  const environment = str("environment") as Environment;
  issues.oneOf(where("environment"), environment, ENVIRONMENTS, 'set environment = "production" or "staging" (or pass --environment)');
  const production = validateEnvironment(values, where, environment, issues);
  const compute = str("compute") as ComputeEngine;
  issues.oneOf(
    where("compute"),
    compute,
    ["apprunner", "fargate"] as ComputeEngine[],
    'set compute = "fargate" or "apprunner" (or pass --compute)',
  );
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
    issues.oneOf(
      where("compute_standby"),
      computeStandby,
      ["apprunner", "fargate"] as ComputeEngine[],
      'set compute_standby = "" (or the engine you are moving away from)',
    );
    issues.check(
      computeStandby !== compute,
      where("compute_standby"),
      computeStandby,
      `is the same engine as compute`,
      'set compute_standby = "" or to the other engine',
    );
  }
  const phase = values.phase as PhaseNumber;
  issues.oneOf(
    where("phase"),
    phase,
    [1, 2, 3, 4] as PhaseNumber[],
    unquoteFix("phase") ??
      (sources.phase === "PHASE"
        ? "set PHASE=1, 2, 3 or 4, or unset it to use deployment.tfvars"
        : sources.phase
          ? `pass ${sources.phase} 1, 2, 3 or 4`
          : "set phase = 1, 2, 3 or 4 (or pass --phase)"),
  );

  const cutover = (key: "core" | "telemetry") => {
    const target = str(`${key}_target`) as CutoverTarget;
    issues.oneOf(
      where(`${key}_target`),
      target,
      ["railway", "aws"] as CutoverTarget[],
      `set ${key}_target = "railway" before the cutover and "aws" after it`,
    );
    const origin = str(`${key}_railway_origin`);
    issues.check(
      HOSTNAME.test(origin),
      where(`${key}_railway_origin`),
      origin,
      "expected a hostname",
      "use the *.up.railway.app hostname of the service (no https://)",
    );
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
      issues.check(
        (UPLOADS_SETTINGS as readonly unknown[]).includes(x),
        where("uploads_existing_settings"),
        x,
        `expected only ${UPLOADS_SETTINGS.join(", ")}`,
        "list only what npm run discover reports for the uploads bucket",
      );
    }
    issues.check(
      new Set(settingsRaw).size === settingsRaw.length,
      where("uploads_existing_settings"),
      settingsRaw,
      "lists a setting twice",
      "list each setting once",
    );
  } else {
    issues.add(
      where("uploads_existing_settings"),
      settingsRaw ?? null,
      "expected a list of setting names",
      'write uploads_existing_settings = ["policy", "lifecycle"] (or [])',
    );
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
      issues.check(
        name === "",
        where(`${prefix}_ruleset_name`),
        name,
        `is set but ${prefix}_ruleset_id is empty: a name is only used when the ruleset is adopted`,
        `set ${prefix}_ruleset_id too (npm run discover prints both), or set ${prefix}_ruleset_name = ""`,
      );
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
  issues.oneOf(
    where("health_probe"),
    healthProbe,
    HEALTH_PROBES,
    'set health_probe = "canary" (about $2 a month per service) or "route53"',
  );
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

/** What is wrong with a `domain` value, and the value to write when one can be read from it. */
function domainProblem(domain: string): { why: string; fix: string } | undefined {
  if (HOSTNAME.test(domain)) return undefined;
  const trimmed = domain.trim();
  const candidate = trimmed
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/[/?#:].*$/, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const fix = HOSTNAME.test(candidate)
    ? `set domain = "${candidate}"`
    : 'set domain to the zone\'s name as the Cloudflare dashboard shows it, e.g. "restartix.com"';
  const why = (() => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return "this is a URL; write the name only, without the scheme or a path";
    if (trimmed !== domain || /\s/.test(domain)) return "it holds spaces";
    if (/[/?#]/.test(domain)) return "it has a path; write the name only";
    if (domain.includes(":")) return "it has a port; write the name only";
    if (domain.endsWith(".")) return "it ends in a dot; write it without the root dot";
    if (domain !== domain.toLowerCase()) return "it has upper-case letters";
    if (domain.length > 253) return `it has ${domain.length} characters, above DNS's 253`;
    if (!domain.includes(".")) return "it has one label; a zone is at least name.tld";
    for (const label of domain.split(".")) {
      const problem = dnsLabelProblem(label);
      if (problem) return `${JSON.stringify(label)}: ${problem}`;
    }
    return "its last label (the top-level domain) is 2-63 letters";
  })();
  return { why, fix };
}

/** HTTP header names (RFC 9110 tokens). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * origin_header_kept_rules: request header transform rules as npm run discover prints them, e.g.
 * `[{ description = "...", expression = "...", enabled = true, headers = { "X-Name" = { operation = "set", value = "v" } } }]`.
 */
function keptHeaderRules(raw: TfvarsValue | undefined, field: (path: string) => string, issues: Issues): KeptHeaderRule[] {
  const example =
    'origin_header_kept_rules = [{ description = "...", expression = "true", enabled = true, headers = { "X-Name" = { operation = "set", value = "v" } } }]';
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
    for (const k of Object.keys(rule))
      issues.check(known.includes(k), at(`.${k}`), rule[k], "is not a field of a kept rule", `use only ${known.join(", ")}`);
    const expression = rule.expression;
    issues.check(
      typeof expression === "string" && expression.trim() !== "",
      at(".expression"),
      expression ?? null,
      "expected the rule's Rules language expression (a non-empty string)",
      'copy it from npm run discover, or write expression = "true" for every request',
    );
    const description = rule.description ?? "";
    issues.check(typeof description === "string", at(".description"), description, "expected a string", 'write description = "..."');
    const enabled = rule.enabled ?? true;
    issues.check(typeof enabled === "boolean", at(".enabled"), enabled, "expected true or false (unquoted)", "write enabled = true");
    const headersRaw = rule.headers;
    const headers: Record<string, HeaderOperation> = {};
    if (typeof headersRaw !== "object" || headersRaw === null || Array.isArray(headersRaw) || Object.keys(headersRaw).length === 0) {
      issues.add(
        at(".headers"),
        headersRaw ?? null,
        "expected a map of header name to operation",
        'write headers = { "X-Name" = { operation = "set", value = "v" } }',
      );
    } else {
      for (const [name, opRaw] of Object.entries(headersRaw as Record<string, TfvarsValue>)) {
        const hat = (sub = "") => at(`.headers["${name}"]${sub}`);
        issues.check(
          HEADER_NAME.test(name),
          hat(),
          name,
          "expected an HTTP header name",
          "use the header's name as Cloudflare shows it (letters, digits, dashes)",
        );
        const op = (typeof opRaw === "object" && opRaw !== null && !Array.isArray(opRaw) ? opRaw : {}) as Record<string, TfvarsValue>;
        const operation = op.operation;
        issues.oneOf(
          hat(".operation"),
          operation as string,
          ["set", "remove"],
          'write operation = "set" (with value or expression) or operation = "remove"',
        );
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
          issues.check(
            value === undefined && expr === undefined,
            hat(),
            opRaw,
            "a remove operation takes no value or expression",
            'write { operation = "remove" }',
          );
        }
        headers[name] = {
          operation: operation === "remove" ? "remove" : "set",
          ...(typeof value === "string" ? { value } : {}),
          ...(typeof expr === "string" ? { expression: expr } : {}),
        };
      }
    }
    out.push({
      description: typeof description === "string" ? description : "",
      expression: typeof expression === "string" ? expression : "",
      enabled: enabled !== false,
      headers,
    });
  });
  return out;
}
