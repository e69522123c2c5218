import { isTrue, show } from "../../json";
import { Rule } from "../../types";

export const KMSBackingKeyRotationEnabled: Rule = {
  id: "RX-KMS-1",
  name: "KMSBackingKeyRotationEnabled",
  level: "error",
  title: "KMS key rotation is off",
  explanation: "Yearly rotation limits how much data one key version protects; old versions stay available to decrypt.",
  fix: "Set enable_key_rotation = true on symmetric keys.",
  mirrors: ["CKV_AWS_7", "HIPAA.Security-KMSBackingKeyRotationEnabled", "AwsSolutions-KMS5", "KMS.4"],
  appliesTo: ["aws_kms_key"],
  evaluate: (key) => {
    const spec = key.config.customer_master_key_spec;
    // Rotation exists only for symmetric encryption keys.
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return undefined;
    return isTrue(key.config.enable_key_rotation) ? undefined : `enable_key_rotation is ${show(key.config.enable_key_rotation)}`;
  },
};
