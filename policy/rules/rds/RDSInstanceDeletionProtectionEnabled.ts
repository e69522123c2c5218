import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const RDSInstanceDeletionProtectionEnabled: Rule = {
  id: "RX-RDS-3",
  name: "RDSInstanceDeletionProtectionEnabled",
  level: "error",
  title: "RDS instance has no deletion protection",
  explanation:
    "Deletion protection makes AWS refuse to delete the instance, whatever tool or person asks; prevent_destroy only stops Terraform.",
  fix: "Set deletion_protection = true.",
  mirrors: ["CKV_AWS_293", "HIPAA.Security-RDSInstanceDeletionProtectionEnabled", "RDS.8"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => (isTrue(db.config.deletion_protection) ? undefined : `deletion_protection is ${show(db.config.deletion_protection)}`),
};
