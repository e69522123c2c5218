import { BudgetsBudget } from "@cdktf/provider-aws/lib/budgets-budget";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { json, only, resources, stack, synth, text } from "./helpers";

const obs = stack(synth({ phase: 1 }), "observability");
const alarms: Record<string, any> = Object.fromEntries(resources(obs, "aws_cloudwatch_metric_alarm").map(([, a]) => [a.alarm_name, a]));

describe("phase 1 observability (the document's alarms, dashboard and budget)", () => {
  test("restartix-alerts topics (eu-central-1, and us-east-1 for billing and health checks) with the email subscribed", () => {
    const topics = resources(obs, "aws_sns_topic").map(([, t]) => [t.name, t.provider ?? "aws"]);
    expect(topics).toEqual(
      expect.arrayContaining([
        ["restartix-alerts", "aws"],
        ["restartix-alerts", "aws.us-east-1"],
      ]),
    );
    expect(text(obs)).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "alerts@example.com" });
  });

  test("every alarm notifies a restartix-alerts topic", () => {
    // 2 per service + 2 health canary alarms per service + 3 database + estimated charges + the log
    // group sweeper's errors and dead letters
    expect(Object.keys(alarms)).toHaveLength(14);
    for (const a of Object.values(alarms)) expect(a.alarm_actions[0]).toMatch(/aws_sns_topic\.alerts/);
  });

  test("5xx rate > 1% over 5 minutes, per service", () => {
    for (const svc of ["restartix-core-api", "restartix-telemetry-api"]) {
      const a = alarms[`${svc}-5xx-rate`];
      expect(a).toMatchObject({ comparison_operator: "GreaterThanThreshold", threshold: 1, evaluation_periods: 1 });
      const metrics = a.metric_query.filter((q: any) => q.metric).map((q: any) => [q.metric.metric_name, q.metric.period]);
      expect(metrics).toEqual([
        ["5xxStatusResponses", 300],
        ["Requests", 300],
      ]);
    }
  });

  test("p99 latency > 1 s for 5 minutes", () => {
    expect(alarms["restartix-core-api-p99-latency"]).toMatchObject({
      metric_name: "RequestLatency",
      extended_statistic: "p99",
      threshold: 1000,
      period: 60,
      evaluation_periods: 5,
      datapoints_to_alarm: 5,
    });
  });

  test("health-check failures: a canary per service (the default probe; __tests__/compute-observability.test.ts has both probes)", () => {
    expect(resources(obs, "aws_route53_health_check")).toEqual([]);
    expect(
      resources(obs, "aws_synthetics_canary")
        .map(([, c]) => c.name)
        .sort(),
    ).toEqual(["restartix-core", "restartix-telemetry"]);
    expect(alarms["restartix-core-api-unhealthy-canary"]).toMatchObject({
      namespace: "CloudWatchSynthetics",
      metric_name: "SuccessPercent",
      threshold: 100,
    });
  });

  test("RDS: connections > 160 (80% of 200), CPU > 80% for 10 minutes, free storage < 10 GB", () => {
    expect(alarms["restartix-prod-connections"]).toMatchObject({
      metric_name: "DatabaseConnections",
      threshold: 160,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(alarms["restartix-prod-cpu"]).toMatchObject({
      metric_name: "CPUUtilization",
      threshold: 80,
      period: 300,
      evaluation_periods: 2,
    });
    expect(alarms["restartix-prod-free-storage"]).toMatchObject({
      metric_name: "FreeStorageSpace",
      threshold: 10 * 1024 ** 3,
      comparison_operator: "LessThanThreshold",
    });
  });

  test("estimated charges > $200 in us-east-1 (billing metrics live only there)", () => {
    expect(alarms["restartix-estimated-charges"]).toMatchObject({
      namespace: "AWS/Billing",
      metric_name: "EstimatedCharges",
      threshold: 200,
      dimensions: { Currency: "USD" },
      provider: "aws.us-east-1",
    });
  });

  test("monthly budget of $200 alerting at 80% and 100%", () => {
    expect(text(obs)).toHaveResourceWithProperties(BudgetsBudget, {
      budget_type: "COST",
      limit_amount: "200",
      limit_unit: "USD",
      time_unit: "MONTHLY",
    });
    const thresholds = only(obs, "aws_budgets_budget").notification.map((n: any) => [
      n.threshold,
      n.threshold_type,
      n.subscriber_email_addresses,
    ]);
    expect(thresholds).toEqual([
      [80, "PERCENTAGE", ["alerts@example.com"]],
      [100, "PERCENTAGE", ["alerts@example.com"]],
    ]);
  });

  test("dashboard has the document's widgets", () => {
    const body = json(only(obs, "aws_cloudwatch_dashboard").dashboard_body);
    const titles = body.widgets.map((w: any) => w.properties.title);
    expect(titles).toEqual([
      "Requests per minute",
      "Error rate (5xx / total, %)",
      "Response time p50 / p95 / p99",
      "Active instances",
      "CPU and memory per instance (%)",
      "RDS connections",
      "RDS CPU (%)",
      "RDS free storage (bytes)",
      "RDS read / write IOPS",
      "ElastiCache memory, connections, hits / misses",
    ]);
  });
});
