import { RULES } from "./rules";
import { StackContext } from "./stack-context";
import { Finding, ResourceView, Rule, Suppression } from "./types";

/** One synthesized stack: its name and its cdk.tf.json as an object. */
export interface StackJson {
  readonly name: string;
  readonly json: Readonly<Record<string, any>>;
}

const ALL = "*";

interface RuleIndex {
  readonly byType: ReadonlyMap<string, readonly Rule[]>;
  readonly everywhere: readonly Rule[];
}

const indexes = new WeakMap<readonly Rule[], RuleIndex>();

function indexOf(rules: readonly Rule[]): RuleIndex {
  let index = indexes.get(rules);
  if (!index) {
    const byType = new Map<string, Rule[]>();
    for (const rule of rules) {
      for (const type of rule.appliesTo) {
        if (type === ALL) continue;
        byType.set(type, [...(byType.get(type) ?? []), rule]);
      }
    }
    index = { byType, everywhere: rules.filter((r) => r.appliesTo.includes(ALL)) };
    indexes.set(rules, index);
  }
  return index;
}

/** Blocks other than resources and data sources, for `*` rules: providers, variables, outputs, locals, backend. */
function otherBlocks(json: Readonly<Record<string, any>>): ResourceView[] {
  const out: ResourceView[] = [];
  for (const [section, value] of Object.entries(json)) {
    if (section === "resource" || section === "data" || section === "//" || value === null || typeof value !== "object") continue;
    const keyed = ["provider", "variable", "output", "module"].includes(section) && !Array.isArray(value);
    if (keyed) {
      for (const [name, config] of Object.entries(value))
        out.push({ type: section, name, address: `${section}.${name}`, config: config as Record<string, any> });
    } else {
      out.push({ type: section, name: section, address: section, config: value as Record<string, any> });
    }
  }
  return out;
}

const constructPathOf = (r: ResourceView): string | undefined => r.config["//"]?.metadata?.path;

function suppressionFor(
  suppressions: readonly Suppression[],
  ruleId: string,
  address: string,
  path: string | undefined,
): Suppression | undefined {
  return suppressions.find(
    (s) =>
      s.ruleId === ruleId &&
      (s.address === address || (s.path !== undefined && path !== undefined && (path === s.path || path.startsWith(`${s.path}/`)))),
  );
}

/**
 * Evaluates every rule against one stack's synthesized JSON (cdk.tf.json as an object). Pure: no
 * cdktf app needed. Each resource is visited once, and only by the rules of its type.
 */
export function evaluateStack(
  stackName: string,
  json: Readonly<Record<string, any>>,
  suppressions: readonly Suppression[] = [],
  rules: readonly Rule[] = RULES,
): Finding[] {
  const { byType, everywhere } = indexOf(rules);
  const stack = new StackContext(stackName, json);
  const findings: Finding[] = [];

  const check = (resource: ResourceView, applicable: readonly Rule[]) => {
    for (const rule of applicable) {
      const verdict = rule.evaluate(resource, stack);
      if (verdict === undefined) continue;
      const messages = typeof verdict === "string" ? [verdict] : verdict;
      if (messages.length === 0) continue;
      const constructPath = constructPathOf(resource);
      const suppression = suppressionFor(suppressions, rule.id, resource.address, constructPath);
      for (const message of messages) {
        findings.push({
          ruleId: rule.id,
          level: rule.level,
          stack: stackName,
          address: resource.address,
          message: message || rule.title,
          suppressed: suppression !== undefined,
          ...(suppression ? { reason: suppression.reason } : {}),
          ...(constructPath ? { constructPath } : {}),
        });
      }
    }
  };

  for (const section of ["resource", "data"] as const) {
    for (const bare of Object.keys(json[section] ?? {})) {
      const type = section === "data" ? `data.${bare}` : bare;
      const applicable = [...(byType.get(type) ?? []), ...everywhere];
      if (applicable.length === 0) continue;
      for (const resource of stack.resources(type)) check(resource, applicable);
    }
  }
  if (everywhere.length > 0) for (const block of otherBlocks(json)) check(block, everywhere);
  return findings;
}

/**
 * Evaluates the deployment rules (rules with evaluateDeployment) once over every stack of a synth.
 * Their findings are never suppressed: the deployment inputs are how a control is handed to the
 * organization, and the stack that honours them says so in its JSON.
 */
export function evaluateDeployment(stacks: readonly StackJson[], rules: readonly Rule[] = RULES): Finding[] {
  const deploymentRules = rules.filter((r) => r.evaluateDeployment !== undefined);
  if (deploymentRules.length === 0) return [];
  const views = stacks.map((s) => new StackContext(s.name, s.json));
  return deploymentRules.flatMap((rule) =>
    rule.evaluateDeployment!(views).map((v) => ({
      ruleId: rule.id,
      level: rule.level,
      stack: v.stack,
      address: v.address,
      message: v.message,
      suppressed: false,
    })),
  );
}

/** Unsuppressed error-level findings: what fails a synth in enforce mode and `npm run check`. */
export const blocking = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.level === "error" && !f.suppressed);
