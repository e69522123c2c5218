import { phase2 } from "./phase2";
import { PhaseConfig, ServiceSizing } from "./types";

const enterpriseService: ServiceSizing = {
  cpu: 1024,
  memory: 2048,
  minInstances: 1,
  // The document's enterprise diagram: "App Runner: org-101 (2 instances)".
  maxInstances: 2,
  maxConcurrency: 100,
  dbPoolMax: 20,
};

/**
 * Phase 3 (months 24-36, 50-100 clinics): two tiers. The shared tier's primary and its two replicas
 * grow to db.r6g.xlarge and the core API scales to 10 instances; enterprise clinics get a dedicated
 * App Runner service and RDS instance each, listed in phases/tenants/phase3.json.
 */
export const phase3: PhaseConfig = {
  ...phase2,
  phase: 3,
  database: {
    ...phase2.database,
    instanceClass: "db.r6g.xlarge",
    readReplicas: phase2.database.readReplicas.map((r) => ({ ...r, instanceClass: "db.r6g.xlarge" })),
    parameters: {
      ...phase2.database.parameters,
      // 10 core instances x 20 + 3 x 15 + 10 = 255 connections: above 80% of 200, so the
      // xlarge (32 GB) gets 400 (80% = 320).
      maxConnections: 400,
    },
  },
  services: {
    ...phase2.services,
    core: { ...phase2.services.core, maxInstances: 10 },
  },
  // Raise before moving to phase 3 (Service Quotas, App Runner, eu-central-1): one VPC connector per
  // tenant keeps each tenant's database reachable from its own service only (11 with 10 tenants).
  // Fargate (eu-central-1): the shared tier and 10 tenants need 23 vCPU during a deployment, above a
  // new account's Fargate On-Demand vCPU quota (L-3032A538): request 50 before moving to phase 3.
  quotas: { apprunnerVpcConnectors: 20, fargateOnDemandVcpu: 50 },
  enterprise: {
    registryFile: "phase3.json",
    defaultSize: "standard",
    sizes: {
      // "RDS instance (db.r6g.large, encrypted, Multi-AZ)" per enterprise clinic.
      standard: {
        instanceClass: "db.r6g.large",
        allocatedStorageGb: 100,
        maxAllocatedStorageGb: 500,
        service: enterpriseService,
      },
      large: {
        instanceClass: "db.r6g.xlarge",
        allocatedStorageGb: 250,
        maxAllocatedStorageGb: 1000,
        service: { ...enterpriseService, maxInstances: 4 },
      },
    },
  },
};
