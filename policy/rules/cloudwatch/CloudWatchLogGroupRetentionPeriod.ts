import { num } from "../../json";
import { Rule } from "../../types";

export const CloudWatchLogGroupRetentionPeriod: Rule = {
  id: "RX-LOG-1",
  name: "CloudWatchLogGroupRetentionPeriod",
  level: "error",
  title: "Log group has no retention set",
  explanation: "Without a retention the log group keeps everything forever by accident rather than by decision, at growing cost.",
  fix: "Set retention_in_days (365 or more, RX-LOG-2).",
  mirrors: ["CKV_AWS_66", "HIPAA.Security-CloudWatchLogGroupRetentionPeriod"],
  appliesTo: ["aws_cloudwatch_log_group"],
  evaluate: (group) => (num(group.config.retention_in_days) === undefined ? "retention_in_days is not set" : undefined),
};
