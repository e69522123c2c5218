import { isTrue } from "../../json";
import { Rule } from "../../types";

/** Resources whose destruction loses data or everything encrypted under them. */
export const STATEFUL_TYPES = [
  "aws_db_instance",
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_kms_key",
  "aws_elasticache_replication_group",
  "aws_secretsmanager_secret",
  "aws_ecr_repository",
  "aws_vpc",
];

export const StatefulPreventDestroy: Rule = {
  id: "RX-DL-1",
  name: "StatefulPreventDestroy",
  level: "error",
  title: "Stateful resource is not protected by prevent_destroy",
  explanation:
    "A rename, a moved construct or a bad refactor plans a destroy; prevent_destroy makes Terraform refuse it. It is not stored in state, so the literal must stay in code (checkov cannot see it in plans).",
  fix: "Pass lifecycle: { preventDestroy: true } to the construct.",
  mirrors: [],
  appliesTo: STATEFUL_TYPES,
  evaluate: (r) => (isTrue(r.config.lifecycle?.prevent_destroy) ? undefined : "lifecycle.prevent_destroy is not true"),
};
