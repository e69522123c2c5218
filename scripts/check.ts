import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { parseFlags, readOptions, resolveSettings } from "../config/settings";
import { SynthResult, synthesize } from "../tools/synth";
import { evaluateDeployment, evaluateStack, Finding, POLICY_MODE_CONTEXT, RULES, suppressionsOf } from "../policy";
import { formatTable, ReportMeta, summarize, toJson, toSarif } from "../policy/report";

export const FORMATS = ["table", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckResult {
  readonly exitCode: number;
  readonly output: string;
  readonly findings: readonly Finding[];
}

/** Findings of a synthesized app: each stack's JSON as written, with the suppressions made on its constructs. */
export function findingsOf(result: SynthResult): Finding[] {
  const stacks = new Map(result.app.node.findAll().filter(TerraformStack.isStack).map((s) => [s.node.id, s]));
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
  const options = readOptions(argv, env);
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
    const artifactUri = (stack: string) => path.relative(ROOT, path.join(outdir, "stacks", stack, "cdk.tf.json")).split(path.sep).join("/");
    return JSON.stringify(toSarif(RULES, findings, { artifactUri, line: lineFinder(outdir) }), null, 2);
  }
  const table = formatTable(RULES, findings, meta);
  return checked.usingExampleInputs ? `Inputs: ${path.relative(ROOT, checked.inputsFile)} (terraform.tfvars not found)\n${table}` : table;
}

/** 1 on any unsuppressed error-level finding. */
export const exitCodeOf = (findings: readonly Finding[]): number => (summarize(findings).errors > 0 ? 1 : 0);

/**
 * npm run check -- --phase N [--format table|json|sarif] [--compute apprunner|fargate] [--output file]:
 * every finding of the phase. Exit code 1 on any unsuppressed error, 2 on invalid input.
 */
export function runCheck(argv: readonly string[], env: NodeJS.ProcessEnv): CheckResult {
  const format = (parseFlags(argv).format ?? "table") as Format;
  if (!FORMATS.includes(format)) {
    return { exitCode: 2, output: `--format ${JSON.stringify(format)} is not one of ${FORMATS.join(", ")}`, findings: [] };
  }
  const checked = checkPhase(argv, env);
  return { exitCode: exitCodeOf(checked.findings), output: render(format, checked), findings: checked.findings };
}

if (require.main === module) {
  try {
    const argv = process.argv.slice(2);
    const { exitCode, output } = runCheck(argv, process.env);
    const file = parseFlags(argv).output;
    if (file && exitCode !== 2) fs.writeFileSync(file, `${output}\n`);
    else (exitCode === 2 ? process.stderr : process.stdout).write(`${output}\n`);
    // Not process.exit(): it would cut off a large report still being written to a pipe.
    process.exitCode = exitCode;
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : e}\n`);
    process.exitCode = 2;
  }
}
