import * as fs from "fs";
import * as path from "path";
import { dependencyOrder } from "./synth";

/** One stack of a synthesized outdir, as text: comparing must not reinterpret anything. */
export interface OutdirStack {
  readonly name: string;
  readonly text: string;
  readonly dependencies: readonly string[];
}

/** Which stacks of the head differ from the base. Every list is sorted by name. */
export interface StackDiff {
  /** In both, and the cdk.tf.json differs beyond whitespace. */
  readonly changed: readonly string[];
  /** Only in the head: new stacks. */
  readonly added: readonly string[];
  /**
   * Only in the base. Nothing deploys or destroys them (cdktf acts on synthesized stacks only):
   * their resources stay in their state until someone runs `cdktf destroy` on the base.
   */
  readonly removed: readonly string[];
  readonly unchanged: readonly string[];
}

/** Reads every stack of a cdktf outdir through its manifest.json. */
export function readOutdir(dir: string): OutdirStack[] {
  const file = path.join(dir, "manifest.json");
  if (!fs.existsSync(file)) throw new Error(`${dir} is not a synthesized cdktf outdir (no manifest.json)`);
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    stacks: Record<string, { name: string; synthesizedStackPath: string; dependencies?: string[] }>;
  };
  return Object.values(manifest.stacks).map((s) => ({
    name: s.name,
    text: fs.readFileSync(path.join(dir, s.synthesizedStackPath), "utf8"),
    dependencies: s.dependencies ?? [],
  }));
}

/**
 * Removes the whitespace between JSON tokens and nothing else: key order, number spelling and
 * string contents (whitespace inside strings included) all count as changes.
 */
export function stripJsonWhitespace(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") {
      out += c;
    }
  }
  return out;
}

function diffStacks(base: readonly OutdirStack[], head: readonly OutdirStack[]): StackDiff {
  const before = new Map(base.map((s) => [s.name, stripJsonWhitespace(s.text)]));
  const after = new Set(head.map((s) => s.name));
  const changed: string[] = [];
  const added: string[] = [];
  const unchanged: string[] = [];
  for (const s of head) {
    const old = before.get(s.name);
    if (old === undefined) added.push(s.name);
    else if (old !== stripJsonWhitespace(s.text)) changed.push(s.name);
    else unchanged.push(s.name);
  }
  const removed = base.filter((s) => !after.has(s.name)).map((s) => s.name);
  const sort = (l: string[]) => l.sort((a, b) => a.localeCompare(b));
  return { changed: sort(changed), added: sort(added), removed: sort(removed), unchanged: sort(unchanged) };
}

export const diffOutdirs = (baseDir: string, headDir: string): StackDiff => diffStacks(readOutdir(baseDir), readOutdir(headDir));

export interface Expansion {
  /**
   * Add what the selected stacks read from. `cdktf deploy <stacks>` refuses a selection whose
   * dependencies are missing (unless told to ignore them); deploying an unchanged one is a no-op.
   * @default false
   */
  readonly dependencies?: boolean;
  /**
   * Add what reads from the selected stacks: a changed output reaches its consumers only when they
   * are applied again, and their own JSON does not change.
   * @default false
   */
  readonly dependents?: boolean;
}

/** The stacks to act on, transitively expanded, producers before consumers. */
export function selectStacks(names: readonly string[], head: readonly OutdirStack[], expand: Expansion = {}): string[] {
  const byName = new Map(head.map((s) => [s.name, s]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) throw new Error(`no stack named ${unknown.join(", ")} in the head (stacks: ${[...byName.keys()].join(", ")})`);
  const chosen = new Set(names);
  const grow = (next: (s: OutdirStack) => string[]) => {
    const queue = [...chosen];
    while (queue.length) {
      for (const n of next(byName.get(queue.pop()!)!)) {
        if (!chosen.has(n) && byName.has(n)) {
          chosen.add(n);
          queue.push(n);
        }
      }
    }
  };
  // Dependents first: their own dependencies then come in with the second pass.
  if (expand.dependents) grow((s) => head.filter((h) => h.dependencies.includes(s.name)).map((h) => h.name));
  if (expand.dependencies) grow((s) => [...s.dependencies]);
  return dependencyOrder(head)
    .map((s) => s.name)
    .filter((n) => chosen.has(n));
}
