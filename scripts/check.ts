import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { ROOT } from "../config/deployment";
import { optionsFrom, resolveSettings } from "../config/settings";
import { CommandSpec, parseCommandLine, ParsedCommand, runCommand, SYNTH_FLAGS, UsageError } from "../tools/cli";
import { SynthResult, synthesize } from "../tools/synth";
import { evaluateDeployment, evaluateStack, Finding, POLICY_MODE_CONTEXT, RULES, suppressionsOf } from "../policy";
import { formatTable, ReportMeta, summarize, toJson, toSarif } from "../policy/report";

const FORMATS = ["table", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

export const spec: CommandSpec = {
  name: "check",
  summary: "The policy pack's findings for a phase (report mode: every finding, suppressed ones with their reasons).",
  usage: ["[--phase N] [--compute apprunner|fargate] [--environment production|staging] [--format table|json|sarif] [--output FILE]"],
  flags: {
    phase: SYNTH_FLAGS.phase,
    compute: SYNTH_FLAGS.compute,
    environment: SYNTH_FLAGS.environment,
    backend: SYNTH_FLAGS.backend,
    format: {
      type: "string",
      valueName: "FORMAT",
      choices: FORMATS,
      description: "output format (default table; sarif for code scanning)",
    },
    output: { type: "string", valueName: "FILE", description: "write the report to FILE instead of standard output" },
    vars: SYNTH_FLAGS.vars,
    tenants: SYNTH_FLAGS.tenants,
  },
  epilog: ["Exit 1 on any unsuppressed error-level finding. The synth output is kept in .check/phase<N>-<compute>/."],
};

export interface CheckResult {
  readonly exitCode: number;
  readonly output: string;
  readonly findings: readonly Finding[];
}

/** Findings of a synthesized app: each stack's JSON as written, with the suppressions made on its constructs. */
export function findingsOf(result: SynthResult): Finding[] {
  const stacks = new Map(
    result.app.node
      .findAll()
      .filter(TerraformStack.isStack)
      .map((s) => [s.node.id, s]),
  );
  const perStack = result.stacks.flatMap((s) => {
    const stack = stacks.get(s.name);
    return evaluateStack(s.name, s.json, stack ? suppressionsOf(stack) : []);
  });
  // A synthesized phase is a whole deployment: the deployment rules apply.
  return [...perStack, ...evaluateDeployment(result.stacks)];
}

/** Line of a resource's block in a synthesized cdk.tf.json (stable-stringified, two-space indent). */
function lineFinder(outdir: string): (stack: string, address: string) => number | undefined {
  const files = new Map<string, string[]>();
  return (stack, address) => {
    let lines = files.get(stack);
    if (!lines) {
      const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
      lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
      files.set(stack, lines);
    }
    const parts = address.split(".");
    const [type, name] = parts[0] === "data" ? [parts[1], parts[2]] : [parts[0], parts[1]];
    const typeLine = lines.findIndex((l) => l.trimStart().startsWith(`"${type}": {`));
    if (typeLine < 0 || name === undefined) return undefined;
    const nameLine = lines.findIndex((l, i) => i > typeLine && l.trimStart().startsWith(`"${name}": {`));
    return nameLine < 0 ? undefined : nameLine + 1;
  };
}

/** A synthesized phase and its findings, ready to render in any format. */
export interface CheckedPhase {
  readonly findings: readonly Finding[];
  readonly meta: ReportMeta;
  readonly outdir: string;
  readonly usingExampleInputs: boolean;
  readonly inputsFile: string;
}

/** Synthesizes the phase the flags name, with the pack in report mode, into .check/phase<N>-<compute>. */
export function checkPhase(argv: readonly string[], env: NodeJS.ProcessEnv): CheckedPhase {
  return checkParsed(parseCommandLine(spec, argv).flags, env);
}

function checkParsed(flags: ParsedCommand["flags"], env: NodeJS.ProcessEnv): CheckedPhase {
  const options = optionsFrom(flags, env);
  // Validated first: the output directory is named after the phase and engine, and emptied.
  const settings = resolveSettings(options);
  const outdir = path.join(ROOT, ".check", `phase${settings.phase.phase}-${settings.deployment.compute}`);
  const result = synthesize(options, outdir, settings, { [POLICY_MODE_CONTEXT]: "report" });
  return {
    findings: findingsOf(result),
    meta: { phase: settings.phase.phase, compute: settings.deployment.compute, stacks: result.stacks.length },
    outdir,
    usingExampleInputs: settings.usingExampleInputs,
    inputsFile: settings.inputsFile,
  };
}

export function render(format: Format, checked: CheckedPhase): string {
  const { findings, meta, outdir } = checked;
  if (format === "json") return JSON.stringify(toJson(RULES, findings, meta), null, 2);
  if (format === "sarif") {
    const artifactUri = (stack: string) =>
      path
        .relative(ROOT, path.join(outdir, "stacks", stack, "cdk.tf.json"))
        .split(path.sep)
        .join("/");
    return JSON.stringify(toSarif(RULES, findings, { artifactUri, line: lineFinder(outdir) }), null, 2);
  }
  const table = formatTable(RULES, findings, meta);
  return checked.usingExampleInputs ? `Inputs: ${path.relative(ROOT, checked.inputsFile)} (deployment.tfvars not found)\n${table}` : table;
}

/** 1 on any unsuppressed error-level finding. */
export const exitCodeOf = (findings: readonly Finding[]): number => (summarize(findings).errors > 0 ? 1 : 0);

/**
 * npm run check -- --phase N [--format table|json|sarif] [--compute apprunner|fargate] [--output file]:
 * every finding of the phase. Exit code 1 on any unsuppressed error, 2 on invalid input.
 */
export function runCheck(argv: readonly string[], env: NodeJS.ProcessEnv): CheckResult {
  let flags: ParsedCommand["flags"];
  try {
    flags = parseCommandLine(spec, argv).flags;
  } catch (e) {
    if (e instanceof UsageError) return { exitCode: 2, output: e.message, findings: [] };
    throw e;
  }
  return runParsed(flags, env);
}

function runParsed(flags: ParsedCommand["flags"], env: NodeJS.ProcessEnv): CheckResult {
  const format = ((flags.format as string | undefined) ?? "table") as Format;
  const checked = checkParsed(flags, env);
  return { exitCode: exitCodeOf(checked.findings), output: render(format, checked), findings: checked.findings };
}

export function main({ flags }: ParsedCommand): number {
  const file = flags.output as string | undefined;
  if (file !== undefined && !fs.existsSync(path.dirname(path.resolve(file))))
    throw new UsageError(`--output: the directory of ${file} does not exist. Fix: create it, or write the report elsewhere`);
  if (file !== undefined && fs.existsSync(file) && fs.statSync(file).isDirectory())
    throw new UsageError(`--output: ${file} is a directory. Fix: name a file, e.g. --output ${path.join(file, "findings.sarif")}`);
  const { exitCode, output } = runParsed(flags, process.env);
  if (file !== undefined) fs.writeFileSync(file, `${output}\n`);
  else process.stdout.write(`${output}\n`);
  return exitCode;
}

// runCommand sets process.exitCode, never process.exit(): that would cut off a large report still being written to a pipe.
if (require.main === module) runCommand(spec, main);
