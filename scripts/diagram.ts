import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { parseFlags, readOptions } from "../config/settings";
import { toDot } from "../tools/diagram/dot";
import { collapseAlike } from "../tools/diagram/collapse";
import { buildGraph } from "../tools/diagram/graph";
import { dotAvailable, renderDot } from "../tools/diagram/render";
import { synthesize } from "../tools/synth";

/**
 * npm run diagram -- --phase N [--out DIR] [--compute apprunner|fargate]
 * Synthesizes the phase into a temporary directory and draws what would be deployed:
 * docs/diagrams/phaseN.dot, and .svg + .png when Graphviz is installed.
 */
function main(): number {
  const flags = parseFlags(process.argv.slice(2));
  const outDir = path.resolve(flags.out ?? path.join(ROOT, "docs", "diagrams"));
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-diagram-"));
  try {
    const { settings, stacks } = synthesize(readOptions(process.argv.slice(2), process.env), synthDir);
    const phase = settings.phase.phase;
    const compute = settings.deployment.compute;
    const suffix = compute === "apprunner" ? "" : `-${compute}`;
    const base = path.join(outDir, `phase${phase}${suffix}`);
    const graph = collapseAlike(buildGraph(stacks));
    const dot = toDot(graph, `RestartiX phase ${phase} (${compute}): ${stacks.length} stacks, cross-stack references as arrows (consumer -> producer)`);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(`${base}.dot`, dot);
    const written = [`${base}.dot`];
    if (dotAvailable()) {
      for (const format of ["svg", "png"] as const) {
        renderDot(dot, format, `${base}.${format}`);
        written.push(`${base}.${format}`);
      }
    } else {
      console.error("diagram: graphviz (dot) not installed: wrote the DOT file only (apt-get install graphviz)");
    }
    console.log(`diagram: phase ${phase}: ${stacks.length} stacks in ${graph.stacks.length} clusters, ${graph.edges.length} cross-stack edges -> ${written.map((f) => path.relative(process.cwd(), f)).join(", ")}`);
    return 0;
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = main();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exitCode = 2;
}
