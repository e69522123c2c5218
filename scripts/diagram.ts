import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { Options } from "../config/settings";
import { PHASES } from "../phases/types";
import { CommandSpec, runCommand, UsageError } from "../tools/cli";
import { diagramsOf, REGENERATE_COMMAND } from "../tools/diagram/diagram-set";
import { renderDot } from "../tools/diagram/render";
import { synthesize } from "../tools/synth";

/** The inputs the committed diagrams are drawn from: the template, so a developer's own inputs never leak into docs/. */
const COMMITTED_INPUTS = path.join(ROOT, "terraform.tfvars.example");
const DEFAULT_OUT = path.join(ROOT, "docs", "diagrams");

const spec: CommandSpec = {
  name: "diagram",
  summary: "Draw the synthesized stacks of a phase: DOT, SVG and PNG (Graphviz and resvg from npm, no system package).",
  usage: [
    "--all [--out DIR]",
    "[--phase N] [--compute apprunner|fargate] [--environment production|staging] [--out DIR] [--vars FILE] [--tenants FILE]",
  ],
  flags: {
    all: {
      type: "boolean",
      description: "every phase from terraform.tfvars.example: the committed docs/diagrams (a test fails when they are stale)",
    },
    phase: { type: "integer", description: "phase to draw (default: the deployment inputs / PHASE)", valueName: "N", min: 1, max: 4 },
    compute: { type: "string", description: "compute engine of the shared tier", choices: ["apprunner", "fargate"] },
    environment: {
      type: "string",
      description: "production or staging (default: ENVIRONMENT, else the inputs file); staging's files end in -staging",
      choices: ["production", "staging"],
      valueName: "ENV",
    },
    out: { type: "string", description: "directory of the files (default docs/diagrams)", valueName: "DIR" },
    vars: { type: "string", description: "deployment inputs file", valueName: "FILE" },
    tenants: { type: "string", description: "tenant registry file", valueName: "FILE" },
  },
  epilog: [
    "Writes DIR/phaseN[-ENGINE].{dot,svg,png} (-ENGINE only with --compute). A phase in two regions (phase 4) is",
    "phaseN (an overview: one box per group of stacks) plus phaseN-eu, phaseN-us and phaseN-global (the detail).",
    `After changing stacks: ${REGENERATE_COMMAND}, then commit docs/diagrams.`,
  ],
};

/** Synthesizes one phase and writes its diagrams; returns the file base names written. */
function draw(options: Options, outDir: string, suffix: boolean): string[] {
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-diagram-"));
  try {
    const { settings, stacks } = synthesize(options, synthDir);
    const phase = settings.phase.phase;
    const compute = settings.deployment.compute;
    const staging = settings.deployment.environment === "staging" ? "-staging" : "";
    const diagrams = diagramsOf(stacks, phase, compute, `phase${phase}${suffix ? `-${compute}` : ""}${staging}`);
    fs.mkdirSync(outDir, { recursive: true });
    for (const d of diagrams) {
      const base = path.join(outDir, d.name);
      fs.writeFileSync(`${base}.dot`, d.dot);
      for (const format of ["svg", "png"] as const) renderDot(d.dot, format, `${base}.${format}`);
    }
    console.log(
      `diagram: phase ${phase} (${compute}): ${stacks.length} stacks -> ${diagrams.map((d) => path.relative(process.cwd(), path.join(outDir, `${d.name}.{dot,svg,png}`))).join(", ")}`,
    );
    return diagrams.map((d) => d.name);
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
}

runCommand(spec, ({ flags }) => {
  const outDir = path.resolve((flags.out as string | undefined) ?? DEFAULT_OUT);
  const compute = flags.compute as string | undefined;
  if (flags.all) {
    for (const f of ["phase", "environment", "vars", "tenants"] as const) {
      if (flags[f] !== undefined)
        throw new UsageError(
          `--all and --${f}: --all draws every phase from terraform.tfvars.example. Fix: drop --${f}, or drop --all to draw one phase`,
        );
    }
    const written = PHASES.flatMap((phase) =>
      draw({ phase, varsFile: COMMITTED_INPUTS, ...(compute ? { compute } : {}) }, outDir, compute !== undefined),
    );
    if (compute === undefined) {
      // Files of diagrams the set no longer draws (a split renamed, a phase merged) would stay committed and stale.
      for (const f of fs.readdirSync(outDir)) {
        const m = /^(phase\d[a-z0-9-]*)\.(dot|svg|png)$/.exec(f);
        if (m && !written.includes(m[1]) && !/-(apprunner|fargate)$/.test(m[1])) {
          fs.rmSync(path.join(outDir, f));
          console.log(`diagram: removed ${path.relative(process.cwd(), path.join(outDir, f))} (no longer drawn)`);
        }
      }
    }
    return;
  }
  draw(
    {
      phase: (flags.phase as number | undefined) ?? process.env.PHASE,
      compute: compute ?? process.env.COMPUTE,
      environment: (flags.environment as string | undefined) ?? (process.env.ENVIRONMENT || undefined),
      varsFile: flags.vars as string | undefined,
      tenantsFile: flags.tenants as string | undefined,
    },
    outDir,
    compute !== undefined,
  );
});
