/**
 * The read-only plan role's policy (AWS_PLAN_ROLE_ARN: PR plans, deploy plans, drift), written out as
 * the explicit actions a `terraform plan` needs to refresh what the stacks hold: the read calls of the
 * AWS provider 5.100.0 for each resource and data source type (its Read functions), the state bucket,
 * and the values Terraform keeps in state (managed secret versions, code objects). Nothing here
 * writes, and no wildcard action (`ec2:Describe*`) grants a read the stacks never make.
 *
 * `READ_ACTIONS` is the table; a test collects every type of the synthesized phases 1-4 and fails
 * when one has no entry, so a stack that starts using a new type cannot leave the plan role short
 * (a plan then fails with AccessDenied on refresh). `tools/plan-role.ts` writes the policy file
 * (iam/plan-role-policy.json) the role is given; the same test keeps the file in sync.
 */

/** Resource and data source types -> the IAM actions their refresh calls. [] = no AWS call. */
export const READ_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  // Data sources.
  aws_iam_policy_document: [], // rendered by the provider, no API call
  aws_secretsmanager_random_password: ["secretsmanager:GetRandomPassword"],
  terraform_remote_state: [], // the state bucket statement (STATE_ACTIONS)

  aws_acm_certificate: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
  aws_acm_certificate_validation: ["acm:DescribeCertificate"],
  aws_appautoscaling_policy: ["application-autoscaling:DescribeScalingPolicies"],
  aws_appautoscaling_target: ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
  aws_apprunner_auto_scaling_configuration_version: ["apprunner:DescribeAutoScalingConfiguration", "apprunner:ListTagsForResource"],
  aws_apprunner_custom_domain_association: ["apprunner:DescribeCustomDomains"],
  aws_apprunner_observability_configuration: ["apprunner:DescribeObservabilityConfiguration", "apprunner:ListTagsForResource"],
  aws_apprunner_service: ["apprunner:DescribeService", "apprunner:ListTagsForResource"],
  aws_apprunner_vpc_connector: ["apprunner:DescribeVpcConnector", "apprunner:ListTagsForResource"],
  aws_budgets_budget: ["budgets:ViewBudget", "budgets:ListTagsForResource"],
  aws_cloudtrail: [
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetInsightSelectors",
    "cloudtrail:ListTags",
  ],
  aws_cloudwatch_dashboard: ["cloudwatch:GetDashboard"],
  aws_cloudwatch_event_rule: ["events:DescribeRule", "events:ListTagsForResource"],
  aws_cloudwatch_event_target: ["events:ListTargetsByRule"],
  aws_cloudwatch_log_group: ["logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
  aws_cloudwatch_log_metric_filter: ["logs:DescribeMetricFilters"],
  aws_cloudwatch_metric_alarm: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
  aws_config_configuration_recorder: ["config:DescribeConfigurationRecorders"],
  aws_config_configuration_recorder_status: ["config:DescribeConfigurationRecorderStatus"],
  aws_config_delivery_channel: ["config:DescribeDeliveryChannels"],
  aws_db_instance: ["rds:DescribeDBInstances", "rds:ListTagsForResource"],
  aws_db_instance_automated_backups_replication: ["rds:DescribeDBInstanceAutomatedBackups"],
  aws_db_parameter_group: ["rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:ListTagsForResource"],
  aws_db_subnet_group: ["rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"],
  aws_default_security_group: ["ec2:DescribeSecurityGroups"],
  aws_dynamodb_table: [
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
  ],
  aws_dynamodb_table_item: ["dynamodb:GetItem"],
  aws_ecr_lifecycle_policy: ["ecr:GetLifecyclePolicy"],
  aws_ecr_replication_configuration: ["ecr:DescribeRegistry"],
  aws_ecr_repository: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
  aws_ecs_cluster: ["ecs:DescribeClusters"],
  aws_ecs_service: ["ecs:DescribeServices"],
  aws_ecs_task_definition: ["ecs:DescribeTaskDefinition"],
  aws_eip: ["ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute"],
  aws_elasticache_replication_group: [
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:ListTagsForResource",
  ],
  aws_elasticache_subnet_group: ["elasticache:DescribeCacheSubnetGroups", "elasticache:ListTagsForResource"],
  aws_flow_log: ["ec2:DescribeFlowLogs"],
  aws_guardduty_detector: ["guardduty:GetDetector"],
  aws_guardduty_detector_feature: ["guardduty:GetDetector"],
  aws_iam_openid_connect_provider: ["iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"],
  aws_iam_policy: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyTags"],
  aws_iam_role: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRoleTags"],
  aws_iam_role_policy_attachment: ["iam:ListAttachedRolePolicies"],
  aws_iam_service_linked_role: ["iam:GetRole", "iam:ListRoleTags"],
  aws_internet_gateway: ["ec2:DescribeInternetGateways"],
  aws_kms_alias: ["kms:ListAliases"],
  aws_kms_key: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
  aws_lambda_function: ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction"],
  aws_lambda_permission: ["lambda:GetPolicy"],
  aws_lb: [
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeTags",
  ],
  aws_lb_listener: [
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeTags",
  ],
  aws_lb_listener_rule: ["elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTags"],
  aws_lb_target_group: [
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTags",
  ],
  aws_nat_gateway: ["ec2:DescribeNatGateways"],
  aws_route_table: ["ec2:DescribeRouteTables"],
  aws_route_table_association: ["ec2:DescribeRouteTables"],
  aws_s3_bucket: [
    "s3:ListBucket",
    "s3:GetBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging",
  ],
  aws_s3_bucket_lifecycle_configuration: ["s3:GetLifecycleConfiguration"],
  aws_s3_bucket_logging: ["s3:GetBucketLogging"],
  aws_s3_bucket_object_lock_configuration: ["s3:GetBucketObjectLockConfiguration"],
  aws_s3_bucket_ownership_controls: ["s3:GetBucketOwnershipControls"],
  aws_s3_bucket_policy: ["s3:GetBucketPolicy"],
  aws_s3_bucket_public_access_block: ["s3:GetBucketPublicAccessBlock"],
  aws_s3_bucket_replication_configuration: ["s3:GetReplicationConfiguration"],
  aws_s3_bucket_server_side_encryption_configuration: ["s3:GetEncryptionConfiguration"],
  aws_s3_bucket_versioning: ["s3:GetBucketVersioning"],
  // HeadObject and the object's tags: scoped to the objects Terraform holds (objectStatements).
  aws_s3_object: ["s3:GetObject", "s3:GetObjectTagging"],
  aws_scheduler_schedule: ["scheduler:GetSchedule"],
  aws_secretsmanager_secret: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
  // The value is in state: refresh reads it. Scoped to the secrets whose version Terraform holds.
  aws_secretsmanager_secret_version: ["secretsmanager:GetSecretValue"],
  aws_security_group: ["ec2:DescribeSecurityGroups"],
  aws_securityhub_account: ["securityhub:DescribeHub"],
  aws_securityhub_finding_aggregator: ["securityhub:GetFindingAggregator"],
  aws_securityhub_standards_subscription: ["securityhub:GetEnabledStandards"],
  aws_sfn_state_machine: ["states:DescribeStateMachine", "states:ListTagsForResource"],
  aws_sns_topic: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
  aws_sns_topic_policy: ["sns:GetTopicAttributes"],
  aws_sns_topic_subscription: ["sns:GetSubscriptionAttributes"],
  aws_sqs_queue: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"],
  aws_ssm_parameter: ["ssm:GetParameter", "ssm:DescribeParameters", "ssm:ListTagsForResource"],
  aws_subnet: ["ec2:DescribeSubnets"],
  aws_synthetics_canary: ["synthetics:GetCanary"],
  aws_vpc: [
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeRouteTables",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeSecurityGroups",
  ],
  aws_vpc_endpoint: ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"],
  aws_vpc_security_group_egress_rule: ["ec2:DescribeSecurityGroupRules"],
  aws_vpc_security_group_ingress_rule: ["ec2:DescribeSecurityGroupRules"],
  aws_wafv2_web_acl: ["wafv2:GetWebACL", "wafv2:ListTagsForResource"],
  aws_wafv2_web_acl_association: ["wafv2:GetWebACLForResource"],
  aws_wafv2_web_acl_logging_configuration: ["wafv2:GetLoggingConfiguration"],
  // Other providers: their own tokens (CLOUDFLARE_PLAN_TOKEN, GH_PLAN_TOKEN), nothing of AWS.
  cloudflare_dns_record: [],
  cloudflare_ruleset: [],
  cloudflare_workers_kv: [],
  cloudflare_workers_kv_namespace: [],
  cloudflare_workers_route: [],
  cloudflare_workers_script: [],
  github_actions_variable: [],
  github_repository_environment: [],
  github_repository_environment_deployment_policy: [],
  github_repository_file: [],
  github_repository_pull_request: [],
};

/** Every configured AWS provider checks its credentials and account (allowed_account_ids). */
const PROVIDER_ACTIONS: readonly string[] = ["sts:GetCallerIdentity"];

/** Actions whose reads return data, not configuration: granted only on what Terraform holds. */
const SCOPED = new Set(["s3:GetObject", "s3:GetObjectTagging", "secretsmanager:GetSecretValue"]);

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: Statement[];
}

/** The parts of a synthesized stack the policy reads. */
export interface StackJson {
  readonly name: string;
  readonly json: {
    /** @default - no resources in the stack */
    readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
    /** @default - no data sources in the stack */
    readonly data?: Record<string, Record<string, unknown>>;
  };
}

/** Every resource and data source type of the stacks (data sources as `data.<type>` is not needed: names do not collide). */
function typesOf(stacks: readonly StackJson[]): string[] {
  return [...new Set(stacks.flatMap((s) => [...Object.keys(s.json.resource ?? {}), ...Object.keys(s.json.data ?? {})]))].sort();
}

/** Types of the stacks that have no READ_ACTIONS entry. */
export function unmappedTypes(stacks: readonly StackJson[]): string[] {
  return typesOf(stacks).filter((t) => !(t in READ_ACTIONS));
}

/** `${aws_x.name.attr}` -> the referenced resource's literal `field`, in the same stack. */
function referenced(stack: StackJson, ref: unknown, type: string, field: string): string | undefined {
  const m = typeof ref === "string" ? new RegExp(`^\\$\\{${type}\\.([^.]+)\\.[a-z_]+\\}$`).exec(ref) : null;
  const value = m ? stack.json.resource?.[type]?.[m[1]]?.[field] : undefined;
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

/**
 * The plan role's policy for these stacks: the configuration reads of every type on `*`, the state
 * bucket, and the reads of data (secret values, object bodies) on exactly what Terraform holds.
 * Throws when a type has no entry or a held secret or object cannot be named.
 */
export function planRolePolicy(stacks: readonly StackJson[], stateBucket: string, accountId: string): PolicyDocument {
  const missing = unmappedTypes(stacks);
  if (missing.length > 0)
    throw new Error(
      `lib/plan-role.ts: no READ_ACTIONS entry for ${missing.join(", ")}. Fix: add the read calls of each type's refresh (the provider's Read function) to READ_ACTIONS.`,
    );
  const types = typesOf(stacks);
  const config = new Set<string>(PROVIDER_ACTIONS);
  for (const t of types) for (const a of READ_ACTIONS[t]) if (!SCOPED.has(a)) config.add(a);

  const secrets = new Set<string>();
  const objects = new Set<string>();
  for (const s of stacks) {
    for (const [id, v] of Object.entries(s.json.resource?.aws_secretsmanager_secret_version ?? {})) {
      const name = referenced(s, v.secret_id, "aws_secretsmanager_secret", "name");
      if (!name)
        throw new Error(
          `lib/plan-role.ts: ${s.name} aws_secretsmanager_secret_version.${id}: its secret's name cannot be read from the stack (secret_id ${JSON.stringify(v.secret_id)})`,
        );
      // Secrets Manager appends "-" and six random characters to a secret's ARN.
      secrets.add(`arn:aws:secretsmanager:*:${accountId}:secret:${name}-??????`);
    }
    for (const [id, o] of Object.entries(s.json.resource?.aws_s3_object ?? {})) {
      const bucket = referenced(s, o.bucket, "aws_s3_bucket", "bucket");
      const key = typeof o.key === "string" ? o.key : "";
      if (!bucket || key === "")
        throw new Error(`lib/plan-role.ts: ${s.name} aws_s3_object.${id}: its bucket or key cannot be read from the stack`);
      // The key's folder: object names change with their content (code/<name>-<digest>.zip).
      objects.add(`arn:aws:s3:::${bucket}/${key.includes("/") ? `${key.slice(0, key.lastIndexOf("/"))}/*` : key}`);
    }
  }
  const sorted = (x: Iterable<string>) => [...x].sort();
  const statements: Statement[] = [
    { Sid: "RefreshConfiguration", Effect: "Allow", Action: sorted(config), Resource: "*" },
    // -lock=false: the state is read, never written, and no lock object is created.
    { Sid: "ReadState", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:aws:s3:::${stateBucket}` },
    { Sid: "ReadStateObjects", Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::${stateBucket}/*` },
  ];
  if (objects.size > 0)
    statements.push({
      Sid: "RefreshCodeObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectTagging"],
      Resource: sorted(objects),
    });
  if (secrets.size > 0) {
    statements.push({
      Sid: "RefreshManagedSecretValues",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: sorted(secrets),
    });
    // The secrets are encrypted with the project's keys: decrypt only through Secrets Manager.
    statements.push({
      Sid: "DecryptManagedSecretValues",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: "*",
      Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** IAM's limit on a role's inline policies, counted without whitespace. */
export const INLINE_POLICY_LIMIT = 10240;

/** The policy's size as IAM counts it (JSON without whitespace). */
export const policySize = (doc: PolicyDocument): number => JSON.stringify(doc).length;
