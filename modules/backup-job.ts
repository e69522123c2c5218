import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { queueNotEmptyAlarm } from "./alarms";
import { executionRole } from "./app-roles";
import { ServiceRole } from "./service-role";
import { containerEnvironment } from "../lib/container-environment";

export interface BackupJobProps {
  readonly name: string;
  /** The task role's name (staging: BackupJobRole-staging). @default "BackupJobRole" */
  readonly taskRoleName?: string;
  readonly region: string;
  readonly accountId: string;
  readonly image: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
  readonly databaseArn: string;
  readonly databaseIdentifier: string;
  /** Secrets injected into the container: variable name -> secret ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly logRetentionDays: number;
  /** The region's restartix-alerts topic: failed, undelivered or missing dumps alarm here. */
  readonly alertTopicArn: string;
  /** The dump is killed after this long (timeout in the container), which then alarms. */
  readonly maxRuntimeMinutes: number;
  /** Alarm when no dump has completed for this many hours. */
  readonly maxDumpAgeHours: number;
}

/** Custom metric namespace the dump script writes to after each complete upload. */
const BACKUP_METRIC_NAMESPACE = "RestartiX/Backups";
const BACKUP_METRIC = "DumpsCompleted";
/** The container's name in the task definition (the failure rule matches it). */
export const BACKUP_CONTAINER = "pg-dump";

/**
 * Backup layer 2, the document's daily pg_dump to S3: EventBridge Scheduler starts a Fargate task
 * in the private subnets that streams an encrypted dump into the backups bucket.
 * BackupJobRole (the task role) can write dumps, report them and take manual snapshots, nothing
 * else; the secrets reach the container through the execution role, so the job itself never reads
 * them.
 *
 * A failed or missing dump alarms on the region's alert topic, three ways: the schedule's
 * dead-letter queue (the scheduler could not start the task), an EventBridge rule on the task
 * stopping with a non-zero exit code or failing to start, and an alarm when no dump has completed
 * for maxDumpAgeHours (the script reports each complete upload as a custom metric; a missing
 * metric counts as breaching, so a schedule that silently stopped fires too).
 */
export class BackupJob extends Construct {
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: BackupJobProps) {
    super(scope, id);
    const { name, region, accountId } = props;
    this.taskRole = new ServiceRole(this, "task-role", {
      name: props.taskRoleName ?? "BackupJobRole",
      description: "The daily pg_dump: writes dumps to the backups bucket, takes manual snapshots",
      service: "ecs-tasks.amazonaws.com",
      statements: [
        { Sid: "WriteDumps", Effect: "Allow", Action: "s3:PutObject", Resource: `${props.bucketArn}/*` },
        {
          // A streamed upload is multipart: each part needs a data key, and S3 decrypts that key to
          // complete the upload (kms:Decrypt), on top of generating it.
          Sid: "EncryptDumps",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        {
          Sid: "ReportDumps",
          Effect: "Allow",
          Action: "cloudwatch:PutMetricData",
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": BACKUP_METRIC_NAMESPACE } },
        },
        {
          Sid: "ManualSnapshots",
          Effect: "Allow",
          Action: "rds:CreateDBSnapshot",
          Resource: [props.databaseArn, `arn:aws:rds:${region}:${accountId}:snapshot:${props.databaseIdentifier}-*`],
        },
      ],
    });
    scheduledTask(this, {
      name,
      region,
      accountId,
      image: props.image,
      schedule: props.schedule,
      timezone: props.timezone,
      kmsKeyArn: props.kmsKeyArn,
      taskRole: this.taskRole,
      container: BACKUP_CONTAINER,
      environment: {
        BACKUP_BUCKET: props.bucketName,
        AWS_REGION: region,
        MAX_RUNTIME_SECONDS: String(props.maxRuntimeMinutes * 60),
        METRIC_NAMESPACE: BACKUP_METRIC_NAMESPACE,
        DATABASE_IDENTIFIER: props.databaseIdentifier,
      },
      secrets: props.secrets,
      subnetIds: props.subnetIds,
      securityGroupId: props.securityGroupId,
      logRetentionDays: props.logRetentionDays,
      alertTopicArn: props.alertTopicArn,
      text: {
        execution: "Starts the backup task: pulls its image, writes its logs, injects its secrets",
        scheduler: "EventBridge Scheduler starts the daily backup task",
        schedule: "Daily pg_dump of the shared database to the backups bucket (backup layer 2)",
        notStarted: `The scheduler could not start the daily pg_dump; the reason is in the SQS queue ${name}-dlq`,
        failedRule: "The daily pg_dump task stopped with a non-zero exit code or failed to start",
        failedMessage: `"The daily pg_dump failed: task <task> stopped (<reason>, exit code <exit>). Logs: /ecs/${name}. No dump was written for today."`,
      },
    });

    // CloudWatch evaluates at most 7 days, and periods of an hour or more may span more than one
    // day: 26 one-hour periods, each breaching when it holds no completed dump.
    new CloudwatchMetricAlarm(this, "age-alarm", {
      alarmName: `${name}-missing`,
      alarmDescription: `No pg_dump has completed in the last ${props.maxDumpAgeHours} hours (metric ${BACKUP_METRIC_NAMESPACE}/${BACKUP_METRIC})`,
      namespace: BACKUP_METRIC_NAMESPACE,
      metricName: BACKUP_METRIC,
      dimensions: { Database: props.databaseIdentifier },
      statistic: "Sum",
      period: 3600,
      evaluationPeriods: props.maxDumpAgeHours,
      datapointsToAlarm: props.maxDumpAgeHours,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [props.alertTopicArn],
      okActions: [props.alertTopicArn],
      tags: { Name: `${name}-missing` },
    });
  }
}

export interface ScheduledTaskProps {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly image: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly kmsKeyArn: string;
  /** The role the container runs as (the caller gives it exactly what the job needs). */
  readonly taskRole: ServiceRole;
  /** The container's name (the failure rule matches it). */
  readonly container: string;
  /** The image's command. @default - the image's entry point (the daily dump) */
  readonly entryPoint?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets ECS injects into the container: variable name -> secret ARN. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly logRetentionDays: number;
  readonly alertTopicArn: string;
  /** Descriptions and the failure message, in the job's own words. */
  readonly text: {
    readonly execution: string;
    readonly scheduler: string;
    readonly schedule: string;
    readonly notStarted: string;
    readonly failedRule: string;
    /** EventBridge input template: <task>, <reason> and <exit> are filled in. */
    readonly failedMessage: string;
  };
}

/**
 * A Fargate task EventBridge Scheduler starts on a schedule, in the private subnets, on the backup
 * image, with its two failure alarms: the schedule's dead-letter queue (the scheduler could not
 * start it) and an EventBridge rule on the task stopping with a non-zero exit code or failing to
 * start. Creates its resources directly in `scope` under fixed IDs (cluster, logs, execution-role,
 * task, dlq, scheduler-role, schedule, dlq-alarm, failed-rule, failed-alert): the backup job's
 * addresses are the ones it had before this function existed.
 */
export function scheduledTask(scope: Construct, props: ScheduledTaskProps): { cluster: EcsCluster; task: EcsTaskDefinition } {
  const { name, region, accountId } = props;
  const cluster = new EcsCluster(scope, "cluster", {
    name,
    setting: [{ name: "containerInsights", value: "enabled" }],
    tags: { Name: name },
  });
  const logs = new CloudwatchLogGroup(scope, "logs", {
    name: `/ecs/${name}`,
    retentionInDays: props.logRetentionDays,
    kmsKeyId: props.kmsKeyArn,
    tags: { Name: `/ecs/${name}` },
  });
  const execution = executionRole(scope, "execution-role", {
    name: `${name}-execution`,
    description: props.text.execution,
    region,
    secretArns: Object.values(props.secrets),
    kmsKeyArn: props.kmsKeyArn,
  });
  const task = new EcsTaskDefinition(scope, "task", {
    family: name,
    cpu: "512",
    memory: "1024",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    executionRoleArn: execution.arn,
    taskRoleArn: props.taskRole.arn,
    containerDefinitions: jsonExpression([
      {
        name: props.container,
        image: props.image,
        ...(props.entryPoint ? { entryPoint: [...props.entryPoint] } : {}),
        essential: true,
        readonlyRootFilesystem: true,
        // The image's postgres user (uid 70 in the Alpine postgres images), no capabilities at all.
        user: "70:70",
        privileged: false,
        linuxParameters: { capabilities: { drop: ["ALL"] } },
        environment: containerEnvironment(`task definition ${name}`, props.environment),
        secrets: Object.entries(props.secrets).map(([n, arn]) => ({ name: n, valueFrom: arn })),
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": logs.name, "awslogs-region": region, "awslogs-stream-prefix": props.container },
        },
      },
    ]),
    tags: { Name: name },
  });
  // Where the scheduler puts an invocation it could not deliver after its retries.
  const dlq = new SqsQueue(scope, "dlq", {
    name: `${name}-dlq`,
    kmsMasterKeyId: props.kmsKeyArn,
    kmsDataKeyReusePeriodSeconds: 3600,
    messageRetentionSeconds: 1209600,
    tags: { Name: `${name}-dlq` },
  });
  const scheduler = new ServiceRole(scope, "scheduler-role", {
    name: `${name}-scheduler`,
    description: props.text.scheduler,
    service: "scheduler.amazonaws.com",
    statements: [
      {
        Sid: "RunBackupTask",
        Effect: "Allow",
        Action: "ecs:RunTask",
        Resource: `arn:aws:ecs:${region}:${accountId}:task-definition/${name}:*`,
        Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
      },
      { Sid: "PassTaskRoles", Effect: "Allow", Action: "iam:PassRole", Resource: [execution.arn, props.taskRole.arn] },
      { Sid: "DeadLetters", Effect: "Allow", Action: "sqs:SendMessage", Resource: dlq.arn },
      {
        // The schedule is encrypted with the key (the scheduler decrypts it with this role), and
        // so is the dead-letter queue it writes to.
        Sid: "ScheduleAndQueueKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: props.kmsKeyArn,
      },
    ],
  });
  new SchedulerSchedule(scope, "schedule", {
    name,
    description: props.text.schedule,
    scheduleExpression: props.schedule,
    scheduleExpressionTimezone: props.timezone,
    flexibleTimeWindow: { mode: "OFF" },
    kmsKeyArn: props.kmsKeyArn,
    target: {
      arn: cluster.arn,
      roleArn: scheduler.arn,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: dlq.arn },
      ecsParameters: {
        taskDefinitionArn: task.arnWithoutRevision,
        launchType: "FARGATE",
        taskCount: 1,
        networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [props.securityGroupId], assignPublicIp: false },
      },
    },
  });

  queueNotEmptyAlarm(scope, "dlq-alarm", {
    alarmName: `${name}-not-started`,
    alarmDescription: props.text.notStarted,
    queueName: dlq.name,
    topicArn: props.alertTopicArn,
  });

  // ECS reports every task stop; a task that exited non-zero or never started (image pull,
  // secrets) is a failed run.
  const failed = new CloudwatchEventRule(scope, "failed-rule", {
    name: `${name}-failed`,
    description: props.text.failedRule,
    eventPattern: Fn.jsonencode({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: {
        clusterArn: [cluster.arn],
        lastStatus: ["STOPPED"],
        $or: [{ containers: { name: [props.container], exitCode: [{ "anything-but": 0 }] } }, { stopCode: ["TaskFailedToStart"] }],
      },
    }),
    tags: { Name: `${name}-failed` },
  });
  new CloudwatchEventTarget(scope, "failed-alert", {
    rule: failed.name,
    targetId: "alerts",
    arn: props.alertTopicArn,
    inputTransformer: {
      inputPaths: { task: "$.detail.taskArn", reason: "$.detail.stoppedReason", exit: "$.detail.containers[0].exitCode" },
      inputTemplate: props.text.failedMessage,
    },
  });
  return { cluster, task };
}
