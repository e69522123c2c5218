import * as fs from "fs";
import * as path from "path";
import { App, TerraformStack, Testing } from "cdktf";
import { WorkersKvNamespace } from "@cdktf/provider-cloudflare/lib/workers-kv-namespace";
import { ROOT } from "../config/deployment";
import { runTenant } from "../scripts/tenant";
import { readJsonExpression } from "../lib/json-expression";
import { RouteEntry, routeEntryOf, RoutesStack, routingItemOf, routeValueOf, workerOriginOf } from "../stacks/routing";
import { providersOf } from "../tools/synth";
import { EXAMPLE_VARS, resources, stack, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

/** Phase 4: one routes stack per region holds every routed cell's entry in the Worker's ROUTES namespace. */
const p4 = synth({ phase: 4 });
const cells = p4.built.cells;
const regionOf = (region: string) => p4.settings.phase.regions.find((r) => r.region === region)!;
const routesOf = (region: string) => (regionOf(region).primary ? "routes" : `routes-${regionOf(region).key}`);

/** The entry's value with its one reference (the cell's service domain) replaced by the producing stack's name. */
function entryOf(stackName: string, cell: string): { key: string; value: Record<string, string>; namespace: string } {
  const kv = Object.fromEntries(resources(stack(p4, stackName), "cloudflare_workers_kv"))[cell];
  if (!kv) throw new Error(`no KV entry ${cell} in ${stackName}`);
  const raw = readJsonExpression(kv.value) as Record<string, string>;
  const value = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [
      k,
      v.replace(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.cross-stack-output-aws_apprunner_service\w+service_url\}$/,
        "<url of $1>",
      ),
    ]),
  );
  return { key: kv.key_name, value, namespace: kv.namespace_id };
}

describe("phase 4: each cell's routing entry in the Worker's KV namespace", () => {
  test("there are 7 shards and 40 tenants; one routes stack per region holds exactly its region's entries", () => {
    expect(cells.filter((c) => c.cell.kind === "shard")).toHaveLength(7);
    expect(cells.filter((c) => c.cell.kind === "tenant")).toHaveLength(40);
    expect(p4.built.routes.map((s) => s.node.id)).toEqual(["routes", "routes-us"]);
    expect(p4.stacks.filter((s) => s.name.startsWith("route-"))).toEqual([]);
    for (const rc of p4.settings.phase.regions) {
      const inRegion = cells.filter((c) => c.cell.region === rc.region).map((c) => `${c.cell.kind}-${c.cell.id}`);
      expect(
        resources(stack(p4, routesOf(rc.region)), "cloudflare_workers_kv")
          .map(([id]) => id)
          .sort(),
      ).toEqual(inRegion.sort());
    }
  });

  test.each(cells.map((c) => [`${c.cell.kind}-${c.cell.id}`, c.cell.kind, c.cell.id, c.cell.region] as const))(
    "%s: key, region, shard and its own service as origin",
    (name, kind, id, region) => {
      const entry = entryOf(routesOf(region), name);
      expect(entry.namespace).toBe(
        "${data.terraform_remote_state.cross-stack-reference-input-edge.outputs.cross-stack-output-cloudflare_workers_kv_namespaceroutesid}",
      );
      const key = regionOf(region).key;
      if (kind === "tenant") {
        expect(entry.key).toBe(id);
        expect(entry.value).toEqual({ region: key, shard: `tenant-${id}`, origin: `<url of ${name}>` });
      } else {
        expect(entry.key).toBe(`shard:${id}`);
        expect(entry.value).toEqual({ region: key, shard: id, origin: `<url of ${name}>` });
      }
    },
  );

  test("US tenants are routed to the US: their entries are in routes-us and name region us", () => {
    const us = cells.filter((c) => c.cell.kind === "tenant" && c.cell.region === "us-east-1");
    expect(us.length).toBe(30);
    for (const c of us) expect(entryOf("routes-us", `tenant-${c.cell.id}`).value.region).toBe("us");
  });

  test("the tenant's KV entry matches its DynamoDB item (the source of truth)", () => {
    for (const c of cells.filter((x) => x.cell.kind === "tenant")) {
      const item = readJsonExpression(resources(stack(p4, `tenant-${c.cell.id}`), "aws_dynamodb_table_item")[0][1].item) as Record<
        string,
        { S: string }
      >;
      const entry = entryOf(routesOf(c.cell.region), `tenant-${c.cell.id}`);
      expect({ key: item.organization_id.S, region: item.region.S, shard: item.shard.S }).toEqual({
        key: entry.key,
        region: entry.value.region,
        shard: entry.value.shard,
      });
    }
  });

  test("the cells stay AWS-only; the routes stacks are Cloudflare-only and follow the edge and every cell of their region", () => {
    for (const c of cells) expect(providersOf(stack(p4, `${c.cell.kind}-${c.cell.id}`))).toEqual(["aws"]);
    for (const rc of p4.settings.phase.regions) {
      const routes = stack(p4, routesOf(rc.region));
      expect(providersOf(routes)).toEqual(["cloudflare"]);
      const inRegion = cells.filter((c) => c.cell.region === rc.region).map((c) => `${c.cell.kind}-${c.cell.id}`);
      expect([...routes.dependencies].sort()).toEqual(["edge", ...inRegion].sort());
    }
  });

  test("phases 1-3 have no Worker and no routes stacks", () => {
    for (const phase of [1, 2, 3]) expect(synth({ phase }).stacks.filter((s) => s.name.startsWith("route"))).toEqual([]);
  });

  const withTenants = (change: (registry: Record<string, unknown>[]) => Record<string, unknown>[]) => {
    const file = path.join(tempDir("rx-tenants-"), "phase4.json");
    const registry = JSON.parse(fs.readFileSync(path.join(ROOT, "phases", "tenants", "phase4.json"), "utf8")) as Record<string, unknown>[];
    fs.writeFileSync(file, JSON.stringify(change(registry), null, 2));
    return synth({ phase: 4, varsFile: EXAMPLE_VARS, tenantsFile: file });
  };

  test("adding a phase 4 tenant adds its cell stack and one entry in its region's routes stack, and changes no other stack", () => {
    const after = withTenants((registry) => [
      ...registry,
      // A free slot: a slot is unique per region (the listener rule priority on a Fargate cell gateway).
      {
        ...registry.find((t) => t.region === "us-east-1")!,
        id: "org-999",
        name: "Clinic 999",
        slot: Math.max(...registry.map((t) => Number(t.slot))) + 1,
      },
    ]);
    expect(after.stacks.map((s) => s.name).sort()).toEqual([...p4.stacks.map((s) => s.name), "tenant-org-999"].sort());
    for (const s of p4.stacks.filter((x) => x.name !== "routes-us")) expect(stack(after, s.name).json).toEqual(s.json);
    const before = stack(p4, "routes-us").json as any;
    const now = stack(after, "routes-us").json as any;
    expect(Object.keys(now.resource.cloudflare_workers_kv).filter((k) => !(k in before.resource.cloudflare_workers_kv))).toEqual([
      "tenant-org-999",
    ]);
    expect(Object.keys(now.data.terraform_remote_state).filter((k) => !(k in before.data.terraform_remote_state))).toEqual([
      "cross-stack-reference-input-tenant-org-999",
    ]);
    const added = now.resource.cloudflare_workers_kv["tenant-org-999"];
    expect(added.key_name).toBe("org-999");
    expect(readJsonExpression(added.value)).toEqual({
      region: "us",
      shard: "tenant-org-999",
      origin: expect.stringMatching(/cross-stack-reference-input-tenant-org-999\./),
    });
  });

  test("a tenant being decommissioned has no route, so cdktf can destroy its stack without a dependant", () => {
    const after = withTenants((registry) => registry.map((t) => (t.id === "org-201" ? { ...t, decommission: true } : t)));
    const routes = stack(after, "routes-us");
    expect(resources(routes, "cloudflare_workers_kv").map(([id]) => id)).not.toContain("tenant-org-201");
    expect(routes.dependencies).not.toContain("tenant-org-201");
    expect(after.stacks.filter((s) => s.dependencies.includes("tenant-org-201"))).toEqual([]);
  });
});

describe("a Fargate cell's route: the region's cell gateway and X-Restartix-Cell", () => {
  const tenant: RouteEntry = {
    key: "org-201",
    region: "us",
    shard: "tenant-org-201",
    origin: "cells-us-1.example.com",
    cell: "tenant-org-201",
  };
  const shard: RouteEntry = { key: "shard:us-2", region: "us", shard: "us-2", origin: "cells-us-1.example.com", cell: "shard-us-2" };

  test("routeEntryOf names the cell only through a gateway", () => {
    expect(routeEntryOf({ kind: "tenant", id: "org-201" }, "us", "cells-us-1.example.com", { gateway: true })).toEqual(tenant);
    expect(routeEntryOf({ kind: "shard", id: "us-2" }, "us", "cells-us-1.example.com", { gateway: true })).toEqual(shard);
    expect(routeEntryOf({ kind: "tenant", id: "org-201" }, "us", "x.us-east-1.awsapprunner.com")).not.toHaveProperty("cell");
  });

  test("the DynamoDB routing item carries the same origin and cell as the KV entry", () => {
    expect(routingItemOf(tenant)).toEqual({
      organization_id: { S: "org-201" },
      region: { S: "us" },
      shard: { S: "tenant-org-201" },
      origin: { S: "cells-us-1.example.com" },
      cell: { S: "tenant-org-201" },
    });
    // App Runner: exactly the item the cell stacks write today (no cell attribute).
    const appRunner = { key: "org-201", region: "us", shard: "tenant-org-201", origin: "x.us-east-1.awsapprunner.com" };
    expect(routingItemOf(appRunner)).toEqual({
      organization_id: { S: "org-201" },
      region: { S: "us" },
      shard: { S: "tenant-org-201" },
      origin: { S: "x.us-east-1.awsapprunner.com" },
    });
    expect(Object.keys(routingItemOf(appRunner))).toEqual(["organization_id", "region", "shard", "origin"]);
  });

  test("the Worker's origin form: {origin, cell} behind a gateway, the hostname otherwise", () => {
    expect(workerOriginOf(shard)).toEqual({ origin: "cells-us-1.example.com", cell: "shard-us-2" });
    expect(workerOriginOf({ key: "shard:us-2", region: "us", shard: "us-2", origin: "s.us-east-1.awsapprunner.com" })).toBe(
      "s.us-east-1.awsapprunner.com",
    );
  });

  test("the routes stack writes the cell into the KV value, and follows the cell's stack", () => {
    const app = Testing.app({ outdir: tempDir("cdktf.outdir.") });
    const edge = new TerraformStack(app, "edge");
    const namespace = new WorkersKvNamespace(edge, "routes", { accountId: "0".repeat(32), title: "restartix-router-routes" });
    const cellStack = new TerraformStack(app, "tenant-org-201");
    const routes = new RoutesStack(app as App, "routes-us", {
      settings: p4.settings,
      namespace,
      cells: [{ stack: cellStack, cell: { kind: "tenant", id: "org-201" }, entry: tenant }],
    });
    const json = JSON.parse(Testing.synth(routes));
    const kv = json.resource.cloudflare_workers_kv["tenant-org-201"];
    expect(kv.key_name).toBe("org-201");
    expect(readJsonExpression(kv.value)).toEqual(routeValueOf(tenant));
    expect(readJsonExpression(kv.value)).toEqual({
      region: "us",
      shard: "tenant-org-201",
      origin: "cells-us-1.example.com",
      cell: "tenant-org-201",
    });
    expect(routes.dependencies.map((d) => d.node.id)).toContain("tenant-org-201");
  });
});

describe("npm run tenant in phase 4", () => {
  test("prints the deploy and destroy commands with the tenant's region's routes stack", async () => {
    const file = path.join(tempDir("rx-tenants-"), "phase4.json");
    fs.copyFileSync(path.join(ROOT, "phases", "tenants", "phase4.json"), file);
    const logs: string[] = [];
    const spy = jest.spyOn(console, "log").mockImplementation((m) => void logs.push(String(m)));
    try {
      await runTenant(["add", "org-777", "--region", "us-east-1", "--phase", "4", "--vars", EXAMPLE_VARS, "--tenants", file]);
      await runTenant(["remove", "org-777", "--confirm", "org-777", "--phase", "4", "--vars", EXAMPLE_VARS, "--tenants", file]);
    } finally {
      spy.mockRestore();
    }
    const text = logs.join("\n");
    // The default engine (Fargate): data first, then the service and the region's routes; removal in reverse.
    expect(text).toContain("PHASE=4 npx cdktf deploy tenant-org-777 --ignore-missing-stack-dependencies");
    expect(text).toContain("PHASE=4 npx cdktf deploy tenant-org-777-service routes-us --ignore-missing-stack-dependencies");
    expect(text).toContain("PHASE=4 npx cdktf deploy tenant-org-777 routes-us --ignore-missing-stack-dependencies");
    expect(text).toContain("PHASE=4 npx cdktf destroy tenant-org-777-service tenant-org-777   #");
    expect(text).not.toMatch(/route-tenant/);
  }, 240_000);
});
