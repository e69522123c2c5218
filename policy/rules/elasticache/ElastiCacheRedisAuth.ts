import { isSet, isTrue } from "../../json";
import { Rule } from "../../types";

export const ElastiCacheRedisAuth: Rule = {
  id: "RX-EC-4",
  name: "ElastiCacheRedisAuth",
  // An error since the cache got AUTH: the cache holds session-adjacent data of a healthcare app.
  level: "error",
  title: "Redis accepts connections without authentication",
  explanation:
    "Without an AUTH token or RBAC user group, anything that reaches the port can read and write the cache; the security group is then the only control.",
  fix: "With transit encryption on, set auth_token (from Secrets Manager) or user_group_ids.",
  mirrors: ["CKV_AWS_31", "AwsSolutions-AEC6", "ElastiCache.6"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) =>
    isTrue(g.config.transit_encryption_enabled) && (isSet(g.config.auth_token) || isSet(g.config.user_group_ids))
      ? undefined
      : "neither auth_token nor user_group_ids is set (or transit encryption is off)",
};
