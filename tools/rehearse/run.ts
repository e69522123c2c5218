import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../../config/deployment";
import { resolveSettings } from "../../config/settings";
import { initProviders, isAwsOnly, offlinePlanAvailability } from "../offline-plan";
import { providersOf, resourceCount, synthesize, SynthStack } from "../synth";
import { deployWaves, dependencyClosure } from "../waves";
import { Emulator, emulatorAvailability, MOTO_ACCOUNT_ID, startEmulator } from "./emulator";
import { stagingRehearsalInputs } from "./staging-inputs";
import { EmulatorGaps, loadGaps } from "./gaps";
import { Removal } from "./graph";
import { stopAll } from "./processes";
import { prepareScratch, ScratchStack } from "./scratch";
import { Terraform } from "./terraform";
import { Context, DestroyRun, Phase, RehearsalOptions, RehearsalSummary, StackRun } from "./types";
import { applyStack, checkAccountGuard, Run, upgradeStack } from "./stack-steps";
import { destroyStack, destroyWaves } from "./destroy";

export * from "./types";
export { destroyStack } from "./destroy";

/**
 * The apply rehearsal: the AWS stacks of a phase applied to moto in deploy waves, each re-planned
 * (which must show no changes), optionally upgraded to the next phase (plan-gate on the plan, apply,
 * re-plan) and destroyed in reverse order after recording what prevent_destroy and deletion
 * protection blocked.
 */

const EXAMPLE_INPUTS = path.join(ROOT, "terraform.tfvars.example");

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
