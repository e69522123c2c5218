/** What naming needs of a region (phases/types.ts RegionConfig has these; lib/ does not import phases/). */
interface RegionConfig {
  readonly key: string;
  readonly primary: boolean;
  readonly region: string;
  readonly backupRegion: string;
}

/**
 * Stack names: fixed words for the primary region, "-<key>" for a secondary region's copy
 * (network-us). They never contain the phase, so every phase plans against the same state.
 */
export function regionalStackName(base: string, region: RegionConfig): string {
  return region.primary ? base : `${base}-${region.key}`;
}

export const cellStackName = (kind: "tenant" | "shard", id: string): string => `${kind}-${id}`;

/**
 * HCP Terraform workspace of a stack (backend = "cloud"): restartix-production-network,
 * restartix-staging-network (staging's project already ends in its environment).
 */
export const workspaceName = (project: string, environment: string, stack: string): string =>
  project.endsWith(`-${environment}`) ? `${project}-${stack}` : `${project}-${environment}-${stack}`;

/** The Secrets Manager path of one service's secrets: restartix/production/core-api. */
export function secretsPath(prefix: string, serviceName: string, project: string): string {
  return `${prefix}/${serviceName.startsWith(`${project}-`) ? serviceName.slice(project.length + 1) : serviceName}`;
}

/** Where S3 bucket names come from: the phase's base names and the region layout. */
export interface BucketNaming {
  readonly storage: {
    readonly uploadsBucket: string;
    readonly accessLogsBucket: string;
    /** Staging creates its own uploads bucket (scoped name). @default false (the primary region's bucket is adopted, its name as given) */
    readonly createUploadsBucket?: boolean;
  };
  readonly backups: { readonly primaryBucket: string; readonly replicaBucket: string };
}

/**
 * S3 bucket names, which are global across all AWS accounts: every bucket this code creates ends
 * in the account id, so two deployments (or a stranger who took "restartix-backups-primary")
 * cannot collide. Two names are kept as they are: the adopted uploads bucket (it exists under its
 * name) and the state bucket (an input).
 */
export function bucketNames(naming: BucketNaming, accountId: string) {
  const scoped = (base: string) => `${base}-${accountId}`;
  const { uploadsBucket, accessLogsBucket, createUploadsBucket } = naming.storage;
  return {
    /** Patient files of a region: the primary region's is the adopted bucket (staging creates its own). */
    uploads: (region: Pick<RegionConfig, "primary" | "key">): string =>
      region.primary ? (createUploadsBucket ? scoped(uploadsBucket) : uploadsBucket) : scoped(`${uploadsBucket}-${region.key}`),
    /** The copy of a region's patient files in its backup region. */
    uploadsReplica: (region: Pick<RegionConfig, "primary" | "key">): string =>
      scoped(`${uploadsBucket}${region.primary ? "" : `-${region.key}`}-replica`),
    /** Server access logs of the buckets in one AWS region. */
    accessLogs: (awsRegion: string): string => scoped(`${accessLogsBucket}-${awsRegion}`),
    backupsPrimary: scoped(naming.backups.primaryBucket),
    backupsReplica: scoped(naming.backups.replicaBucket),
  };
}

/** Every bucket name a phase creates or adopts (for validation). */
export function allBucketNames(naming: BucketNaming & { readonly regions: readonly RegionConfig[] }, accountId: string): string[] {
  const n = bucketNames(naming, accountId);
  const regions = new Set(naming.regions.flatMap((r) => [r.region, r.backupRegion]));
  return [
    ...naming.regions.flatMap((r) => [n.uploads(r), n.uploadsReplica(r)]),
    ...[...regions].map(n.accessLogs),
    n.backupsPrimary,
    n.backupsReplica,
  ];
}

/**
 * The ECS cluster of a region: the phase's cluster name in the primary region (the shared tier's,
 * unchanged since phase 1), "<name>-<key>" in a secondary region (restartix-prod-us). Every stack
 * that creates or names a region's cluster (platform, cells, the deploy role, the deploy workflow)
 * takes the name from here.
 */
export function clusterNameOf(
  phase: { readonly fargate: { readonly clusterName: string } },
  region: Pick<RegionConfig, "primary" | "key">,
): string {
  return region.primary ? phase.fargate.clusterName : `${phase.fargate.clusterName}-${region.key}`;
}

/**
 * The ECS cluster of a region's Fargate cells (stacks/gateways.ts): "<project>-cells" in the
 * primary region, "<project>-cells-<key>" elsewhere (restartix-cells-us). The gateways stack and
 * the deploy role and workflow take the name from here.
 */
export function cellsClusterNameOf(project: string, region: Pick<RegionConfig, "primary" | "key">): string {
  return `${project}-cells${region.primary ? "" : `-${region.key}`}`;
}

/**
 * Staging's counterpart of a production name (docs/staging.md). One rule for every name AWS,
 * Cloudflare or GitHub keys by name, so staging can share an account (or a state bucket) with
 * production and never meet one of its resources: the environment word "-prod"/"-production" is
 * dropped and "restartix" becomes "restartix-staging" (restartix-prod -> restartix-staging,
 * restartix-uploads-prod -> restartix-staging-uploads, /aws/cloudtrail/restartix-audit ->
 * /aws/cloudtrail/restartix-staging-audit). A name without "restartix" gets "-staging" appended
 * (GitHubActionsDeployRole -> GitHubActionsDeployRole-staging). Production names never pass through
 * here: production is the identity (environmentName).
 */
export function stagingName(name: string): string {
  const dropped = name.replace(/-prod(uction)?(?=$|-)/, "");
  return /\brestartix\b/.test(dropped) ? dropped.replace(/\brestartix\b/, STAGING_PROJECT) : `${name}-staging`;
}

/** The project prefix of staging's names (phases/environment.ts sets phase.project to it). */
export const STAGING_PROJECT = "restartix-staging";

/** A fixed name (a constant in code, not in the phase config) as the environment names it: production keeps it. */
export const environmentName = (name: string, environment: string): string => (environment === "staging" ? stagingName(name) : name);

/**
 * The short prefix of names AWS limits to 32 characters (target groups, App Runner configurations):
 * rx for production, rxs for staging (rx-t-org-101, rxs-t-org-101).
 */
export const shortPrefix = (environment: string): string => (environment === "staging" ? "rxs" : "rx");

/** A public hostname label (api, cells-eu-1) as the environment names it: staging-api, staging-cells-eu-1. */
export const hostLabel = (label: string, environment: string): string => (environment === "staging" ? `staging-${label}` : label);

/**
 * Where a stack's state lives in the S3 state bucket: <stack>/terraform.tfstate for production (as
 * deployed since phase 1), staging/<stack>/terraform.tfstate for staging, so both may share a bucket.
 */
export const stateKey = (stack: string, environment: string): string =>
  environment === "staging" ? `staging/${stack}/terraform.tfstate` : `${stack}/terraform.tfstate`;
