import { blocks } from "../../json";
import { Rule } from "../../types";
import { isPostgres } from "./common";

const REQUIRED = ["log_connections", "log_disconnections"];

export const RDSLogConnections: Rule = {
  id: "RX-RDS-21",
  name: "RDSLogConnections",
  level: "error",
  title: "PostgreSQL parameter group does not log logins",
  explanation:
    "Who connected to a database of patient data, from where and for how long is the audit record HIPAA 164.312(b) asks for. GuardDuty's RDS login analysis covers Aurora only, so for RDS for PostgreSQL the database's own log_connections and log_disconnections, exported to CloudWatch Logs, are the record.",
  fix: 'Set parameter { name = "log_connections", value = "1" } and { name = "log_disconnections", value = "1" } in the instance\'s parameter group, and export the "postgresql" log.',
  mirrors: ["CKV2_AWS_30"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db, stack) => {
    if (!isPostgres(db) || db.config.parameter_group_name === undefined) return undefined;
    const groups = stack.targets(db.config.parameter_group_name, "aws_db_parameter_group", "name");
    const missing = groups.filter(
      (g) => !REQUIRED.every((name) => blocks(g.config.parameter).some((p) => p.name === name && String(p.value) === "1")),
    );
    return missing.length === 0
      ? undefined
      : `parameter group ${missing.map((g) => g.address).join(", ")} does not set ${REQUIRED.map((n) => `${n} = 1`).join(" and ")}`;
  },
};
