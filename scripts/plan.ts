import * as os from "os";
import * as path from "path";
import { optionsFrom, resolveSettings } from "../config/settings";
import { ROOT } from "../config/deployment";
import { CommandSpec, ParsedCommand, runCommand, SYNTH_FLAGS, UsageError } from "../tools/cli";
import { isAwsOnly, offlinePlanAvailability, planAll, PlanResult } from "../tools/offline-plan";
import { dependencyOrder, providersOf, synthesize } from "../tools/synth";

export const spec: CommandSpec = {
  name: "plan",
  summary:
    "A real terraform init + plan of every AWS-only stack of the phase, offline, against the mirrored hashicorp/aws provider, in dependency order.",
  usage: [
    "[--phase N] [--stack NAME[,NAME...]] [--compute apprunner|fargate] [--environment production|staging] [--jobs N] [--vars FILE] [--tenants FILE]",
  ],
  flags: {
    phase: SYNTH_FLAGS.phase,
    stack: { type: "string", valueName: "NAMES", description: "plan only these stacks (comma-separated; AWS-only stacks of the phase)" },
    compute: SYNTH_FLAGS.compute,
    environment: SYNTH_FLAGS.environment,
    jobs: { type: "integer", min: 1, max: 64, description: "stacks planned at a time (default: PLAN_JOBS, else the number of CPUs)" },
    vars: SYNTH_FLAGS.vars,
    tenants: SYNTH_FLAGS.tenants,
  },
  epilog: [
    "State is local and stubbed (backend local); upstream stacks' outputs are stubbed; import blocks are left out offline.",
    "Exit 1 when any stack fails to plan or terraform / the provider mirror is missing.",
  ],
};

/** Stacks planned at a time: --jobs, else PLAN_JOBS (checked like the flag), else the CPUs. */
function jobsOf(flag: number | undefined, env: NodeJS.ProcessEnv): number {
  if (flag !== undefined) return flag;
  const text = env.PLAN_JOBS;
  if (text === undefined || text === "") return os.cpus().length;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64)
    throw new UsageError(`PLAN_JOBS: got "${text}"; expected a whole number from 1 to 64. Fix: PLAN_JOBS=2, or unset it`);
  return Number(text);
}

/** What a plan run covers: the phase resolved like synth's (--phase, PHASE, phase in the tfvars file, 1), always on local state. */
export function planTarget(flags: ParsedCommand["flags"], env: NodeJS.ProcessEnv) {
  const jobs = jobsOf(flags.jobs as number | undefined, env);
  const options = { ...optionsFrom(flags, env), backend: "local" };
  const settings = resolveSettings(options);
  const outdir = path.join(ROOT, ".plan", `phase${settings.phase.phase}`, "synth");
  return { jobs, options, settings, outdir };
}

/**
 * npm run plan -- --phase N [--stack NAME] [--compute apprunner|fargate] [--jobs N]
 * A real terraform init + plan of every AWS-only stack of the phase, offline, in dependency order.
 * The phase is resolved like synth's (--phase, PHASE, phase in deployment.tfvars, 1).
 */
export async function main({ flags }: ParsedCommand): Promise<number> {
  const { jobs, options, settings, outdir } = planTarget(flags, process.env);
  const availability = offlinePlanAvailability();
  if (!availability.ok) {
    console.error(`plan: cannot run: ${availability.reason}`);
    return 1;
  }
  const phase = settings.phase.phase;
  const synth = synthesize(options, outdir, settings);
  const all = new Map(synth.stacks.map((s) => [s.name, s]));
  const ordered = dependencyOrder(synth.stacks);
  let targets = ordered.filter(isAwsOnly);
  const skipped = ordered.filter((s) => !isAwsOnly(s));
  if (typeof flags.stack === "string") {
    const wanted = flags.stack.split(",").map((w) => w.trim());
    const unknown = wanted.filter((w) => !all.has(w));
    if (unknown.length) {
      throw new UsageError(
        `--stack: no stack named ${unknown.map((u) => JSON.stringify(u)).join(", ")} in phase ${phase}. Fix: use one of ${[...all.keys()].join(", ")}`,
      );
    }
    const notAws = wanted.filter((w) => !isAwsOnly(all.get(w)!));
    if (notAws.length) {
      throw new UsageError(
        `--stack: ${notAws.join(", ")} use${notAws.length === 1 ? "s" : ""} providers that are not in the local mirror (${notAws.map((n) => providersOf(all.get(n)!).join("+")).join(", ")}). Fix: name AWS-only stacks; the others are covered by tests on the synthesized JSON`,
      );
    }
    targets = targets.filter((s) => wanted.includes(s.name));
  }
  console.log(
    `plan: phase ${phase}, ${targets.length} AWS-only stack(s), terraform ${availability.version}, ${jobs} at a time, provider hashicorp/aws from the local mirror`,
  );
  const started = Date.now();
  const results = await planAll(
    targets,
    all,
    { workdir: path.join(ROOT, ".plan", `phase${phase}`, "work"), accountId: synth.settings.deployment.accountId, jobs },
    (r, done, total) => {
      const note = r.skippedImports ? ` (${r.skippedImports} import block(s) left out offline)` : "";
      console.log(`[${done}/${total}] ${r.ok ? "ok  " : "FAIL"} ${r.stack.padEnd(24)} ${r.summary}${note} (${r.seconds.toFixed(1)} s)`);
      if (!r.ok) console.log(indent(r.output.trim().split("\n").slice(-30).join("\n")));
    },
  );
  printSummary(
    results,
    skipped.map((s) => `${s.name} (${providersOf(s).join(", ")})`),
    (Date.now() - started) / 1000,
  );
  return results.every((r) => r.ok) ? 0 : 1;
}

function printSummary(results: PlanResult[], notPlanned: string[], seconds: number): void {
  const failed = results.filter((r) => !r.ok);
  const totals = results.reduce((t, r) => ({ add: t.add + r.add, change: t.change + r.change, destroy: t.destroy + r.destroy }), {
    add: 0,
    change: 0,
    destroy: 0,
  });
  console.log("");
  console.log("In dependency order:");
  for (const r of results) console.log(`  ${r.ok ? "ok  " : "FAIL"} ${r.stack.padEnd(24)} ${r.summary}`);
  console.log(
    `Summary: ${results.length - failed.length}/${results.length} stacks planned, ${totals.add} to add, ${totals.change} to change, ${totals.destroy} to destroy, ${seconds.toFixed(1)} s`,
  );
  if (failed.length) console.log(`Failed: ${failed.map((r) => r.stack).join(", ")}`);
  if (notPlanned.length)
    console.log(
      `Not planned offline (provider not in the local mirror; checked by tests on the synthesized JSON): ${notPlanned.join(", ")}`,
    );
}

const indent = (s: string) => s.replace(/^/gm, "    ");

if (require.main === module) runCommand(spec, main);
