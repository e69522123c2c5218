/** The service lines of the estimate: what an AWS bill groups charges under. */
export type ServiceLine =
  | "App Runner"
  | "ECS Fargate"
  | "Scheduled tasks"
  | "Load balancing"
  | "RDS"
  | "ElastiCache"
  | "DynamoDB"
  | "NAT Gateway"
  | "VPC"
  | "Data transfer"
  | "Inter-region transfer"
  | "S3"
  | "ECR"
  | "Secrets Manager"
  | "SSM Parameter Store"
  | "KMS"
  | "CloudWatch"
  | "X-Ray"
  | "CloudWatch Synthetics"
  | "Lambda"
  | "Route 53"
  | "SNS"
  | "SQS"
  | "EventBridge Scheduler"
  | "WAF"
  | "Budgets"
  | "CloudTrail"
  | "GuardDuty"
  | "Config"
  | "Security Hub";

/** One priced quantity of one resource. */
export interface LineItem {
  readonly stack: string;
  /** Terraform address in its stack: aws_db_instance.postgres_instance_919E2690. */
  readonly address: string;
  readonly type: string;
  /** The resource's own name (identifier, service_name, bucket...) when it has one. */
  readonly name: string;
  readonly service: ServiceLine;
  readonly region: string;
  /** What is billed: "instance-hours (Multi-AZ)", "gp3 storage", ... */
  readonly component: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  /** Free-tier units this item used up (already taken off `monthlyUsd`). @default - absent: no free-tier units used */
  readonly freeQuantity?: number;
  /** Why this charge may surprise a reader of the design document (Multi-AZ doubling, ...). @default - absent: nothing to explain */
  readonly why?: string;
}

/** A resource the model could not price, and why. */
export interface NotPriced {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly reason: string;
}

/** Cents: the estimate never claims more precision than that. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;

export const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
