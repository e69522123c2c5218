import { blocks } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

export const S3BucketLifecycleConfigured: Rule = {
  id: "RX-S3-9",
  name: "S3BucketLifecycleConfigured",
  level: "error",
  title: "S3 bucket has no enabled lifecycle rule",
  explanation:
    "Without lifecycle rules, noncurrent versions and incomplete uploads accumulate forever, and retention is whatever happens to be left.",
  fix: 'Add an aws_s3_bucket_lifecycle_configuration for the bucket with at least one rule { status = "Enabled" }.',
  mirrors: ["CKV2_AWS_61", "S3.13"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const configs = bucketParts(bucket, stack, "aws_s3_bucket_lifecycle_configuration");
    const enabled = configs.some((c) => blocks(c.config.rule).some((r) => r.status === "Enabled"));
    return enabled
      ? undefined
      : configs.length === 0
        ? "no aws_s3_bucket_lifecycle_configuration points at it"
        : "its lifecycle configuration has no enabled rule";
  },
};
