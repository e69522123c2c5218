import { isFalse, strings } from "../../json";
import { Rule } from "../../types";

export const CloudWatchAlarmAction: Rule = {
  id: "RX-CW-1",
  name: "CloudWatchAlarmAction",
  level: "error",
  title: "Alarm notifies nobody",
  explanation: "An alarm without an action changes state in the console and nobody learns of it.",
  fix: "Set alarm_actions to the alert topic (and keep actions_enabled true).",
  mirrors: ["HIPAA.Security-CloudWatchAlarmAction", "CloudWatch.15"],
  appliesTo: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"],
  evaluate: (alarm) => {
    if (isFalse(alarm.config.actions_enabled)) return "actions_enabled is false";
    return strings(alarm.config.alarm_actions).length > 0 ? undefined : "alarm_actions is empty";
  },
};
