import { block } from "../../json";
import { Rule } from "../../types";

export const AppRunnerHealthCheck: Rule = {
  id: "RX-AR-4",
  name: "AppRunnerHealthCheck",
  level: "error",
  title: "App Runner service has no HTTP health check",
  explanation:
    "The default TCP check only sees an open port: a process that accepts connections but cannot serve (lost database, deadlock) keeps receiving traffic.",
  fix: 'Set health_check_configuration { protocol = "HTTP", path = "/health", ... }.',
  mirrors: [],
  appliesTo: ["aws_apprunner_service"],
  evaluate: (svc) => {
    const hc = block(svc.config.health_check_configuration);
    if (Object.keys(hc).length === 0) return "health_check_configuration is not set";
    return hc.protocol === "HTTP" && typeof hc.path === "string" && hc.path !== ""
      ? undefined
      : `health check is ${JSON.stringify(hc.protocol ?? "TCP")} without a path`;
  },
};
