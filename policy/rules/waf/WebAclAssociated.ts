import { isTrue } from "../../json";
import { Rule } from "../../types";

export const WebAclAssociated: Rule = {
  id: "RX-WAF-1",
  name: "WebAclAssociated",
  level: "error",
  title: "Public service endpoint has no WAF web ACL",
  explanation:
    "Every App Runner service has a public *.awsapprunner.com domain and the ALB a public DNS name: without a web ACL that admits only Cloudflare's requests, anyone can skip Cloudflare's WAF, OWASP rules and rate limits by calling them directly.",
  fix: "Add an aws_wafv2_web_acl_association with resource_arn = <the service or load balancer ARN> and the region's origin guard web ACL (modules/waf.ts guard()).",
  mirrors: ["CKV2_AWS_28"],
  appliesTo: ["aws_apprunner_service", "aws_lb"],
  evaluate: (r, stack) => {
    if (r.type === "aws_lb" && ((r.config.load_balancer_type ?? "application") !== "application" || isTrue(r.config.internal)))
      return undefined;
    return stack.attached(r, "aws_wafv2_web_acl_association", "resource_arn").length > 0
      ? undefined
      : "no aws_wafv2_web_acl_association points at it";
  },
};
