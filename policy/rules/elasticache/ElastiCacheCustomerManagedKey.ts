import { isSet } from "../../json";
import { Rule } from "../../types";

export const ElastiCacheCustomerManagedKey: Rule = {
  id: "RX-EC-3",
  name: "ElastiCacheCustomerManagedKey",
  level: "error",
  title: "ElastiCache replication group is not encrypted with a customer-managed key",
  explanation: "With our own key, access to the cache's data at rest follows our key policy and CloudTrail records every use.",
  fix: "Set kms_key_id to the region's customer-managed key.",
  mirrors: ["CKV_AWS_191"],
  appliesTo: ["aws_elasticache_replication_group"],
  evaluate: (g) => (isSet(g.config.kms_key_id) ? undefined : "kms_key_id is not set"),
};
