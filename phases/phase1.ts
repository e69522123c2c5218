import { HealthCheckConfig, PhaseConfig, ServiceSizing } from "./types";
import { CLOUDFLARE_IPS } from "./cloudflare-ips";

/**
 * Phase 1 (now): one region, 1-10 clinics. Values from the design document unless a comment says
 * why they differ; README "Decisions" lists every such choice.
 */

const core: ServiceSizing = {
  cpu: 1024, // 1 vCPU
  memory: 2048, // 2 GB
  minInstances: 1,
  maxInstances: 5,
  maxConcurrency: 100,
  // The document's connection math uses a pool of 20 (its env list says DB_POOL_MAX 30, which
  // would need 5 x 30 + 45 + 10 = 205 connections, above 80% of 200). One setting: 20.
  dbPoolMax: 20,
};

/** The document's health check: /health over HTTP every 10 s, 5 s timeout, healthy 1, unhealthy 5. */
const healthCheck: HealthCheckConfig = {
  path: "/health",
  protocol: "HTTP",
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 1,
  unhealthyThreshold: 5,
};

export const phase1: PhaseConfig = {
  phase: 1,
  project: "restartix",
  environment: "production",
  secretsPrefix: "restartix/production",
  regions: [
    {
      key: "eu",
      region: "eu-central-1",
      primary: true,
      network: {
        name: "restartix-prod",
        logName: "restartix-prod",
        cidr: "10.0.0.0/16",
        azs: ["eu-central-1a", "eu-central-1b"],
        subnetNewBits: 4,
        natGateways: 1,
        connectorName: "restartix-vpc-connector",
      },
      cache: {
        id: "restartix-redis",
        nodeType: "cache.t4g.micro",
        engineVersion: "7.1",
        replicas: 0,
        port: 6379,
        // Redis holds only ephemeral data (booking holds, rate limits, idempotency keys).
        snapshotRetentionDays: 0,
      },
      // EU backups stay in the EU (GDPR): Ireland.
      backupRegion: "eu-west-1",
      // 01:00-01:30 / 02:00-02:30 Berlin (winter / summer); maintenance Sunday night after it.
      // The pg_dump (04:00 Berlin) runs after both in either season (a test checks every day).
      databaseWindows: { backup: "00:00-00:30", maintenance: "sun:00:45-sun:01:45" },
      shards: [],
    },
  ],
  database: {
    identifier: "restartix-prod",
    engineVersion: "17",
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 50,
    maxAllocatedStorageGb: 200,
    multiAz: true,
    backupRetentionDays: 7,
    monitoringIntervalSeconds: 60,
    performanceInsightsRetentionDays: 7,
    dbName: "restartix",
    masterUsername: "restartix_admin",
    port: 5432,
    parameters: {
      maxConnections: 200,
      // The document's 1 GB and 3 GB on db.t4g.medium (4 GB), as fractions of memory: the same
      // parameter group then fits db.r6g.large (16 GB) and xlarge (32 GB) when the class grows.
      sharedBuffersPercent: 25,
      effectiveCacheSizePercent: 75,
      workMemMb: 32,
      maintenanceWorkMemMb: 256,
      logMinDurationStatementMs: 1000,
    },
    readReplicas: [],
    backgroundConnections: 10,
  },
  services: {
    core: {
      key: "core",
      name: "restartix-core-api",
      dockerfile: "Dockerfile.api",
      ...core,
      // The document says PORT 9000 (service configuration) and 8080 (setup step 7, App Runner's
      // console default). 9000 is what the application is configured with.
      port: 9000,
      requestTimeoutSeconds: 30,
      healthCheck,
      env: { APP_ENV: "production", LOG_LEVEL: "info" },
      secretEnv: ["DATABASE_URL", "REDIS_URL", "CLERK_SECRET_KEY", "CLERK_WEBHOOK_SECRET", "DAILY_API_KEY", "ENCRYPTION_KEY"],
      subdomain: "api",
      uploadsAccess: true,
      outbound: [
        { name: "Clerk", port: 443 },
        { name: "Daily.co", port: 443 },
        // S3 goes through the gateway endpoint; Secrets Manager, X-Ray and the rest over the NAT.
        { name: "AWS APIs", port: 443 },
      ],
    },
    telemetry: {
      key: "telemetry",
      name: "restartix-telemetry-api",
      dockerfile: "Dockerfile.telemetry",
      cpu: 512,
      memory: 1024,
      minInstances: 1,
      maxInstances: 3,
      maxConcurrency: 200,
      dbPoolMax: 15,
      port: 4000,
      requestTimeoutSeconds: 10,
      // The document gives path, protocol, interval and timeout; the thresholds are App Runner's
      // defaults, which are also the core API's.
      healthCheck,
      env: { APP_ENV: "production", LOG_LEVEL: "info" },
      secretEnv: ["DATABASE_URL", "CLICKHOUSE_URL"],
      subdomain: "telemetry",
      uploadsAccess: false,
      outbound: [
        // CLICKHOUSE_URL is https://<host>.clickhouse.cloud:8443 (the document's secrets section).
        { name: "ClickHouse Cloud", port: 8443 },
        { name: "AWS APIs", port: 443 },
      ],
    },
  },
  registry: { untaggedExpireDays: 30, keepTaggedImages: 10 },
  storage: {
    uploadsBucket: "restartix-uploads-prod",
    accessLogsBucket: "restartix-access-logs-prod",
  },
  backups: {
    primaryBucket: "restartix-backups-primary",
    replicaBucket: "restartix-backups-replica",
    replicaRegion: "eu-west-1",
    objectLockDays: 30,
    transitionToInfrequentAccessDays: 30,
    transitionToGlacierDays: 90,
    expireDays: 365,
    // 04:00 Berlin is 02:00 or 03:00 UTC: after the RDS backup and maintenance windows above.
    schedule: "cron(0 4 * * ? *)",
    scheduleTimezone: "Europe/Berlin",
    maxRuntimeMinutes: 60,
    maxDumpAgeHours: 26,
    jobRepository: "restartix-backup-job",
    replicateAutomatedBackups: false,
  },
  credentialRotation: {
    // Monthly, 1st of the month 04:30 Berlin: after the RDS windows and after that day's pg_dump
    // started (04:00), so the dump of the 1st still holds the previous passwords' state.
    schedule: "cron(30 4 1 * ? *)",
    scheduleTimezone: "Europe/Berlin",
  },
  observability: {
    topicName: "restartix-alerts",
    dashboardName: "restartix-production",
    alarms: {
      errorRatePercent: 1,
      errorRateMinutes: 5,
      p99LatencyMs: 1000,
      latencyMinutes: 5,
      healthCheckFailures: 3,
      dbConnectionsFraction: 0.8,
      dbCpuPercent: 80,
      dbCpuMinutes: 10,
      dbFreeStorageGb: 10,
      monthlySpendUsd: 200,
    },
    budgetUsd: 200,
    budgetAlertPercents: [80, 100],
    logRetentionDays: 365,
    healthProbe: {
      // Every 5 minutes, 3 probes 5 s apart: about $10/month of canary runs per service instead of
      // a Route 53 check that keeps an instance active all month (docs/compute-and-observability.md).
      canaryIntervalMinutes: 5,
      probeSpacingSeconds: 5,
      canaryRuntime: "syn-nodejs-puppeteer-15.0",
      canaryMemoryMb: 960,
      artifactExpireDays: 30,
      route53Regions: ["us-east-1", "us-west-2", "eu-west-1"],
      // https://ip-ranges.amazonaws.com/ip-ranges.json, service ROUTE53_HEALTHCHECKS (retrieved 2026-11-30)
      route53CheckerIpv4: [
        "107.23.255.0/26",
        "54.243.31.192/26",
        "54.244.52.192/26",
        "54.245.168.0/26",
        "176.34.159.192/26",
        "54.228.16.0/26",
        "15.177.0.0/18",
      ],
    },
  },
  edge: {
    customRules: [
      {
        description: "Block HTTP methods the APIs never serve",
        expression: '(not http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"})',
        action: "block",
      },
    ],
    // Values a Cloudflare Free zone accepts (10 s period and timeout); raise them on Pro+.
    rateLimits: [
      {
        description: "Core API: 100 requests per 10 s per client IP",
        service: "core",
        expression: "true",
        requestsPerPeriod: 100,
        periodSeconds: 10,
        mitigationTimeoutSeconds: 10,
      },
    ],
    minTlsVersion: "1.2",
  },
  delivery: {
    workflowPath: ".github/workflows/deploy.yml",
    environmentName: "production",
    branch: "main",
    actionsSecrets: [],
  },
  fargate: {
    // Cloudflare's published ranges with their date: npm run cloudflare-ips refreshes them.
    cloudflareIpv4: [...CLOUDFLARE_IPS.ipv4],
    albName: "restartix-prod",
    clusterName: "restartix-prod",
    deregistrationDelaySeconds: 30,
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    // Docker's official image mirrored on ECR Public (pullable through the NAT without Docker Hub limits).
    tlsProxyImage: "public.ecr.aws/docker/library/caddy:2.8.4-alpine",
    runAsUser: "65534:65534",
  },
  originGuard: {
    headerName: "X-Origin-Verify",
    secretName: "origin-verify",
    valueLength: 48,
  },
  audit: {
    trailName: "restartix-audit",
    trailBucketPrefix: "restartix-cloudtrail",
    configBucketPrefix: "restartix-config",
    keyAlias: "restartix-audit",
    objectLockMode: "COMPLIANCE",
    retentionDays: 2192,
    transitionToGlacierDays: 90,
    logGroupName: "/aws/cloudtrail/restartix-audit",
    logRetentionDays: 365,
    guardDutyFindingFrequency: "FIFTEEN_MINUTES",
    metricNamespace: "CISBenchmark",
    alarmPeriodSeconds: 300,
    alertFindingSeverities: ["HIGH", "CRITICAL"],
    minGuardDutySeverity: 7,
  },
};
