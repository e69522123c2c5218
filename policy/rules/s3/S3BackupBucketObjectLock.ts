import { block, isTrue, num } from "../../json";
import { ResourceView, Rule } from "../../types";
import { bucketParts } from "./common";

/** Backup buckets by name or by a purpose tag: dumps whose deletion must be impossible. */
export function isBackupBucket(bucket: ResourceView): boolean {
  const names = [bucket.config.bucket, bucket.config.bucket_prefix].filter((n): n is string => typeof n === "string");
  const purpose = bucket.config.tags?.purpose;
  return names.some((n) => /backup/i.test(n)) || (typeof purpose === "string" && /backup/i.test(purpose));
}

export const S3BackupBucketObjectLock: Rule = {
  id: "RX-S3-11",
  name: "S3BackupBucketObjectLock",
  level: "error",
  title: "Backup bucket has no Object Lock default retention",
  explanation:
    "Backups are the last line against ransomware and mistakes; Object Lock keeps each object undeletable until its retention ends. It can only be enabled when the bucket is created.",
  fix: "Set object_lock_enabled = true on the bucket and add an aws_s3_bucket_object_lock_configuration with rule.default_retention (mode and days or years).",
  mirrors: [],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    if (!isBackupBucket(bucket)) return undefined;
    if (!isTrue(bucket.config.object_lock_enabled)) return "object_lock_enabled is not true";
    const retained = bucketParts(bucket, stack, "aws_s3_bucket_object_lock_configuration").some((c) => {
      const r = block(block(c.config.rule).default_retention);
      return typeof r.mode === "string" && ((num(r.days) ?? 0) > 0 || (num(r.years) ?? 0) > 0);
    });
    return retained ? undefined : "no aws_s3_bucket_object_lock_configuration with a default retention points at it";
  },
};
