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
  /** @default - no read replicas */
  readonly readReplicas?: readonly ReadReplicaConfig[];
  /**
   * Deletion protection and prevent_destroy. Off only to decommission a tenant, whose final
   * snapshot is still taken.
   * @default true
   */
  readonly protect?: boolean;
  readonly provider?: TerraformProvider;
}

const PAGES_PER_MB = 128; // 8 kB pages in one MB

/** The document's parameters in RDS's units: 8 kB pages for buffers and cache, kB for memory. */
export function postgresParameters(p: PostgresParameters): { name: string; value: string; applyMethod: string }[] {
  return [
    // Static parameters: they change at the next reboot, never by replacing anything.
    { name: "max_connections", value: String(p.maxConnections), applyMethod: "pending-reboot" },
    { name: "shared_buffers", value: String(p.sharedBuffersMb * PAGES_PER_MB), applyMethod: "pending-reboot" },
    { name: "effective_cache_size", value: String(p.effectiveCacheSizeMb * PAGES_PER_MB), applyMethod: "immediate" },
    { name: "work_mem", value: String(p.workMemMb * 1024), applyMethod: "immediate" },
    { name: "maintenance_work_mem", value: String(p.maintenanceWorkMemMb * 1024), applyMethod: "immediate" },
    // "Encryption in transit: Enabled (TLS required)".
    { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
    { name: "log_min_duration_statement", value: String(p.logMinDurationStatementMs), applyMethod: "immediate" },
    { name: "log_statement", value: "ddl", applyMethod: "immediate" },
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
      kmsKeyId: props.kmsKeyArn,
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
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      applyImmediately: false,
      provider,
    };

    this.instance = new DbInstance(this, "instance", {
      ...common,
      identifier: props.identifier,
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
      backupWindow: "01:00-02:00",
      maintenanceWindow: "sun:02:30-sun:03:30",
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
          instanceClass: replica.instanceClass,
          replicateSourceDb: this.instance.identifier,
          availabilityZone: replica.az,
          multiAz: false,
          // A replica has no backups of its own; its data is the primary's.
          backupRetentionPeriod: 0,
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
