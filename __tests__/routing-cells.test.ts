import { readJsonExpression } from "../lib/json-expression";
import { createRouteCache, handle } from "../worker/router";
import { DEFAULT_ENGINE, only, resources, stack, synth } from "./helpers";

/**
 * Phase 4 on Fargate (the default engine): every cell's route names its region's cell gateway and
 * its cell (stacks/cell.ts builds `routeEntryOf(cell, key, gateway, { gateway: true })`). What this
 * file checks is the wiring from the entries to the edge's Worker bindings and the routes stacks, and
 * the Worker routing with those bindings.
 */
const gatewayOf = (regionKey: string) => `cells-${regionKey}-1.example.com`;

const p4 = synth({ phase: 4, compute: DEFAULT_ENGINE });

function bindings(): Record<string, unknown> {
  const script = only(stack(p4, "edge"), "cloudflare_workers_script");
  return Object.fromEntries(
    (script.bindings as { name: string; text?: string }[]).filter((b) => b.text !== undefined).map((b) => [b.name, b.text]),
  );
}

describe("phase 4 with Fargate-shaped routes: gateways and X-Restartix-Cell", () => {
  test("the edge's ORIGINS and SHARD_ORIGINS name each Fargate shard as {origin: its region's gateway, cell: shard-<id>}", () => {
    const b = bindings();
    const origins = readJsonExpression(b.ORIGINS) as Record<string, unknown>;
    const shards = readJsonExpression(b.SHARD_ORIGINS) as Record<string, unknown>;
    // eu's default and eu-1 are the shared tier (compute), never a cell.
    expect(origins.eu).toEqual(expect.stringMatching(/^\$\{/));
    expect(origins.us).toEqual({ origin: gatewayOf("us"), cell: "shard-us-1" });
    expect(shards["eu-1"]).toEqual(origins.eu);
    expect(shards["eu-2"]).toEqual({ origin: gatewayOf("eu"), cell: "shard-eu-2" });
    expect(shards["us-5"]).toEqual({ origin: gatewayOf("us"), cell: "shard-us-5" });
  });

  test("each routes stack writes the cell with the gateway, and follows the cells it routes without reading their state", () => {
    const routes = stack(p4, "routes-us");
    const kv = Object.fromEntries(resources(routes, "cloudflare_workers_kv"));
    expect(readJsonExpression(kv["tenant-org-201"].value)).toEqual({
      region: "us",
      shard: "tenant-org-201",
      origin: gatewayOf("us"),
      cell: "tenant-org-201",
    });
    expect(readJsonExpression(kv["shard-us-2"].value)).toEqual({
      region: "us",
      shard: "us-2",
      origin: gatewayOf("us"),
      cell: "shard-us-2",
    });
    // A Fargate cell's route follows its service stack (the listener rule must exist before the Worker routes to it).
    expect(routes.dependencies).toEqual(expect.arrayContaining(["edge", "tenant-org-201-service", "shard-us-2-service"]));
    expect(Object.keys((routes.json.data as Record<string, Record<string, unknown>>).terraform_remote_state)).toEqual([
      "cross-stack-reference-input-edge",
    ]);
  });

  test("the Worker, with those bindings and KV entries, sends a tenant of each region to its own cell", async () => {
    const b = bindings();
    // The shared tier's domain is a reference to the compute stack: a placeholder host stands in for it.
    const resolve = (text: unknown) =>
      JSON.stringify(readJsonExpression(text)).replace(/\$\{[^}"]+\}/g, "core.eu-central-1.awsapprunner.com");
    const kvValues: Record<string, unknown> = {};
    for (const name of ["routes", "routes-us"]) {
      for (const [, r] of resources(stack(p4, name), "cloudflare_workers_kv")) kvValues[r.key_name] = readJsonExpression(r.value);
    }
    const env = {
      ROUTES: { get: async (key: string) => kvValues[key] ?? null },
      ORIGINS: resolve(b.ORIGINS),
      SHARD_ORIGINS: resolve(b.SHARD_ORIGINS),
      DEFAULT_REGION: String(b.DEFAULT_REGION),
    };
    const eu = p4.settings.tenants.find((t) => t.region === "eu-central-1")!.id;
    const us = p4.settings.tenants.find((t) => t.region === "us-east-1")!.id;
    for (const [org, host] of [
      [eu, gatewayOf("eu")],
      [us, gatewayOf("us")],
    ]) {
      const seen: Request[] = [];
      const fetchFn = async (r: Request) => (seen.push(r), new Response("ok"));
      await handle(
        new Request("https://api.example.com/v1/x", { headers: { "X-Organization-Id": org, "X-Restartix-Cell": "tenant-someone-else" } }),
        env,
        { cache: createRouteCache(), fetchFn },
      );
      expect(new URL(seen[0].url).host).toBe(host);
      expect(seen[0].headers.get("X-Restartix-Cell")).toBe(`tenant-${org}`);
    }
  });
});
