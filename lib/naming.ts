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
