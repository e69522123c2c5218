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
