import { num } from "../../json";
import { ResourceView } from "../../types";

/** Nodes beyond the primary: num_cache_clusters - 1 (cluster mode off) or replicas_per_node_group (cluster mode on). */
export function replicaCount(group: ResourceView): number {
  const perShard = num(group.config.replicas_per_node_group);
  if (perShard !== undefined) return perShard;
  const clusters = num(group.config.num_cache_clusters);
  return clusters === undefined ? 0 : clusters - 1;
}
