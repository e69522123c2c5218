/**
 * What already exists in the Cloudflare zone (read-only): the public hostnames' DNS records and the
 * zone's entry-point rulesets. The HTTP calls sit behind `CloudflareApi`, so the parsing is tested
 * against recorded responses (`__tests__/fixtures/discover/`).
 */

/** Cloudflare's v4 response envelope. */
export interface CloudflareEnvelope<T = unknown> {
  readonly success: boolean;
  /** @default - no errors */
  readonly errors?: readonly { readonly code: number; readonly message: string }[];
  readonly result: T;
}

/** GET one API path (below https://api.cloudflare.com/client/v4) and return the parsed envelope. */
export interface CloudflareApi {
  get(path: string): Promise<CloudflareEnvelope>;
}

export class DiscoverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiscoverError";
  }
}

const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

/**
 * The real client: a bearer token from the environment. The token is never part of a message: an
 * error names the path, the HTTP status and Cloudflare's error codes, and any echo of the token is
 * redacted.
 */
export function httpCloudflareApi(token: string, fetchFn: typeof fetch = fetch): CloudflareApi {
  const redact = (text: string) => (token ? text.split(token).join("<redacted>") : text);
  return {
    async get(path) {
      let response: Response;
      try {
        response = await fetchFn(`${CLOUDFLARE_API}${path}`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
      } catch (e) {
        throw new DiscoverError(redact(`Cloudflare GET ${path}: ${(e as Error).message}`));
      }
      let body: CloudflareEnvelope;
      try {
        body = (await response.json()) as CloudflareEnvelope;
      } catch {
        throw new DiscoverError(`Cloudflare GET ${path}: HTTP ${response.status}, not a JSON answer`);
      }
      if (!response.ok || !body.success) {
        const codes = (body.errors ?? []).map((e) => `${e.code} ${e.message}`).join("; ");
        throw new DiscoverError(redact(`Cloudflare GET ${path}: HTTP ${response.status}${codes ? ` (${codes})` : ""}`));
      }
      return body;
    },
  };
}

export interface ExistingRecord {
  readonly id: string;
  readonly type: string;
  readonly content: string;
  readonly proxied: boolean;
}

/** The records of one hostname (Cloudflare: `GET /zones/{zone}/dns_records?name=<hostname>`). */
export async function recordsNamed(api: CloudflareApi, zoneId: string, hostname: string): Promise<ExistingRecord[]> {
  const body = await api.get(`/zones/${zoneId}/dns_records?name=${encodeURIComponent(hostname)}&per_page=100`);
  const result = Array.isArray(body.result) ? (body.result as Record<string, unknown>[]) : [];
  return result
    .filter((r) => r.name === hostname)
    .map((r) => ({ id: String(r.id), type: String(r.type), content: String(r.content ?? ""), proxied: r.proxied === true }));
}

/**
 * The entry-point rulesets this code manages, by the deployment inputs that adopt each: the id (an
 * import) and the current name (kept: cloudflare provider 5.x replaces a renamed ruleset).
 */
export const ENTRY_POINT_PHASES = [
  { field: "waf_managed_ruleset_id", nameField: "waf_managed_ruleset_name", phase: "http_request_firewall_managed" },
  { field: "waf_custom_ruleset_id", nameField: "waf_custom_ruleset_name", phase: "http_request_firewall_custom" },
  { field: "rate_limit_ruleset_id", nameField: "rate_limit_ruleset_name", phase: "http_ratelimit" },
  { field: "config_rules_ruleset_id", nameField: "config_rules_ruleset_name", phase: "http_config_settings" },
  // Request header transform rules: the origin header rule joins them; the zone's own are kept.
  { field: "origin_header_ruleset_id", nameField: "origin_header_ruleset_name", phase: "http_request_late_transform" },
] as const;

/** One header operation of a request header transform rule (action_parameters.headers). */
export interface ExistingHeaderOperation {
  readonly operation: string;
  /** @default - none (a remove, or a set with an expression) */
  readonly value?: string;
  /** @default - none (a remove, or a set with a static value) */
  readonly expression?: string;
}

export interface ExistingRule {
  readonly action: string;
  readonly expression: string;
  readonly description: string;
  readonly enabled: boolean;
  /** Rewrite rules of the late-transform phase: the headers they set or remove. @default - none: not a header rewrite rule */
  readonly headers?: Readonly<Record<string, ExistingHeaderOperation>>;
}

export interface ExistingRuleset {
  readonly id: string;
  readonly name: string;
  readonly phase: string;
  readonly rules: readonly ExistingRule[];
}

/**
 * The zone's entry-point rulesets (kind "zone") of the phases this code manages, with their rules
 * (`GET /zones/{zone}/rulesets`, then `GET /zones/{zone}/rulesets/{id}` for each). The list also holds
 * Cloudflare's managed rulesets (kind "managed"): they are not the zone's and are skipped.
 */
export async function entryPointRulesets(api: CloudflareApi, zoneId: string): Promise<Map<string, ExistingRuleset>> {
  const body = await api.get(`/zones/${zoneId}/rulesets`);
  const list = Array.isArray(body.result) ? (body.result as Record<string, unknown>[]) : [];
  const wanted = new Set<string>(ENTRY_POINT_PHASES.map((p) => p.phase));
  const out = new Map<string, ExistingRuleset>();
  for (const rs of list.filter((r) => r.kind === "zone" && wanted.has(String(r.phase)))) {
    const detail = (await api.get(`/zones/${zoneId}/rulesets/${String(rs.id)}`)).result as Record<string, unknown>;
    const rules = Array.isArray(detail?.rules) ? (detail.rules as Record<string, unknown>[]) : [];
    out.set(String(rs.phase), {
      id: String(rs.id),
      name: String(rs.name ?? ""),
      phase: String(rs.phase),
      rules: rules.map((r) => {
        const headers = (r.action_parameters as { headers?: Record<string, Record<string, unknown>> } | undefined)?.headers;
        return {
          action: String(r.action ?? ""),
          expression: String(r.expression ?? ""),
          description: String(r.description ?? ""),
          enabled: r.enabled !== false,
          ...(headers && typeof headers === "object"
            ? {
                headers: Object.fromEntries(
                  Object.entries(headers).map(([name, op]) => [
                    name,
                    {
                      operation: String(op?.operation ?? ""),
                      ...(typeof op?.value === "string" ? { value: op.value } : {}),
                      ...(typeof op?.expression === "string" ? { expression: op.expression } : {}),
                    },
                  ]),
                ),
              }
            : {}),
        };
      }),
    });
  }
  return out;
}
