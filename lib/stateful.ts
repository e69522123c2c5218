/**
 * Resource types whose destruction loses data or everything encrypted under them: the types every
 * data-loss guard here watches (prevent_destroy rule, plan gate, upgrade proofs, pinned addresses).
 */
export const STATEFUL_TYPES: readonly string[] = [
  "aws_db_instance",
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_kms_key",
  "aws_elasticache_replication_group",
  "aws_secretsmanager_secret",
  "aws_ecr_repository",
  "aws_vpc",
];
