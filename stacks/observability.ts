import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { AlertTopic } from "../modules/alert-topic";
import { albMetrics, appRunnerMetrics, DatabaseAlarms, HealthCheckAlarm, ServiceAlarms } from "../modules/alarms";
import { CANARY_RUNS_PREFIX, CanaryFleet, HealthCanary } from "../modules/canary";
import { LogGroupSweeper } from "../modules/log-group-sweeper";
import { PrivateBucket } from "../modules/private-bucket";
import { RegionConfig } from "../phases/types";
import { BaseStack, BaseStackProps } from "./base";
import { ComputeStack } from "./compute";
import { DataStack } from "./data";
import { GLOBAL_REGION, KeysStack } from "./keys";
import { dashboardBody } from "../modules/dashboard-body";
import { PlatformStack } from "./platform";
import { StorageStack } from "./storage";

export interface ObservabilityStackProps extends BaseStackProps {
  readonly regionConfig: RegionConfig;
  readonly keys: KeysStack;
  /** The region's platform stack (origin header secret of the primary region for the canaries). */
  readonly platform: PlatformStack;
  /** The region's storage stack (access logs of the observability bucket). */
  readonly storage: StorageStack;
  /**
   * App Runner services run in this region (the shared tier, shards or tenants): their log groups
   * get the key and retention, and the canary health probe its bucket and role.
   * @default false
   */
  readonly appRunner?: boolean;
  /** Primary region only: the shared tier to watch. @default - none: no dashboard, service or database alarms (secondary regions) */
  readonly compute?: ComputeStack;
  /** @default - none: no dashboard, service or database alarms (secondary regions) */
  readonly data?: DataStack;
  /**
   * Secondary regions: the primary region's stack (its us-east-1 topic is reused, never created twice).
   * @default - this stack is the primary region's (a secondary region's stack needs it for the shared topic and the origin secret)
   */
  readonly primary?: ObservabilityStack;
}

/** What a service's health probe needs from its region's observability stack. */
export interface HealthProbeTarget {
  /** The service's configured name (alarm names). */
  readonly label: string;
  /** Short name of its canary (Synthetics allows 21 characters: longer names are shortened with a hash). */
  readonly probeName: string;
  /** Host to probe over HTTPS (the service's default domain). */
  readonly host: string;
  readonly path: string;
  readonly failures: number;
}

/**
 * The region's restartix-alerts topic and, where App Runner runs, the observability bucket, the
 * log group sweeper and the health canaries' role and code. In the primary region also: the
 * document's alarms on the shared tier, its health probes, the dashboard, the monthly budget and
 * the estimated-charges alarm (billing and Route 53 metrics live only in us-east-1, so those use a
 * topic there).
 */
export class ObservabilityStack extends BaseStack {
  readonly topic: AlertTopic;
  /** Topic in us-east-1 for billing and health-check alarms (the same topic when the region is us-east-1). */
  readonly globalTopic?: AlertTopic;
  /** Canary health probe only: the region's canary role and code. */
  readonly canaries?: CanaryFleet;
  private readonly props: ObservabilityStackProps;

  constructor(scope: Construct, name: string, props: ObservabilityStackProps) {
    super(scope, name, props);
    this.props = props;
    const { phase, deployment } = props.settings;
    const o = phase.observability;
    const t = o.alarms;
    const rc = props.regionConfig;
    const keyArn = props.keys.keyArn(this.region);
    // One restartix-alerts per region: in us-east-1 the primary stack's global topic already is it.
    const reused = !rc.primary && this.region === GLOBAL_REGION ? props.primary?.globalTopic : undefined;
    this.topic =
      reused ??
      new AlertTopic(this, "alerts", {
        name: o.topicName,
        email: deployment.alertEmail,
        kmsKeyArn: keyArn,
      });

    if (props.appRunner) {
      const bucketName = `${phase.project}-observability-${this.region}-${deployment.accountId}`;
      const bucket = new PrivateBucket(this, "bucket", {
        bucketName,
        kmsKeyArn: keyArn,
        accessLogs: { target: props.storage.accessLogs, prefix: `s3/${bucketName}/` },
        lifecycleRules: [
          {
            id: "expire-canary-artifacts",
            status: "Enabled",
            filter: [{ prefix: CANARY_RUNS_PREFIX }],
            expiration: [{ days: o.healthProbe.artifactExpireDays }],
            noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          },
          {
            id: "expire-old-code-versions",
            status: "Enabled",
            filter: [{ prefix: "code/" }],
            noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          },
        ],
      });
      new LogGroupSweeper(this, "log-group-sweeper", {
        name: `${phase.project}-log-group-sweeper-${rc.key}`,
        region: this.region,
        accountId: deployment.accountId,
        kmsKeyArn: keyArn,
        retentionDays: o.logRetentionDays,
        bucket,
        alertTopicArn: this.topic.arn,
      });
      if (deployment.healthProbe === "canary") {
        const secret = this.originSecret;
        this.canaries = new CanaryFleet(this, "canaries", {
          regionKey: rc.key,
          region: this.region,
          accountId: deployment.accountId,
          bucket,
          kmsKeyArn: keyArn,
          probe: o.healthProbe,
          originSecret: secret,
          roleName: `${phase.project}-health-canary-${rc.key}`,
        });
      }
    }
    if (!rc.primary || !props.compute || !props.data) return;

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
        new ServiceAlarms(this, `${svc.config.key}-alb-alarms`, {
          label,
          metrics: albMetrics(svc.alb.loadBalancer, svc.alb.targetGroup),
          thresholds: t,
          topicArn: this.topic.arn,
        });
        continue;
      }
      new ServiceAlarms(this, `${svc.config.key}-alarms`, {
        label,
        metrics: appRunnerMetrics(svc.name, svc.id),
        thresholds: t,
        topicArn: this.topic.arn,
      });
      this.healthProbe(this, svc.config.key, {
        label,
        probeName: `${phase.project}-${svc.config.key}`,
        host: svc.url,
        path: svc.config.healthCheck.path,
        failures: t.healthCheckFailures,
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
    db.readReplicas.forEach(
      (r, i) =>
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

  /** The primary region's origin header secret, as the canaries read it. */
  private get originSecret(): { arn: string; region: string; kmsKeyArn: string } {
    const primary = this.props.primary ?? this;
    const secret = (this.props.regionConfig.primary ? this.props.platform : primary.props.platform).originSecret;
    if (!secret) throw new Error(`ObservabilityStack ${this.node.id}: no origin header secret (the primary platform stack holds it)`);
    const region = primary.region;
    return { arn: secret.arn, region, kmsKeyArn: this.props.keys.keyArn(region) };
  }

  /**
   * The "> N consecutive failed health checks" alarm of one App Runner service, built in the
   * service's own stack (`scope`: this stack, or a tenant's or shard's) with the probe the
   * deployment chose: a Synthetics canary of this region (default), or a Route 53 health check
   * (alarm in us-east-1, where its metrics are).
   */
  healthProbe(scope: BaseStack, id: string, target: HealthProbeTarget): void {
    const { phase, deployment } = this.settings;
    const probe = phase.observability.healthProbe;
    // Construct IDs differ per probe: switching creates one and deletes the other, never in place.
    const join = (what: string) => (id ? `${id}-${what}` : what);
    if (deployment.healthProbe === "route53") {
      const global = this.globalTopic ?? this.props.primary?.globalTopic;
      if (!global) throw new Error(`ObservabilityStack ${this.node.id}: the Route 53 probe needs the primary stack's us-east-1 topic`);
      new HealthCheckAlarm(scope, join("health"), {
        name: target.label,
        host: target.host,
        path: target.path,
        failures: target.failures,
        regions: probe.route53Regions,
        topicArn: global.arn,
        provider: scope.awsIn(GLOBAL_REGION),
      });
      return;
    }
    if (!this.canaries) throw new Error(`ObservabilityStack ${this.node.id}: no canary fleet in ${this.region} (props.appRunner is false)`);
    const fleet = this.canaries;
    new HealthCanary(scope, join("canary"), {
      label: target.label,
      name: target.probeName,
      url: `https://${target.host}${target.path}`,
      failures: target.failures,
      probe,
      fleet: {
        bucketName: fleet.bucket.name,
        roleArn: fleet.role.arn,
        codeKey: fleet.code.key,
        codeVersion: fleet.code.versionId,
        kmsKeyArn: this.props.keys.keyArn(this.region),
      },
      originHeader: phase.originGuard.headerName,
      originSecret: this.originSecret,
      topicArn: this.topic.arn,
      provider: scope.awsIn(this.region),
    });
  }
}
