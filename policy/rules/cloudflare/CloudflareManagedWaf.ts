import { blocks, isFalse } from "../../json";
import { Rule } from "../../types";
import { DNS_TYPES, isProxied } from "./common";

export const CloudflareManagedWaf: Rule = {
  id: "RX-CF-4",
  name: "CloudflareManagedWaf",
  level: "error",
  title: "Proxied hostname without Cloudflare's managed WAF rules",
  explanation:
    "Proxying only helps if the traffic is inspected: the managed rulesets (Cloudflare Managed, OWASP) block known exploit patterns before they reach the API.",
  fix: 'Add a cloudflare_ruleset with phase = "http_request_firewall_managed" and an enabled rule { action = "execute" } for the zone.',
  mirrors: [],
  appliesTo: DNS_TYPES,
  evaluate: (r, stack) => {
    if (!isProxied(r)) return undefined;
    const waf = stack
      .resources("cloudflare_ruleset")
      .some(
        (rs) =>
          rs.config.phase === "http_request_firewall_managed" &&
          (rs.config.zone_id === r.config.zone_id || rs.config.kind === "root") &&
          blocks(rs.config.rules).some((rule) => rule.action === "execute" && !isFalse(rule.enabled)),
      );
    return waf ? undefined : "proxied, but this stack has no http_request_firewall_managed ruleset executing a managed ruleset";
  },
};
