import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { Options, resolveSettings, Settings } from "../config/settings";
import { buildStacks, Stacks } from "../stacks";
import { disableTokenStackTraces } from "../lib/fast-tokens";

disableTokenStackTraces();

/** One synthesized stack as the tools see it: its name, JSON and the stacks it reads from. */
export interface SynthStack {
  readonly name: string;
  readonly json: TerraformJson;
  readonly dependencies: readonly string[];
}

/** The parts of a synthesized cdk.tf.json the tools read. */
export interface TerraformJson {
  readonly terraform?: { readonly required_providers?: Record<string, unknown>; readonly backend?: Record<string, unknown>; readonly cloud?: unknown };
  readonly provider?: Record<string, readonly Record<string, unknown>[]>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean }>;
  readonly import?: readonly Record<string, unknown>[];
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
 * Synthesizes a phase in-process into `outdir` and reads the stacks back. `context` is the app's
 * construct context (e.g. the policy pack's mode for `npm run check`).
 */
export function synthesize(options: Options, outdir: string, settingsOverride?: Settings, context?: Record<string, unknown>): SynthResult {
  const settings = settingsOverride ?? resolveSettings(options);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir, context });
  const built = buildStacks(app, settings);
  app.synth();
  return { settings, stacks: readStacks(outdir), app, built, outdir };
}

/** Reads cdktf.out (or another outdir) through its manifest. */
export function readStacks(outdir: string): SynthStack[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string; dependencies: string[] }>;
  };
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
