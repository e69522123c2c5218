import { block, isFalse } from "../../json";
import { Rule } from "../../types";

export const TargetGroupHealthCheck: Rule = {
  id: "RX-ELB-5",
  name: "TargetGroupHealthCheck",
  level: "error",
  title: "Target group has no HTTP health check path",
  explanation:
    "Without a health check on the application's own endpoint the ALB keeps sending patients to tasks that accept connections but cannot serve.",
  fix: 'Set health_check { enabled = true, path = "/health", ... }.',
  mirrors: [],
  appliesTo: ["aws_lb_target_group"],
  evaluate: (tg) => {
    const hc = block(tg.config.health_check);
    if (isFalse(hc.enabled)) return "health_check is disabled";
    return typeof hc.path === "string" && hc.path.startsWith("/") ? undefined : "health_check has no path";
  },
};
