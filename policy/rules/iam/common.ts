import { blocks } from "../../json";
import { fromDataSource, Statement, statementsOf } from "../../policy-document";
import { ResourceView, StackView } from "../../types";

/** Types whose `policy` is an identity policy (what a principal may do). */
export const IDENTITY_POLICY_TYPES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/** Everything identity-policy shaped: policies, inline role policies and policy document data sources. */
export const IDENTITY_TYPES = [...IDENTITY_POLICY_TYPES, "aws_iam_role", "data.aws_iam_policy_document"];

/**
 * The Allow statements of an identity policy. Statements with a principal belong to resource or
 * trust policies (a data source may build either), which have their own rules.
 */
export function identityAllows(resource: ResourceView, stack: StackView): Statement[] {
  let statements: readonly Statement[];
  if (resource.type === "data.aws_iam_policy_document") statements = fromDataSource(resource.config);
  else if (resource.type === "aws_iam_role") statements = blocks(resource.config.inline_policy).flatMap((p) => statementsOf(p.policy, stack) ?? []);
  else statements = statementsOf(resource.config.policy, stack) ?? [];
  return statements.filter((s) => s.effect === "Allow" && !s.hasPrincipal);
}

export const label = (s: Statement): string => (s.sid ? `statement ${s.sid}` : `statement allowing ${s.actions.slice(0, 3).join(", ")}`);
