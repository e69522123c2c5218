/**
 * The service a resource type belongs to in the architecture diagram: resources are drawn one node
 * per service and stack ("RDS x5"), never one node per rule or attachment.
 */
const AWS_SERVICES: readonly (readonly [RegExp, string])[] = [
  [/^aws_(db_|rds_)/, "RDS"],
  [/^aws_elasticache_/, "ElastiCache"],
  [/^aws_apprunner_/, "App Runner"],
  [/^aws_(ecs_|appautoscaling_)/, "ECS Fargate"],
  [/^aws_(lb|alb)(_|$)/, "Load balancer"],
  [/^aws_(nat_gateway|eip)$/, "NAT gateway"],
  [/^aws_(security_group|vpc_security_group_|default_security_group)/, "Security groups"],
  [/^aws_route53_/, "Route 53"],
  [
    /^aws_(vpc|vpc_endpoint|subnet|route|route_table|route_table_association|internet_gateway|egress_only_internet_gateway|flow_log|network_acl|default_network_acl|default_route_table)$/,
    "VPC",
  ],
  [/^aws_iam_/, "IAM"],
  [/^aws_s3_/, "S3"],
  [/^aws_kms_/, "KMS"],
  [/^aws_secretsmanager_/, "Secrets Manager"],
  [/^aws_ecr_/, "ECR"],
  [/^aws_cloudwatch_/, "CloudWatch"],
  [/^aws_sns_/, "SNS"],
  [/^aws_budgets_/, "Budgets"],
  [/^aws_dynamodb_/, "DynamoDB"],
  [/^aws_scheduler_/, "EventBridge Scheduler"],
  [/^aws_acm_/, "ACM"],
  [/^aws_ssm_/, "SSM Parameter Store"],
  [/^aws_wafv2_/, "WAF"],
];

const title = (s: string) => s.replace(/_/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());

/** Provider of a resource type: the part before the first underscore (aws, cloudflare, github). */
export const providerOfType = (type: string): string => type.slice(0, type.indexOf("_"));

export function serviceOf(type: string): string {
  const provider = providerOfType(type);
  const rest = type.slice(provider.length + 1);
  if (provider === "aws") return AWS_SERVICES.find(([re]) => re.test(type))?.[1] ?? title(rest.split("_")[0]);
  if (provider === "cloudflare") {
    if (rest.startsWith("workers") || rest.startsWith("worker")) return "Workers";
    if (rest.startsWith("dns")) return "DNS";
    if (rest.startsWith("zone")) return "Zone settings";
    if (rest.startsWith("ruleset")) return "WAF + rate limits";
    return title(rest.split("_")[0]);
  }
  if (provider === "github") {
    if (rest.startsWith("actions")) return "Actions";
    if (rest.startsWith("repository")) return "Repository";
    return title(rest.split("_")[0]);
  }
  return `${title(provider)} ${title(rest.split("_")[0])}`;
}
