import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const ElastiCacheAtRestEncryption: Rule = {
  id: "RX-EC-1",
  name: "ElastiCacheAtRestEncryption",
  level: "error",
  title: "ElastiCache replication group is not encrypted at rest",
  explanation: "Cache nodes and their snapshots hold session and booking data; at-rest encryption can only be chosen at creation.",
  fix: 'Set at_rest_encryption_enabled = true ("true" in provider 5.x).',
  mirrors: ["CKV_AWS_29", "AwsSolutions-AEC3", "ElastiCache.4"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) =>
    isTrue(g.config.at_rest_encryption_enabled) ? undefined : `at_rest_encryption_enabled is ${show(g.config.at_rest_encryption_enabled)}`,
};
