import type { Settings } from "../config/settings";
import type { SynthStack } from "./synth";

/**
 * Which stacks an offline plan of several phases must run so that every AWS stack is proved, and
 * which ones are proved by another's plan. Phase 4 has 116 AWS stacks, 94 of them cells (a data
 * stack and a service stack per tenant and shard) whose JSON differs only in the cell's identity:
 * its id, display name and listener rule priority (slot). A cell stack whose JSON, with its identity
 * replaced by placeholders, equals another's is the same Terraform with other strings; planning the
 * one proves the other. A non-cell stack (or a cell) whose JSON is identical in an earlier phase,
 * byte for byte, is proved by that plan. Names longer than the representative's are the one thing a
 * plan could see differently (provider length checks), so the representative is the group's longest.
 */

export interface CellIdentity {
  readonly kind: "tenant" | "shard";
  readonly id: string;
  readonly name: string;
  /** @default - none: the cell has no gateway slot (an App Runner tenant) */
  readonly slot?: number;
}

/** Every cell of a phase: its shards (named as stacks/index.ts names them) and its tenants. */
export function cellIdentities(settings: Pick<Settings, "phase" | "tenants">): CellIdentity[] {
  const shards = settings.phase.regions.flatMap((rc) =>
    rc.shards.map((s) => ({ kind: "shard" as const, id: s.id, name: `Shared shard ${s.id.toUpperCase()}`, slot: s.slot })),
  );
  return [...shards, ...settings.tenants.map((t) => ({ kind: t.kind, id: t.id, name: t.name, slot: t.slot }))];
}

/** The cell a stack belongs to (`tenant-<id>`, `tenant-<id>-service`, `shard-<id>`, ...), if any. */
export function cellOfStack(name: string, cells: readonly CellIdentity[]): CellIdentity | undefined {
  return cells.find((c) => name === `${c.kind}-${c.id}` || name === `${c.kind}-${c.id}-service`);
}

const ID = "\u0000cell-id\u0000";
const ID_UNDERSCORE = "\u0000cell_id\u0000";
const NAME = "\u0000cell-name\u0000";
const SLOT = "\u0000cell-slot\u0000";

/**
 * The stack's JSON with the cell's identity replaced by placeholders: its name, id (as written and
 * with `_`, the form of construct IDs) and, in listener rules, the priority equal to its slot.
 * Throws when the identity does not occur at all (the equivalence would then be vacuous).
 */
export function cellTemplate(stack: SynthStack, cell: CellIdentity): string {
  let found = false;
  // The id as a whole token, and not the gateway host `cells-us-1.example.com` that shard us-1
  // shares with us-2 (a wrong match could only split a group: one plan more, never one less).
  const token = (id: string) => new RegExp(`(?<![A-Za-z0-9]|cells-)${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g");
  const id = token(cell.id);
  const idUnderscore = token(cell.id.replace(/-/g, "_"));
  const replace = (s: string): string => {
    const out = s.split(cell.name).join(NAME).replace(id, ID).replace(idUnderscore, ID_UNDERSCORE);
    if (out !== s) found = true;
    return out;
  };
  const walk = (value: unknown, key?: string, type?: string): unknown => {
    if (typeof value === "string") return replace(value);
    if (typeof value === "number") return type === "aws_lb_listener_rule" && key === "priority" && value === cell.slot ? SLOT : value;
    if (Array.isArray(value)) return value.map((v) => walk(v, key, type));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [replace(k), walk(v, k, type)]));
    }
    return value;
  };
  const json = stack.json as Record<string, any>;
  const out: Record<string, unknown> = {};
  for (const [section, body] of Object.entries(json)) {
    if (section === "resource" && body && typeof body === "object") {
      out.resource = Object.fromEntries(
        Object.entries(body as Record<string, Record<string, unknown>>).map(([type, byId]) => [
          type,
          Object.fromEntries(Object.entries(byId).map(([id, config]) => [replace(id), walk(config, undefined, type)])),
        ]),
      );
    } else {
      out[replace(section)] = walk(body, section);
    }
  }
  if (!found) throw new Error(`${stack.name}: the identity of ${cell.kind} ${cell.id} does not occur in its JSON`);
  return JSON.stringify(out);
}

export interface PhaseStacks {
  readonly phase: number;
  /** The AWS stacks to prove, in dependency order. */
  readonly stacks: readonly SynthStack[];
  readonly cells: readonly CellIdentity[];
}

export interface Covered {
  readonly phase: number;
  readonly stack: string;
  /** `<phase>:<stack>` of the plan that proves it, or the `elsewhere` label that proves it. */
  readonly by: string;
  readonly how: "identical" | "same cell template";
}

export interface Coverage {
  /** The stacks to plan, per phase (representatives of their groups). */
  readonly plan: readonly { readonly phase: number; readonly stack: SynthStack }[];
  readonly covered: readonly Covered[];
}

/**
 * Groups every stack of the given phases by its JSON (cells: by their template) and picks one of
 * each group to plan. `elsewhere` holds stacks planned by another proof (label -> stacks): a stack
 * identical to one of them is covered without a plan here.
 */
export function planCoverage(phases: readonly PhaseStacks[], elsewhere: ReadonlyMap<string, readonly SynthStack[]> = new Map()): Coverage {
  const known = new Map<string, string>();
  for (const [label, stacks] of elsewhere)
    for (const s of stacks) if (!known.has(JSON.stringify(s.json))) known.set(JSON.stringify(s.json), label);
  const groups = new Map<string, { phase: number; stack: SynthStack; cell?: CellIdentity }[]>();
  for (const p of phases) {
    for (const stack of p.stacks) {
      const cell = cellOfStack(stack.name, p.cells);
      const text = JSON.stringify(stack.json);
      const key = known.has(text) ? `elsewhere ${known.get(text)}` : cell ? `cell ${cellTemplate(stack, cell)}` : `json ${text}`;
      const group = groups.get(key) ?? [];
      group.push({ phase: p.phase, stack, cell });
      groups.set(key, group);
    }
  }
  const plan: Coverage["plan"][number][] = [];
  const covered: Covered[] = [];
  const length = (m: { cell?: CellIdentity }) => (m.cell ? m.cell.id.length + m.cell.name.length : 0);
  for (const [key, members] of groups) {
    if (key.startsWith("elsewhere ")) {
      for (const m of members) covered.push({ phase: m.phase, stack: m.stack.name, by: key.slice("elsewhere ".length), how: "identical" });
      continue;
    }
    // The longest identity (earliest on a tie): a name-length limit the provider checks shows on it.
    const rep = members.reduce((best, m) => (length(m) > length(best) ? m : best));
    plan.push({ phase: rep.phase, stack: rep.stack });
    for (const m of members) {
      if (m === rep) continue;
      const how = JSON.stringify(m.stack.json) === JSON.stringify(rep.stack.json) ? "identical" : "same cell template";
      covered.push({ phase: m.phase, stack: m.stack.name, by: `${rep.phase}:${rep.stack.name}`, how });
    }
  }
  return { plan, covered };
}
