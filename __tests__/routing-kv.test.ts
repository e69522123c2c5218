import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { runTenant } from "../scripts/tenant";
import { readJsonExpression } from "../lib/json-expression";
import { providersOf } from "../tools/synth";
import { EXAMPLE_VARS, only, stack, synth } from "./helpers";

/** Phase 4: every tenant and shard writes its own entry into the Worker's ROUTES namespace. */
const p4 = synth({ phase: 4 });
const cells = p4.built.cells;
const regionKey = (region: string) => p4.settings.phase.regions.find((r) => r.region === region)!.key;

/** The entry's value with its one reference (the cell's service domain) replaced by the producing stack's name. */
function entryOf(name: string): { key: string; value: Record<string, string>; namespace: string } {
  const kv = only(stack(p4, name), "cloudflare_workers_kv");
  const raw = readJsonExpression(kv.value) as Record<string, string>;
  const value = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, v.replace(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.cross-stack-output-aws_apprunner_service\w+service_url\}$/, "<url of $1>")]),
  );
  return { key: kv.key_name, value, namespace: kv.namespace_id };
}

describe("phase 4: each cell's routing entry in the Worker's KV namespace", () => {
  test("there are 7 shards and 40 tenants, each with its own route stack", () => {
    expect(cells.filter((c) => c.cell.kind === "shard")).toHaveLength(7);
    expect(cells.filter((c) => c.cell.kind === "tenant")).toHaveLength(40);
    expect(p4.built.routeEntries.map((s) => s.node.id).sort()).toEqual(cells.map((c) => `route-${c.cell.kind}-${c.cell.id}`).sort());
  });

  test.each(cells.map((c) => [`${c.cell.kind}-${c.cell.id}`, c.cell.kind, c.cell.id, c.cell.region] as const))(
    "%s: key, region, shard and its own service as origin",
    (name, kind, id, region) => {
      const entry = entryOf(`route-${name}`);
      expect(entry.namespace).toBe("${data.terraform_remote_state.cross-stack-reference-input-edge.outputs.cross-stack-output-cloudflare_workers_kv_namespaceroutesid}");
      if (kind === "tenant") {
        expect(entry.key).toBe(id);
        expect(entry.value).toEqual({ region: regionKey(region), shard: `tenant-${id}`, origin: `<url of ${name}>` });
      } else {
        expect(entry.key).toBe(`shard:${id}`);
        expect(entry.value).toEqual({ region: regionKey(region), shard: id, origin: `<url of ${name}>` });
      }
    },
  );

  test("US tenants are routed to the US: their entries name region us", () => {
    const us = cells.filter((c) => c.cell.kind === "tenant" && c.cell.region === "us-east-1");
    expect(us.length).toBe(30);
    for (const c of us) expect(entryOf(`route-tenant-${c.cell.id}`).value.region).toBe("us");
  });

  test("the tenant's KV entry matches its DynamoDB item (the source of truth)", () => {
    for (const c of cells.filter((x) => x.cell.kind === "tenant")) {
      const item = readJsonExpression(only(stack(p4, `tenant-${c.cell.id}`), "aws_dynamodb_table_item").item) as Record<string, { S: string }>;
      const entry = entryOf(`route-tenant-${c.cell.id}`);
      expect({ key: item.organization_id.S, region: item.region.S, shard: item.shard.S }).toEqual({ key: entry.key, region: entry.value.region, shard: entry.value.shard });
    }
  });

  test("the cells stay AWS-only; the route stacks are Cloudflare-only and read the cell and the edge", () => {
    for (const c of cells) {
      const name = `${c.cell.kind}-${c.cell.id}`;
      expect(providersOf(stack(p4, name))).toEqual(["aws"]);
      const route = stack(p4, `route-${name}`);
      expect(providersOf(route)).toEqual(["cloudflare"]);
      expect([...route.dependencies].sort()).toEqual(["edge", name].sort());
    }
  });

  test("phases 1-3 have no Worker and no route stacks", () => {
    for (const phase of [1, 2, 3]) expect(synth({ phase }).stacks.filter((s) => s.name.startsWith("route-"))).toEqual([]);
  });

  test("adding a phase 4 tenant adds its two stacks and changes no other", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rx-tenants-")), "phase4.json");
    const registry = JSON.parse(fs.readFileSync(path.join(ROOT, "phases", "tenants", "phase4.json"), "utf8")) as Record<string, unknown>[];
    const template = registry.find((t) => t.region === "us-east-1")!;
    fs.writeFileSync(file, JSON.stringify([...registry, { ...template, id: "org-999", name: "Clinic 999" }], null, 2));
    const after = synth({ phase: 4, varsFile: EXAMPLE_VARS, tenantsFile: file });
    expect(after.stacks.map((s) => s.name).sort()).toEqual([...p4.stacks.map((s) => s.name), "tenant-org-999", "route-tenant-org-999"].sort());
    for (const s of p4.stacks) expect(stack(after, s.name).json).toEqual(s.json);
    const added = only(stack(after, "route-tenant-org-999"), "cloudflare_workers_kv");
    expect(added.key_name).toBe("org-999");
    expect(readJsonExpression(added.value)).toEqual({ region: "us", shard: "tenant-org-999", origin: expect.stringMatching(/cross-stack-reference-input-tenant-org-999\./) });
  });
});

describe("npm run tenant in phase 4", () => {
  test("prints the deploy and destroy commands with the tenant's route stack", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rx-tenants-")), "phase4.json");
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
    expect(text).toContain("PHASE=4 npx cdktf deploy tenant-org-777 route-tenant-org-777 --ignore-missing-stack-dependencies");
    expect(text).toContain("PHASE=4 npx cdktf destroy route-tenant-org-777 tenant-org-777");
  }, 240_000);
});
