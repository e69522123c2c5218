import { blocks } from "../../json";
import { Rule } from "../../types";
import { covers, DNS_TYPES, enabledRules, isProxied, zoneSettingValues } from "./common";

const CONFIG_PHASE = "http_config_settings";

export const CloudflareSslStrict: Rule = {
  id: "RX-CF-3",
  name: "CloudflareSslStrict",
  level: "error",
  title: 'Cloudflare does not verify the origin certificate (SSL mode not "strict")',
  explanation:
    'In "flexible" mode Cloudflare talks plain HTTP to the origin, in "full" it accepts any certificate: either way patient data can be read or altered between Cloudflare and AWS.',
  fix: 'Add a configuration rule (cloudflare_ruleset, phase = "http_config_settings") with action = "set_config", action_parameters { ssl = "strict" } and expression (http.host in {...}) naming every proxied hostname; or a cloudflare_zone_setting { setting_id = "ssl", value = "strict" } for the whole zone.',
  mirrors: [],
  appliesTo: ["cloudflare_zone_setting", "cloudflare_ruleset", ...DNS_TYPES],
  evaluate: (r, stack) => {
    if (r.type === "cloudflare_zone_setting") {
      return r.config.setting_id === "ssl" && r.config.value !== "strict" ? `ssl is ${JSON.stringify(r.config.value)}` : undefined;
    }
    if (r.type === "cloudflare_ruleset") {
      if (r.config.phase !== CONFIG_PHASE) return undefined;
      // A configuration rule that lowers the SSL mode downgrades every hostname it matches.
      const weak = blocks(r.config.rules).filter(
        (rule) => rule.action === "set_config" && rule.action_parameters?.ssl !== undefined && rule.action_parameters.ssl !== "strict",
      );
      return weak.map(
        (rule) =>
          `configuration rule ${JSON.stringify(rule.description ?? rule.expression)} sets ssl = ${JSON.stringify(rule.action_parameters.ssl)}`,
      );
    }
    if (!isProxied(r)) return undefined;
    if (zoneSettingValues(stack, r.config.zone_id, "ssl").includes("strict")) return undefined;
    const scoped = enabledRules(stack, r.config.zone_id, CONFIG_PHASE).some(
      (rule) => rule.action === "set_config" && rule.action_parameters?.ssl === "strict" && covers(rule, r.config.name),
    );
    return scoped
      ? undefined
      : `proxied, but neither a configuration rule for ${JSON.stringify(r.config.name)} nor the zone sets ssl = strict`;
  },
};
