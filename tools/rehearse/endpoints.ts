/**
 * The AWS provider's `endpoints` keys (hashicorp/aws 5.100.0) for the resource types the stacks use.
 * The rehearsal points each of them at the emulator. A type missing here stops the rehearsal before
 * anything runs: a new service must be added deliberately (and checked to exist in moto), never
 * sent anywhere by default.
 */
const BY_PREFIX: readonly (readonly [string, string])[] = [
  // Order matters: the first matching prefix wins (aws_route53_ before aws_route).
  ["aws_route53_", "route53"],
  ["aws_acm_", "acm"],
  ["aws_apprunner_", "apprunner"],
  ["aws_appautoscaling_", "appautoscaling"],
  ["aws_budgets_", "budgets"],
  ["aws_cloudtrail", "cloudtrail"],
  ["aws_cloudwatch_log_", "logs"],
  ["aws_cloudwatch_event_", "events"],
  ["aws_cloudwatch_", "cloudwatch"],
  ["aws_config_", "configservice"],
  ["aws_db_", "rds"],
  ["aws_rds_", "rds"],
  ["aws_dynamodb_", "dynamodb"],
  ["aws_ecr_", "ecr"],
  ["aws_ecs_", "ecs"],
  ["aws_elasticache_", "elasticache"],
  ["aws_lb", "elbv2"],
  ["aws_alb", "elbv2"],
  ["aws_guardduty_", "guardduty"],
  ["aws_iam_", "iam"],
  ["aws_kms_", "kms"],
  ["aws_s3control_", "s3control"],
  ["aws_s3_account_", "s3control"],
  ["aws_s3_", "s3"],
  ["aws_scheduler_", "scheduler"],
  ["aws_secretsmanager_", "secretsmanager"],
  ["aws_securityhub_", "securityhub"],
  ["aws_sns_", "sns"],
  ["aws_sqs_", "sqs"],
  ["aws_ssm_", "ssm"],
  ["aws_synthetics_", "synthetics"],
  ["aws_xray_", "xray"],
  ["aws_lambda_", "lambda"],
  ["aws_wafv2_", "wafv2"],
  // EC2 and VPC resources.
  ["aws_vpc", "ec2"],
  ["aws_default_", "ec2"],
  ["aws_subnet", "ec2"],
  ["aws_route", "ec2"],
  ["aws_internet_gateway", "ec2"],
  ["aws_nat_gateway", "ec2"],
  ["aws_eip", "ec2"],
  ["aws_security_group", "ec2"],
  ["aws_network_acl", "ec2"],
  ["aws_flow_log", "ec2"],
  ["aws_ec2_", "ec2"],
  ["aws_ebs_", "ec2"],
];

/** Data sources that never call AWS, or call a service listed in ALWAYS. */
const LOCAL_DATA = new Set([
  "aws_iam_policy_document",
  "aws_region",
  "aws_partition",
  "aws_caller_identity",
  "aws_availability_zones",
  "aws_default_tags",
]);

/** Every provider calls STS (caller identity: the allowed_account_ids guard) and EC2 (availability zones). */
const ALWAYS: readonly string[] = ["sts", "iam", "ec2"];

export function endpointFor(type: string): string | undefined {
  return BY_PREFIX.find(([prefix]) => type.startsWith(prefix))?.[1];
}

/**
 * The endpoint keys a stack needs, from its resource and data source types. Throws naming the types
 * that have no mapping.
 */
export function endpointsFor(resourceTypes: Iterable<string>, dataTypes: Iterable<string>): string[] {
  const keys = new Set(ALWAYS);
  const unknown: string[] = [];
  for (const t of resourceTypes) {
    const key = endpointFor(t);
    if (key) keys.add(key);
    else unknown.push(t);
  }
  for (const t of dataTypes) {
    if (t === "terraform_remote_state" || LOCAL_DATA.has(t)) continue;
    const key = endpointFor(t);
    if (key) keys.add(key);
    else unknown.push(`data.${t}`);
  }
  if (unknown.length) {
    throw new Error(
      `no emulator endpoint for ${unknown.join(", ")}. Fix: add the provider's endpoints key for the type to tools/rehearse/endpoints.ts (and check that moto emulates the service)`,
    );
  }
  return [...keys].sort();
}
