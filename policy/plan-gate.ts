import { GATED_TYPES } from "../lib/stateful";

/** One planned change that deletes a stateful or record-holding resource (alone or as part of a replace). */
export interface DestructiveChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** delete, replace (delete then create) or replace (create then delete). */
  readonly description: string;
  /** Attributes that force the replacement, when Terraform says. */
  readonly forcedBy: readonly string[];
}

/** A document the gate cannot judge: not a plan, or a plan with entries it cannot read (exit code 2, never "pass"). */
export class NotAPlan extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAPlan";
  }
}

interface ResourceChange {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly deposed?: string;
  readonly change: { readonly actions: readonly string[]; readonly replace_paths?: readonly (readonly (string | number)[])[] };
}

/** Terraform's plan actions (JSON output format, `change.actions`). */
const ACTIONS = ["no-op", "create", "read", "update", "delete", "forget"];
const HOW = "expected the output of `terraform show -json <planfile>`";

function describe(actions: readonly string[]): string {
  if (actions.length === 1) return "delete";
  return actions[0] === "delete" ? "replace (delete, then create)" : "replace (create, then delete)";
}

/** Checks the shape of a `terraform show -json <planfile>` document; throws NotAPlan saying what it is instead. */
function planChanges(plan: unknown): ResourceChange[] {
  if (plan === null || typeof plan !== "object" || Array.isArray(plan))
    throw new NotAPlan(`not a plan in JSON form (a ${plan === null ? "null" : Array.isArray(plan) ? "list" : typeof plan}): ${HOW}`);
  const doc = plan as Record<string, unknown>;
  if (typeof doc.format_version !== "string") throw new NotAPlan(`not a plan in JSON form (no format_version): ${HOW}`);
  if (!("planned_values" in doc) && !("resource_changes" in doc)) {
    const what =
      "values" in doc || Object.keys(doc).every((k) => ["format_version", "terraform_version"].includes(k))
        ? "a state (terraform show -json without a plan file)"
        : "no planned_values or resource_changes";
    throw new NotAPlan(`not a plan in JSON form: this is ${what}; ${HOW}`);
  }
  if (doc.errored === true)
    throw new NotAPlan("the plan errored, so it is incomplete and cannot be judged: fix the plan error and plan again");
  const changes = doc.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new NotAPlan(`resource_changes is not a list: ${HOW}`);
  const problems: string[] = [];
  changes.forEach((rc: unknown, i) => {
    const at = `resource_changes[${i}]`;
    if (rc === null || typeof rc !== "object" || Array.isArray(rc))
      return problems.push(`${at} is ${rc === null ? "null" : Array.isArray(rc) ? "a list" : typeof rc}, not a resource change`);
    const r = rc as Record<string, unknown>;
    const name = typeof r.address === "string" ? `${at} (${r.address})` : at;
    if (typeof r.address !== "string" || r.address === "") problems.push(`${at} has no address`);
    if (typeof r.type !== "string" || r.type === "") problems.push(`${name} has no type`);
    if (r.mode !== "managed" && r.mode !== "data")
      problems.push(`${name} has mode ${JSON.stringify(r.mode)} (expected "managed" or "data")`);
    const change = r.change as Record<string, unknown> | null | undefined;
    const actions = change && typeof change === "object" ? change.actions : undefined;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === "string" && ACTIONS.includes(a))) {
      problems.push(`${name} has change.actions ${JSON.stringify(actions ?? null)} (expected a list of ${ACTIONS.join(", ")})`);
    }
    return undefined;
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join("; ") + (problems.length > 5 ? `; and ${problems.length - 5} more` : "");
    throw new NotAPlan(
      `the plan has ${problems.length} malformed entr${problems.length === 1 ? "y" : "ies"}, so it cannot be judged: ${shown}. Fix: pass the unedited output of \`terraform show -json <planfile>\``,
    );
  }
  return changes as ResourceChange[];
}

/**
 * The deletes and replaces of stateful and record-holding types (GATED_TYPES: databases, buckets,
 * keys..., and log groups and queues) in a `terraform show -json` plan. Updates in place and
 * deletions of anything else pass. Throws NotAPlan when the document is not a plan or has entries
 * it cannot read: what the gate cannot read, it never passes.
 */
export function destructiveChanges(plan: unknown): DestructiveChange[] {
  return planChanges(plan)
    .filter((rc) => rc.mode !== "data" && GATED_TYPES.includes(rc.type) && rc.change.actions.includes("delete"))
    .map((rc) => {
      const actions = rc.change.actions;
      return {
        address: `${rc.address}${rc.deposed ? ` (deposed ${rc.deposed})` : ""}`,
        type: rc.type,
        actions,
        description: describe(actions),
        forcedBy: (Array.isArray(rc.change.replace_paths) ? rc.change.replace_paths : []).map((p) =>
          Array.isArray(p) ? p.map(String).join(".") : String(p),
        ),
      };
    });
}
