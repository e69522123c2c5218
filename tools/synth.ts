// First: the loader skips the inline source maps of cdktf and the providers (lib/lean-modules.ts).
import "../lib/lean-modules";
import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { Options, resolveSettings, Settings } from "../config/settings";
import { policyFailureReport } from "../policy/aspect";
import { buildStacks, Stacks } from "../stacks";
import { tuneCdktfRuntime } from "../lib/cdktf-runtime";
import { CheckFailed, UsageError } from "./cli";

tuneCdktfRuntime();

/** One synthesized stack as the tools see it: its name, JSON and the stacks it reads from. */
export interface SynthStack {
  readonly name: string;
  readonly json: TerraformJson;
  readonly dependencies: readonly string[];
}

/** The parts of a synthesized cdk.tf.json the tools read. */
export interface TerraformJson {
  /** @default - no terraform block */
  readonly terraform?: {
    /** @default - no provider requirements */
    readonly required_providers?: Record<string, unknown>;
    /** @default - no backend block (local state, unless `cloud` is set) */
    readonly backend?: Record<string, unknown>;
    /** @default - no Terraform Cloud block */
    readonly cloud?: unknown;
  };
  /** @default - no provider blocks */
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  /** @default - no resources */
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  /** @default - no data sources */
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  /** @default - no outputs */
  readonly output?: Record<
    string,
    {
      value: unknown;
      /** @default false (terraform's default) */
      sensitive?: boolean;
    }
  >;
  /** @default - no import blocks */
  readonly import?: readonly Record<string, unknown>[];
  /** @default - no variables */
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly [key: string]: unknown;
}

export interface SynthResult {
  readonly settings: Settings;
  readonly stacks: readonly SynthStack[];
  readonly app: App;
  readonly built: Stacks;
  readonly outdir: string;
}

/**
 * Synthesizes a phase in-process into `outdir` (atomically: see synthesizeAtomically) and reads the
 * stacks back. `context` is the app's construct context (e.g. the policy pack's mode for `npm run
 * check`).
 */
export function synthesize(options: Options, outdir: string, settingsOverride?: Settings, context?: Record<string, unknown>): SynthResult {
  const settings = settingsOverride ?? resolveSettings(options);
  const { app, built } = synthesizeAtomically(settings, outdir, context);
  return { settings, stacks: readStacks(outdir), app, built, outdir };
}

/**
 * Synthesizes into a staging directory inside `outdir` and publishes the result only when the whole
 * synth succeeded, so a failed synth (invalid input, a policy error) leaves `outdir` as it was:
 * each stack's synthesized files replace the old ones in `stacks/<stack>/` (Terraform's own files
 * there, `.terraform/` and plans, are kept), then `manifest.json` is replaced last.
 *
 * Stacks of an earlier synth that this one no longer has are removed, except when cdktf-cli runs
 * the app (`npx cdktf synth|list|diff|deploy`): the CLI lists `stacks/` before it starts the app and
 * deletes the directories the new manifest lacks itself, failing with ENOENT if they are gone.
 */
export function synthesizeAtomically(settings: Settings, outdir: string, context?: Record<string, unknown>): { app: App; built: Stacks } {
  fs.mkdirSync(outdir, { recursive: true });
  removeStaleStaging(outdir);
  const staging = path.join(outdir, `${STAGING_PREFIX}${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  try {
    const app = new App({ outdir: staging, context });
    const built = buildStacks(app, settings);
    try {
      app.synth();
    } catch (e) {
      const policy = policyFailureReport(app);
      if (policy) throw new CheckFailed(`${policy}\nNothing was written to ${outdir}.`);
      const message = (e as Error).message ?? "";
      if (message.startsWith("App-level validation failed"))
        throw new CheckFailed(`${message.split("\nValidations allow")[0]}\nNothing was written to ${outdir}.`);
      throw e;
    }
    publish(staging, outdir, !launchedByCdktfCli());
    return { app, built };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

const STAGING_PREFIX = ".staging-";
/** What a synth writes in a stack's directory (JSON, or HCL and its metadata, and assets). */
const SYNTH_ENTRIES = ["cdk.tf.json", "cdk.tf", "metadata.json", "assets"];

/** cdktf-cli sets these for the app it runs (cli-core synth-stack.js). */
export function launchedByCdktfCli(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === "true") return true;
  try {
    return (JSON.parse(env.CDKTF_CONTEXT_JSON ?? "{}") as Record<string, unknown>).cdktfRelativeModules !== undefined;
  } catch {
    return false;
  }
}

/** Staging directories left by a synth that was killed (its process is gone). */
function removeStaleStaging(outdir: string): void {
  for (const entry of fs.readdirSync(outdir)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(entry.slice(STAGING_PREFIX.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = pid !== process.pid;
    } catch {
      alive = false;
    }
    if (!alive) fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
}

function publish(staging: string, outdir: string, removeOrphans: boolean): void {
  const manifest = readManifest(staging);
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir) && fs.existsSync(path.join(staging, "stacks"))) {
    // A first synth into this directory: nothing to keep or remove, the staged stacks move in one rename.
    fs.renameSync(path.join(staging, "stacks"), stacksDir);
    fs.renameSync(path.join(staging, "manifest.json"), path.join(outdir, "manifest.json"));
    return;
  }
  fs.mkdirSync(stacksDir, { recursive: true });
  const names = new Set(Object.values(manifest.stacks).map((s) => s.name));
  for (const name of names) {
    const from = path.join(staging, "stacks", name);
    const to = path.join(stacksDir, name);
    fs.mkdirSync(to, { recursive: true });
    const fresh = fs.readdirSync(from);
    for (const entry of SYNTH_ENTRIES) if (!fresh.includes(entry)) fs.rmSync(path.join(to, entry), { recursive: true, force: true });
    for (const entry of fresh) {
      fs.rmSync(path.join(to, entry), { recursive: true, force: true });
      fs.renameSync(path.join(from, entry), path.join(to, entry));
    }
  }
  if (removeOrphans) {
    for (const entry of fs.readdirSync(stacksDir))
      if (!names.has(entry)) fs.rmSync(path.join(stacksDir, entry), { recursive: true, force: true });
  }
  fs.renameSync(path.join(staging, "manifest.json"), path.join(outdir, "manifest.json"));
}

interface Manifest {
  readonly stacks: Record<string, { name: string; synthesizedStackPath: string; dependencies: string[] }>;
}

/** The manifest of a synth output; a missing or unreadable one is the user's input (exit 2). */
function readManifest(outdir: string): Manifest {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(outdir))
    throw new UsageError(
      `${outdir}: no such directory. Fix: synthesize first (npm run synth) or pass the directory that holds manifest.json`,
    );
  if (!fs.statSync(outdir).isDirectory())
    throw new UsageError(`${outdir}: not a directory. Fix: pass the synth output directory (cdktf.out), not a file in it`);
  if (!fs.existsSync(file))
    throw new UsageError(
      `${outdir}: has no manifest.json, so it is not a complete synth output. Fix: run npm run synth (or pass the right directory)`,
    );
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
  } catch (e) {
    throw new UsageError(`${file}: cannot be read (${(e as Error).message.split("\n")[0]}). Fix: synthesize again (npm run synth)`);
  }
}

/** Reads cdktf.out (or another outdir) through its manifest. */
export function readStacks(outdir: string): SynthStack[] {
  const manifest = readManifest(outdir);
  return Object.values(manifest.stacks).map((s) => ({
    name: s.name,
    json: JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")) as TerraformJson,
    dependencies: s.dependencies,
  }));
}

/** Providers a stack needs, by local name (aws, cloudflare, github). */
export function providersOf(stack: SynthStack): string[] {
  return Object.keys(stack.json.terraform?.required_providers ?? {});
}

/** Stacks in dependency order (producers before consumers), stable by name otherwise. */
export function dependencyOrder<T extends Pick<SynthStack, "name" | "dependencies">>(stacks: readonly T[]): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: T[] = [];
  const visit = (s: T, trail: string[]) => {
    if (done.has(s.name)) return;
    if (trail.includes(s.name)) throw new Error(`dependency cycle: ${[...trail, s.name].join(" -> ")}`);
    for (const dep of s.dependencies) {
      const d = byName.get(dep);
      if (d) visit(d, [...trail, s.name]);
    }
    done.add(s.name);
    out.push(s);
  };
  [...stacks].sort((a, b) => a.name.localeCompare(b.name)).forEach((s) => visit(s, []));
  return out;
}

/** Counts managed resources by type. */
export function resourceCount(stack: SynthStack): number {
  return Object.values(stack.json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}
