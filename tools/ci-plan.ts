import * as fs from "fs";
import * as path from "path";
import { deployWaves, MANUAL_STACKS, StackNode } from "./waves";

/**
 * The layout of a CI run on GitHub Actions: which stacks each job plans or applies, wave by wave,
 * and whether that layout fits GitHub's limits. Plans read only the current state, so all selected
 * stacks are planned in one matrix; applies follow the deploy waves (a wave's stacks are independent
 * of each other, a wave reads the outputs the previous ones wrote). Within a matrix, stacks are
 * batched: several per job, run a few at a time by the job, so that a 1000-tenant registry still
 * fits in GitHub's 256-job matrix and the job concurrency of the account.
 *
 * The figures are estimates, stated with their assumptions (CiLimits, DISK): the point is to refuse
 * a layout that cannot run, before a workflow tries it.
 */

export interface CiLimits {
  /** GitHub: a matrix generates at most 256 jobs. */
  readonly maxMatrixJobs: number;
  /**
   * Jobs this layout may use in one workflow run, all matrices together: 256 (conservative) shared by
   * the two environments one deploy run applies (staging, then production: deploy.yml), 128 each.
   */
  readonly maxJobsPerRun: number;
  /** `max-parallel` of every matrix: jobs of one matrix that run at once (account concurrency: Free 20, Team 60). */
  readonly maxParallel: number;
  /** Apply-wave jobs each environment's deploy has (apply-wave-1 .. apply-wave-N in deploy-environment.yml). */
  readonly maxWaves: number;
  /** Terraform processes a job runs at once (xargs -P): 2 vCPU, 7 GB runners. */
  readonly stacksAtOnce: number;
  /** Free disk of a GitHub-hosted runner (ubuntu-latest: about 14 GB). */
  readonly diskGb: number;
  /** Job time limit we allow ourselves (GitHub's hard limit is 6 h). */
  readonly jobMinutes: number;
}

export const DEFAULT_LIMITS: CiLimits = {
  maxMatrixJobs: 256,
  maxJobsPerRun: 128,
  maxParallel: 20,
  maxWaves: 10,
  stacksAtOnce: 4,
  diskGb: 14,
  jobMinutes: 120,
};

/**
 * Disk a job needs, in GB. Measured here: node_modules 1.0 GB, hashicorp/aws 5.100.0 unpacked
 * 0.68 GB. Estimated: the npm cache 0.4 GB, the compressed provider cache archive while it is
 * restored 0.2 GB, Cloudflare + GitHub providers 0.1 GB, per stack 20 MB (synthesized JSON, plan
 * file, plan JSON, logs; .terraform holds symlinks into the plugin cache).
 */
const DISK = {
  nodeModules: 1.0,
  npmCache: 0.4,
  checkout: 0.05,
  awsProvider: 0.68,
  otherProviders: 0.1,
  cacheArchive: 0.2,
  perStack: 0.02,
} as const;

/** Minutes per stack and job overhead (checkout, npm ci, cache restore, synth), for the time estimate. */
const MINUTES = { setup: 4, planPerStack: 1, applyPerStack: 2 } as const;

export interface Batch {
  /** Matrix key: p1, p2 ... for plans; w3-b2 for wave 3, batch 2. */
  readonly id: string;
  /** Space-separated stack names (the job's input). */
  readonly stacks: string;
  readonly count: number;
}

export interface WaveLayout {
  readonly wave: number;
  readonly stacks: number;
  readonly batches: readonly Batch[];
}

export interface CiLayout {
  readonly selected: number;
  /** Stacks dropped from the selection because no automation applies them (bootstrap). */
  readonly manual: readonly string[];
  readonly plan: readonly Batch[];
  readonly waves: readonly WaveLayout[];
  /**
   * Every job of a deploy run: one plan job per apply batch (an apply job downloads only its own
   * batch's plans), the apply jobs, and the fixed ones (FIXED_JOBS).
   */
  readonly jobs: number;
  /** Largest number of stacks one job handles. */
  readonly stacksPerJob: number;
  readonly diskGb: { readonly withPluginCache: number; readonly withoutPluginCache: number };
  readonly minutes: { readonly planJob: number; readonly applyJob: number };
  /** Producer stack -> the stacks that read its state (HCP Terraform: remote_state_consumer_ids). */
  readonly remoteStateConsumers: Readonly<Record<string, readonly string[]>>;
  /** Limits this layout exceeds; empty when it fits. */
  readonly problems: readonly string[];
}

/** Jobs of one environment's deploy besides the matrices: select, summary, approve, report, backup-image. */
const FIXED_JOBS = 5;

/** Splits `names` into batches of at most `size`, as evenly as possible. */
function batches(names: readonly string[], size: number, prefix: string): Batch[] {
  if (names.length === 0) return [];
  const count = Math.ceil(names.length / size);
  const per = Math.ceil(names.length / count);
  const out: Batch[] = [];
  for (let i = 0; i < count; i++) {
    const part = names.slice(i * per, (i + 1) * per);
    if (part.length) out.push({ id: `${prefix}${i + 1}`, stacks: part.join(" "), count: part.length });
  }
  return out;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * The layout for `selected` stacks of a configuration (default: all): batch size chosen so that each
 * matrix needs at most `maxParallel` jobs (one round of concurrency), never more than the limits.
 */
export function ciLayout(stacks: readonly StackNode[], selected?: readonly string[], limits: CiLimits = DEFAULT_LIMITS): CiLayout {
  const wanted = new Set(selected ?? stacks.map((s) => s.name));
  const manual = [...wanted].filter((n) => MANUAL_STACKS.includes(n)).sort();
  const waves = deployWaves(stacks)
    .map((w) => w.filter((s) => wanted.has(s.name)).map((s) => s.name))
    .filter((w) => w.length > 0);
  const all = waves.flat();
  // At least as many stacks per job as it runs at once (a job's setup costs minutes), and few enough
  // jobs that a matrix runs in one round of max-parallel.
  const size = (n: number) => Math.max(limits.stacksAtOnce, Math.ceil(n / limits.maxParallel));
  const plan = batches(all, size(all.length), "p");
  const waveLayouts = waves.map((w, i) => ({ wave: i + 1, stacks: w.length, batches: batches(w, size(w.length), `w${i + 1}-b`) }));
  const applyJobs = waveLayouts.reduce((n, w) => n + w.batches.length, 0);
  const jobs = 2 * applyJobs + FIXED_JOBS;
  const stacksPerJob = Math.max(0, ...plan.map((b) => b.count), ...waveLayouts.flatMap((w) => w.batches.map((b) => b.count)));
  const fixed = DISK.nodeModules + DISK.npmCache + DISK.checkout + DISK.otherProviders;
  const diskGb = {
    withPluginCache: round1(fixed + DISK.awsProvider + DISK.cacheArchive + stacksPerJob * DISK.perStack),
    withoutPluginCache: round1(fixed + stacksPerJob * (DISK.awsProvider + DISK.perStack)),
  };
  const rounds = (n: number) => Math.ceil(n / limits.stacksAtOnce);
  const minutes = {
    planJob: Math.round(MINUTES.setup + rounds(stacksPerJob) * MINUTES.planPerStack),
    applyJob: Math.round(MINUTES.setup + rounds(stacksPerJob) * (MINUTES.planPerStack + MINUTES.applyPerStack)),
  };
  const consumers: Record<string, string[]> = {};
  for (const s of stacks) for (const d of s.dependencies) (consumers[d] ??= []).push(s.name);
  for (const list of Object.values(consumers)) list.sort();

  const problems: string[] = [];
  const matrices: [string, number][] = [
    ["plan", plan.length],
    ...waveLayouts.map((w): [string, number] => [`apply wave ${w.wave}`, w.batches.length]),
  ];
  for (const [name, n] of matrices)
    if (n > limits.maxMatrixJobs) problems.push(`${name}: ${n} jobs in one matrix; GitHub allows ${limits.maxMatrixJobs}`);
  if (jobs > limits.maxJobsPerRun) problems.push(`${jobs} jobs in one run; the layout allows ${limits.maxJobsPerRun}`);
  if (waveLayouts.length > limits.maxWaves)
    problems.push(
      `${waveLayouts.length} deploy waves; the deploy workflow has ${limits.maxWaves} apply-wave jobs (add apply-wave jobs to .github/workflows/deploy-environment.yml)`,
    );
  if (diskGb.withPluginCache > limits.diskGb)
    problems.push(`${diskGb.withPluginCache} GB of disk per job; a runner has about ${limits.diskGb} GB`);
  if (minutes.applyJob > limits.jobMinutes)
    problems.push(`about ${minutes.applyJob} minutes per apply job; the workflow allows ${limits.jobMinutes}`);
  return {
    selected: all.length,
    manual,
    plan,
    waves: waveLayouts,
    jobs,
    stacksPerJob,
    diskGb,
    minutes,
    remoteStateConsumers: consumers,
    problems,
  };
}

/** The human-readable dry run. */
export function describeLayout(title: string, layout: CiLayout, limits: CiLimits = DEFAULT_LIMITS): string {
  const lines = [
    `${title}: ${layout.selected} stacks${layout.manual.length ? ` (left out, applied by hand: ${layout.manual.join(", ")})` : ""}`,
  ];
  lines.push(
    `  plan matrix of a pull request or drift run: ${layout.plan.length} job(s), up to ${Math.max(0, ...layout.plan.map((b) => b.count))} stacks each`,
  );
  for (const w of layout.waves) {
    const sizes = w.batches.map((b) => b.count);
    const names = w.stacks <= 6 ? `: ${w.batches.map((b) => b.stacks).join(" | ")}` : "";
    lines.push(
      `  wave ${w.wave}: ${w.stacks} stack(s) in ${w.batches.length} job(s) of ${Math.min(...sizes)}-${Math.max(...sizes)}${names}`,
    );
  }
  lines.push(
    `  deploy run: ${layout.jobs} jobs (a plan and an apply job per wave batch, and ${FIXED_JOBS} others; limit ${limits.maxJobsPerRun}); max-parallel ${limits.maxParallel}; ${limits.stacksAtOnce} terraform processes per job`,
    `  disk per job: ${layout.diskGb.withPluginCache} GB with TF_PLUGIN_CACHE_DIR (one provider copy), ${layout.diskGb.withoutPluginCache} GB without (limit ${limits.diskGb} GB)`,
    `  time per job (estimate): plan ${layout.minutes.planJob} min, apply ${layout.minutes.applyJob} min (limit ${limits.jobMinutes} min)`,
    layout.problems.length ? `  REFUSED: ${layout.problems.join("; ")}` : "  fits GitHub's limits",
  );
  return lines.join("\n");
}

/**
 * Cloudflare's API budget: 1200 requests per five minutes per user, and above it every call is
 * refused for five minutes (developers.cloudflare.com/fundamentals/api/reference/limits). A plan
 * refreshes each Workers KV entry with at least one request (how many exactly the provider makes
 * per entry was not measured here: no Cloudflare provider in the local mirror).
 */
const CLOUDFLARE_REQUESTS_PER_5_MIN = 1200;

/** The phase 4 routes stacks (stacks/routing.ts RoutesStack): `routes`, `routes-us`. */
export const ROUTES_STACK = /^routes(-[a-z0-9]+)?$/;

/** KV entries per routes stack of a synthesized cdktf.out (read from each routes stack's JSON). */
export function routeEntryCounts(outdir: string): Record<string, number> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string }>;
  };
  const out: Record<string, number> = {};
  for (const s of Object.values(manifest.stacks).filter((x) => ROUTES_STACK.test(x.name))) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    out[s.name] = Object.keys(json.resource?.cloudflare_workers_kv ?? {}).length;
  }
  return out;
}

/**
 * What the routes stacks cost a CI run: one terraform init and provider start each, and a refresh
 * of every entry, which spends Cloudflare's per-user API budget. A note, not a refusal: the same
 * entries cost the same requests in any layout (one stack per cell refreshes them too).
 */
export function describeRoutes(counts: Readonly<Record<string, number>>): string[] {
  const names = Object.keys(counts).sort();
  if (!names.length) return [];
  const total = names.reduce((n, k) => n + counts[k], 0);
  const lines = [
    `  route entries: ${total} Workers KV entries in ${names.length} routes stack(s) (${names.map((n) => `${n} ${counts[n]}`).join(", ")}): ${names.length} terraform init(s) and provider start(s)`,
  ];
  const busiest = Math.max(...names.map((n) => counts[n]));
  const share = Math.round((total / CLOUDFLARE_REQUESTS_PER_5_MIN) * 100);
  lines.push(
    `  Cloudflare API: a full plan refreshes ${total} entries (at least ${total} requests, ${share}% of the ${CLOUDFLARE_REQUESTS_PER_5_MIN} per 5 minutes a user may make); adding a tenant re-plans its region's routes stack (up to ${busiest})`,
  );
  if (total > CLOUDFLARE_REQUESTS_PER_5_MIN * 0.8) {
    lines.push(
      `  WARNING: above 80% of Cloudflare's API budget: plan the routes stacks apart from edge, or ask Cloudflare for a higher limit (docs/global-routing.md)`,
    );
  }
  return lines;
}
