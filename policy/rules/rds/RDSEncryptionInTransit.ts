import { blocks } from "../../json";
import { Rule } from "../../types";
import { isPostgres } from "./common";

export const RDSEncryptionInTransit: Rule = {
  id: "RX-RDS-12",
  name: "RDSEncryptionInTransit",
  level: "error",
  title: "PostgreSQL instance does not require TLS",
  explanation:
    "Without rds.force_ssl = 1 a client can connect in plain text and patient data crosses the VPC unencrypted (HIPAA 164.312(e)(1)). The default parameter group leaves it off.",
  fix: 'Give the instance its own aws_db_parameter_group (parameter_group_name) with parameter { name = "rds.force_ssl", value = "1" }.',
  mirrors: ["CKV2_AWS_69"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db, stack) => {
    if (!isPostgres(db)) return undefined;
    const name = db.config.parameter_group_name;
    if (name === undefined) return "parameter_group_name is not set (the default group does not force TLS)";
    const groups = stack.targets(name, "aws_db_parameter_group", "name");
    if (groups.length === 0) return `parameter group ${JSON.stringify(name)} is not in this stack, so rds.force_ssl cannot be verified`;
    const forced = groups.every((g) => blocks(g.config.parameter).some((p) => p.name === "rds.force_ssl" && String(p.value) === "1"));
    return forced ? undefined : `parameter group ${groups.map((g) => g.address).join(", ")} does not set rds.force_ssl = 1`;
  },
};
