import { num } from "../../json";
import { Rule } from "../../types";

const MIN_DAYS = 365;

export const CloudWatchLogGroupMinimumRetention: Rule = {
  id: "RX-LOG-2",
  name: "CloudWatchLogGroupMinimumRetention",
  level: "error",
  title: `Log group keeps logs for less than ${MIN_DAYS} days`,
  explanation:
    "Audit and access logs must still exist when an incident is investigated months later (HIPAA 164.312(b)); a year is the floor.",
  fix: `Set retention_in_days to ${MIN_DAYS} or more (0 keeps logs forever).`,
  mirrors: ["CKV_AWS_338", "CloudWatch.16"],
  appliesTo: ["aws_cloudwatch_log_group"],
  evaluate: (group) => {
    const days = num(group.config.retention_in_days);
    return days === undefined || days === 0 || days >= MIN_DAYS ? undefined : `retention_in_days is ${days}`;
  },
};
