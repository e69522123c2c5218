import { block, isTrue } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

export const S3BucketVersioningEnabled: Rule = {
  id: "RX-S3-2",
  name: "S3BucketVersioningEnabled",
  level: "error",
  title: "S3 bucket versioning is not enabled",
  explanation: "Versioning keeps overwritten and deleted objects recoverable; it is also required by replication and Object Lock.",
  fix: 'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = "Enabled" }.',
  mirrors: ["CKV_AWS_21", "HIPAA.Security-S3BucketVersioningEnabled", "S3.14"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    if (isTrue(block(bucket.config.versioning).enabled)) return undefined;
    const enabled = bucketParts(bucket, stack, "aws_s3_bucket_versioning").some(
      (v) => block(v.config.versioning_configuration).status === "Enabled",
    );
    return enabled ? undefined : "no aws_s3_bucket_versioning with status Enabled points at it";
  },
};
