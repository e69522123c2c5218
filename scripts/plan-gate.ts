import * as fs from "fs";
import { destructiveChanges, NotAPlan } from "../policy/plan-gate";
import { PROTECTION_TYPES, RECORD_TYPES, STATEFUL_TYPES } from "../lib/stateful";
import { CommandSpec, parseCommandLine, ParsedCommand, resolveFromInvocation, runCommand, UsageError } from "../tools/cli";

export interface GateResult {
  readonly exitCode: number;
  readonly output: string;
}

export const spec: CommandSpec = {
  name: "plan-gate",
  summary: "Fail on any delete or replace of a stateful or record-holding resource in `terraform show -json <planfile>` output.",
  usage: ["<plan.json> [<plan.json> ...] [--allow-label]"],
  flags: {
    "allow-label": { type: "boolean", description: "the pull request carries the approval label: list the destructive changes and pass" },
  },
  positionals: { min: 1, max: 10000, describe: "the plan JSON file(s) (terraform show -json <planfile> > plan.json)" },
  epilog: [
    `Stateful types: ${STATEFUL_TYPES.join(", ")}.`,
    `Record-holding types (their logs or messages go with them): ${RECORD_TYPES.join(", ")}.`,
    `Protection types (a replace leaves the zone without those rules until the create): ${PROTECTION_TYPES.join(", ")}.`,
    "Exit 1 on a destructive change without --allow-label; exit 2 when a file cannot be read or is not a plan (a state, an empty or malformed file): never pass what cannot be read.",
  ],
};

/** A file's text, or a UsageError saying why it cannot be read. */
function readPlanFile(file: string): string {
  let text: string;
  try {
    // Relative to where the user ran the command (npm run starts it in the package root); shown as given.
    text = fs.readFileSync(resolveFromInvocation(file), "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file (ENOENT)"
        : code === "EISDIR"
          ? "a directory, not a file (EISDIR)"
          : `cannot be read (${code ?? (e as Error).message})`;
    throw new UsageError(`${file}: ${why}. Fix: terraform show -json <planfile> > ${file}, then pass that file`);
  }
  return text;
}

/**
 * npm run plan-gate -- <plan.json>... [--allow-label]: reads `terraform show -json` plans and fails
 * (exit 1) on any delete or replace of a stateful resource, listing each one. --allow-label means
 * the pull request carries the approval label: the changes are listed and the gate passes.
 * Exit 2 when the command line is wrong, or a file cannot be read or is not a plan.
 */
export function runPlanGate(argv: readonly string[], readFile: (file: string) => string = readPlanFile): GateResult {
  let files: readonly string[];
  let allowed: boolean;
  try {
    const parsed = parseCommandLine(spec, argv);
    files = parsed.positionals;
    allowed = parsed.flags["allow-label"] === true;
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, output: `plan-gate: ${e.message}` };
    throw e;
  }
  const lines: string[] = [];
  let destructive = 0;
  for (const file of files) {
    let changes;
    try {
      const text = readFile(file);
      if (text.trim() === "") throw new NotAPlan(`the file is empty; ${"expected the output of `terraform show -json <planfile>`"}`);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new NotAPlan(
          `not JSON (${(e as Error).message}); expected the output of \`terraform show -json <planfile>\`, not the plan file itself or terraform plan's text`,
        );
      }
      changes = destructiveChanges(json);
    } catch (e) {
      if (e instanceof NotAPlan) return { exitCode: 2, output: `plan-gate: ${file}: ${e.message}` };
      if (e instanceof UsageError) return { exitCode: 2, output: `plan-gate: ${e.message}` };
      throw e;
    }
    destructive += changes.length;
    lines.push(
      `${file}: ${changes.length === 0 ? "no deletes or replaces of stateful resources" : `${changes.length} destructive change(s) to stateful resources`}`,
    );
    for (const c of changes) {
      lines.push(
        `  ${c.address}  ${c.description} [${c.actions.join(", ")}]${c.forcedBy.length > 0 ? `  forced by: ${c.forcedBy.join(", ")}` : ""}`,
      );
    }
  }
  if (destructive === 0) lines.push("plan-gate: pass");
  else if (allowed)
    lines.push(`plan-gate: pass (--allow-label): ${destructive} destructive change(s) approved by the pull request's label`);
  else {
    lines.push(
      `plan-gate: FAIL: ${destructive} delete/replace of stateful resources (${STATEFUL_TYPES.join(", ")}; and the record-holding ${RECORD_TYPES.join(", ")}; and the protection ${PROTECTION_TYPES.join(", ")}).`,
      "  If the data loss is intended, a reviewer adds the approval label to the pull request (CI then passes --allow-label); otherwise change the code so that the resource is updated in place (a renamed construct ID or a changed force-new attribute replaces it).",
    );
  }
  return { exitCode: destructive > 0 && !allowed ? 1 : 0, output: lines.join("\n") };
}

export function main({ positionals, flags }: ParsedCommand): number {
  const { exitCode, output } = runPlanGate([...positionals, ...(flags["allow-label"] ? ["--allow-label"] : [])]);
  (exitCode === 0 ? process.stdout : process.stderr).write(`${output}\n`);
  return exitCode;
}

if (require.main === module) runCommand(spec, main);
