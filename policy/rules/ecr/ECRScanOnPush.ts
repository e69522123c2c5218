import { block, isTrue } from "../../json";
import { Rule } from "../../types";

export const ECRScanOnPush: Rule = {
  id: "RX-ECR-1",
  name: "ECRScanOnPush",
  level: "error",
  title: "ECR repository does not scan images on push",
  explanation: "Scanning on push reports known vulnerabilities in an image before it is deployed.",
  fix: "Set image_scanning_configuration { scan_on_push = true }.",
  mirrors: ["CKV_AWS_163", "ECR.1"],
  appliesTo: ["aws_ecr_repository"],
  evaluate: (repo) => (isTrue(block(repo.config.image_scanning_configuration).scan_on_push) ? undefined : "scan_on_push is not true"),
};
