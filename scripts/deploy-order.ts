import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { optionsFrom } from "../config/settings";
import { CommandSpec, ParsedCommand, runCommand, SYNTH_FLAGS, UsageError } from "../tools/cli";
import { deployImages, firstDeploySteps, wavesText } from "../tools/deploy-order";
import { synthesize } from "../tools/synth";

const STEPS = ["foundation", "services"] as const;

/**
 * npm run deploy-order -- [--phase N] [--compute E] [--run foundation|services]
 * Prints the deploy waves of the synthesized phase and the first-deploy steps as commands cdktf
 * accepts; --run executes one step's command (cdktf asks for each stack's approval).
 */
export const spec: CommandSpec = {
  name: "deploy-order",
  summary: "Print the deploy waves and the first-deploy steps of a phase as commands cdktf accepts; optionally run one step.",
  usage: [
    "[--phase N] [--compute apprunner|fargate] [--environment production|staging] [--format text|json]",
    "--run foundation|services [--phase N]",
  ],
  flags: {
    phase: SYNTH_FLAGS.phase,
    compute: SYNTH_FLAGS.compute,
    environment: SYNTH_FLAGS.environment,
    vars: SYNTH_FLAGS.vars,
    tenants: SYNTH_FLAGS.tenants,
    format: { type: "string", description: "output format", choices: ["text", "json"], valueName: "FORMAT" },
    run: { type: "string", description: "run this step's cdktf deploy command after printing", choices: [...STEPS], valueName: "STEP" },
  },
  epilog: [
    "The bootstrap step (local state), the manual step (first workflow run, secret values) and the images step (printed commands) are never run by this command.",
  ],
};

export function main({ flags }: ParsedCommand): number {
  const options = optionsFrom(flags, process.env);
  const phase = options.phase === undefined ? undefined : String(options.phase);
  const compute = options.compute;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-deploy-order-"));
  try {
    const result = synthesize(options, outdir);
    const resolvedPhase = result.settings.phase.phase;
    const env: string[] = [];
    if (phase !== undefined) env.push(`PHASE=${resolvedPhase}`);
    if (compute !== undefined) env.push(`COMPUTE=${compute}`);
    // cdktf runs the app with the environment only: staging's commands must say so, or they would deploy production.
    const staging = result.settings.deployment.environment === "staging";
    if (staging) env.push("ENVIRONMENT=staging");
    const prefix = env.join(" ") || undefined;
    const steps = firstDeploySteps(result.stacks, { prefix, images: deployImages(result.settings) });
    if (flags.format === "json") {
      console.log(JSON.stringify({ phase: resolvedPhase, compute: result.settings.deployment.compute, steps }, null, 2));
    } else {
      console.log(`Phase ${resolvedPhase} (${result.settings.deployment.compute}): ${result.stacks.length} stacks\n`);
      console.log(wavesText(result.stacks));
      console.log("\nFirst deploy, in this order:");
      steps.forEach((s, i) => {
        console.log(`\n${i + 1}. ${s.title}`);
        if (s.command) console.log(`   ${s.command}`);
        for (const c of s.commands ?? []) console.log(`   ${c}`);
        for (const n of s.notes) console.log(`   - ${n}`);
      });
      console.log(
        "\nLater changes: the pull-request workflow plans them; by hand, name a stack with its dependencies (these commands do).",
      );
    }
    const run = flags.run as (typeof STEPS)[number] | undefined;
    if (run) {
      const step = steps.find((s) => s.key === run);
      if (!step?.command) {
        const runnable = steps.filter((s) => s.command && (STEPS as readonly string[]).includes(s.key)).map((s) => s.key);
        throw new UsageError(
          `--run: step ${run} has no command in phase ${resolvedPhase} (its commands are printed above). Fix: run them by hand${runnable.length ? `, or pass --run ${runnable.join(" or --run ")}` : ""}`,
        );
      }
      const argv = step.command.split(" ").filter((w) => !w.includes("="));
      console.log(`\nRunning: ${step.command}`);
      const child = spawnSync(argv[0], argv.slice(1), {
        cwd: ROOT,
        stdio: "inherit",
        env: {
          ...process.env,
          ...(phase !== undefined ? { PHASE: String(resolvedPhase) } : {}),
          ...(compute !== undefined ? { COMPUTE: compute } : {}),
          ...(staging ? { ENVIRONMENT: "staging" } : {}),
        },
      });
      return child.status ?? 1;
    }
    return 0;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) runCommand(spec, main);
