import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { CommandSpec, runCommand } from "../tools/cli";
import { toDot } from "../tools/diagram/dot";
import { collapseAlike } from "../tools/diagram/collapse";
import { buildGraph } from "../tools/diagram/graph";
import { renderDot } from "../tools/diagram/render";
import { synthesize } from "../tools/synth";

const spec: CommandSpec = {
  name: "diagram",
  summary: "Draw the synthesized stacks of a phase: DOT, SVG and PNG (Graphviz and resvg from npm, no system package).",
  usage: ["[--phase N] [--compute apprunner|fargate] [--out DIR] [--vars FILE] [--tenants FILE]"],
  flags: {
    phase: { type: "integer", description: "phase to draw (default: the deployment inputs / PHASE)", valueName: "N", min: 1, max: 4 },
    compute: { type: "string", description: "compute engine of the shared tier", choices: ["apprunner", "fargate"] },
    out: { type: "string", description: "directory of the files (default docs/diagrams)", valueName: "DIR" },
    vars: { type: "string", description: "deployment inputs file", valueName: "FILE" },
    tenants: { type: "string", description: "tenant registry file", valueName: "FILE" },
  },
  epilog: ["Writes DIR/phaseN[-fargate].{dot,svg,png}."],
};

runCommand(spec, ({ flags }) => {
  const outDir = path.resolve((flags.out as string | undefined) ?? path.join(ROOT, "docs", "diagrams"));
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-diagram-"));
  try {
    const { settings, stacks } = synthesize(
      {
        phase: (flags.phase as number | undefined) ?? process.env.PHASE,
        compute: (flags.compute as string | undefined) ?? process.env.COMPUTE,
        varsFile: flags.vars as string | undefined,
        tenantsFile: flags.tenants as string | undefined,
      },
      synthDir,
    );
    const phase = settings.phase.phase;
    const compute = settings.deployment.compute;
    const base = path.join(outDir, `phase${phase}${compute === "apprunner" ? "" : `-${compute}`}`);
    const graph = collapseAlike(buildGraph(stacks));
    const dot = toDot(graph, `RestartiX phase ${phase} (${compute}): ${stacks.length} stacks, cross-stack references as arrows (consumer -> producer)`);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(`${base}.dot`, dot);
    for (const format of ["svg", "png"] as const) renderDot(dot, format, `${base}.${format}`);
    const written = ["dot", "svg", "png"].map((f) => path.relative(process.cwd(), `${base}.${f}`));
    console.log(`diagram: phase ${phase}: ${stacks.length} stacks in ${graph.stacks.length} clusters, ${graph.edges.length} cross-stack edges -> ${written.join(", ")}`);
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
});
