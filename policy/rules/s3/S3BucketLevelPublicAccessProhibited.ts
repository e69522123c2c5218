import { isTrue } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export const S3BucketLevelPublicAccessProhibited: Rule = {
  id: "RX-S3-1",
  name: "S3BucketLevelPublicAccessProhibited",
  level: "error",
  title: "S3 bucket has no public access block with all four flags",
  explanation:
    "The bucket-level public access block is what stops a later ACL or policy from exposing patient files to the internet, whatever else changes.",
  fix: `Add an aws_s3_bucket_public_access_block for the bucket with ${FLAGS.join(", ")} all true.`,
  mirrors: [
    "CKV2_AWS_6",
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "HIPAA.Security-S3BucketLevelPublicAccessProhibited",
    "S3.8",
  ],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const blocks = bucketParts(bucket, stack, "aws_s3_bucket_public_access_block");
    if (blocks.length === 0) return "no aws_s3_bucket_public_access_block points at it";
    if (blocks.some((b) => FLAGS.every((f) => isTrue(b.config[f])))) return undefined;
    const off = FLAGS.filter((f) => !blocks.some((b) => isTrue(b.config[f])));
    return `public access block leaves ${off.join(", ")} off`;
  },
};
