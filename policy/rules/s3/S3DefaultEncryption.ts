import { block, blocks, isSet } from "../../json";
import { ResourceView, Rule, StackView } from "../../types";
import { bucketParts } from "./common";

/** The default-encryption settings of a bucket, from the split resource or the legacy inline block. */
export function encryptionDefaults(bucket: ResourceView, stack: StackView): Record<string, any>[] {
  const configs = [
    ...bucketParts(bucket, stack, "aws_s3_bucket_server_side_encryption_configuration").map((c) => c.config),
    ...blocks(bucket.config.server_side_encryption_configuration),
  ];
  return configs
    .flatMap((c) => blocks(c.rule))
    .map((r) => block(r.apply_server_side_encryption_by_default))
    .filter((d) => isSet(d.sse_algorithm));
}

export const S3DefaultEncryption: Rule = {
  id: "RX-S3-3",
  name: "S3DefaultEncryption",
  level: "error",
  title: "S3 bucket has no default encryption configuration",
  explanation: "An explicit default encryption setting documents and pins how objects are encrypted at rest (HIPAA 164.312(a)(2)(iv)).",
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration for the bucket (aws:kms with the region's key, or AES256 where documented).",
  mirrors: ["CKV_AWS_19", "S3.4"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) =>
    encryptionDefaults(bucket, stack).length > 0 ? undefined : "no server-side encryption configuration points at it",
};
