import { blocks, referencedAddresses, strings } from "./json";
import { StackView } from "./types";

/** A policy statement in one shape, whether it came from a JSON document or an aws_iam_policy_document data source. */
export interface Statement {
  /** @default - no Sid */
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** Principal type (AWS, Service, Federated, or `*` for `"Principal": "*"`) -> identifiers. */
  readonly principals: ReadonlyMap<string, readonly string[]>;
  readonly hasPrincipal: boolean;
  readonly conditions: readonly Condition[];
}

export interface Condition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

// Several rules read the same document: parse it once per stack.
const parsed = new WeakMap<StackView, Map<string, readonly Statement[] | undefined>>();

/**
 * The statements of a policy attribute: a JSON document (tokens inside are fine), or a reference
 * to an aws_iam_policy_document data source of the same stack. Undefined when the document is
 * built by an expression (jsonencode, file) and cannot be read at synth.
 */
export function statementsOf(value: unknown, stack: StackView): readonly Statement[] | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (trimmed.startsWith("{")) {
    let cache = parsed.get(stack);
    if (!cache) parsed.set(stack, (cache = new Map()));
    if (!cache.has(trimmed)) cache.set(trimmed, fromJson(trimmed));
    return cache.get(trimmed);
  }
  const [address] = referencedAddresses(trimmed).filter((a) => a.startsWith("data.aws_iam_policy_document."));
  const doc = address ? stack.find(address) : undefined;
  return doc ? fromDataSource(doc.config) : undefined;
}

function fromJson(text: string): readonly Statement[] | undefined {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = Array.isArray(doc?.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : [];
  return list.map((s: any): Statement => {
    const principals = new Map<string, string[]>();
    if (s.Principal === "*") principals.set("*", ["*"]);
    else if (s.Principal && typeof s.Principal === "object") {
      for (const [type, ids] of Object.entries(s.Principal)) principals.set(type, strings(ids));
    }
    const conditions: Condition[] = [];
    for (const [operator, entries] of Object.entries((s.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, values] of Object.entries(entries ?? {}))
        conditions.push({ operator, key, values: strings(values).concat(bools(values)) });
    }
    return {
      sid: s.Sid,
      effect: s.Effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.Action),
      notActions: strings(s.NotAction),
      resources: strings(s.Resource),
      principals,
      hasPrincipal: s.Principal !== undefined || s.NotPrincipal !== undefined,
      conditions,
    };
  });
}

/** Statements of an aws_iam_policy_document data source's own configuration. */
export function fromDataSource(config: Readonly<Record<string, any>>): readonly Statement[] {
  return blocks(config.statement).map((s): Statement => {
    const principals = new Map<string, string[]>();
    for (const p of blocks(s.principals)) {
      const ids = strings(p.identifiers);
      // In the data source, type "*" with identifier "*" is how `"Principal": "*"` is written.
      principals.set(p.type === "*" ? "*" : String(p.type), [...(principals.get(p.type) ?? []), ...ids]);
    }
    return {
      sid: s.sid,
      effect: s.effect === "Deny" ? "Deny" : "Allow",
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      principals,
      hasPrincipal: blocks(s.principals).length > 0 || blocks(s.not_principals).length > 0,
      conditions: blocks(s.condition).map((c) => ({ operator: String(c.test), key: String(c.variable), values: strings(c.values) })),
    };
  });
}

const bools = (v: unknown): string[] =>
  typeof v === "boolean" ? [String(v)] : Array.isArray(v) ? v.filter((x) => typeof x === "boolean").map(String) : [];

/** True when the statement's principal is everyone: `"*"` or `{"AWS": "*"}`. */
export function isPublicPrincipal(s: Statement): boolean {
  return [...s.principals.entries()].some(([type, ids]) => (type === "*" || type === "AWS") && ids.includes("*"));
}
