/** One problem in the configuration: which field, what it holds, what is wrong and how to fix it. */
export interface ConfigIssue {
  readonly field: string;
  readonly value: unknown;
  readonly problem: string;
  readonly fix: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = "ConfigError";
  }
}

/** Where a field's value is written, when the field name does not already say: phaseN.* lives in phases/phaseN.ts. */
function sourceOf(field: string): string {
  const phase = /^phase([1-4])\./.exec(field);
  return phase && !field.includes("(") ? ` (phases/phase${phase[1]}.ts)` : "";
}

function formatIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map((i) => `  - ${i.field}${sourceOf(i.field)}: got ${JSON.stringify(i.value)}; ${i.problem}. Fix: ${i.fix}.`);
  return `Invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}); nothing was synthesized:\n${lines.join("\n")}`;
}

/** Collects issues so that every problem is reported at once. */
export class Issues {
  private readonly list: ConfigIssue[] = [];

  add(field: string, value: unknown, problem: string, fix: string): void {
    this.list.push({ field, value, problem, fix });
  }

  /** Adds an issue when `ok` is false; returns `ok`. */
  check(ok: boolean, field: string, value: unknown, problem: string, fix: string): boolean {
    if (!ok) this.add(field, value, problem, fix);
    return ok;
  }

  oneOf<T>(field: string, value: T, allowed: readonly T[], fix?: string): boolean {
    return this.check(
      allowed.includes(value),
      field,
      value,
      `expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
      fix ?? `use one of the allowed values`,
    );
  }

  intRange(field: string, value: unknown, min: number, max: number, fix?: string): boolean {
    const ok = typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
    return this.check(ok, field, value, `expected a whole number from ${min} to ${max}`, fix ?? `set a value from ${min} to ${max}`);
  }

  /** A field the file does not know: refused with the accepted names, and the nearest one when it looks like a typo. */
  unknownField(field: string, value: unknown, name: string, accepted: readonly string[], what: string): void {
    const near = nearestName(name, accepted);
    this.add(
      field,
      value,
      `is not a field of ${what}`,
      `${near !== undefined ? `did you mean ${near}? ` : ""}remove it or use one of ${accepted.join(", ")}`,
    );
  }

  get all(): readonly ConfigIssue[] {
    return this.list;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}

/**
 * The accepted name a mistyped one most likely meant: the same letters in another case, or at most
 * two edits away (one for short names); undefined when none is that close.
 */
export function nearestName(name: string, accepted: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const exact = accepted.find((a) => a.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const a of accepted) {
    const d = editDistance(lower, a.toLowerCase());
    if (best === undefined || d < best.distance) best = { name: a, distance: d };
  }
  return best !== undefined && best.distance <= (name.length <= 4 ? 1 : 2) ? best.name : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions), with a swap of two neighbours as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
