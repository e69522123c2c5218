import { RegionConfig } from "../phases/types";

/**
 * Stack names: fixed words for the primary region, "-<key>" for a secondary region's copy
 * (network-us). They never contain the phase, so every phase plans against the same state.
 */
export function regionalStackName(base: string, region: RegionConfig): string {
  return region.primary ? base : `${base}-${region.key}`;
}

export const cellStackName = (kind: "tenant" | "shard", id: string): string => `${kind}-${id}`;

/** HCP Terraform workspace of a stack (backend = "cloud"). */
export const workspaceName = (project: string, environment: string, stack: string): string =>
  `${project}-${environment}-${stack}`;

/** The Secrets Manager path of one service's secrets: restartix/production/core-api. */
export function secretsPath(prefix: string, serviceName: string, project: string): string {
  return `${prefix}/${serviceName.startsWith(`${project}-`) ? serviceName.slice(project.length + 1) : serviceName}`;
}

/** Where S3 bucket names come from: the phase's base names and the region layout. */
export interface BucketNaming {
  readonly storage: { readonly uploadsBucket: string; readonly accessLogsBucket: string };
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
  const { uploadsBucket, accessLogsBucket } = naming.storage;
  return {
    /** Patient files of a region: the primary region's is the adopted bucket. */
    uploads: (region: Pick<RegionConfig, "primary" | "key">): string => (region.primary ? uploadsBucket : scoped(`${uploadsBucket}-${region.key}`)),
    /** The copy of a region's patient files in its backup region. */
    uploadsReplica: (region: Pick<RegionConfig, "primary" | "key">): string => scoped(`${uploadsBucket}${region.primary ? "" : `-${region.key}`}-replica`),
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
  return [...naming.regions.flatMap((r) => [n.uploads(r), n.uploadsReplica(r)]), ...[...regions].map(n.accessLogs), n.backupsPrimary, n.backupsReplica];
}

/**
 * The ECS cluster of a region: the phase's cluster name in the primary region (the shared tier's,
 * unchanged since phase 1), "<name>-<key>" in a secondary region (restartix-prod-us). Every stack
 * that creates or names a region's cluster (platform, cells, the deploy role, the deploy workflow)
 * takes the name from here.
 */
export function clusterNameOf(phase: { readonly fargate: { readonly clusterName: string } }, region: Pick<RegionConfig, "primary" | "key">): string {
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
