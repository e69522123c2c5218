import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../config/deployment";
import { Options } from "../config/settings";
import { synthesize, SynthResult, SynthStack, TerraformJson } from "../tools/synth";

/** The deployment inputs every test uses (a developer's own terraform.tfvars never leaks in). */
export const EXAMPLE_VARS = path.join(ROOT, "terraform.tfvars.example");

const cache = new Map<string, SynthResult>();

/** Synthesizes once per option set and test file, into a temporary directory. */
export function synth(options: Options = {}): SynthResult {
  const key = JSON.stringify(options);
  let result = cache.get(key);
  if (!result) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "restartix-synth-"));
    result = synthesize({ varsFile: EXAMPLE_VARS, ...options }, outdir);
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

/** Parses an IAM policy document rendered into a resource. */
export const policy = (doc: string): { Statement: Record<string, any>[] } => JSON.parse(doc);

export type { TerraformJson };

/** A copy of the example inputs with some `name = value` lines replaced (values written as HCL). */
export function varsWith(overrides: Record<string, string>): string {
  let text = fs.readFileSync(EXAMPLE_VARS, "utf8");
  for (const [name, value] of Object.entries(overrides)) {
    const line = new RegExp(`^${name} = .*$`, "m");
    if (!line.test(text)) throw new Error(`varsWith: no input ${name} in terraform.tfvars.example`);
    text = text.replace(line, `${name} = ${value}`);
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "restartix-vars-")), "terraform.tfvars");
  fs.writeFileSync(file, text);
  return file;
}
