import { ConfigError, ConfigIssue } from "./errors";
import { HclDiagnostic, HclParseError, parseHcl } from "./hcl";

/**
 * deployment.tfvars, read with HashiCorp's HCL parser (`@cdktf/hcl2json`, see config/hcl.ts): any
 * valid tfvars file is accepted (multi-line lists and maps, comments of every kind, CRLF line
 * endings, a UTF-8 byte order mark). What a tfvars file cannot hold (blocks, variables, function
 * calls, bare words, null) and every syntax error is refused with the field, the line and the fix.
 */
export type TfvarsValue = string | number | boolean | readonly TfvarsValue[] | { readonly [key: string]: TfvarsValue };

/** A tfvars file that is not valid HCL or holds something other than literal values (exit code 2). */
export class TfvarsSyntaxError extends ConfigError {
  constructor(issues: readonly ConfigIssue[]) {
    super(issues);
    this.name = "TfvarsSyntaxError";
  }
}

const ATTRIBUTE = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=(?!=)/;
const BLOCK = /^\s*([A-Za-z_][A-Za-z0-9_-]*)(\s+"[^"]*"|\s+[A-Za-z_][A-Za-z0-9_-]*)*\s*\{/;

/** Fixes for the HCL diagnostics people meet in a tfvars file; others use the parser's own detail. */
const FIXES: readonly [RegExp, (field: string) => string][] = [
  [/Invalid multi-line string|Unterminated template string/, (f) => `close the quoted string on the same line: ${f} = "value"`],
  [/Attribute redefined/, (f) => `set ${f} once: delete one of the two lines`],
  [
    /Argument or block definition required|Invalid block definition/,
    () => "write one `name = value` per line (an equals sign, not a colon; quote text values)",
  ],
  [/Missing newline after argument/, () => "put each `name = value` on its own line, without a trailing ; or ,"],
  [/Missing item separator/, () => 'separate the items with commas: ["a", "b"]'],
  [
    /Missing expression|Invalid expression|Missing key\/value separator/,
    (f) => `give ${f} a complete value, e.g. ${f} = "text", 1, true, ["a", "b"] or { key = "value" }, and close every [ and {`,
  ],
];

/** The tfvars file as a map of field name to literal value; throws TfvarsSyntaxError. */
export function parseTfvars(text: string, file = "deployment.tfvars"): Record<string, TfvarsValue> {
  const name = file.split(/[\\/]/).pop() || file;
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseHcl(name, text);
  } catch (e) {
    if (!(e instanceof HclParseError)) throw e;
    throw new TfvarsSyntaxError(syntaxIssues(e.diagnostics, lines, name));
  }
  const issues: ConfigIssue[] = [];
  const out: Record<string, TfvarsValue> = {};
  // In the file's order (the parser returns fields sorted by name), so messages follow the file.
  for (const [field, value] of Object.entries(parsed).sort(([a], [b]) => lineOf(a, lines) - lineOf(b, lines))) {
    const line = lineOf(field, lines);
    const where = `${field} (${name} line ${line})`;
    if (lines.some((l) => BLOCK.exec(l)?.[1] === field) && !lines.some((l) => ATTRIBUTE.exec(l)?.[1] === field)) {
      issues.push({
        field: where,
        value: `${field} { ... }`,
        problem: "is a block; a tfvars file holds only `name = value` lines",
        fix: `write ${field} = { key = "value" } for a map`,
      });
      continue;
    }
    const problem = literalProblem(value);
    if (problem) {
      issues.push({ field: where, value: lines[line - 1]?.trim() ?? "", problem: problem.problem, fix: problem.fix(field) });
      continue;
    }
    out[field] = value as TfvarsValue;
  }
  if (issues.length > 0) throw new TfvarsSyntaxError(issues);
  return out;
}

/** Why a parsed value is not a literal a tfvars file may hold, if it is not. */
function literalProblem(value: unknown): { problem: string; fix: (field: string) => string } | undefined {
  if (value === null)
    return { problem: "null is not a value here", fix: (f) => `delete the ${f} line to use its default, or give a value` };
  if (typeof value === "string") {
    // hcl2json renders every non-literal expression as "${...}" (a bare word, a variable, a call).
    const expression = /\$\{([\s\S]*)\}/.exec(value);
    if (!expression) return undefined;
    const inner = expression[1].trim();
    if (/^(True|False|TRUE|FALSE|yes|no|on|off)$/.test(inner))
      return {
        problem: `${inner} is not a boolean in HCL`,
        fix: (f) => `write ${f} = ${/^(True|TRUE|yes|on)$/.test(inner) ? "true" : "false"} (lower case, no quotes)`,
      };
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(inner))
      return { problem: `${inner} is a bare word, not a value`, fix: (f) => `quote text values: ${f} = "${inner}"` };
    return {
      problem: `"${value}" is an expression; a tfvars file takes literal values only (no variables, functions or interpolation)`,
      fix: (f) => `write the value itself, e.g. ${f} = "text"`,
    };
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const p = literalProblem(item);
      if (p) return p;
    }
  } else if (typeof value === "object") {
    for (const item of Object.values(value as Record<string, unknown>)) {
      const p = literalProblem(item);
      if (p) return p;
    }
  }
  return undefined;
}

function syntaxIssues(diagnostics: readonly HclDiagnostic[], lines: readonly string[], name: string): ConfigIssue[] {
  // The first mistake only: after one (an unclosed string, bracket or brace) the parser's view of
  // every later line is off, and the errors it reports there are consequences, not mistakes.
  const d = [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column)[0];
  const later = new Set(diagnostics.filter((x) => x.line > d.line).map((x) => x.line)).size;
  const field = fieldAt(d.line, lines);
  const fix = FIXES.find(([re]) => re.test(d.summary))?.[1](field ?? "name") ?? (d.detail || "fix the syntax on that line (name = value)");
  return [
    {
      field: `${field ?? "syntax"} (${name} line ${d.line}${d.column > 0 ? `, column ${d.column}` : ""})`,
      value: lines[d.line - 1]?.trim() ?? "",
      problem: `${d.summary}${d.detail ? `: ${d.detail.replace(/\.$/, "")}` : ""}${later > 0 ? ` (the parser also complains about ${later} later line${later === 1 ? "" : "s"}, most likely because of this one)` : ""}`,
      fix: fix.replace(/\.$/, ""),
    },
  ];
}

/** The field whose value spans a line: the nearest `name =` at or above it. */
function fieldAt(line: number, lines: readonly string[]): string | undefined {
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = ATTRIBUTE.exec(lines[i]) ?? BLOCK.exec(lines[i]);
    if (m) return m[1];
  }
  return /^\s*([A-Za-z_][A-Za-z0-9_-]*)/.exec(lines[line - 1] ?? "")?.[1];
}

function lineOf(field: string, lines: readonly string[]): number {
  const i = lines.findIndex((l) => ATTRIBUTE.exec(l)?.[1] === field || BLOCK.exec(l)?.[1] === field);
  return i + 1;
}
