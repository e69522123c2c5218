/** The document's dashboard: requests, 5xx rate, latency percentiles, instances, CPU/memory, RDS, Redis. */
export interface DashboardInput {
  readonly region: string;
  readonly services: readonly { readonly name: string; readonly id: string }[];
  readonly databases: readonly string[];
  readonly cacheId: string;
}

type Metric = (string | Record<string, unknown>)[];

export function dashboardBody(input: DashboardInput): string {
  const { region } = input;
  const svc = (metric: string, extra: Record<string, unknown> = {}): Metric[] =>
    input.services.map((s) => ["AWS/AppRunner", metric, "ServiceName", s.name, "ServiceID", s.id, extra]);
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
    ["AWS/AppRunner", "5xxStatusResponses", "ServiceName", s.name, "ServiceID", s.id, { id: `e${i}`, visible: false }],
    ["AWS/AppRunner", "Requests", "ServiceName", s.name, "ServiceID", s.id, { id: `r${i}`, visible: false }],
  ]);
  const widgets = [
    widget("Requests per minute", svc("Requests"), 0, 0),
    widget("Error rate (5xx / total, %)", errorRate, 12, 0),
    widget(
      "Response time p50 / p95 / p99 (ms)",
      ["p50", "p95", "p99"].flatMap((p) => svc("RequestLatency", { stat: p, label: p })),
      0,
      6,
      "p99",
    ),
    widget("Active instances", svc("ActiveInstances"), 12, 6, "Maximum"),
    widget("CPU and memory per instance (%)", [...svc("CPUUtilization"), ...svc("MemoryUtilization")], 0, 12, "Average"),
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
  return JSON.stringify({ widgets });
}
