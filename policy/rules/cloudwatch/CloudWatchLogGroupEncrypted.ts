import { isSet } from "../../json";
import { Rule } from "../../types";

export const CloudWatchLogGroupEncrypted: Rule = {
  id: "RX-LOG-3",
  name: "CloudWatchLogGroupEncrypted",
  level: "error",
  title: "Log group is not encrypted with a customer-managed key",
  explanation:
    "Application and database logs can contain patient data; with our key, reading them also needs kms:Decrypt under our key policy (HIPAA 164.312(a)(2)(iv)).",
  fix: "Set kms_key_id to the region's key (its policy must allow logs.<region>.amazonaws.com).",
  mirrors: ["CKV_AWS_158", "HIPAA.Security-CloudWatchLogGroupEncrypted"],
  appliesTo: ["aws_cloudwatch_log_group"],
  evaluate: (group) => (isSet(group.config.kms_key_id) ? undefined : "kms_key_id is not set"),
};
