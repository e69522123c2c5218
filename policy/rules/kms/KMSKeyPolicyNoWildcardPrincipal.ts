import { isPublicPrincipal, statementsOf } from "../../policy-document";
import { Rule } from "../../types";

export const KMSKeyPolicyNoWildcardPrincipal: Rule = {
  id: "RX-KMS-2",
  name: "KMSKeyPolicyNoWildcardPrincipal",
  level: "error",
  title: 'KMS key policy allows Principal "*"',
  explanation:
    "A key policy is the key's root of trust: an Allow for everyone can hand decrypt rights to any AWS account the conditions let through.",
  fix: "Name the account root, roles or services as principals; let IAM policies grant use within the account.",
  mirrors: ["CKV_AWS_33"],
  appliesTo: ["aws_kms_key", "aws_kms_key_policy"],
  evaluate: (key, stack) => {
    const open = (statementsOf(key.config.policy, stack) ?? []).filter((s) => s.effect === "Allow" && isPublicPrincipal(s));
    return open.length === 0 ? undefined : `Allow for "*" in ${open.map((s) => s.sid ?? "a statement").join(", ")}`;
  },
};
