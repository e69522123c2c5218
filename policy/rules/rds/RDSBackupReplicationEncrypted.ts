import { isSet } from "../../json";
import { Rule } from "../../types";

export const RDSBackupReplicationEncrypted: Rule = {
  id: "RX-RDS-18",
  name: "RDSBackupReplicationEncrypted",
  level: "error",
  title: "Cross-region backup replication has no KMS key",
  explanation:
    "Replicated automated backups of an encrypted instance are re-encrypted in the destination region with the key named here; without one, AWS rejects the replication of encrypted backups.",
  fix: "Set kms_key_id to the customer-managed key of the destination (backup) region.",
  mirrors: [],
  appliesTo: ["aws_db_instance_automated_backups_replication"],
  evaluate: (r) => (isSet(r.config.kms_key_id) ? undefined : "kms_key_id is not set"),
};
