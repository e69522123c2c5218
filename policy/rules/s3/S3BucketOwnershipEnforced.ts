import { block } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "./common";

export const S3BucketOwnershipEnforced: Rule = {
  id: "RX-S3-7",
  name: "S3BucketOwnershipEnforced",
  level: "error",
  title: "S3 bucket ACLs are not disabled",
  explanation:
    "With BucketOwnerEnforced, ACLs are ignored: access is decided by policies alone, and objects written by others still belong to us.",
  fix: 'Add an aws_s3_bucket_ownership_controls for the bucket with rule { object_ownership = "BucketOwnerEnforced" }.',
  mirrors: ["CKV2_AWS_65", "S3.12"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const controls = bucketParts(bucket, stack, "aws_s3_bucket_ownership_controls");
    if (controls.length === 0) return "no aws_s3_bucket_ownership_controls points at it";
    const modes = controls.map((c) => block(c.config.rule).object_ownership);
    return modes.includes("BucketOwnerEnforced") ? undefined : `object_ownership is ${modes.map((m) => JSON.stringify(m)).join(", ")}`;
  },
};
