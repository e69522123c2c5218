import { isSet } from "../../json";
import { Rule } from "../../types";

export const CloudTrailCloudWatchLogs: Rule = {
  id: "RX-CT-4",
  name: "CloudTrailCloudWatchLogs",
  level: "error",
  title: "Trail does not deliver to CloudWatch Logs",
  explanation:
    "Metric filters and alarms (root use, IAM and security group changes, failed sign-ins) can only read events that reach a log group; S3 delivery alone is read by nobody until an incident.",
  fix: "Set cloud_watch_logs_group_arn (the log group's ARN followed by :*) and cloud_watch_logs_role_arn (a role CloudTrail may assume that can write to it).",
  mirrors: ["CKV2_AWS_10", "HIPAA.Security-CloudTrailCloudWatchLogsEnabled", "CloudTrail.5"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail) => {
    const out: string[] = [];
    if (!isSet(trail.config.cloud_watch_logs_group_arn)) out.push("cloud_watch_logs_group_arn is not set");
    if (!isSet(trail.config.cloud_watch_logs_role_arn)) out.push("cloud_watch_logs_role_arn is not set");
    return out;
  },
};
