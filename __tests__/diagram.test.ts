import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { PHASES } from "../phases/types";
import { collapseAlike } from "../tools/diagram/collapse";
import { diagramsOf, REGENERATE_COMMAND } from "../tools/diagram/diagram-set";
import { toOverviewDot } from "../tools/diagram/overview-dot";
import { areaGraph, areasOf, overviewGraph } from "../tools/diagram/views";
import { toDot } from "../tools/diagram/dot";
import { buildGraph } from "../tools/diagram/graph";
import { dotToSvg, renderDot } from "../tools/diagram/render";
import { serviceOf } from "../tools/diagram/services";
import { SynthStack } from "../tools/synth";
import { DEFAULT_ENGINE, synth } from "./helpers";
import { tempDir } from "./temp-dirs";

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
    const rules = (
      [
        "aws_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_default_security_group",
      ] as const
    )
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
      resource: {
        aws_db_instance: { db: { engine: "postgres" } },
        aws_apprunner_service: { svc: { vpc: "${data.terraform_remote_state.cross-stack-reference-input-network.outputs.vpc}" } },
      },
      data: { terraform_remote_state: { "cross-stack-reference-input-network": {} } },
    },
  });
  const network: SynthStack = {
    name: "network",
    dependencies: [],
    json: {
      terraform: { required_providers: { aws: {} } },
      provider: { aws: [{ region: "eu-central-1" }] },
      resource: { aws_vpc: { vpc: {} } },
      output: { vpc: { value: "${aws_vpc.vpc.id}" } },
    },
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
  const dir = tempDir("restartix-diagram-test-");
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

describe("the committed diagrams are what `npm run diagram -- --all` writes", () => {
  const DIR = path.join(ROOT, "docs", "diagrams");
  const sets = PHASES.map((phase) => {
    // What `npm run diagram -- --all` draws: the example inputs, so the default engine.
    const r = synth({ phase, compute: DEFAULT_ENGINE });
    return diagramsOf(r.stacks, phase, r.settings.deployment.compute);
  });

  test.each(PHASES.map((p, i) => [p, i] as const))(
    "phase %s: every committed .dot equals the generator's DOT",
    (_phase, i) => {
      // DOT is deterministic (the PNG depends on fonts), so the text is the proof that the pictures are current.
      const stale = sets[i].filter(
        (d) => !fs.existsSync(path.join(DIR, `${d.name}.dot`)) || fs.readFileSync(path.join(DIR, `${d.name}.dot`), "utf8") !== d.dot,
      );
      if (stale.length > 0) {
        throw new Error(
          `${stale.map((d) => `docs/diagrams/${d.name}.dot`).join(", ")}: stale or missing (not what the generator draws now). Fix: ${REGENERATE_COMMAND} && git add docs/diagrams`,
        );
      }
    },
    120_000,
  );

  test("no committed diagram is left that the generator no longer draws", () => {
    const drawn = new Set(sets.flat().map((d) => d.name));
    const leftovers = fs
      .readdirSync(DIR)
      .filter((f) => /^phase\d[a-z0-9-]*\.(dot|svg|png)$/.test(f) && !drawn.has(f.replace(/\.[a-z]+$/, "")));
    if (leftovers.length > 0)
      throw new Error(
        `docs/diagrams holds ${leftovers.join(", ")}, which the generator no longer draws. Fix: ${REGENERATE_COMMAND} (it removes them) && git add -A docs/diagrams`,
      );
    for (const d of drawn)
      for (const ext of ["svg", "png"]) expect([d, ext, fs.existsSync(path.join(DIR, `${d}.${ext}`))]).toEqual([d, ext, true]);
  });

  test("phase 4 (two regions) is an overview plus one diagram per area; phases in one region stay one diagram", () => {
    expect(sets.map((s) => s.map((d) => d.name))).toEqual([
      ["phase1"],
      ["phase2"],
      ["phase3"],
      ["phase4", "phase4-eu", "phase4-us", "phase4-global"],
    ]);
    const overview = sets[3][0].dot;
    // One box per group of stacks: readable at README width, unlike 114 stack clusters.
    expect(overview.match(/^\s+g_\w+ \[label=/gm)?.length).toBeLessThanOrEqual(12);
    // Fargate (the default engine): a cell is its data stack and its <cell>-service stack.
    expect(overview).toMatch(/<B>10 tenant cells \(20 stacks\)<\/B>/);
    expect(overview).toMatch(/<B>30 tenant cells \(60 stacks\)<\/B>/);
    expect(overview).toMatch(/<B>5 shards \(10 stacks\)<\/B>/);
    expect(overview).toContain('"cluster_region_us-east-1"');
    expect(overview).toContain("detail in phase4-eu, phase4-us, phase4-global");
  });

  test("each phase 4 stack is drawn in detail in exactly one area diagram", () => {
    const [, ...areas] = sets[3];
    const phase4 = synth({ phase: 4, compute: DEFAULT_ENGINE });
    // A stack cluster's tooltip lists the stacks it stands for (one, or all the alike tenant cells).
    const clustered = (dot: string) => [...dot.matchAll(/tooltip="([^"]*)"; style="rounded,filled"/g)].flatMap((m) => m[1].split(", "));
    const drawnIn = areas.flatMap((d) => clustered(d.dot));
    expect(drawnIn.sort()).toEqual(phase4.stacks.map((s) => s.name).sort());
  });
});

describe("areas and the overview of a graph", () => {
  const stackOf = (name: string, provider: string, region?: string, reads: string[] = []): SynthStack => ({
    name,
    dependencies: reads,
    json: {
      terraform: { required_providers: { [provider]: {} } },
      ...(region ? { provider: { aws: [{ region }] } } : {}),
      resource: {
        [provider === "aws" ? "aws_s3_bucket" : `${provider}_dns_record`]: {
          r: Object.fromEntries(reads.map((p) => [p, `\${data.terraform_remote_state.cross-stack-reference-input-${p}.outputs.id}`])),
        },
      },
      output: { id: { value: `\${${provider === "aws" ? "aws_s3_bucket" : `${provider}_dns_record`}.r.id}` } },
      data: { terraform_remote_state: Object.fromEntries(reads.map((p) => [`cross-stack-reference-input-${p}`, {}])) },
    },
  });
  const stacks = [
    stackOf("network", "aws", "eu-central-1"),
    stackOf("network-us", "aws", "us-east-1"),
    ...["tenant-org-1", "tenant-org-2", "tenant-org-3"].map((n) => stackOf(n, "aws", "us-east-1", ["network-us", "network"])),
    stackOf("edge", "cloudflare", undefined, ["network"]),
  ];
  const graph = buildGraph(stacks);

  test("an area holds its region's stacks; what it reads elsewhere is a stub naming the other diagram", () => {
    const us = areaGraph(collapseAlike(graph), "us");
    expect(us.stacks.map((s) => s.members)).toEqual([["network-us"], ["tenant-org-1", "tenant-org-2", "tenant-org-3"]]);
    expect(us.stubs).toEqual([{ name: "network", members: ["network"], area: "eu" }]);
    const text = toDot(us, "us", (a) => `phase4-${a}.png`);
    expect(text).toContain('label="drawn in phase4-eu.png"');
    expect(text).toMatch(/n_tenant_org_1_S3 -> anchor_network \[/);
    expect(areasOf(graph)).toEqual(["eu", "us", "global"]);
  });

  test("the overview counts tenant cells per region and sums edges between groups", () => {
    const o = overviewGraph(graph);
    expect(o.groups.map((g) => [g.kind, g.region ?? "-", g.stacks.length])).toEqual([
      ["shared stacks", "eu-central-1", 1],
      ["shared stacks", "us-east-1", 1],
      ["tenant cells", "us-east-1", 3],
      ["edge", "-", 1],
    ]);
    const cells = o.groups.find((g) => g.kind === "tenant cells")!.id;
    expect(o.edges.filter((e) => e.from === cells).map((e) => e.pairs)).toEqual([3, 3]);
    expect(toOverviewDot(o, "t", "d")).toContain("<B>3 tenant cells</B>");
  });
});
