/**
 * AWS resource types that carry no charge of their own: configuration attached to something that
 * is priced (a bucket's policy, a database's parameter group), identity, or plain networking
 * objects. The estimate counts them as priced at $0. Any other aws_* type without a pricer is
 * listed as "not priced", so a new kind of resource can never vanish from the estimate unseen.
 */
const FREE_PREFIXES: readonly string[] = [
  "aws_iam_", // identity is free
  "aws_s3_bucket_", // bucket configuration; storage is priced on aws_s3_bucket, replication separately
  "aws_vpc_security_group_", // security group rules
  "aws_route_table", // route tables and their associations
  "aws_default_", // default VPC objects taken under management
  "aws_network_acl",
  "aws_lb_", // listeners, target groups, rules: priced on the load balancer
  "aws_alb_",
  "aws_appautoscaling_", // scaling targets and policies: priced through the service's task count
  "aws_acm_certificate", // public certificates are free
];

const FREE_TYPES: ReadonlySet<string> = new Set([
  "aws_vpc",
  "aws_subnet",
  "aws_route",
  "aws_internet_gateway",
  "aws_egress_only_internet_gateway",
  "aws_security_group",
  "aws_db_subnet_group",
  "aws_db_parameter_group",
  "aws_db_option_group",
  "aws_elasticache_subnet_group",
  "aws_elasticache_parameter_group",
  "aws_ecr_lifecycle_policy",
  "aws_ecr_repository_policy",
  "aws_kms_alias",
  "aws_sns_topic_subscription", // email and HTTPS deliveries of alarm volumes stay in the free tier
  "aws_sns_topic_policy",
  "aws_apprunner_auto_scaling_configuration_version", // read by the service's pricer (min_size)
  "aws_apprunner_custom_domain_association",
  "aws_apprunner_vpc_connector",
  "aws_cloudwatch_log_group", // ingestion and storage are priced on the writers (flow log, service, database)
  "aws_cloudwatch_log_resource_policy",
  "aws_ecs_cluster",
  "aws_ecs_cluster_capacity_providers",
  "aws_ecs_task_definition", // priced through the service or schedule that runs it
  "aws_secretsmanager_secret_version",
  "aws_secretsmanager_secret_policy",
  "aws_route53_record",
  "aws_scheduler_schedule_group",
  "aws_vpc_endpoint_route_table_association",
  "aws_eip_association",
  "aws_dynamodb_table_item",
  "aws_db_instance_role_association",
  "aws_wafv2_web_acl_association", // the web ACL is priced once, whatever it guards
  "aws_wafv2_web_acl_logging_configuration", // a setting: the log group it writes to is priced (blocked requests only)
  "aws_wafv2_ip_set",
  "aws_apprunner_observability_configuration", // X-Ray traces are priced on the services that record them
  // Scheduled rules and AWS service events (ECS task state changes) on the default bus carry no
  // EventBridge charge; the function they invoke and the SNS publishes they cause are priced there.
  "aws_cloudwatch_event_rule",
  "aws_cloudwatch_event_target",
  "aws_lambda_permission",
  "aws_s3_object", // a few KB of code, inside the bucket's stored GB
  // Audit controls: priced on the trail, the detector, the recorder and the hub they configure.
  "aws_guardduty_detector_feature",
  "aws_config_configuration_recorder_status",
  "aws_config_delivery_channel",
  "aws_securityhub_standards_subscription",
  "aws_securityhub_finding_aggregator",
]);

export function isFreeType(type: string): boolean {
  return FREE_TYPES.has(type) || FREE_PREFIXES.some((p) => type.startsWith(p));
}
