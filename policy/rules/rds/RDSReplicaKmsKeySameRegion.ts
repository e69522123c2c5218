import { isSet, referencedAddresses } from "../../json";
import { Rule } from "../../types";

export const RDSReplicaKmsKeySameRegion: Rule = {
  id: "RX-RDS-20",
  name: "RDSReplicaKmsKeySameRegion",
  level: "error",
  title: "Same-region read replica names a KMS key",
  explanation:
    "A read replica in its source's region is encrypted with the source's key and cannot take another; kms_key_id is for cross-region replicas only. Set on a same-region replica it makes the create fail or the plan show a change forever.",
  fix: "Leave kms_key_id out of a replica whose source is an instance of the same region (same provider); keep storage_encrypted.",
  mirrors: [],
  appliesTo: ["aws_db_instance"],
  evaluate: (db, stack) => {
    const source = db.config.replicate_source_db;
    if (typeof source !== "string" || !isSet(db.config.kms_key_id)) return undefined;
    const sourceDb = referencedAddresses(source)
      .map((a) => stack.find(a))
      .find((r) => r?.type === "aws_db_instance");
    // Only a source of this stack can be proven to share the region: the same provider.
    if (!sourceDb) return undefined;
    return (sourceDb.config.provider ?? "aws") === (db.config.provider ?? "aws")
      ? "kms_key_id is set although the source is in the same region"
      : undefined;
  },
};
