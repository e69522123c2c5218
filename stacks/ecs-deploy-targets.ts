import { computeEngines, DeploymentInputs } from "../config/deployment";
import { CellSpec, PhaseConfig } from "../phases/types";
import { cellNames } from "./cell";
import { clusterNameOf } from "../lib/naming";

/** The ECS services of one region that run images this repository's deploy workflow builds. */
export interface EcsDeployTarget {
  readonly region: string;
  readonly primary: boolean;
  /** The region's cluster (clusterNameOf). */
  readonly cluster: string;
  /** Service names, which are also their task definition families: the shared tier's, then each cell's. */
  readonly services: readonly string[];
  /** Name prefixes of the cells this region may run (restartix-tenant-, restartix-shard-): the deploy role's scope. */
  readonly cellPrefixes: readonly string[];
}

/**
 * Every ECS service the application's deploy workflow rolls, per region: the shared tier's services
 * on the primary region's cluster and every shard's and enterprise tenant's service on its region's
 * cluster (cellNames(project, cell).service). Empty when no engine of the deployment is Fargate.
 * A cell being decommissioned is left out: its service is about to go.
 */
export function ecsDeployTargets(phase: PhaseConfig, deployment: Pick<DeploymentInputs, "compute" | "computeStandby">, tenants: readonly CellSpec[]): EcsDeployTarget[] {
  if (!computeEngines(deployment).includes("fargate")) return [];
  return phase.regions.map((rc) => {
    const cells = [
      ...rc.shards.map((s) => ({ kind: "shard" as const, id: s.id })),
      ...tenants.filter((t) => t.region === rc.region && !t.decommission),
    ].map((c) => cellNames(phase.project, c).service);
    // The kinds of cell this region can hold, from the phase (not from the registry): adding a
    // tenant then changes the workflow's list but never the deploy role's policy.
    const cellPrefixes = [
      ...(phase.enterprise ? [`${phase.project}-tenant-`] : []),
      ...(rc.shards.length > 0 ? [`${phase.project}-shard-`] : []),
    ];
    return {
      region: rc.region,
      primary: rc.primary,
      cluster: clusterNameOf(phase, rc),
      services: [...(rc.primary ? Object.values(phase.services).map((s) => s.name) : []), ...cells],
      cellPrefixes,
    };
  });
}
