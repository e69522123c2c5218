import { Construct } from "constructs";
import { AppSecrets } from "../modules/app-secrets";
import { rotationName } from "../modules/db-rotation";
import { Postgres } from "../modules/postgres";
import { RedisCache } from "../modules/redis";
import { ServiceRole } from "../modules/service-role";
import { secretsPath } from "../lib/naming";
import { RegionConfig, ServiceKey } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { KeysStack } from "./keys";
import { NetworkStack } from "./network";

/**
 * Secrets a cell (tenant, shard) holds for itself: they name its own database and its region's
 * cache. Every other secret of the core API is shared, and only those are copied to other regions:
 * an EU connection string never leaves the EU.
 */
export const CELL_OWN_SECRETS: readonly string[] = ["DATABASE_URL", "REDIS_URL"];

/**
 * Names of the shared database's two rotations (the backups stack builds them; the secrets here
 * carry their names): the services' login and the backup job's read-only login.
 */
export const sharedRotationNames = (project: string) => ({ services: rotationName(project), backup: rotationName(`${project}-backup`) });

export interface DataStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
  readonly network: NetworkStack;
}

/**
 * The region's stateful core. Primary region: the shared tier's PostgreSQL (and its replicas from
 * phase 2), Redis, the services' secrets and the Enhanced Monitoring role every database uses.
 * Secondary region: its Redis only (its databases live in shard and tenant stacks).
 */
export class DataStack extends BaseStack {
  readonly redis: RedisCache;
  readonly postgres?: Postgres;
  readonly monitoringRole?: ServiceRole;
  readonly secrets = new Map<ServiceKey, AppSecrets>();
  /** The backup job's secrets: its database URL and the dump encryption key. */
  readonly backupSecrets?: AppSecrets;

  constructor(scope: Construct, name: string, props: DataStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    const rc = props.regionConfig;
    const keyArn = props.keys.keyArn(rc.region);
    const privateSubnets = props.network.network.privateSubnets.map((s) => s.id);

    this.redis = new RedisCache(this, "redis", {
      config: rc.cache,
      subnetIds: privateSubnets,
      securityGroupIds: [props.network.redisSg.id],
      kmsKeyArn: keyArn,
      authTokenSecretName: `${phase.secretsPrefix}/redis/${rc.cache.id}/AUTH_TOKEN`,
      auth: props.settings.deployment.redisAuth,
    });
    if (!rc.primary) return;

    this.monitoringRole = new ServiceRole(this, "rds-monitoring", {
      name: `${phase.project}-rds-monitoring`,
      description: "RDS Enhanced Monitoring publishes OS metrics to CloudWatch",
      service: "monitoring.rds.amazonaws.com",
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
    });
    const db = phase.database;
    this.postgres = new Postgres(this, "postgres", {
      ...db,
      subnetIds: privateSubnets,
      securityGroupIds: [props.network.rdsSg!.id],
      kmsKeyArn: keyArn,
      monitoringRoleArn: this.monitoringRole.arn,
      logRetentionDays: phase.observability.logRetentionDays,
      backupWindow: rc.databaseWindows.backup,
      maintenanceWindow: rc.databaseWindows.maintenance,
      readReplicas: db.readReplicas,
    });
    if (phase.backups.replicateAutomatedBackups) {
      // Backup layer 3 for the database itself (phase 4): its automated backups, copied to the backup region.
      this.postgres.replicateBackups(this.awsIn(rc.backupRegion), props.keys.keyArn(rc.backupRegion), db.backupRetentionDays);
    }
    const otherRegions = phase.regions.filter((r) => !r.primary);
    for (const svc of Object.values(phase.services)) {
      this.secrets.set(
        svc.key,
        new AppSecrets(this, `${svc.key}-secrets`, {
          path: secretsPath(phase.secretsPrefix, svc.name, phase.project),
          names: svc.secretEnv,
          kmsKeyArn: keyArn,
          region: rc.region,
          // Cells in other regions read the shared values (Clerk, Daily.co, encryption key) locally.
          replicas:
            svc.key === "core" ? otherRegions.map((r) => ({ region: r.region, kmsKeyArn: props.keys.keyArn(r.region) })) : undefined,
          replicate: svc.secretEnv.filter((n) => !CELL_OWN_SECRETS.includes(n)),
          rotatedBy: svc.secretEnv.includes("DATABASE_URL") ? { DATABASE_URL: sharedRotationNames(phase.project).services } : undefined,
        }),
      );
    }
    // REDIS_URL carries the generated AUTH token: Terraform writes it, nobody sets it by hand.
    for (const svc of Object.values(phase.services)) {
      if (svc.secretEnv.includes("REDIS_URL")) this.serviceSecrets(svc.key).generate("REDIS_URL", this.redis.url);
    }
    this.backupSecrets = new AppSecrets(this, "backup-secrets", {
      path: `${phase.secretsPrefix}/backup`,
      // A read-only role's connection string, and the key dumps are encrypted with.
      names: ["DATABASE_URL", "BACKUP_ENCRYPTION_KEY"],
      rotatedBy: { DATABASE_URL: sharedRotationNames(phase.project).backup },
      kmsKeyArn: keyArn,
      region: rc.region,
    });
  }

  serviceSecrets(key: ServiceKey): AppSecrets {
    const s = this.secrets.get(key);
    if (!s) throw new Error(`DataStack: no secrets for service ${key} (is this the primary region?)`);
    return s;
  }
}
