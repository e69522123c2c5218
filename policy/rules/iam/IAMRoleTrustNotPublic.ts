import { isPublicPrincipal, statementsOf } from "../../policy-document";
import { Rule } from "../../types";

export const IAMRoleTrustNotPublic: Rule = {
  id: "RX-IAM-7",
  name: "IAMRoleTrustNotPublic",
  level: "error",
  title: "Role can be assumed by anyone",
  explanation: 'A trust policy Allow for Principal "*" lets any AWS identity that passes the conditions assume the role.',
  fix: "Name the service, account or federated provider that may assume the role.",
  mirrors: ["CKV_AWS_60"],
  appliesTo: ["aws_iam_role"],
  evaluate: (role, stack) =>
    (statementsOf(role.config.assume_role_policy, stack) ?? []).some((s) => s.effect === "Allow" && isPublicPrincipal(s))
      ? 'assume_role_policy allows Principal "*"'
      : undefined,
};
