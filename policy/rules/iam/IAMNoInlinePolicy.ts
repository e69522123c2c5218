import { blocks } from "../../json";
import { Rule } from "../../types";

export const IAMNoInlinePolicy: Rule = {
  id: "RX-IAM-8",
  name: "IAMNoInlinePolicy",
  level: "warning",
  title: "Inline IAM policy",
  explanation: "Inline policies are invisible in the policy list, cannot be reused or versioned, and are easy to miss in an access review.",
  fix: "Use an aws_iam_policy attached with aws_iam_role_policy_attachment.",
  mirrors: ["HIPAA.Security-IAMNoInlinePolicy"],
  appliesTo: ["aws_iam_role_policy", "aws_iam_group_policy", "aws_iam_role"],
  evaluate: (r) => {
    if (r.type !== "aws_iam_role") return `${r.type} is an inline policy`;
    return blocks(r.config.inline_policy).some((p) => p.policy !== undefined) ? "the role has inline_policy blocks" : undefined;
  },
};
