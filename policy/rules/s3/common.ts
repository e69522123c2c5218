import { statementsOf, Statement } from "../../policy-document";
import { ResourceView, StackView } from "../../types";

/** Split S3 resources of a bucket (provider v4+): they point at it by reference or by its literal name. */
export const bucketParts = (bucket: ResourceView, stack: StackView, type: string): readonly ResourceView[] =>
  stack.attached(bucket, type, "bucket", "bucket");

/** Statements of every bucket policy attached to the bucket; undefined entries are documents that cannot be read at synth. */
export function bucketPolicyStatements(
  bucket: ResourceView,
  stack: StackView,
): { readable: Statement[]; unreadable: number; policies: number } {
  const policies = bucketParts(bucket, stack, "aws_s3_bucket_policy");
  const readable: Statement[] = [];
  let unreadable = 0;
  for (const p of policies) {
    const statements = statementsOf(p.config.policy, stack);
    if (statements) readable.push(...statements);
    else unreadable++;
  }
  return { readable, unreadable, policies: policies.length };
}
