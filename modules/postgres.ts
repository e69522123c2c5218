import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PostgresParameters, ReadReplicaConfig } from "../phases/types";

export interface PostgresProps {
  readonly identifier: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  /** Daily automated backup window, UTC ("hh:mm-hh:mm"). */
  readonly backupWindow: string;
  /** Weekly maintenance window, UTC ("ddd:hh:mm-ddd:hh:mm"). */
  readonly maintenanceWindow: string;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  readonly dbName: string;
  readonly masterUsername: string;
  readonly port: number;
  readonly parameters: PostgresParameters;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Customer-managed key: storage, Performance Insights and the RDS-managed master secret. */
  readonly kmsKeyArn: string;
  /** Role RDS Enhanced Monitoring publishes with (shared by every database of the account). */
  readonly monitoringRoleArn: string;
  /** Retention of the exported PostgreSQL logs (the log groups are created here, with kmsKeyArn). */
  readonly logRetentionDays: number;
  /** @default - no read replicas */
  readonly readReplicas?: readonly ReadReplicaConfig[];
  /**
   * Deletion protection and prevent_destroy. Off only to decommission a tenant, whose final
   * snapshot is still taken.
   * @default true
   */
  readonly protect?: boolean;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Bytes of one PostgreSQL buffer page (shared_buffers and effective_cache_size are counted in them). */
const PAGE_BYTES = 8192;

/** Logs every instance exports to CloudWatch (RDS writes them to /aws/rds/instance/<id>/<log>). */
const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The log group RDS writes an export to; RDS creates it unencrypted and kept forever unless it exists. */
const rdsLogGroupName = (identifier: string, log: string): string => `/aws/rds/instance/${identifier}/${log}`;

/**
 * An RDS parameter formula for `percent` of the instance's memory in 8 kB pages. RDS resolves
 * {DBInstanceClassMemory*N/D} when the instance starts (integer arithmetic), so the value follows
 * the instance class: 25% is 131072 pages (1 GB) on 4 GB and 524288 (4 GB) on 16 GB.
 * DBInstanceClassMemory is the class's memory minus what RDS reserves for the OS and its agents,
 * so the result is slightly below the nominal figure.
 */
export function memoryFormula(percent: number): string {
  return `{DBInstanceClassMemory*${percent}/${PAGE_BYTES * 100}}`;
}

/** The value `memoryFormula` resolves to for `memoryBytes` of memory (tests, documentation). */
export function resolveMemoryFormula(formula: string, memoryBytes: number): number {
  const m = /^\{DBInstanceClassMemory\*(\d+)\/(\d+)\}$/.exec(formula);
  if (!m) throw new Error(`not a DBInstanceClassMemory formula: ${formula}`);
  return Math.floor((memoryBytes * Number(m[1])) / Number(m[2]));
}

/** The document's parameters in RDS's units: 8 kB pages for buffers and cache, kB for memory. */
function postgresParameters(p: PostgresParameters): { name: string; value: string; applyMethod: string }[] {
  return [
    // Static parameters: they change at the next reboot, never by replacing anything.
    { name: "max_connections", value: String(p.maxConnections), applyMethod: "pending-reboot" },
    { name: "shared_buffers", value: memoryFormula(p.sharedBuffersPercent), applyMethod: "pending-reboot" },
    { name: "effective_cache_size", value: memoryFormula(p.effectiveCacheSizePercent), applyMethod: "immediate" },
    { name: "work_mem", value: String(p.workMemMb * 1024), applyMethod: "immediate" },
    { name: "maintenance_work_mem", value: String(p.maintenanceWorkMemMb * 1024), applyMethod: "immediate" },
    // "Encryption in transit: Enabled (TLS required)".
    { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
    { name: "log_min_duration_statement", value: String(p.logMinDurationStatementMs), applyMethod: "immediate" },
    { name: "log_statement", value: "ddl", applyMethod: "immediate" },
    // Who logged in, from where, for how long: the database's own audit record of access
    // (GuardDuty's RDS login analysis covers Aurora only). Exported with the postgresql log.
    { name: "log_connections", value: "1", applyMethod: "immediate" },
    { name: "log_disconnections", value: "1", applyMethod: "immediate" },
  ];
}

/**
 * A PostgreSQL instance as the document sets it up: gp3 with storage autoscaling, Multi-AZ,
 * encrypted with the region's key, TLS enforced by its own parameter group, 7-day PITR, Enhanced
 * Monitoring and Performance Insights, never public, master password generated and rotated by RDS
 * in Secrets Manager (no password in code or state). Deletion protection, a final snapshot and
 * prevent_destroy guard the data. Changes apply in the maintenance window unless applied by hand.
 */
export class Postgres extends Construct {
  readonly instance: DbInstance;
  readonly replicas: DbInstance[] = [];
  readonly parameterGroup: DbParameterGroup;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { provider } = props;
    const family = `postgres${props.engineVersion}`;
    const protect = props.protect ?? true;
    const subnets = new DbSubnetGroup(this, "subnets", {
      name: props.identifier,
      description: `Private subnets of ${props.identifier}`,
      subnetIds: [...props.subnetIds],
      provider,
      tags: { Name: props.identifier },
    });
    this.parameterGroup = new DbParameterGroup(this, "parameters", {
      name: `${props.identifier}-${family}`,
      family,
      description: `${props.identifier}: connection, memory and TLS settings`,
      parameter: postgresParameters(props.parameters),
      provider,
      tags: { Name: `${props.identifier}-${family}` },
      // A major upgrade brings a new family: the new group must exist before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    });

    const common = {
      instanceClass: props.instanceClass,
      storageEncrypted: true,
      parameterGroupName: this.parameterGroup.name,
      vpcSecurityGroupIds: [...props.securityGroupIds],
      publiclyAccessible: false,
      monitoringInterval: props.monitoringIntervalSeconds,
      monitoringRoleArn: props.monitoringRoleArn,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays,
      performanceInsightsKmsKeyId: props.kmsKeyArn,
      autoMinorVersionUpgrade: true,
      caCertIdentifier: "rds-ca-rsa2048-g1",
      copyTagsToSnapshot: true,
      deletionProtection: protect,
      iamDatabaseAuthenticationEnabled: true,
      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      applyImmediately: false,
      provider,
    };

    // RDS creates a missing export log group itself, without the key and with no retention: each
    // one exists first, and the instance waits for it.
    const logGroups = (identifier: string, idPrefix: string): CloudwatchLogGroup[] =>
      POSTGRES_LOG_EXPORTS.map(
        (log) =>
          new CloudwatchLogGroup(this, `${idPrefix}logs-${log}`, {
            name: rdsLogGroupName(identifier, log),
            retentionInDays: props.logRetentionDays,
            kmsKeyId: props.kmsKeyArn,
            provider,
            tags: { Name: rdsLogGroupName(identifier, log) },
          }),
      );

    this.instance = new DbInstance(this, "instance", {
      ...common,
      dependsOn: logGroups(props.identifier, ""),
      identifier: props.identifier,
      kmsKeyId: props.kmsKeyArn,
      engine: "postgres",
      engineVersion: props.engineVersion,
      allowMajorVersionUpgrade: false,
      allocatedStorage: props.allocatedStorageGb,
      maxAllocatedStorage: props.maxAllocatedStorageGb,
      storageType: "gp3",
      multiAz: props.multiAz,
      dbName: props.dbName,
      username: props.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      port: props.port,
      dbSubnetGroupName: subnets.name,
      backupRetentionPeriod: props.backupRetentionDays,
      backupWindow: props.backupWindow,
      maintenanceWindow: props.maintenanceWindow,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.identifier}-final`,
      tags: { Name: props.identifier },
      lifecycle: { preventDestroy: protect },
    });

    for (const replica of props.readReplicas ?? []) {
      const identifier = `${props.identifier}-${replica.id}`;
      this.replicas.push(
        new DbInstance(this, replica.id, {
          ...common,
          identifier,
          dependsOn: logGroups(identifier, `${replica.id}-`),
          instanceClass: replica.instanceClass,
          replicateSourceDb: this.instance.identifier,
          // A same-region replica is encrypted with its source's key; passing kms_key_id is only
          // for cross-region replicas (RDS then re-encrypts), and here it makes RDS reject or the
          // provider re-plan the replica.
          kmsKeyId: undefined,
          availabilityZone: replica.az,
          multiAz: false,
          // A replica has no backups of its own; its data is the primary's.
          backupRetentionPeriod: 0,
          maintenanceWindow: props.maintenanceWindow,
          skipFinalSnapshot: true,
          tags: { Name: identifier, role: "read-replica" },
          lifecycle: { preventDestroy: protect },
        }),
      );
    }
  }

  /** Backup layer 3 (phase 4): the instance's automated backups, copied to another region. */
  replicateBackups(provider: TerraformProvider, kmsKeyArn: string, retentionDays: number): DbInstanceAutomatedBackupsReplication {
    return new DbInstanceAutomatedBackupsReplication(this.node.scope!, "backup-replication", {
      sourceDbInstanceArn: this.instance.arn,
      kmsKeyId: kmsKeyArn,
      retentionPeriod: retentionDays,
      provider,
    });
  }
}
