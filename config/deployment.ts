import * as fs from "fs";
import * as path from "path";
import { BackendKind, ComputeEngine, CutoverTarget, PhaseNumber, ServiceKey } from "../phases/types";
import type { ProductionPeer } from "./environment";
import { ConfigError } from "./errors";
import { parseTfvars, TfvarsValue } from "./tfvars";

/**
 * Inputs that differ per deployment and are not secret. They live in one place: deployment.tfvars
 * at the repository root (git-ignored), whose template terraform.tfvars.example lists every field
 * below with an example value. Provider credentials never appear here: they come from the
 * environment (AWS_*, CLOUDFLARE_API_TOKEN, GITHUB_TOKEN).
 */
export interface Cutover {
  readonly target: CutoverTarget;
  readonly railwayOrigin: string;
}

/** Sub-resources of the adopted uploads bucket that this code manages (each one an import when it exists). */
export const UPLOADS_SETTINGS = ["public_access_block", "ownership", "versioning", "encryption", "policy", "lifecycle", "logging"] as const;
export type UploadsSetting = (typeof UPLOADS_SETTINGS)[number];

/**
 * Objects that already exist in a Railway-era account and zone, adopted with `import` blocks
 * instead of created (creating them fails or silently overwrites them). Empty means "create".
 * `npm run discover` lists the values to put here.
 */
export interface Adoption {
  /** Cloudflare DNS record ids of the public hostnames that already exist, by service. */
  readonly records: Readonly<Partial<Record<ServiceKey, string>>>;
  /** Ids of the zone's existing entry-point rulesets (one per phase per zone). */
  readonly rulesets: {
    /** @default - created (no existing http_request_firewall_managed entry point to adopt) */
    readonly managed?: string;
    /** @default - created (no existing http_request_firewall_custom entry point to adopt) */
    readonly custom?: string;
    /** @default - created (no existing http_ratelimit entry point to adopt) */
    readonly rateLimit?: string;
    /** @default - created (no existing http_config_settings entry point to adopt) */
    readonly config?: string;
    /**
     * The zone's http_request_late_transform entry point (the origin header rule joins it).
     * @default - created (no existing http_request_late_transform entry point to adopt)
     */
    readonly originHeader?: string;
  };
  /**
   * The adopted rulesets' current names, by the same keys as `rulesets`. Cloudflare provider 5.x
   * replaces a ruleset whose name changes (delete, then create: a window without the WAF, the rate
   * limits or the origin header), so an adopted ruleset keeps the name it has in the zone.
   */
  readonly rulesetNames: {
    /** @default "RestartiX managed WAF" */
    readonly managed?: string;
    /** @default "RestartiX custom rules" */
    readonly custom?: string;
    /** @default "RestartiX rate limits" */
    readonly rateLimit?: string;
    /** @default "RestartiX configuration rules" */
    readonly config?: string;
    /** @default "RestartiX origin header" */
    readonly originHeader?: string;
  };
  /**
   * The rules the adopted http_request_late_transform entry point already holds (request header
   * transform rules made in the dashboard): a ruleset is one resource, so they are declared here
   * and kept, in front of the origin header rule, instead of being deleted by the first deploy.
   */
  readonly keptLateTransformRules: readonly KeptHeaderRule[];
  /**
   * ARN of the account's existing GitHub OIDC provider (one per URL per account).
   * @default - the delivery stack creates the account's GitHub OIDC provider
   */
  readonly githubOidcProviderArn?: string;
  /** Settings the existing uploads bucket already has: imported, then changed in place by the plan. */
  readonly uploadsSettings: readonly UploadsSetting[];
}

/** One header operation of a request header transform rule (Cloudflare: action_parameters.headers). */
export interface HeaderOperation {
  readonly operation: "set" | "remove";
  /**
   * A static value (operation "set").
   * @default - none: a "set" needs exactly one of value and expression (validation refuses both or neither)
   */
  readonly value?: string;
  /**
   * A Rules language expression (operation "set", dynamic).
   * @default - none: a "set" needs exactly one of value and expression (validation refuses both or neither)
   */
  readonly expression?: string;
}

/** A request header transform rule of the zone, kept when its entry point is adopted. */
export interface KeptHeaderRule {
  readonly description: string;
  readonly expression: string;
  readonly enabled: boolean;
  readonly headers: Readonly<Record<string, HeaderOperation>>;
}

/** Account-level controls; each can be left to the AWS Organization that already provides it. */
export interface AuditControls {
  readonly cloudtrail: boolean;
  readonly guardduty: boolean;
  readonly config: boolean;
  readonly securityHub: boolean;
}

/** How the "> 3 consecutive health check failures" alarm probes the services. */
export type HealthProbe = "canary" | "route53";
export const HEALTH_PROBES: readonly HealthProbe[] = ["canary", "route53"];

/**
 * Where a Redis cache stands on the way to enforced AUTH (docs/data-and-backups.md, "Redis AUTH on
 * a cache created without it"): `enforced` (a cache this code created: AUTH required from its
 * creation; token changes use ROTATE), `add-token` (an existing cache without AUTH: the token is
 * added with ROTATE, and clients without it still connect until the next step), `enforce` (the
 * same token sent again with SET: from then on a client without it gets NOAUTH).
 */
export type RedisAuth = "enforced" | "add-token" | "enforce";
export const REDIS_AUTH: readonly RedisAuth[] = ["enforced", "add-token", "enforce"];

/**
 * Which copy of the platform a deployment is: production (the default; its names, state keys and
 * addresses are the ones deployed since phase 1) or staging (its own names for everything; docs/staging.md).
 */
export type Environment = "production" | "staging";
export const ENVIRONMENTS: readonly Environment[] = ["production", "staging"];
export const DEFAULT_ENVIRONMENT: Environment = "production";

export interface DeploymentInputs {
  /** production | staging. @default "production" */
  readonly environment: Environment;
  /** Staging only: the production it stands beside (config/environment.ts). @default - undefined in production */
  readonly production?: ProductionPeer;
  readonly accountId: string;
  readonly alertEmail: string;
  readonly domain: string;
  readonly cloudflareZoneId: string;
  readonly cloudflareAccountId: string;
  readonly githubOwner: string;
  readonly githubRepository: string;
  readonly stateBucket: string;
  readonly tfcOrganization: string;
  readonly backend: BackendKind;
  readonly compute: ComputeEngine;
  /** A second engine kept running beside `compute` while traffic moves between them. @default - none: one engine only (`compute`) */
  readonly computeStandby?: ComputeEngine;
  readonly phase: PhaseNumber;
  readonly cutover: Readonly<Record<ServiceKey, Cutover>>;
  /** The account and zone already run RestartiX (the document's Railway era): adopt what exists. */
  readonly existingPlatform: boolean;
  readonly adoption: Adoption;
  readonly audit: AuditControls;
  readonly healthProbe: HealthProbe;
  /** Apply SSL strict, minimum TLS and always-HTTPS to the whole zone instead of the API hostnames only. */
  readonly zoneWideTls: boolean;
  /** The Redis caches' step towards enforced AUTH (REDIS_AUTH). */
  readonly redisAuth: RedisAuth;
}

/**
 * The engine of a deployment whose inputs name none. App Runner was the default until 2026-12-07;
 * AWS closed it to new customers on 2026-04-30, so a new account can only run Fargate.
 */
export const DEFAULT_COMPUTE: ComputeEngine = "fargate";
/** Why the default is Fargate, for messages (npm start, errors). */
export const COMPUTE_DEFAULT_REASON =
  'AWS App Runner accepts no new customers since 2026-04-30 (AWS\'s "App Runner availability change" notice); compute = "apprunner" stays for accounts that already run App Runner';

export interface InputField {
  readonly name: string;
  readonly description: string;
  readonly example: string | number | boolean | readonly string[];
  /** Value used when the file leaves the field out; fields without one are required. @default - none: the field is required */
  readonly default?: string | number | boolean | readonly string[];
}

/** Every deployment input, in the order terraform.tfvars.example lists them. */
export const INPUT_FIELDS: readonly InputField[] = [
  { name: "account_id", description: "AWS account id (12 digits); providers refuse any other account", example: "123456789012" },
  { name: "alert_email", description: "Address subscribed to restartix-alerts and the budget", example: "alerts@example.com" },
  { name: "domain", description: "Apex domain of the Cloudflare zone (api.<domain> is the API)", example: "example.com" },
  {
    name: "cloudflare_zone_id",
    description: "Cloudflare zone id of the domain (32 hex characters)",
    example: "023e105f4ecef8ad9ca31a8372d0c353",
  },
  {
    name: "cloudflare_account_id",
    description: "Cloudflare account id (32 hex characters; phase 4 Worker)",
    example: "01a7362d577a6c3019a474fd6f485823",
  },
  { name: "github_owner", description: "Owner of the application repository", example: "restartix" },
  { name: "github_repository", description: "Name of the application repository (Go APIs, Dockerfiles)", example: "restartix-platform" },
  {
    name: "state_bucket",
    description: "S3 bucket of the Terraform state (created by the bootstrap stack)",
    example: "restartix-terraform-state-123456789012",
  },
  {
    name: "tfc_organization",
    description: 'HCP Terraform / Terraform Cloud organization (backend = "cloud")',
    example: "restartix",
    default: "",
  },
  { name: "backend", description: "Where state lives: s3 | cloud | local", example: "s3", default: "s3" },
  {
    name: "compute",
    description:
      "Compute engine: fargate | apprunner. Fargate is the default: AWS App Runner accepts no new customers since 2026-04-30 (AWS's App Runner availability change notice). Keep apprunner only if this account already runs App Runner; once a backend or existing_platform is set, this field is required (a changed default never switches an engine)",
    example: "fargate",
    default: DEFAULT_COMPUTE,
  },
  {
    name: "compute_standby",
    description: 'During an engine migration only: the other engine, kept running beside compute ("" otherwise)',
    example: "",
    default: "",
  },
  { name: "phase", description: "Growth phase this deployment is in: 1..4", example: 1, default: 1 },
  {
    name: "environment",
    description: "Which copy of the platform this is: production | staging (its own names, state keys and hostnames; docs/staging.md)",
    example: "production",
    default: DEFAULT_ENVIRONMENT,
  },
  {
    name: "production_account_id",
    description:
      "Staging only: production's AWS account id (account_id when staging shares production's account; then the manage_* singletons must be false). \"\" in production",
    example: "",
    default: "",
  },
  {
    name: "production_cloudflare_zone_id",
    description:
      "Staging only: production's Cloudflare zone id; staging's cloudflare_zone_id must be another zone (one entry-point ruleset per zone and phase). \"\" in production",
    example: "",
    default: "",
  },
  {
    name: "core_target",
    description: "Where api.<domain> points: railway | aws (the cutover switch)",
    example: "railway",
    default: "railway",
  },
  {
    name: "core_railway_origin",
    description: "Core API hostname on Railway (today's origin)",
    example: "restartix-core-api.up.railway.app",
  },
  { name: "telemetry_target", description: "Where the telemetry hostname points: railway | aws", example: "railway", default: "railway" },
  { name: "telemetry_railway_origin", description: "Telemetry API hostname on Railway", example: "restartix-telemetry-api.up.railway.app" },
  {
    name: "existing_platform",
    description:
      "The zone and account already run RestartiX on Railway: adopt existing records, rulesets, OIDC provider and uploads bucket settings (npm run discover lists their ids)",
    example: true,
    default: true,
  },
  {
    name: "core_record_id",
    description: 'Cloudflare DNS record id of the existing api.<domain> record ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "telemetry_record_id",
    description: 'Cloudflare DNS record id of the existing telemetry.<domain> record ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "waf_managed_ruleset_id",
    description: 'Id of the zone\'s existing http_request_firewall_managed entry-point ruleset ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "waf_managed_ruleset_name",
    description:
      "Current name of that http_request_firewall_managed ruleset, kept when it is adopted (a new name replaces the ruleset; npm run discover prints it)",
    example: "",
    default: "",
  },
  {
    name: "waf_custom_ruleset_id",
    description: 'Id of the zone\'s existing http_request_firewall_custom entry-point ruleset ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "waf_custom_ruleset_name",
    description:
      "Current name of that http_request_firewall_custom ruleset, kept when it is adopted (a new name replaces the ruleset; npm run discover prints it)",
    example: "",
    default: "",
  },
  {
    name: "rate_limit_ruleset_id",
    description: 'Id of the zone\'s existing http_ratelimit entry-point ruleset ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "rate_limit_ruleset_name",
    description:
      "Current name of that http_ratelimit ruleset, kept when it is adopted (a new name replaces the ruleset; npm run discover prints it)",
    example: "",
    default: "",
  },
  {
    name: "config_rules_ruleset_id",
    description: 'Id of the zone\'s existing http_config_settings entry-point ruleset (configuration rules; "" to create it)',
    example: "",
    default: "",
  },
  {
    name: "config_rules_ruleset_name",
    description:
      "Current name of that http_config_settings ruleset, kept when it is adopted (a new name replaces the ruleset; npm run discover prints it)",
    example: "",
    default: "",
  },
  {
    name: "origin_header_ruleset_id",
    description:
      'Id of the zone\'s existing http_request_late_transform entry-point ruleset, which gets the origin header rule ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "origin_header_ruleset_name",
    description:
      "Current name of that http_request_late_transform ruleset, kept when it is adopted (a new name replaces the ruleset; npm run discover prints it)",
    example: "",
    default: "",
  },
  {
    name: "origin_header_kept_rules",
    description:
      "The adopted http_request_late_transform entry point's own request header rules, kept in front of the origin header rule (npm run discover prints them)",
    example: [],
    default: [],
  },
  {
    name: "github_oidc_provider_arn",
    description: 'ARN of the account\'s existing GitHub OIDC provider ("" to create it)',
    example: "",
    default: "",
  },
  {
    name: "uploads_existing_settings",
    description:
      "Settings the existing uploads bucket already has, imported before they change: public_access_block, ownership, versioning, encryption, policy, lifecycle, logging",
    example: [],
    default: [],
  },
  {
    name: "manage_cloudtrail",
    description: "Create the multi-region CloudTrail trail (false when an organization trail already covers this account)",
    example: true,
    default: true,
  },
  {
    name: "manage_guardduty",
    description: "Create GuardDuty detectors (false when a delegated GuardDuty administrator manages this account)",
    example: true,
    default: true,
  },
  {
    name: "manage_config",
    description: "Create the AWS Config recorder and delivery channel (false when the organization already records this account)",
    example: true,
    default: true,
  },
  {
    name: "manage_security_hub",
    description: "Enable Security Hub with AWS Foundational Security Best Practices (false when a delegated administrator does)",
    example: true,
    default: true,
  },
  {
    name: "health_probe",
    description: "How the unhealthy alarm probes the services: canary (CloudWatch Synthetics) | route53 (health checks)",
    example: "canary",
    default: "canary",
  },
  {
    name: "zone_wide_tls",
    description: "Apply SSL strict, minimum TLS and always-HTTPS to every hostname of the zone (false: the API hostnames only)",
    example: false,
    default: false,
  },
  {
    name: "redis_auth",
    description:
      "Redis AUTH: enforced (caches created by this code) | add-token then enforce (a cache that exists without AUTH; docs/data-and-backups.md)",
    example: "enforced",
    default: "enforced",
  },
];

export interface LoadedInputs {
  /** Raw values by field name, before validation (config/validate.ts checks them all). */
  readonly values: Readonly<Record<string, TfvarsValue>>;
  readonly file: string;
  /** True when deployment.tfvars is missing and the example file was used (synth only). */
  readonly usingExample: boolean;
  /** The fields the file itself names (before defaults): a default never stands in for `compute` on a deployed account. */
  readonly named: readonly string[];
}

export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..");

/**
 * The deployment inputs file at the repository root. Not `terraform.tfvars`: cdktf-cli passes a
 * terraform.tfvars (and any *.auto.tfvars) of the project directory to every `terraform plan/apply`
 * it runs as `-var-file`, and the stacks declare no variables, so `cdktf diff/deploy` printed
 * "Value for undeclared variable" for every input.
 */
export const INPUTS_FILE = "deployment.tfvars";
/** The name used before; still read (with a warning) when deployment.tfvars does not exist. */
export const LEGACY_INPUTS_FILE = "terraform.tfvars";
/** Staging's inputs file, read when the environment is staging and no --vars is given (else staging.tfvars.example). */
const STAGING_INPUTS_FILE = "staging.tfvars";
let legacyWarned = false;

export function loadInputs(file?: string, environment?: string): LoadedInputs {
  const explicit = file !== undefined;
  // --environment staging (or ENVIRONMENT=staging) without --vars reads staging's own file, never
  // production's deployment.tfvars (docs/staging.md).
  const staging = environment === "staging";
  let chosen = file ?? path.join(ROOT, staging ? STAGING_INPUTS_FILE : INPUTS_FILE);
  const legacy = path.join(ROOT, LEGACY_INPUTS_FILE);
  if (!explicit && !staging && isMissing(chosen) && !isMissing(legacy)) {
    chosen = legacy;
    if (!legacyWarned) {
      legacyWarned = true;
      process.stderr.write(
        `warning: reading the deployment inputs from ${LEGACY_INPUTS_FILE}; rename it: mv ${LEGACY_INPUTS_FILE} ${INPUTS_FILE}\n` +
          `         (cdktf diff/deploy pass a ${LEGACY_INPUTS_FILE} to terraform, which warns about every input as an undeclared variable)\n`,
      );
    }
  }
  if (!explicit && isMissing(chosen)) {
    const example = path.join(ROOT, staging ? `${STAGING_INPUTS_FILE}.example` : "terraform.tfvars.example");
    const raw = parseTfvars(readInputsFile(example), example);
    return { values: withDefaults(raw), file: example, usingExample: true, named: Object.keys(raw) };
  }
  const raw = parseTfvars(readInputsFile(chosen), chosen);
  return { values: withDefaults(raw), file: chosen, usingExample: false, named: Object.keys(raw) };
}

/** Nothing at all at the path (a broken symlink is something: it is reported, not skipped). */
function isMissing(file: string): boolean {
  try {
    fs.lstatSync(file);
    return false;
  } catch {
    return true;
  }
}

/** The text of an inputs file; every way it can fail is a ConfigError naming the file and the fix. */
function readInputsFile(file: string): string {
  const field = `deployment inputs (${path.basename(file)})`;
  const fail = (problem: string, fix: string): never => {
    throw new ConfigError([{ field, value: file, problem, fix }]);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !isMissing(file)) {
      return fail(
        `is a symbolic link to ${fs.readlinkSync(file)}, which does not exist`,
        "point the link at your inputs file, or replace it with a copy of terraform.tfvars.example",
      );
    }
    if (code === "ENOENT") return fail("does not exist", "pass the path of your inputs file, or copy terraform.tfvars.example to it");
    return fail(`cannot be read (${code ?? (e as Error).message})`, "check the path and its permissions");
  }
  if (stat.isDirectory()) return fail("is a directory, not a file", "pass the path of the deployment.tfvars file itself");
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    return fail(
      `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      "check the file's permissions (it must be readable by you)",
    );
  }
}

function withDefaults(values: Record<string, TfvarsValue>): Record<string, TfvarsValue> {
  const out: Record<string, TfvarsValue> = { ...values };
  for (const field of INPUT_FIELDS) {
    if (!(field.name in out) && field.default !== undefined) out[field.name] = field.default;
  }
  return out;
}

/** The terraform.tfvars.example text, generated from INPUT_FIELDS (a test keeps the file in sync). */
export function renderExample(): string {
  const lines = [
    "# Deployment inputs: copy to deployment.tfvars (git-ignored) and fill in. Not terraform.tfvars:",
    "# cdktf diff/deploy would pass that file to terraform, which warns about every input.",
    "# None of these is secret. Credentials come from the environment only:",
    "#   AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, CLOUDFLARE_API_TOKEN, GITHUB_TOKEN.",
    "",
  ];
  for (const f of INPUT_FIELDS) {
    lines.push(`# ${f.description}${f.default !== undefined ? ` (default ${JSON.stringify(f.default)})` : ""}`);
    lines.push(
      `${f.name} = ${typeof f.example === "string" ? JSON.stringify(f.example) : Array.isArray(f.example) ? `[${f.example.map((x) => JSON.stringify(x)).join(", ")}]` : String(f.example)}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The engines a deployment runs: its engine, then the standby one during a migration. */
export function computeEngines(d: Pick<DeploymentInputs, "compute" | "computeStandby">): ComputeEngine[] {
  return d.computeStandby ? [d.compute, d.computeStandby] : [d.compute];
}

/**
 * Local state files of stacks other than bootstrap (backend = "local" writes terraform.<stack>.tfstate
 * at the repository root): their presence means this checkout has deployed.
 */
export function localStateFiles(root: string = ROOT): string[] {
  try {
    return fs
      .readdirSync(root)
      .filter(
        (f) => /^terraform\..+\.tfstate$/.test(f) && f !== "terraform.bootstrap.tfstate" && f !== "terraform.staging-bootstrap.tfstate",
      );
  } catch {
    return [];
  }
}
