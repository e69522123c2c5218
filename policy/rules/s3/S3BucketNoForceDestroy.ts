import { isFalse } from "../../json";
import { Rule } from "../../types";

export const S3BucketNoForceDestroy: Rule = {
  id: "RX-S3-8",
  name: "S3BucketNoForceDestroy",
  level: "error",
  title: "S3 bucket can be force-destroyed",
  explanation: "force_destroy = true lets a destroy delete every object first, locked objects included (provider docs).",
  fix: "Set force_destroy = false (or leave it out).",
  mirrors: [],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket) =>
    bucket.config.force_destroy === undefined || isFalse(bucket.config.force_destroy)
      ? undefined
      : `force_destroy is ${JSON.stringify(bucket.config.force_destroy)}`,
};
