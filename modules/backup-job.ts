import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { jsonExpression } from "../lib/json-expression";
import { executionRole } from "./app-roles";
import { ServiceRole } from "./service-role";

export interface BackupJobProps {
  readonly name: string;
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
}

/**
 * Backup layer 2, the document's daily pg_dump to S3: EventBridge Scheduler starts a Fargate task
 * in the private subnets that streams an encrypted dump into the backups bucket.
 * BackupJobRole (the task role) can write dumps and take manual snapshots, nothing else; the
 * secrets reach the container through the execution role, so the job itself never reads them.
 */
export class BackupJob extends Construct {
  readonly taskRole: ServiceRole;

  constructor(scope: Construct, id: string, props: BackupJobProps) {
    super(scope, id);
    const { name, region, accountId } = props;
    const cluster = new EcsCluster(this, "cluster", {
      name,
      setting: [{ name: "containerInsights", value: "enabled" }],
      tags: { Name: name },
    });
    const logs = new CloudwatchLogGroup(this, "logs", {
      name: `/ecs/${name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: { Name: `/ecs/${name}` },
    });
    const execution = executionRole(this, "execution-role", {
      name: `${name}-execution`,
      description: "Starts the backup task: pulls its image, writes its logs, injects its secrets",
      region,
      secretArns: Object.values(props.secrets),
      kmsKeyArn: props.kmsKeyArn,
    });
    this.taskRole = new ServiceRole(this, "task-role", {
      name: "BackupJobRole",
      description: "The daily pg_dump: writes dumps to the backups bucket, takes manual snapshots",
      service: "ecs-tasks.amazonaws.com",
      statements: [
        { Sid: "WriteDumps", Effect: "Allow", Action: "s3:PutObject", Resource: `${props.bucketArn}/*` },
        {
          Sid: "EncryptDumps",
          Effect: "Allow",
          Action: "kms:GenerateDataKey",
          Resource: props.kmsKeyArn,
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        },
        {
          Sid: "ManualSnapshots",
          Effect: "Allow",
          Action: "rds:CreateDBSnapshot",
          Resource: [props.databaseArn, `arn:aws:rds:${region}:${accountId}:snapshot:${props.databaseIdentifier}-*`],
        },
      ],
    });
    const task = new EcsTaskDefinition(this, "task", {
      family: name,
      cpu: "512",
      memory: "1024",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: execution.arn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: jsonExpression([
        {
          name: "pg-dump",
          image: props.image,
          essential: true,
          readonlyRootFilesystem: true,
          environment: [
            { name: "BACKUP_BUCKET", value: props.bucketName },
            { name: "AWS_REGION", value: region },
          ],
          secrets: Object.entries(props.secrets).map(([n, arn]) => ({ name: n, valueFrom: arn })),
          logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": logs.name, "awslogs-region": region, "awslogs-stream-prefix": "pg-dump" },
          },
        },
      ]),
      tags: { Name: name },
    });
    const scheduler = new ServiceRole(this, "scheduler-role", {
      name: `${name}-scheduler`,
      description: "EventBridge Scheduler starts the daily backup task",
      service: "scheduler.amazonaws.com",
      statements: [
        {
          Sid: "RunBackupTask",
          Effect: "Allow",
          Action: "ecs:RunTask",
          Resource: `arn:aws:ecs:${region}:${accountId}:task-definition/${name}:*`,
          Condition: { ArnEquals: { "ecs:cluster": cluster.arn } },
        },
        { Sid: "PassTaskRoles", Effect: "Allow", Action: "iam:PassRole", Resource: [execution.arn, this.taskRole.arn] },
      ],
    });
    new SchedulerSchedule(this, "schedule", {
      name,
      description: "Daily pg_dump of the shared database to the backups bucket (backup layer 2)",
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timezone,
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: cluster.arn,
        roleArn: scheduler.arn,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        ecsParameters: {
          taskDefinitionArn: task.arnWithoutRevision,
          launchType: "FARGATE",
          taskCount: 1,
          networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [props.securityGroupId], assignPublicIp: false },
        },
      },
    });
  }
}
