import { strings } from "../../json";
import { Rule } from "../../types";
import { isPostgres } from "./common";

const POSTGRES_LOGS = ["postgresql", "upgrade"];

export const RDSLoggingEnabled: Rule = {
  id: "RX-RDS-10",
  name: "RDSLoggingEnabled",
  level: "error",
  title: "RDS instance does not export its logs to CloudWatch",
  explanation:
    "Database logs (connections, errors, slow and DDL statements) are audit evidence (HIPAA 164.312(b)); exported, they outlive the instance and its 3-day local retention.",
  fix: `Set enabled_cloudwatch_logs_exports = ${JSON.stringify(POSTGRES_LOGS)} for PostgreSQL (any non-empty list for other engines).`,
  mirrors: ["CKV_AWS_129", "HIPAA.Security-RDSLoggingEnabled", "RDS.9"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => {
    const exported = strings(db.config.enabled_cloudwatch_logs_exports);
    if (!isPostgres(db)) return exported.length > 0 ? undefined : "enabled_cloudwatch_logs_exports is empty";
    const missing = POSTGRES_LOGS.filter((l) => !exported.includes(l));
    return missing.length === 0 ? undefined : `enabled_cloudwatch_logs_exports lacks ${missing.join(" and ")}`;
  },
};
