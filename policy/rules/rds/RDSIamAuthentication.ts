import { isTrue } from "../../json";
import { Rule } from "../../types";
import { isPostgres } from "./common";

export const RDSIamAuthentication: Rule = {
  id: "RX-RDS-17",
  name: "RDSIamAuthentication",
  level: "warning",
  title: "PostgreSQL instance does not accept IAM authentication",
  explanation: "IAM authentication lets people and jobs connect with short-lived tokens instead of shared passwords.",
  fix: "Set iam_database_authentication_enabled = true.",
  mirrors: ["CKV_AWS_161", "RDS.10"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    !isPostgres(db) || isTrue(db.config.iam_database_authentication_enabled)
      ? undefined
      : "iam_database_authentication_enabled is not true",
};
