import { Rule } from "../../types";
import { DNS_TYPES, enabledRules, isProxied, matchedHosts, OLD_TLS_VERSIONS, zoneSettingValues } from "./common";

const ACCEPTED = ["1.2", "1.3"];

/**
 * The hostnames a custom firewall rule closes to TLS below 1.2: a blocking rule whose expression is
 * `<host match> and cf.tls_version in {"TLSv1" "TLSv1.1" ...}`.
 */
function tlsFloorHosts(rule: Record<string, any>): string[] {
  if (rule.action !== "block" || typeof rule.expression !== "string") return [];
  const m = /^(.*\))\s+and\s+cf\.tls_version\s+in\s+\{((?:\s*"[^"]*")+)\s*\}$/.exec(rule.expression.trim());
  if (!m) return [];
  const refused = [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
  return OLD_TLS_VERSIONS.every((v) => refused.includes(v)) ? (matchedHosts(m[1]) ?? []) : [];
}

export const CloudflareMinTlsVersion: Rule = {
  id: "RX-CF-5",
  name: "CloudflareMinTlsVersion",
  level: "error",
  title: "Cloudflare accepts TLS versions below 1.2",
  explanation:
    "TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail HIPAA transmission-security reviews; Cloudflare's default minimum is 1.0.",
  fix: 'For every proxied hostname: a blocking custom firewall rule `(http.host in {...}) and cf.tls_version in {"TLSv1" "TLSv1.1"}`, a cloudflare_hostname_tls_setting { setting_id = "min_tls_version", value = "1.2" }, or a cloudflare_zone_setting { setting_id = "min_tls_version", value = "1.2" } for the whole zone.',
  mirrors: [],
  appliesTo: ["cloudflare_zone_setting", "cloudflare_hostname_tls_setting", ...DNS_TYPES],
  evaluate: (r, stack) => {
    if (r.type === "cloudflare_zone_setting" || r.type === "cloudflare_hostname_tls_setting") {
      return r.config.setting_id === "min_tls_version" && !ACCEPTED.includes(String(r.config.value))
        ? `min_tls_version is ${JSON.stringify(r.config.value)}`
        : undefined;
    }
    if (!isProxied(r)) return undefined;
    const host = r.config.name;
    if (
      zoneSettingValues(stack, r.config.zone_id, "min_tls_version")
        .map(String)
        .some((v) => ACCEPTED.includes(v))
    )
      return undefined;
    const perHostname = stack
      .resources("cloudflare_hostname_tls_setting")
      .some(
        (s) =>
          s.config.zone_id === r.config.zone_id &&
          s.config.setting_id === "min_tls_version" &&
          s.config.hostname === host &&
          ACCEPTED.includes(String(s.config.value)),
      );
    if (perHostname) return undefined;
    const refused = enabledRules(stack, r.config.zone_id, "http_request_firewall_custom").some(
      (rule) => typeof host === "string" && tlsFloorHosts(rule).includes(host),
    );
    if (refused) return undefined;
    return `proxied, but nothing refuses TLS below 1.2 for ${JSON.stringify(host)} (no host rule, per-hostname setting or zone setting)`;
  },
};
