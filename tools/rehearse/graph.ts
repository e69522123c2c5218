/**
 * References between the elements of synthesized stacks, and the removal of elements with everything
 * that depends on them: inside a stack (resource and data references, depends_on, outputs) and
 * across stacks (a consumer's `terraform_remote_state` outputs whose producer output is gone).
 * Used by the rehearsal to cut the emulator's gaps out of its scratch copy, never of the real stacks.
 */

type Json = any;

/** An element of a stack: `aws_x.name`, `data.aws_x.name` or `output.name`. */
export type Address = string;

/** A reference to an output of another stack, through `data.terraform_remote_state.<input>.outputs.<name>`. */
export interface RemoteRef {
  readonly input: string;
  readonly output: string;
}

export interface StackJson {
  /** @default - no resources */
  resource?: Record<string, Record<string, Json>>;
  /** @default - no data sources */
  data?: Record<string, Record<string, Json>>;
  /** @default - no outputs */
  output?: Record<string, Json>;
  [key: string]: unknown;
}

const REMOTE = "terraform_remote_state";
/** cdktf names the data source that reads stack P `cross-stack-reference-input-P`. */
export const REMOTE_INPUT_PREFIX = "cross-stack-reference-input-";

/** Every element of a stack with its configuration. */
function elements(json: StackJson): Map<Address, Json> {
  const out = new Map<Address, Json>();
  for (const [type, byName] of Object.entries(json.resource ?? {}))
    for (const [name, c] of Object.entries(byName)) out.set(`${type}.${name}`, c);
  for (const [type, byName] of Object.entries(json.data ?? {}))
    for (const [name, c] of Object.entries(byName)) out.set(`data.${type}.${name}`, c);
  for (const [name, c] of Object.entries(json.output ?? {})) out.set(`output.${name}`, c);
  return out;
}

function strings(value: Json, into: string[]): string[] {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, into));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => strings(v, into));
  return into;
}

const ADDRESS = /(?<![A-Za-z0-9_.-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?/g;

/**
 * What one element's configuration refers to: elements of the same stack (in `${...}` expressions
 * and `depends_on`) and outputs of other stacks.
 */
export function referencesOf(config: Json, known: ReadonlySet<Address>): { local: Set<Address>; remote: RemoteRef[] } {
  const local = new Set<Address>();
  const remote: RemoteRef[] = [];
  for (const s of strings(config, [])) {
    for (const m of s.matchAll(ADDRESS)) {
      const [, data, type, name, output] = m;
      const address = `${data ?? ""}${type}.${name}`;
      if (!known.has(address)) continue;
      local.add(address);
      if (data && type === REMOTE && output) remote.push({ input: name, output });
    }
  }
  return { local, remote };
}

/** Dependants of each element inside one stack (reverse edges). */
function dependants(json: StackJson): Map<Address, Set<Address>> {
  const all = elements(json);
  const known = new Set(all.keys());
  const out = new Map<Address, Set<Address>>();
  for (const [address, config] of all) {
    for (const dep of referencesOf(config, known).local) {
      if (dep === address) continue;
      if (!out.has(dep)) out.set(dep, new Set());
      out.get(dep)!.add(address);
    }
  }
  return out;
}

/** `seeds` and every element of the stack that depends on one of them, transitively. */
export function closureOf(json: StackJson, seeds: Iterable<Address>): Set<Address> {
  const reverse = dependants(json);
  const out = new Set<Address>();
  const queue = [...seeds];
  while (queue.length) {
    const a = queue.pop()!;
    if (out.has(a)) continue;
    out.add(a);
    for (const d of reverse.get(a) ?? []) queue.push(d);
  }
  return out;
}

/** Deletes elements from the stack JSON (in place); empty type maps are dropped. */
function deleteElements(json: StackJson, addresses: Iterable<Address>): void {
  for (const a of addresses) {
    if (a.startsWith("output.")) {
      delete json.output?.[a.slice("output.".length)];
      continue;
    }
    const isData = a.startsWith("data.");
    const rest = isData ? a.slice(5) : a;
    const dot = rest.indexOf(".");
    const type = rest.slice(0, dot);
    const name = rest.slice(dot + 1);
    const group = isData ? json.data : json.resource;
    if (group?.[type]) {
      delete group[type][name];
      if (Object.keys(group[type]).length === 0) delete group[type];
    }
  }
  for (const key of ["resource", "data", "output"] as const) {
    if (json[key] && Object.keys(json[key] as object).length === 0) delete json[key];
  }
}

/** Why an element was removed from the scratch copy. */
export interface Removal {
  readonly stack: string;
  readonly address: Address;
  /**
   * The emulator gap (id) that excluded it, when it was excluded directly.
   * @default - absent: removed because of something it depended on (`because`)
   */
  readonly gap?: string;
  /**
   * What it depended on that was removed (an address in the same stack, or `stack:output.name`).
   * @default - absent: excluded directly by a gap (`gap`)
   */
  readonly because?: string;
}

export interface PruneInput {
  /** Stack JSONs, mutated in place. */
  readonly stacks: ReadonlyMap<string, StackJson>;
  /** Elements excluded directly, per stack, with the gap that excluded them. */
  readonly excluded: ReadonlyMap<string, ReadonlyMap<Address, string>>;
  /** Stacks that are not applied at all (providers not in the mirror): every output of theirs is missing. */
  readonly absent: ReadonlySet<string>;
}

/**
 * Removes the excluded elements and everything that depends on them, across stacks, until nothing
 * else changes. A remote-state data source reading an absent stack is removed too (its state file
 * would not exist), and so is everything that reads it.
 */
export function prune(input: PruneInput): Removal[] {
  const removals: Removal[] = [];
  const removedOutputs = new Map<string, Set<string>>();
  let changed = true;
  const pending = new Map<string, Map<Address, { gap?: string; because?: string }>>();
  for (const [stack, ex] of input.excluded) {
    const m = new Map<Address, { gap?: string; because?: string }>();
    for (const [a, gap] of ex) m.set(a, { gap });
    pending.set(stack, m);
  }
  while (changed) {
    changed = false;
    for (const [stack, json] of input.stacks) {
      const all = elements(json);
      const known = new Set(all.keys());
      const seeds = pending.get(stack) ?? new Map<Address, { gap?: string; because?: string }>();
      for (const [address, config] of all) {
        if (seeds.has(address)) continue;
        if (address.startsWith(`data.${REMOTE}.`)) {
          const producer = address.slice(`data.${REMOTE}.`.length).replace(REMOTE_INPUT_PREFIX, "");
          if (input.absent.has(producer)) seeds.set(address, { because: `${producer} (not applied)` });
          continue;
        }
        for (const ref of referencesOf(config, known).remote) {
          const producer = ref.input.replace(REMOTE_INPUT_PREFIX, "");
          if (removedOutputs.get(producer)?.has(ref.output)) {
            seeds.set(address, { because: `${producer}:output.${ref.output}` });
            break;
          }
        }
      }
      pending.delete(stack);
      const live = [...seeds.keys()].filter((a) => known.has(a));
      if (live.length === 0) continue;
      // Attribute each dependant to the first removed element it refers to.
      const reverse = dependants(json);
      const reason = new Map<Address, { gap?: string; because?: string }>(live.map((a) => [a, seeds.get(a)!]));
      const queue = [...live];
      while (queue.length) {
        const a = queue.shift()!;
        for (const d of reverse.get(a) ?? []) {
          if (!reason.has(d)) {
            reason.set(d, { because: a });
            queue.push(d);
          }
        }
      }
      deleteElements(json, reason.keys());
      for (const [address, why] of reason) {
        removals.push({ stack, address, ...why });
        if (address.startsWith("output.")) {
          if (!removedOutputs.has(stack)) removedOutputs.set(stack, new Set());
          removedOutputs.get(stack)!.add(address.slice("output.".length));
        }
      }
      changed = true;
    }
  }
  return removals;
}
