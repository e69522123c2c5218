import { num, show } from "../../json";
import { Rule } from "../../types";
import { isReplica } from "./common";

const MIN_DAYS = 7;

export const RDSInstanceBackupEnabled: Rule = {
  id: "RX-RDS-4",
  name: "RDSInstanceBackupEnabled",
  level: "error",
  title: `Primary RDS instance keeps automated backups for fewer than ${MIN_DAYS} days`,
  explanation:
    "Automated backups are the point-in-time recovery window: a week lets a corruption found days later still be undone (HIPAA contingency plan, 164.308(a)(7)). Replicas have no backups of their own.",
  fix: `Set backup_retention_period between ${MIN_DAYS} and 35 on the primary.`,
  mirrors: ["CKV_AWS_133", "HIPAA.Security-RDSInstanceBackupEnabled", "RDS.11"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => {
    if (isReplica(db)) return undefined;
    const days = num(db.config.backup_retention_period);
    return days !== undefined && days >= MIN_DAYS && days <= 35
      ? undefined
      : `backup_retention_period is ${show(db.config.backup_retention_period)}`;
  },
};
