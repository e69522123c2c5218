import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const RDSPerformanceInsightsEnabled: Rule = {
  id: "RX-RDS-6",
  name: "RDSPerformanceInsightsEnabled",
  level: "error",
  title: "RDS instance has Performance Insights off",
  explanation: "Performance Insights is how a slow query or a lock pile-up is found after the fact; the provider default is off.",
  fix: "Set performance_insights_enabled = true (and performance_insights_kms_key_id, RX-RDS-7).",
  mirrors: ["CKV_AWS_353"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    isTrue(db.config.performance_insights_enabled)
      ? undefined
      : `performance_insights_enabled is ${show(db.config.performance_insights_enabled)}`,
};
