import { blocks } from "../../json";
import { Rule } from "../../types";
import { isPostgres } from "./common";

const LOG_PARAMETERS = ["log_statement", "log_min_duration_statement"];

export const RDSLogStatements: Rule = {
  id: "RX-RDS-13",
  name: "RDSLogStatements",
  level: "warning",
  title: "PostgreSQL parameter group logs neither statements nor slow queries",
  explanation: "log_statement (DDL) and log_min_duration_statement leave a trail of schema changes and slow queries in the exported logs.",
  fix: `Set ${LOG_PARAMETERS.join(" and/or ")} in the instance's parameter group.`,
  mirrors: ["CKV2_AWS_30"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db, stack) => {
    if (!isPostgres(db) || db.config.parameter_group_name === undefined) return undefined;
    const groups = stack.targets(db.config.parameter_group_name, "aws_db_parameter_group", "name");
    const logs = groups.every((g) => blocks(g.config.parameter).some((p) => LOG_PARAMETERS.includes(p.name)));
    return groups.length === 0 || logs
      ? undefined
      : `parameter group ${groups.map((g) => g.address).join(", ")} sets neither ${LOG_PARAMETERS.join(" nor ")}`;
  },
};
