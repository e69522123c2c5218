import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { zip } from "../lib/zip";
import { queueNotEmptyAlarm } from "./alarms";
import { PrivateBucket } from "./private-bucket";
import { ServiceRole } from "./service-role";

/**
 * Node.js 22, create-blocked 2027-06-01 (policy/rules/lambda/runtime-dates.json,
 * RX-LAMBDA-1 refuses it from that day); nodejs20.x can no longer be created, and nodejs24.x is
 * refused at plan by the pinned provider (hashicorp/aws 5.100.0 knows runtimes up to nodejs22.x).
 * The code is an async handler on the AWS SDK v3 the runtime bundles: it runs unchanged on 22 and 24.
 */
export const SWEEPER_RUNTIME = "nodejs22.x";

const SWEEPER_SOURCE = path.join(ROOT, "functions", "log-groups.js");

/** Log groups AWS services create on their own in this project: App Runner's and the canaries' Lambdas. */
const SERVICE_LOG_GROUP_PREFIXES = ["/aws/apprunner/", "/aws/lambda/cwsyn-"];

export interface LogGroupSweeperProps {
  /** Function and role name (role names are account-wide: include the region key). */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly kmsKeyArn: string;
  readonly retentionDays: number;
  /** Where the code archive is uploaded (the region's observability bucket). */
  readonly bucket: PrivateBucket;
  /** @default SERVICE_LOG_GROUP_PREFIXES */
  readonly prefixes?: readonly string[];
  /** @default "rate(15 minutes)" */
  readonly schedule?: string;
  /** The region's restartix-alerts topic: errors and undeliverable runs alarm there. */
  readonly alertTopicArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * App Runner creates /aws/apprunner/<service>/<service id>/{application,service} itself when a
 * service starts, without the customer-managed key and without retention, under names that
 * contain the service id: Terraform cannot create them first, and an import needs the id before
 * the plan. This function, every 15 minutes, gives every such group of its region the key
 * (AssociateKmsKey: events ingested from then on are encrypted with it) and the retention. Its own
 * log group is created here first, with both.
 */
export class LogGroupSweeper extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: LogGroupSweeperProps) {
    super(scope, id);
    const { region, accountId, provider } = props;
    const prefixes = props.prefixes ?? SERVICE_LOG_GROUP_PREFIXES;
    const archive = zip([{ name: "index.js", content: fs.readFileSync(SWEEPER_SOURCE, "utf8") }]);
    const digest = createHash("sha256").update(archive).digest("hex");
    const code = new S3Object(this, "code", {
      bucket: props.bucket.name,
      key: `code/log-group-sweeper-${digest.slice(0, 12)}.zip`,
      contentBase64: archive.toString("base64"),
      contentType: "application/zip",
      provider,
      tags: { Name: `${props.name}-code` },
      // Versioning first (the function names the object's version id, "null" on an unversioned
      // bucket) and the default encryption first (else the archive is stored without the key).
      dependsOn: [props.bucket.versioning, props.bucket.encryption],
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.name}`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
      provider,
      tags: { Name: `/aws/lambda/${props.name}` },
    });
    // Failed asynchronous invocations (the schedule's) after Lambda's two retries, encrypted with the
    // region key like the backup job's queues; an alarm calls for them (CKV_AWS_116).
    const dlq = new SqsQueue(this, "dlq", {
      name: `${props.name}-dlq`,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 3600,
      messageRetentionSeconds: 1209600,
      provider,
      tags: { Name: `${props.name}-dlq` },
    });
    const groupArns = prefixes.map((p) => `arn:aws:logs:${region}:${accountId}:log-group:${p}*`);
    const role = new ServiceRole(this, "role", {
      name: props.name,
      description: `Gives the ${prefixes.join(", ")} log groups of ${region} the data key and the retention`,
      service: "lambda.amazonaws.com",
      statements: [
        // DescribeLogGroups has no resource-level permission.
        { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
        { Sid: "FixServiceLogGroups", Effect: "Allow", Action: ["logs:PutRetentionPolicy", "logs:AssociateKmsKey"], Resource: groupArns },
        // Its own group exists already (above): no CreateLogGroup.
        { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` },
        // Lambda writes a failed event to the dead-letter queue with the function's role.
        { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn },
        {
          Sid: "DeadLetterKey",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
        },
      ],
      provider,
    });
    this.fn = new LambdaFunction(this, "function", {
      functionName: props.name,
      description: "Sets the data key and retention on log groups AWS services create themselves",
      role: role.arn,
      runtime: SWEEPER_RUNTIME,
      handler: "index.handler",
      s3Bucket: props.bucket.name,
      s3Key: code.key,
      s3ObjectVersion: code.versionId,
      sourceCodeHash: createHash("sha256").update(archive).digest("base64"),
      timeout: 60,
      memorySize: 128,
      kmsKeyArn: props.kmsKeyArn,
      tracingConfig: { mode: "PassThrough" },
      deadLetterConfig: { targetArn: dlq.arn },
      environment: {
        variables: { PREFIXES: prefixes.join(","), KMS_KEY_ARN: props.kmsKeyArn, RETENTION_DAYS: String(props.retentionDays) },
      },
      provider,
      tags: { Name: props.name },
      dependsOn: [logs],
    });
    const schedule = new CloudwatchEventRule(this, "schedule", {
      name: props.name,
      description: "Runs the log group sweeper",
      scheduleExpression: props.schedule ?? "rate(15 minutes)",
      provider,
      tags: { Name: props.name },
    });
    new CloudwatchEventTarget(this, "target", { rule: schedule.name, arn: this.fn.arn, provider });
    const alarm = { alarmActions: [props.alertTopicArn], okActions: [props.alertTopicArn], provider };
    new CloudwatchMetricAlarm(this, "errors-alarm", {
      ...alarm,
      alarmName: `${props.name}-errors`,
      alarmDescription: `The log group sweeper ${props.name} failed (an error in any run): new App Runner and canary log groups may lack the key and the retention. Logs: /aws/lambda/${props.name}`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: this.fn.functionName },
      statistic: "Sum",
      period: 900,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
      tags: { Name: `${props.name}-errors` },
    });
    queueNotEmptyAlarm(this, "dlq-alarm", {
      alarmName: `${props.name}-dead-letters`,
      alarmDescription: `A scheduled run of the log group sweeper ${props.name} failed after Lambda's retries; the event is in the SQS queue ${props.name}-dlq`,
      queueName: dlq.name,
      topicArn: props.alertTopicArn,
      provider,
    });
    new LambdaPermission(this, "invoke", {
      statementId: "EventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
      provider,
    });
  }
}
