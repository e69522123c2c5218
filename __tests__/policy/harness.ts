import { evaluateDeployment, evaluateStack, RULES, Suppression } from "../../policy";

/**
 * One checkov-style fixture: a stack's JSON holding compliant and non-compliant resources (named
 * pass*, fail*), and the exact addresses the rule must pass and flag. Every resource of the rule's
 * types must be in one of the two lists.
 */
export interface RuleCase {
  readonly rule: string;
  readonly title: string;
  readonly json: Record<string, any>;
  readonly pass: readonly string[];
  readonly fail: readonly string[];
  readonly suppressions?: readonly Suppression[];
}

const KEYED = ["provider", "variable", "output", "module"];

/** Addresses a rule evaluates in a fixture: resources of its types (every block for `*` rules). */
export function applicable(ruleId: string, json: Record<string, any>): string[] {
  const rule = RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const out: string[] = [];
  for (const [section, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries(json[section] ?? {})) {
      if (!rule.appliesTo.includes("*") && !rule.appliesTo.includes(`${prefix}${type}`)) continue;
      for (const name of Object.keys(byName as object)) out.push(`${prefix}${type}.${name}`);
    }
  }
  if (rule.appliesTo.includes("*")) {
    for (const [section, value] of Object.entries(json)) {
      if (section === "resource" || section === "data" || section === "//") continue;
      if (KEYED.includes(section)) out.push(...Object.keys(value as object).map((n) => `${section}.${n}`));
      else out.push(section);
    }
  }
  return out.sort();
}

export function outcome(c: RuleCase): { pass: string[]; fail: string[] } {
  const flagged = new Set(
    evaluateStack("fixture", c.json, c.suppressions)
      .filter((f) => f.ruleId === c.rule)
      .map((f) => f.address),
  );
  const all = applicable(c.rule, c.json);
  return { pass: all.filter((a) => !flagged.has(a)), fail: [...flagged].sort() };
}

/** One test per case: the exact pass and fail address sets, as checkov's tests assert them. */
export function runCases(family: string, cases: readonly RuleCase[]): void {
  describe(family, () => {
    test.each(cases.map((c) => [`${c.rule} ${c.title}`, c] as const))("%s", (_, c) => {
      const got = outcome(c);
      expect({ fail: got.fail, pass: got.pass }).toEqual({ fail: [...c.fail].sort(), pass: [...c.pass].sort() });
    });
  });
}

/** A fixture stack holding `resource` (and optionally `data`) blocks. */
export const stack = (
  resource: Record<string, Record<string, object>>,
  data?: Record<string, Record<string, object>>,
): Record<string, any> => (data ? { resource, data } : { resource });

export const KEY = "${aws_kms_key.data.arn}";

/**
 * A deployment rule's fixture: the JSON of several stacks and the exact findings the rule must
 * report over them, each as "<stack>: <address>" (an empty list is the compliant fixture).
 */
export interface DeploymentCase {
  readonly rule: string;
  readonly title: string;
  readonly stacks: Readonly<Record<string, Record<string, any>>>;
  readonly fail: readonly string[];
}

/** One test per deployment case: the exact set of flagged "<stack>: <address>". */
export function runDeploymentCases(family: string, cases: readonly DeploymentCase[]): void {
  describe(family, () => {
    test.each(cases.map((c) => [`${c.rule} ${c.title}`, c] as const))("%s", (_, c) => {
      const stacks = Object.entries(c.stacks).map(([name, json]) => ({ name, json }));
      const flagged = evaluateDeployment(stacks)
        .filter((f) => f.ruleId === c.rule)
        .map((f) => `${f.stack}: ${f.address}`);
      expect(flagged.sort()).toEqual([...c.fail].sort());
    });
  });
}
