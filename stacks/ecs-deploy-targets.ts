import { computeEngines, DeploymentInputs } from "../config/deployment";
import { PhaseConfig } from "../phases/types";
import { cellsClusterNameOf, clusterNameOf } from "../lib/naming";

/**
 * One region's ECS clusters that run images this repository's deploy workflow builds, and what the
 * deploy role may roll there. Nothing here depends on the tenant registry: the workflow discovers
 * the services at run time, so adding or removing a tenant changes neither the workflow
 * (delivery-github) nor the role (delivery).
 */
export interface EcsDeployTarget {
  readonly region: string;
  readonly primary: boolean;
  /** Every cluster the workflow searches in this region: the shared tier's, then the cells'. */
  readonly clusters: readonly string[];
  /**
   * The shared tier's cluster (clusterNameOf) and its services by name: primary region, Fargate engine only.
   * @default - none: not the primary region, or no engine is Fargate
   */
  readonly shared?: { readonly cluster: string; readonly services: readonly string[] };
  /**
   * The cells' cluster (cellsClusterNameOf) and the name prefixes of the cells it may run (restartix-tenant-, restartix-shard-).
   * @default - none: no cell runs on Fargate in this region
   */
  readonly cells?: { readonly cluster: string; readonly prefixes: readonly string[] };
}

/**
 * The clusters the application's deploy workflow searches, per region, from the phase and the
 * engines only: the shared tier's cluster in the primary region when an engine is Fargate
 * (stacks/compute.ts), and each region's cells cluster when cells run on Fargate (the gateways
 * stacks, stacks/index.ts: `compute` is Fargate and the phase has enterprise tenants or shards).
 * Empty when no engine of the deployment is Fargate.
 */
export function ecsDeployTargets(phase: PhaseConfig, deployment: Pick<DeploymentInputs, "compute" | "computeStandby">): EcsDeployTarget[] {
  if (!computeEngines(deployment).includes("fargate")) return [];
  const fargateCells = deployment.compute === "fargate" && (Boolean(phase.enterprise) || phase.regions.some((r) => r.shards.length > 0));
  return phase.regions
    .map((rc) => {
      const shared = rc.primary
        ? { cluster: clusterNameOf(phase, rc), services: Object.values(phase.services).map((s) => s.name) }
        : undefined;
      // The kinds of cell this region can hold, from the phase (not from the registry).
      const prefixes = [
        ...(phase.enterprise ? [`${phase.project}-tenant-`] : []),
        ...(rc.shards.length > 0 ? [`${phase.project}-shard-`] : []),
      ];
      const cells = fargateCells && prefixes.length > 0 ? { cluster: cellsClusterNameOf(phase.project, rc), prefixes } : undefined;
      return {
        region: rc.region,
        primary: rc.primary,
        clusters: [shared?.cluster, cells?.cluster].filter((c): c is string => c !== undefined),
        shared,
        cells,
      };
    })
    .filter((t) => t.clusters.length > 0);
}
