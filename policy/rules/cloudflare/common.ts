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

/** Hostnames of a rule expression that is exactly a host match: `(http.host eq "a")` or `(http.host in {"a" "b"})`. */
export function matchedHosts(expression: unknown): string[] | undefined {
  if (typeof expression !== "string") return undefined;
  const m = /^\(?\s*http\.host\s+(?:eq\s+("[^"]*")|in\s+\{((?:\s*"[^"]*")+)\s*\})\s*\)?$/.exec(expression.trim());
  if (!m) return undefined;
  return m[1] !== undefined ? [JSON.parse(m[1]) as string] : [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
}

/** TLS versions below 1.2, as the rules language names them (`cf.tls_version`). */
export const OLD_TLS_VERSIONS = ["TLSv1", "TLSv1.1"];

/** The enabled rules of a stack's rulesets in one phase of one zone. */
export function enabledRules(stack: StackView, zoneId: unknown, phase: string): Record<string, any>[] {
  return stack
    .resources("cloudflare_ruleset")
    .filter((rs) => rs.config.phase === phase && rs.config.zone_id === zoneId)
    .flatMap((rs) =>
      [rs.config.rules].flat().filter((rule) => rule && typeof rule === "object" && rule.enabled !== false && rule.enabled !== "false"),
    );
}

/** Whether a proxied record's hostname is covered by a host-scoped rule: `host` must be a literal name. */
export const covers = (rule: Record<string, any>, host: unknown): boolean =>
  typeof host === "string" && (matchedHosts(rule.expression) ?? []).includes(host);
