/** Allowed values that validation checks against: one list each, with where it comes from. */

/** Regions this project may deploy to (App Runner, RDS, ElastiCache and ECR all exist there). */
export const ALLOWED_REGIONS: readonly string[] = [
  "eu-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-north-1",
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
];

/** RDS PostgreSQL classes sized for this workload (burstable for phase 1, memory-optimized later). */
export const DB_INSTANCE_CLASSES: readonly string[] = [
  "db.t4g.medium",
  "db.t4g.large",
  "db.t4g.xlarge",
  "db.r6g.large",
  "db.r6g.xlarge",
  "db.r6g.2xlarge",
  "db.r6g.4xlarge",
  "db.r7g.large",
  "db.r7g.xlarge",
  "db.r7g.2xlarge",
  "db.r7g.4xlarge",
];

export const POSTGRES_MAJOR_VERSIONS: readonly string[] = ["16", "17"];

export const CACHE_NODE_TYPES: readonly string[] = [
  "cache.t4g.micro",
  "cache.t4g.small",
  "cache.t4g.medium",
  "cache.r7g.large",
  "cache.r7g.xlarge",
];

export const REDIS_ENGINE_VERSIONS: readonly string[] = ["7.0", "7.1"];

/** App Runner's accepted CPU (units) -> memory (MiB) pairs. */
export const APPRUNNER_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024],
  512: [1024],
  1024: [2048, 3072, 4096],
  2048: [4096, 6144],
  4096: [8192, 10240, 12288],
};

/** Fargate's accepted CPU (units) -> memory (MiB) pairs (Linux, up to 4 vCPU). */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => 4096 + i * 1024),
  4096: Array.from({ length: 23 }, (_, i) => 8192 + i * 1024),
};

/** App Runner limits: max concurrency 1..200, max size 1..25 (default quota). */
export const APPRUNNER_MAX_CONCURRENCY = 200;
export const APPRUNNER_MAX_INSTANCES = 25;

/** Ids that would collide with stack names, hostnames or shared resources. */
export const RESERVED_TENANT_IDS: readonly string[] = [
  "admin",
  "api",
  "app",
  "aws",
  "backups",
  "bootstrap",
  "compute",
  "core",
  "data",
  "default",
  "delivery",
  "edge",
  "keys",
  "network",
  "observability",
  "prod",
  "production",
  "registry",
  "routing",
  "shared",
  "shard",
  "storage",
  "telemetry",
  "tenant",
  "www",
];

/**
 * Elastic Load Balancing's log-delivery account per region: ALB access logs in regions older than
 * August 2022 are written by this account, which the log bucket's policy must allow.
 */
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-2": "797873946194",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
};

/** The RDS storage type the Postgres module provisions (modules/postgres.ts; a test keeps them equal). */
export const DB_STORAGE_TYPE = "gp3";

/** RDS for PostgreSQL allocated storage per storage type, in GiB (CreateDBInstance, AllocatedStorage). */
export const RDS_POSTGRES_STORAGE_GB: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  gp2: { min: 20, max: 65536 },
  gp3: { min: 20, max: 65536 },
  io1: { min: 100, max: 65536 },
  io2: { min: 100, max: 65536 },
  standard: { min: 5, max: 3072 },
};
