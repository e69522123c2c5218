import worker, {
  chooseRoute,
  createRouteCache,
  decodeJwtPayload,
  handle,
  organizationId,
  parseOrigins,
  parseShardOrigins,
  RouterEnv,
  withShardOrigin,
} from "../worker/router";

const ORIGINS = { eu: "api-eu.example.com", us: "api-us.example.com" };
const ROUTES: Record<string, unknown> = {
  org_eu2: { region: "eu", shard: "eu-2" },
  org_us3: { region: "us", shard: "us-3" },
};

/** A JWT-shaped token with the given payload (unsigned: the router never verifies). */
const jwt = (payload: object) => ["e30", Buffer.from(JSON.stringify(payload)).toString("base64url"), "sig"].join(".");

function kv(entries = ROUTES) {
  const get = jest.fn(async (key: string) => entries[key] ?? null);
  return { get };
}

function env(overrides: Partial<RouterEnv> = {}): RouterEnv {
  return { ROUTES: kv(), ORIGINS: JSON.stringify(ORIGINS), DEFAULT_REGION: "eu", ...overrides };
}

/** A fetch that answers per origin host: a status, or "down" for a network error. */
function upstream(byHost: Record<string, number | "down">) {
  const seen: Request[] = [];
  const fetchFn = jest.fn(async (req: Request) => {
    seen.push(req);
    const outcome = byHost[new URL(req.url).host] ?? 200;
    if (outcome === "down") throw new TypeError("fetch failed");
    return new Response(`from ${new URL(req.url).host}`, { status: outcome });
  });
  return { fetchFn, seen };
}

const request = (headers: Record<string, string> = {}, method = "GET", path = "/v1/patients?page=2") =>
  new Request(`https://api.example.com${path}`, { method, headers, body: method === "POST" ? '{"a":1}' : undefined });

describe("organizationId", () => {
  it("prefers the X-Organization-Id header", () => {
    expect(organizationId(new Headers({ "X-Organization-Id": "org_us3", Authorization: `Bearer ${jwt({ org_id: "org_eu2" })}` }))).toBe(
      "org_us3",
    );
  });

  it("falls back to the Clerk session token's org_id claim (v1) or o.id (v2)", () => {
    expect(organizationId(new Headers({ Authorization: `Bearer ${jwt({ sub: "user_1", org_id: "org_eu2" })}` }))).toBe("org_eu2");
    expect(organizationId(new Headers({ Authorization: `Bearer ${jwt({ sub: "user_1", o: { id: "org_us3" } })}` }))).toBe("org_us3");
  });

  it("returns null without an organization, or for malformed input", () => {
    expect(organizationId(new Headers())).toBeNull();
    expect(organizationId(new Headers({ Authorization: `Bearer ${jwt({ sub: "user_1" })}` }))).toBeNull();
    expect(organizationId(new Headers({ Authorization: "Bearer not-a-jwt" }))).toBeNull();
    expect(organizationId(new Headers({ "X-Organization-Id": "../etc/passwd" }))).toBeNull();
  });

  it("decodes base64url payloads with UTF-8 text", () => {
    expect(decodeJwtPayload(jwt({ name: "Clinică Ü", org_id: "org_eu2" }))).toEqual({ name: "Clinică Ü", org_id: "org_eu2" });
  });
});

describe("configuration", () => {
  it("reads ORIGINS, else ORIGIN_EU and ORIGIN_US", () => {
    expect(parseOrigins({ ORIGINS: JSON.stringify(ORIGINS) })).toEqual(ORIGINS);
    expect(parseOrigins({ ORIGIN_EU: "eu.example.com", ORIGIN_US: "us.example.com" })).toEqual({
      eu: "eu.example.com",
      us: "us.example.com",
    });
    expect(() => parseOrigins({})).toThrow(/no origin configured/);
  });

  it("refuses a default region without an origin", () => {
    expect(() => chooseRoute(null, ORIGINS, "ap")).toThrow(/DEFAULT_REGION "ap" has no origin/);
  });

  it("sends an entry naming an unknown region to the default region, without a shard", () => {
    expect(chooseRoute({ region: "ap", shard: "ap-1" }, ORIGINS, "eu")).toEqual({
      region: "eu",
      shard: null,
      origin: ORIGINS.eu,
      known: false,
    });
  });

  it("sends a shard to its own service, and a tenant to its App Runner service only", () => {
    const shards = parseShardOrigins({
      SHARD_ORIGINS: JSON.stringify({ "us-2": "s2.us-east-1.awsapprunner.com", "Bad Id": "x.example.com" }),
    });
    expect(shards).toEqual({ "us-2": "s2.us-east-1.awsapprunner.com" });
    expect(chooseRoute({ region: "us", shard: "us-2" }, ORIGINS, "eu", shards).origin).toBe("s2.us-east-1.awsapprunner.com");
    expect(chooseRoute({ region: "us", shard: "us-9" }, ORIGINS, "eu", shards).origin).toBe(ORIGINS.us);
    const tenant = { region: "us", shard: "tenant-org-201", origin: "t201.us-east-1.awsapprunner.com" };
    expect(chooseRoute(tenant, ORIGINS, "eu", shards)).toEqual({
      region: "us",
      shard: "tenant-org-201",
      origin: "t201.us-east-1.awsapprunner.com",
      known: true,
    });
    // A KV value naming any other host never becomes an origin.
    expect(chooseRoute({ ...tenant, origin: "evil.example.com" }, ORIGINS, "eu", shards).origin).toBe(ORIGINS.us);
    expect(() => parseShardOrigins({ SHARD_ORIGINS: "{" })).toThrow(/SHARD_ORIGINS is not valid JSON/);
  });

  it("answers 503 without leaking details when misconfigured", async () => {
    const { fetchFn } = upstream({});
    const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const res = await handle(request(), env({ ORIGINS: "{not json" }), { cache: createRouteCache(), fetchFn });
    expect(logged.mock.calls).toEqual([["router: misconfigured: ORIGINS is not valid JSON"]]);
    logged.mockRestore();
    expect(res.status).toBe(503);
    expect(fetchFn).not.toHaveBeenCalled();
  });
});

describe("routing", () => {
  it("routes by header to the organization's region, with region and shard headers", async () => {
    const { fetchFn, seen } = upstream({});
    const res = await handle(request({ "X-Organization-Id": "org_us3" }), env(), { cache: createRouteCache(), fetchFn });
    expect(await res.text()).toBe("from api-us.example.com");
    expect(seen[0].url).toBe("https://api-us.example.com/v1/patients?page=2");
    expect(seen[0].headers.get("X-Restartix-Region")).toBe("us");
    expect(seen[0].headers.get("X-Restartix-Shard")).toBe("us-3");
  });

  it("routes by the JWT claim and passes the Authorization header through untouched", async () => {
    const { fetchFn, seen } = upstream({});
    const token = `Bearer ${jwt({ org_id: "org_eu2" })}`;
    await handle(request({ Authorization: token }), env(), { cache: createRouteCache(), fetchFn });
    expect(new URL(seen[0].url).host).toBe("api-eu.example.com");
    expect(seen[0].headers.get("X-Restartix-Shard")).toBe("eu-2");
    expect(seen[0].headers.get("Authorization")).toBe(token);
  });

  it("sends unknown and anonymous requests to DEFAULT_REGION without a shard", async () => {
    const cases: Record<string, string>[] = [{ "X-Organization-Id": "org_new" }, {}];
    for (const headers of cases) {
      const { fetchFn, seen } = upstream({});
      await handle(request(headers), env({ DEFAULT_REGION: "us" }), { cache: createRouteCache(), fetchFn });
      expect(new URL(seen[0].url).host).toBe("api-us.example.com");
      expect(seen[0].headers.get("X-Restartix-Region")).toBe("us");
      expect(seen[0].headers.has("X-Restartix-Shard")).toBe(false);
    }
  });

  it("drops routing headers a client sent itself", async () => {
    const { fetchFn, seen } = upstream({});
    await handle(request({ "X-Organization-Id": "org_eu2", "X-Restartix-Shard": "us-1", "X-Restartix-Failover-From": "us" }), env(), {
      cache: createRouteCache(),
      fetchFn,
    });
    expect(seen[0].headers.get("X-Restartix-Shard")).toBe("eu-2");
    expect(seen[0].headers.has("X-Restartix-Failover-From")).toBe(false);
  });

  it("forwards method and body of writes", async () => {
    const { fetchFn, seen } = upstream({});
    await handle(request({ "X-Organization-Id": "org_eu2" }, "POST"), env(), { cache: createRouteCache(), fetchFn });
    expect(seen[0].method).toBe("POST");
    expect(await seen[0].text()).toBe('{"a":1}');
  });

  it("routes through the default export too", async () => {
    const real = global.fetch;
    const { fetchFn, seen } = upstream({});
    global.fetch = fetchFn as unknown as typeof fetch;
    try {
      await worker.fetch(request({ "X-Organization-Id": "org_us3" }), env());
    } finally {
      global.fetch = real;
    }
    expect(new URL(seen[0].url).host).toBe("api-us.example.com");
  });
});

describe("shards' own KV entries (written by each shard's route stack)", () => {
  const US2 = "s2.us-east-1.awsapprunner.com";
  const routes = {
    org_us2: { region: "us", shard: "us-2" },
    "shard:us-2": { region: "us", shard: "us-2", origin: US2 },
    org_mismatch: { region: "eu", shard: "us-2" },
    org_us4: { region: "us", shard: "us-4" },
    "shard:us-4": { region: "us", shard: "us-4", origin: "evil.example.com" },
  };

  it("routes to the shard's own service when SHARD_ORIGINS does not name the shard", async () => {
    const { fetchFn, seen } = upstream({});
    const e = env({ ROUTES: kv(routes) });
    await handle(request({ "X-Organization-Id": "org_us2" }), e, { cache: createRouteCache(), fetchFn });
    expect(new URL(seen[0].url).host).toBe(US2);
    expect(seen[0].headers.get("X-Restartix-Shard")).toBe("us-2");
    expect(e.ROUTES.get).toHaveBeenCalledWith("shard:us-2", { type: "json", cacheTtl: 60 });
  });

  it("prefers SHARD_ORIGINS, and never reads KV for a tenant with its own origin", async () => {
    const configured = await withShardOrigin({ "us-2": "configured.us-east-1.awsapprunner.com" }, routes.org_us2, async () => {
      throw new Error("no lookup expected");
    });
    expect(configured).toEqual({ "us-2": "configured.us-east-1.awsapprunner.com" });
    const tenant = { region: "us", shard: "tenant-org-201", origin: "t201.us-east-1.awsapprunner.com" };
    expect(
      await withShardOrigin({}, tenant, async () => {
        throw new Error("no lookup expected");
      }),
    ).toEqual({});
  });

  it("ignores a shard entry of another region or naming a host that is not an App Runner service", async () => {
    for (const org of ["org_mismatch", "org_us4"]) {
      const { fetchFn, seen } = upstream({});
      await handle(request({ "X-Organization-Id": org }), env({ ROUTES: kv(routes) }), { cache: createRouteCache(), fetchFn });
      expect(new URL(seen[0].url).host).toBe(org === "org_mismatch" ? ORIGINS.eu : ORIGINS.us);
    }
  });

  it("caches the shard entry like an organization's", async () => {
    const cache = createRouteCache();
    const e = env({ ROUTES: kv(routes) });
    const { fetchFn } = upstream({});
    await handle(request({ "X-Organization-Id": "org_us2" }), e, { cache, fetchFn });
    await handle(request({ "X-Organization-Id": "org_us2" }), e, { cache, fetchFn });
    expect(e.ROUTES.get).toHaveBeenCalledTimes(2);
  });
});

describe("route cache", () => {
  it("serves repeated lookups from memory for 60 s, then asks KV again", async () => {
    let clock = 0;
    const cache = createRouteCache({ now: () => clock });
    // The shard is configured, so only the organization's own entry is read from KV.
    const e = env({ SHARD_ORIGINS: JSON.stringify({ "eu-2": "s2.eu-central-1.awsapprunner.com" }) });
    const { fetchFn } = upstream({});
    const send = () => handle(request({ "X-Organization-Id": "org_eu2" }), e, { cache, fetchFn });
    await send();
    clock = 59_999;
    await send();
    expect(e.ROUTES.get).toHaveBeenCalledTimes(1);
    expect(e.ROUTES.get).toHaveBeenCalledWith("org_eu2", { type: "json", cacheTtl: 60 });
    clock = 60_000;
    await send();
    expect(e.ROUTES.get).toHaveBeenCalledTimes(2);
  });

  it("caches unknown organizations too, and stays bounded", async () => {
    const cache = createRouteCache({ max: 2 });
    const load = jest.fn(async () => null);
    await cache.get("a", load);
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("c", load);
    expect(load).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(2);
  });

  it("routes to the default region when KV fails", async () => {
    const broken = { get: jest.fn(async () => Promise.reject(new Error("KV down"))) };
    const { fetchFn, seen } = upstream({});
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined);
    await handle(request({ "X-Organization-Id": "org_us3" }), env({ ROUTES: broken }), { cache: createRouteCache(), fetchFn });
    quiet.mockRestore();
    expect(new URL(seen[0].url).host).toBe("api-eu.example.com");
  });
});

describe("failover", () => {
  let logged: jest.SpyInstance;
  beforeEach(() => (logged = jest.spyOn(console, "error").mockImplementation(() => undefined)));
  afterEach(() => logged.mockRestore());

  const send = (
    fetchFn: (r: Request) => Promise<Response>,
    overrides: Partial<RouterEnv>,
    method = "GET",
    headers: Record<string, string> = { "X-Organization-Id": "org_eu2" },
  ) => handle(request(headers, method), env(overrides), { cache: createRouteCache(), fetchFn });

  it.each([503, 502, 504, "down"] as const)(
    "with FAILOVER=on, retries a GET once at the other region when the origin answers %s",
    async (outcome) => {
      const { fetchFn, seen } = upstream({ "api-eu.example.com": outcome });
      const res = await send(fetchFn, { FAILOVER: "on" });
      expect(res.status).toBe(200);
      expect(seen.map((r) => new URL(r.url).host)).toEqual(["api-eu.example.com", "api-us.example.com"]);
      expect(seen[1].headers.get("X-Restartix-Region")).toBe("us");
      expect(seen[1].headers.get("X-Restartix-Failover-From")).toBe("eu");
    },
  );

  it("is off by default (EU data residency): the failure goes back to the client", async () => {
    const { fetchFn, seen } = upstream({ "api-eu.example.com": 503 });
    const res = await send(fetchFn, {});
    expect(res.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("answers 502 for a network error without failover", async () => {
    const { fetchFn } = upstream({ "api-eu.example.com": "down" });
    expect((await send(fetchFn, { FAILOVER: "off" })).status).toBe(502);
  });

  it("never retries a non-idempotent request", async () => {
    const { fetchFn, seen } = upstream({ "api-eu.example.com": 503 });
    const res = await send(fetchFn, { FAILOVER: "on" }, "POST");
    expect(res.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("does not fail over on an ordinary error status", async () => {
    const { fetchFn, seen } = upstream({ "api-eu.example.com": 500 });
    expect((await send(fetchFn, { FAILOVER: "on" })).status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it("logs neither the token nor the path", async () => {
    const token = jwt({ org_id: "org_eu2", email: "patient@example.com" });
    const { fetchFn } = upstream({ "api-eu.example.com": "down" });
    await send(fetchFn, { FAILOVER: "on" }, "GET", { Authorization: `Bearer ${token}` });
    const text = JSON.stringify(logged.mock.calls);
    expect(logged).toHaveBeenCalled();
    expect(text).not.toContain(token);
    expect(text).not.toContain("patients");
  });
});

describe("origin header (the AWS web ACLs admit nothing without it)", () => {
  test("the proxied request carries the origin header from the Worker's secret binding, replacing a client's", async () => {
    const { upstreamRequest } = await import("../worker/router");
    const request = new Request("https://api.example.com/v1/x", { headers: { "x-origin-verify": "forged" } });
    const route = { region: "eu", shard: null, origin: "abc.eu-central-1.awsapprunner.com" } as any;
    const out = upstreamRequest(request, route, null, { ORIGIN_HEADER: "X-Origin-Verify", ORIGIN_VERIFY: "from-secrets-manager" });
    expect(out.headers.get("x-origin-verify")).toBe("from-secrets-manager");
    expect(upstreamRequest(request, route, null).headers.get("x-origin-verify")).toBe("forged");
  });
});

describe("Fargate cells behind each region's cell gateway (X-Restartix-Cell)", () => {
  const GW = { eu: "cells-eu-1.example.com", us: "cells-us-1.example.com" };
  // As the edge stack writes them for a Fargate phase 4: eu's default is the shared tier, us's is shard us-1's cell.
  const CELL_ORIGINS = { eu: "api-eu.example.com", us: { origin: GW.us, cell: "shard-us-1" } };
  const CELL_SHARDS = {
    "eu-1": "api-eu.example.com",
    "eu-2": { origin: GW.eu, cell: "shard-eu-2" },
    "us-1": { origin: GW.us, cell: "shard-us-1" },
  };
  const routes: Record<string, unknown> = {
    "org-101": { region: "eu", shard: "tenant-org-101", origin: GW.eu, cell: "tenant-org-101" },
    "org-201": { region: "us", shard: "tenant-org-201", origin: GW.us, cell: "tenant-org-201" },
    org_eu2: { region: "eu", shard: "eu-2" },
    org_us2: { region: "us", shard: "us-2" },
    "shard:us-2": { region: "us", shard: "us-2", origin: GW.us, cell: "shard-us-2" },
    // Written wrong: another tenant's cell, a host that is no configured gateway, a cell on an App Runner host.
    org_other: { region: "us", shard: "tenant-org-other", origin: GW.us, cell: "tenant-org-201" },
    org_evil: { region: "us", shard: "tenant-org-evil", origin: "evil.example.com", cell: "tenant-org-evil" },
    org_mixed: { region: "us", shard: "tenant-org-mixed", origin: "t.us-east-1.awsapprunner.com", cell: "tenant-org-mixed" },
  };
  const cellEnv = (overrides: Partial<RouterEnv> = {}) =>
    env({ ROUTES: kv(routes), ORIGINS: JSON.stringify(CELL_ORIGINS), SHARD_ORIGINS: JSON.stringify(CELL_SHARDS), ...overrides });
  const send = async (headers: Record<string, string>, overrides: Partial<RouterEnv> = {}) => {
    const { fetchFn, seen } = upstream({});
    await handle(request(headers), cellEnv(overrides), { cache: createRouteCache(), fetchFn });
    expect(seen).toHaveLength(1);
    return seen[0];
  };

  it.each([
    ["an EU tenant", "org-101", GW.eu, "tenant-org-101", "eu"],
    ["a US tenant", "org-201", GW.us, "tenant-org-201", "us"],
  ])("%s reaches its own cell through its region's gateway", async (_what, org, host, cell, region) => {
    const out = await send({ "X-Organization-Id": org, "X-Origin-Verify": "forged" }, {
      ORIGIN_HEADER: "X-Origin-Verify",
      ORIGIN_VERIFY: "from-secrets-manager",
    } as Partial<RouterEnv>);
    expect(out.url).toBe(`https://${host}/v1/patients?page=2`);
    expect(out.headers.get("X-Restartix-Cell")).toBe(cell);
    expect(out.headers.get("X-Restartix-Region")).toBe(region);
    expect(out.headers.get("X-Restartix-Shard")).toBe(cell);
    // The gateway sits behind the origin-guard WAF like every ALB: the Worker still adds the origin header.
    expect(out.headers.get("X-Origin-Verify")).toBe("from-secrets-manager");
  });

  it("sends a shared shard's organization to the shard's cell, from SHARD_ORIGINS or the shard's own KV entry", async () => {
    const configured = await send({ "X-Organization-Id": "org_eu2" });
    expect(new URL(configured.url).host).toBe(GW.eu);
    expect(configured.headers.get("X-Restartix-Cell")).toBe("shard-eu-2");
    const fromKv = await send({ "X-Organization-Id": "org_us2" });
    expect(new URL(fromKv.url).host).toBe(GW.us);
    expect(fromKv.headers.get("X-Restartix-Cell")).toBe("shard-us-2");
    expect(fromKv.headers.get("X-Restartix-Shard")).toBe("us-2");
  });

  it("sends an unknown organization to DEFAULT_REGION without a shard or a cell (docs/global-routing.md)", async () => {
    for (const headers of [{ "X-Organization-Id": "org_unknown" }, {}] as Record<string, string>[]) {
      const out = await send({ ...headers, "X-Restartix-Cell": "tenant-org-201" });
      expect(new URL(out.url).host).toBe("api-eu.example.com");
      expect(out.headers.get("X-Restartix-Region")).toBe("eu");
      expect(out.headers.has("X-Restartix-Shard")).toBe(false);
      expect(out.headers.has("X-Restartix-Cell")).toBe(false);
    }
    // DEFAULT_REGION us: the region's default origin is shard us-1's cell.
    const us = await send({ "X-Organization-Id": "org_unknown" }, { DEFAULT_REGION: "us" });
    expect(new URL(us.url).host).toBe(GW.us);
    expect(us.headers.get("X-Restartix-Cell")).toBe("shard-us-1");
    expect(us.headers.has("X-Restartix-Shard")).toBe(false);
  });

  it("replaces an X-Restartix-Cell the client sent with the organization's own cell", async () => {
    const out = await send({ "X-Organization-Id": "org-101", "X-Restartix-Cell": "tenant-org-201", "x-restartix-cell": "shard-us-2" });
    expect(out.headers.get("X-Restartix-Cell")).toBe("tenant-org-101");
  });

  it("ignores a KV cell that is not the entry's own, or whose origin is not a configured gateway", async () => {
    for (const org of ["org_other", "org_evil", "org_mixed"]) {
      const out = await send({ "X-Organization-Id": org });
      // The region's default: shard us-1's cell, never the entry's host or cell.
      expect(new URL(out.url).host).toBe(GW.us);
      expect(out.headers.get("X-Restartix-Cell")).toBe("shard-us-1");
    }
  });

  it("accepts cell values in ORIGINS and SHARD_ORIGINS only with a hostname and, for a shard, its own cell", () => {
    expect(parseOrigins({ ORIGINS: JSON.stringify(CELL_ORIGINS) })).toEqual(CELL_ORIGINS);
    expect(
      parseOrigins({
        ORIGINS: JSON.stringify({
          eu: "api-eu.example.com",
          us: { origin: "bad host", cell: "shard-us-1" },
          ap: { origin: GW.us, cell: "nope" },
        }),
      }),
    ).toEqual({ eu: "api-eu.example.com" });
    const shards = parseShardOrigins({ SHARD_ORIGINS: JSON.stringify({ ...CELL_SHARDS, "eu-3": { origin: GW.eu, cell: "shard-eu-2" } }) });
    expect(shards).toEqual(CELL_SHARDS);
  });

  it("fails over to the other region's own origin and cell, never this region's cell", async () => {
    const quiet = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const { fetchFn, seen } = upstream({ [GW.eu]: 503 });
    await handle(request({ "X-Organization-Id": "org-101" }), cellEnv({ FAILOVER: "on" }), { cache: createRouteCache(), fetchFn });
    quiet.mockRestore();
    expect(seen.map((r) => [new URL(r.url).host, r.headers.get("X-Restartix-Cell")])).toEqual([
      [GW.eu, "tenant-org-101"],
      [GW.us, "shard-us-1"],
    ]);
  });

  it("keeps the App Runner layout as it was: no cell header", () => {
    const route = chooseRoute({ region: "us", shard: "tenant-org-201", origin: "t201.us-east-1.awsapprunner.com" }, ORIGINS, "eu");
    expect(route).toEqual({ region: "us", shard: "tenant-org-201", origin: "t201.us-east-1.awsapprunner.com", known: true });
  });
});
