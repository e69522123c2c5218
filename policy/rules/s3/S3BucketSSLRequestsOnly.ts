import { isPublicPrincipal, Statement } from "../../policy-document";
import { Rule } from "../../types";
import { bucketPolicyStatements } from "./common";

const deniesPlainHttp = (s: Statement): boolean =>
  s.effect === "Deny" &&
  isPublicPrincipal(s) &&
  s.actions.some((a) => a === "*" || a === "s3:*") &&
  s.conditions.some((c) => c.operator === "Bool" && c.key === "aws:SecureTransport" && c.values.includes("false"));

export const S3BucketSSLRequestsOnly: Rule = {
  id: "RX-S3-6",
  name: "S3BucketSSLRequestsOnly",
  level: "error",
  title: "S3 bucket policy does not deny plain-HTTP requests",
  explanation: "S3 answers plain HTTP unless the bucket policy denies it; patient files must only travel over TLS (HIPAA 164.312(e)(1)).",
  fix: 'Add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", the bucket and bucket/*, Condition Bool aws:SecureTransport = "false".',
  mirrors: ["CKV_AWS_379", "HIPAA.Security-S3BucketSSLRequestsOnly", "S3.5"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const { readable, unreadable, policies } = bucketPolicyStatements(bucket, stack);
    if (policies === 0) return "no aws_s3_bucket_policy points at it";
    if (readable.some(deniesPlainHttp)) return undefined;
    return unreadable > 0
      ? "its bucket policy is built by an expression and cannot be checked for the TLS-only statement"
      : "its bucket policy has no Deny on aws:SecureTransport = false";
  },
};
