import { blocks } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

export const S3BucketLoggingEnabled: Rule = {
  id: "RX-S3-5",
  name: "S3BucketLoggingEnabled",
  level: "error",
  title: "S3 bucket has no server access logging",
  explanation: "Server access logs record every request to the bucket, the audit trail of who read which patient file (HIPAA 164.312(b)).",
  fix: "Add an aws_s3_bucket_logging for the bucket with target_bucket set to the access-log bucket.",
  mirrors: ["CKV_AWS_18", "HIPAA.Security-S3BucketLoggingEnabled", "S3.9"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) =>
    bucketParts(bucket, stack, "aws_s3_bucket_logging").length > 0 || blocks(bucket.config.logging).length > 0
      ? undefined
      : "no aws_s3_bucket_logging points at it",
};
