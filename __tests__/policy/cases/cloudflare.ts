import { RuleCase, stack } from "../harness";

const ZONE = "023e105f4ecef8ad9ca31a8372d0c353";
const app = { zone_id: ZONE, name: "api.example.com", type: "CNAME", content: "origin.example.net", proxied: true, ttl: 1 };
const validation = {
  zone_id: ZONE,
  name: "_abc123.api.example.com",
  type: "CNAME",
  content: "_xyz.acm-validations.aws",
  proxied: false,
  ttl: 1,
};
/** As the edge stack writes App Runner's validation records: names known only after the compute stack is applied. */
const computedValidation = {
  zone_id: ZONE,
  for_each: "${{ for key, val in tolist(data.terraform_remote_state.compute.outputs.certificate_validation_records): val.name => val }}",
  name: '${trimsuffix(each.value.name, ".")}',
  type: "${each.value.type}",
  content: '${trimsuffix(each.value.value, ".")}',
  proxied: false,
  ttl: 1,
};
const setting = (setting_id: string, value: string, zone_id = ZONE) => ({ zone_id, setting_id, value });
const waf = {
  zone_id: ZONE,
  kind: "zone",
  name: "managed",
  phase: "http_request_firewall_managed",
  rules: [{ action: "execute", action_parameters: { id: "efb7b8c949ac4650a09736fc376e9aee" }, expression: "true", enabled: true }],
};
/** A configuration rule setting the SSL mode for some hostnames, and the zone's config ruleset holding it. */
const configRule = (hosts: string[], ssl = "strict") => ({
  action: "set_config",
  action_parameters: { ssl },
  expression: hosts.length === 1 ? `(http.host eq "${hosts[0]}")` : `(http.host in {${hosts.map((h) => `"${h}"`).join(" ")}})`,
  description: `ssl ${ssl}`,
  enabled: true,
});
const configRules = (rules: object[], zone_id = ZONE) => ({ zone_id, kind: "zone", name: "config", phase: "http_config_settings", rules });
const edge = {
  cloudflare_zone_setting: { ssl: setting("ssl", "strict"), tls: setting("min_tls_version", "1.2") },
  cloudflare_ruleset: { waf },
};
const R = (name: string) => `cloudflare_dns_record.${name}`;
const S = (name: string) => `cloudflare_zone_setting.${name}`;

export const cloudflareCases: RuleCase[] = [
  {
    rule: "RX-CF-1",
    title: "application A/AAAA/CNAME records are proxied; validation and TXT records are not this rule's",
    json: stack({
      ...edge,
      cloudflare_dns_record: {
        pass: app,
        pass_validation: validation,
        pass_computed_validation: computedValidation,
        pass_txt: { zone_id: ZONE, name: "example.com", type: "TXT", content: "v=spf1 -all", ttl: 1 },
        fail: { ...app, proxied: false },
        fail2: { ...app, name: "telemetry.example.com", proxied: undefined },
      },
      cloudflare_record: { fail_v4: { zone_id: ZONE, name: "www", type: "A", value: "192.0.2.1" } },
    }),
    pass: [R("pass"), R("pass_validation"), R("pass_computed_validation"), R("pass_txt")],
    fail: [R("fail"), R("fail2"), "cloudflare_record.fail_v4"],
  },
  {
    rule: "RX-CF-2",
    title: "validation records (names starting with _ or computed from validation records) stay DNS-only",
    json: stack({
      ...edge,
      cloudflare_dns_record: {
        pass: validation,
        pass_computed: computedValidation,
        pass_app: app,
        fail: { ...validation, proxied: true },
        fail_computed: { ...computedValidation, proxied: true },
      },
    }),
    pass: [R("pass"), R("pass_computed"), R("pass_app")],
    fail: [R("fail"), R("fail_computed")],
  },
  {
    rule: "RX-CF-3",
    title: 'ssl must be "strict", and a proxied record needs that setting for its zone',
    json: stack({
      cloudflare_zone_setting: {
        pass: setting("ssl", "strict"),
        pass_other: setting("always_use_https", "on"),
        fail: setting("ssl", "full", "other-zone"),
      },
      cloudflare_ruleset: { waf },
      cloudflare_dns_record: { pass: app, pass_dns_only: { ...validation }, fail: { ...app, zone_id: "other-zone" } },
    }),
    pass: [S("pass"), S("pass_other"), "cloudflare_ruleset.waf", R("pass"), R("pass_dns_only")],
    fail: [S("fail"), R("fail")],
  },
  {
    rule: "RX-CF-3",
    title: "scoped: a configuration rule naming the hostname proves ssl strict; one that lowers ssl, or does not name the host, does not",
    json: stack({
      cloudflare_ruleset: {
        pass_config: configRules([configRule(["api.example.com", "telemetry.example.com"])]),
        pass_single: configRules([configRule(["single.example.com"])], "single-zone"),
        fail_downgrade: configRules([configRule(["www.example.com"], "flexible")], "www-zone"),
        pass_disabled: configRules([{ ...configRule(["off.example.com"]), enabled: false }], "off-zone"),
        pass_narrowed: configRules(
          [{ ...configRule(["narrow.example.com"]), expression: '(http.host eq "narrow.example.com") and http.request.uri.path eq "/"' }],
          "narrow-zone",
        ),
      },
      cloudflare_dns_record: {
        pass_api: app,
        pass_telemetry: { ...app, name: "telemetry.example.com" },
        pass_single: { ...app, zone_id: "single-zone", name: "single.example.com" },
        fail_not_named: { ...app, name: "www.example.com" },
        fail_downgraded: { ...app, zone_id: "www-zone", name: "www.example.com" },
        fail_disabled: { ...app, zone_id: "off-zone", name: "off.example.com" },
        fail_narrowed: { ...app, zone_id: "narrow-zone", name: "narrow.example.com" },
        fail_computed_name: { ...app, name: "${var.host}" },
      },
    }),
    pass: [
      "cloudflare_ruleset.pass_config",
      "cloudflare_ruleset.pass_single",
      "cloudflare_ruleset.pass_disabled",
      "cloudflare_ruleset.pass_narrowed",
      R("pass_api"),
      R("pass_telemetry"),
      R("pass_single"),
    ],
    fail: [
      "cloudflare_ruleset.fail_downgrade",
      R("fail_not_named"),
      R("fail_downgraded"),
      R("fail_disabled"),
      R("fail_narrowed"),
      R("fail_computed_name"),
    ],
  },
  {
    rule: "RX-CF-4",
    title: "proxied records need a managed WAF ruleset executing in their zone",
    json: stack({
      ...edge,
      cloudflare_ruleset: {
        waf,
        disabled: { ...waf, zone_id: "disabled-zone", rules: [{ ...waf.rules[0], enabled: false }] },
        custom_only: {
          ...waf,
          zone_id: "custom-zone",
          phase: "http_request_firewall_custom",
          rules: [{ action: "block", expression: "true" }],
        },
      },
      cloudflare_dns_record: {
        pass: app,
        pass_dns_only: validation,
        fail: { ...app, zone_id: "disabled-zone" },
        fail2: { ...app, zone_id: "custom-zone" },
      },
    }),
    pass: [R("pass"), R("pass_dns_only")],
    fail: [R("fail"), R("fail2")],
  },
  {
    rule: "RX-CF-5",
    title: "min_tls_version 1.2 or 1.3, and a proxied record needs it for its zone",
    json: stack({
      cloudflare_zone_setting: { pass: setting("min_tls_version", "1.3"), fail: setting("min_tls_version", "1.0", "old-zone") },
      cloudflare_ruleset: { waf },
      cloudflare_dns_record: { pass: app, fail: { ...app, zone_id: "old-zone" }, fail2: { ...app, zone_id: "unset-zone" } },
    }),
    pass: [S("pass"), R("pass")],
    fail: [S("fail"), R("fail"), R("fail2")],
  },
  {
    rule: "RX-CF-5",
    title: "scoped: a blocking rule refusing TLS 1.0 and 1.1 for the hostname, or a per-hostname setting, proves the minimum",
    json: stack({
      cloudflare_ruleset: {
        custom: {
          zone_id: ZONE,
          kind: "zone",
          name: "custom",
          phase: "http_request_firewall_custom",
          rules: [
            {
              action: "block",
              expression: '(http.host in {"api.example.com" "telemetry.example.com"}) and cf.tls_version in {"TLSv1" "TLSv1.1"}',
              enabled: true,
            },
            // Refuses TLS 1.0 only: TLS 1.1 still gets through.
            { action: "block", expression: '(http.host eq "partial.example.com") and cf.tls_version in {"TLSv1"}', enabled: true },
            // Logs instead of blocking.
            { action: "log", expression: '(http.host eq "logged.example.com") and cf.tls_version in {"TLSv1" "TLSv1.1"}', enabled: true },
            {
              action: "block",
              expression: '(http.host eq "disabled.example.com") and cf.tls_version in {"TLSv1" "TLSv1.1"}',
              enabled: false,
            },
          ],
        },
      },
      cloudflare_hostname_tls_setting: {
        pass: { zone_id: ZONE, setting_id: "min_tls_version", hostname: "acm.example.com", value: "1.2" },
        fail: { zone_id: ZONE, setting_id: "min_tls_version", hostname: "old.example.com", value: "1.0" },
      },
      cloudflare_dns_record: {
        pass_api: app,
        pass_telemetry: { ...app, name: "telemetry.example.com" },
        pass_acm: { ...app, name: "acm.example.com" },
        fail_partial: { ...app, name: "partial.example.com" },
        fail_logged: { ...app, name: "logged.example.com" },
        fail_disabled: { ...app, name: "disabled.example.com" },
        fail_old: { ...app, name: "old.example.com" },
        fail_unnamed: { ...app, name: "www.example.com" },
      },
    }),
    pass: ["cloudflare_hostname_tls_setting.pass", R("pass_api"), R("pass_telemetry"), R("pass_acm")],
    fail: [
      "cloudflare_hostname_tls_setting.fail",
      R("fail_partial"),
      R("fail_logged"),
      R("fail_disabled"),
      R("fail_old"),
      R("fail_unnamed"),
    ],
  },
];
