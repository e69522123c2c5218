import { anchorId, ArchitectureGraph, CrossStackEdge, StackCluster } from "./graph";

/**
 * Views of a phase too large for one picture (phase 4: 114 stacks in two regions): an overview with
 * one node per group of stacks, and one detailed diagram per area (a region's AWS stacks, or the
 * global Cloudflare and GitHub stacks), each showing the stacks of other areas it reads as stubs.
 */

/** Where a stack is drawn in detail: the region prefix of its AWS region (eu, us), or global. */
function areaOf(s: Pick<StackCluster, "provider" | "region">): string {
  if (s.provider === "aws" && s.region) return s.region.split("-")[0];
  return "global";
}

/** The areas of a graph in drawing order: AWS areas alphabetically, global last. */
export function areasOf(graph: ArchitectureGraph): string[] {
  const areas = [...new Set(graph.stacks.map(areaOf))];
  return areas.sort((a, b) => (a === "global" ? 1 : b === "global" ? -1 : a.localeCompare(b)));
}

/** A stack of another area that an area's diagram draws as one box, with the file that details it. */
export interface StubStack {
  readonly name: string;
  readonly members: readonly string[];
  readonly area: string;
}

export interface AreaGraph extends ArchitectureGraph {
  readonly stubs: readonly StubStack[];
}

/**
 * The stacks of one area with every edge that touches them; an edge's end in another area points to
 * that stack's stub box (one per stack, however many of its services are read).
 */
export function areaGraph(graph: ArchitectureGraph, area: string): AreaGraph {
  const byName = new Map(graph.stacks.map((s) => [s.name, s]));
  const inArea = (stack: string) => byName.get(stack) !== undefined && areaOf(byName.get(stack)!) === area;
  const stubs = new Map<string, StubStack>();
  const edges = new Map<string, CrossStackEdge>();
  for (const e of graph.edges) {
    if (!inArea(e.consumer) && !inArea(e.producer)) continue;
    const end = (id: string, stack: string) => {
      if (inArea(stack)) return id;
      const s = byName.get(stack);
      stubs.set(stack, { name: stack, members: s?.members ?? [stack], area: s ? areaOf(s) : "global" });
      return anchorId(stack);
    };
    const from = end(e.from, e.consumer);
    const to = end(e.to, e.producer);
    const key = `${from}->${to}`;
    edges.set(key, { ...e, from, to, references: (edges.get(key)?.references ?? 0) + e.references });
  }
  return {
    stacks: graph.stacks.filter((s) => areaOf(s) === area),
    edges: [...edges.values()],
    stubs: [...stubs.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** One node of the overview: a group of stacks of one kind in one area. */
export interface StackGroup {
  readonly id: string;
  readonly provider: string;
  /** @default - none: not an AWS group (Cloudflare, GitHub) */
  readonly region?: string;
  readonly kind: string;
  readonly stacks: readonly string[];
}

export interface OverviewGraph {
  readonly groups: readonly StackGroup[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly references: number; readonly pairs: number }[];
}

/** The kind of a stack in the overview: tenant cells and shards are counted, the rest are shared. */
function kindOf(name: string, provider: string): string {
  if (provider === "aws" && /^tenant-/.test(name)) return "tenant cells";
  if (provider === "aws" && /^shard-/.test(name)) return "shards";
  if (/^route-/.test(name)) return "cell routes";
  if (provider === "cloudflare") return "edge";
  if (provider === "github") return "delivery";
  return "shared stacks";
}

/** Groups the uncollapsed graph's stacks by area, provider and kind; edges are summed between groups. */
export function overviewGraph(graph: ArchitectureGraph): OverviewGraph {
  const groups = new Map<string, { provider: string; region?: string; kind: string; stacks: string[] }>();
  const groupOf = new Map<string, string>();
  for (const s of graph.stacks) {
    const kind = kindOf(s.name, s.provider);
    const id = `g_${s.provider}_${s.region ?? "global"}_${kind}`.replace(/[^A-Za-z0-9_]/g, "_");
    const g = groups.get(id) ?? { provider: s.provider, region: s.region, kind, stacks: [] };
    g.stacks.push(...s.members);
    groups.set(id, g);
    for (const m of s.members) groupOf.set(m, id);
  }
  const edges = new Map<string, { from: string; to: string; references: number; pairs: Set<string> }>();
  for (const e of graph.edges) {
    const from = groupOf.get(e.consumer);
    const to = groupOf.get(e.producer);
    if (!from || !to || from === to) continue;
    const key = `${from}->${to}`;
    const prev = edges.get(key) ?? { from, to, references: 0, pairs: new Set<string>() };
    prev.references += e.references;
    prev.pairs.add(`${e.consumer}->${e.producer}`);
    edges.set(key, prev);
  }
  return {
    groups: [...groups.entries()].map(([id, g]) => ({ id, ...g })),
    edges: [...edges.values()].map((e) => ({ from: e.from, to: e.to, references: e.references, pairs: e.pairs.size })),
  };
}
