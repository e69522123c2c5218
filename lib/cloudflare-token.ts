/**
 * The Cloudflare API token permissions each ruleset phase needs, as Cloudflare's token dialog names
 * them (scope Zone): `edit` for `cdktf deploy`, `read` for `npm run discover`. One list, so the
 * documented token (docs/edge-and-delivery.md, docs/adoption.md) and discover's help cannot miss a
 * phase the edge stack writes (a test checks every synthesized cloudflare_ruleset phase is here).
 * Sources: Cloudflare's ruleset engine docs, "Required API token permissions" of each phase's
 * create/update operation; http_request_late_transform is "Zone Transform Rules" (Transform Rules).
 */
export const RULESET_PHASE_PERMISSIONS: Readonly<Record<string, { readonly edit: string; readonly read: string; readonly for: string }>> = {
  http_request_firewall_managed: { edit: "Zone WAF: Edit", read: "Zone WAF: Read", for: "the managed WAF entry point" },
  http_request_firewall_custom: { edit: "Zone WAF: Edit", read: "Zone WAF: Read", for: "the custom rules entry point" },
  http_ratelimit: { edit: "Zone WAF: Edit", read: "Zone WAF: Read", for: "the rate-limit entry point" },
  http_config_settings: { edit: "Config Settings: Edit", read: "Config Settings: Read", for: "the configuration rule" },
  http_request_late_transform: {
    edit: "Transform Rules: Edit",
    read: "Transform Rules: Read",
    for: "the origin header rule (request header transform)",
  },
};

/** The distinct read permissions discover needs, DNS first. */
export function discoverReadPermissions(): string[] {
  return ["DNS: Read", ...new Set(Object.values(RULESET_PHASE_PERMISSIONS).map((p) => p.read))];
}
