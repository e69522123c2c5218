import { PhaseNumber } from "./types";

/**
 * What the cost model cannot read from the synthesized JSON: how much the infrastructure is used.
 * One typed object per phase (each phase spreads the one before and changes what grows). These are
 * estimates for RestartiX's size in each phase, not measurements: replace them with the bill's
 * figures once there is a bill. `npm run cost` prints every item with the quantity it used.
 */

/** Usage of one S3 bucket: a fixed amount stored, or a daily write rate aged through its lifecycle. */
export type BucketUsage = (
  | {
      readonly storedGb: number;
      /** New GB a month (what replication copies to another region). @default 0 */
      readonly newGbPerMonth?: number;
    }
  /** Objects written per day; the bucket's lifecycle rules (read from the JSON) age them. */
  | { readonly writtenGbPerDay: number }
) & {
  /** Shown beside the bucket's charge where the design document counts it elsewhere. @default - nothing shown beside the charge */
  readonly why?: string;
};

/** How much one service (App Runner or Fargate: the same names) is used. */
export interface ServiceUsage {
  /** Instances (tasks) above the minimum during peak hours. */
  readonly extraAtPeak: number;
  /** GB a month sent to the internet (responses to Cloudflare). */
  readonly egressGbMonth: number;
  /** GB of application logs a month written to CloudWatch Logs. */
  readonly logGbMonth: number;
  /** X-Ray traces recorded a month (App Runner with tracing on). */
  readonly tracesMonth: number;
}

/** Services by name; `default` for every other service (tenant cells, shards). */
export type ServicesUsage = Readonly<Record<string, Partial<ServiceUsage>>> & { readonly default: ServiceUsage };

export function usageOfService(services: ServicesUsage, name: string): ServiceUsage {
  return { ...services.default, ...services[name] };
}

export interface AppRunnerUsage {
  /**
   * Hours a month the provisioned (min_size) instances of a service are active. An instance is
   * active while it serves requests; a Route 53 health check every 10 s (many checkers) keeps it
   * active around the clock, and the model then uses hoursPerMonth instead (see activeWhenHealthChecked).
   */
  readonly activeHoursPerMonth: number;
  /** Whether a service probed by a Route 53 health check counts as active every hour of the month. */
  readonly activeWhenHealthChecked: boolean;
  /**
   * Minutes of active vCPU one canary probe costs when it wakes an idle service (App Runner bills
   * an instance active while it serves a request, with a minimum per activation: taken as 1 minute).
   */
  readonly activeMinutesPerWake: number;
}

/** CloudWatch Synthetics health canaries. */
export interface CanaryUsage {
  /** Seconds a run lasts (start-up and one healthy probe; failing runs are rare). */
  readonly secondsPerRun: number;
  /** KB of artifacts (log, report) a run writes to the observability bucket. */
  readonly artifactKbPerRun: number;
  /** KB of Lambda log lines a run writes to CloudWatch Logs. */
  readonly logKbPerRun: number;
}

/** Lambda functions that run on a schedule (the log group sweeper). */
export interface FunctionUsage {
  readonly secondsPerInvocation: number;
}

export interface FargateUsage {
  /** Minutes one scheduled task (the daily pg_dump) runs. */
  readonly scheduledTaskMinutes: number;
  /** Load Balancer Capacity Units an ALB averages. */
  readonly averageLcu: number;
  /**
   * LCUs one cell's traffic adds to its region's gateway ALB. A gateway holds up to 90 cells, one
   * host-header listener rule each; a request is matched after about half of them (rule
   * evaluations beyond the first 10 are billed, 1,000 a second per LCU): about 35 evaluations a
   * request, so a clinic averaging 5 requests a second adds 0.175 LCU; processed bytes (1 GB an
   * hour per LCU) add little. An estimate: replace it with the ALB's ConsumedLCUs metric.
   */
  readonly lcuPerCell: number;
}

export interface DatabaseUsage {
  /** Backup storage as a multiple of allocated storage (7 days of snapshots + WAL); the first 1x is free. */
  readonly backupGbPerAllocatedGb: number;
  /** GB of PostgreSQL logs a month each instance exports to CloudWatch Logs. */
  readonly logExportGbPerInstanceMonth: number;
  /** GB a month of Enhanced Monitoring data (RDSOSMetrics log group) per instance at 60 s. */
  readonly enhancedMonitoringGbPerInstanceMonth: number;
  /** Replicated automated backups in the destination region, as a multiple of allocated storage. */
  readonly replicatedBackupGbPerAllocatedGb: number;
}

/**
 * Volumes of the account-level audit controls (the audit stack). A "workload region" runs a VPC;
 * other regions in use hold only backups, keys or the global alert topic.
 */
export interface AuditUsage {
  /** CloudTrail management events a month in a workload region (services' API calls, deploys, the audit services' own reads). */
  readonly managementEventsPerWorkloadRegionMonth: number;
  /** Management events a month in a region that only holds data (replica buckets, keys). */
  readonly managementEventsPerQuietRegionMonth: number;
  /** Object reads and writes a month of the patient-file and backup buckets of a workload region (S3 data events). */
  readonly s3DataEventsPerWorkloadRegionMonth: number;
  /** Average size of one CloudTrail event as CloudWatch Logs ingests it, in KB. */
  readonly eventKb: number;
  /** AWS Config configuration items recorded a month (each change of a resource is one). */
  readonly configItemsPerWorkloadRegionMonth: number;
  readonly configItemsPerQuietRegionMonth: number;
  /** Security Hub FSBP security checks a month (periodic and change-triggered control evaluations). */
  readonly securityChecksPerWorkloadRegionMonth: number;
  readonly securityChecksPerQuietRegionMonth: number;
}

export interface UsageAssumptions {
  /** AWS bills a month as 730 hours (8,760 / 12). */
  readonly hoursPerMonth: number;
  /** Busy hours a month (clinic opening hours: 12 h x 22 days) when extra instances run. */
  readonly peakHoursPerMonth: number;
  readonly services: ServicesUsage;
  readonly appRunner: AppRunnerUsage;
  readonly canary: CanaryUsage;
  readonly functions: FunctionUsage;
  readonly fargate: FargateUsage;
  readonly database: DatabaseUsage;
  /** GB processed a month by each NAT gateway (Clerk, Daily.co, ClickHouse calls; S3 uses the free endpoint). */
  readonly natGbPerGatewayMonth: number;
  /** GB a month of VPC flow logs per flow log (ALL traffic, 60 s aggregation). */
  readonly flowLogGbPerFlowLogMonth: number;
  /** GB processed a month by each interface VPC endpoint. */
  readonly interfaceEndpointGbMonth: number;
  /** CloudWatch Logs archive: months of ingestion retained at steady state, and the compressed/raw ratio. */
  readonly logStorage: { readonly monthsRetained: number; readonly compressedRatio: number };
  /** S3 buckets by name (a key ending in * matches names with that prefix); `default` for a bucket not named here. */
  readonly buckets: Readonly<Record<string, BucketUsage>> & { readonly default: BucketUsage };
  /** GB of images kept per ECR repository (10 tagged Go images after the lifecycle rules). */
  readonly ecrGbPerRepository: number;
  readonly secretsApiCallsPerSecretMonth: number;
  readonly kmsRequestsPerKeyMonth: number;
  readonly snsPublishesPerTopicMonth: number;
  /** Requests a month on each SQS queue (dead-letter queues: a few inspections, almost always 0 messages). */
  readonly sqsRequestsPerQueueMonth: number;
  /** DynamoDB per table (the routing table): requests a month and GB stored. */
  readonly dynamodb: { readonly writesPerMonth: number; readonly readsPerMonth: number; readonly storedGb: number };
  /** Requests a month through each AWS WAF web ACL. */
  readonly wafRequestsPerAclMonth: number;
  readonly audit: AuditUsage;
}

const UPLOADS_WHY = "the document counts the uploads bucket under external services (S3 uploads), not in its AWS total";

const phase1: UsageAssumptions = {
  hoursPerMonth: 730,
  peakHoursPerMonth: 264,
  services: { default: { extraAtPeak: 0, egressGbMonth: 20, logGbMonth: 2, tracesMonth: 200_000 } },
  appRunner: { activeHoursPerMonth: 264, activeWhenHealthChecked: true, activeMinutesPerWake: 1 },
  canary: { secondsPerRun: 8, artifactKbPerRun: 20, logKbPerRun: 2 },
  functions: { secondsPerInvocation: 2 },
  fargate: { scheduledTaskMinutes: 15, averageLcu: 1, lcuPerCell: 0.2 },
  database: {
    // 7 daily snapshots are incremental: about 1.2x the allocated storage, of which 1x is free.
    backupGbPerAllocatedGb: 1.2,
    logExportGbPerInstanceMonth: 1,
    enhancedMonitoringGbPerInstanceMonth: 0.1,
    replicatedBackupGbPerAllocatedGb: 1.2,
  },
  natGbPerGatewayMonth: 50,
  flowLogGbPerFlowLogMonth: 3,
  interfaceEndpointGbMonth: 10,
  // 365-day retention: a year of ingestion at steady state, stored at about 15% of its raw size.
  logStorage: { monthsRetained: 12, compressedRatio: 0.15 },
  buckets: {
    // The document lists the uploads bucket under external services at $10-50/month: 400 GB-2 TB.
    "restartix-uploads-prod": { storedGb: 500, newGbPerMonth: 25, why: UPLOADS_WHY },
    // Its copy in the backup region (STANDARD_IA): not in the document, which has one region of files.
    "restartix-uploads-prod-replica": { storedGb: 500 },
    // A compressed daily pg_dump of a 10-clinic database.
    "restartix-backups-primary": { writtenGbPerDay: 2 },
    "restartix-backups-replica": { writtenGbPerDay: 2 },
    "restartix-access-logs-prod-eu-central-1": { writtenGbPerDay: 0.05 },
    // CloudTrail log files (gzip, about a tenth of the events' size) and AWS Config snapshots.
    "restartix-cloudtrail-*": { writtenGbPerDay: 0.01 },
    "restartix-config-*": { writtenGbPerDay: 0.005 },
    default: { storedGb: 1 },
  },
  ecrGbPerRepository: 1.5,
  secretsApiCallsPerSecretMonth: 5_000,
  kmsRequestsPerKeyMonth: 100_000,
  snsPublishesPerTopicMonth: 1_000,
  sqsRequestsPerQueueMonth: 1_000,
  dynamodb: { writesPerMonth: 1_000_000, readsPerMonth: 10_000_000, storedGb: 1 },
  wafRequestsPerAclMonth: 10_000_000,
  audit: {
    // About 20 API calls a minute: services' STS and KMS calls, deploys, Config's and Security Hub's own reads.
    managementEventsPerWorkloadRegionMonth: 1_000_000,
    managementEventsPerQuietRegionMonth: 50_000,
    // 10 clinics x ~1,000 patient-file reads and writes a day.
    s3DataEventsPerWorkloadRegionMonth: 300_000,
    eventKb: 1.5,
    configItemsPerWorkloadRegionMonth: 2_000,
    configItemsPerQuietRegionMonth: 200,
    securityChecksPerWorkloadRegionMonth: 10_000,
    securityChecksPerQuietRegionMonth: 2_000,
  },
};

/** Phase 2 (10-50 clinics): about 4x the traffic, the core API above its minimum at peak. */
const phase2: UsageAssumptions = {
  ...phase1,
  services: {
    default: { extraAtPeak: 0, egressGbMonth: 20, logGbMonth: 2, tracesMonth: 200_000 },
    "restartix-core-api": { extraAtPeak: 1, egressGbMonth: 80, logGbMonth: 8, tracesMonth: 800_000 },
  },
  natGbPerGatewayMonth: 200,
  flowLogGbPerFlowLogMonth: 8,
  buckets: {
    ...phase1.buckets,
    // The document's S3 uploads line grows to $50-100/month: 2-4 TB.
    "restartix-uploads-prod": { storedGb: 2_500, newGbPerMonth: 100, why: UPLOADS_WHY },
    "restartix-uploads-prod-replica": { storedGb: 2_500 },
    "restartix-backups-primary": { writtenGbPerDay: 8 },
    "restartix-backups-replica": { writtenGbPerDay: 8 },
    "restartix-access-logs-prod-eu-central-1": { writtenGbPerDay: 0.2 },
    "restartix-cloudtrail-*": { writtenGbPerDay: 0.015 },
  },
  audit: {
    ...phase1.audit,
    managementEventsPerWorkloadRegionMonth: 1_500_000,
    s3DataEventsPerWorkloadRegionMonth: 1_500_000,
    configItemsPerWorkloadRegionMonth: 2_500,
  },
};

/**
 * Phase 3 (50-100 clinics): the shared core API runs up to 10 instances; an enterprise tenant's
 * service (the default) serves one large clinic.
 */
const phase3: UsageAssumptions = {
  ...phase2,
  services: {
    default: { extraAtPeak: 0, egressGbMonth: 15, logGbMonth: 2, tracesMonth: 200_000 },
    "restartix-core-api": { extraAtPeak: 4, egressGbMonth: 150, logGbMonth: 15, tracesMonth: 1_500_000 },
    "restartix-telemetry-api": { extraAtPeak: 1, egressGbMonth: 20, logGbMonth: 4, tracesMonth: 400_000 },
  },
  natGbPerGatewayMonth: 500,
  flowLogGbPerFlowLogMonth: 25,
  buckets: {
    ...phase2.buckets,
    "restartix-uploads-prod": { storedGb: 5_000, newGbPerMonth: 200, why: UPLOADS_WHY },
    "restartix-uploads-prod-replica": { storedGb: 5_000 },
    "restartix-backups-primary": { writtenGbPerDay: 20 },
    "restartix-backups-replica": { writtenGbPerDay: 20 },
    "restartix-access-logs-prod-eu-central-1": { writtenGbPerDay: 0.5 },
    "restartix-cloudtrail-*": { writtenGbPerDay: 0.03 },
  },
  // Ten tenant stacks (their services, databases and secrets) add API calls, resources and checks.
  audit: {
    ...phase2.audit,
    managementEventsPerWorkloadRegionMonth: 3_000_000,
    s3DataEventsPerWorkloadRegionMonth: 3_000_000,
    configItemsPerWorkloadRegionMonth: 5_000,
    securityChecksPerWorkloadRegionMonth: 20_000,
  },
};

/** Phase 4 (100-1000+ clinics, two regions): per-resource figures; the resources multiply. */
const phase4: UsageAssumptions = {
  ...phase3,
  natGbPerGatewayMonth: 800,
  buckets: {
    ...phase3.buckets,
    "restartix-uploads-prod": { storedGb: 10_000, newGbPerMonth: 400, why: UPLOADS_WHY },
    "restartix-uploads-prod-replica": { storedGb: 10_000 },
    // 2 x (5M management + 15M data events) x 1.5 KB, gzip to about a tenth.
    "restartix-cloudtrail-*": { writtenGbPerDay: 0.2 },
  },
  dynamodb: { writesPerMonth: 2_000_000, readsPerMonth: 50_000_000, storedGb: 1 },
  // Per workload region (eu-central-1 and us-east-1): 1,000+ clinics, 40 tenants and 8 shards between them.
  audit: {
    ...phase3.audit,
    managementEventsPerWorkloadRegionMonth: 5_000_000,
    s3DataEventsPerWorkloadRegionMonth: 15_000_000,
    configItemsPerWorkloadRegionMonth: 10_000,
    securityChecksPerWorkloadRegionMonth: 40_000,
  },
};

export const USAGE: Readonly<Record<PhaseNumber, UsageAssumptions>> = { 1: phase1, 2: phase2, 3: phase3, 4: phase4 };

export function usageFor(phase: PhaseNumber): UsageAssumptions {
  return USAGE[phase];
}
