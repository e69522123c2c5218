import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { collapseAlike } from "../tools/diagram/collapse";
import { toDot } from "../tools/diagram/dot";
import { buildGraph } from "../tools/diagram/graph";
import { dotToSvg, renderDot } from "../tools/diagram/render";
import { serviceOf } from "../tools/diagram/services";
import { SynthStack } from "../tools/synth";
import { synth } from "./helpers";

const phase1 = synth({ phase: 1 });
const graph = buildGraph(phase1.stacks);
const dot = toDot(collapseAlike(graph), "phase 1");

describe("architecture diagram of phase 1", () => {
  test.each(phase1.stacks.map((s) => s.name))("stack %s appears as a cluster in the DOT", (name) => {
    expect(dot).toContain(`"cluster_stack_${name}"`);
  });

  test("resources are grouped by service, one node per service and stack (RDS xN, not one node per rule)", () => {
    const network = graph.stacks.find((s) => s.name === "network")!;
    const groups = network.nodes.find((n) => n.service === "Security groups")!;
    const rules = (["aws_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_default_security_group"] as const)
      .map((t) => Object.keys(phase1.stacks.find((s) => s.name === "network")!.json.resource?.[t] ?? {}).length)
      .reduce((a, b) => a + b, 0);
    expect(groups.count).toBe(rules);
    expect(network.nodes.filter((n) => n.service === "Security groups")).toHaveLength(1);
    expect(dot).toMatch(/RDS \u00d7\d+/);
  });

  test("cross-stack references are edges from the consumer's service to the producer's", () => {
    // compute's App Runner services read the VPC connector of network and the secrets of data.
    const edge = (from: string, to: string) => graph.edges.find((e) => e.consumer === from && e.producer === to);
    expect(edge("compute", "network")).toBeDefined();
    expect(edge("compute", "data")).toBeDefined();
    expect(dot).toMatch(/n_compute_App_Runner -> n_data_Secrets_Manager/);
    // Every remote state a stack reads has at least one edge.
    for (const s of phase1.stacks) {
      for (const key of Object.keys(s.json.data?.terraform_remote_state ?? {})) {
        expect([s.name, key, edge(s.name, key.replace("cross-stack-reference-input-", "")) !== undefined]).toEqual([s.name, key, true]);
      }
    }
  });

  test("provider boundaries: AWS (by region), Cloudflare and GitHub are separate outer clusters", () => {
    expect(dot).toContain('"cluster_provider_aws"');
    expect(dot).toContain('"cluster_region_eu-central-1"');
    const providers = new Set(phase1.stacks.flatMap((s) => Object.keys(s.json.terraform?.required_providers ?? {})));
    for (const p of providers) expect(dot).toContain(`"cluster_provider_${p}"`);
  });
});

describe("alike stacks collapse into one cluster that still names each of them", () => {
  const cell = (name: string): SynthStack => ({
    name,
    dependencies: ["network"],
    json: {
      terraform: { required_providers: { aws: {} } },
      provider: { aws: [{ region: "eu-central-1" }] },
      resource: { aws_db_instance: { db: { engine: "postgres" } }, aws_apprunner_service: { svc: { vpc: "${data.terraform_remote_state.cross-stack-reference-input-network.outputs.vpc}" } } },
      data: { terraform_remote_state: { "cross-stack-reference-input-network": {} } },
    },
  });
  const network: SynthStack = {
    name: "network",
    dependencies: [],
    json: { terraform: { required_providers: { aws: {} } }, provider: { aws: [{ region: "eu-central-1" }] }, resource: { aws_vpc: { vpc: {} } }, output: { vpc: { value: "${aws_vpc.vpc.id}" } } },
  };
  const stacks = [network, ...["tenant-org-1", "tenant-org-2", "tenant-org-3"].map(cell)];
  const collapsed = collapseAlike(buildGraph(stacks));

  test("three tenant cells become one cluster with one edge per distinct reference", () => {
    expect(collapsed.stacks.map((s) => s.members)).toEqual([["network"], ["tenant-org-1", "tenant-org-2", "tenant-org-3"]]);
    expect(collapsed.edges).toEqual([expect.objectContaining({ from: "n_tenant_org_1_App_Runner", to: "n_network_VPC", references: 3 })]);
  });

  test("the DOT names every member stack", () => {
    const text = toDot(collapsed, "cells");
    for (const s of stacks) expect(text).toContain(s.name);
    expect(text).toContain("(3 alike)");
  });
});

test.each([
  ["aws_route53_health_check", "Route 53"],
  ["aws_route_table_association", "VPC"],
  ["aws_vpc_security_group_ingress_rule", "Security groups"],
  ["cloudflare_dns_record", "DNS"],
  ["github_actions_variable", "Actions"],
])("%s is drawn under %s", (type, service) => {
  expect(serviceOf(type)).toBe(service);
});

// Rendering needs no system package (Graphviz as WebAssembly, resvg from npm): this test never skips.
test("the phase 1 DOT renders to SVG and PNG with Graphviz from npm", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-diagram-test-"));
  renderDot(dot, "svg", path.join(dir, "phase1.svg"));
  renderDot(dot, "png", path.join(dir, "phase1.png"));
  const svg = fs.readFileSync(path.join(dir, "phase1.svg"), "utf8");
  expect(svg).toContain("<svg");
  expect(svg).toContain("stack: compute");
  const png = fs.readFileSync(path.join(dir, "phase1.png"));
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  // 110 dpi of the SVG's size in points: a legible picture, not an empty canvas.
  const width = png.readUInt32BE(16);
  const points = Number(/<svg width="(\d+)pt"/.exec(svg)![1]);
  expect(Math.abs(width - Math.round((points * 110) / 72))).toBeLessThanOrEqual(2);
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

test("a bad graph fails with Graphviz's own message", () => {
  expect(() => dotToSvg("digraph { a -> }")).toThrow(/graphviz \(WebAssembly\) failed: .*syntax error/i);
});
