// RestartiX global router (phase 4): a Cloudflare Worker in front of the API that sends each request
// to the region holding its organization's data. DynamoDB (restartix-routing) is the source of
// truth for organization -> region + shard; the ROUTES KV namespace is its edge copy, written by the
// admin flow. Dependency-free ES module, uploaded as-is. See docs/global-routing.md.
//
// Bindings and variables:
//   ROUTES          KV namespace: key = organization id, value = {"region":"eu","shard":"eu-2"}, or for
//                   an enterprise tenant {"region":"us","shard":"tenant-org-201","origin":"<id>.us-east-1.awsapprunner.com"}
//                   (written by the tenant's route stack); key = "shard:<id>", value =
//                   {"region":"us","shard":"us-2","origin":"<id>.us-east-1.awsapprunner.com"} (each shard's route stack)
//   ORIGINS         JSON {"eu":"api-eu.example.com","us":"api-us.example.com"} (wins over the two below)
//   SHARD_ORIGINS   JSON {"eu-2":"<service>.eu-central-1.awsapprunner.com", ...}: a shard's own service;
//                   a shard it does not name is looked up in ROUTES under "shard:<id>"
//                   A value of ORIGINS or SHARD_ORIGINS is a hostname, or for a Fargate cell
//                   {"origin":"cells-us-1.example.com","cell":"shard-us-1"}: the region's cell gateway
//                   (a shared load balancer) and the cell its listener rule selects by X-Restartix-Cell.
//                   A KV entry may carry "cell" too ({"region","shard","origin","cell"}); it counts only
//                   if its origin is a gateway ORIGINS or SHARD_ORIGINS already name for a cell.
//   ORIGIN_EU, ORIGIN_US   origin hostnames when ORIGINS is not set
//   DEFAULT_REGION  region key for requests without a known organization
//   FAILOVER        "on" retries idempotent requests at the other region when the first fails. Off by
//                   default: EU patient data must stay in the EU (GDPR residency), so crossing regions
//                   is a decision taken during an incident, not a silent default.
//
// Nothing here logs a token, a header, a path or a body: paths and bodies can carry patient data.

export const ROUTE_TTL_MS = 60_000;
const MAX_CACHED_ROUTES = 10_000;
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"]);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const ORG_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SHARD = /^[a-z0-9-]{1,32}$/;
// A Fargate cell as the gateway's listener rules name it: tenant-org-101, shard-us-2.
const CELL = /^(tenant|shard)-[A-Za-z0-9_-]{1,128}$/;
const HOST = /^[A-Za-z0-9.-]+$/;
// Set only by this worker: a client's own values would choose its shard, or (X-Restartix-Cell) another
// tenant's cell behind the shared gateway.
const ROUTING_HEADERS = ["x-restartix-region", "x-restartix-shard", "x-restartix-failover-from", "x-restartix-cell"];

/** An origin value of ORIGINS / SHARD_ORIGINS as {origin, cell?}, or null when it is neither form. */
export function originTarget(value) {
  if (typeof value === "string") return HOST.test(value) || /^[A-Za-z0-9.-]+:\d+$/.test(value) ? { origin: value } : null;
  if (
    value &&
    typeof value === "object" &&
    typeof value.origin === "string" &&
    HOST.test(value.origin) &&
    typeof value.cell === "string" &&
    CELL.test(value.cell)
  ) {
    return { origin: value.origin, cell: value.cell };
  }
  return null;
}

/** The cell gateways the configuration names (hosts of ORIGINS / SHARD_ORIGINS values that carry a cell). */
export function cellGateways(...maps) {
  return new Set(
    maps
      .flatMap((m) => Object.values(m ?? {}))
      .map(originTarget)
      .filter((t) => t?.cell)
      .map((t) => t.origin),
  );
}

/**
 * Decodes a JWT's payload WITHOUT verifying it: routing only. The API verifies the token, and a
 * forged claim can only send a request to a region where it is then rejected.
 */
export function decodeJwtPayload(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === "object" && !Array.isArray(payload) ? payload : null;
  } catch {
    return null;
  }
}

/** The organization of a request: X-Organization-Id, else the Clerk session token's org claim, else null. */
export function organizationId(headers) {
  const explicit = headers.get("x-organization-id");
  if (explicit !== null) return ORG_ID.test(explicit.trim()) ? explicit.trim() : null;
  const auth = headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!match) return null;
  const claims = decodeJwtPayload(match[1]);
  // Clerk session tokens: v1 carries org_id, v2 nests it as o.id.
  const org = claims?.org_id ?? claims?.o?.id;
  return typeof org === "string" && ORG_ID.test(org) ? org : null;
}

/** Region key -> origin hostname, from ORIGINS or ORIGIN_EU / ORIGIN_US. */
export function parseOrigins(env) {
  let origins = {};
  if (env.ORIGINS) {
    try {
      origins = JSON.parse(env.ORIGINS);
    } catch {
      throw new Error("ORIGINS is not valid JSON");
    }
  } else {
    origins = { eu: env.ORIGIN_EU, us: env.ORIGIN_US };
  }
  const valid = Object.entries(origins).filter(([, value]) => originTarget(value) !== null);
  if (!valid.length) throw new Error("no origin configured: set ORIGINS or ORIGIN_EU / ORIGIN_US");
  return Object.fromEntries(valid);
}

// A KV entry's own origin without a cell must be an App Runner service: a KV value can never send traffic elsewhere.
const TENANT_ORIGIN = /^[a-z0-9-]{1,63}\.[a-z0-9-]{1,32}\.awsapprunner\.com$/;

/** Shard id -> origin hostname, from SHARD_ORIGINS (optional). */
export function parseShardOrigins(env) {
  if (!env.SHARD_ORIGINS) return {};
  let parsed;
  try {
    parsed = JSON.parse(env.SHARD_ORIGINS);
  } catch {
    throw new Error("SHARD_ORIGINS is not valid JSON");
  }
  // A cell value must name the shard's own cell: a typo cannot send one shard's organizations to another.
  const usable = (id, value) => {
    const t = SHARD.test(id) ? originTarget(value) : null;
    return t !== null && !/:/.test(t.origin) && (t.cell === undefined || t.cell === `shard-${id}`);
  };
  return Object.fromEntries(Object.entries(parsed).filter(([id, value]) => usable(id, value)));
}

/**
 * A KV entry's own origin as {origin, cell?}, or null: an App Runner service domain, or a cell gateway
 * the configuration names with the entry's own cell (a tenant's cell is its shard, tenant-<id>; a
 * shard's is shard-<id>). Any other host or cell is ignored, so a bad KV write cannot move traffic.
 */
export function entryTarget(entry, gateways) {
  if (!entry || typeof entry.origin !== "string") return null;
  if (entry.cell !== undefined) {
    const own =
      typeof entry.cell === "string" &&
      CELL.test(entry.cell) &&
      typeof entry.shard === "string" &&
      (entry.cell === entry.shard || entry.cell === `shard-${entry.shard}`);
    return own && gateways.has(entry.origin) ? { origin: entry.origin, cell: entry.cell } : null;
  }
  return TENANT_ORIGIN.test(entry.origin) ? { origin: entry.origin } : null;
}

/**
 * Where a request goes: the organization's region and shard, or the default region when unknown.
 * The origin is the tenant's own service, else its shard's service, else its region's origin.
 */
export function chooseRoute(entry, origins, defaultRegion, shardOrigins = {}) {
  if (!(defaultRegion in origins)) throw new Error(`DEFAULT_REGION "${defaultRegion}" has no origin`);
  const known = entry && typeof entry.region === "string" && entry.region in origins;
  const region = known ? entry.region : defaultRegion;
  const shard = known && typeof entry.shard === "string" && SHARD.test(entry.shard) ? entry.shard : null;
  const own = known ? entryTarget(entry, cellGateways(origins, shardOrigins)) : null;
  const target = own ?? (shard && originTarget(shardOrigins[shard])) ?? originTarget(origins[region]);
  return { region, shard, ...routeTarget(target), known: Boolean(known) };
}

// {origin} or {origin, cell}: a route names a cell only when it goes through a cell gateway.
const routeTarget = (t) => (t.cell ? { origin: t.origin, cell: t.cell } : { origin: t.origin });

/** The region to retry at, or null: failover on, idempotent method, and another region exists. */
export function failoverRegion(method, region, origins, env) {
  if (env.FAILOVER !== "on" || !IDEMPOTENT.has(method)) return null;
  return Object.keys(origins).find((r) => r !== region) ?? null;
}

/** Whether an upstream outcome (a Response, or the error fetch threw) counts as the origin failing. */
export const originFailed = (outcome) => outcome instanceof Error || RETRYABLE_STATUS.has(outcome.status);

/**
 * The request to send upstream: same method, path, query and body; origin host; routing headers;
 * the origin header the AWS web ACLs require (a Worker's fetch skips the zone's transform rules).
 */
export function upstreamRequest(request, route, failedOver, env = {}) {
  const url = new URL(request.url);
  const target = new URL(`${url.pathname}${url.search}`, `https://${route.origin}`);
  const headers = new Headers(request.headers);
  ROUTING_HEADERS.forEach((h) => headers.delete(h));
  headers.delete("host");
  headers.set("X-Restartix-Region", route.region);
  if (route.shard) headers.set("X-Restartix-Shard", route.shard);
  // The gateway's listener rule picks the cell by this header; the client's own was deleted above.
  if (route.cell) headers.set("X-Restartix-Cell", route.cell);
  if (failedOver) headers.set("X-Restartix-Failover-From", failedOver);
  if (env.ORIGIN_HEADER && env.ORIGIN_VERIFY) headers.set(env.ORIGIN_HEADER, env.ORIGIN_VERIFY);
  // Redirects pass through to the client; duplex is what a streamed body requires (ignored where not).
  const init = { method: request.method, headers, body: request.body, redirect: "manual" };
  return new Request(target, request.body ? { ...init, duplex: "half" } : init);
}

/**
 * An in-memory route cache per isolate, 60 s like the document's Redis cache. Unknown
 * organizations are cached too (as null), so a flood of unknown ids cannot hammer KV.
 */
export function createRouteCache({ ttlMs = ROUTE_TTL_MS, now = () => Date.now(), max = MAX_CACHED_ROUTES } = {}) {
  const entries = new Map();
  return {
    async get(orgId, load) {
      const hit = entries.get(orgId);
      if (hit && hit.expires > now()) return hit.value;
      const value = await load(orgId);
      entries.delete(orgId);
      if (entries.size >= max) entries.delete(entries.keys().next().value);
      entries.set(orgId, { value, expires: now() + ttlMs });
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}

/** Reads an organization's entry from KV (its own edge cache also held for 60 s). */
export async function loadRoute(kv, orgId) {
  try {
    return await kv.get(orgId, { type: "json", cacheTtl: ROUTE_TTL_MS / 1000 });
  } catch {
    // A malformed entry or a KV outage routes to the default region rather than failing the request.
    console.error("router: route lookup failed; using the default region");
    return null;
  }
}

/** KV key of a shard's own entry; organization ids cannot contain ":", so the two never collide. */
export const shardKey = (shard) => `shard:${shard}`;

/**
 * The shard origins to route with: SHARD_ORIGINS, plus the shard's own KV entry when SHARD_ORIGINS
 * does not name it (a shard deployed since the Worker's configuration was). The entry counts only if
 * it names the same region and an App Runner service, so a stray KV value cannot move traffic.
 */
export async function withShardOrigin(shardOrigins, entry, lookup, origins = {}) {
  const gateways = cellGateways(origins, shardOrigins);
  const shard = entry && typeof entry.shard === "string" && SHARD.test(entry.shard) ? entry.shard : null;
  if (!shard || shard in shardOrigins || entryTarget(entry, gateways)) return shardOrigins;
  const own = await lookup(shardKey(shard));
  const target = own && own.shard === shard && own.region === entry.region ? entryTarget(own, gateways) : null;
  return target ? { ...shardOrigins, [shard]: target.cell ? target : target.origin } : shardOrigins;
}

const defaultCache = createRouteCache();

/** The whole request path, with its collaborators injectable for tests. */
export async function handle(request, env, { cache = defaultCache, fetchFn = fetch } = {}) {
  let origins;
  let route;
  try {
    origins = parseOrigins(env);
    const orgId = organizationId(request.headers);
    const lookup = (key) => cache.get(key, (k) => loadRoute(env.ROUTES, k));
    const entry = orgId ? await lookup(orgId) : null;
    route = chooseRoute(entry, origins, env.DEFAULT_REGION, await withShardOrigin(parseShardOrigins(env), entry, lookup, origins));
  } catch (e) {
    console.error(`router: misconfigured: ${e.message}`);
    return new Response(JSON.stringify({ error: "routing unavailable" }), { status: 503, headers: { "content-type": "application/json" } });
  }
  const retryAt = failoverRegion(request.method, route.region, origins, env);
  // Idempotent requests have no body, so the original can be replayed for the retry.
  const first = await fetchFn(upstreamRequest(request, route, null, env)).catch((e) => (e instanceof Error ? e : new Error(String(e))));
  if (!originFailed(first)) return first;
  if (retryAt) {
    // The failed answer is discarded: release its body instead of leaving the stream open.
    if (!(first instanceof Error)) await first.body?.cancel();
    console.error(
      `router: origin ${route.region} failed (${first instanceof Error ? "network error" : first.status}); failing over to ${retryAt}`,
    );
    // The other region's own origin (and its cell, if any): never this region's cell.
    const second = { region: retryAt, shard: route.shard, ...routeTarget(originTarget(origins[retryAt])), known: route.known };
    return fetchFn(upstreamRequest(request, second, route.region, env)).catch(() => badGateway());
  }
  return first instanceof Error ? badGateway() : first;
}

const badGateway = () =>
  new Response(JSON.stringify({ error: "origin unreachable" }), { status: 502, headers: { "content-type": "application/json" } });

export default {
  fetch: (request, env) => handle(request, env),
};
