import { hostLabel, STAGING_PROJECT, stagingName } from "../lib/naming";
import { CellSpec, PhaseConfig, ServiceConfig, ServiceSizing, TenantSize } from "./types";

/**
 * The phase config of an environment (docs/staging.md). Production is the phase config itself,
 * untouched: its names, sizes, state keys and addresses are the ones deployed since phase 1.
 * Staging is the same architecture under names of its own (stagingNames) at the staging size
 * (stagingSize). Stacks never ask which environment they are in: they read names and sizes from
 * the config this returns, so one function decides everything staging changes.
 */
export function forEnvironment(phase: PhaseConfig, environment: string): PhaseConfig {
  return environment === "staging" ? stagingSize(stagingNames(phase)) : phase;
}

/** The tenants and shards of the registry at the environment's size (production: as registered). */
export function cellsForEnvironment(cells: readonly CellSpec[], environment: string): CellSpec[] {
  return environment === "staging" ? cells.map((c) => ({ ...c, ...STAGING_CELL, service: stagingService(c.service) })) : [...cells];
}

/**
 * Every name the phase config holds that AWS, Cloudflare or GitHub keys by name, renamed by the one
 * rule of lib/naming.ts (stagingName); names the stacks derive from `project` follow from the new
 * project. Secrets move under restartix/staging/.
 */
function stagingNames(phase: PhaseConfig): PhaseConfig {
  const n = stagingName;
  const services = Object.fromEntries(
    Object.entries(phase.services).map(([key, s]) => [
      key,
      {
        ...s,
        name: n(s.name),
        subdomain: hostLabel(s.subdomain, "staging"),
        env: { ...s.env, APP_ENV: "staging" },
      } satisfies ServiceConfig,
    ]),
  ) as unknown as PhaseConfig["services"];
  return {
    ...phase,
    project: STAGING_PROJECT,
    environment: "staging",
    secretsPrefix: `${phase.secretsPrefix.split("/")[0]}/staging`,
    regions: phase.regions.map((r) => ({
      ...r,
      network: { ...r.network, name: n(r.network.name), logName: n(r.network.logName), connectorName: n(r.network.connectorName) },
      cache: { ...r.cache, id: n(r.cache.id) },
    })),
    database: { ...phase.database, identifier: n(phase.database.identifier) },
    services,
    // Staging has no uploads bucket to adopt: it creates its own, named with the account id like
    // every other bucket this code creates (S3 names are global).
    storage: {
      ...phase.storage,
      uploadsBucket: n(phase.storage.uploadsBucket),
      accessLogsBucket: n(phase.storage.accessLogsBucket),
      createUploadsBucket: true,
    },
    backups: {
      ...phase.backups,
      primaryBucket: n(phase.backups.primaryBucket),
      replicaBucket: n(phase.backups.replicaBucket),
      jobRepository: n(phase.backups.jobRepository),
    },
    observability: {
      ...phase.observability,
      topicName: n(phase.observability.topicName),
      dashboardName: n(phase.observability.dashboardName),
    },
    delivery: { ...phase.delivery, environmentName: "staging" },
    fargate: { ...phase.fargate, albName: n(phase.fargate.albName), clusterName: n(phase.fargate.clusterName) },
    audit: {
      ...phase.audit,
      trailName: n(phase.audit.trailName),
      trailBucketPrefix: n(phase.audit.trailBucketPrefix),
      configBucketPrefix: n(phase.audit.configBucketPrefix),
      keyAlias: n(phase.audit.keyAlias),
      logGroupName: n(phase.audit.logGroupName),
      metricNamespace: n(phase.audit.metricNamespace),
    },
    ...(phase.globalRouting
      ? {
          globalRouting: {
            ...phase.globalRouting,
            tableName: n(phase.globalRouting.tableName),
            workerName: n(phase.globalRouting.workerName),
          },
        }
      : {}),
  };
}

/** The staging size of every service: the smallest Fargate and App Runner size, one instance, room for a second. */
export const STAGING_SERVICE: Pick<ServiceSizing, "cpu" | "memory" | "minInstances" | "maxInstances"> = {
  cpu: 256,
  memory: 512,
  minInstances: 1,
  maxInstances: 2,
};

/**
 * The staging database class: the smallest the project's class list accepts (config/allowed.ts).
 * db.t4g.micro and small are cheaper but Performance Insights, which stays on, is documented as
 * unsupported on them for several RDS engines, and PostgreSQL's row could not be confirmed here.
 */
export const STAGING_DB_CLASS = "db.t4g.medium";

/** The staging size of a tenant's or a shard's database: the staging class, the smallest gp3 volume. */
const STAGING_CELL: Pick<TenantSize, "instanceClass" | "allocatedStorageGb" | "maxAllocatedStorageGb"> = {
  instanceClass: STAGING_DB_CLASS,
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: 50,
};

const stagingService = <S extends ServiceSizing>(s: S): S => ({ ...s, ...STAGING_SERVICE });

/**
 * The staging size preset: the same stacks and resources as the phase (same regions, subnets,
 * services, caches, cells, alarms, backups, audit), at the smallest size AWS sells, with one
 * instance of everything and shorter retention. What it never turns off (docs/staging.md):
 * encryption at rest (KMS) and in transit (TLS), logging (flow logs, RDS logs, access logs,
 * CloudTrail when this account runs it), automated backups and the daily dump, deletion protection.
 */
function stagingSize(phase: PhaseConfig): PhaseConfig {
  const primary = phase.regions.find((r) => r.primary)!;
  const sizes = phase.enterprise?.sizes ?? {};
  return {
    ...phase,
    regions: phase.regions.map((r) => ({
      ...r,
      // One NAT gateway per VPC (phase 1 already runs one).
      network: { ...r.network, natGateways: 1 },
      cache: { ...r.cache, nodeType: "cache.t4g.micro", replicas: 0, snapshotRetentionDays: 0 },
      shards: r.shards.map((s) => ({ ...s, ...STAGING_CELL, service: stagingService(s.service) })),
    })),
    database: {
      ...phase.database,
      // Single-AZ: staging holds no patient data, and a standby doubles the instance bill.
      multiAz: false,
      instanceClass: STAGING_DB_CLASS,
      allocatedStorageGb: 20,
      maxAllocatedStorageGb: 50,
      // Automated backups stay on: the 7-day point-in-time window is the smallest the validation
      // accepts, and RDS backup storage up to the database's size is free.
      backupRetentionDays: 7,
      performanceInsightsRetentionDays: 7,
      // The phase's parameters: on the phase 3+ classes they are sized for db.r6g.xlarge (400
      // connections); staging's class is phase 1's, so it gets phase 1's 200.
      parameters: { ...phase.database.parameters, maxConnections: 200 },
      readReplicas: [],
    },
    services: Object.fromEntries(
      Object.entries(phase.services).map(([key, s]) => [key, { ...stagingService(s), dbPoolMax: Math.min(s.dbPoolMax, 10) }]),
    ) as unknown as PhaseConfig["services"],
    backups: {
      ...phase.backups,
      // The dumps keep their object lock (1 day instead of 30, so staging can be torn down) and
      // S3's smallest lifecycle (30 / 60 days), and expire after 90 days instead of a year.
      objectLockDays: 1,
      transitionToInfrequentAccessDays: 30,
      transitionToGlacierDays: 60,
      expireDays: 90,
      replicateAutomatedBackups: false,
      replicaRegion: primary.backupRegion,
    },
    observability: {
      ...phase.observability,
      // Above staging's phase 1 estimate (npm run cost -- --environment staging: about $233), so
      // the budget and the billing alarm speak only when staging grows past its preset.
      alarms: { ...phase.observability.alarms, monthlySpendUsd: 300 },
      budgetUsd: 300,
      // 30 days of application and flow logs instead of a year: staging holds no patient data.
      logRetentionDays: 30,
      healthProbe: { ...phase.observability.healthProbe, canaryIntervalMinutes: 15, artifactExpireDays: 7 },
    },
    audit: {
      ...phase.audit,
      // The audit stack keeps its six-year retention (45 CFR 164.316(b)(2)(i)) in every environment;
      // staging's lock is governance mode, so a tear-down by someone allowed to bypass it can
      // delete the bucket (compliance mode would keep it six years). CloudTrail itself stays on
      // wherever staging's account runs it (manage_cloudtrail).
      objectLockMode: "GOVERNANCE",
    },
    ...(phase.enterprise
      ? {
          enterprise: {
            ...phase.enterprise,
            sizes: Object.fromEntries(
              Object.entries(sizes).map(([k, s]) => [k, { ...s, ...STAGING_CELL, service: stagingService(s.service) }]),
            ),
          },
        }
      : {}),
  };
}
