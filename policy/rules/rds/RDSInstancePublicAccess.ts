import { isFalse } from "../../json";
import { Rule } from "../../types";

export const RDSInstancePublicAccess: Rule = {
  id: "RX-RDS-11",
  name: "RDSInstancePublicAccess",
  level: "error",
  title: "RDS instance is publicly accessible",
  explanation:
    "A public instance gets an internet-resolvable address; the database must be reachable only from the services' security groups.",
  fix: "Set publicly_accessible = false (or leave it out: false is the default).",
  mirrors: ["CKV_AWS_17", "HIPAA.Security-RDSInstancePublicAccess", "RDS.2"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    db.config.publicly_accessible === undefined || isFalse(db.config.publicly_accessible)
      ? undefined
      : `publicly_accessible is ${JSON.stringify(db.config.publicly_accessible)}`,
};
