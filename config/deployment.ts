import * as fs from "fs";
import * as path from "path";
import { BackendKind, ComputeEngine, CutoverTarget, PhaseNumber, ServiceKey } from "../phases/types";
import { parseTfvars, TfvarsValue } from "./tfvars";

/**
 * Inputs that differ per deployment and are not secret. They live in one place: terraform.tfvars
 * at the repository root (git-ignored), whose template terraform.tfvars.example lists every field
 * below with an example value. Provider credentials never appear here: they come from the
 * environment (AWS_*, CLOUDFLARE_API_TOKEN, GITHUB_TOKEN).
 */
export interface Cutover {
  readonly target: CutoverTarget;
  readonly railwayOrigin: string;
}

export interface DeploymentInputs {
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
  /** A second engine kept running beside `compute` while traffic moves between them. */
  readonly computeStandby?: ComputeEngine;
  readonly phase: PhaseNumber;
  readonly cutover: Readonly<Record<ServiceKey, Cutover>>;
}

export interface InputField {
  readonly name: string;
  readonly description: string;
  readonly example: string | number;
  /** Value used when the file leaves the field out; fields without one are required. */
  readonly default?: string | number;
}

/** Every deployment input, in the order terraform.tfvars.example lists them. */
export const INPUT_FIELDS: readonly InputField[] = [
  { name: "account_id", description: "AWS account id (12 digits); providers refuse any other account", example: "123456789012" },
  { name: "alert_email", description: "Address subscribed to restartix-alerts and the budget", example: "alerts@example.com" },
  { name: "domain", description: "Apex domain of the Cloudflare zone (api.<domain> is the API)", example: "example.com" },
  { name: "cloudflare_zone_id", description: "Cloudflare zone id of the domain (32 hex characters)", example: "023e105f4ecef8ad9ca31a8372d0c353" },
  { name: "cloudflare_account_id", description: "Cloudflare account id (32 hex characters; phase 4 Worker)", example: "01a7362d577a6c3019a474fd6f485823" },
  { name: "github_owner", description: "Owner of the application repository", example: "restartix" },
  { name: "github_repository", description: "Name of the application repository (Go APIs, Dockerfiles)", example: "restartix-platform" },
  { name: "state_bucket", description: "S3 bucket of the Terraform state (created by the bootstrap stack)", example: "restartix-terraform-state-123456789012" },
  { name: "tfc_organization", description: "HCP Terraform / Terraform Cloud organization (backend = \"cloud\")", example: "restartix", default: "" },
  { name: "backend", description: "Where state lives: s3 | cloud | local", example: "s3", default: "s3" },
  { name: "compute", description: "Compute engine: apprunner | fargate", example: "apprunner", default: "apprunner" },
  { name: "compute_standby", description: "During an engine migration only: the other engine, kept running beside compute (\"\" otherwise)", example: "", default: "" },
  { name: "phase", description: "Growth phase this deployment is in: 1..4", example: 1, default: 1 },
  { name: "core_target", description: "Where api.<domain> points: railway | aws (the cutover switch)", example: "railway", default: "railway" },
  { name: "core_railway_origin", description: "Core API hostname on Railway (today's origin)", example: "restartix-core-api.up.railway.app" },
  { name: "telemetry_target", description: "Where the telemetry hostname points: railway | aws", example: "railway", default: "railway" },
  { name: "telemetry_railway_origin", description: "Telemetry API hostname on Railway", example: "restartix-telemetry-api.up.railway.app" },
];

export interface LoadedInputs {
  /** Raw values by field name, before validation (config/validate.ts checks them all). */
  readonly values: Readonly<Record<string, TfvarsValue>>;
  readonly file: string;
  /** True when terraform.tfvars is missing and the example file was used (synth only). */
  readonly usingExample: boolean;
}

export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..");

export function loadInputs(file?: string): LoadedInputs {
  const explicit = file !== undefined;
  const chosen = file ?? path.join(ROOT, "terraform.tfvars");
  if (!fs.existsSync(chosen)) {
    if (explicit) throw new Error(`deployment inputs: file ${chosen} does not exist (copy terraform.tfvars.example)`);
    const example = path.join(ROOT, "terraform.tfvars.example");
    return { values: withDefaults(parseTfvars(fs.readFileSync(example, "utf8"), example)), file: example, usingExample: true };
  }
  return { values: withDefaults(parseTfvars(fs.readFileSync(chosen, "utf8"), chosen)), file: chosen, usingExample: false };
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
    "# Deployment inputs: copy to terraform.tfvars (git-ignored) and fill in.",
    "# None of these is secret. Credentials come from the environment only:",
    "#   AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, CLOUDFLARE_API_TOKEN, GITHUB_TOKEN.",
    "",
  ];
  for (const f of INPUT_FIELDS) {
    lines.push(`# ${f.description}${f.default !== undefined ? ` (default ${JSON.stringify(f.default)})` : ""}`);
    lines.push(`${f.name} = ${typeof f.example === "number" ? f.example : JSON.stringify(f.example)}`);
  }
  return lines.join("\n") + "\n";
}

/** The engines a deployment runs: its engine, then the standby one during a migration. */
export function computeEngines(d: Pick<DeploymentInputs, "compute" | "computeStandby">): ComputeEngine[] {
  return d.computeStandby ? [d.compute, d.computeStandby] : [d.compute];
}
