import * as fs from "fs";
import { destructiveChanges } from "../policy/plan-gate";
import { STATEFUL_TYPES } from "../policy/rules/dataloss/StatefulPreventDestroy";

export interface GateResult {
  readonly exitCode: number;
  readonly output: string;
}

const USAGE = "usage: npm run plan-gate -- <plan.json> [<plan.json> ...] [--allow-label]";

/**
 * npm run plan-gate -- <plan.json>... [--allow-label]: reads `terraform show -json` plans and fails
 * (exit 1) on any delete or replace of a stateful resource, listing each one. --allow-label means
 * the pull request carries the approval label: the changes are listed and the gate passes.
 * Exit 2 when a file cannot be read or is not a plan.
 */
export function runPlanGate(argv: readonly string[], readFile: (file: string) => string = (f) => fs.readFileSync(f, "utf8")): GateResult {
  const flags = argv.filter((a) => a.startsWith("--"));
  const files = argv.filter((a) => !a.startsWith("--"));
  const unknown = flags.filter((f) => f !== "--allow-label");
  if (unknown.length > 0 || files.length === 0) {
    return { exitCode: 2, output: `${unknown.length > 0 ? `unknown option ${unknown.join(", ")}\n` : ""}${USAGE}` };
  }
  const allowed = flags.includes("--allow-label");
  const lines: string[] = [];
  let destructive = 0;
  for (const file of files) {
    let changes;
    try {
      changes = destructiveChanges(JSON.parse(readFile(file)));
    } catch (e) {
      return { exitCode: 2, output: `plan-gate: ${file}: ${(e as Error).message}` };
    }
    destructive += changes.length;
    lines.push(`${file}: ${changes.length === 0 ? "no deletes or replaces of stateful resources" : `${changes.length} destructive change(s) to stateful resources`}`);
    for (const c of changes) {
      lines.push(`  ${c.address}  ${c.description} [${c.actions.join(", ")}]${c.forcedBy.length > 0 ? `  forced by: ${c.forcedBy.join(", ")}` : ""}`);
    }
  }
  if (destructive === 0) lines.push("plan-gate: pass");
  else if (allowed) lines.push(`plan-gate: pass (--allow-label): ${destructive} destructive change(s) approved by the pull request's label`);
  else {
    lines.push(
      `plan-gate: FAIL: ${destructive} delete/replace of stateful resources (${STATEFUL_TYPES.join(", ")}).`,
      "  If the data loss is intended, a reviewer adds the approval label to the pull request (CI then passes --allow-label); otherwise change the code so that the resource is updated in place (a renamed construct ID or a changed force-new attribute replaces it).",
    );
  }
  return { exitCode: destructive > 0 && !allowed ? 1 : 0, output: lines.join("\n") };
}

if (require.main === module) {
  const { exitCode, output } = runPlanGate(process.argv.slice(2));
  (exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
  process.exitCode = exitCode;
}
