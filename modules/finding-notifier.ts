import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { PolicyStatement, policyDocument } from "../lib/iam";
import { zip } from "../lib/zip";
import { queueNotEmptyAlarm } from "./alarms";
import { SWEEPER_RUNTIME } from "./log-group-sweeper";
import { PrivateBucket } from "./private-bucket";
import { ServiceRole } from "./service-role";

const NOTIFIER_SOURCE = path.join(ROOT, "functions", "finding-notifier.js");

/*
 * No reserved concurrency, on purpose: a new account often starts with a Lambda concurrency quota of
 * 10, and Lambda refuses any reservation that leaves fewer than 10 unreserved, so a reservation
 * would fail the audit stack's first apply on exactly the accounts this project is for. A burst
 * (Security Hub's first evaluation of the standard) is a few hundred short runs; if the account's
 * concurrency is taken, Lambda's asynchronous queue retries for up to six hours, then the
 * dead-letter queue (alarmed) keeps the event.
 */

/**
 * Fields of BatchUpdateFindings the notifier never sets: one Deny each (a Null condition with
 * several keys would deny only a request that sets all of them). The list and the key form are
 * those of AWS's own AWSSystemsManagerOpsDataSyncServiceRolePolicy, plus the Severity fields.
 */
const UNTOUCHED_FINDING_FIELDS = [
  "Confidence",
  "Criticality",
  "Note.Text",
  "Note.UpdatedBy",
  "RelatedFindings",
  "Severity.Label",
  "Severity.Normalized",
  "Severity.Product",
  "Types",
  "UserDefinedFields.key",
  "UserDefinedFields.value",
  "VerificationState",
] as const;

export interface SecurityHubNotifierProps {
  /** Rule, function, role, queue and alarm names (account-wide for the role: one primary region). */
  readonly name: string;
  readonly description: string;
  readonly region: string;
  readonly accountId: string;
  /** The pattern of the findings to mail (Security Hub Findings - Imported, Workflow.Status NEW). */
  readonly pattern: Record<string, unknown>;
  /** Severity labels mailed: the function checks each finding of an event against them. */
  readonly severities: readonly string[];
  /** restartix-alerts of the rule's region, named by ARN (the observability stack creates it). */
  readonly topicArn: string;
  /** The region's data key: the topic's key (publishing needs it), and the key of this function's logs, queue and variables. */
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  /** Where the code archive is uploaded. */
  readonly bucket: PrivateBucket;
}

/**
 * Security Hub findings to restartix-alerts, once per new finding: an EventBridge rule on imported
 * findings that are NEW invokes a function that mails them and sets their Workflow.Status to
 * NOTIFIED, so the re-imports of a still-failing control (every re-evaluation) no longer match.
 * Security Hub sets a finding back to NEW when it is re-opened (compliance PASSED -> FAILED, record
 * ARCHIVED -> ACTIVE), which mails it again. Failures are never silent: an errors alarm on the first
 * failed run, and a dead-letter queue with an alarm for events neither Lambda (after its retries)
 * nor EventBridge (after its own) could deliver.
 */
export class SecurityHubNotifier extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly fn: LambdaFunction;
  readonly dlq: SqsQueue;

  constructor(scope: Construct, id: string, props: SecurityHubNotifierProps) {
    super(scope, id);
    const { region, accountId, name } = props;
    if (props.severities.length === 0)
      throw new Error(
        `SecurityHubNotifier ${name}: severities is empty; expected at least one Security Hub severity label (HIGH, CRITICAL...)`,
      );
    // Same construct IDs as the SNS-target rule it replaces: the rule is updated in place.
    this.rule = new CloudwatchEventRule(this, "rule", {
      name,
      description: props.description,
      eventPattern: Fn.jsonencode(props.pattern),
      tags: { Name: name },
    });

    const archive = zip([{ name: "index.js", content: fs.readFileSync(NOTIFIER_SOURCE, "utf8") }]);
    const digest = createHash("sha256").update(archive).digest("hex");
    const code = new S3Object(this, "code", {
      bucket: props.bucket.name,
      key: `code/finding-notifier-${digest.slice(0, 12)}.zip`,
      contentBase64: archive.toString("base64"),
      contentType: "application/zip",
      tags: { Name: `${name}-code` },
      // The function names the object's version id: versioning first, and the default encryption first.
      dependsOn: [props.bucket.versioning, props.bucket.encryption],
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `/aws/lambda/${name}` },
    });
    // One queue for both kinds of undeliverable event: a run that failed after Lambda's two retries
    // (the function's dead-letter queue) and an invocation EventBridge could not make after its own
    // retries (the target's). Encrypted with the region key, whose policy admits EventBridge.
    // The queue's policy names the queue and the rule by their ARNs (known from their names): no
    // cycle through the queue's own ARN, and no separate aws_sqs_queue_policy to refresh.
    const queueArn = `arn:aws:sqs:${region}:${accountId}:${name}-dlq`;
    this.dlq = new SqsQueue(this, "dlq", {
      name: `${name}-dlq`,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 3600,
      messageRetentionSeconds: 1209600,
      policy: policyDocument(this, "dlq-policy-document", [
        {
          Sid: "EventBridgeDeadLetters",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queueArn,
          Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:${region}:${accountId}:rule/${name}` } },
        },
      ]),
      tags: { Name: `${name}-dlq` },
    });

    const hubArn = `arn:aws:securityhub:${region}:${accountId}:hub/default`;
    const statements: PolicyStatement[] = [
      { Sid: "MailToAlertTopic", Effect: "Allow", Action: "sns:Publish", Resource: props.topicArn },
      {
        // The topic is encrypted with the region key: SNS uses it with the publisher's permissions.
        Sid: "AlertTopicKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `sns.${region}.amazonaws.com` } },
      },
      {
        // BatchUpdateFindings takes the hub as its resource; findings of linked regions are updated
        // from the aggregation region (Security Hub replicates the update back to their region).
        Sid: "MarkFindingsNotified",
        Effect: "Allow",
        Action: "securityhub:BatchUpdateFindings",
        Resource: hubArn,
        Condition: { StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": "NOTIFIED" } },
      },
      ...UNTOUCHED_FINDING_FIELDS.map((field): PolicyStatement => ({
        Sid: `NoUpdateOf${field.replace(/[^A-Za-z]/g, "")}`,
        Effect: "Deny",
        Action: "securityhub:BatchUpdateFindings",
        Resource: hubArn,
        Condition: { Null: { [`securityhub:ASFFSyntaxPath/${field}`]: "false" } },
      })),
      // Its own group exists already (above): no CreateLogGroup.
      { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` },
      // Lambda writes a failed event to the dead-letter queue with the function's role.
      { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: this.dlq.arn },
      {
        Sid: "DeadLetterKey",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
      },
    ];
    const role = new ServiceRole(this, "role", {
      name,
      description: "Mails new Security Hub findings to the alert topic and marks them NOTIFIED",
      service: "lambda.amazonaws.com",
      statements,
    });
    this.fn = new LambdaFunction(this, "function", {
      functionName: name,
      description: "Mails new Security Hub findings once, then sets their workflow status to NOTIFIED",
      role: role.arn,
      runtime: SWEEPER_RUNTIME,
      handler: "index.handler",
      s3Bucket: props.bucket.name,
      s3Key: code.key,
      s3ObjectVersion: code.versionId,
      sourceCodeHash: createHash("sha256").update(archive).digest("base64"),
      timeout: 30,
      memorySize: 128,
      kmsKeyArn: props.kmsKeyArn,
      tracingConfig: { mode: "PassThrough" },
      deadLetterConfig: { targetArn: this.dlq.arn },
      environment: { variables: { TOPIC_ARN: props.topicArn, SEVERITIES: props.severities.join(",") } },
      tags: { Name: name },
      // The role's permissions and the log group exist before the first run.
      dependsOn: [logs, ...role.attachments],
    });
    new LambdaPermission(this, "invoke", {
      statementId: "SecurityHubFindingsRule",
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.rule.arn,
    });
    new CloudwatchEventTarget(this, "alert", {
      rule: this.rule.name,
      targetId: "alerts",
      arn: this.fn.arn,
      deadLetterConfig: { arn: this.dlq.arn },
    });

    const alarm = { alarmActions: [props.topicArn], okActions: [props.topicArn] };
    new CloudwatchMetricAlarm(this, "errors-alarm", {
      ...alarm,
      alarmName: `${name}-errors`,
      alarmDescription: `The Security Hub notifier ${name} failed: a new finding may not have been mailed, or was mailed without being marked NOTIFIED (it mails again). Logs: /aws/lambda/${name}`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.fn.functionName },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
      tags: { Name: `${name}-errors` },
    });
    queueNotEmptyAlarm(this, "dlq-alarm", {
      alarmName: `${name}-dead-letters`,
      alarmDescription: `A Security Hub finding event could not be mailed (after Lambda's or EventBridge's retries); the event is in the SQS queue ${name}-dlq: read it, check the findings in the Security Hub console`,
      queueName: this.dlq.name,
      topicArn: props.topicArn,
    });
  }
}
