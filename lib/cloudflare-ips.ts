import { parseCidr } from "./cidr";

/**
 * Cloudflare's published IPv4 ranges (the ALB admits HTTPS from these only, phase fargate.cloudflareIpv4):
 * parsing Cloudflare's answers, writing phases/cloudflare-ips.ts, and the synth warning when the
 * recorded list is old. Cloudflare publishes them at https://www.cloudflare.com/ips-v4 (one CIDR a
 * line) and https://api.cloudflare.com/client/v4/ips (JSON, `result.ipv4_cidrs`); neither needs a
 * token. A range Cloudflare adds and the list lacks means requests from those edge servers are
 * refused by the ALB's security group.
 */
export const CLOUDFLARE_IPS_API = "https://api.cloudflare.com/client/v4/ips";

/** Days after which the synth warns that the recorded list should be refreshed. */
const STALE_AFTER_DAYS = 90;

export interface CloudflareIps {
  /** The day the list was read from Cloudflare (YYYY-MM-DD, UTC). */
  readonly retrieved: string;
  readonly source: string;
  readonly ipv4: readonly string[];
}

/**
 * The IPv4 ranges in one of Cloudflare's answers: the API's JSON envelope or the ips-v4 text list.
 * Throws naming the line or field when the answer is not one of those, or holds no range.
 */
export function parseCloudflareIps(body: string): string[] {
  const text = body.replace(/^\uFEFF/, "").trim();
  let ranges: string[];
  if (text.startsWith("{")) {
    let json: { success?: boolean; errors?: { code: number; message: string }[]; result?: { ipv4_cidrs?: unknown } };
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`Cloudflare's answer looks like JSON but does not parse (${(e as Error).message})`);
    }
    if (json.success !== true)
      throw new Error(
        `Cloudflare's answer says success = ${JSON.stringify(json.success)}${json.errors?.length ? ` (${json.errors.map((x) => `${x.code} ${x.message}`).join("; ")})` : ""}`,
      );
    const v4 = json.result?.ipv4_cidrs;
    if (!Array.isArray(v4) || v4.some((x) => typeof x !== "string"))
      throw new Error("Cloudflare's answer has no result.ipv4_cidrs list of strings");
    ranges = v4 as string[];
  } else {
    ranges = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
  }
  ranges.forEach((r, i) => {
    if (!parseCidr(r))
      throw new Error(
        `Cloudflare's answer, range ${i + 1}: ${JSON.stringify(r.slice(0, 80))} is not an IPv4 network in CIDR notation (an HTML error page or an IPv6 list?)`,
      );
  });
  if (ranges.length === 0)
    throw new Error("Cloudflare's answer holds no IPv4 range: refusing to write an empty list (the ALB would admit nothing)");
  return [...new Set(ranges)];
}

/** The TypeScript module phases/cloudflare-ips.ts holding the list and its date. */
export function renderCloudflareIpsModule(ips: CloudflareIps): string {
  return [
    "// Written by `npm run cloudflare-ips` from Cloudflare's published list; do not edit by hand.",
    'import { CloudflareIps } from "../lib/cloudflare-ips";',
    "",
    "export const CLOUDFLARE_IPS: CloudflareIps = {",
    `  retrieved: ${JSON.stringify(ips.retrieved)},`,
    `  source: ${JSON.stringify(ips.source)},`,
    "  ipv4: [",
    ...ips.ipv4.map((r) => `    ${JSON.stringify(r)},`),
    "  ],",
    "};",
    "",
  ].join("\n");
}

/** Ranges added to and removed from `before` (for the command's report). */
export function rangeChanges(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  return { added: after.filter((r) => !before.includes(r)), removed: before.filter((r) => !after.includes(r)) };
}

/** The warning the synth prints when the list is older than STALE_AFTER_DAYS (undefined when fresh). */
export function staleCloudflareIpsWarning(ips: Pick<CloudflareIps, "retrieved">, today: Date = new Date()): string | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(ips.retrieved) ? Date.parse(`${ips.retrieved}T00:00:00Z`) : NaN;
  if (Number.isNaN(day))
    return `phases/cloudflare-ips.ts: retrieved = ${JSON.stringify(ips.retrieved)} is not a date (YYYY-MM-DD). Fix: npm run cloudflare-ips`;
  const age = Math.floor((today.getTime() - day) / 86_400_000);
  if (age <= STALE_AFTER_DAYS) return undefined;
  return (
    `Cloudflare's IP ranges were last read ${age} days ago (${ips.retrieved}; older than ${STALE_AFTER_DAYS}): the ALB admits HTTPS only from them, ` +
    `and a range Cloudflare added since is refused. Fix: npm run cloudflare-ips, review the change, commit phases/cloudflare-ips.ts, deploy network.`
  );
}
