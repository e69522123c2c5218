import { strings } from "../../json";
import { Rule } from "../../types";

const BROAD = /^arn:[a-z-]+:iam::aws:policy\/(AdministratorAccess|IAMFullAccess)$/;

export const IAMNoAdministratorAccessAttached: Rule = {
  id: "RX-IAM-4",
  name: "IAMNoAdministratorAccessAttached",
  level: "error",
  title: "AdministratorAccess or IAMFullAccess is attached",
  explanation:
    "These AWS-managed policies grant everything (or the power to grant oneself everything); no workload or pipeline role needs them.",
  fix: "Attach a customer-managed policy with the actions the role needs.",
  mirrors: ["CKV_AWS_274", "CKV2_AWS_40", "CKV2_AWS_56"],
  appliesTo: [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role",
    "aws_iam_role_policy_attachments_exclusive",
  ],
  evaluate: (r) => {
    const arns = [...strings(r.config.policy_arn), ...strings(r.config.managed_policy_arns), ...strings(r.config.policy_arns)];
    const broad = arns.filter((a) => BROAD.test(a));
    return broad.length === 0 ? undefined : `attaches ${broad.join(", ")}`;
  },
};
