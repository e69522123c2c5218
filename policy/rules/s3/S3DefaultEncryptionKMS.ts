import { isSet } from "../../json";
import { Rule } from "../../types";
import { encryptionDefaults } from "./S3DefaultEncryption";

export const S3DefaultEncryptionKMS: Rule = {
  id: "RX-S3-4",
  name: "S3DefaultEncryptionKMS",
  level: "warning",
  title: "S3 bucket is not encrypted with a customer-managed KMS key",
  explanation:
    "With SSE-KMS and our key, reading an object also needs kms:Decrypt under our key policy, and every use is in CloudTrail; SSE-S3 has neither.",
  fix: 'Set sse_algorithm = "aws:kms" and kms_master_key_id to the region\'s key (bucket_key_enabled = true keeps KMS costs down).',
  mirrors: ["CKV_AWS_145", "HIPAA.Security-S3DefaultEncryptionKMS"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const defaults = encryptionDefaults(bucket, stack);
    if (defaults.length === 0) return undefined; // RX-S3-3 reports the missing configuration
    const kms = defaults.some((d) => String(d.sse_algorithm).startsWith("aws:kms") && isSet(d.kms_master_key_id));
    return kms ? undefined : `default encryption is ${defaults.map((d) => d.sse_algorithm).join(", ")} without a customer-managed key`;
  },
};
