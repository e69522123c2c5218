import * as fs from "fs";
import { CheckFailed, CommandSpec, ParsedCommand, runCommand, UsageError } from "../tools/cli";
import { summaryText } from "../tools/rehearse/report";
import { restoreRehearsal } from "../tools/rehearse/restore";
import { rehearse, RehearsalInputError, RehearsalSummary, RehearsalUnavailable } from "../tools/rehearse/run";
import { PhaseNumber } from "../phases/types";

/**
 * npm run rehearse -- --phase N [--compute apprunner|fargate] [--stack A,B] [--upgrade] [--destroy] [--keep] [--json FILE]
 * npm run rehearse -- --restore
 * Applies the phase's AWS stacks to a local AWS emulator (moto), re-plans each, optionally upgrades
 * to the next phase and destroys everything; --restore runs the backup job's restore rehearsal.
 */
export const spec: CommandSpec = {
  name: "rehearse",
  summary:
    "Apply the AWS stacks of a phase to a local AWS emulator (moto): apply, re-plan (no changes), optionally upgrade to the next phase and destroy.",
  usage: [
    "--phase N [--compute apprunner|fargate] [--environment production|staging] [--stack A,B] [--upgrade] [--destroy] [--jobs N] [--keep] [--json FILE]",
    "--restore [--json FILE]",
  ],
  flags: {
    phase: { type: "string", description: "growth phase to apply", choices: ["1", "2", "3", "4"], valueName: "N" },
    compute: {
      type: "string",
      description: "compute engine (default: the example inputs' fargate, the engine new AWS accounts can use)",
      choices: ["apprunner", "fargate"],
      valueName: "ENGINE",
    },
    environment: {
      type: "string",
      description: "production (the example inputs) or staging (staging.tfvars.example in the emulator's account)",
      choices: ["production", "staging"],
      valueName: "ENV",
    },
    stack: { type: "string", description: "only these stacks (comma-separated) and the stacks they depend on", valueName: "A,B" },
    upgrade: { type: "boolean", description: "then synthesize phase N+1 over the same state: plan, plan-gate, apply, re-plan" },
    destroy: {
      type: "boolean",
      description: "then destroy in reverse deploy order, recording what prevent_destroy and deletion protection blocked",
    },
    jobs: {
      type: "integer",
      description: "stacks of one wave applied or destroyed at the same time (default: the number of CPUs)",
      min: 1,
      max: 16,
      valueName: "N",
    },
    keep: {
      type: "boolean",
      description: "keep the scratch directory (prepared stacks, state files, logs); it is also kept when a step fails",
    },
    restore: {
      type: "boolean",
      description:
        "the restore rehearsal: backup/dump.sh against a throwaway PostgreSQL into the emulated Object Lock bucket, restored with docs/restore.md's commands",
    },
    json: { type: "string", description: "also write the JSON summary to FILE", valueName: "FILE" },
  },
  epilog: [
    "Needs terraform and the provider mirror (as npm run plan) and python3 with moto[server] 5.2.1.",
    "The emulator's gaps (excluded types, unstored attributes, moto patches) are in tools/rehearse/emulator/emulator-gaps.json.",
    "Only the scratch copy in a temporary directory is changed: no AWS account and no network are used.",
  ],
};

async function main({ flags }: ParsedCommand): Promise<void> {
  if (flags.restore === true) {
    if (
      flags.phase !== undefined ||
      flags.stack !== undefined ||
      flags.upgrade ||
      flags.destroy ||
      flags.compute !== undefined ||
      flags.environment !== undefined
    ) {
      throw new UsageError("--restore runs on its own. Fix: run the restore rehearsal and the apply rehearsal as two commands");
    }
    let report;
    try {
      report = await restoreRehearsal((l) => process.stdout.write(`${l}\n`));
    } catch (e) {
      throw new CheckFailed(`restore rehearsal: ${(e as Error).message}`);
    }
    writeJson(flags.json, report);
    if (!report.ok) throw new CheckFailed(`restore rehearsal: ${report.mismatches.join("; ")}`);
    process.stdout.write(`restore rehearsal passed in ${report.seconds.toFixed(0)} s (dump ${report.dumpBytes} bytes, ${report.object})\n`);
    return;
  }
  if (flags.phase === undefined) throw new UsageError("--phase: required. Fix: write --phase 1 (or --restore for the restore rehearsal)");
  const stacks =
    typeof flags.stack === "string"
      ? flags.stack
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  let summary: RehearsalSummary;
  try {
    summary = await rehearse({
      phase: Number(flags.phase) as PhaseNumber,
      compute: flags.compute as "apprunner" | "fargate" | undefined,
      environment: flags.environment as "production" | "staging" | undefined,
      stacks,
      upgrade: flags.upgrade === true,
      destroy: flags.destroy === true,
      keep: flags.keep === true,
      jobs: typeof flags.jobs === "number" ? flags.jobs : undefined,
    });
  } catch (e) {
    if (e instanceof RehearsalUnavailable) throw new CheckFailed(`cannot run: ${e.message}`);
    if (e instanceof RehearsalInputError) throw new UsageError(e.message);
    const partial = (e as { summary?: RehearsalSummary }).summary;
    if (partial) {
      process.stdout.write(`${summaryText(partial)}\n`);
      writeJson(flags.json, partial);
      throw new CheckFailed(`rehearsal stopped: ${(e as Error).message}`);
    }
    throw e;
  }
  process.stdout.write(`${summaryText(summary)}\n`);
  writeJson(flags.json, summary);
  if (!summary.ok) throw new CheckFailed(`${summary.failures.length} failure(s); see above`);
}

function writeJson(file: unknown, summary: unknown): void {
  if (typeof file === "string") fs.writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}

if (require.main === module) runCommand(spec, main);
