import { isSet, strings } from "../../json";
import { Rule } from "../../types";

export const RDSLogExportGroupsManaged: Rule = {
  id: "RX-RDS-19",
  name: "RDSLogExportGroupsManaged",
  level: "error",
  title: "RDS log export goes to a log group RDS would create itself",
  explanation:
    "For each exported log RDS writes to /aws/rds/instance/<identifier>/<log>; if that group does not exist when the instance starts exporting, RDS creates it without the customer-managed key and with no retention. Database logs can hold patient data and statements.",
  fix: "Create aws_cloudwatch_log_group /aws/rds/instance/<identifier>/<log> for every export, with kms_key_id and retention_in_days, in the instance's stack, and list it in the instance's depends_on.",
  mirrors: [],
  appliesTo: ["aws_db_instance"],
  evaluate: (db, stack) => {
    const exports = strings(db.config.enabled_cloudwatch_logs_exports);
    const identifier = db.config.identifier;
    if (exports.length === 0) return undefined;
    if (typeof identifier !== "string" || identifier.includes("${"))
      return "the identifier is not a literal, so its log groups cannot be checked";
    const dependsOn = strings(db.config.depends_on);
    return exports.flatMap((log) => {
      const name = `/aws/rds/instance/${identifier}/${log}`;
      const group = stack.resources("aws_cloudwatch_log_group").find((g) => g.config.name === name);
      if (!group) return [`no log group ${name} in the stack`];
      const problems: string[] = [];
      if (!isSet(group.config.kms_key_id)) problems.push(`${name} has no kms_key_id`);
      if (!isSet(group.config.retention_in_days)) problems.push(`${name} has no retention_in_days`);
      if (!dependsOn.includes(group.address)) problems.push(`the instance does not depend on ${name} (RDS could create it first)`);
      return problems;
    });
  },
};
