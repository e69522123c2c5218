import { isSet } from "../../json";
import { Rule } from "../../types";

export const CloudTrailEncrypted: Rule = {
  id: "RX-CT-3",
  name: "CloudTrailEncrypted",
  level: "error",
  title: "Trail log files are not encrypted with a customer-managed key",
  explanation:
    "The trail records object keys, IP addresses and identities of everyone who touched patient data; with a CMK, reading it also takes kms:Decrypt under that key's policy, and every read is itself logged (164.312(a)(2)(iv)).",
  fix: "Set kms_key_id to a customer-managed key whose policy lets cloudtrail.amazonaws.com generate data keys for this trail.",
  mirrors: ["CKV_AWS_35", "HIPAA.Security-CloudTrailEncryptionEnabled", "CloudTrail.2"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail) => (isSet(trail.config.kms_key_id) ? undefined : "kms_key_id is not set"),
};
