import { isPublicPrincipal, statementsOf } from "../../policy-document";
import { Rule } from "../../types";

export const ECRRepositoryNotPublic: Rule = {
  id: "RX-ECR-5",
  name: "ECRRepositoryNotPublic",
  level: "error",
  title: "ECR repository policy allows everyone",
  explanation: 'A repository policy Allow for Principal "*" lets any AWS account pull (or push) the images.',
  fix: "Name the accounts or roles that may pull in the repository policy.",
  mirrors: ["CKV_AWS_32", "AwsSolutions-ECR1"],
  appliesTo: ["aws_ecr_repository_policy"],
  evaluate: (policy, stack) => {
    const open = (statementsOf(policy.config.policy, stack) ?? []).filter((s) => s.effect === "Allow" && isPublicPrincipal(s));
    return open.length === 0 ? undefined : `Allow for "*" in ${open.map((s) => s.sid ?? "a statement").join(", ")}`;
  },
};
