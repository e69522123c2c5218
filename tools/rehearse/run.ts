import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../config/deployment";
import { resolveSettings } from "../../config/settings";
import { PhaseNumber } from "../../phases/types";
import { destructiveChanges } from "../../policy/plan-gate";
import { initProviders, isAwsOnly, offlinePlanAvailability } from "../offline-plan";
import { providersOf, resourceCount, synthesize, SynthStack } from "../synth";
import { deployWaves, dependencyClosure } from "../waves";
import { SEEDERS } from "./aws";
import { Emulator, emulatorAvailability, MOTO_ACCOUNT_ID, startEmulator } from "./emulator";
import { stagingRehearsalInputs } from "./staging-inputs";
import { EmulatorGaps, loadGaps, splitByEnforcement } from "./gaps";
import { Removal } from "./graph";
import { stopAll } from "./processes";
import {
  deletionProtectedAddresses,
  liftProtections,
  prepareScratch,
  preventDestroyAddresses,
  ScratchApp,
  ScratchStack,
  stateFile,
} from "./scratch";
import { applyCounts, destroyCount, diffExcerpt, errorsOf, plannedChanges, rewriteConfig, Terraform, terraformIn } from "./terraform";

/**
 * The apply rehearsal: the AWS stacks of a phase applied to moto in deploy waves, each re-planned
 * (which must show no changes), optionally upgraded to the next phase (plan-gate on the plan, apply,
 * re-plan) and destroyed in reverse order after recording what prevent_destroy and deletion
 * protection blocked.
 */

export const EXAMPLE_INPUTS = path.join(ROOT, "terraform.tfvars.example");

export interface RehearsalOptions {
  readonly phase: PhaseNumber;
  readonly compute?: "apprunner" | "fargate";
  /** production (terraform.tfvars.example) or staging (staging.tfvars.example in the emulator's account). @default "production" */
  readonly environment?: "production" | "staging";
  /** Stacks to rehearse (their dependencies are applied first). @default - every AWS-only stack */
  readonly stacks?: readonly string[];
  readonly upgrade?: boolean;
  readonly destroy?: boolean;
  /** Keep the scratch directory (prepared stacks, state files, logs). @default - removed unless a step failed */
  readonly keep?: boolean;
  /** @default - a new directory under the OS temp dir */
  readonly scratchDir?: string;
  /** Stacks of one wave applied (or destroyed) at the same time. @default - the number of CPUs */
  readonly jobs?: number;
  readonly log?: (line: string) => void;
}

export type ReplanOutcome = "no changes" | "changes" | "error" | "not run";

export interface StackRun {
  readonly stack: string;
  readonly phase: number;
  readonly step: "apply" | "upgrade";
  readonly ok: boolean;
  /** Resources in the scratch copy (what the emulator was asked to hold). */
  readonly resources: number;
  /** Resources of the synthesized stack cut out by an emulator gap (directly or as dependants). */
  readonly excluded: number;
  readonly imported: number;
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  readonly seconds: number;
  readonly replan: ReplanOutcome;
  /** Upgrades: plan-gate on the upgrade plan. */
  readonly gate?: "pass" | "fail" | "no changes";
  readonly error?: string;
  readonly log: string;
}

export interface DestroyRun {
  readonly stack: string;
  readonly ok: boolean;
  /** Resources whose prevent_destroy stopped the first destroy plan (terraform's error). */
  readonly preventDestroyBlocked: readonly string[];
  readonly preventDestroyExpected: readonly string[];
  /** Resources whose deletion protection made the delete call fail, with the API error. */
  readonly deletionProtectionBlocked: readonly { readonly address: string; readonly error: string }[];
  /** Buckets S3 refused to delete because they hold objects (force_destroy is false), with the API error. */
  readonly notEmpty: readonly { readonly address: string; readonly error: string }[];
  readonly deletionProtectionExpected: readonly string[];
  /**
   * Deletion-protected resources of a type whose protection the emulator does not enforce (a gap in
   * tools/rehearse/emulator/emulator-gaps.json `unenforced`), with the gap's id: not expected to stop the delete.
   */
  readonly deletionProtectionUnenforced: readonly { readonly address: string; readonly gap: string }[];
  readonly destroyed: number;
  readonly seconds: number;
  readonly error?: string;
  readonly log: string;
}

export interface RehearsalSummary {
  readonly ok: boolean;
  readonly phase: number;
  readonly upgradedTo?: number;
  readonly compute: string;
  readonly moto: string;
  readonly terraform: string;
  readonly scratchDir: string;
  readonly kept: boolean;
  readonly seconds: number;
  /** The machine's 1-minute load average at the start and at the end (times depend on it). */
  readonly load: readonly [number, number];
  readonly applied: readonly StackRun[];
  readonly upgraded: readonly StackRun[];
  readonly destroyed: readonly DestroyRun[];
  /** Applied stacks the destroy left alone because a consumer of theirs could not be destroyed. */
  readonly destroySkipped: readonly { readonly stack: string; readonly reason: string }[];
  /** The allowed_account_ids guard, tried with a foreign account against the emulator's STS. */
  readonly accountGuard?: { readonly stack: string; readonly allowed: string; readonly refused: boolean; readonly error: string };
  /** Stacks of the phase not rehearsed, with the reason. */
  readonly notApplied: readonly { readonly stack: string; readonly reason: string }[];
  /** Everything cut out of the scratch copy, per phase. */
  readonly removals: Readonly<Record<string, readonly Removal[]>>;
  readonly failures: readonly string[];
}

export class RehearsalUnavailable extends Error {}

/** Whether the rehearsal can run here (terraform, the provider mirror, python3 with moto). */
export function rehearsalAvailability(
  gaps: EmulatorGaps = loadGaps(),
): { ok: true; moto: string; terraform: string } | { ok: false; reason: string } {
  if (process.env.RESTARTIX_SKIP_TERRAFORM === "1")
    return { ok: false, reason: "RESTARTIX_SKIP_TERRAFORM=1 (terraform-backed tests left out on purpose)" };
  const tf = offlinePlanAvailability();
  if (!tf.ok) return { ok: false, reason: tf.reason };
  const moto = emulatorAvailability(gaps.moto);
  if (!moto.ok) return { ok: false, reason: moto.reason };
  return { ok: true, moto: moto.version, terraform: tf.version };
}

interface Phase {
  readonly number: number;
  readonly stacks: readonly SynthStack[];
  readonly scratch: ScratchApp;
  readonly waves: readonly string[][];
  readonly absent: ReadonlyMap<string, string>;
  readonly excludedBySynthStack: ReadonlyMap<string, number>;
}

function synthPhase(
  phase: number,
  compute: string | undefined,
  scratchDir: string,
  environment?: string,
): { stacks: readonly SynthStack[]; compute: string } {
  const varsFile = environment === "staging" ? stagingRehearsalInputs(scratchDir, MOTO_ACCOUNT_ID) : EXAMPLE_INPUTS;
  const settings = resolveSettings({ phase, compute, backend: "local", varsFile });
  if (settings.deployment.accountId !== MOTO_ACCOUNT_ID) {
    throw new Error(
      `the example inputs' account_id is ${settings.deployment.accountId}; the emulator answers as ${MOTO_ACCOUNT_ID}, so allowed_account_ids would refuse every apply`,
    );
  }
  const result = synthesize({}, path.join(scratchDir, "synth", `phase${phase}`), settings);
  return { stacks: result.stacks, compute: settings.deployment.compute };
}

/** Bad input found before anything starts (unknown stack, a stack the mirror cannot apply, no next phase). */
export class RehearsalInputError extends Error {}

interface Selection {
  readonly chosen: ReadonlySet<string>;
  readonly absent: ReadonlyMap<string, string>;
}

/** The AWS-only stacks to apply (the selection and its dependencies), and why the others are not. */
function selectStacks(number: number, stacks: readonly SynthStack[], selection: readonly string[] | undefined): Selection {
  const absent = new Map<string, string>();
  for (const s of stacks)
    if (!isAwsOnly(s))
      absent.set(
        s.name,
        `providers ${providersOf(s).join(", ")} are not in the local mirror (covered by synth assertions and the policy pack)`,
      );
  const aws = stacks.filter(isAwsOnly);
  let chosen = new Set(aws.map((s) => s.name));
  if (selection) {
    const nodes = stacks.map((s) => ({ name: s.name, dependencies: s.dependencies }));
    const unknown = selection.filter((n) => !stacks.some((s) => s.name === n));
    if (unknown.length)
      throw new RehearsalInputError(
        `--stack: no stack ${unknown.join(", ")} in phase ${number}. Fix: pick from ${aws.map((s) => s.name).join(", ")}`,
      );
    const notAws = selection.filter((n) => absent.has(n));
    if (notAws.length)
      throw new RehearsalInputError(
        `--stack: ${notAws.join(", ")}: ${absent.get(notAws[0])}. Fix: pick AWS-only stacks: ${aws.map((s) => s.name).join(", ")}`,
      );
    chosen = new Set([...dependencyClosure(nodes, selection)].filter((n) => !absent.has(n)));
    for (const s of aws) if (!chosen.has(s.name)) absent.set(s.name, "not selected (--stack)");
  }
  return { chosen, absent };
}

function planPhase(
  number: number,
  stacks: readonly SynthStack[],
  selection: Selection,
  endpoint: string,
  stateDir: string,
  gaps: EmulatorGaps,
): Phase {
  const { chosen, absent } = selection;
  const aws = stacks.filter((s) => chosen.has(s.name));
  const nodes = stacks.map((s) => ({ name: s.name, dependencies: s.dependencies }));
  const scratch = prepareScratch(aws, { endpoint, stateDir, gaps, absent: new Set(absent.keys()) });
  const waves = deployWaves(nodes, { includeManual: true })
    .map((w) => w.map((s) => s.name).filter((n) => chosen.has(n)))
    .filter((w) => w.length > 0);
  const excludedBySynthStack = new Map<string, number>();
  for (const s of aws) excludedBySynthStack.set(s.name, resourceCount(s) - (scratch.stacks.get(s.name)?.resources ?? 0));
  return { number, stacks, scratch, waves, absent, excludedBySynthStack };
}

const firstError = (out: string): string => errorsOf(out)[0] ?? out.trim().split("\n").slice(-20).join("\n");

export async function rehearse(options: RehearsalOptions): Promise<RehearsalSummary> {
  const log = options.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const jobs = Math.max(1, options.jobs ?? os.cpus().length);
  const gaps = loadGaps();
  const available = rehearsalAvailability(gaps);
  if (!available.ok) throw new RehearsalUnavailable(available.reason);
  const scratchDir = options.scratchDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "restartix-rehearse-"));
  fs.mkdirSync(scratchDir, { recursive: true });
  const stateDir = path.join(scratchDir, "state");
  const logDir = path.join(scratchDir, "logs");
  fs.mkdirSync(stateDir, { recursive: true });
  fs.mkdirSync(logDir, { recursive: true });
  const workdir = path.join(scratchDir, "work");

  // Synthesize both phases and check the selection before anything starts: bad input stops here.
  const next = options.upgrade ? options.phase + 1 : undefined;
  let from: ReturnType<typeof synthPhase>;
  let to: ReturnType<typeof synthPhase> | undefined;
  let selectionN: Selection;
  let selectionM: Selection | undefined;
  try {
    if (next !== undefined && next > 4)
      throw new RehearsalInputError(
        `--upgrade: phase ${options.phase} is the last phase; there is no phase ${next}. Fix: leave out --upgrade`,
      );
    from = synthPhase(options.phase, options.compute, scratchDir, options.environment);
    to = next !== undefined ? synthPhase(next, options.compute, scratchDir, options.environment) : undefined;
    selectionN = selectStacks(options.phase, from.stacks, options.stacks);
    selectionM = to && next !== undefined ? selectStacks(next, to.stacks, options.stacks) : undefined;
  } catch (e) {
    if (!options.scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
    throw e;
  }

  const failures: string[] = [];
  const applied: StackRun[] = [];
  const upgraded: StackRun[] = [];
  const destroyed: DestroyRun[] = [];
  const destroySkipped: { stack: string; reason: string }[] = [];
  const removals: Record<string, Removal[]> = {};
  let emulator: Emulator | undefined;
  let accountGuard: RehearsalSummary["accountGuard"];
  const summary = (): RehearsalSummary => ({
    ok: failures.length === 0,
    phase: options.phase,
    upgradedTo: next,
    compute: from.compute,
    moto: available.moto,
    terraform: available.terraform,
    scratchDir,
    kept: Boolean(options.keep) || failures.length > 0,
    seconds: (Date.now() - started) / 1000,
    load: [loadAtStart, os.loadavg()[0]],
    applied,
    upgraded,
    destroyed,
    destroySkipped,
    accountGuard,
    notApplied: [...(phaseN?.absent ?? new Map<string, string>())].map(([stack, reason]) => ({ stack, reason })),
    removals,
    failures,
  });
  let phaseN: Phase | undefined;
  try {
    emulator = await startEmulator(gaps, path.join(logDir, "moto.log"));
    log(
      `rehearse: moto ${available.moto} on ${emulator.endpoint} (pid ${emulator.pid}), terraform ${available.terraform}, scratch ${scratchDir}`,
    );
    const ctx: Context = { emulator, workdir, logDir, stateDir, gaps, log };
    // Once, before stacks run side by side: two first inits would race on the shared directory.
    const providers = await initProviders(workdir);
    if (!providers.ok) throw new Error(`terraform init of the provider mirror failed:\n${providers.output}`);
    phaseN = planPhase(options.phase, from.stacks, selectionN, emulator.endpoint, stateDir, gaps);
    removals[`phase${options.phase}`] = [...phaseN.scratch.removals];
    reportRemovals(phaseN, log);

    // Stack directory of the configuration applied last, per stack (destroy uses it).
    const lastApplied = new Map<string, { tf: Terraform; json: any }>();
    const failed = new Set<string>();
    const blocked = (name: string, stacks: readonly SynthStack[]) => {
      const deps = stacks.find((s) => s.name === name)?.dependencies ?? [];
      return deps.find((d) => failed.has(d));
    };

    const firstStack = phaseN.scratch.stacks.get(phaseN.waves[0][0])!;
    accountGuard = await checkAccountGuard(firstStack, ctx);
    log(
      `account guard: ${firstStack.name} with allowed_account_ids = ["${accountGuard.allowed}"] ${accountGuard.refused ? `was refused by the provider (${accountGuard.error})` : "was NOT refused"}`,
    );
    if (!accountGuard.refused)
      failures.push(`allowed_account_ids did not refuse the emulator's account ${MOTO_ACCOUNT_ID}: ${accountGuard.error}`);

    log(
      `\nphase ${options.phase} (${from.compute}): ${phaseN.waves.flat().length} stacks in ${phaseN.waves.length} waves, up to ${jobs} at a time`,
    );
    // Stacks of one wave are independent: they run side by side, so the provider's waits overlap.
    const runWaves = async (
      p: Phase,
      stacks: readonly SynthStack[],
      into: StackRun[],
      step: (s: ScratchStack, wave: number) => Promise<Run>,
    ) => {
      for (const [i, wave] of p.waves.entries()) {
        const runnable = wave.filter((name) => {
          const dep = blocked(name, stacks);
          if (dep) {
            failed.add(name);
            log(`  [wave ${i + 1}] skip ${name}: its dependency ${dep} failed`);
          }
          return !dep;
        });
        const runs = await inParallel(runnable, jobs, (name) => step(p.scratch.stacks.get(name)!, i + 1));
        for (const run of runs) {
          const { tf, ...report } = run;
          into.push(report);
          // Whatever a stack left in state is destroyed at the end, even after a failed apply. A
          // stack that applied but re-plans with changes is a failure, yet its state is complete:
          // its dependants still run, so one rehearsal shows every problem.
          lastApplied.set(run.stack, { tf, json: p.scratch.stacks.get(run.stack)!.json });
          if (!run.ok) {
            if (run.replan !== "changes") failed.add(run.stack);
            failures.push(`${run.stack} (phase ${run.phase} ${run.step}): ${run.error}`);
          }
        }
      }
    };
    const first = phaseN;
    await runWaves(first, from.stacks, applied, (s, wave) => applyStack(s, options.phase, first, ctx, wave));

    if (to && next !== undefined && selectionM && failures.length === 0) {
      const phaseM = planPhase(next, to.stacks, selectionM, emulator.endpoint, stateDir, gaps);
      removals[`phase${next}`] = [...phaseM.scratch.removals];
      log(`\nupgrade to phase ${next}: ${phaseM.waves.flat().length} stacks in ${phaseM.waves.length} waves (plan-gate on every plan)`);
      reportRemovals(phaseM, log);
      await runWaves(phaseM, to.stacks, upgraded, (s, wave) =>
        lastApplied.has(s.name) ? upgradeStack(s, next, phaseM, ctx, wave) : applyStack(s, next, phaseM, ctx, wave),
      );
      const dropped = [...lastApplied.keys()].filter((n) => !phaseM.scratch.stacks.has(n));
      if (dropped.length) log(`  not in phase ${next} (left applied): ${dropped.join(", ")}`);
    }

    if (options.destroy) {
      const waves = destroyWaves([...lastApplied.keys()], [...from.stacks, ...(to?.stacks ?? [])]);
      log(`\ndestroy: ${waves.flat().length} stacks in reverse deploy order`);
      // A stack whose consumer could not be destroyed stays: real AWS would refuse to remove what
      // the consumer still uses (subnets under a database), the emulator might not.
      const all = [...from.stacks, ...(to?.stacks ?? [])];
      const consumers = (name: string) => [...new Set(all.filter((s) => s.dependencies.includes(name)).map((s) => s.name))];
      const notDestroyed = new Set<string>();
      for (const wave of waves) {
        const runnable = wave.filter((name) => {
          const held = consumers(name).find((c) => notDestroyed.has(c));
          if (held) {
            notDestroyed.add(name);
            destroySkipped.push({ stack: name, reason: `${held} still holds resources` });
            log(`  skip ${name}: ${held} still holds resources`);
          }
          return !held;
        });
        const runs = await inParallel(runnable, jobs, (name) =>
          destroyStack(name, lastApplied.get(name)!.tf, lastApplied.get(name)!.json, ctx),
        );
        for (const run of runs) {
          destroyed.push(run);
          if (!run.ok) {
            notDestroyed.add(run.stack);
            failures.push(`${run.stack} (destroy): ${run.error}`);
          }
        }
      }
    }
  } catch (e) {
    failures.push(`rehearsal stopped: ${(e as Error).message}`);
    throw Object.assign(e as Error, { summary: summary() });
  } finally {
    if (emulator) await emulator.stop();
    await stopAll();
    const s = summary();
    fs.writeFileSync(path.join(scratchDir, "summary.json"), JSON.stringify(s, null, 2));
    if (!s.kept) fs.rmSync(scratchDir, { recursive: true, force: true });
  }
  return summary();
}

function reportRemovals(phase: Phase, log: (l: string) => void): void {
  const direct = phase.scratch.removals.filter((r) => r.gap && !r.address.startsWith("output."));
  const byGap = new Map<string, number>();
  for (const r of direct) byGap.set(r.gap!, (byGap.get(r.gap!) ?? 0) + 1);
  const dependants = phase.scratch.removals.filter((r) => !r.gap && !r.address.startsWith("output.") && !r.address.startsWith("data."));
  if (direct.length + dependants.length === 0) return;
  log(
    `emulator gaps (phase ${phase.number}): ${direct.length} resources excluded (${[...byGap].map(([g, n]) => `${g}: ${n}`).join(", ")}), ` +
      `${dependants.length} dependants removed with them (tools/rehearse/emulator/emulator-gaps.json)`,
  );
}

function logFile(logDir: string, phase: number, stack: string, step: string): string {
  return path.join(logDir, `phase${phase}-${stack}-${step}.log`);
}

function append(file: string, title: string, out: string): void {
  fs.appendFileSync(file, `\n===== ${title} =====\n${out}`);
}

type Run = StackRun & { tf: Terraform };

async function seedImports(s: ScratchStack, emulator: Emulator, state: string): Promise<number> {
  // Only before the first apply: later the imported objects are in state.
  if (fs.existsSync(state) && fs.statSync(state).size > 0) return 0;
  for (const i of s.imports) {
    const type = i.to.slice(0, i.to.indexOf("."));
    const seed = SEEDERS[type];
    if (!seed)
      throw new Error(
        `${s.name}: import of ${i.to} (${type}) cannot be rehearsed: no seeder creates the existing object. Fix: add one to tools/rehearse/aws.ts`,
      );
    await seed(emulator.endpoint, i.id, i.region);
  }
  return s.imports.length;
}

/**
 * The account guard against a real caller identity: the first stack planned with another account
 * in allowed_account_ids must be refused by the provider before it reads or changes anything.
 */
async function checkAccountGuard(s: ScratchStack, ctx: Context): Promise<NonNullable<RehearsalSummary["accountGuard"]>> {
  const allowed = "111111111111";
  const json = JSON.parse(JSON.stringify(s.json));
  for (const p of json.provider?.aws ?? []) p.allowed_account_ids = [allowed];
  delete json.terraform.backend;
  delete json.import;
  const tf = await terraformIn(ctx.workdir, path.join(ctx.workdir, "account-guard"), json, ctx.emulator.endpoint);
  const plan = await tf.plan(["-refresh=false", "-lock=false"]);
  append(
    path.join(ctx.logDir, "account-guard.log"),
    `terraform plan (allowed_account_ids = ${allowed}), ${plan.seconds.toFixed(0)} s`,
    plan.out,
  );
  const error = errorsOf(plan.out).find((e) => /account ID not allowed/i.test(e)) ?? firstError(plan.out);
  return {
    stack: s.name,
    allowed,
    refused: plan.code === 1 && /account ID not allowed/i.test(error),
    error: error.replace(/\s+/g, " ").slice(0, 200),
  };
}

/** What every step needs: the emulator, where to work and where to write. */
export interface Context {
  readonly emulator: Emulator;
  readonly workdir: string;
  readonly logDir: string;
  readonly stateDir: string;
  readonly gaps: EmulatorGaps;
  readonly log: (l: string) => void;
}

async function applyStack(s: ScratchStack, phase: number, p: Phase, ctx: Context, wave: number): Promise<Run> {
  const { emulator, workdir, logDir, log } = ctx;
  const started = Date.now();
  const file = logFile(logDir, phase, s.name, "apply");
  const tf = await terraformIn(workdir, path.join(workdir, `phase${phase}`, s.name), s.json, emulator.endpoint);
  const base = {
    stack: s.name,
    phase,
    step: "apply" as const,
    resources: s.resources,
    excluded: p.excludedBySynthStack.get(s.name) ?? 0,
    log: file,
    tf,
  };
  const fail = (error: string, partial: Partial<StackRun> = {}): Run => {
    log(`  [wave ${wave}] FAIL ${s.name}: ${error.split("\n")[0]} (log: ${file})`);
    return {
      ...base,
      ok: false,
      imported: 0,
      added: 0,
      changed: 0,
      destroyed: 0,
      replan: "not run",
      ...partial,
      seconds: (Date.now() - started) / 1000,
      error,
    };
  };
  const init = await tf.init();
  append(file, `terraform init, ${init.seconds.toFixed(0)} s`, init.out);
  if (init.code !== 0) return fail(`terraform init: ${firstError(init.out)}`);
  const seeded = await seedImports(s, emulator, stateFile(ctx.stateDir, s.name));
  if (seeded) append(file, "seeded", s.imports.map((i) => `${i.to} <- ${i.id} (${i.region})`).join("\n"));
  const apply = await tf.apply();
  append(file, `terraform apply, ${apply.seconds.toFixed(0)} s`, apply.out);
  const counts = applyCounts(apply.out);
  if (apply.code !== 0) return fail(`apply: ${firstError(apply.out)}`, counts);
  const plan = await tf.plan();
  append(file, `terraform plan -detailed-exitcode (re-plan), ${plan.seconds.toFixed(0)} s`, plan.out);
  const seconds = (Date.now() - started) / 1000;
  if (plan.code === 2)
    return fail(`re-plan shows changes: ${plannedChanges(plan.out).join("; ")}\n${diffExcerpt(plan.out)}`, {
      ...counts,
      replan: "changes",
    });
  if (plan.code !== 0) return fail(`re-plan: ${firstError(plan.out)}`, { ...counts, replan: "error" });
  const imported = counts.imported ? `, ${counts.imported} imported` : "";
  log(
    `  [wave ${wave}] ok   ${s.name.padEnd(18)} ${String(counts.added).padStart(3)} added${imported}${base.excluded ? `, ${base.excluded} excluded` : ""}, re-plan: no changes (${seconds.toFixed(0)} s)`,
  );
  return { ...base, ok: true, ...counts, replan: "no changes", seconds };
}

async function upgradeStack(s: ScratchStack, phase: number, p: Phase, ctx: Context, wave: number): Promise<Run> {
  const { emulator, workdir, logDir, log } = ctx;
  const started = Date.now();
  const file = logFile(logDir, phase, s.name, "upgrade");
  const tf = await terraformIn(workdir, path.join(workdir, `phase${phase}`, s.name), s.json, emulator.endpoint);
  const base = {
    stack: s.name,
    phase,
    step: "upgrade" as const,
    resources: s.resources,
    excluded: p.excludedBySynthStack.get(s.name) ?? 0,
    log: file,
    tf,
  };
  const fail = (error: string, partial: Partial<StackRun> = {}): Run => {
    log(`  [wave ${wave}] FAIL ${s.name}: ${error.split("\n")[0]} (log: ${file})`);
    return {
      ...base,
      ok: false,
      imported: 0,
      added: 0,
      changed: 0,
      destroyed: 0,
      replan: "not run",
      ...partial,
      seconds: (Date.now() - started) / 1000,
      error,
    };
  };
  const init = await tf.init();
  append(file, `terraform init, ${init.seconds.toFixed(0)} s`, init.out);
  if (init.code !== 0) return fail(`terraform init: ${firstError(init.out)}`);
  const plan = await tf.plan(["-out=upgrade.tfplan"]);
  append(file, `terraform plan (upgrade), ${plan.seconds.toFixed(0)} s`, plan.out);
  if (plan.code === 1) return fail(`upgrade plan: ${firstError(plan.out)}`);
  let counts = { imported: 0, added: 0, changed: 0, destroyed: 0 };
  let gate: StackRun["gate"] = "no changes";
  if (plan.code === 2) {
    const show = await tf.show("upgrade.tfplan");
    if (show.code !== 0) return fail(`terraform show: ${firstError(show.out)}`);
    fs.writeFileSync(path.join(tf.dir, "upgrade.plan.json"), show.out);
    const destructive = destructiveChanges(JSON.parse(show.out));
    append(
      file,
      "plan-gate",
      destructive.length ? destructive.map((d) => `${d.address} ${d.description} ${d.forcedBy.join(",")}`).join("\n") : "pass",
    );
    if (destructive.length) {
      return fail(
        `plan-gate: ${destructive.length} delete/replace of stateful resources: ${destructive.map((d) => `${d.address} (${d.description}${d.forcedBy.length ? `, forced by ${d.forcedBy.join(", ")}` : ""})`).join("; ")}`,
        { gate: "fail" },
      );
    }
    gate = "pass";
    const apply = await tf.apply("upgrade.tfplan");
    append(file, `terraform apply upgrade.tfplan, ${apply.seconds.toFixed(0)} s`, apply.out);
    counts = applyCounts(apply.out);
    if (apply.code !== 0) return fail(`apply: ${firstError(apply.out)}`, { ...counts, gate });
  }
  const replan = await tf.plan();
  append(file, `terraform plan -detailed-exitcode (re-plan), ${replan.seconds.toFixed(0)} s`, replan.out);
  const seconds = (Date.now() - started) / 1000;
  if (replan.code === 2)
    return fail(`re-plan shows changes: ${plannedChanges(replan.out).join("; ")}\n${diffExcerpt(replan.out)}`, {
      ...counts,
      gate,
      replan: "changes",
    });
  if (replan.code !== 0) return fail(`re-plan: ${firstError(replan.out)}`, { ...counts, gate, replan: "error" });
  log(
    `  [wave ${wave}] ok   ${s.name.padEnd(18)} ${gate === "no changes" ? "no changes" : `${counts.added} added, ${counts.changed} changed, ${counts.destroyed} destroyed, plan-gate pass`}, re-plan: no changes (${seconds.toFixed(0)} s)`,
  );
  return { ...base, ok: true, ...counts, gate, replan: "no changes", seconds };
}

/** Applied stacks in reverse deploy waves: every consumer's wave comes before its producers'. */
function destroyWaves(names: readonly string[], stacks: readonly SynthStack[]): string[][] {
  const deps = new Map<string, Set<string>>();
  for (const s of stacks) deps.set(s.name, new Set([...(deps.get(s.name) ?? []), ...s.dependencies]));
  const nodes = [...deps].map(([name, d]) => ({ name, dependencies: [...d].filter((x) => deps.has(x)) }));
  const wanted = new Set(names);
  return deployWaves(nodes, { includeManual: true })
    .map((w) => w.map((s) => s.name).filter((n) => wanted.has(n)))
    .filter((w) => w.length > 0)
    .reverse();
}

/** Runs `fn` over `items`, at most `jobs` at once; the results in the items' order. */
async function inParallel<T, R>(items: readonly T[], jobs: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return out;
}

const PREVENT = /Resource (\S+) has lifecycle\.prevent_destroy set/g;

/** Tears one stack down, proving on the way that its protections refuse (exported for its tests). */
export async function destroyStack(
  name: string,
  tf: Terraform,
  json: any,
  ctx: Pick<Context, "logDir" | "log" | "gaps">,
): Promise<DestroyRun> {
  const { logDir, log } = ctx;
  const started = Date.now();
  const file = path.join(logDir, `destroy-${name}.log`);
  // Only what is in state can be protected (a stack whose apply failed holds part of its resources).
  const inState = new Set(await managedInState(tf, file));
  const preventDestroyExpected = preventDestroyAddresses(json).filter((a) => inState.has(a));
  const { enforced: deletionProtectionExpected, unenforced: deletionProtectionUnenforced } = splitByEnforcement(
    deletionProtectedAddresses(json).filter((a) => inState.has(a)),
    ctx.gaps,
  );
  const base = { stack: name, log: file, preventDestroyExpected, deletionProtectionExpected, deletionProtectionUnenforced };
  let preventDestroyBlocked: string[] = [];
  const deletionProtectionBlocked: { address: string; error: string }[] = [];
  const notEmpty: { address: string; error: string }[] = [];
  let destroyedCount = 0;
  const result = (ok: boolean, error?: string): DestroyRun => {
    const seconds = (Date.now() - started) / 1000;
    if (ok) {
      log(
        `  ok   ${name.padEnd(18)} prevent_destroy stopped ${preventDestroyBlocked.length}/${preventDestroyExpected.length}, deletion protection ${deletionProtectionBlocked.length}/${deletionProtectionExpected.length}` +
          `${deletionProtectionUnenforced.length ? ` (${deletionProtectionUnenforced.length} not enforced by the emulator: ${[...new Set(deletionProtectionUnenforced.map((u) => u.gap))].join(", ")})` : ""}` +
          `${notEmpty.length ? `, ${notEmpty.length} bucket(s) not empty` : ""}; lifted in the scratch copy, ${destroyedCount} destroyed (${seconds.toFixed(0)} s)`,
      );
    } else log(`  FAIL ${name}: ${error?.split("\n")[0]} (log: ${file})`);
    return { ...base, ok, error, preventDestroyBlocked, deletionProtectionBlocked, notEmpty, destroyed: destroyedCount, seconds };
  };
  if (inState.size === 0) return result(true);

  // 1. The configuration as deployed: prevent_destroy must stop the plan for each guarded resource.
  //    Terraform reports a guarded resource only once its dependants are planned away, so the ones
  //    it names are lifted (scratch copy only) and the plan repeated until it names no more.
  for (let round = 1; preventDestroyExpected.length > 0; round++) {
    rewriteConfig(tf.dir, liftProtections(json, { deletionProtection: false, preventDestroyOn: preventDestroyBlocked }));
    const plan = await tf.plan(["-destroy", "-refresh=false"]);
    append(
      file,
      `terraform plan -destroy (prevent_destroy lifted on ${preventDestroyBlocked.length}), ${plan.seconds.toFixed(0)} s`,
      plan.out,
    );
    const named = [...new Set([...plan.out.replace(/\s+/g, " ").matchAll(PREVENT)].map((m) => m[1]))].filter(
      (a) => !preventDestroyBlocked.includes(a),
    );
    const otherErrors = errorsOf(plan.out).filter((e) => !e.startsWith("Error: Instance cannot be destroyed"));
    if (otherErrors.length) return result(false, `destroy plan failed: ${otherErrors[0]}`);
    if (plan.code !== 1 || named.length === 0 || round > 10) break;
    preventDestroyBlocked = [...preventDestroyBlocked, ...named].sort();
  }
  const missed = preventDestroyExpected.filter((a) => !preventDestroyBlocked.includes(a));
  if (missed.length) return result(false, `prevent_destroy did not stop the destroy of ${missed.join(", ")}`);

  // 2. prevent_destroy lifted (scratch copy only): deletion protection must make the delete calls
  //    fail; S3 refuses to delete a bucket that holds objects (force_destroy is false). Terraform
  //    deletes dependants first and stops a branch at the first refusal, so a protected resource
  //    whose dependants are protected too (the primary database under its read replicas) is only
  //    reached once they are gone: each round lifts the protection of those that refused (scratch
  //    copy only, applied to them alone) and destroys again, until no new protection refuses.
  for (let round = 1; ; round++) {
    const lifted = deletionProtectionBlocked.map((b) => b.address);
    rewriteConfig(
      tf.dir,
      liftProtections(json, { deletionProtection: lifted.length > 0, deletionProtectionOn: lifted, forceDestroy: false }),
    );
    const newlyLifted = lifted.filter((a) => inState.has(a));
    if (newlyLifted.length) {
      const off = await tf.applyTargets(newlyLifted);
      append(file, `terraform apply -target (deletion protection off on ${newlyLifted.join(", ")}), ${off.seconds.toFixed(0)} s`, off.out);
      if (off.code !== 0) return result(false, `lifting deletion protection: ${firstError(off.out)}`);
    }
    const run = await tf.destroy();
    append(file, `terraform destroy (prevent_destroy lifted, round ${round}), ${run.seconds.toFixed(0)} s`, run.out);
    destroyedCount += countDestroyed(run.out);
    // terraform names the object, not the address, in a failed delete: "deleting RDS DB Instance
    // (restartix-prod): ... Cannot delete protected DB Instance". Each error is matched to the
    // resource still in state whose configuration holds that id.
    const left = await managedInState(tf, file);
    inState.clear();
    for (const a of left) inState.add(a);
    const unexpected: string[] = [];
    const blockedBefore = deletionProtectionBlocked.length;
    for (const block of errorsOf(run.out)) {
      const error = block.split("\n")[0].slice(0, 600);
      const id = /^Error: deleting [^(]*\(([^)]+)\)/.exec(block)?.[1];
      const address = /with (\S+?),/.exec(block)?.[1] ?? (id ? addressOfFailedDelete(json, left, block, id) : undefined) ?? "";
      const unenforcedGap = deletionProtectionUnenforced.find((u) => u.address === address)?.gap;
      if (deletionProtectionExpected.includes(address) && /protect/i.test(block)) {
        if (!deletionProtectionBlocked.some((b) => b.address === address)) deletionProtectionBlocked.push({ address, error });
      } else if (unenforcedGap && /protect/i.test(block)) {
        unexpected.push(
          `${address}: the emulator now enforces this deletion protection; remove the gap "${unenforcedGap}" from tools/rehearse/emulator/emulator-gaps.json (${error})`,
        );
      } else if (address.startsWith("aws_s3_bucket.") && /BucketNotEmpty/.test(block)) {
        if (!notEmpty.some((b) => b.address === address)) notEmpty.push({ address, error });
      } else unexpected.push(`${address || "?"}: ${error}`);
    }
    if (unexpected.length) return result(false, `destroy failed: ${unexpected[0]}`);
    if (run.code === 0 || deletionProtectionBlocked.length === blockedBefore) break;
    if (round >= 10) return result(false, `destroy: deletion protection still refusing after ${round} rounds`);
  }
  const notStopped = deletionProtectionExpected.filter((a) => !deletionProtectionBlocked.some((b) => b.address === a));
  const deletedAnyway = notStopped.filter((a) => !inState.has(a));
  if (deletedAnyway.length)
    return result(false, `deletion protection did not stop the delete of ${deletedAnyway.join(", ")} in the emulator`);
  if (notStopped.length)
    return result(false, `the destroy never reached ${notStopped.join(", ")} (still in state; see the log for what blocked it)`);
  if (inState.size === 0) return verifyEmpty(tf, file).then((e) => result(!e, e));

  // 3. Everything lifted (scratch copy only): deletion protection off and force_destroy on for the
  //    resources that refused, applied to them alone, then the destroy.
  rewriteConfig(tf.dir, liftProtections(json, { deletionProtection: true, forceDestroy: true }));
  const targets = [...deletionProtectionBlocked, ...notEmpty].map((b) => b.address).filter((a) => inState.has(a));
  if (targets.length === 0)
    return result(false, `destroy: ${[...inState].join(", ")} left in state, refused by nothing the rehearsal lifts (see the log)`);
  const off = await tf.applyTargets(targets);
  append(file, `terraform apply -target (deletion protection off, force_destroy on), ${off.seconds.toFixed(0)} s`, off.out);
  if (off.code !== 0) return result(false, `lifting deletion protection: ${firstError(off.out)}`);
  const third = await tf.destroy();
  append(file, `terraform destroy (all protections lifted), ${third.seconds.toFixed(0)} s`, third.out);
  destroyedCount += countDestroyed(third.out);
  if (third.code !== 0) return result(false, `destroy: ${firstError(third.out)}`);
  return verifyEmpty(tf, file).then((e) => result(!e, e));
}

function countDestroyed(out: string): number {
  const complete = destroyCount(out);
  if (complete) return complete;
  return [...out.matchAll(/: Destruction complete after/g)].length;
}

/** The nouns the provider's delete errors use ("deleting RDS DB Instance (x)"), with their types. */
const DELETE_ERROR_TYPES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^Error: deleting RDS DB Instance/, ["aws_db_instance"]],
  [/^Error: deleting RDS Cluster/, ["aws_rds_cluster"]],
  [/^Error: deleting ELBv2 Load Balancer/, ["aws_lb", "aws_alb"]],
  [/^Error: deleting DynamoDB Table/, ["aws_dynamodb_table"]],
  [/^Error: deleting S3 Bucket/, ["aws_s3_bucket"]],
];

/**
 * The resource a failed delete names by its id: destroy errors carry no `with <address>` line. Ids
 * are not unique across types (the database and its subnet group are both `restartix-prod`), so a
 * resource of the type the error names wins.
 */
export function addressOfFailedDelete(json: any, inState: readonly string[], error: string, id: string): string | undefined {
  const candidates = inState.filter((a) => configHolds(json, a, id));
  const types = DELETE_ERROR_TYPES.find(([re]) => re.test(error))?.[1] ?? [];
  return candidates.find((a) => types.includes(a.slice(0, a.indexOf(".")))) ?? candidates[0];
}

/** Whether the resource's configuration has `id` as the value of a top-level attribute (its name, bucket, identifier). */
function configHolds(json: any, address: string, id: string): boolean {
  const dot = address.indexOf(".");
  const config = json.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)] ?? {};
  return Object.values(config).some((v) => v === id);
}

async function managedInState(tf: Terraform, file: string): Promise<string[]> {
  const list = await tf.stateList();
  append(file, `terraform state list, ${list.seconds.toFixed(0)} s`, list.out);
  if (list.code !== 0) return [];
  return list.out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("data."));
}

async function verifyEmpty(tf: Terraform, file: string): Promise<string | undefined> {
  const left = await managedInState(tf, file);
  return left.length ? `resources left in state after destroy: ${left.join(", ")}` : undefined;
}
