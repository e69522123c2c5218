import { Rule } from "../../types";

const DEFAULTS = ["postgres", "admin", "root", "master", "administrator", "sa", "user", "rdsadmin"];

export const RDSCustomAdminUsername: Rule = {
  id: "RX-RDS-16",
  name: "RDSCustomAdminUsername",
  level: "error",
  title: "RDS master user has a well-known name",
  explanation: "Default admin names are the first guess of every credential-stuffing attempt; a custom name removes half of the pair.",
  fix: `Set username to a project-specific name (not ${DEFAULTS.join(", ")}).`,
  mirrors: ["AwsSolutions-RDS11", "RDS.25"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => {
    const user = db.config.username;
    return typeof user === "string" && DEFAULTS.includes(user.toLowerCase()) ? `username is ${JSON.stringify(user)}` : undefined;
  },
};
