import { isTrue } from "../../json";
import { Rule } from "../../types";

export const CloudTrailLogFileValidation: Rule = {
  id: "RX-CT-2",
  name: "CloudTrailLogFileValidation",
  level: "error",
  title: "Trail log file validation is off",
  explanation:
    "Validation writes an hourly digest signed by CloudTrail: `aws cloudtrail validate-logs` then proves no log file was changed or removed, which is what makes the trail evidence (HIPAA integrity, 164.312(c)(1)).",
  fix: "Set enable_log_file_validation = true.",
  mirrors: ["CKV_AWS_36", "HIPAA.Security-CloudTrailLogFileValidationEnabled", "CloudTrail.4"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail) => (isTrue(trail.config.enable_log_file_validation) ? undefined : "enable_log_file_validation is not true"),
};
