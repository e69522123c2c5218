import * as os from "os";
import * as path from "path";
import { ConfigError } from "../config/errors";
import { parseFlags } from "../config/settings";
import { ROOT } from "../config/deployment";
import { isAwsOnly, offlinePlanAvailability, planAll, PlanResult } from "../tools/offline-plan";
import { dependencyOrder, providersOf, synthesize } from "../tools/synth";

/**
 * npm run plan -- --phase N [--stack NAME] [--compute apprunner|fargate] [--jobs N]
 * A real terraform init + plan of every AWS-only stack of the phase, offline, in dependency order.
 */
async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const availability = offlinePlanAvailability();
  if (!availability.ok) {
    console.error(`plan: cannot run: ${availability.reason}`);
    return 1;
  }
  const phase = flags.phase ?? process.env.PHASE ?? "1";
  const outdir = path.join(ROOT, ".plan", `phase${phase}`, "synth");
  const synth = synthesize({ phase, backend: "local", compute: flags.compute ?? process.env.COMPUTE, varsFile: flags.vars }, outdir);
  const all = new Map(synth.stacks.map((s) => [s.name, s]));
  const ordered = dependencyOrder(synth.stacks);
  let targets = ordered.filter(isAwsOnly);
  const skipped = ordered.filter((s) => !isAwsOnly(s));
  if (flags.stack) {
    const wanted = flags.stack.split(",");
    const unknown = wanted.filter((w) => !all.has(w));
    if (unknown.length) {
      console.error(`plan: no stack named ${unknown.join(", ")} in phase ${phase} (stacks: ${[...all.keys()].join(", ")})`);
      return 2;
    }
    const notAws = wanted.filter((w) => !isAwsOnly(all.get(w)!));
    if (notAws.length) {
      console.error(`plan: ${notAws.join(", ")} use${notAws.length === 1 ? "s" : ""} providers that are not in the local mirror (${notAws.map((n) => providersOf(all.get(n)!).join("+")).join(", ")}); only AWS-only stacks can be planned offline`);
      return 2;
    }
    targets = targets.filter((s) => wanted.includes(s.name));
  }
  const jobs = Number(flags.jobs ?? process.env.PLAN_JOBS ?? os.cpus().length);
  console.log(`plan: phase ${phase}, ${targets.length} AWS-only stack(s), terraform ${availability.version}, ${jobs} at a time, provider hashicorp/aws from the local mirror`);
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
  printSummary(results, skipped.map((s) => `${s.name} (${providersOf(s).join(", ")})`), (Date.now() - started) / 1000);
  return results.every((r) => r.ok) ? 0 : 1;
}

function printSummary(results: PlanResult[], notPlanned: string[], seconds: number): void {
  const failed = results.filter((r) => !r.ok);
  const totals = results.reduce((t, r) => ({ add: t.add + r.add, change: t.change + r.change, destroy: t.destroy + r.destroy }), { add: 0, change: 0, destroy: 0 });
  console.log("");
  console.log("In dependency order:");
  for (const r of results) console.log(`  ${r.ok ? "ok  " : "FAIL"} ${r.stack.padEnd(24)} ${r.summary}`);
  console.log(`Summary: ${results.length - failed.length}/${results.length} stacks planned, ${totals.add} to add, ${totals.change} to change, ${totals.destroy} to destroy, ${seconds.toFixed(1)} s`);
  if (failed.length) console.log(`Failed: ${failed.map((r) => r.stack).join(", ")}`);
  if (notPlanned.length) console.log(`Not planned offline (provider not in the local mirror; checked by tests on the synthesized JSON): ${notPlanned.join(", ")}`);
}

const indent = (s: string) => s.replace(/^/gm, "    ");

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(2);
  },
);
