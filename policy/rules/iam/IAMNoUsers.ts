import { Rule } from "../../types";

export const IAMNoUsers: Rule = {
  id: "RX-IAM-5",
  name: "IAMNoUsers",
  level: "error",
  title: "IAM user or long-lived access key",
  explanation:
    "IAM users carry long-lived credentials that leak and must be rotated by hand; people sign in through SSO and pipelines assume roles through OIDC.",
  fix: "Remove the user or key: use IAM Identity Center for people and an OIDC-trusted role for CI.",
  mirrors: ["HIPAA.Security-IAMUserNoPolicies", "IAM.2"],
  appliesTo: ["aws_iam_user", "aws_iam_access_key", "aws_iam_user_login_profile", "aws_iam_user_policy", "aws_iam_user_policy_attachment"],
  evaluate: (r) => `${r.type} creates or empowers an IAM user`,
};
