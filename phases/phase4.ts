import { phase3 } from "./phase3";
import { PhaseConfig, ServiceSizing, ShardConfig } from "./types";

const shardService: ServiceSizing = {
  cpu: 1024,
  memory: 2048,
  minInstances: 1,
  maxInstances: 5,
  maxConcurrency: 100,
  dbPoolMax: 20,
};

/** Each shard's slot on its region's first cell gateway (1-10 are the shards'; tenants start at 11). */
function shard(id: string, slot: number): ShardConfig {
  return {
    id,
    slot,
    instanceClass: "db.r6g.large",
    allocatedStorageGb: 250,
    maxAllocatedStorageGb: 1000,
    service: shardService,
  };
}

const [eu] = phase3.regions;

/**
 * Phase 4 (months 36+, 100-1000+ clinics): two regions. EU-1 is the shared tier of phases 1-3,
 * unchanged; EU-2, EU-3 and US-1..US-5 are new shards (a service + database stack each).
 * Enterprise tenants: 10 in the EU (the phase 3 tenants) + 30 in the US, as the document's
 * diagram says (its cost line rounds to 50); see README "Decisions".
 */
export const phase4: PhaseConfig = {
  ...phase3,
  phase: 4,
  regions: [
    {
      ...eu,
      // The document names the phase 4 VPCs restartix-eu and restartix-us (a tag: updated in place);
      // logName stays restartix-prod, so the flow log group and its logs are kept.
      network: { ...eu.network, name: "restartix-eu" },
      shards: [shard("eu-2", 1), shard("eu-3", 2)],
    },
    {
      key: "us",
      region: "us-east-1",
      primary: false,
      network: {
        name: "restartix-us",
        logName: "restartix-us",
        cidr: "10.1.0.0/16",
        azs: ["us-east-1a", "us-east-1b"],
        subnetNewBits: 4,
        natGateways: 1,
        connectorName: "restartix-us-vpc-connector",
      },
      cache: { ...eu.cache, id: "restartix-redis-us" },
      backupRegion: "us-west-2",
      // 02:00-02:30 / 03:00-03:30 US Eastern (winter / summer), outside US clinic hours.
      databaseWindows: { backup: "07:00-07:30", maintenance: "sun:07:45-sun:08:45" },
      shards: ["us-1", "us-2", "us-3", "us-4", "us-5"].map((id, i) => shard(id, i + 1)),
    },
  ],
  backups: { ...phase3.backups, replicateAutomatedBackups: true },
  // Raise before moving to phase 4 (Service Quotas, App Runner, both regions): us-east-1 runs 5
  // shards + 30 tenants, each with its service and VPC connector (35 of each).
  // Fargate: us-east-1 runs 5 shards + 30 tenants (70 vCPU during a deployment), eu-central-1 the
  // shared tier + 2 shards + 10 tenants (27): request 100 of L-3032A538 in each region.
  quotas: { apprunnerVpcConnectors: 50, apprunnerServices: 50, fargateOnDemandVcpu: 100 },
  enterprise: { ...phase3.enterprise!, registryFile: "phase4.json" },
  globalRouting: {
    tableName: "restartix-routing",
    workerName: "restartix-router",
    defaultRegionKey: "eu",
  },
};
