import { isSet, isTrue } from "../../json";
import { Rule } from "../../types";

export const RDSPerformanceInsightsEncrypted: Rule = {
  id: "RX-RDS-7",
  name: "RDSPerformanceInsightsEncrypted",
  level: "error",
  title: "Performance Insights data is not encrypted with a customer-managed key",
  explanation:
    "Performance Insights stores query text, which can contain patient data; without a key of ours it uses the AWS-managed key, outside our key policy.",
  fix: "Set performance_insights_kms_key_id to the region's customer-managed key.",
  mirrors: ["CKV_AWS_354"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    !isTrue(db.config.performance_insights_enabled) || isSet(db.config.performance_insights_kms_key_id)
      ? undefined
      : "performance_insights_kms_key_id is not set",
};
