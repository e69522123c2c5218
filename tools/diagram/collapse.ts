import { anchorId, ArchitectureGraph, CrossStackEdge, nodeId, StackCluster } from "./graph";

/**
 * Draws alike stacks as one cluster: stacks whose names differ only in a trailing number
 * (tenant-org-101, tenant-org-102, ...) and that hold the same services, in the same region, and
 * read the same producers. Forty tenant cells become one cluster labelled with all their names,
 * instead of forty clusters and hundreds of identical arrows.
 */
export function collapseAlike(graph: ArchitectureGraph, minGroup = 3): ArchitectureGraph {
  const outgoing = new Map<string, string[]>();
  // A producer that is itself one of a numbered series (route-tenant-org-101 reads tenant-org-101)
  // counts by its series, so that its readers collapse alike.
  const target = (e: CrossStackEdge) => (/\d$/.test(e.producer) ? `${e.producer.replace(/\d+$/, "")}*` : e.to);
  for (const e of graph.edges) outgoing.set(e.consumer, [...(outgoing.get(e.consumer) ?? []), target(e)]);
  const signature = (s: StackCluster) =>
    JSON.stringify([
      s.name.replace(/\d+$/, ""),
      s.provider,
      s.region,
      s.nodes.map((n) => [n.service, n.count]),
      [...new Set(outgoing.get(s.name) ?? [])].sort(),
    ]);
  const groups = new Map<string, StackCluster[]>();
  for (const s of graph.stacks) groups.set(signature(s), [...(groups.get(signature(s)) ?? []), s]);

  const representative = new Map<string, string>();
  const stacks: StackCluster[] = [];
  for (const members of groups.values()) {
    if (members.length < minGroup || !/\d$/.test(members[0].name)) {
      stacks.push(...members);
      continue;
    }
    const [first] = members;
    for (const m of members) representative.set(m.name, first.name);
    stacks.push({ ...first, members: members.map((m) => m.name) });
  }
  const remap = (id: string, stack: string) => {
    const rep = representative.get(stack);
    if (!rep || rep === stack) return id;
    const node = id.replace(nodeId(stack, ""), nodeId(rep, ""));
    return id === anchorId(stack) ? anchorId(rep) : node;
  };
  const edges = new Map<string, CrossStackEdge>();
  for (const e of graph.edges) {
    const from = remap(e.from, e.consumer);
    const to = remap(e.to, e.producer);
    const key = `${from}->${to}`;
    const prev = edges.get(key);
    edges.set(key, {
      from,
      to,
      references: (prev?.references ?? 0) + e.references,
      consumer: representative.get(e.consumer) ?? e.consumer,
      producer: representative.get(e.producer) ?? e.producer,
    });
  }
  const order = new Map(graph.stacks.map((s, i) => [s.name, i]));
  return { stacks: stacks.sort((a, b) => order.get(a.name)! - order.get(b.name)!), edges: [...edges.values()] };
}
