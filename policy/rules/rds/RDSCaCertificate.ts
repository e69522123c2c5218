import { show } from "../../json";
import { Rule } from "../../types";

const CURRENT = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

export const RDSCaCertificate: Rule = {
  id: "RX-RDS-14",
  name: "RDSCaCertificate",
  level: "error",
  title: "RDS instance does not name a current CA certificate",
  explanation:
    "Clients verify the server with this CA; an expired or unpinned CA breaks verify-full TLS or leaves the choice to a regional default that changes over time.",
  fix: `Set ca_cert_identifier to one of ${CURRENT.join(", ")}.`,
  mirrors: ["CKV_AWS_211"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    CURRENT.includes(db.config.ca_cert_identifier) ? undefined : `ca_cert_identifier is ${show(db.config.ca_cert_identifier)}`,
};
