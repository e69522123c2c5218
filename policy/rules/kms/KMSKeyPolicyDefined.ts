import { isSet } from "../../json";
import { Rule } from "../../types";

export const KMSKeyPolicyDefined: Rule = {
  id: "RX-KMS-3",
  name: "KMSKeyPolicyDefined",
  level: "warning",
  title: "KMS key has no explicit key policy",
  explanation: "Without one, AWS applies its default policy; an explicit policy in code is reviewed with every change.",
  fix: "Set policy on the key (or add an aws_kms_key_policy for it).",
  mirrors: ["CKV2_AWS_64"],
  appliesTo: ["aws_kms_key"],
  evaluate: (key, stack) =>
    isSet(key.config.policy) || stack.attached(key, "aws_kms_key_policy", "key_id").length > 0
      ? undefined
      : "no policy and no aws_kms_key_policy",
};
