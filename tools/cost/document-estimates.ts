import { PhaseNumber } from "../../phases/types";
import { ServiceLine } from "./line-item";

/**
 * The design document's own AWS cost estimate of each phase ("Phase N cost estimate" and the
 * "Cost summary across all phases"), line by line, with the service lines each of its lines covers.
 * Kept apart from the model so the comparison shows where the two disagree instead of hiding it.
 */

export interface DocumentLine {
  readonly label: string;
  readonly low: number;
  readonly high: number;
  readonly services: readonly ServiceLine[];
  /** Which stacks the line covers: the shared tier, or the enterprise tenants' cells. @default all */
  readonly tier?: "shared" | "tenants";
}

export interface DocumentEstimate {
  readonly phase: PhaseNumber;
  /** The total the document prints (its summary table). */
  readonly low: number;
  readonly high: number;
  readonly lines: readonly DocumentLine[];
  /** Where the document's own lines and total disagree. @default - no note: the document's lines add up to its total */
  readonly note?: string;
}

const OTHER: readonly ServiceLine[] = ["Secrets Manager", "ECR", "CloudWatch"];
/** The document's App Runner lines stand for whatever runs the APIs (`--compute fargate`: ECS + ALB). */
const COMPUTE: readonly ServiceLine[] = ["App Runner", "ECS Fargate", "Load balancing"];

export const DOCUMENT_ESTIMATES: Readonly<Record<PhaseNumber, DocumentEstimate>> = {
  1: {
    phase: 1,
    low: 163,
    high: 188,
    lines: [
      { label: "App Runner: Core API ($25-40) + Telemetry API ($10-20)", low: 35, high: 60, services: COMPUTE },
      { label: "RDS db.t4g.medium Multi-AZ ($55) + 50 GB gp3 ($8) + backups ($5)", low: 68, high: 68, services: ["RDS"] },
      { label: "ElastiCache cache.t4g.micro", low: 12, high: 12, services: ["ElastiCache"] },
      { label: "NAT Gateway", low: 35, high: 35, services: ["NAT Gateway"] },
      { label: "Data transfer", low: 5, high: 5, services: ["Data transfer", "Inter-region transfer"] },
      { label: "Secrets Manager", low: 2, high: 2, services: ["Secrets Manager"] },
      { label: "ECR", low: 1, high: 1, services: ["ECR"] },
      { label: "CloudWatch", low: 5, high: 5, services: ["CloudWatch"] },
    ],
  },
  2: {
    phase: 2,
    low: 755,
    high: 795,
    note: "the document's phase 2 lines add up to $755-775; its total says $755-795",
    lines: [
      { label: "App Runner (Core API + Telemetry)", low: 50, high: 70, services: COMPUTE },
      {
        label: "RDS primary db.r6g.large ($200) + 2 read replicas ($400) + 250 GB ($25) + backups ($10)",
        low: 635,
        high: 635,
        services: ["RDS"],
      },
      { label: "ElastiCache cache.t4g.small", low: 25, high: 25, services: ["ElastiCache"] },
      { label: "NAT Gateway", low: 35, high: 35, services: ["NAT Gateway"] },
      { label: "Other (Secrets, ECR, CloudWatch)", low: 10, high: 10, services: OTHER },
    ],
  },
  3: {
    phase: 3,
    low: 3645,
    high: 3645,
    lines: [
      { label: "Shared tier: App Runner (10 instances)", low: 100, high: 100, services: COMPUTE, tier: "shared" },
      { label: "Shared tier: RDS db.r6g.xlarge + 2 replicas", low: 1200, high: 1200, services: ["RDS"], tier: "shared" },
      { label: "Shared tier: ElastiCache", low: 25, high: 25, services: ["ElastiCache"] },
      {
        label: "Enterprise tier: 10 x (App Runner $25 + RDS db.r6g.large $200)",
        low: 2250,
        high: 2250,
        services: [...COMPUTE, "RDS"],
        tier: "tenants",
      },
      { label: "NAT Gateway + networking", low: 50, high: 50, services: ["NAT Gateway", "VPC", "Data transfer", "Inter-region transfer"] },
      { label: "Other (Secrets, ECR, CloudWatch)", low: 20, high: 20, services: OTHER },
    ],
  },
  4: {
    phase: 4,
    low: 15070,
    high: 15070,
    note: "the cost line counts 50 enterprise tenants; the document's phase 4 diagram shows 10 (EU) + 30 (US)",
    lines: [
      { label: "Shared tier: 8 shards x (App Runner + RDS)", low: 3600, high: 3600, services: [...COMPUTE, "RDS"], tier: "shared" },
      { label: "Enterprise tier: 50 x $225", low: 11250, high: 11250, services: [...COMPUTE, "RDS"], tier: "tenants" },
      { label: "Global routing (DynamoDB)", low: 50, high: 50, services: ["DynamoDB"] },
      { label: "Cross-region data transfer", low: 100, high: 100, services: ["Inter-region transfer"] },
      { label: "NAT Gateways (2 regions)", low: 70, high: 70, services: ["NAT Gateway"] },
    ],
  },
};

/** Enterprise tenants' cell stacks are named tenant-<id> (lib/naming.ts cellStackName). */
export function tierOf(stack: string): "shared" | "tenants" {
  return stack.startsWith("tenant-") ? "tenants" : "shared";
}
