import { Rule } from "../../types";
import { identityAllows, IDENTITY_TYPES, label } from "./common";

/**
 * Actions that have no resource-level permissions: "*" is the only resource they accept. Plain
 * entries match exactly; an action written with a wildcard passes only if it is listed as is.
 * ecs:RegisterTaskDefinition is not one: the Service Authorization Reference gives it the
 * task-definition resource type (task-definition/<family>:*), so it must name its families.
 * ecs:ListServices has no resource type either; it takes the ecs:cluster condition key, which is
 * how a policy narrows it (the deploy role: ArnEquals on the project's cluster ARNs).
 */
const NO_RESOURCE_LEVEL_ACTIONS = [
  "ecr:GetAuthorizationToken",
  "xray:Put*",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "cloudwatch:PutMetricData",
  "sts:GetCallerIdentity",
  "logs:DescribeLogGroups",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeVpcs",
  "ecs:DeregisterTaskDefinition",
  "ecs:DescribeTaskDefinition",
  "ecs:ListServices",
  "kms:ListAliases",
  "secretsmanager:GetRandomPassword",
  "apprunner:ListServices",
  "s3:ListAllMyBuckets",
].map((a) => a.toLowerCase());

const restrictable = (action: string): boolean => !NO_RESOURCE_LEVEL_ACTIONS.includes(action.toLowerCase());

export const IAMNoWildcardResource: Rule = {
  id: "RX-IAM-3",
  name: "IAMNoWildcardResource",
  level: "error",
  title: 'IAM policy allows resource-scoped actions on "*"',
  explanation:
    'An action that can be limited to named resources must be; "*" extends it to every current and future resource of the account, other tenants\' data included.',
  fix: 'Name the resources (ARNs) in Resource; keep "*" only for actions without resource-level permissions (e.g. ecr:GetAuthorizationToken, xray:PutTraceSegments).',
  mirrors: ["CKV_AWS_355", "CKV_AWS_356", "AwsSolutions-IAM5"],
  appliesTo: IDENTITY_TYPES,
  evaluate: (r, stack) =>
    identityAllows(r, stack).flatMap((s) => {
      if (!s.resources.includes("*")) return [];
      const scoped = s.actions.filter(restrictable);
      return scoped.length === 0 ? [] : [`${label(s)} allows ${scoped.join(", ")} on "*"`];
    }),
};
