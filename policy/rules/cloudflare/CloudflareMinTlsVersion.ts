import { Rule } from "../../types";
import { DNS_TYPES, isProxied, zoneSettingValues } from "./common";

const ACCEPTED = ["1.2", "1.3"];

export const CloudflareMinTlsVersion: Rule = {
  id: "RX-CF-5",
  name: "CloudflareMinTlsVersion",
  level: "error",
  title: "Cloudflare accepts TLS versions below 1.2",
  explanation: "TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail HIPAA transmission-security reviews; Cloudflare's default minimum is 1.0.",
  fix: 'Add a cloudflare_zone_setting { setting_id = "min_tls_version", value = "1.2" } for the zone of every proxied record.',
  mirrors: [],
  appliesTo: ["cloudflare_zone_setting", ...DNS_TYPES],
  evaluate: (r, stack) => {
    if (r.type === "cloudflare_zone_setting") {
      return r.config.setting_id === "min_tls_version" && !ACCEPTED.includes(String(r.config.value)) ? `min_tls_version is ${JSON.stringify(r.config.value)}` : undefined;
    }
    if (!isProxied(r)) return undefined;
    const values = zoneSettingValues(stack, r.config.zone_id, "min_tls_version").map(String);
    return values.some((v) => ACCEPTED.includes(v)) ? undefined : "proxied, but this stack sets no min_tls_version of 1.2 or 1.3 for its zone";
  },
};
