import * as fs from "fs";
import * as path from "path";
import { resolveFromInvocation } from "../lib/invocation-dir";
import { phaseConfig } from "../phases";
import { cellsForEnvironment, forEnvironment } from "../phases/environment";
import { CellSpec, PhaseConfig } from "../phases/types";
import { DeploymentInputs, loadInputs, localStateFiles, ROOT } from "./deployment";
import { Issues } from "./errors";
import { validateDeployment, validatePhase, validateTenants } from "./validate";

/** Everything a synth needs, resolved and validated. */
export interface Settings {
  readonly phase: PhaseConfig;
  readonly deployment: DeploymentInputs;
  /** Enterprise tenants of this phase (empty before phase 3). */
  readonly tenants: readonly CellSpec[];
  /** Where the inputs came from; true when deployment.tfvars is missing and the example was used. */
  readonly inputsFile: string;
  readonly usingExampleInputs: boolean;
  /**
   * "enforce" refuses a layout above AWS's quotas at synth; "report" lists the problems in the
   * result instead (dry runs of CI scale, such as npm run ci-plan -- --tenants 1000, which ask
   * what GitHub can run, not what AWS would accept). @default "enforce"
   */
  readonly quotaCheck: "enforce" | "report";
}

/** Options from the command line and the environment; each overrides deployment.tfvars. */
export interface Options {
  /** @default - the inputs file's `phase` (1 when it leaves it out) */
  readonly phase?: string | number;
  /** @default - the inputs file's `backend` ("s3" when it leaves it out) */
  readonly backend?: string;
  /** @default - the inputs file's `compute` ("fargate" when it may leave it out: see INPUT_FIELDS) */
  readonly compute?: string;
  /** production | staging (overrides `environment` in the inputs file). @default - the inputs file's `environment` ("production" when it leaves it out) */
  readonly environment?: string;
  /**
   * Deployment inputs file (default deployment.tfvars, else terraform.tfvars.example).
   * @default - deployment.tfvars (staging.tfvars for staging), else terraform.tfvars, else the example
   */
  readonly varsFile?: string;
  /**
   * Tenant registry file (default phases/tenants/<the phase's registry>).
   * @default - phases/tenants/<the phase's registry>; none when the phase has no enterprise tier (phases 1 and 2)
   */
  readonly tenantsFile?: string;
  /**
   * Tenants given in memory (benchmarks, tests, a registry about to be written); wins over tenantsFile, which then names them in errors.
   * @default - read from tenantsFile
   */
  readonly tenants?: unknown;
  /** See Settings.quotaCheck. @default "enforce" */
  readonly quotaCheck?: "enforce" | "report";
  /**
   * Where phase, backend and compute came from, for error messages ("--phase", "PHASE").
   * @default the command-line flag of the same name
   */
  readonly sources?: Readonly<Partial<Record<"phase" | "backend" | "compute" | "environment", string>>>;
}

/** The environment variables that stand in for the synth flags (cdktf runs the app with no argv). */
const OPTION_ENV = {
  phase: "PHASE",
  backend: "BACKEND",
  compute: "COMPUTE",
  environment: "ENVIRONMENT",
  vars: "RESTARTIX_TFVARS",
  tenants: "RESTARTIX_TENANTS",
} as const;

/**
 * Options from command-line flags already parsed strictly (tools/cli.ts), then the environment:
 * a flag wins over its variable, and both over deployment.tfvars. An empty variable counts as unset.
 * A relative path in RESTARTIX_TFVARS or RESTARTIX_TENANTS is resolved as --vars and --tenants are:
 * from the directory the user ran the command in (INIT_CWD under `npm run`), not the package root.
 */
export function optionsFrom(flags: Readonly<Record<string, string | number | boolean | undefined>>, env: NodeJS.ProcessEnv): Options {
  const pick = (flag: keyof typeof OPTION_ENV): { value?: string; source?: string } => {
    const f = flags[flag];
    if (f !== undefined && f !== false) return { value: String(f), source: `--${flag}` };
    const e = env[OPTION_ENV[flag]];
    return e !== undefined && e !== "" ? { value: e, source: OPTION_ENV[flag] } : {};
  };
  // Path flags come resolved from the parser; the same file named in the environment must mean the same file.
  const file = (flag: "vars" | "tenants"): string | undefined => {
    const { value } = pick(flag);
    return value === undefined ? undefined : resolveFromInvocation(value, env);
  };
  const phase = pick("phase");
  const backend = pick("backend");
  const compute = pick("compute");
  const environment = pick("environment");
  const sources: Record<string, string> = {};
  if (phase.source) sources.phase = phase.source;
  if (backend.source) sources.backend = backend.source;
  if (compute.source) sources.compute = compute.source;
  if (environment.source) sources.environment = environment.source;
  return {
    ...(phase.value !== undefined ? { phase: phase.value } : {}),
    ...(backend.value !== undefined ? { backend: backend.value } : {}),
    ...(compute.value !== undefined ? { compute: compute.value } : {}),
    ...(environment.value !== undefined ? { environment: environment.value } : {}),
    ...(file("vars") !== undefined ? { varsFile: file("vars") } : {}),
    ...(file("tenants") !== undefined ? { tenantsFile: file("tenants") } : {}),
    sources,
  };
}

export const TENANTS_DIR = path.join(ROOT, "phases", "tenants");

/**
 * Resolves and validates the whole configuration before any construct exists. Every problem is
 * collected and thrown at once as a ConfigError naming field, value and fix.
 */
export function resolveSettings(options: Options = {}): Settings {
  const loaded = loadInputs(options.varsFile, options.environment);
  const values = { ...loaded.values };
  if (options.phase !== undefined) values.phase = /^\d+$/.test(String(options.phase)) ? Number(options.phase) : String(options.phase);
  if (options.backend !== undefined) values.backend = options.backend;
  if (options.compute !== undefined) values.compute = options.compute;
  if (options.environment !== undefined) values.environment = options.environment;

  const sources: Record<string, string> = {};
  if (options.phase !== undefined) sources.phase = options.sources?.phase ?? "--phase";
  if (options.backend !== undefined) sources.backend = options.sources?.backend ?? "--backend";
  if (options.compute !== undefined) sources.compute = options.sources?.compute ?? "--compute";
  if (options.environment !== undefined) sources.environment = options.sources?.environment ?? "--environment";

  const issues = new Issues();
  const deployment = validateDeployment(values, loaded.file, issues, sources, loaded.named, loaded.usingExample ? [] : localStateFiles());
  issues.throwIfAny(); // the phase and compute engine must be valid before the phase can be checked

  // Staging: its own names and the staging size (phases/environment.ts); production: the phase as it is.
  const phase = forEnvironment(phaseConfig(deployment.phase), deployment.environment);
  validatePhase(phase, deployment, issues);
  let tenants: CellSpec[] = [];
  if (options.tenants !== undefined) {
    // Named after the registry they will be written to, when there is one (npm run tenant).
    tenants = validateTenants(options.tenants, options.tenantsFile ?? "tenants (in memory)", phase, issues, deployment.compute);
  } else {
    const file = options.tenantsFile ?? (phase.enterprise ? path.join(TENANTS_DIR, phase.enterprise.registryFile) : undefined);
    if (file !== undefined) {
      tenants = validateTenants(readJson(file, issues), file, phase, issues, deployment.compute);
    }
  }
  issues.throwIfAny();
  tenants = cellsForEnvironment(tenants, deployment.environment);
  return {
    phase,
    deployment,
    tenants,
    inputsFile: loaded.file,
    usingExampleInputs: loaded.usingExample,
    quotaCheck: options.quotaCheck ?? "enforce",
  };
}

function readJson(file: string, issues: Issues): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    issues.add(
      `tenants (${path.basename(file)})`,
      file,
      `cannot be read: ${(e as Error).message}`,
      "fix the JSON or restore the file from git",
    );
    return [];
  }
}
