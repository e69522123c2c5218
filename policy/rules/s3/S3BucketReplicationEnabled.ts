import { Rule } from "../../types";
import { bucketParts } from "./common";

export const S3BucketReplicationEnabled: Rule = {
  id: "RX-S3-10",
  name: "S3BucketReplicationEnabled",
  level: "warning",
  title: "S3 bucket is not replicated",
  explanation:
    "A copy in a second region survives the loss of a region or of the bucket itself (HIPAA contingency plan, 164.308(a)(7)). A replication destination counts as replicated.",
  fix: "Add an aws_s3_bucket_replication_configuration with this bucket as source (or make it the destination of one).",
  mirrors: ["CKV_AWS_144", "HIPAA.Security-S3BucketReplicationEnabled", "S3.7"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    if (bucketParts(bucket, stack, "aws_s3_bucket_replication_configuration").length > 0) return undefined;
    const destination = stack.resources("aws_s3_bucket_replication_configuration").some((r) => stack.referencesOf(r).has(bucket.address));
    return destination ? undefined : "no replication configuration has it as source or destination";
  },
};
