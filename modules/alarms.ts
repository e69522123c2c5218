import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Route53HealthCheck } from "@cdktf/provider-aws/lib/route53-health-check";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AlarmThresholds } from "../phases/types";

const GB = 1024 ** 3;

/** Where one service's request metrics live: App Runner's or the ALB's. */
export interface ServiceMetrics {
  readonly namespace: string;
  readonly dimensions: Record<string, string>;
  readonly requests: string;
  readonly errors: string;
  readonly latency: string;
  /** Latency metric units per millisecond (App Runner reports ms, the ALB seconds). */
  readonly latencyPerMs: number;
  /**
   * The ALB counts unhealthy targets; App Runner has no such metric (a Route 53 check covers it).
   * @default - no unhealthy-host alarm (App Runner's metrics)
   */
  readonly unhealthyHosts?: string;
}

export const appRunnerMetrics = (serviceName: string, serviceId: string): ServiceMetrics => ({
  namespace: "AWS/AppRunner",
  dimensions: { ServiceName: serviceName, ServiceID: serviceId },
  requests: "Requests",
  errors: "5xxStatusResponses",
  latency: "RequestLatency",
  latencyPerMs: 1,
});

export const albMetrics = (loadBalancer: string, targetGroup: string): ServiceMetrics => ({
  namespace: "AWS/ApplicationELB",
  dimensions: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
  requests: "RequestCount",
  errors: "HTTPCode_Target_5XX_Count",
  latency: "TargetResponseTime",
  latencyPerMs: 1 / 1000,
  unhealthyHosts: "UnHealthyHostCount",
});

export interface ServiceAlarmsProps {
  /** Name used in alarm names and descriptions (the configured service name). */
  readonly label: string;
  readonly metrics: ServiceMetrics;
  readonly thresholds: AlarmThresholds;
  /** SNS topic in the service's region. */
  readonly topicArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * The document's service alarms on either engine's metrics: 5xx rate over 1% for 5 minutes, p99
 * latency over 1 s for 5 minutes, and (ALB) targets failing their health check.
 */
export class ServiceAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { label, metrics: m } = props;
    const t = props.thresholds;
    const actions = { alarmActions: [props.topicArn], okActions: [props.topicArn], provider: props.provider };
    const sum = (metricName: string) => ({
      namespace: m.namespace,
      metricName,
      stat: "Sum",
      period: t.errorRateMinutes * 60,
      dimensions: m.dimensions,
    });
    this.alarms = [
      new CloudwatchMetricAlarm(this, "error-rate", {
        ...actions,
        alarmName: `${label}-5xx-rate`,
        alarmDescription: `${label}: 5xx responses above ${t.errorRatePercent}% of requests for ${t.errorRateMinutes} minutes`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.errorRatePercent,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
        metricQuery: [
          { id: "rate", expression: "IF(requests > 0, 100 * errors / requests, 0)", label: "5xx %", returnData: true },
          { id: "errors", metric: sum(m.errors) },
          { id: "requests", metric: sum(m.requests) },
        ],
        tags: { Name: `${label}-5xx-rate` },
      }),
      new CloudwatchMetricAlarm(this, "latency", {
        ...actions,
        alarmName: `${label}-p99-latency`,
        alarmDescription: `${label}: p99 latency above ${t.p99LatencyMs} ms for ${t.latencyMinutes} minutes`,
        namespace: m.namespace,
        metricName: m.latency,
        dimensions: m.dimensions,
        extendedStatistic: "p99",
        period: 60,
        evaluationPeriods: t.latencyMinutes,
        datapointsToAlarm: t.latencyMinutes,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.p99LatencyMs * m.latencyPerMs,
        treatMissingData: "notBreaching",
        tags: { Name: `${label}-p99-latency` },
      }),
    ];
    if (m.unhealthyHosts) {
      this.alarms.push(
        new CloudwatchMetricAlarm(this, "unhealthy", {
          ...actions,
          alarmName: `${label}-unhealthy`,
          alarmDescription: `CRITICAL ${label}: targets failing their health check for ${t.healthCheckFailures} consecutive minutes`,
          namespace: m.namespace,
          metricName: m.unhealthyHosts,
          dimensions: m.dimensions,
          statistic: "Maximum",
          period: 60,
          evaluationPeriods: t.healthCheckFailures,
          datapointsToAlarm: t.healthCheckFailures,
          comparisonOperator: "GreaterThanThreshold",
          threshold: 0,
          treatMissingData: "breaching",
          tags: { Name: `${label}-unhealthy` },
        }),
      );
    }
  }
}

export interface DatabaseAlarmsProps {
  readonly identifier: string;
  readonly maxConnections: number;
  readonly thresholds: AlarmThresholds;
  readonly topicArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** The document's RDS alarms: connections above 80% of max_connections, CPU, free storage. */
export class DatabaseAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const common = {
      namespace: "AWS/RDS",
      dimensions: { DBInstanceIdentifier: props.identifier },
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
      treatMissingData: "missing",
      provider: props.provider,
    };
    const connections = Math.round(props.maxConnections * t.dbConnectionsFraction);
    this.alarms = [
      new CloudwatchMetricAlarm(this, "connections", {
        ...common,
        alarmName: `${props.identifier}-connections`,
        alarmDescription: `${props.identifier}: more than ${connections} connections (${Math.round(t.dbConnectionsFraction * 100)}% of max_connections ${props.maxConnections})`,
        metricName: "DatabaseConnections",
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: connections,
        tags: { Name: `${props.identifier}-connections` },
      }),
      new CloudwatchMetricAlarm(this, "cpu", {
        ...common,
        alarmName: `${props.identifier}-cpu`,
        alarmDescription: `${props.identifier}: CPU above ${t.dbCpuPercent}% for ${t.dbCpuMinutes} minutes`,
        metricName: "CPUUtilization",
        statistic: "Average",
        period: 300,
        evaluationPeriods: t.dbCpuMinutes / 5,
        datapointsToAlarm: t.dbCpuMinutes / 5,
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.dbCpuPercent,
        tags: { Name: `${props.identifier}-cpu` },
      }),
      new CloudwatchMetricAlarm(this, "free-storage", {
        ...common,
        alarmName: `${props.identifier}-free-storage`,
        alarmDescription: `${props.identifier}: less than ${t.dbFreeStorageGb} GB free storage`,
        metricName: "FreeStorageSpace",
        statistic: "Minimum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "LessThanThreshold",
        threshold: t.dbFreeStorageGb * GB,
        tags: { Name: `${props.identifier}-free-storage` },
      }),
    ];
  }
}

export interface HealthCheckAlarmProps {
  readonly name: string;
  /** Host to probe over HTTPS (the service's default domain). */
  readonly host: string;
  readonly path: string;
  readonly failures: number;
  /**
   * Regions the checkers probe from (at least 3); the origin guard admits their published ranges.
   * @default - every Route 53 checker region
   */
  readonly regions?: readonly string[];
  /** SNS topic in us-east-1: Route 53 health check metrics exist only there. */
  readonly topicArn: string;
  /** The us-east-1 provider. */
  readonly provider: TerraformProvider;
}

/** "Core API Unhealthy: health check failures, > 3 consecutive failures": a Route 53 health check and its alarm. */
export class HealthCheckAlarm extends Construct {
  readonly check: Route53HealthCheck;
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: HealthCheckAlarmProps) {
    super(scope, id);
    this.check = new Route53HealthCheck(this, "check", {
      type: "HTTPS",
      fqdn: props.host,
      port: 443,
      resourcePath: props.path,
      failureThreshold: props.failures,
      requestInterval: 10,
      measureLatency: false,
      regions: props.regions ? [...props.regions] : undefined,
      provider: props.provider,
      tags: { Name: `${props.name}-health` },
    });
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: `${props.name}-unhealthy`,
      alarmDescription: `CRITICAL ${props.name}: ${props.failures} consecutive failed health checks on ${props.path}`,
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: this.check.id },
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 1,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [props.topicArn],
      okActions: [props.topicArn],
      provider: props.provider,
      tags: { Name: `${props.name}-unhealthy` },
    });
  }
}

export interface QueueNotEmptyAlarmProps {
  readonly alarmName: string;
  readonly alarmDescription: string;
  /** The SQS queue (a dead-letter queue) that must stay empty. */
  readonly queueName: string;
  readonly topicArn: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Alarm and OK to the topic as soon as a queue that must stay empty (a dead-letter queue) holds a message. */
export function queueNotEmptyAlarm(scope: Construct, id: string, props: QueueNotEmptyAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: props.queueName },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    treatMissingData: "notBreaching",
    alarmActions: [props.topicArn],
    okActions: [props.topicArn],
    ...(props.provider ? { provider: props.provider } : {}),
    tags: { Name: props.alarmName },
  });
}
