import { Construct } from "constructs";
import { albMetrics, ServiceAlarms } from "../modules/alarms";
import { FargateService } from "../modules/fargate-service";
import { CellSpec } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { CellStack } from "./cell";
import { CELL_HEADER, cellHeaderValue } from "./gateways";
import { ObservabilityStack } from "./observability";
import { shortPrefix } from "../lib/naming";

/** The service stack of a cell: tenant-org-101-service, shard-us-2-service. */
export const cellServiceStackName = (kind: CellSpec["kind"], id: string): string => `${kind}-${id}-service`;

export interface CellServiceStackProps extends BaseStackProps {
  /** The cell's data stack (database, secrets, task role, groups). */
  readonly data: CellStack;
  /** The cell's region's alert topic. */
  readonly alerts: ObservabilityStack;
}

/**
 * A Fargate cell's service, apart from its data (issue 20 item 2): the first deploy applies the cell's
 * stack (database, secrets, rotation), sets its DATABASE_URL, then applies this one, so the service
 * never starts with an empty secret. Here: the ECS service on the region's cells cluster (the cell's
 * sizing, target-tracking between its min and max, circuit breaker with rollback, read-only root,
 * non-root user, no capabilities, TLS sidecar), its target group and its listener rule on its gateway
 * (matching its X-Restartix-Cell header, priority = its slot), and its ALB/ECS alarms, whose
 * unhealthy-target alarm is the cell's health probe (the ALB checks /health at the document's interval).
 */
export class CellServiceStack extends BaseStack {
  readonly cell: CellSpec;
  readonly service: FargateService;

  constructor(scope: Construct, name: string, props: CellServiceStackProps) {
    super(scope, name, props);
    const { phase } = props.settings;
    const cell = props.data.cell;
    const f = props.data.fargate;
    if (!f) throw new Error(`CellServiceStack ${name}: ${cell.kind} ${cell.id} is not a Fargate cell`);
    this.cell = cell;
    const core = phase.services.core;
    this.service = new FargateService(this, "ecs", {
      serviceName: f.names.service,
      region: this.region,
      clusterArn: f.gateways.cluster.arn,
      clusterName: f.gateways.clusterName,
      image: f.image,
      port: core.port,
      sizing: cell.service,
      healthCheck: core.healthCheck,
      env: f.env,
      secrets: f.secrets,
      kmsKeyArn: f.keyArn,
      taskRoleArn: f.taskRoleArn,
      vpcId: f.vpcId,
      subnetIds: f.subnetIds,
      securityGroupIds: f.securityGroupIds,
      loadBalancer: f.gateway.alb,
      hostname: f.gateway.hostname,
      header: { name: CELL_HEADER, value: cellHeaderValue(cell) },
      // rx-t-org-101: 32 characters at most, unique per region (restartix-tenant-<id> could exceed it).
      targetGroupName: `${shortPrefix(phase.environment)}-${cell.kind === "tenant" ? "t" : "s"}-${cell.id}`,
      priority: f.slot,
      logRetentionDays: phase.observability.logRetentionDays,
      deregistrationDelaySeconds: phase.fargate.deregistrationDelaySeconds,
      tlsProxyImage: phase.fargate.tlsProxyImage,
      runAsUser: phase.fargate.runAsUser,
    });
    new ServiceAlarms(this, "alarms", {
      label: f.names.service,
      metrics: albMetrics(f.gateway.alb.lb.arnSuffix, this.service.targetGroup.arnSuffix),
      thresholds: phase.observability.alarms,
      topicArn: props.alerts.topic.arn,
    });
  }
}
