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
export function sourceOf(field: string): string {
  const phase = /^phase([1-4])\./.exec(field);
  return phase && !field.includes("(") ? ` (phases/phase${phase[1]}.ts)` : "";
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  const lines = issues.map(
    (i) => `  - ${i.field}${sourceOf(i.field)}: got ${JSON.stringify(i.value)}; ${i.problem}. Fix: ${i.fix}.`,
  );
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

  get all(): readonly ConfigIssue[] {
    return this.list;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list);
  }
}
