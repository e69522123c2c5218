import { Json, jsonExpression } from "../lib/json-expression";

/** The document's dashboard: requests, 5xx rate, latency percentiles, instances, CPU/memory, RDS, Redis. */
export interface DashboardService {
  readonly name: string;
  /** App Runner service id, or the ECS cluster name on Fargate. */
  readonly id: string;
  /** Fargate: the ALB and target group dimensions. @default - App Runner's metrics (AWS/AppRunner by service name and id) */
  readonly alb?: { readonly loadBalancer: string; readonly targetGroup: string };
}

export interface DashboardInput {
  readonly region: string;
  readonly services: readonly DashboardService[];
  readonly databases: readonly string[];
  readonly cacheId: string;
}

type Metric = (string | Record<string, unknown>)[];

/** Where each of the document's service metrics lives for the engine a service runs on. */
function serviceMetric(s: DashboardService, what: "requests" | "errors" | "latency" | "instances" | "cpu" | "memory"): Metric {
  if (!s.alb) {
    const name = {
      requests: "Requests",
      errors: "5xxStatusResponses",
      latency: "RequestLatency",
      instances: "ActiveInstances",
      cpu: "CPUUtilization",
      memory: "MemoryUtilization",
    }[what];
    return ["AWS/AppRunner", name, "ServiceName", s.name, "ServiceID", s.id];
  }
  const alb = (name: string): Metric => [
    "AWS/ApplicationELB",
    name,
    "LoadBalancer",
    s.alb!.loadBalancer,
    "TargetGroup",
    s.alb!.targetGroup,
  ];
  switch (what) {
    case "requests":
      return alb("RequestCount");
    case "errors":
      return alb("HTTPCode_Target_5XX_Count");
    case "latency":
      return alb("TargetResponseTime");
    case "instances":
      return ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", s.id, "ServiceName", s.name];
    case "cpu":
      return ["AWS/ECS", "CPUUtilization", "ClusterName", s.id, "ServiceName", s.name];
    case "memory":
      return ["AWS/ECS", "MemoryUtilization", "ClusterName", s.id, "ServiceName", s.name];
  }
}

export function dashboardBody(input: DashboardInput): string {
  const { region } = input;
  const svc = (what: Parameters<typeof serviceMetric>[1], extra: Record<string, unknown> = {}): Metric[] =>
    input.services.map((s) => [...serviceMetric(s, what), extra]);
  const widget = (title: string, metrics: Metric[], x: number, y: number, stat = "Sum", period = 60) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, metrics, stat, period, view: "timeSeries" },
  });
  const rds = (metric: string): Metric[] => input.databases.map((id) => ["AWS/RDS", metric, "DBInstanceIdentifier", id]);
  const errorRate: Metric[] = input.services.flatMap((s, i) => [
    [{ expression: `100 * e${i} / r${i}`, label: `${s.name} 5xx %`, id: `rate${i}` }],
    [...serviceMetric(s, "errors"), { id: `e${i}`, visible: false }],
    [...serviceMetric(s, "requests"), { id: `r${i}`, visible: false }],
  ]);
  const widgets = [
    widget("Requests per minute", svc("requests"), 0, 0),
    widget("Error rate (5xx / total, %)", errorRate, 12, 0),
    widget(
      "Response time p50 / p95 / p99",
      ["p50", "p95", "p99"].flatMap((p) => svc("latency", { stat: p, label: p })),
      0,
      6,
      "p99",
    ),
    widget("Active instances", svc("instances"), 12, 6, "Maximum"),
    widget("CPU and memory per instance (%)", [...svc("cpu"), ...svc("memory")], 0, 12, "Average"),
    widget("RDS connections", rds("DatabaseConnections"), 12, 12, "Maximum"),
    widget("RDS CPU (%)", rds("CPUUtilization"), 0, 18, "Average"),
    widget("RDS free storage (bytes)", rds("FreeStorageSpace"), 12, 18, "Minimum"),
    widget("RDS read / write IOPS", [...rds("ReadIOPS"), ...rds("WriteIOPS")], 0, 24, "Average"),
    widget(
      "ElastiCache memory, connections, hits / misses",
      ["DatabaseMemoryUsagePercentage", "CurrConnections", "CacheHits", "CacheMisses"].map((m) => [
        "AWS/ElastiCache",
        m,
        "CacheClusterId",
        `${input.cacheId}-001`,
      ]),
      12,
      24,
      "Average",
    ),
  ];
  return jsonExpression({ widgets } as Json);
}
