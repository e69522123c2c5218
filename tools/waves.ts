import * as fs from "fs";
import * as path from "path";

/**
 * Deploy waves: the order in which stacks can be applied, from the synthesized manifest's
 * dependencies (cdktf derives them from cross-stack references). Wave 1 holds the stacks with no
 * dependencies; wave n+1 the stacks whose dependencies are all in waves 1..n. Stacks of one wave
 * are independent of each other, so they can run in parallel (a CI matrix, HCP Terraform runs).
 *
 * cdktf-cli 0.21 refuses `deploy`/`diff` for a selection that leaves out a dependency of a selected
 * stack (`The following dependencies are not included in the stacks to run`), and `destroy` for a
 * selection that leaves out a dependant. `deployCommand` therefore always names the dependency
 * closure: stacks already applied plan to no changes and cost only their plan time.
 */
export interface StackNode {
  readonly name: string;
  readonly dependencies: readonly string[];
}

/**
 * Stacks no automation selects: `bootstrap` holds the state bucket on local state and is applied
 * once, by hand, before anything else (README, "Deploying for real").
 */
export const MANUAL_STACKS: readonly string[] = ["bootstrap"];

/** Reads the stacks and their dependencies from a synthesized cdktf.out manifest. */
export function readManifest(outdir: string): StackNode[] {
  const file = path.join(outdir, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { stacks: Record<string, { name: string; dependencies?: string[] }> };
  return Object.values(manifest.stacks).map((s) => ({ name: s.name, dependencies: s.dependencies ?? [] }));
}

function index<T extends StackNode>(stacks: readonly T[]): Map<string, T> {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  for (const s of stacks) {
    for (const d of s.dependencies) {
      if (!byName.has(d)) throw new Error(`stack ${s.name} depends on ${d}, which is not in the manifest`);
    }
  }
  return byName;
}

/**
 * The waves of `stacks` (by default without the manual stacks), each sorted by name. Throws on a
 * dependency cycle (cdktf refuses those at synth, so it would be a bug here).
 */
export function deployWaves<T extends StackNode>(stacks: readonly T[], options: { includeManual?: boolean } = {}): T[][] {
  const byName = index(stacks);
  const selected = stacks.filter((s) => options.includeManual || !MANUAL_STACKS.includes(s.name));
  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`dependency cycle through ${name}`);
    visiting.add(name);
    const deps = byName.get(name)!.dependencies;
    const l = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(levelOf));
    visiting.delete(name);
    level.set(name, l);
    return l;
  };
  const waves: T[][] = [];
  for (const s of selected) {
    const l = levelOf(s.name);
    (waves[l] ??= []).push(s);
  }
  return waves.filter((w) => w && w.length > 0).map((w) => w.sort((a, b) => a.name.localeCompare(b.name)));
}

/** `selected` and everything it depends on, transitively. */
export function dependencyClosure(stacks: readonly StackNode[], selected: readonly string[]): Set<string> {
  const byName = index(stacks);
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const s = byName.get(name);
    if (!s) throw new Error(`no stack ${name}; stacks: ${[...byName.keys()].join(", ")}`);
    out.add(name);
    s.dependencies.forEach(visit);
  };
  selected.forEach(visit);
  return out;
}

/** `selected` and every stack that depends on it, transitively. */
export function dependantClosure(stacks: readonly StackNode[], selected: readonly string[]): Set<string> {
  index(stacks);
  const out = new Set<string>(selected);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stacks) {
      if (!out.has(s.name) && s.dependencies.some((d) => out.has(d))) {
        out.add(s.name);
        grew = true;
      }
    }
  }
  return out;
}

/** The dependencies cdktf's deploy/diff check would report missing for this selection (empty: accepted). */
export function missingDependencies(stacks: readonly StackNode[], selected: readonly string[]): string[] {
  const byName = index(stacks);
  const chosen = new Set(selected);
  const missing = new Set<string>();
  for (const name of selected) {
    const s = byName.get(name);
    if (!s) throw new Error(`no stack ${name}`);
    s.dependencies.filter((d) => !chosen.has(d)).forEach((d) => missing.add(d));
  }
  return [...missing].sort();
}

/** The dependants cdktf's destroy check would report missing for this selection (empty: accepted). */
export function missingDependants(stacks: readonly StackNode[], selected: readonly string[]): string[] {
  const chosen = new Set(selected);
  return stacks
    .filter((s) => !chosen.has(s.name) && s.dependencies.some((d) => chosen.has(d)))
    .map((s) => s.name)
    .sort();
}

/** Stack names in an order that applies dependencies first (waves flattened). */
export function inDeployOrder(stacks: readonly StackNode[], names: Iterable<string>): string[] {
  const wanted = new Set(names);
  return deployWaves(stacks, { includeManual: true })
    .flat()
    .map((s) => s.name)
    .filter((n) => wanted.has(n));
}

/**
 * A `cdktf deploy` command cdktf accepts for `targets`: the targets plus every stack they depend
 * on, in deploy order. `prefix` carries environment settings such as `PHASE=3`.
 */
export function deployCommand(
  stacks: readonly StackNode[],
  targets: readonly string[],
  options: { prefix?: string; verb?: "deploy" | "diff" } = {},
): string {
  const names = inDeployOrder(stacks, dependencyClosure(stacks, targets));
  return [options.prefix, "npx cdktf", options.verb ?? "deploy", ...names].filter(Boolean).join(" ");
}
