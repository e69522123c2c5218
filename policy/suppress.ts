import { TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { RULES } from "./rules";
import { Suppression } from "./types";

const MIN_REASON_LENGTH = 10;

const KNOWN_RULES = new Set(RULES.map((r) => r.id));
const registry = new WeakMap<TerraformStack, Suppression[]>();

/**
 * Accepts a finding of `ruleId` on `construct` and every resource below it, for the reason given.
 * The finding still appears in every report, marked suppressed, with the reason. Call it next to
 * the construct, where a reader of the code sees the decision.
 */
export function suppress(construct: IConstruct, ruleId: string, reason: string): void {
  const where = `suppress(${construct.node.path}, ${JSON.stringify(ruleId)})`;
  if (!KNOWN_RULES.has(ruleId)) {
    throw new Error(
      `${where}: no rule ${JSON.stringify(ruleId)} in the policy pack; use an ID from policy/rules (RX-<SERVICE>-<n>, listed by npm run check -- --format json)`,
    );
  }
  if (typeof reason !== "string" || reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(
      `${where}: the reason ${JSON.stringify(reason)} is too short; say in at least ${MIN_REASON_LENGTH} characters why this finding is acceptable here (it is printed in every report)`,
    );
  }
  const stack = TerraformStack.of(construct);
  const list = registry.get(stack) ?? [];
  list.push({ ruleId, reason: reason.trim(), path: construct.node.path });
  registry.set(stack, list);
}

/** The suppressions made on constructs of a stack, matched to resources through their construct paths. */
export const suppressionsOf = (stack: TerraformStack): readonly Suppression[] => registry.get(stack) ?? [];

/** Terraform addresses of the resources and data sources at or below a construct. */
export function addressesOf(construct: IConstruct): string[] {
  return construct.node.findAll().flatMap((c) => {
    if (TerraformResource.isTerraformResource(c)) return [`${c.terraformResourceType}.${c.friendlyUniqueId}`];
    if (TerraformDataSource.isTerraformDataSource(c)) return [`data.${c.terraformResourceType}.${c.friendlyUniqueId}`];
    return [];
  });
}
