import * as fs from "fs";
import * as path from "path";
import { initProviders, TERRAFORM, terraformEnv } from "../offline-plan";
import { runProcess, RunResult } from "./processes";

/**
 * terraform against the emulator: the pinned provider from the local mirror, installed once into a
 * shared directory and linked into every stack directory (tools/offline-plan.ts), stub credentials,
 * and the emulator as the endpoint of last resort.
 */

function rehearsalEnv(endpoint: string, workdir: string): NodeJS.ProcessEnv {
  return {
    ...terraformEnv(),
    ...pluginTmpdir(workdir),
    // Stub credentials: moto accepts any key and answers in its default account.
    AWS_ACCESS_KEY_ID: "rehearsal-stub-key",
    AWS_SECRET_ACCESS_KEY: "rehearsal-stub-secret",
    // Every provider names the emulator for each service it uses; this catches anything else.
    AWS_ENDPOINT_URL: endpoint,
    AWS_MAX_ATTEMPTS: "6",
    TF_INPUT: "0",
  };
}

/**
 * Terraform's provider plugins put their RPC socket (`plugin<digits>`) in TMPDIR and leave it
 * when terraform is stopped mid-run; the rehearsal's go in its own work directory, removed with it.
 * Only where the socket's path stays well inside the 108 bytes a Unix socket path may have.
 */
function pluginTmpdir(workdir: string): NodeJS.ProcessEnv {
  const dir = path.join(workdir, ".tmp");
  if (Buffer.byteLength(dir) > 70) return {};
  fs.mkdirSync(dir, { recursive: true });
  return { TMPDIR: dir };
}

export interface Terraform {
  readonly dir: string;
  init(): Promise<RunResult>;
  apply(planFile?: string): Promise<RunResult>;
  /** `plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error. */
  plan(extra?: readonly string[]): Promise<RunResult>;
  show(planFile: string): Promise<RunResult>;
  destroy(): Promise<RunResult>;
  /** `apply -target=...` (tearing down: turning deletion protection off before the destroy). */
  applyTargets(addresses: readonly string[]): Promise<RunResult>;
  stateList(): Promise<RunResult>;
}

const MINUTES = 60_000;

/** Writes the stack's JSON into `dir` and returns a runner for it. */
export async function terraformIn(workdir: string, dir: string, json: unknown, endpoint: string): Promise<Terraform> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json, null, 2));
  const init = await initProviders(workdir);
  if (!init.ok) throw new Error(`terraform init of the provider mirror failed:\n${init.output}`);
  const shared = path.join(workdir, ".providers");
  if (!fs.existsSync(path.join(dir, ".terraform", "providers"))) {
    fs.mkdirSync(path.join(dir, ".terraform"), { recursive: true });
    fs.symlinkSync(path.join(shared, ".terraform", "providers"), path.join(dir, ".terraform", "providers"));
  }
  fs.copyFileSync(path.join(shared, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  const env = rehearsalEnv(endpoint, workdir);
  const tf = (args: string[], timeoutMs = 30 * MINUTES) => runProcess(TERRAFORM, [...args, "-no-color"], { cwd: dir, env, timeoutMs });
  return {
    dir,
    init: () => tf(["init", "-input=false", "-reconfigure"], 5 * MINUTES),
    apply: (planFile) => tf(planFile ? ["apply", "-input=false", planFile] : ["apply", "-input=false", "-auto-approve"]),
    plan: (extra = []) => tf(["plan", "-input=false", "-detailed-exitcode", ...extra]),
    show: (planFile) => tf(["show", "-json", planFile], 5 * MINUTES),
    destroy: () => tf(["destroy", "-input=false", "-auto-approve"]),
    applyTargets: (addresses) => tf(["apply", "-input=false", "-auto-approve", ...addresses.map((a) => `-target=${a}`)]),
    stateList: () => tf(["state", "list"], 5 * MINUTES),
  };
}

/** Replaces the configuration in an existing stack directory (same state, same providers). */
export function rewriteConfig(dir: string, json: unknown): void {
  fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(json, null, 2));
}

/** `Apply complete! Resources: 3 added, 1 changed, 0 destroyed.` (and imports) from terraform's output. */
export function applyCounts(out: string): { added: number; changed: number; destroyed: number; imported: number } {
  const m = /Resources: (?:(\d+) imported, )?(\d+) added, (\d+) changed, (\d+) destroyed/.exec(out);
  return { imported: Number(m?.[1] ?? 0), added: Number(m?.[2] ?? 0), changed: Number(m?.[3] ?? 0), destroyed: Number(m?.[4] ?? 0) };
}

/** `Destroy complete! Resources: 12 destroyed.` */
export function destroyCount(out: string): number {
  return Number(/Destroy complete! Resources: (\d+) destroyed/.exec(out)?.[1] ?? 0);
}

/** The error blocks of terraform's output: "Error: <summary>" with the lines that follow it. */
export function errorsOf(out: string): string[] {
  const blocks = out.split(/\n(?=Error: )/).filter((b) => b.startsWith("Error: "));
  return blocks.map((b) => b.split(/\n\n(?=\S)/)[0].trim()).map((b) => b.slice(0, 2000));
}

/** Resource addresses terraform plans to change, from `# aws_x.y will be updated in-place` lines. */
export function plannedChanges(out: string): string[] {
  return [...out.matchAll(/^\s*# (\S+) (?:will be|must be) (\S[^\n]*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The diff lines of one resource in terraform's plan output (for the report). */
export function diffExcerpt(out: string, maxLines = 40): string {
  const start = out.search(/^\s*# \S+ (?:will be|must be)/m);
  if (start < 0) return out.trim().split("\n").slice(-maxLines).join("\n");
  return out.slice(start).split("\n").slice(0, maxLines).join("\n");
}
