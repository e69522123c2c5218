import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const RDSStorageEncrypted: Rule = {
  id: "RX-RDS-1",
  name: "RDSStorageEncrypted",
  level: "error",
  title: "RDS instance storage is not encrypted",
  explanation:
    "Patient data at rest must be encrypted (HIPAA 164.312(a)(2)(iv)). The provider default is unencrypted, and encryption can only be chosen when the instance is created.",
  fix: "Set storage_encrypted = true and kms_key_id to the region's customer-managed key.",
  mirrors: ["CKV_AWS_16", "HIPAA.Security-RDSStorageEncrypted", "RDS.3"],
  appliesTo: ["aws_db_instance"],
  evaluate: (db) => (isTrue(db.config.storage_encrypted) ? undefined : `storage_encrypted is ${show(db.config.storage_encrypted)}`),
};
