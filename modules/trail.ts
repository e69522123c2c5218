import { Cloudtrail, CloudtrailAdvancedEventSelector } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TerraformProvider, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { PolicyStatement } from "../lib/iam";
import { archiveThenExpire, PrivateBucket } from "./private-bucket";
import { ServiceRole } from "./service-role";

/** The trail's ARN, known before it exists (the key and bucket policies name it). */
export const trailArn = (region: string, accountId: string, name: string): string =>
  `arn:aws:cloudtrail:${region}:${accountId}:trail/${name}`;

/** S3 data events for the objects of these buckets: every read and write of a patient file or a dump. */
function dataEventSelector(bucketNames: readonly string[]): CloudtrailAdvancedEventSelector {
  return {
    name: "Object reads and writes of patient files and database dumps",
    fieldSelector: [
      { field: "eventCategory", equalTo: ["Data"] },
      { field: "resources.type", equalTo: ["AWS::S3::Object"] },
      // The trailing slash scopes each prefix to exactly one bucket (restartix-uploads-prod/ is not restartix-uploads-prod-us/).
      { field: "resources.ARN", startsWith: bucketNames.map((b) => `arn:aws:s3:::${b}/`) },
    ],
  };
}

export interface AuditTrailProps {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  readonly objectLock: { readonly mode: "COMPLIANCE" | "GOVERNANCE"; readonly days: number };
  readonly transitionToGlacierDays: number;
  readonly retentionDays: number;
  readonly accessLogs: { readonly target: PrivateBucket; readonly prefix: string };
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** Buckets whose object-level reads and writes are recorded (data events). @default - none */
  readonly dataEventBuckets?: readonly string[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * A multi-region CloudTrail trail of every management event (read and write, global services
 * included) and the object-level events of the named buckets, with log file validation (a signed
 * digest per hour), encrypted with the audit key, delivered to an Object Lock bucket and to a
 * CloudWatch log group (the CIS metric filters read it).
 */
export class AuditTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: PrivateBucket;
  readonly logGroup: CloudwatchLogGroup;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { accountId, region, provider } = props;
    const arn = trailArn(region, accountId, props.name);
    this.arn = arn;

    this.bucket = new PrivateBucket(this, "bucket", {
      bucketName: props.bucketName,
      kmsKeyArn: props.kmsKeyArn,
      objectLock: props.objectLock,
      accessLogs: props.accessLogs,
      // Object Lock keeps every version until its retention ends; expiry only acts after that.
      lifecycleRules: [archiveThenExpire(props.transitionToGlacierDays, props.retentionDays)],
      policyStatements: (bucketArn): PolicyStatement[] => [
        {
          Sid: "CloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: bucketArn,
          Condition: { StringEquals: { "aws:SourceArn": arn } },
        },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
          Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": arn } },
        },
      ],
      provider,
    });

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      provider,
      tags: { Name: props.logGroupName },
      lifecycle: { preventDestroy: true },
    });

    const role = new ServiceRole(this, "logs-role", {
      name: `${props.name}-cloudwatch-logs`,
      description: "CloudTrail delivers the trail's events to its CloudWatch log group",
      service: "cloudtrail.amazonaws.com",
      statements: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${this.logGroup.arn}:log-stream:*`,
        },
      ],
      provider,
    });

    const selectors: CloudtrailAdvancedEventSelector[] = [
      { name: "All management events, read and write", fieldSelector: [{ field: "eventCategory", equalTo: ["Management"] }] },
    ];
    if (props.dataEventBuckets && props.dataEventBuckets.length > 0) selectors.push(dataEventSelector(props.dataEventBuckets));

    // CloudTrail checks the bucket policy, the role's permissions and writes the first files when
    // the trail is created: the policy, the Object Lock default and the role's policy come first.
    const before = ["policy", "object-lock"].map((c) => this.bucket.node.findChild(c) as TerraformResource);
    this.trail = new Cloudtrail(this, "trail", {
      name: props.name,
      s3BucketName: this.bucket.name,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: props.kmsKeyArn,
      // CloudTrail wants the log group ARN with the log stream wildcard.
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      advancedEventSelector: selectors,
      dependsOn: [...before, role.node.findChild("attach") as TerraformResource],
      provider,
      tags: { Name: props.name },
    });
  }
}

/** A CIS AWS Foundations metric filter on the trail's log group. */
export interface CisFilter {
  /** Construct ID and metric name. */
  readonly id: string;
  /** CIS AWS Foundations Benchmark v1.4 section / Security Hub control. */
  readonly cis: string;
  readonly description: string;
  readonly pattern: string;
}

/** The filters issue 11 asks for, with the patterns exactly as CIS publishes them (v1.4.0 section 4). */
export const CIS_FILTERS: readonly CisFilter[] = [
  {
    id: "root-account-usage",
    cis: "CIS 4.3 / CloudWatch.1",
    description: "The root user was used",
    pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  },
  {
    id: "iam-policy-changes",
    cis: "CIS 4.4 / CloudWatch.4",
    description: "An IAM policy was created, changed, attached or detached",
    pattern:
      "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
  },
  {
    id: "cloudtrail-changes",
    cis: "CIS 4.5 / CloudWatch.5",
    description: "A trail was created, changed, deleted, started or stopped",
    pattern:
      "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
  },
  {
    id: "console-signin-failures",
    cis: "CIS 4.6 / CloudWatch.6",
    description: "A console sign-in failed",
    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
  },
  {
    id: "security-group-changes",
    cis: "CIS 4.10 / CloudWatch.10",
    description: "A security group or one of its rules was created, changed or deleted",
    pattern:
      "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
  },
];

export interface CisAlarmsProps {
  readonly logGroupName: string;
  readonly namespace: string;
  readonly periodSeconds: number;
  /** Prefix of the alarm names (restartix). */
  readonly prefix: string;
  readonly topicArn: string;
  /** @default - CIS_FILTERS (every CIS CloudWatch filter of this module) */
  readonly filters?: readonly CisFilter[];
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** One metric filter and one alarm per CIS filter: any matching event in a period notifies the topic. */
export class CisAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: CisAlarmsProps) {
    super(scope, id);
    for (const f of props.filters ?? CIS_FILTERS) {
      const filter = new CloudwatchLogMetricFilter(this, `${f.id}-filter`, {
        name: `${props.prefix}-${f.id}`,
        logGroupName: props.logGroupName,
        pattern: f.pattern,
        metricTransformation: { name: f.id, namespace: props.namespace, value: "1", defaultValue: "0" },
        provider: props.provider,
      });
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `${f.id}-alarm`, {
          alarmName: `${props.prefix}-${f.id}`,
          alarmDescription: `${f.description} (${f.cis}); see the trail's log group ${props.logGroupName}`,
          namespace: props.namespace,
          metricName: f.id,
          statistic: "Sum",
          period: props.periodSeconds,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: [props.topicArn],
          dependsOn: [filter],
          provider: props.provider,
          tags: { Name: `${props.prefix}-${f.id}` },
        }),
      );
    }
  }
}
