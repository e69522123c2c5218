import { isFalse } from "../../json";
import { Rule } from "../../types";

export const RDSAutomaticMinorVersionUpgradeEnabled: Rule = {
  id: "RX-RDS-8",
  name: "RDSAutomaticMinorVersionUpgradeEnabled",
  level: "error",
  title: "RDS instance does not take minor version upgrades",
  explanation: "Minor versions carry the engine's security fixes; they apply in the maintenance window.",
  fix: "Remove auto_minor_version_upgrade = false (the default is true) or set it to true.",
  mirrors: ["CKV_AWS_226", "HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled", "RDS.13"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => (isFalse(db.config.auto_minor_version_upgrade) ? "auto_minor_version_upgrade is false" : undefined),
};
