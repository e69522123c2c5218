import { HIPAA_RETENTION_DAYS } from "../../../lib/hipaa";
import { block, isTrue, num } from "../../json";
import { Rule } from "../../types";
import { bucketParts } from "../s3/common";
import { trailBucket } from "./common";

/** Default retention of an Object Lock configuration in days (years count as 365 days each), or 0. */
function retentionDays(config: Record<string, any>): number {
  const r = block(block(config.rule).default_retention);
  return Math.max(num(r.days) ?? 0, (num(r.years) ?? 0) * 365);
}

export const CloudTrailBucketRetention: Rule = {
  id: "RX-CT-5",
  name: "CloudTrailBucketRetention",
  level: "error",
  title: "Trail bucket cannot prove six years of undeleted, access-logged history",
  explanation: `HIPAA keeps audit documentation six years (164.316(b)(2)(i)). An attacker with admin rights deletes the trail's files first; Object Lock with a default retention of at least ${HIPAA_RETENTION_DAYS} days makes every log file undeletable for that long, and server access logs show who read the bucket.`,
  fix: `Deliver the trail to a bucket in the same stack with object_lock_enabled = true, an aws_s3_bucket_object_lock_configuration whose default retention is ${HIPAA_RETENTION_DAYS} days or more, and an aws_s3_bucket_logging.`,
  mirrors: ["CloudTrail.7"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail, stack) => {
    const bucket = trailBucket(trail, stack);
    if (!bucket) return "its bucket is not in this stack, so its Object Lock and access logging cannot be checked";
    const out: string[] = [];
    if (!isTrue(bucket.config.object_lock_enabled)) out.push(`bucket ${bucket.address} has object_lock_enabled not true`);
    const locks = bucketParts(bucket, stack, "aws_s3_bucket_object_lock_configuration");
    const days = Math.max(0, ...locks.map((l) => retentionDays(l.config)));
    if (days < HIPAA_RETENTION_DAYS)
      out.push(`bucket ${bucket.address} keeps log files ${days} days under Object Lock (at least ${HIPAA_RETENTION_DAYS} needed)`);
    if (bucketParts(bucket, stack, "aws_s3_bucket_logging").length === 0) out.push(`bucket ${bucket.address} has no server access logging`);
    return out;
  },
};
