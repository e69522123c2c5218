import { Rule } from "../../types";
import { identityAllows, IDENTITY_TYPES, label } from "./common";

export const IAMPolicyNoStatementsWithFullAccess: Rule = {
  id: "RX-IAM-2",
  name: "IAMPolicyNoStatementsWithFullAccess",
  level: "error",
  title: 'IAM policy allows a whole service ("svc:*")',
  explanation:
    '"s3:*" or "kms:*" include the destructive and permission-changing actions of the service (DeleteBucket, PutBucketPolicy, ScheduleKeyDeletion).',
  fix: "List the service's actions the principal needs.",
  mirrors: ["CKV_AWS_49", "HIPAA.Security-IAMPolicyNoStatementsWithFullAccess", "IAM.21"],
  appliesTo: IDENTITY_TYPES,
  evaluate: (r, stack) =>
    identityAllows(r, stack).flatMap((s) => {
      const full = s.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a));
      return full.length === 0 ? [] : [`${label(s)} allows ${full.join(", ")}`];
    }),
};
