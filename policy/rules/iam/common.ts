import { blocks } from "../../json";
import { fromDataSource, Statement, statementsOf } from "../../policy-document";
import { ResourceView, StackView } from "../../types";

/** Types whose `policy` is an identity policy (what a principal may do). */
const IDENTITY_POLICY_TYPES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/** Everything identity-policy shaped: policies, inline role policies and policy document data sources. */
export const IDENTITY_TYPES = [...IDENTITY_POLICY_TYPES, "aws_iam_role", "data.aws_iam_policy_document"];

/**
 * The Allow statements of an identity policy. Statements with a principal belong to resource or
 * trust policies (a data source may build either), which have their own rules.
 */
export function identityAllows(resource: ResourceView, stack: StackView): readonly Statement[] {
  // Several IAM rules ask for the same resource in one evaluation of its stack (a StackView each time).
  let ofStack = allows.get(stack);
  if (!ofStack) allows.set(stack, (ofStack = new WeakMap()));
  let answer = ofStack.get(resource.config);
  if (answer === undefined) {
    answer = computeIdentityAllows(resource, stack);
    ofStack.set(resource.config, answer);
  }
  return answer;
}
const allows = new WeakMap<StackView, WeakMap<object, readonly Statement[]>>();

function computeIdentityAllows(resource: ResourceView, stack: StackView): Statement[] {
  let statements: readonly Statement[];
  if (resource.type === "data.aws_iam_policy_document") {
    // lib/iam.ts renders every policy as a data source; the policy or role using it reports the finding.
    if (usedByIdentityPolicy(resource, stack)) return [];
    statements = fromDataSource(resource.config);
  } else if (resource.type === "aws_iam_role")
    statements = blocks(resource.config.inline_policy).flatMap((p) => statementsOf(p.policy, stack) ?? []);
  else statements = statementsOf(resource.config.policy, stack) ?? [];
  return statements.filter((s) => s.effect === "Allow" && !s.hasPrincipal);
}

function usedByIdentityPolicy(document: ResourceView, stack: StackView): boolean {
  return [...IDENTITY_POLICY_TYPES, "aws_iam_role"].some((type) =>
    stack.resources(type).some((r) => stack.referencesOf(r).has(document.address)),
  );
}

export const label = (s: Statement): string => (s.sid ? `statement ${s.sid}` : `statement allowing ${s.actions.slice(0, 3).join(", ")}`);
