import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { AlertTopic } from "../modules/alert-topic";
import { albMetrics, appRunnerMetrics, DatabaseAlarms, HealthCheckAlarm, ServiceAlarms } from "../modules/alarms";
import { RegionConfig } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { ComputeStack } from "./compute";
import { DataStack } from "./data";
import { GLOBAL_REGION, KeysStack } from "./keys";
import { dashboardBody } from "./observability-dashboard";

export interface ObservabilityStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
  /** Primary region only: the shared tier to watch. */
  readonly compute?: ComputeStack;
  readonly data?: DataStack;
}

/**
 * The region's restartix-alerts topic. In the primary region also: the document's alarms on the
 * shared tier, health checks, the dashboard, the monthly budget and the estimated-charges alarm
 * (billing and Route 53 metrics live only in us-east-1, so those use a topic there).
 */
export class ObservabilityStack extends BaseStack {
  readonly topic: AlertTopic;
  /** Topic in us-east-1 for billing and health-check alarms (the same topic when the region is us-east-1). */
  readonly globalTopic?: AlertTopic;

  constructor(scope: Construct, name: string, props: ObservabilityStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const o = phase.observability;
    const t = o.alarms;
    this.topic = new AlertTopic(this, "alerts", {
      name: o.topicName,
      email: deployment.alertEmail,
      kmsKeyArn: props.keys.keyArn(this.region),
    });
    if (!props.regionConfig.primary || !props.compute || !props.data) return;

    this.globalTopic =
      this.region === GLOBAL_REGION
        ? this.topic
        : new AlertTopic(this, "alerts-global", {
            name: o.topicName,
            email: deployment.alertEmail,
            kmsKeyArn: props.keys.keyArn(GLOBAL_REGION),
            provider: this.awsIn(GLOBAL_REGION),
          });

    for (const svc of props.compute.allServices) {
      // The standby engine's alarms carry its name: alarm names are unique per region.
      const label = svc.engine === props.settings.deployment.compute ? svc.config.name : `${svc.config.name}-${svc.engine}`;
      if (svc.alb) {
        new ServiceAlarms(this, `${svc.config.key}-alb-alarms`, { label, metrics: albMetrics(svc.alb.loadBalancer, svc.alb.targetGroup), thresholds: t, topicArn: this.topic.arn });
        continue;
      }
      new ServiceAlarms(this, `${svc.config.key}-alarms`, { label, metrics: appRunnerMetrics(svc.name, svc.id), thresholds: t, topicArn: this.topic.arn });
      new HealthCheckAlarm(this, `${svc.config.key}-health`, {
        name: label,
        host: svc.url,
        path: svc.config.healthCheck.path,
        failures: t.healthCheckFailures,
        topicArn: this.globalTopic.arn,
        provider: this.awsIn(GLOBAL_REGION),
      });
    }
    const postgres = props.data.postgres!;
    const db = phase.database;
    new DatabaseAlarms(this, "db-alarms", {
      identifier: db.identifier,
      maxConnections: db.parameters.maxConnections,
      thresholds: t,
      topicArn: this.topic.arn,
    });
    db.readReplicas.forEach((r, i) =>
      new DatabaseAlarms(this, `${r.id}-alarms`, {
        identifier: postgres.replicas[i].identifier,
        maxConnections: db.parameters.maxConnections,
        thresholds: t,
        topicArn: this.topic.arn,
      }),
    );

    new CloudwatchMetricAlarm(this, "estimated-charges", {
      alarmName: `${phase.project}-estimated-charges`,
      alarmDescription: `Estimated AWS charges this month above $${t.monthlySpendUsd}`,
      namespace: "AWS/Billing",
      metricName: "EstimatedCharges",
      dimensions: { Currency: "USD" },
      statistic: "Maximum",
      period: 21600,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.monthlySpendUsd,
      treatMissingData: "notBreaching",
      alarmActions: [this.globalTopic.arn],
      provider: this.awsIn(GLOBAL_REGION),
      tags: { Name: `${phase.project}-estimated-charges` },
    });
    new BudgetsBudget(this, "budget", {
      name: `${phase.project}-monthly`,
      budgetType: "COST",
      limitAmount: String(o.budgetUsd),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      notification: o.budgetAlertPercents.map((pct) => ({
        comparisonOperator: "GREATER_THAN",
        threshold: pct,
        thresholdType: "PERCENTAGE",
        notificationType: "ACTUAL",
        subscriberEmailAddresses: [deployment.alertEmail],
      })),
    });
    new CloudwatchDashboard(this, "dashboard", {
      dashboardName: o.dashboardName,
      dashboardBody: dashboardBody({
        region: this.region,
        services: [...props.compute.services.values()].map((s) => ({ name: s.name, id: s.id, alb: s.alb })),
        databases: [db.identifier, ...postgres.replicas.map((r) => r.identifier)],
        cacheId: props.regionConfig.cache.id,
      }),
    });
  }
}
