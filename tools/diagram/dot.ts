import { ArchitectureGraph, anchorId, ServiceNode, StackCluster } from "./graph";
import { StubStack } from "./views";

/** DOT text of the architecture: provider boundaries, then AWS regions, then stacks, then services. */

export interface Style {
  readonly label: string;
  readonly border: string;
  readonly fill: string;
  readonly node: string;
}

const PROVIDER_STYLE: Readonly<Record<string, Style>> = {
  aws: { label: "AWS", border: "#FF9900", fill: "#FFF8EE", node: "#FFE4B8" },
  cloudflare: { label: "Cloudflare", border: "#1F6FEB", fill: "#EEF5FF", node: "#CFE3FF" },
  github: { label: "GitHub", border: "#24292F", fill: "#F6F8FA", node: "#D8DEE4" },
  mixed: { label: "Several providers", border: "#8250DF", fill: "#F7F2FF", node: "#E6DBFF" },
};

export const providerStyle = (provider: string): Style =>
  PROVIDER_STYLE[provider] ?? { label: provider, border: "#57606A", fill: "#FFFFFF", node: "#EAEEF2" };

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const pad = (n: number) => "  ".repeat(n);

function nodeLabel(n: ServiceNode, each: boolean): string {
  const detail = n.types
    .slice(0, 2)
    .map(([t, c]) => `${t}${c > 1 ? ` \u00d7${c}` : ""}`)
    .join(", ");
  const more = n.types.length > 2 ? ", \u2026" : "";
  const regions = n.regions.length ? `<BR/><FONT POINT-SIZE="8">${n.regions.join(", ")}</FONT>` : "";
  return `<<B>${n.service} \u00d7${n.count}${each ? " each" : ""}</B><BR/><FONT POINT-SIZE="8">${escapeHtml(detail + more)}</FONT>${regions}>`;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function stackLines(s: StackCluster, depth: number): string[] {
  const st = providerStyle(s.provider);
  const many = s.members.length > 1;
  const label = many ? `stacks: ${s.members[0]} \u2026 ${s.members[s.members.length - 1]} (${s.members.length} alike)` : `stack: ${s.name}`;
  const out = [
    ...(many ? [`${pad(depth)}// ${s.members.length} alike stacks: ${s.members.join(", ")}`] : []),
    `${pad(depth)}subgraph ${q(`cluster_stack_${s.name}`)} {`,
    `${pad(depth + 1)}label=${q(label)}; tooltip=${q(s.members.join(", "))}; style="rounded,filled"; fillcolor="white"; color=${q(st.border)}; fontname="Helvetica-Bold"; fontsize=11;`,
    `${pad(depth + 1)}${anchorId(s.name)} [shape=point, style=invis, width=0, label=""];`,
  ];
  for (const n of s.nodes) {
    const ns = providerStyle(n.provider);
    out.push(
      `${pad(depth + 1)}${n.id} [label=${nodeLabel(n, many)}, shape=box, style="rounded,filled", fillcolor=${q(ns.node)}, color=${q(ns.border)}];`,
    );
  }
  out.push(`${pad(depth)}}`);
  return out;
}

const stackNames = (members: readonly string[]) =>
  members.length > 1 ? `${members[0]} \u2026 ${members[members.length - 1]} (${members.length} alike)` : members[0];

/**
 * Stacks of other areas that this diagram's stacks read (or are read by): one box each, in a cluster
 * that names the diagram detailing them, so an area's picture stays small.
 */
function stubLines(stubs: readonly StubStack[], fileOf: (area: string) => string): string[] {
  const out: string[] = [];
  for (const area of [...new Set(stubs.map((s) => s.area))].sort()) {
    out.push(`  subgraph ${q(`cluster_elsewhere_${area}`)} {`);
    out.push(`    label=${q(`drawn in ${fileOf(area)}`)}; style="dashed"; color="#8C959F"; fontsize=11;`);
    for (const s of stubs.filter((x) => x.area === area)) {
      out.push(
        `    ${anchorId(s.name)} [label=${q(`stack: ${stackNames(s.members)}`)}, shape=box, style="rounded,dashed", color="#8C959F", fontsize=9];`,
      );
    }
    out.push("  }");
  }
  return out;
}

export function toDot(
  graph: ArchitectureGraph & { readonly stubs?: readonly StubStack[] },
  title: string,
  fileOf: (area: string) => string = (a) => a,
): string {
  const lines = [
    "digraph architecture {",
    `  label=${q(title)}; labelloc="t"; fontname="Helvetica"; fontsize=16;`,
    '  graph [rankdir=LR, compound=true, newrank=true, nodesep=0.25, ranksep=0.9, fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [color="#57606A", arrowsize=0.6, fontname="Helvetica", fontsize=8];',
  ];
  const providers = [...new Set(graph.stacks.map((s) => s.provider))].sort((a, b) =>
    a === "aws" ? -1 : b === "aws" ? 1 : a.localeCompare(b),
  );
  for (const provider of providers) {
    const st = providerStyle(provider);
    lines.push(`  subgraph ${q(`cluster_provider_${provider}`)} {`);
    lines.push(`    label=${q(st.label)}; style="filled,bold"; fillcolor=${q(st.fill)}; color=${q(st.border)}; penwidth=2; fontsize=14;`);
    const stacks = graph.stacks.filter((s) => s.provider === provider);
    if (provider === "aws") {
      // AWS stacks inside the region of their default provider: the region boundary is visible.
      const regions = [...new Set(stacks.map((s) => s.region ?? "unknown region"))].sort();
      for (const region of regions) {
        lines.push(`    subgraph ${q(`cluster_region_${region}`)} {`);
        lines.push(`      label=${q(region)}; style="dashed"; color=${q(st.border)}; fontsize=12;`);
        for (const s of stacks.filter((x) => (x.region ?? "unknown region") === region)) lines.push(...stackLines(s, 3));
        lines.push("    }");
      }
    } else {
      for (const s of stacks) lines.push(...stackLines(s, 2));
    }
    lines.push("  }");
  }
  lines.push(...stubLines(graph.stubs ?? [], fileOf));
  for (const e of graph.edges) {
    const width = Math.min(3, 0.6 + Math.log2(e.references + 1) / 2).toFixed(2);
    lines.push(
      `  ${e.from} -> ${e.to} [penwidth=${width}, tooltip=${q(`${e.consumer} reads ${e.references} output(s) of ${e.producer}`)}];`,
    );
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
