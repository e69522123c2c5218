import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const ElastiCacheInTransitEncryption: Rule = {
  id: "RX-EC-2",
  name: "ElastiCacheInTransitEncryption",
  level: "error",
  title: "ElastiCache replication group does not require TLS",
  explanation: "Without in-transit encryption (mode required), cached data and commands cross the VPC in plain text (HIPAA 164.312(e)(1)).",
  fix: 'Set transit_encryption_enabled = true and leave transit_encryption_mode unset or "required".',
  mirrors: ["CKV_AWS_30", "AwsSolutions-AEC3", "ElastiCache.5"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) => {
    if (!isTrue(g.config.transit_encryption_enabled)) return `transit_encryption_enabled is ${show(g.config.transit_encryption_enabled)}`;
    const mode = g.config.transit_encryption_mode;
    return mode === undefined || mode === "required"
      ? undefined
      : `transit_encryption_mode is ${JSON.stringify(mode)} (plain-text clients still accepted)`;
  },
};
