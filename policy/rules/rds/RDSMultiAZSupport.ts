import { isTrue, show } from "../../json";
import { Rule } from "../../types";
import { isReplica } from "./common";

export const RDSMultiAZSupport: Rule = {
  id: "RX-RDS-2",
  name: "RDSMultiAZSupport",
  level: "error",
  title: "Primary RDS instance is not Multi-AZ",
  explanation:
    "A single-AZ primary loses writes and availability with its zone. Replicas are exempt: they are read capacity, not failover.",
  fix: "Set multi_az = true on the primary (replicas keep replicate_source_db and may stay single-AZ).",
  mirrors: ["CKV_AWS_157", "HIPAA.Security-RDSMultiAZSupport", "RDS.5"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => (isReplica(db) || isTrue(db.config.multi_az) ? undefined : `multi_az is ${show(db.config.multi_az)}`),
};
