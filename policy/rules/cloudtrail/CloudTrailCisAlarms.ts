import { block, isFalse, strings } from "../../json";
import { ResourceView, Rule, StackView } from "../../types";

/** A CIS AWS Foundations monitoring control: the clauses its metric filter must contain. */
export interface CisControl {
  readonly id: string;
  readonly title: string;
  readonly clauses: readonly string[];
}

const events = (...names: string[]) => names.map((n) => `$.eventName=${n}`);

/** CIS AWS Foundations Benchmark v1.4.0, section 4 (Security Hub CloudWatch.1, .4, .5, .6, .10). */
export const CIS_CONTROLS: readonly CisControl[] = [
  {
    id: "CloudWatch.1",
    title: "root account usage (CIS 4.3)",
    clauses: ["$.userIdentity.type=Root", "$.userIdentity.invokedByNOTEXISTS", "$.eventType!=AwsServiceEvent"],
  },
  {
    id: "CloudWatch.4",
    title: "IAM policy changes (CIS 4.4)",
    clauses: events(
      "DeleteGroupPolicy",
      "DeleteRolePolicy",
      "DeleteUserPolicy",
      "PutGroupPolicy",
      "PutRolePolicy",
      "PutUserPolicy",
      "CreatePolicy",
      "DeletePolicy",
      "CreatePolicyVersion",
      "DeletePolicyVersion",
      "AttachRolePolicy",
      "DetachRolePolicy",
      "AttachUserPolicy",
      "DetachUserPolicy",
      "AttachGroupPolicy",
      "DetachGroupPolicy",
    ),
  },
  {
    id: "CloudWatch.5",
    title: "CloudTrail configuration changes (CIS 4.5)",
    clauses: events("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
  },
  {
    id: "CloudWatch.6",
    title: "console sign-in failures (CIS 4.6)",
    clauses: ["$.eventName=ConsoleLogin", "$.errorMessage=Failedauthentication"],
  },
  {
    id: "CloudWatch.10",
    title: "security group changes (CIS 4.10)",
    clauses: events(
      "AuthorizeSecurityGroupIngress",
      "AuthorizeSecurityGroupEgress",
      "RevokeSecurityGroupIngress",
      "RevokeSecurityGroupEgress",
      "CreateSecurityGroup",
      "DeleteSecurityGroup",
    ),
  },
];

/** A filter pattern without spaces and quotes: CloudWatch accepts both spellings of a term. */
const normalizePattern = (pattern: string): string => pattern.replace(/[\s"]/g, "");

/** Whether a metric filter pattern implements a CIS control. */
export const implementsControl = (pattern: string, control: CisControl): boolean => {
  const p = normalizePattern(pattern);
  return control.clauses.every((c) => p.includes(c));
};

function alarmed(filter: ResourceView, stack: StackView): boolean {
  const t = block(filter.config.metric_transformation);
  return stack
    .resources("aws_cloudwatch_metric_alarm")
    .some(
      (a) =>
        a.config.metric_name === t.name &&
        a.config.namespace === t.namespace &&
        strings(a.config.alarm_actions).length > 0 &&
        !isFalse(a.config.actions_enabled),
    );
}

export const CloudTrailCisAlarms: Rule = {
  id: "RX-CT-7",
  name: "CloudTrailCisAlarms",
  level: "error",
  title: "Trail's log group lacks a CIS metric filter with an alarm",
  explanation:
    "Root use, IAM policy changes, trail changes, security group changes and failed console sign-ins are how an account takeover shows itself; a metric filter on the trail's log group with an alarm to the on-call topic turns each into a notification within minutes (164.308(a)(1)(ii)(D), 164.308(a)(6)).",
  fix: "Add, on the log group the trail delivers to, an aws_cloudwatch_log_metric_filter with the CIS pattern for each control and an aws_cloudwatch_metric_alarm on its metric with alarm_actions (modules/trail.ts CisAlarms).",
  mirrors: CIS_CONTROLS.map((c) => c.id),
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail, stack) => {
    const group = stack.targets(trail.config.cloud_watch_logs_group_arn, "aws_cloudwatch_log_group")[0];
    if (!group) return "its CloudWatch log group is not in this stack (RX-CT-4 when there is none)";
    const filters = stack.attached(group, "aws_cloudwatch_log_metric_filter", "log_group_name", "name");
    return CIS_CONTROLS.filter(
      (control) =>
        !filters.some((f) => typeof f.config.pattern === "string" && implementsControl(f.config.pattern, control) && alarmed(f, stack)),
    ).map((control) => `no metric filter with an alarm for ${control.title}`);
  },
};
