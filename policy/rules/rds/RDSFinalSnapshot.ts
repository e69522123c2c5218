import { isSet, isTrue } from "../../json";
import { Rule } from "../../types";
import { isReplica } from "./common";

export const RDSFinalSnapshot: Rule = {
  id: "RX-RDS-15",
  name: "RDSFinalSnapshot",
  level: "error",
  title: "Primary RDS instance would be deleted without a final snapshot",
  explanation:
    "If the instance is ever destroyed, the final snapshot is the last copy of its data. Replicas (replicate_source_db) hold no data of their own and may skip it.",
  fix: "On primaries set skip_final_snapshot = false and final_snapshot_identifier.",
  mirrors: [],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => {
    if (isReplica(db)) return undefined;
    if (isTrue(db.config.skip_final_snapshot)) return "skip_final_snapshot is true";
    return isSet(db.config.final_snapshot_identifier) ? undefined : "final_snapshot_identifier is not set";
  },
};
