import { isPublicPrincipal } from "../../policy-document";
import { Rule } from "../../types";
import { bucketPolicyStatements } from "./common";

export const S3BucketPolicyNotPublic: Rule = {
  id: "RX-S3-12",
  name: "S3BucketPolicyNotPublic",
  level: "error",
  title: "S3 bucket policy allows everyone",
  explanation: 'An Allow for Principal "*" grants access to any AWS account or anonymous caller the conditions let through.',
  fix: 'Name the principals (account, role or service) in Allow statements instead of "*".',
  mirrors: ["CKV_AWS_70", "HIPAA.Security-S3BucketPublicReadProhibited", "HIPAA.Security-S3BucketPublicWriteProhibited", "S3.2", "S3.3"],
  appliesTo: ["aws_s3_bucket"],
  evaluate: (bucket, stack) => {
    const open = bucketPolicyStatements(bucket, stack).readable.filter((s) => s.effect === "Allow" && isPublicPrincipal(s));
    return open.length === 0 ? undefined : `Allow for Principal "*" (${open.map((s) => s.sid ?? s.actions.join(",")).join("; ")})`;
  },
};
