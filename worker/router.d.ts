// Types of worker/router.js for the TypeScript tests; the worker itself ships as plain JavaScript.

export interface RouterEnv {
  readonly ROUTES: { get(key: string, options: { type: "json"; cacheTtl?: number }): Promise<unknown> };
  readonly ORIGINS?: string;
  readonly ORIGIN_EU?: string;
  readonly ORIGIN_US?: string;
  readonly SHARD_ORIGINS?: string;
  readonly DEFAULT_REGION: string;
  readonly FAILOVER?: string;
}

export interface RouteEntry {
  readonly region?: unknown;
  readonly shard?: unknown;
  readonly origin?: unknown;
  /** A Fargate cell behind its region's gateway: tenant-<id> (= shard) or shard-<id>. */
  readonly cell?: unknown;
}

/** An origin of ORIGINS / SHARD_ORIGINS: a hostname, or a cell gateway and the cell it serves. */
export type OriginValue = string | { readonly origin: string; readonly cell: string };
export interface OriginTarget {
  readonly origin: string;
  readonly cell?: string;
}

export interface Route {
  readonly region: string;
  readonly shard: string | null;
  readonly origin: string;
  /** Set when the origin is a cell gateway: the X-Restartix-Cell header's value. */
  readonly cell?: string;
  readonly known: boolean;
}

export interface RouteCache {
  get(orgId: string, load: (orgId: string) => Promise<unknown>): Promise<unknown>;
  readonly size: number;
}

export const ROUTE_TTL_MS: number;
export function decodeJwtPayload(token: string): Record<string, any> | null;
export function organizationId(headers: Headers): string | null;
export function originTarget(value: unknown): OriginTarget | null;
export function cellGateways(...maps: (Record<string, OriginValue> | undefined)[]): Set<string>;
export function entryTarget(entry: RouteEntry | null | undefined, gateways: ReadonlySet<string>): OriginTarget | null;
export function parseOrigins(env: Partial<RouterEnv>): Record<string, OriginValue>;
export function parseShardOrigins(env: Partial<RouterEnv>): Record<string, OriginValue>;
export function chooseRoute(
  entry: RouteEntry | null | undefined,
  origins: Record<string, OriginValue>,
  defaultRegion: string,
  shardOrigins?: Record<string, OriginValue>,
): Route;
export function failoverRegion(
  method: string,
  region: string,
  origins: Record<string, OriginValue>,
  env: Partial<RouterEnv>,
): string | null;
export function originFailed(outcome: Response | Error): boolean;
export function upstreamRequest(
  request: Request,
  route: Route,
  failedOver: string | null,
  env?: Record<string, string | undefined>,
): Request;
export function createRouteCache(options?: { ttlMs?: number; now?: () => number; max?: number }): RouteCache;
export function loadRoute(kv: RouterEnv["ROUTES"], orgId: string): Promise<unknown>;
export function shardKey(shard: string): string;
export function withShardOrigin(
  shardOrigins: Record<string, OriginValue>,
  entry: RouteEntry | null | undefined,
  lookup: (key: string) => Promise<unknown>,
  origins?: Record<string, OriginValue>,
): Promise<Record<string, OriginValue>>;
export function handle(
  request: Request,
  env: RouterEnv,
  deps?: { cache?: RouteCache; fetchFn?: (request: Request) => Promise<Response> },
): Promise<Response>;

declare const worker: { fetch(request: Request, env: RouterEnv): Promise<Response> };
export default worker;
