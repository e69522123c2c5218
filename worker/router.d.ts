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
}

export interface Route {
  readonly region: string;
  readonly shard: string | null;
  readonly origin: string;
  readonly known: boolean;
}

export interface RouteCache {
  get(orgId: string, load: (orgId: string) => Promise<unknown>): Promise<unknown>;
  readonly size: number;
}

export const ROUTE_TTL_MS: number;
export function decodeJwtPayload(token: string): Record<string, any> | null;
export function organizationId(headers: Headers): string | null;
export function parseOrigins(env: Partial<RouterEnv>): Record<string, string>;
export function parseShardOrigins(env: Partial<RouterEnv>): Record<string, string>;
export function chooseRoute(
  entry: RouteEntry | null | undefined,
  origins: Record<string, string>,
  defaultRegion: string,
  shardOrigins?: Record<string, string>,
): Route;
export function failoverRegion(method: string, region: string, origins: Record<string, string>, env: Partial<RouterEnv>): string | null;
export function originFailed(outcome: Response | Error): boolean;
export function upstreamRequest(request: Request, route: Route, failedOver: string | null, env?: Record<string, string | undefined>): Request;
export function createRouteCache(options?: { ttlMs?: number; now?: () => number; max?: number }): RouteCache;
export function loadRoute(kv: RouterEnv["ROUTES"], orgId: string): Promise<unknown>;
export function shardKey(shard: string): string;
export function withShardOrigin(
  shardOrigins: Record<string, string>,
  entry: RouteEntry | null | undefined,
  lookup: (key: string) => Promise<unknown>,
): Promise<Record<string, string>>;
export function handle(
  request: Request,
  env: RouterEnv,
  deps?: { cache?: RouteCache; fetchFn?: (request: Request) => Promise<Response> },
): Promise<Response>;

declare const worker: { fetch(request: Request, env: RouterEnv): Promise<Response> };
export default worker;
