/**
 * Resource types whose destruction loses data or everything encrypted under them: the one list
 * every data-loss guard here watches (the prevent_destroy rule RX-DL-1, the plan gate, the upgrade
 * proofs, the pinned addresses). It names the types this project holds today and those it could
 * come to hold (a database cluster, a file system, a vault...), so that a stack which starts using
 * one is gated from its first plan, and RX-DL-1 asks for prevent_destroy on it.
 */
export const STATEFUL_TYPES: readonly string[] = [
  // Held today.
  "aws_db_instance",
  "aws_s3_bucket",
  "aws_dynamodb_table",
  "aws_kms_key",
  "aws_elasticache_replication_group",
  "aws_secretsmanager_secret",
  "aws_ecr_repository",
  "aws_vpc",
  // Databases and caches the project could come to hold.
  "aws_rds_cluster",
  "aws_rds_global_cluster",
  "aws_db_snapshot",
  "aws_db_cluster_snapshot",
  "aws_dynamodb_global_table",
  "aws_elasticache_cluster",
  "aws_elasticache_serverless_cache",
  "aws_memorydb_cluster",
  "aws_docdb_cluster",
  "aws_neptune_cluster",
  "aws_redshift_cluster",
  "aws_opensearch_domain",
  "aws_timestream_database",
  // Keys, storage and backups.
  "aws_kms_replica_key",
  "aws_kms_external_key",
  "aws_s3_directory_bucket",
  "aws_efs_file_system",
  "aws_ebs_volume",
  "aws_backup_vault",
  "aws_glacier_vault",
  "aws_cognito_user_pool",
];

/**
 * Types that hold records (logs, messages) which a replacement or delete loses, but which are not
 * stateful in the sense above: a stack's teardown may remove them, so RX-DL-1 does not ask for
 * prevent_destroy. The plan gate and the upgrade proofs still treat their deletes and replaces as
 * destructive: a renamed flow log group deletes the VPC's flow logs, and a plan review must see it.
 */
export const RECORD_TYPES: readonly string[] = [
  "aws_cloudwatch_log_group",
  "aws_sqs_queue",
  "aws_kinesis_stream",
  "aws_kinesis_firehose_delivery_stream",
];

/**
 * Types whose replace or delete opens a window without protection rather than losing data: a
 * Cloudflare entry-point ruleset (WAF, rate limits, the origin header) replaced by provider 5.x when
 * its name, kind, phase or zone changes is deleted, then created, and between the two the zone runs
 * without those rules (issue 20 item 9: an adopted dashboard ruleset given this code's name). Not
 * stateful (RX-DL-1 does not ask for prevent_destroy: a stack teardown removes them), but gated.
 */
export const PROTECTION_TYPES: readonly string[] = ["cloudflare_ruleset"];

/** Every type whose delete or replace the plan gate and the upgrade proofs report. */
export const GATED_TYPES: readonly string[] = [...STATEFUL_TYPES, ...RECORD_TYPES, ...PROTECTION_TYPES];
