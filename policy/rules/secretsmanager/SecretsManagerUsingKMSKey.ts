import { blocks, isSet } from "../../json";
import { Rule } from "../../types";

export const SecretsManagerUsingKMSKey: Rule = {
  id: "RX-SM-1",
  name: "SecretsManagerUsingKMSKey",
  level: "error",
  title: "Secret is not encrypted with a customer-managed key",
  explanation:
    "With the AWS-managed aws/secretsmanager key anyone allowed GetSecretValue can decrypt; with our key, reading also needs kms:Decrypt under our key policy.",
  fix: "Set kms_key_id to the region's customer-managed key (not an alias/aws/ key), and kms_key_id in every replica block to the key of its region.",
  mirrors: ["CKV_AWS_149", "HIPAA.Security-SecretsManagerUsingKMSKey"],
  appliesTo: ["aws_secretsmanager_secret"],
  evaluate: (secret) => {
    const key = secret.config.kms_key_id;
    if (!isSet(key)) return "kms_key_id is not set (AWS-managed key)";
    if (typeof key === "string" && key.includes("alias/aws/")) return `kms_key_id is the AWS-managed ${key}`;
    // A replica without its own key falls back to aws/secretsmanager in its region.
    const bare = blocks(secret.config.replica).filter((r) => !isSet(r.kms_key_id) || String(r.kms_key_id).includes("alias/aws/"));
    return bare.length === 0 ? undefined : `replica in ${bare.map((r) => r.region ?? "?").join(", ")} has no customer-managed kms_key_id`;
  },
};
