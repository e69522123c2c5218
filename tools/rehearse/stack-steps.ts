import * as fs from "fs";
import * as path from "path";
import { destructiveChanges } from "../../policy/plan-gate";
import { SEEDERS } from "./aws";
import { Emulator } from "./emulator";
import { ScratchStack, stateFile } from "./scratch";
import { applyCounts, diffExcerpt, errorsOf, plannedChanges, Terraform, terraformIn } from "./terraform";
import { Context, Phase, StackRun, RehearsalSummary } from "./types";

/** The first error of a terraform run's output (else its last 20 lines). */
export const firstError = (out: string): string => errorsOf(out)[0] ?? out.trim().split("\n").slice(-20).join("\n");

// One stack's steps in the rehearsal: import seeds, the account guard, apply and re-plan, upgrade.

function logFile(logDir: string, phase: number, stack: string, step: string): string {
  return path.join(logDir, `phase${phase}-${stack}-${step}.log`);
}

export function append(file: string, title: string, out: string): void {
  fs.appendFileSync(file, `\n===== ${title} =====\n${out}`);
}

export type Run = StackRun & { tf: Terraform };

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
export async function checkAccountGuard(s: ScratchStack, ctx: Context): Promise<NonNullable<RehearsalSummary["accountGuard"]>> {
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

/** What apply and upgrade share: the stack's terraform directory, its log, the run's fixed fields and how it fails. */
async function startRun(s: ScratchStack, phase: number, p: Phase, ctx: Context, wave: number, step: "apply" | "upgrade") {
  const { emulator, workdir, logDir, log } = ctx;
  const started = Date.now();
  const file = logFile(logDir, phase, s.name, step);
  const tf = await terraformIn(workdir, path.join(workdir, `phase${phase}`, s.name), s.json, emulator.endpoint);
  const base = {
    stack: s.name,
    phase,
    step,
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
  return { started, file, tf, base, fail };
}

export async function applyStack(s: ScratchStack, phase: number, p: Phase, ctx: Context, wave: number): Promise<Run> {
  const { emulator, log } = ctx;
  const { started, file, tf, base, fail } = await startRun(s, phase, p, ctx, wave, "apply");
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

export async function upgradeStack(s: ScratchStack, phase: number, p: Phase, ctx: Context, wave: number): Promise<Run> {
  const { log } = ctx;
  const { started, file, tf, base, fail } = await startRun(s, phase, p, ctx, wave, "upgrade");
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
