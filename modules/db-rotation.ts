import { ROTATED_BY } from "../policy/rules/secretsmanager/SecretsManagerRotationEnabled";
import { Construct } from "constructs";
import { PolicyStatement } from "../lib/iam";
import { scheduledTask } from "./backup-job";
import { allowIngress, Firewall } from "./firewall";
import { ServiceRole } from "./service-role";

/** The tag a rotated secret carries: the name of the schedule that rotates it (RX-SM-2, RX-SM-4). */
export const ROTATED_BY_TAG = ROTATED_BY;
/** The container's name in the task definition (the failure rule matches it). */
const ROTATION_CONTAINER = "rotate-db-credentials";

/** Name of a database's rotation (schedule, cluster, task family, roles): <prefix>-db-rotation. */
export const rotationName = (prefix: string): string => `${prefix}-db-rotation`;

export interface DatabaseRotationProps {
  /** Schedule, cluster, task family, log group and roles are named after it (rotationName()). */
  readonly name: string;
  /** What is rotated, for descriptions and alerts ("the shared database's services"). */
  readonly label: string;
  readonly region: string;
  readonly accountId: string;
  /** The backup image (backup/Dockerfile: psql, jq, the AWS CLI, rotate-db-credentials.sh). */
  readonly image: string;
  readonly schedule: string;
  readonly timezone: string;
  /** The region's key: it encrypts the secrets, the logs, the schedule and its dead-letter queue. */
  readonly kmsKeyArn: string;
  /** The RDS-managed master secret (manage_master_user_password): the script runs ALTER ROLE with it. */
  readonly masterSecretArn: string;
  /** The plain DATABASE_URL secrets the rotation rewrites; they log in as the same role. */
  readonly databaseUrlSecretArns: readonly string[];
  /** App Runner services that read those secrets, redeployed after a rotation. @default - none */
  readonly appRunnerServiceArns?: readonly string[];
  /** ECS services (Fargate engine) that read them, redeployed after a rotation. @default - none */
  readonly ecsServiceArns?: readonly string[];
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** The database's security group and port: the task gets a rule into it, and only that. */
  readonly database: { readonly securityGroupId: string; readonly port: number };
  readonly logRetentionDays: number;
  /** The region's restartix-alerts topic. */
  readonly alertTopicArn: string;
}

/**
 * Monthly rotation of one database's application login (docs/data-and-backups.md, "Database
 * credentials: rotation"): a scheduled Fargate task on the backup image runs
 * rotate-db-credentials.sh, which sets a new password on the login role not in use, writes the
 * DATABASE_URL secrets, redeploys the services and waits until the redeploys finished (or puts
 * the previous secrets back and fails), then retires the base role's login. Its task role may read the master secret and
 * the URL secrets, write only the URL secrets, use the region's key through Secrets Manager only,
 * and redeploy only the listed services; its security group reaches only this database (and
 * HTTPS for the AWS APIs). A failed run alarms like the backup job (non-zero exit, failed start,
 * dead-letter queue).
 */
export class DatabaseRotation extends Construct {
  readonly name: string;
  readonly taskRole: ServiceRole;
  readonly securityGroup: Firewall;

  constructor(scope: Construct, id: string, props: DatabaseRotationProps) {
    super(scope, id);
    const { name, region } = props;
    if (props.databaseUrlSecretArns.length === 0)
      throw new Error(`DatabaseRotation ${name}: give at least one DATABASE_URL secret to rotate`);
    this.name = name;
    const appRunner = props.appRunnerServiceArns ?? [];
    const ecs = props.ecsServiceArns ?? [];

    this.securityGroup = new Firewall(this, "sg", {
      name,
      description: `Credential rotation of ${props.label}: PostgreSQL and HTTPS out, nothing in`,
      vpcId: props.vpcId,
    });
    this.securityGroup.allowOut({
      id: "postgres",
      port: props.database.port,
      peerGroupId: props.database.securityGroupId,
      description: `ALTER ROLE on ${props.label}`,
    });
    this.securityGroup.allowOut({
      id: "https",
      port: 443,
      cidr: "0.0.0.0/0",
      description: "HTTPS to Secrets Manager, App Runner, ECS, ECR and CloudWatch Logs",
    });
    allowIngress(this, props.database.securityGroupId, {
      id: "postgres-from-rotation",
      port: props.database.port,
      peerGroupId: this.securityGroup.id,
      description: `PostgreSQL from ${name}`,
    });

    const statements: PolicyStatement[] = [
      {
        Sid: "ReadCredentials",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [props.masterSecretArn, ...props.databaseUrlSecretArns],
      },
      { Sid: "WriteDatabaseUrl", Effect: "Allow", Action: "secretsmanager:PutSecretValue", Resource: [...props.databaseUrlSecretArns] },
      {
        Sid: "SecretsKey",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: props.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      },
    ];
    // Redeploy, then read the operation / deployment until it finished (the script restores the
    // previous secrets when it failed or rolled back).
    if (appRunner.length > 0)
      statements.push({
        Sid: "RedeployAppRunner",
        Effect: "Allow",
        Action: ["apprunner:StartDeployment", "apprunner:ListOperations"],
        Resource: [...appRunner],
      });
    if (ecs.length > 0)
      statements.push({ Sid: "RedeployEcs", Effect: "Allow", Action: ["ecs:UpdateService", "ecs:DescribeServices"], Resource: [...ecs] });
    this.taskRole = new ServiceRole(this, "task-role", {
      name: `${name}-task`,
      description: `Rotates the login of ${props.label}: ALTER ROLE, writes DATABASE_URL, redeploys`,
      service: "ecs-tasks.amazonaws.com",
      statements,
    });

    scheduledTask(this, {
      name,
      region,
      accountId: props.accountId,
      image: props.image,
      schedule: props.schedule,
      timezone: props.timezone,
      kmsKeyArn: props.kmsKeyArn,
      taskRole: this.taskRole,
      container: ROTATION_CONTAINER,
      entryPoint: ["/bin/sh", "/usr/local/bin/rotate-db-credentials.sh"],
      environment: {
        AWS_REGION: region,
        MASTER_CREDENTIALS_ARN: props.masterSecretArn,
        DATABASE_URL_ARNS: props.databaseUrlSecretArns.join(" "),
        // Only the engine in use: ECS drops an empty value, and "" would make the task definition
        // differ from what ECS stores on every plan (the script reads an unset list as none).
        ...(appRunner.length > 0 ? { APPRUNNER_SERVICE_ARNS: appRunner.join(" ") } : {}),
        ...(ecs.length > 0 ? { ECS_SERVICE_ARNS: ecs.join(" ") } : {}),
      },
      // The script reads the secrets itself (it must write them back): nothing is injected.
      secrets: {},
      subnetIds: props.subnetIds,
      securityGroupId: this.securityGroup.id,
      logRetentionDays: props.logRetentionDays,
      alertTopicArn: props.alertTopicArn,
      text: {
        execution: "Starts the credential rotation task: pulls its image, writes its logs",
        scheduler: `EventBridge Scheduler starts the credential rotation of ${props.label}`,
        schedule: `Rotates the database login of ${props.label} (rotate-db-credentials.sh)`,
        notStarted: `The scheduler could not start the credential rotation of ${props.label}; the reason is in the SQS queue ${name}-dlq`,
        failedRule: `The credential rotation of ${props.label} stopped with a non-zero exit code or failed to start`,
        failedMessage: `"The database credential rotation of ${props.label} failed: task <task> stopped (<reason>, exit code <exit>). Logs: /ecs/${name}. The DATABASE_URL secrets keep working credentials; run it again after fixing the cause."`,
      },
    });
  }
}
