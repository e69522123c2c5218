import { blocks } from "../../json";
import { Rule } from "../../types";

export const TargetGroupHttps: Rule = {
  id: "RX-ELB-6",
  name: "TargetGroupHttps",
  level: "error",
  title: "Load balancer reaches its targets over plain HTTP",
  explanation:
    "Between the ALB and the tasks, requests carry patient data and session tokens: the hop inside the VPC must be encrypted as well (HIPAA transmission security).",
  fix: 'Set protocol = "HTTPS" and health_check { protocol = "HTTPS" } on the target group, with a TLS listener in the task (the TLS sidecar of modules/fargate-service.ts).',
  mirrors: ["CKV_AWS_378"],
  appliesTo: ["aws_lb_target_group"],
  evaluate: (tg) => {
    if (tg.config.target_type === "lambda") return undefined;
    const out: string[] = [];
    if (tg.config.protocol !== "HTTPS") out.push(`protocol is ${JSON.stringify(tg.config.protocol ?? "HTTP")}`);
    const hc = blocks(tg.config.health_check)[0];
    if (hc && (hc.protocol ?? "HTTP") !== "HTTPS") out.push(`health_check protocol is ${JSON.stringify(hc.protocol ?? "HTTP")}`);
    return out;
  },
};
