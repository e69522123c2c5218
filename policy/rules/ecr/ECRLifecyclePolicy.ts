import { Rule } from "../../types";

export const ECRLifecyclePolicy: Rule = {
  id: "RX-ECR-3",
  name: "ECRLifecyclePolicy",
  level: "error",
  title: "ECR repository has no lifecycle policy",
  explanation: "Without one, every image ever pushed stays, with its vulnerabilities and its storage cost.",
  fix: "Add an aws_ecr_lifecycle_policy for the repository (expire untagged images, keep the last N tagged).",
  mirrors: ["ECR.3"],
  appliesTo: ["aws_ecr_repository"],
  evaluate: (repo, stack) =>
    stack.attached(repo, "aws_ecr_lifecycle_policy", "repository", "name").length > 0
      ? undefined
      : "no aws_ecr_lifecycle_policy points at it",
};
