import { KEY, RuleCase, stack } from "../harness";

const group = { name: "/aws/vpc/flow-logs", retention_in_days: 365, kms_key_id: KEY };
const L = (name: string) => `aws_cloudwatch_log_group.${name}`;
const alarm = { alarm_name: "db-cpu", metric_name: "CPUUtilization", namespace: "AWS/RDS", alarm_actions: ["${aws_sns_topic.alerts.arn}"] };

export const cloudwatchCases: RuleCase[] = [
  {
    rule: "RX-LOG-1",
    title: "retention must be set",
    json: stack({
      aws_cloudwatch_log_group: {
        pass: group,
        pass_forever: { ...group, retention_in_days: 0 },
        fail: { ...group, retention_in_days: undefined },
      },
    }),
    pass: [L("pass"), L("pass_forever")],
    fail: [L("fail")],
  },
  {
    rule: "RX-LOG-2",
    title: "a year or more (or forever); unset is RX-LOG-1's finding",
    json: stack({
      aws_cloudwatch_log_group: {
        pass: group,
        pass_forever: { ...group, retention_in_days: 0 },
        pass_unset: { ...group, retention_in_days: undefined },
        fail: { ...group, retention_in_days: 90 },
      },
    }),
    pass: [L("pass"), L("pass_forever"), L("pass_unset")],
    fail: [L("fail")],
  },
  {
    rule: "RX-LOG-3",
    title: "a customer-managed key is required",
    json: stack({ aws_cloudwatch_log_group: { pass: group, fail: { ...group, kms_key_id: undefined } } }),
    pass: [L("pass")],
    fail: [L("fail")],
  },
  {
    rule: "RX-CW-1",
    title: "metric and composite alarms need an enabled action",
    json: stack({
      aws_cloudwatch_metric_alarm: {
        pass: alarm,
        fail: { ...alarm, alarm_actions: [] },
        fail2: { ...alarm, actions_enabled: false },
        fail3: { ...alarm, alarm_actions: undefined },
      },
      aws_cloudwatch_composite_alarm: {
        pass: { alarm_name: "any", alarm_rule: "ALARM(db-cpu)", alarm_actions: ["${aws_sns_topic.alerts.arn}"] },
        fail: { alarm_name: "none", alarm_rule: "ALARM(db-cpu)" },
      },
    }),
    pass: ["aws_cloudwatch_metric_alarm.pass", "aws_cloudwatch_composite_alarm.pass"],
    fail: [
      "aws_cloudwatch_metric_alarm.fail",
      "aws_cloudwatch_metric_alarm.fail2",
      "aws_cloudwatch_metric_alarm.fail3",
      "aws_cloudwatch_composite_alarm.fail",
    ],
  },
];
