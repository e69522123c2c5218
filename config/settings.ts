import * as fs from "fs";
import * as path from "path";
import { resolveFromInvocation } from "../lib/invocation-dir";
import { phaseConfig } from "../phases";
import { cellsForEnvironment, forEnvironment } from "../phases/environment";
import { BackendKind, CellSpec, ComputeEngine, PhaseConfig, PhaseNumber } from "../phases/types";
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
  readonly phase?: string | number;
  readonly backend?: string;
  readonly compute?: string;
  /** production | staging (overrides `environment` in the inputs file). */
  readonly environment?: string;
  /** Deployment inputs file (default deployment.tfvars, else terraform.tfvars.example). */
  readonly varsFile?: string;
  /** Tenant registry file (default phases/tenants/<the phase's registry>). */
  readonly tenantsFile?: string;
  /** Tenants given in memory (benchmarks, tests, a registry about to be written); wins over tenantsFile, which then names them in errors. */
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
export const OPTION_ENV = {
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
 * Reads `--name value` / `--name=value` flags and PHASE/BACKEND/COMPUTE from the environment,
 * permissively (unknown flags ignored).
 * @deprecated parse argv with tools/cli.ts (runCommand) and call optionsFrom(flags, env); kept
 * only until scripts/bench.ts and scripts/diagram.ts are converted.
 */
export function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flags = parseFlags(argv);
  return {
    phase: flags.phase ?? env.PHASE,
    backend: flags.backend ?? env.BACKEND,
    compute: flags.compute ?? env.COMPUTE,
    varsFile: flags.vars ?? (env.RESTARTIX_TFVARS ? resolveFromInvocation(env.RESTARTIX_TFVARS, env) : undefined),
    tenantsFile: flags.tenants ?? (env.RESTARTIX_TENANTS ? resolveFromInvocation(env.RESTARTIX_TENANTS, env) : undefined),
  };
}

/** @deprecated the permissive parser: use tools/cli.ts (see readOptions). */
export function parseFlags(argv: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    if (eq > 0) {
      out[arg.slice(2, eq)] = arg.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
      out[arg.slice(2)] = argv[++i];
    } else {
      out[arg.slice(2)] = "true";
    }
  }
  return out;
}

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

export type { BackendKind, ComputeEngine, PhaseNumber };
