import {
  AlarmThresholds,
  AuditConfig,
  BackupConfig,
  CacheConfig,
  CredentialRotationConfig,
  CustomWafRule,
  DatabaseConfig,
  DeliveryConfig,
  EdgeConfig,
  EnterpriseConfig,
  FargateConfig,
  GlobalRoutingConfig,
  HealthCheckConfig,
  HealthProbeConfig,
  NetworkConfig,
  ObservabilityConfig,
  OriginGuardConfig,
  OutboundDependency,
  PhaseConfig,
  PhaseNumber,
  PostgresParameters,
  QuotaKey,
  RateLimitConfig,
  ReadReplicaConfig,
  RegionConfig,
  RegistryConfig,
  ServiceConfig,
  ServiceSizing,
  ShardConfig,
  StorageConfig,
  TenantSize,
} from "../phases/types";
import { PHASE_CONFIGS } from "../phases";
import { Issues } from "./errors";
import { any, bool, checkKind, Kind, list, map, number, object, oneOf, optional, str, text, whole, fraction } from "./validate-shape";

/**
 * The kind of every setting of a phase (PhaseConfig). `number()` marks a number whose range another
 * check holds (validatePhase, validatePhaseFormats, the sizing checks); the ranges written here are
 * the ones nothing else checks, each from the service's documented limit. Strings whose format is
 * checked elsewhere (CIDRs, schedules, time zones, bucket and DNS names) are only strings here.
 */

/** CloudWatch Logs accepts only these retention periods (PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** The regions Route 53 health checkers run in (HealthCheckRegion). */
const ROUTE53_CHECKER_REGIONS = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
];
/** PostgreSQL's integer settings in kB top out at 2147483647 kB (about 2 TB). */
const PG_MAX_MB = 2097151;

const SERVICE_SIZING_FIELDS = {
  cpu: number(),
  memory: number(),
  minInstances: number(),
  maxInstances: number(),
  maxConcurrency: number(),
  dbPoolMax: number(),
} as const;
/** A service's sizing, written whole in phases/tenants/*.json: nothing else belongs in it. */
export const SERVICE_SIZING: Kind = object<ServiceSizing>("a service's sizing", SERVICE_SIZING_FIELDS);
/** The fields a service config has beyond its sizing (a Record, so the compiler keeps the list whole). */
const SERVICE_ONLY: Record<Exclude<keyof ServiceConfig, keyof ServiceSizing>, true> = {
  key: true,
  name: true,
  dockerfile: true,
  port: true,
  requestTimeoutSeconds: true,
  healthCheck: true,
  env: true,
  secretEnv: true,
  subdomain: true,
  uploadsAccess: true,
  outbound: true,
};
/** A cell's sizing in a phase file, where TypeScript accepts a whole service config (its other fields are not read). */
const CELL_SIZING: Kind = object<ServiceSizing>("a service's sizing", SERVICE_SIZING_FIELDS, Object.keys(SERVICE_ONLY));

const network = object<NetworkConfig>("a region's network", {
  name: str(),
  logName: str(
    /^[.\-_/#A-Za-z0-9]{1,400}$/,
    "letters, digits and . - _ / # (it names the flow log group /aws/vpc/<logName>/flow-logs)",
    '"restartix-prod"',
  ),
  cidr: str(),
  azs: list(str()),
  subnetNewBits: number(),
  natGateways: number(),
  connectorName: str(
    /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/,
    "an App Runner VPC connector name: 4-40 letters, digits, hyphens and underscores",
    '"restartix-vpc-connector"',
  ),
});

const cache = object<CacheConfig>("a region's cache", {
  id: str(
    /^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$/,
    "an ElastiCache replication group id: 1-40 lower-case letters, digits and single hyphens, starting with a letter",
    '"restartix-redis"',
  ),
  nodeType: str(),
  engineVersion: str(),
  replicas: number(),
  port: whole(1, 65535, "a TCP port"),
  snapshotRetentionDays: number(),
});

const region = object<RegionConfig>("a region", {
  key: str(),
  region: str(),
  primary: bool(),
  network,
  cache,
  backupRegion: str(),
  databaseWindows: object<RegionConfig["databaseWindows"]>("the RDS windows", { backup: str(), maintenance: str() }),
  shards: list(
    object<ShardConfig>("a shard", {
      id: str(),
      slot: optional(number()),
      instanceClass: str(),
      allocatedStorageGb: number(),
      maxAllocatedStorageGb: number(),
      service: CELL_SIZING,
    }),
  ),
});

const parameters = object<PostgresParameters>("the PostgreSQL parameters", {
  maxConnections: number(),
  sharedBuffersPercent: number(),
  effectiveCacheSizePercent: number(),
  workMemMb: whole(1, PG_MAX_MB, "PostgreSQL's work_mem, per sort or hash of each query"),
  maintenanceWorkMemMb: whole(1, PG_MAX_MB, "PostgreSQL's maintenance_work_mem"),
  logMinDurationStatementMs: whole(0, 2147483647, "log_min_duration_statement; 0 logs every statement"),
});

const database = object<DatabaseConfig>("the database", {
  identifier: str(),
  engineVersion: str(),
  instanceClass: str(),
  allocatedStorageGb: number(),
  maxAllocatedStorageGb: number(),
  multiAz: bool(),
  backupRetentionDays: number(),
  monitoringIntervalSeconds: number(),
  performanceInsightsRetentionDays: number(),
  dbName: str(),
  masterUsername: str(),
  port: number(),
  parameters,
  readReplicas: list(object<ReadReplicaConfig>("a read replica", { id: str(), instanceClass: str(), az: str() })),
  backgroundConnections: whole(0, 5000, "connections of background jobs, counted against max_connections"),
});

const healthCheck = object<HealthCheckConfig>("a health check", {
  path: str(),
  protocol: oneOf(["HTTP", "TCP"]),
  intervalSeconds: number(),
  timeoutSeconds: number(),
  healthyThreshold: number(),
  unhealthyThreshold: number(),
});

const service = object<ServiceConfig>("a service", {
  ...SERVICE_SIZING_FIELDS,
  key: oneOf(["core", "telemetry"]),
  name: str(),
  dockerfile: str(),
  port: number(),
  requestTimeoutSeconds: whole(1, 120, "App Runner ends every request at 120 s"),
  healthCheck,
  env: map(text()),
  secretEnv: list(str()),
  subdomain: str(),
  uploadsAccess: bool(),
  outbound: list(object<OutboundDependency>("an outbound dependency", { name: any(), port: number() })),
});

const backups = object<BackupConfig>("the backups", {
  primaryBucket: str(),
  replicaBucket: str(),
  replicaRegion: str(),
  objectLockDays: number(),
  transitionToInfrequentAccessDays: number(),
  transitionToGlacierDays: number(),
  expireDays: number(),
  schedule: str(),
  scheduleTimezone: str(),
  maxRuntimeMinutes: number(),
  maxDumpAgeHours: number(),
  jobRepository: str(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    "an ECR repository name: lower-case letters and digits, separated by . _ - or /",
    '"restartix-backup-job"',
  ),
  replicateAutomatedBackups: bool(),
});

const alarms = object<AlarmThresholds>("the alarm thresholds", {
  errorRatePercent: number(),
  errorRateMinutes: whole(1, 1440, "CloudWatch evaluates 1-minute periods over at most a day"),
  p99LatencyMs: whole(1, 120000, "App Runner ends a request at 120 s"),
  latencyMinutes: whole(1, 1440, "CloudWatch evaluates 1-minute periods over at most a day"),
  healthCheckFailures: whole(1, 10, "consecutive failed probes"),
  dbConnectionsFraction: number(),
  dbCpuPercent: fraction(1, 100, "a share of the instance's CPU"),
  dbCpuMinutes: whole(1, 1440, "CloudWatch evaluates 1-minute periods over at most a day"),
  dbFreeStorageGb: whole(1, 65536, "RDS gp3 holds at most 65536 GB"),
  monthlySpendUsd: fraction(1, 10_000_000, "US dollars a month"),
});

const healthProbe = object<HealthProbeConfig>("the health probe", {
  canaryIntervalMinutes: whole(1, 60, "a Synthetics schedule rate(N minutes) runs every 1 to 60 minutes"),
  probeSpacingSeconds: whole(1, 60, "the probes of one run must fit its timeout"),
  canaryRuntime: str(
    /^syn-[a-z0-9-]+-\d+\.\d+$/,
    "a CloudWatch Synthetics runtime version such as syn-nodejs-puppeteer-15.0",
    '"syn-nodejs-puppeteer-15.0"',
  ),
  canaryMemoryMb: whole(960, 3008, "CloudWatch Synthetics: MemoryInMB 960-3008, a multiple of 64", 64),
  artifactExpireDays: whole(1, 36500, "S3 lifecycle expiry counts from 1 day"),
  route53Regions: list(oneOf(ROUTE53_CHECKER_REGIONS), 3),
  route53CheckerIpv4: list(str()),
});

const observability = object<ObservabilityConfig>("observability", {
  topicName: str(/^[A-Za-z0-9_-]{1,256}$/, "an SNS topic name: 1-256 letters, digits, hyphens and underscores", '"restartix-alerts"'),
  dashboardName: str(
    /^[A-Za-z0-9_-]{1,255}$/,
    "a CloudWatch dashboard name: letters, digits, hyphens and underscores",
    '"restartix-production"',
  ),
  alarms,
  budgetUsd: number(),
  budgetAlertPercents: list(number()),
  logRetentionDays: number(),
  healthProbe,
});

const edge = object<EdgeConfig>("the edge (Cloudflare)", {
  customRules: list(
    object<CustomWafRule>("a WAF custom rule", {
      description: str(),
      expression: str(),
      action: oneOf(["block", "managed_challenge", "js_challenge", "log"]),
    }),
  ),
  rateLimits: list(
    object<RateLimitConfig>("a rate limit", {
      description: str(),
      service: oneOf(["core", "telemetry"]),
      expression: str(),
      requestsPerPeriod: number(),
      periodSeconds: number(),
      mitigationTimeoutSeconds: whole(0, 86400, "Cloudflare blocks for at most a day"),
    }),
  ),
  minTlsVersion: oneOf(["1.2", "1.3"]),
});

const quotaKeys: Record<QuotaKey, true> = {
  apprunnerAutoScalingConfigurations: true,
  apprunnerVpcConnectors: true,
  apprunnerServices: true,
  rdsDbInstances: true,
  rdsParameterGroups: true,
  rdsSubnetGroups: true,
  iamRoles: true,
  securityGroupsPerRegion: true,
  rulesPerSecurityGroup: true,
  eventRulesPerBus: true,
  targetGroupsPerAlb: true,
  listenerRulesPerAlb: true,
  certificatesPerAlb: true,
  albsPerRegion: true,
  fargateOnDemandVcpu: true,
};
const quotas = object<Partial<Record<QuotaKey, number>>>(
  "the granted quotas",
  Object.fromEntries(Object.keys(quotaKeys).map((k) => [k, optional(whole(1, 1_000_000, "a quota Service Quotas granted"))])) as Record<
    QuotaKey,
    Kind & { optional: true }
  >,
);

/** The kinds of PhaseConfig: the compiler keeps this list in step with phases/types.ts. */
const PHASE_KINDS: Kind = object<PhaseConfig>("a phase", {
  phase: oneOf([1, 2, 3, 4]),
  project: str(),
  environment: str(),
  secretsPrefix: str(),
  regions: list(region, 1),
  database,
  services: object<PhaseConfig["services"]>("the services", { core: service, telemetry: service }),
  registry: object<RegistryConfig>("the image registry", { untaggedExpireDays: number(), keepTaggedImages: number() }),
  storage: object<StorageConfig>("the storage", { uploadsBucket: str(), accessLogsBucket: str(), createUploadsBucket: optional(bool()) }),
  backups,
  credentialRotation: object<CredentialRotationConfig>("the credential rotation", { schedule: str(), scheduleTimezone: str() }),
  observability,
  edge,
  delivery: object<DeliveryConfig>("the delivery", {
    workflowPath: str(
      /^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/,
      "a workflow file under .github/workflows/ (.yml or .yaml)",
      '".github/workflows/deploy.yml"',
    ),
    environmentName: str(),
    branch: str(),
    actionsSecrets: list(
      str(/^[A-Z_][A-Z0-9_]*$/, "a GitHub Actions secret name: upper-case letters, digits and _, not starting with a digit", '"API_KEY"'),
    ),
  }),
  fargate: object<FargateConfig>("Fargate", {
    cloudflareIpv4: list(str(), 1),
    albName: str(
      /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/,
      "a load balancer name: 1-32 letters, digits and hyphens, not starting or ending with a hyphen",
      '"restartix-prod"',
    ),
    clusterName: str(/^[A-Za-z0-9_-]{1,255}$/, "an ECS cluster name: letters, digits, hyphens and underscores", '"restartix-prod"'),
    deregistrationDelaySeconds: whole(0, 3600, "an ALB target group's deregistration delay is 0-3600 s"),
    sslPolicy: str(/^ELBSecurityPolicy-/, "an ELB security policy name (ELBSecurityPolicy-...)", '"ELBSecurityPolicy-TLS13-1-2-2021-06"'),
    tlsProxyImage: str(
      /^[a-z0-9.-]+(?:\/[a-z0-9._-]+)+(?::(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/,
      "an image with a fixed tag or digest (not :latest), e.g. public.ecr.aws/docker/library/caddy:2.8.4-alpine",
      '"public.ecr.aws/docker/library/caddy:2.8.4-alpine"',
    ),
    runAsUser: str(/^(?!0(:|$))\d+(:\d+)?$/, 'a non-root numeric uid, or "uid:gid" (0 is root)', '"65534:65534"'),
  }),
  audit: object<AuditConfig>("the audit", {
    trailName: str(
      /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/,
      "a CloudTrail trail name: 3-128 letters, digits, . _ -, starting with a letter or digit",
      '"restartix-audit"',
    ),
    trailBucketPrefix: str(),
    configBucketPrefix: str(),
    keyAlias: str(),
    objectLockMode: oneOf(["COMPLIANCE", "GOVERNANCE"]),
    retentionDays: whole(2192, 36500, "HIPAA keeps required documentation six years: 2192 days"),
    transitionToGlacierDays: whole(1, 36500, "S3 lifecycle transitions count from 1 day"),
    logGroupName: str(
      /^[.\-_/#A-Za-z0-9]{1,512}$/,
      "a CloudWatch log group name: letters, digits and . - _ / #",
      '"/aws/cloudtrail/restartix-audit"',
    ),
    logRetentionDays: oneOf(LOG_RETENTION_DAYS),
    guardDutyFindingFrequency: oneOf(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]),
    metricNamespace: str(/^(?!AWS\/)[^:]{1,255}$/, "a CloudWatch namespace (not AWS/..., which AWS keeps; no colon)", '"CISBenchmark"'),
    alarmPeriodSeconds: whole(60, 86400, "the CIS metrics are standard resolution: a period of whole minutes", 60),
    alertFindingSeverities: list(oneOf(["LOW", "MEDIUM", "HIGH", "CRITICAL"]), 1),
    minGuardDutySeverity: fraction(1, 10, "GuardDuty severities run from 1 to 10 (7 is HIGH)"),
  }),
  enterprise: optional(
    object<EnterpriseConfig>("the enterprise tier", {
      registryFile: str(/^[a-z0-9-]+\.json$/, "a file name under phases/tenants/ ending in .json", '"phase3.json"'),
      sizes: map(
        object<TenantSize>("a tenant size", {
          instanceClass: str(),
          allocatedStorageGb: number(),
          maxAllocatedStorageGb: number(),
          service: CELL_SIZING,
        }),
      ),
      defaultSize: str(),
    }),
  ),
  globalRouting: optional(object<GlobalRoutingConfig>("global routing", { tableName: str(), workerName: str(), defaultRegionKey: str() })),
  originGuard: object<OriginGuardConfig>("the origin guard", {
    headerName: str(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "an HTTP header name (letters, digits, dashes)", '"X-Origin-Verify"'),
    secretName: str(),
    valueLength: whole(32, 4096, "a value shorter than 32 characters can be guessed; Secrets Manager generates at most 4096"),
  }),
  quotas: optional(quotas),
});

/**
 * The kinds of a phase's settings; false when a value is not even of its kind (missing, another
 * type, an unknown field), and validatePhase then stops: its checks read the values as their types.
 * A value a later phase inherits (`...phase1`) is named with the file that writes it.
 */
export function validatePhaseKinds(config: PhaseConfig, issues: Issues): boolean {
  // Named after the phase the file says, even when that is written wrong ("2" names phase2).
  const phase = [1, 2, 3, 4].includes(Number(config?.phase)) ? Number(config.phase) : "?";
  const found = new Issues();
  const ok = checkKind(config, PHASE_KINDS, `phase${phase}`, `phase${phase}`, found);
  for (const i of found.all) {
    const file = typeof phase === "number" ? writtenIn(config, phase as PhaseNumber, i.field) : undefined;
    issues.add(file ? `${i.field} (${file})` : i.field, i.value, i.problem, i.fix);
  }
  return ok;
}

/**
 * The phase file that writes the value at `field` (phaseN.a.b[0].c) of `config`: the earliest phase
 * whose object holding it is the very same object (a later phase spreads it in unchanged).
 * undefined when it is phase N's own (or `config` is not the loaded phase, as in tests of copies).
 */
function writtenIn(config: PhaseConfig, phase: PhaseNumber, field: string): string | undefined {
  if (PHASE_CONFIGS[phase] !== config) return undefined;
  const segments = field
    .replace(/^phase\d\.?/, "")
    .split(/\.|\[(\d+)\]/)
    .filter((x) => x !== undefined && x !== "");
  const parentIn = (root: unknown): unknown =>
    segments
      .slice(0, -1)
      .reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), root);
  const parent = parentIn(config);
  if (parent === null || typeof parent !== "object") return undefined;
  for (const earlier of [1, 2, 3, 4] as const) {
    if (earlier >= phase) break;
    if (parentIn(PHASE_CONFIGS[earlier]) === parent) return `phases/phase${earlier}.ts`;
  }
  return undefined;
}
