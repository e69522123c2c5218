import { providerStyle } from "./dot";
import { OverviewGraph, StackGroup } from "./views";

/** DOT text of the overview: one node per group of stacks, inside provider and region boundaries. */

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Stack names, a few per line, so a group of ten shared stacks stays narrow. */
function wrapped(names: readonly string[], perLine = 3): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += perLine) lines.push(names.slice(i, i + perLine).join(", "));
  return lines.map(escapeHtml).join("<BR/>");
}

function groupLabel(g: StackGroup): string {
  const n = g.stacks.length;
  const counted = g.kind === "tenant cells" || g.kind === "shards" || g.kind === "cell routes";
  if (n === 1) return `<<B>${escapeHtml(g.stacks[0])}</B>>`;
  // A Fargate cell is two stacks (its data and its <cell>-service): count cells, not stacks.
  const cells = counted ? new Set(g.stacks.map((s) => s.replace(/-service$/, ""))).size : n;
  const head = cells === n ? `${n} ${g.kind}` : `${cells} ${g.kind} (${n} stacks)`;
  const body = counted && n > 2 ? `${g.stacks[0]} \u2026 ${g.stacks[n - 1]}` : g.stacks.join(", ");
  return `<<B>${escapeHtml(head)}</B><BR/><FONT POINT-SIZE="9">${counted ? escapeHtml(body) : wrapped(g.stacks)}</FONT>>`;
}

export function toOverviewDot(graph: OverviewGraph, title: string, details: string): string {
  const lines = [
    "digraph overview {",
    `  label=${q(`${title}\n${details}`)}; labelloc="t"; fontname="Helvetica"; fontsize=13;`,
    '  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.3, ranksep=0.6, fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", margin="0.25,0.08"];',
    '  edge [color="#57606A", arrowsize=0.7, fontname="Helvetica", fontsize=9];',
  ];
  const providers = [...new Set(graph.groups.map((g) => g.provider))].sort((a, b) =>
    a === "aws" ? -1 : b === "aws" ? 1 : a.localeCompare(b),
  );
  for (const provider of providers) {
    const st = providerStyle(provider);
    lines.push(`  subgraph ${q(`cluster_provider_${provider}`)} {`);
    lines.push(`    label=${q(st.label)}; style="filled,bold"; fillcolor=${q(st.fill)}; color=${q(st.border)}; penwidth=2; fontsize=13;`);
    const groups = graph.groups.filter((g) => g.provider === provider);
    const regions = [...new Set(groups.map((g) => g.region ?? ""))].sort();
    for (const region of regions) {
      if (region)
        lines.push(
          `    subgraph ${q(`cluster_region_${region}`)} {`,
          `      label=${q(region)}; style="dashed"; color=${q(st.border)}; fontsize=12;`,
        );
      for (const g of groups.filter((x) => (x.region ?? "") === region)) {
        lines.push(`      ${g.id} [label=${groupLabel(g)}, fillcolor=${q(st.node)}, color=${q(st.border)}];`);
      }
      if (region) lines.push("    }");
    }
    lines.push("  }");
  }
  for (const e of graph.edges) {
    const width = Math.min(3, 0.8 + Math.log2(e.references + 1) / 3).toFixed(2);
    lines.push(`  ${e.from} -> ${e.to} [penwidth=${width}, tooltip=${q(`${e.pairs} stack pair(s), ${e.references} reference(s)`)}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
