import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { readJsonExpression } from "../lib/json-expression";
import { Options } from "../config/settings";
import type { SynthResult, SynthStack, TerraformJson } from "../tools/synth";
import { cached } from "./synth-cache";
import { tempDir } from "./temp-dirs";

/** Temporary directories for tests: removed when the test file ends (__tests__/temp-dirs.ts). */
export { tempDir };

/** The deployment inputs every test uses (a developer's own terraform.tfvars never leaks in). */
export const EXAMPLE_VARS = path.join(ROOT, "terraform.tfvars.example");

const cache = new Map<string, SynthResult>();

/** Options whose synthesized stacks depend on nothing but the sources: phase, engine, backend, quota mode. */
const SHAREABLE = new Set(["phase", "compute", "backend", "quotaCheck"]);
const shareable = (options: Options) =>
  Object.entries(options).every(
    ([k, v]) => (SHAREABLE.has(k) && v !== undefined && typeof v !== "object") || (k === "varsFile" && v === EXAMPLE_VARS),
  );

/**
 * Synthesizes once per option set and test file, into a temporary directory removed when the file
 * ends (tempDir: nothing reads it from another file, the shared stacks below are in the synth cache). A phase with the
 * example inputs is synthesized once per jest run and shared between test files (synth-cache.ts):
 * its stacks are read from disk, and `app`, `built`, `settings` and `outdir` are made on first use
 * (tools/synth.ts, and the provider classes behind it, are loaded only by the files that need them).
 */
/**
 * The suite was written for the App Runner layout, which its tests keep checking: without a
 * `compute` option they get `compute: "apprunner"`. Tests of the default engine (Fargate since
 * 2026-12-07) pass `compute: DEFAULT_ENGINE`, which leaves the example inputs' engine in place.
 */
export const DEFAULT_ENGINE = "default";
export function synth(options: Options = {}): SynthResult {
  const effective: Options =
    options.compute === DEFAULT_ENGINE ? (({ compute: _c, ...rest }) => rest)(options) : { compute: "apprunner", ...options };
  const key = JSON.stringify({ ...effective, compute: effective.compute ?? DEFAULT_ENGINE });
  let result = cache.get(key);
  if (!result) {
    const full = { varsFile: EXAMPLE_VARS, ...effective };
    let real: SynthResult | undefined;
    const synthesizeNow = (): SynthResult => {
      if (!real) {
        // Loaded here, not at the top: a file that only reads shared stacks never loads the stacks' code.
        const { synthesize } = require("../tools/synth") as typeof import("../tools/synth");
        real = synthesize(full, tempDir("restartix-synth-"));
      }
      return real;
    };
    if (!shareable(effective)) {
      result = synthesizeNow();
    } else {
      const stacks = cached(`synth ${JSON.stringify(Object.entries(full).sort())}`, () => synthesizeNow().stacks);
      let settings: SynthResult["settings"] | undefined;
      result = {
        stacks,
        get settings() {
          settings ??= real?.settings ?? (require("../config/settings") as typeof import("../config/settings")).resolveSettings(full);
          return settings!;
        },
        get app() {
          return synthesizeNow().app;
        },
        get built() {
          return synthesizeNow().built;
        },
        get outdir() {
          return synthesizeNow().outdir;
        },
      };
    }
    cache.set(key, result);
  }
  return result;
}

export function stack(result: SynthResult, name: string): SynthStack {
  const s = result.stacks.find((x) => x.name === name);
  if (!s) throw new Error(`no stack ${name}; stacks: ${result.stacks.map((x) => x.name).join(", ")}`);
  return s;
}

/** The stack's JSON as the string cdktf's jest matchers take. */
export const text = (s: SynthStack): string => JSON.stringify(s.json);

/** All resources of a type in a stack: [name, config][]. */
export function resources(s: SynthStack, type: string): [string, Record<string, any>][] {
  return Object.entries((s.json.resource?.[type] ?? {}) as Record<string, Record<string, any>>);
}

export function only(s: SynthStack, type: string): Record<string, any> {
  const list = resources(s, type);
  if (list.length !== 1) throw new Error(`expected one ${type} in ${s.name}, found ${list.length}`);
  return list[0][1];
}

/** The one resource of a type under a construct ID prefix (the backups stack's `job_` pg_dump among its rotations). */
export function onlyUnder(s: SynthStack, type: string, prefix: string): Record<string, any> {
  const list = resources(s, type).filter(([id]) => id.startsWith(`${prefix}_`));
  if (list.length !== 1) throw new Error(`expected one ${type} under ${prefix} in ${s.name}, found ${list.length}`);
  return list[0][1];
}

const one = (v: string[]): string | string[] => (v.length === 1 ? v[0] : v);

/**
 * The IAM document a resource's `policy` / `assume_role_policy` holds: a JSON text, or a reference to
 * an aws_iam_policy_document data source of the stack, rendered as the provider renders it
 * (single values collapsed to strings).
 */
export function policy(doc: string, s: SynthStack): { Statement: Record<string, any>[] } {
  if (doc.trim().startsWith("{")) return JSON.parse(doc);
  const m = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(doc);
  const source = m ? (s.json.data?.aws_iam_policy_document?.[m[1]] as Record<string, any> | undefined) : undefined;
  if (!source) throw new Error(`${doc} is neither a JSON policy nor a policy document data source of ${s.name}`);
  return {
    Statement: (source.statement as Record<string, any>[]).map((st) => {
      const out: Record<string, any> = {};
      if (st.sid) out.Sid = st.sid;
      out.Effect = st.effect ?? "Allow";
      if (st.actions) out.Action = one(st.actions);
      if (st.resources) out.Resource = one(st.resources);
      if (st.principals) {
        const p = st.principals as { type: string; identifiers: string[] }[];
        out.Principal = p.length === 1 && p[0].type === "*" ? "*" : Object.fromEntries(p.map((x) => [x.type, one(x.identifiers)]));
      }
      for (const c of (st.condition ?? []) as { test: string; variable: string; values: string[] }[]) {
        out.Condition = { ...out.Condition, [c.test]: { ...out.Condition?.[c.test], [c.variable]: one(c.values) } };
      }
      return out;
    }),
  };
}

/** A JSON-valued argument (JSON text or `${jsonencode(...)}`) as a value; references as `${...}` strings. */
export function json(value: string): any {
  const parsed = readJsonExpression(value);
  if (parsed === undefined) throw new Error(`not JSON nor jsonencode(...): ${value.slice(0, 80)}`);
  return parsed;
}

export type { TerraformJson };

/** A copy of the example inputs with some `name = value` lines replaced (values written as HCL). */
export function varsWith(overrides: Record<string, string>): string {
  let text = fs.readFileSync(EXAMPLE_VARS, "utf8");
  for (const [name, value] of Object.entries(overrides)) {
    const line = new RegExp(`^${name} = .*$`, "m");
    if (!line.test(text)) throw new Error(`varsWith: no input ${name} in terraform.tfvars.example`);
    text = text.replace(line, `${name} = ${value}`);
  }
  const file = path.join(tempDir("restartix-vars-"), "terraform.tfvars");
  fs.writeFileSync(file, text);
  return file;
}

/** A test price, the same in every region (or per region): round figures the cost tests work out by hand. */
export const flatPrice = (global: number | Record<string, number>) => ({
  unit: "test",
  source: "https://example.test",
  asOf: "2025-01",
  basis: "test",
  global,
});
