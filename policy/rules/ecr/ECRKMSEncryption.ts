import { blocks } from "../../json";
import { Rule } from "../../types";

export const ECRKMSEncryption: Rule = {
  id: "RX-ECR-2",
  name: "ECRKMSEncryption",
  level: "error",
  title: "ECR repository is not encrypted with KMS",
  explanation:
    "Images carry the application's code and configuration; KMS encryption puts them under our key policy. It can only be set at creation.",
  fix: 'Set encryption_configuration { encryption_type = "KMS", kms_key = <the region\'s key> }.',
  mirrors: ["CKV_AWS_136"],
  appliesTo: ["aws_ecr_repository"],
  evaluate: (repo) =>
    blocks(repo.config.encryption_configuration).some((e) => e.encryption_type === "KMS") ? undefined : "encryption_type is not KMS",
};
