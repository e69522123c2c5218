import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { stubStateFile } from "./placeholders";
import { writeLockFor } from "./provider-lock";
import { providersOf, SynthStack } from "./synth";

/**
 * A real `terraform init` + `terraform plan` of a synthesized stack with the pinned AWS provider
 * from the local mirror, no AWS account and no network: stub credentials and skip flags, a local
 * backend, upstream stacks' outputs stubbed in state files, import blocks left out.
 */

const PROVIDER_VERSION = "5.100.0";
const MIRROR = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";
export const TERRAFORM = process.env.TERRAFORM_BIN ?? "terraform";
const REPO_CLI_CONFIG = path.join(ROOT, "terraform-cli", "cli.tfrc");

export type Availability = { ok: true; version: string } | { ok: false; reason: string };

/** Whether terraform and the mirrored AWS provider are here; the reason when not. */
export function offlinePlanAvailability(): Availability {
  // The benchmark's unit-test figure, and anyone who wants a fast loop, leave terraform out on purpose.
  if (process.env.RESTARTIX_SKIP_TERRAFORM === "1")
    return { ok: false, reason: "RESTARTIX_SKIP_TERRAFORM=1 (terraform-backed tests left out on purpose)" };
  const version = spawnSync(TERRAFORM, ["version", "-json"], { encoding: "utf8", env: terraformEnv() });
  if (version.error || version.status !== 0) {
    return { ok: false, reason: `terraform not found (${TERRAFORM}); install Terraform >= 1.10 or set TERRAFORM_BIN` };
  }
  const provider = path.join(MIRROR, "registry.terraform.io", "hashicorp", "aws", PROVIDER_VERSION);
  // With a CLI config of its own (CI runners that reach the registry) the provider is downloaded.
  if (!process.env.RESTARTIX_TF_CLI_CONFIG && !fs.existsSync(provider)) {
    return { ok: false, reason: `hashicorp/aws ${PROVIDER_VERSION} is not in the provider mirror ${MIRROR}; set TF_PLUGIN_MIRROR` };
  }
  return { ok: true, version: (JSON.parse(version.stdout) as { terraform_version: string }).terraform_version };
}

/**
 * The terraform CLI config: RESTARTIX_TF_CLI_CONFIG when set (terraform-cli/registry.tfrc on GitHub
 * runners, which reach the registry), else the repository's mirror-only file, or one pointing at
 * TF_PLUGIN_MIRROR.
 */
function cliConfigFile(): string {
  if (process.env.RESTARTIX_TF_CLI_CONFIG) return path.resolve(ROOT, process.env.RESTARTIX_TF_CLI_CONFIG);
  if (!process.env.TF_PLUGIN_MIRROR) return REPO_CLI_CONFIG;
  const file = path.join(os.tmpdir(), `restartix-tfrc-${process.pid}`);
  const text = fs.readFileSync(REPO_CLI_CONFIG, "utf8").replace(/path\s*=\s*"[^"]*"/, `path = ${JSON.stringify(MIRROR)}`);
  // One file per process, rewritten on each call and removed when the process ends (not one per run left in /tmp).
  if (!fs.existsSync(file)) process.once("exit", () => fs.rmSync(file, { force: true }));
  fs.writeFileSync(file, text);
  return file;
}

export function terraformEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfigFile(),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    // Stub credentials: the provider never calls AWS with -refresh=false and the skip flags.
    AWS_ACCESS_KEY_ID: "offline-plan-stub",
    AWS_SECRET_ACCESS_KEY: "offline-plan-stub",
    AWS_SESSION_TOKEN: "",
    AWS_PROFILE: "",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

/** Stacks the offline plan covers: those whose only provider is AWS. */
export function isAwsOnly(stack: SynthStack): boolean {
  const providers = providersOf(stack);
  return providers.length > 0 && providers.every((p) => p === "aws");
}

interface PreparedStack {
  readonly dir: string;
  readonly skippedImports: number;
}

/** Writes the plan-ready copy of a stack: local backend, skip flags, stubbed upstream state. */
function prepareStack(
  stack: SynthStack,
  all: ReadonlyMap<string, SynthStack>,
  dir: string,
  accountId: string,
  priorState?: string,
): PreparedStack {
  fs.mkdirSync(path.join(dir, "upstream"), { recursive: true });
  // A mutable deep copy: the synthesized JSON stays as it was.
  const json = JSON.parse(JSON.stringify(stack.json)) as Record<string, any>;
  const tf = (json.terraform ?? {}) as Record<string, unknown>;
  // No backend block: the default local backend (terraform.tfstate here) needs no init.
  delete tf.backend;
  delete tf.cloud;
  json.terraform = tf;

  for (const provider of json.provider?.aws ?? []) {
    // The account guard needs the caller's identity, which an offline plan never asks for.
    delete provider.allowed_account_ids;
    Object.assign(provider, {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: false,
    });
  }
  const remote = (json.data?.terraform_remote_state ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, ds] of Object.entries(remote)) {
    const producerName = key.replace(/^cross-stack-reference-input-/, "");
    const producer = all.get(producerName);
    if (!producer) throw new Error(`${stack.name}: reads state of unknown stack ${producerName}`);
    const file = path.join("upstream", `${producerName}.tfstate`);
    fs.writeFileSync(path.join(dir, file), stubStateFile(producer, accountId));
    ds.backend = "local";
    ds.config = { path: file };
    delete ds.workspace;
  }
  const skippedImports = (json.import ?? []).length;
  delete json.import;
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json, null, 2));
  const statePath = path.join(dir, "terraform.tfstate");
  if (priorState) fs.copyFileSync(priorState, statePath);
  else fs.rmSync(statePath, { force: true });
  return { dir, skippedImports };
}

export interface PlanResult {
  readonly stack: string;
  readonly ok: boolean;
  /** Terraform's own "Plan: ..." or "No changes." line, or the error. */
  readonly summary: string;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly skippedImports: number;
  readonly seconds: number;
  readonly output: string;
  /** `terraform show -json` of the plan, when asked for. @default - absent: not asked for */
  readonly planJson?: PlanJson;
}

export interface PlanJson {
  /** @default - absent: the plan changes no resource */
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly change: {
      readonly actions: readonly string[];
      /** @default - absent: nothing forces a replacement */
      readonly replace_paths?: unknown;
      /** @default - absent: the resource is created */
      readonly before?: unknown;
      /** @default - absent: the resource is deleted */
      readonly after?: unknown;
    };
  }[];
  /** @default - absent: the plan has no planned values */
  readonly planned_values?: unknown;
  readonly [key: string]: unknown;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: terraformEnv() });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (e) => resolve({ code: 127, out: out + String(e) }));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

export interface PlanOptions {
  readonly workdir: string;
  readonly accountId: string;
  /** A state file to plan against (upgrade proofs). @default - empty state */
  readonly priorState?: string;
  /** Also produce `terraform show -json`. @default false */
  readonly showJson?: boolean;
}

/**
 * Runs `terraform init` once for the pinned provider, on the committed lock file (cut to aws) with
 * `-lockfile=readonly`: a provider whose checksum the lock file does not list is refused. Every
 * stack directory then links the installed provider and copies that lock file instead of running
 * its own init (about 2 s each).
 */
export async function initProviders(workdir: string): Promise<{ ok: boolean; output: string }> {
  const dir = path.join(workdir, ".providers");
  const done = path.join(dir, ".terraform", "initialized");
  fs.mkdirSync(dir, { recursive: true });
  if (fs.existsSync(done)) return { ok: true, output: "" };
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws", version: PROVIDER_VERSION } } } }),
  );
  try {
    writeLockFor(dir);
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
  const init = await run(TERRAFORM, ["init", "-input=false", "-no-color", "-backend=false", "-lockfile=readonly"], dir);
  if (init.code === 0) fs.writeFileSync(done, "");
  return { ok: init.code === 0, output: init.out };
}

function linkProviders(workdir: string, dir: string): void {
  const source = path.join(workdir, ".providers");
  // A fresh .terraform: a backend record left by an earlier init would demand another init.
  fs.rmSync(path.join(dir, ".terraform"), { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, ".terraform"), { recursive: true });
  const link = path.join(dir, ".terraform", "providers");
  fs.symlinkSync(path.join(source, ".terraform", "providers"), link);
  fs.copyFileSync(path.join(source, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
}

export async function planStack(stack: SynthStack, all: ReadonlyMap<string, SynthStack>, opts: PlanOptions): Promise<PlanResult> {
  const started = Date.now();
  const dir = path.join(opts.workdir, stack.name);
  const prepared = prepareStack(stack, all, dir, opts.accountId, opts.priorState);
  const fail = (summary: string, output: string): PlanResult => ({
    stack: stack.name,
    ok: false,
    summary,
    add: 0,
    change: 0,
    destroy: 0,
    skippedImports: prepared.skippedImports,
    seconds: (Date.now() - started) / 1000,
    output,
  });
  const init = await initProviders(opts.workdir);
  if (!init.ok) return fail("terraform init failed", init.output);
  linkProviders(opts.workdir, dir);
  const plan = await run(TERRAFORM, ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", "-out=tfplan"], dir);
  if (plan.code !== 0) return fail(firstError(plan.out), plan.out);
  const line = /^(Plan: .*|No changes\..*)$/m.exec(plan.out)?.[1] ?? "plan succeeded";
  const counts = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(line);
  let planJson: PlanJson | undefined;
  if (opts.showJson) {
    const show = await run(TERRAFORM, ["show", "-json", "-no-color", "tfplan"], dir);
    if (show.code !== 0) return fail("terraform show failed", show.out);
    planJson = JSON.parse(show.out) as PlanJson;
  }
  return {
    stack: stack.name,
    ok: true,
    summary: line,
    add: Number(counts?.[1] ?? 0),
    change: Number(counts?.[2] ?? 0),
    destroy: Number(counts?.[3] ?? 0),
    skippedImports: prepared.skippedImports,
    seconds: (Date.now() - started) / 1000,
    output: plan.out,
    planJson,
  };
}

function firstError(out: string): string {
  const m = /Error: (.*)/.exec(out);
  return m ? `Error: ${m[1]}` : "terraform plan failed";
}

/**
 * Plans stacks with up to `jobs` terraform processes at once, starting them in dependency order;
 * `onResult` sees each result as it lands.
 */
export async function planAll(
  stacks: readonly SynthStack[],
  all: ReadonlyMap<string, SynthStack>,
  opts: PlanOptions & { jobs: number },
  onResult?: (r: PlanResult, done: number, total: number) => void,
): Promise<PlanResult[]> {
  const results: PlanResult[] = new Array(stacks.length);
  // Before the workers start: two concurrent first inits would race on the same directory.
  await initProviders(opts.workdir);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const i = next++;
      results[i] = await planStack(stacks[i], all, opts);
      done++;
      onResult?.(results[i], done, stacks.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, stacks.length)) }, worker));
  return results;
}
