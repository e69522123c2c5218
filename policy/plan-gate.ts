import { STATEFUL_TYPES } from "./rules/dataloss/StatefulPreventDestroy";

/** One planned change that deletes a stateful resource (alone or as part of a replace). */
export interface DestructiveChange {
  readonly address: string;
  readonly type: string;
  readonly actions: readonly string[];
  /** delete, replace (delete then create) or replace (create then delete). */
  readonly description: string;
  /** Attributes that force the replacement, when Terraform says. */
  readonly forcedBy: readonly string[];
}

interface ResourceChange {
  readonly address?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly deposed?: string;
  readonly change?: { readonly actions?: readonly string[]; readonly replace_paths?: readonly (readonly (string | number)[])[] };
}

function describe(actions: readonly string[]): string {
  if (actions.length === 1) return "delete";
  return actions[0] === "delete" ? "replace (delete, then create)" : "replace (create, then delete)";
}

/**
 * The deletes and replaces of stateful types in a `terraform show -json` plan. Updates in place and
 * deletions of anything else pass. Throws when the document is not a plan.
 */
export function destructiveChanges(plan: unknown): DestructiveChange[] {
  if (plan === null || typeof plan !== "object" || !("format_version" in plan || "resource_changes" in plan)) {
    throw new Error("not a plan in JSON form: expected the output of `terraform show -json <planfile>`");
  }
  const changes = ((plan as { resource_changes?: unknown }).resource_changes ?? []) as ResourceChange[];
  if (!Array.isArray(changes)) throw new Error("resource_changes is not a list");
  return changes
    .filter((rc) => rc.mode !== "data" && STATEFUL_TYPES.includes(rc.type ?? "") && (rc.change?.actions ?? []).includes("delete"))
    .map((rc) => {
      const actions = rc.change?.actions ?? [];
      return {
        address: `${rc.address ?? `${rc.type}.?`}${rc.deposed ? ` (deposed ${rc.deposed})` : ""}`,
        type: rc.type ?? "",
        actions,
        description: describe(actions),
        forcedBy: (rc.change?.replace_paths ?? []).map((p) => p.map(String).join(".")),
      };
    });
}
