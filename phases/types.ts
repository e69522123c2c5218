/**
 * The typed shape of a phase. Every number and name from the design document lives in a value of
 * this type (phases/phase1.ts .. phase4.ts); stacks and modules receive these values and never
 * hard-code them.
 *
 * The build type-checks a phase file when it changes (scripts/build.js), and every synth checks each
 * setting's kind and limits at run time (config/validate-phase-kinds.ts), so a wrong value is one
 * line naming the file, the field, the value and the fix. A field added here needs its kind there:
 * the compiler refuses the kinds list until it has one.
 */

export type PhaseNumber = 1 | 2 | 3 | 4;
export const PHASES: readonly PhaseNumber[] = [1, 2, 3, 4];

export type ComputeEngine = "apprunner" | "fargate";
export type BackendKind = "s3" | "cloud" | "local";
export type ServiceKey = "core" | "telemetry";

/** One VPC: the document's "restartix-prod" network. */
export interface NetworkConfig {
  /** VPC name tag, e.g. restartix-prod. A tag only: it may change between phases (updated in place). */
  readonly name: string;
  /**
   * Prefix of the VPC's named resources: the flow log group `/aws/vpc/<logName>/flow-logs` and its
   * delivery role. Fixed at the first deploy and never changed: a log group cannot be renamed, so a
   * new name replaces it and deletes the flow logs it holds (the rehearsal of phase 3 -> 4 found the
   * rename of the VPC doing exactly that).
   */
  readonly logName: string;
  /** IPv4 CIDR of the VPC, e.g. 10.0.0.0/16. */
  readonly cidr: string;
  /** Availability zones by name (no data source: plans run offline). At least 2 (RDS Multi-AZ). */
  readonly azs: readonly string[];
  /** Bits added to the VPC prefix for each subnet (4: a /16 VPC gets /20 subnets). */
  readonly subnetNewBits: number;
  /** NAT gateways; the document runs 1 ("saves cost, sufficient for Phase 1"). */
  readonly natGateways: number;
  /** Name of the App Runner VPC connector. */
  readonly connectorName: string;
}

/** PostgreSQL parameter group values in human units; modules convert to RDS units. */
export interface PostgresParameters {
  readonly maxConnections: number;
  /**
   * shared_buffers as a percentage of the instance class's memory: an RDS formula
   * ({DBInstanceClassMemory*P/819200}, in 8 kB pages), so it scales when the class changes. 25 gives
   * the document's 1 GB on db.t4g.medium (4 GB).
   */
  readonly sharedBuffersPercent: number;
  /** effective_cache_size as a percentage of the class's memory (75: the document's 3 GB on 4 GB). */
  readonly effectiveCacheSizePercent: number;
  readonly workMemMb: number;
  readonly maintenanceWorkMemMb: number;
  /** Statements slower than this are logged (CKV2_AWS_30). */
  readonly logMinDurationStatementMs: number;
}

export interface ReadReplicaConfig {
  /** Short fixed id, part of the construct ID and the RDS identifier: never rename. */
  readonly id: string;
  readonly instanceClass: string;
  readonly az: string;
}

export interface DatabaseConfig {
  /** RDS identifier (stateful name: never rename). */
  readonly identifier: string;
  /** Major engine version; minor versions upgrade automatically. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  readonly dbName: string;
  readonly masterUsername: string;
  readonly port: number;
  readonly parameters: PostgresParameters;
  readonly readReplicas: readonly ReadReplicaConfig[];
  /** Connections held by background jobs and monitoring, for the connection math. */
  readonly backgroundConnections: number;
}

export interface CacheConfig {
  /** ElastiCache replication group id (stateful name: never rename). */
  readonly id: string;
  readonly nodeType: string;
  readonly engineVersion: string;
  readonly replicas: number;
  readonly port: number;
  readonly snapshotRetentionDays: number;
}

export interface HealthCheckConfig {
  readonly path: string;
  readonly protocol: "HTTP" | "TCP";
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** Sizing of one service: the values an App Runner service and a Fargate service share. */
export interface ServiceSizing {
  /** CPU in vCPU units of 1024 (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory in MiB. */
  readonly memory: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Requests per instance before scaling up. */
  readonly maxConcurrency: number;
  /** Database pool size per instance (DB_POOL_MAX and the connection math). */
  readonly dbPoolMax: number;
}

/**
 * Something a service calls outside the VPC, through the NAT gateway. Its security group opens
 * exactly these ports (to any address: SaaS endpoints have no fixed ranges), nothing else.
 */
export interface OutboundDependency {
  /** What is called, for the rule's description (Clerk, ClickHouse Cloud, AWS APIs). */
  readonly name: string;
  /** TCP port. */
  readonly port: number;
}

export interface ServiceConfig extends ServiceSizing {
  readonly key: ServiceKey;
  /** Service name, also the ECR repository name. */
  readonly name: string;
  readonly dockerfile: string;
  /** Container port (App Runner injects it as PORT). */
  readonly port: number;
  /** Request timeout of the document; App Runner's is fixed at 120 s, Fargate uses it on the ALB. */
  readonly requestTimeoutSeconds: number;
  readonly healthCheck: HealthCheckConfig;
  /** Plain (non-secret) environment variables. DB_POOL_MAX is derived from dbPoolMax. */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the variables injected from Secrets Manager. */
  readonly secretEnv: readonly string[];
  /** Public hostname label under the deployment's domain (api -> api.<domain>). */
  readonly subdomain: string;
  /** Whether the service reads and writes patient files (S3_BUCKET, S3_REGION, bucket access). */
  readonly uploadsAccess: boolean;
  /** What the service reaches on the internet, and on which port: its egress rules. */
  readonly outbound: readonly OutboundDependency[];
}

export interface RegistryConfig {
  readonly untaggedExpireDays: number;
  readonly keepTaggedImages: number;
}

export interface StorageConfig {
  /** The existing patient-files bucket: adopted with an import block, never created. */
  readonly uploadsBucket: string;
  /** Server access logs of the data buckets land here. */
  readonly accessLogsBucket: string;
  /**
   * Create the primary region's uploads bucket (named "<uploadsBucket>-<account id>", SSE-KMS)
   * instead of adopting the existing one: staging, which has no bucket to adopt.
   * @default false
   */
  readonly createUploadsBucket?: boolean;
}

export interface BackupConfig {
  readonly primaryBucket: string;
  readonly replicaBucket: string;
  /** Region of the replica bucket: kept in the EU so EU patient data never leaves it. */
  readonly replicaRegion: string;
  /** Object Lock retention (compliance mode) of each dump. */
  readonly objectLockDays: number;
  readonly transitionToInfrequentAccessDays: number;
  readonly transitionToGlacierDays: number;
  readonly expireDays: number;
  /** EventBridge Scheduler expression of the daily pg_dump: cron(M H * * ? *), local time of scheduleTimezone. */
  readonly schedule: string;
  readonly scheduleTimezone: string;
  /** The dump is killed (and alarms) after this long; the schedule keeps this far from the RDS windows. */
  readonly maxRuntimeMinutes: number;
  /** Alarm when no dump has completed for this many hours (one missed day plus slack: 26). */
  readonly maxDumpAgeHours: number;
  /** ECR repository of the dump image (backup/Dockerfile: pg_dump, openssl, aws-cli). */
  readonly jobRepository: string;
  /** Phase 4: replicate RDS automated backups to each region's backup region. */
  readonly replicateAutomatedBackups: boolean;
}

/** The monthly rotation of the applications' database logins (modules/db-rotation.ts). */
export interface CredentialRotationConfig {
  /** EventBridge Scheduler cron, local time of scheduleTimezone: after the daily dump of that day. */
  readonly schedule: string;
  readonly scheduleTimezone: string;
}

export interface AlarmThresholds {
  /** 5xx responses as % of requests. */
  readonly errorRatePercent: number;
  readonly errorRateMinutes: number;
  readonly p99LatencyMs: number;
  readonly latencyMinutes: number;
  /** Consecutive failed health checks. */
  readonly healthCheckFailures: number;
  /** Fraction of max_connections that raises the connections alarm (160 of 200). */
  readonly dbConnectionsFraction: number;
  readonly dbCpuPercent: number;
  readonly dbCpuMinutes: number;
  readonly dbFreeStorageGb: number;
  readonly monthlySpendUsd: number;
}

/**
 * How the "> 3 consecutive health check failures" alarm probes App Runner services. The deployment
 * input health_probe picks the probe: "canary" (CloudWatch Synthetics, the default) or "route53".
 */
export interface HealthProbeConfig {
  /** Minutes between two canary runs; each run probes `healthCheckFailures` times. */
  readonly canaryIntervalMinutes: number;
  /** Seconds between the probes of one run: a run fails when every probe of it fails (consecutive failures). */
  readonly probeSpacingSeconds: number;
  /** CloudWatch Synthetics runtime of the canaries (Node.js; check its deprecation date yearly). */
  readonly canaryRuntime: string;
  /** Memory of a canary run (Synthetics' minimum is 960 MB). */
  readonly canaryMemoryMb: number;
  /** Days the canary artifacts (logs, HAR files) stay in the artifacts bucket. */
  readonly artifactExpireDays: number;
  /** Route 53 option: the checker regions (at least 3); the WAF admits only their published ranges. */
  readonly route53Regions: readonly string[];
  /** ROUTE53_HEALTHCHECKS ranges of those regions in AWS's ip-ranges.json (and the global 15.177.0.0/18). */
  readonly route53CheckerIpv4: readonly string[];
}

/**
 * The origin guard: every App Runner default domain and the Fargate ALB admit only requests that
 * carry a secret header Cloudflare adds (a transform rule), plus the health probe in use.
 */
export interface OriginGuardConfig {
  /** Header Cloudflare sets and the WAF web ACLs require. */
  readonly headerName: string;
  /** Secret (under secretsPrefix) holding the value, generated by Secrets Manager. */
  readonly secretName: string;
  /** Characters of the generated value (letters and digits). */
  readonly valueLength: number;
}

/** Per-region and per-account AWS quotas the layout can reach (policy/quotas.ts checks them at synth). */
export type QuotaKey =
  | "apprunnerAutoScalingConfigurations"
  | "apprunnerVpcConnectors"
  | "apprunnerServices"
  | "rdsDbInstances"
  | "rdsParameterGroups"
  | "rdsSubnetGroups"
  | "iamRoles"
  | "securityGroupsPerRegion"
  | "rulesPerSecurityGroup"
  | "eventRulesPerBus"
  | "targetGroupsPerAlb"
  | "listenerRulesPerAlb"
  | "certificatesPerAlb"
  | "albsPerRegion"
  | "fargateOnDemandVcpu";

export interface ObservabilityConfig {
  readonly topicName: string;
  readonly dashboardName: string;
  readonly alarms: AlarmThresholds;
  readonly budgetUsd: number;
  readonly budgetAlertPercents: readonly number[];
  readonly logRetentionDays: number;
  readonly healthProbe: HealthProbeConfig;
}

export type CutoverTarget = "railway" | "aws";

export interface RateLimitConfig {
  readonly description: string;
  /** Service whose hostname the limit applies to. */
  readonly service: ServiceKey;
  /** Further Cloudflare rules-language condition on the requests counted ("true" for all). */
  readonly expression: string;
  readonly requestsPerPeriod: number;
  readonly periodSeconds: number;
  readonly mitigationTimeoutSeconds: number;
}

export interface CustomWafRule {
  readonly description: string;
  readonly expression: string;
  readonly action: "block" | "managed_challenge" | "js_challenge" | "log";
}

export interface EdgeConfig {
  readonly customRules: readonly CustomWafRule[];
  readonly rateLimits: readonly RateLimitConfig[];
  readonly minTlsVersion: "1.2" | "1.3";
}

export interface DeliveryConfig {
  readonly workflowPath: string;
  readonly environmentName: string;
  readonly branch: string;
  /** Names of GitHub Actions secrets the app repository needs, each fed by a sensitive variable. */
  readonly actionsSecrets: readonly string[];
}

/** Sizing presets for enterprise tenants (`npm run tenant -- add --size`). */
export interface TenantSize {
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly service: ServiceSizing;
}

export interface EnterpriseConfig {
  /** Registry file under phases/tenants/. */
  readonly registryFile: string;
  readonly sizes: Readonly<Record<string, TenantSize>>;
  readonly defaultSize: string;
}

/** A dedicated service + database: an enterprise tenant or a phase 4 shard. */
export interface CellSpec {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly kind: "tenant" | "shard";
  /**
   * Being removed (`npm run tenant -- remove`): protection comes off so `cdktf destroy` can run;
   * the final snapshot stays.
   * @default false
   */
  readonly decommission?: boolean;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly service: ServiceSizing;
  /**
   * Fargate: the cell's place on its region's cell gateways (stacks/gateways.ts): gateway
   * ceil(slot / CELLS_PER_GATEWAY), listener rule priority = slot. Fixed for life, unique per region:
   * shards 1-10 (phases/phase4.ts), tenants from 11 (`npm run tenant -- add` records it).
   * @default - none: required on Fargate (validation refuses the cell without one); unused on App Runner
   */
  readonly slot?: number;
}

export interface ShardConfig {
  /** eu-2, us-1, ...: stack shard-<id>; EU-1 is the shared tier itself. */
  readonly id: string;
  /**
   * See CellSpec.slot: 1-10, fixed here (required when cells run on Fargate).
   * @default - none: required when cells run on Fargate (validation refuses the shard without one)
   */
  readonly slot?: number;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly service: ServiceSizing;
}

export interface RegionConfig {
  /** Short key used in stack names of secondary regions (network-us). */
  readonly key: string;
  readonly region: string;
  readonly primary: boolean;
  readonly network: NetworkConfig;
  /** Redis of this region (the primary region's is the shared tier cache). */
  readonly cache: CacheConfig;
  /** Region that receives this region's cross-region backups (layer 3) and its patient-file replica. */
  readonly backupRegion: string;
  /**
   * The RDS windows of every database in the region, in UTC: the daily automated backup
   * ("hh:mm-hh:mm", at least 30 minutes) and the weekly maintenance ("ddd:hh:mm-ddd:hh:mm"). They
   * must not overlap each other, and the daily pg_dump (primary region) must stay clear of both.
   */
  readonly databaseWindows: { readonly backup: string; readonly maintenance: string };
  readonly shards: readonly ShardConfig[];
}

export interface GlobalRoutingConfig {
  readonly tableName: string;
  readonly workerName: string;
  /** Region key served when an organization is unknown or its region is down. */
  readonly defaultRegionKey: string;
}

export interface FargateConfig {
  /** Cloudflare's published IP ranges: the only sources allowed into the ALB. */
  readonly cloudflareIpv4: readonly string[];
  readonly albName: string;
  readonly clusterName: string;
  readonly deregistrationDelaySeconds: number;
  /** TLS policy of the HTTPS listener. */
  readonly sslPolicy: string;
  /**
   * The TLS sidecar each task runs so the ALB reaches it over HTTPS (the applications speak plain
   * HTTP): Caddy from ECR Public with its internal CA. It listens on the service port + 443.
   */
  readonly tlsProxyImage: string;
  /** Task-wide user of both containers (a non-root uid; the images' own files stay readable). */
  readonly runAsUser: string;
}

/** Account-level audit and detection (the audit stack). */
export interface AuditConfig {
  /** The multi-region CloudTrail trail. */
  readonly trailName: string;
  /** Bucket names are global: the account id completes these prefixes (restartix-cloudtrail-<account>). */
  readonly trailBucketPrefix: string;
  readonly configBucketPrefix: string;
  /** Alias of the audit key (its own key: see stacks/audit.ts). */
  readonly keyAlias: string;
  /**
   * Object Lock mode of the trail bucket. COMPLIANCE: nobody, root included, can delete or shorten a
   * log file's retention; GOVERNANCE: principals with s3:BypassGovernanceRetention can.
   */
  readonly objectLockMode: "COMPLIANCE" | "GOVERNANCE";
  /**
   * Days each log file (and each Config snapshot) is kept: HIPAA keeps required documentation six
   * years (45 CFR 164.316(b)(2)(i)); 2192 days = 6 x 365 + 2 leap days. Also the Object Lock retention.
   */
  readonly retentionDays: number;
  /** Days before log files move to S3 Glacier Flexible Retrieval. */
  readonly transitionToGlacierDays: number;
  /** CloudWatch Logs copy of the trail: what the CIS metric filters read (the S3 copy is the record). */
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  readonly guardDutyFindingFrequency: "FIFTEEN_MINUTES" | "ONE_HOUR" | "SIX_HOURS";
  /** CloudWatch namespace of the CIS metric filters' metrics. */
  readonly metricNamespace: string;
  /** Period of the CIS alarms; each fires on one matching event in a period. */
  readonly alarmPeriodSeconds: number;
  /**
   * Security Hub severity labels of the findings mailed to restartix-alerts (GuardDuty's findings
   * arrive through Security Hub; with Security Hub left to the organization, GuardDuty's own
   * findings of at least `minGuardDutySeverity` are mailed instead).
   */
  readonly alertFindingSeverities: readonly ("LOW" | "MEDIUM" | "HIGH" | "CRITICAL")[];
  /** GuardDuty severity (1-10) from which a finding is mailed when Security Hub is not managed here: 7 is HIGH. */
  readonly minGuardDutySeverity: number;
}

export interface PhaseConfig {
  readonly phase: PhaseNumber;
  readonly project: string;
  readonly environment: string;
  /** Prefix of the Secrets Manager secrets (restartix/production). */
  readonly secretsPrefix: string;
  readonly regions: readonly RegionConfig[];
  /** The shared tier's primary database (shard EU-1 in phase 4). */
  readonly database: DatabaseConfig;
  readonly services: Readonly<Record<ServiceKey, ServiceConfig>>;
  readonly registry: RegistryConfig;
  readonly storage: StorageConfig;
  readonly backups: BackupConfig;
  readonly credentialRotation: CredentialRotationConfig;
  readonly observability: ObservabilityConfig;
  readonly edge: EdgeConfig;
  readonly delivery: DeliveryConfig;
  readonly fargate: FargateConfig;
  readonly audit: AuditConfig;
  /** @default - no enterprise tenants (phases 1 and 2) */
  readonly enterprise?: EnterpriseConfig;
  /** @default - no global routing: no routing stack, no Worker (phases 1 to 3) */
  readonly globalRouting?: GlobalRoutingConfig;
  readonly originGuard: OriginGuardConfig;
  /**
   * Quota values this account has been granted above AWS's defaults (policy/quotas.ts lists the
   * defaults). Raise one here only after Service Quotas shows the increase: the synth-time check
   * compares the layout with these values. @default - AWS's default quotas
   */
  readonly quotas?: Readonly<Partial<Record<QuotaKey, number>>>;
}
