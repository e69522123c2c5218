import { Rule } from "../../types";
import { DNS_TYPES, isProxied, zoneSettingValues } from "./common";

export const CloudflareSslStrict: Rule = {
  id: "RX-CF-3",
  name: "CloudflareSslStrict",
  level: "error",
  title: 'Cloudflare does not verify the origin certificate (SSL mode not "strict")',
  explanation: 'In "flexible" mode Cloudflare talks plain HTTP to the origin, in "full" it accepts any certificate: either way patient data can be read or altered between Cloudflare and AWS.',
  fix: 'Add a cloudflare_zone_setting { setting_id = "ssl", value = "strict" } for the zone of every proxied record.',
  mirrors: [],
  appliesTo: ["cloudflare_zone_setting", ...DNS_TYPES],
  evaluate: (r, stack) => {
    if (r.type === "cloudflare_zone_setting") {
      return r.config.setting_id === "ssl" && r.config.value !== "strict" ? `ssl is ${JSON.stringify(r.config.value)}` : undefined;
    }
    if (!isProxied(r)) return undefined;
    const values = zoneSettingValues(stack, r.config.zone_id, "ssl");
    return values.includes("strict") ? undefined : "proxied, but this stack sets no ssl = strict for its zone";
  },
};
