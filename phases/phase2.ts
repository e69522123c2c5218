import { phase1 } from "./phase1";
import { PhaseConfig } from "./types";

const [eu] = phase1.regions;

/**
 * Phase 2 (months 12-24, 10-50 clinics): read/write split. The primary grows in place to
 * db.r6g.large with 250 GB, two read replicas join it (one per AZ), Redis grows to cache.t4g.small.
 * Everything else is phase 1.
 */
export const phase2: PhaseConfig = {
  ...phase1,
  phase: 2,
  regions: [{ ...eu, cache: { ...eu.cache, nodeType: "cache.t4g.small" } }],
  database: {
    ...phase1.database,
    instanceClass: "db.r6g.large",
    allocatedStorageGb: 250,
    maxAllocatedStorageGb: 1000,
    readReplicas: [
      // "Replica 1: same AZ as subnet B", "Replica 2: same AZ as subnet A".
      { id: "replica-1", instanceClass: "db.r6g.large", az: eu.network.azs[1] },
      { id: "replica-2", instanceClass: "db.r6g.large", az: eu.network.azs[0] },
    ],
  },
};
