import { collapseAlike } from "./collapse";
import { toDot } from "./dot";
import { ArchitectureGraph, buildGraph } from "./graph";
import { toOverviewDot } from "./overview-dot";
import { areaGraph, areasOf, overviewGraph } from "./views";
import { SynthStack } from "../synth";

/** The diagrams `npm run diagram` writes for one synthesized phase, as DOT text by file base name. */

export interface Diagram {
  /** File name without extension: phase1, phase4, phase4-eu, ... */
  readonly name: string;
  readonly dot: string;
}

/** The command that rewrites the committed diagrams (docs/diagrams), as the stale-diagram test prints it. */
export const REGENERATE_COMMAND = "npm run diagram -- --all";

/** A phase whose AWS stacks span more than one region key (eu, us) is drawn as an overview plus one diagram per area. */
const splits = (graph: ArchitectureGraph): boolean => areasOf(graph).filter((a) => a !== "global").length > 1;

export function diagramsOf(stacks: readonly SynthStack[], phase: number, compute: string, base = `phase${phase}`): Diagram[] {
  const graph = buildGraph(stacks);
  const collapsed = collapseAlike(graph);
  const heading = `RestartiX phase ${phase} (${compute}): ${stacks.length} stacks`;
  if (!splits(graph)) {
    return [{ name: base, dot: toDot(collapsed, `${heading}, cross-stack references as arrows (consumer -> producer)`) }];
  }
  const areas = areasOf(collapsed);
  const fileOf = (area: string) => `${base}-${area}.png`;
  const overview: Diagram = {
    name: base,
    dot: toOverviewDot(
      overviewGraph(graph),
      `${heading}, one box per group`,
      `arrows: cross-stack references; detail in ${areas.map((a) => `${base}-${a}`).join(", ")}`,
    ),
  };
  const details = areas.map((area): Diagram => {
    const g = areaGraph(collapsed, area);
    const count = g.stacks.reduce((n, s) => n + s.members.length, 0);
    const what = area === "global" ? "global stacks (Cloudflare, GitHub)" : `${area} region`;
    return {
      name: `${base}-${area}`,
      dot: toDot(
        g,
        `RestartiX phase ${phase} (${compute}), ${what}: ${count} of ${stacks.length} stacks\ndashed boxes: stacks drawn in another diagram`,
        fileOf,
      ),
    };
  });
  return [overview, ...details];
}
