import { num, show } from "../../json";
import { Rule } from "../../types";

export const ElastiCacheSnapshotRetention: Rule = {
  id: "RX-EC-6",
  name: "ElastiCacheSnapshotRetention",
  level: "warning",
  title: "ElastiCache keeps no automatic snapshots",
  explanation:
    "Daily snapshots let a cache holding anything durable be restored; a purely ephemeral cache may do without (suppress with that reason).",
  fix: "Set snapshot_retention_limit to 1 or more days (cdk-nag asks for 15).",
  mirrors: ["CKV_AWS_134", "HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup", "ElastiCache.1"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) =>
    (num(g.config.snapshot_retention_limit) ?? 0) >= 1
      ? undefined
      : `snapshot_retention_limit is ${show(g.config.snapshot_retention_limit)}`,
};
