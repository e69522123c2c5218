import { isExpression } from "../../json";
import { Rule } from "../../types";
import { DNS_TYPES, isProxied, isValidationRecord } from "./common";

const PROXYABLE = ["A", "AAAA", "CNAME"];

export const CloudflareApplicationRecordProxied: Rule = {
  id: "RX-CF-1",
  name: "CloudflareApplicationRecordProxied",
  level: "error",
  title: "Application hostname bypasses Cloudflare",
  explanation:
    "A DNS-only record publishes the origin to the world: traffic skips the WAF, rate limits and TLS settings, and the origin can be attacked directly.",
  fix: "Set proxied = true (and ttl = 1) on application A/AAAA/CNAME records.",
  mirrors: [],
  appliesTo: DNS_TYPES,
  evaluate: (r) => {
    const type = r.config.type;
    if (isValidationRecord(r) || typeof type !== "string" || isExpression(type) || !PROXYABLE.includes(type)) return undefined;
    return isProxied(r) ? undefined : `${type} ${JSON.stringify(r.config.name)} is not proxied`;
  },
};
