import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const RDSCopyTagsToSnapshot: Rule = {
  id: "RX-RDS-9",
  name: "RDSCopyTagsToSnapshot",
  level: "error",
  title: "RDS snapshots do not inherit the instance's tags",
  explanation:
    "Snapshots hold the same patient data as the instance; without its tags they fall out of cost, ownership and data-classification reports.",
  fix: "Set copy_tags_to_snapshot = true.",
  mirrors: ["CKV2_AWS_60", "RDS.17"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) =>
    isTrue(db.config.copy_tags_to_snapshot) ? undefined : `copy_tags_to_snapshot is ${show(db.config.copy_tags_to_snapshot)}`,
};
