import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { ROOT } from "../config/deployment";
import { ConfigError } from "../config/errors";
import { parseFlags, readOptions, resolveSettings } from "../config/settings";
import { SynthResult, synthesize } from "../lib/synth";
import { evaluateStack, Finding, POLICY_MODE_CONTEXT, RULES, suppressionsOf } from "../policy";
import { formatTable, summarize, toJson, toSarif } from "../policy/report";

const FORMATS = ["table", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export interface CheckResult {
  readonly exitCode: number;
  readonly output: string;
  readonly findings: readonly Finding[];
}

/** Findings of a synthesized app: each stack's JSON as written, with the suppressions made on its constructs. */
export function findingsOf(result: SynthResult): Finding[] {
  const stacks = new Map(result.app.node.findAll().filter(TerraformStack.isStack).map((s) => [s.node.id, s]));
  return result.stacks.flatMap((s) => {
    const stack = stacks.get(s.name);
    return evaluateStack(s.name, s.json, stack ? suppressionsOf(stack) : []);
  });
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

/**
 * npm run check -- --phase N [--format table|json|sarif] [--compute apprunner|fargate] [--output file]:
 * synthesizes the phase with the pack in report mode into .check/phase<N>-<compute> and reports
 * every finding. Exit code 1 on any unsuppressed error, 2 on invalid input.
 */
export function runCheck(argv: readonly string[], env: NodeJS.ProcessEnv): CheckResult {
  const flags = parseFlags(argv);
  const format = (flags.format ?? "table") as Format;
  if (!FORMATS.includes(format)) {
    return { exitCode: 2, output: `--format ${JSON.stringify(flags.format)} is not one of ${FORMATS.join(", ")}`, findings: [] };
  }
  const options = readOptions(argv, env);
  // Validated first: the output directory is named after the phase and engine, and emptied.
  const settings = resolveSettings(options);
  const outdir = path.join(ROOT, ".check", `phase${settings.phase.phase}-${settings.deployment.compute}`);
  const result = synthesize(options, outdir, settings, { [POLICY_MODE_CONTEXT]: "report" });
  const findings = findingsOf(result);
  const meta = { phase: settings.phase.phase, compute: settings.deployment.compute, stacks: result.stacks.length };
  let output: string;
  if (format === "json") output = JSON.stringify(toJson(RULES, findings, meta), null, 2);
  else if (format === "sarif") {
    const artifactUri = (stack: string) => path.relative(ROOT, path.join(outdir, "stacks", stack, "cdk.tf.json")).split(path.sep).join("/");
    output = JSON.stringify(toSarif(RULES, findings, { artifactUri, line: lineFinder(outdir) }), null, 2);
  } else {
    output = formatTable(RULES, findings, meta);
    if (settings.usingExampleInputs) output = `Inputs: ${path.relative(ROOT, settings.inputsFile)} (terraform.tfvars not found)\n${output}`;
  }
  return { exitCode: summarize(findings).errors > 0 ? 1 : 0, output, findings };
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
