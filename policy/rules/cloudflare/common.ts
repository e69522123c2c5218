import { isExpression, isTrue } from "../../json";
import { ResourceView, StackView } from "../../types";

/** v5 name first; v4's cloudflare_record reads the same for these rules. */
export const DNS_TYPES = ["cloudflare_dns_record", "cloudflare_record"];

/**
 * Certificate validation records (ACM, App Runner): their names start with "_". Names computed
 * from a domain association's validation records are unknown at synth, so the expression that
 * produces them (name or for_each) is what identifies them.
 */
export function isValidationRecord(r: ResourceView): boolean {
  const name = r.config.name;
  if (typeof name === "string" && !isExpression(name)) return name.startsWith("_");
  return [name, r.config.for_each].some((v) => typeof v === "string" && /validation/i.test(v));
}

export const isProxied = (r: ResourceView): boolean => isTrue(r.config.proxied);

/** The zone settings of a stack for one setting id (v5 cloudflare_zone_setting, v4 zone_settings_override). */
export function zoneSettingValues(stack: StackView, zoneId: unknown, settingId: string): unknown[] {
  const v5 = stack
    .resources("cloudflare_zone_setting")
    .filter((s) => s.config.setting_id === settingId && s.config.zone_id === zoneId)
    .map((s) => s.config.value);
  const v4 = stack
    .resources("cloudflare_zone_settings_override")
    .filter((s) => s.config.zone_id === zoneId)
    .flatMap((s) => [s.config.settings].flat())
    .map((settings) => settings?.[settingId])
    .filter((v) => v !== undefined);
  return [...v5, ...v4];
}
