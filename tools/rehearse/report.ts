import * as os from "os";
import { table } from "../../lib/table";
import { RehearsalSummary } from "./run";

/** The rehearsal's summary table: one row per stack and phase applied, with its destroy outcome. */
function summaryTable(s: RehearsalSummary): string {
  const destroy = new Map(s.destroyed.map((d) => [d.stack, d]));
  const skipped = new Map((s.destroySkipped ?? []).map((d) => [d.stack, d.reason]));
  const lastRun = new Map<string, string>();
  for (const r of [...s.applied, ...s.upgraded]) lastRun.set(r.stack, `${r.phase}:${r.step}`);
  const rows = [...s.applied, ...s.upgraded].map((r) => {
    const last = lastRun.get(r.stack) === `${r.phase}:${r.step}`;
    const d = last ? destroy.get(r.stack) : undefined;
    const skip = last ? skipped.get(r.stack) : undefined;
    const applied =
      r.step === "upgrade"
        ? `+${r.added} ~${r.changed} -${r.destroyed}`
        : `${r.added + r.imported}${r.imported ? ` (${r.imported} imported)` : ""}`;
    return [
      r.stack,
      `${r.phase}${r.step === "upgrade" ? " (upgrade)" : ""}`,
      applied,
      String(r.resources),
      r.excluded ? String(r.excluded) : "",
      r.seconds.toFixed(0),
      r.ok ? r.replan : `FAIL (${r.replan})`,
      r.gate ?? "",
      d
        ? d.ok
          ? `ok: ${d.destroyed} destroyed; stopped by prevent_destroy ${d.preventDestroyBlocked.length}, deletion protection ${d.deletionProtectionBlocked.length}${d.deletionProtectionUnenforced?.length ? ` (+${d.deletionProtectionUnenforced.length} not enforced by the emulator)` : ""}, not empty ${d.notEmpty.length}`
          : "FAIL"
        : skip
          ? `not run: ${skip}`
          : "",
    ];
  });
  return table(["stack", "phase", "applied", "resources", "excluded", "seconds", "re-plan", "plan-gate", "destroy"], rows, [
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
}

export function summaryText(s: RehearsalSummary): string {
  const lines = ["", summaryTable(s), ""];
  const runs = [...s.applied, ...s.upgraded];
  // What each stack holds and lacks after its last run: after an upgrade, the next phase's figures.
  const inState = new Map<string, number>();
  const excludedBy = new Map<string, number>();
  for (const r of runs) {
    excludedBy.set(r.stack, r.excluded);
    if (r.ok) inState.set(r.stack, r.resources);
  }
  const excluded = [...excludedBy.values()].reduce((a, b) => a + b, 0);
  const lastPhase = Math.max(s.phase, ...runs.map((r) => r.phase));
  lines.push(
    `Summary: ${runs.filter((r) => r.ok).length}/${runs.length} stack runs ok, ${[...inState.values()].reduce((a, b) => a + b, 0)} resources held by the emulator, ` +
      `${excluded} resources of phase ${lastPhase} excluded by emulator gaps; ` +
      `${s.destroyed.length ? `${s.destroyed.filter((d) => d.ok).length}/${s.destroyed.length} stacks destroyed${s.destroySkipped?.length ? ` (${s.destroySkipped.length} not run)` : ""}; ` : ""}${s.seconds.toFixed(0)} s in all (load average ${s.load[0].toFixed(1)} -> ${s.load[1].toFixed(1)} on ${os.cpus().length} CPUs; moto ${s.moto}, ${s.terraform === "" ? "terraform" : `terraform ${s.terraform}`})`,
  );
  if (s.notApplied.length) lines.push(`Not rehearsed: ${s.notApplied.map((n) => `${n.stack} (${n.reason})`).join("; ")}`);
  if (s.failures.length) {
    lines.push("", `FAILED (${s.failures.length}):`);
    for (const f of s.failures) lines.push(`  - ${f.split("\n").slice(0, 25).join("\n    ")}`);
  }
  if (s.kept) lines.push(`Scratch directory kept: ${s.scratchDir} (logs/, state/, work/, summary.json)`);
  return lines.join("\n");
}
