import { isTrue } from "../../json";
import { Rule } from "../../types";
import { replicaCount } from "./common";

export const ElastiCacheMultiAZ: Rule = {
  id: "RX-EC-5",
  name: "ElastiCacheMultiAZ",
  level: "error",
  title: "ElastiCache replicas without automatic failover and Multi-AZ",
  explanation:
    "Replicas only help availability if a replica in another zone is promoted when the primary fails. A single-node group has nothing to fail over to and is exempt.",
  fix: "When the group has replicas, set automatic_failover_enabled = true and multi_az_enabled = true.",
  mirrors: ["CKV2_AWS_50", "AwsSolutions-AEC4", "ElastiCache.3"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) => {
    if (replicaCount(g) < 1) return undefined;
    const missing = ["automatic_failover_enabled", "multi_az_enabled"].filter((a) => !isTrue(g.config[a]));
    return missing.length === 0 ? undefined : `${replicaCount(g)} replica(s) but ${missing.join(" and ")} not true`;
  },
};
