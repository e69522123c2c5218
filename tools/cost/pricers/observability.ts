import { Pricer } from "../context";

/** CloudWatch alarms and dashboards, Route 53 health checks, SNS topics, budgets. */

const alarm: Pricer = (r, ctx) => {
  const c = r.config;
  const queries = Array.isArray(c.metric_query) ? (c.metric_query as any[]) : [];
  // A metric-math alarm bills each metric it reads; an anomaly detection band reads 3.
  const anomaly = queries.some((q) => String(q.expression ?? "").includes("ANOMALY_DETECTION_BAND"));
  const metrics = anomaly ? 3 : queries.length ? queries.filter((q) => q.metric !== undefined).length : 1;
  const periods = [c.period, ...queries.map((q) => q.metric?.period)].filter((p) => p !== undefined).map(Number);
  const highRes = periods.some((p) => p < 60);
  const items = [
    ctx.item(r, {
      service: "CloudWatch",
      component: `${highRes ? "high-resolution " : ""}alarm (${metrics} metric${metrics === 1 ? "" : "s"})`,
      quantity: metrics,
      unit: "alarm metric-month",
      priceKey: highRes ? "cloudwatch.highResAlarmMetricMonth" : "cloudwatch.alarmMetricMonth",
      freeTier: highRes ? undefined : "cloudwatch.alarmMetrics",
    }),
  ];
  // An alarm on a namespace of our own reads a metric something here writes with PutMetricData
  // (the pg_dump's DumpsCompleted): that metric bills as a custom metric.
  if (typeof c.namespace === "string" && !c.namespace.startsWith("AWS/")) {
    items.push(
      ctx.item(r, {
        service: "CloudWatch",
        component: `custom metric ${c.namespace}/${String(c.metric_name)}`,
        quantity: 1,
        unit: "metric-month",
        priceKey: "cloudwatch.customMetricMonth",
        freeTier: "cloudwatch.customMetrics",
      }),
    );
  }
  return items;
};

/** An SQS queue (the backup schedule's dead-letter queue): requests only; an idle queue costs nothing. */
const queue: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "SQS",
    component: "requests",
    quantity: ctx.usage.sqsRequestsPerQueueMonth / 1e6,
    unit: "million requests",
    priceKey: "sqs.requestsMillion",
    freeTier: "sqs.requests",
  }),
];

const compositeAlarm: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "CloudWatch",
    component: "composite alarm",
    quantity: 1,
    unit: "alarm-month",
    priceKey: "cloudwatch.compositeAlarmMonth",
  }),
];

const dashboard: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "CloudWatch",
    component: "dashboard",
    quantity: 1,
    unit: "dashboard-month",
    priceKey: "cloudwatch.dashboardMonth",
    freeTier: "cloudwatch.dashboards",
  }),
];

const metricFilter: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "CloudWatch",
    component: "custom metric from a log filter",
    quantity: 1,
    unit: "metric-month",
    priceKey: "cloudwatch.customMetricMonth",
    freeTier: "cloudwatch.customMetrics",
  }),
];

/** Health checks on resources of the account are "AWS endpoints"; anything else bills as non-AWS. */
const AWS_ENDPOINT_TYPES = ["aws_lb", "aws_alb", "aws_elb", "aws_eip", "aws_instance", "aws_cloudfront_distribution"];

const healthCheck: Pricer = (r, ctx) => {
  const c = r.config;
  const type = String(c.type ?? "HTTP");
  const target = JSON.stringify([c.fqdn, c.ip_address]);
  const kind = AWS_ENDPOINT_TYPES.some((t) => target.includes(t)) ? "aws" : "nonAws";
  const options = [
    type.startsWith("HTTPS") ? "HTTPS" : undefined,
    type.endsWith("STR_MATCH") ? "string matching" : undefined,
    Number(c.request_interval ?? 30) === 10 ? "fast interval (10 s)" : undefined,
    c.measure_latency === true ? "latency measurement" : undefined,
  ].filter((o): o is string => o !== undefined);
  const endpoint = kind === "aws" ? "AWS endpoint" : "non-AWS endpoint";
  const items = [
    ctx.item(r, {
      service: "Route 53",
      component: `health check (${endpoint})`,
      quantity: 1,
      unit: "check-month",
      priceKey: "route53.healthCheckMonth",
      variant: kind,
    }),
  ];
  if (options.length) {
    items.push(
      ctx.item(r, {
        service: "Route 53",
        component: `health check options: ${options.join(", ")}`,
        quantity: options.length,
        unit: "option-month",
        priceKey: "route53.healthCheckOptionMonth",
        variant: kind,
        why: `each optional feature of a ${endpoint} health check bills on its own`,
      }),
    );
  }
  return items;
};

const hostedZone: Pricer = (r, ctx) => [
  ctx.item(r, { service: "Route 53", component: "hosted zone", quantity: 1, unit: "zone-month", priceKey: "route53.hostedZoneMonth" }),
];

const topic: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "SNS",
    component: "publishes",
    quantity: ctx.usage.snsPublishesPerTopicMonth / 1e6,
    unit: "million publishes",
    priceKey: "sns.publishesMillion",
    freeTier: "sns.publishes",
  }),
];

const budget: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "Budgets",
    component: "budget",
    quantity: 1,
    unit: "budget-month",
    priceKey: "budgets.budgetDay",
    priceFactor: ctx.hours / 24,
    freeTier: "budgets",
  }),
];

export const observabilityPricers: Readonly<Record<string, Pricer>> = {
  aws_cloudwatch_metric_alarm: alarm,
  aws_cloudwatch_composite_alarm: compositeAlarm,
  aws_cloudwatch_dashboard: dashboard,
  aws_cloudwatch_log_metric_filter: metricFilter,
  aws_route53_health_check: healthCheck,
  aws_route53_zone: hostedZone,
  aws_sns_topic: topic,
  aws_sqs_queue: queue,
  aws_budgets_budget: budget,
};
