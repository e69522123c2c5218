import * as fs from "fs";
import * as path from "path";
import { parse } from "@cdktf/hcl2json";
import { App } from "cdktf";
import { Options, resolveSettings, Settings } from "../config/settings";
import { buildStacks } from "../stacks";
import { CheckFailed, UsageError } from "./cli";
import { deployWaves, readManifest } from "./waves";

/**
 * The way out of CDKTF: plain Terraform (HCL) per stack, from `cdktf synth --hcl` (HashiCorp's exit
 * path), so the stacks can be maintained with terraform alone once CDKTF is gone. The same backend
 * blocks and state keys: an ejected stack takes over the state of the synthesized one as it is.
 *
 * cdktf's HCL is post-processed: quoted references (`provider = "aws.eu-west-1"`, `depends_on =
 * ["x.y"]`, deprecated since Terraform 0.12) are unquoted, and a local backend's paths are made
 * relative to the ejected layout. Then every resource, data source, output and top-level argument
 * of the JSON synth is checked to be present in the HCL (cdktf's HCL renderer drops values it cannot
 * write, such as a null inside a function call).
 */

export const EJECT_MARKER = ".restartix-eject";

export interface EjectedStack {
  readonly name: string;
  readonly dir: string;
  readonly providers: readonly string[];
  readonly resources: number;
}

export interface EjectResult {
  readonly settings: Settings;
  readonly stacks: readonly EjectedStack[];
  /** Deploy waves (bootstrap first: it is applied by hand before anything else). */
  readonly waves: readonly (readonly string[])[];
}

/** Synthesizes the app with cdktf's HCL output into `outdir` (the app reads SYNTH_HCL_OUTPUT when each stack is built). */
export function synthHcl(options: Options, outdir: string): Settings {
  const settings = resolveSettings(options);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = new App({ outdir });
    buildStacks(app, settings);
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  return settings;
}

/** Terraform 0.12+ syntax for what cdktf still writes as quoted references. */
export function unquoteReferences(hcl: string): string {
  const lines = hcl.split("\n");
  let inDependsOn = false;
  return lines
    .map((line) => {
      if (/^\s*depends_on = \[\s*$/.test(line)) {
        inDependsOn = true;
        return line;
      }
      if (inDependsOn) {
        if (/^\s*\]\s*$/.test(line)) inDependsOn = false;
        else return line.replace(/^(\s*)"([A-Za-z0-9_.-]+)"(,?)\s*$/, "$1$2$3");
        return line;
      }
      return line.replace(/^(\s*provider = )"([a-z0-9_-]+(\.[A-Za-z0-9_-]+)?)"\s*$/, "$1$2");
    })
    .join("\n");
}

/** Local state files of the synthesized layout (cdktf.out/stacks/<stack>) relative to DIR/<stack>. */
export const relocateLocalState = (hcl: string): string => hcl.replace(/"\.\.\/\.\.\/\.\.\/(terraform\.[A-Za-z0-9_-]+\.tfstate)"/g, '"../$1"');

type Json = Record<string, any>;

const BLOCK_KINDS = ["resource", "data"] as const;

/**
 * What the HCL lost compared with the JSON synth of the same stack: missing blocks, and top-level
 * arguments of a block present in JSON but absent in HCL. Empty when nothing is lost.
 */
export function lostInHcl(json: Json, hcl: Json): string[] {
  const lost: string[] = [];
  for (const kind of BLOCK_KINDS) {
    for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [name, config] of Object.entries(byName)) {
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        const written = (hcl[kind]?.[type]?.[name] as Json[] | undefined)?.[0];
        if (!written) {
          lost.push(`${address}: missing`);
          continue;
        }
        for (const [key, value] of Object.entries(config)) {
          if (key === "//" || value === null || value === undefined) continue;
          if (!(key in written)) lost.push(`${address}: argument ${key} missing`);
        }
      }
    }
  }
  for (const name of Object.keys(json.output ?? {})) if (!hcl.output?.[name]) lost.push(`output.${name}: missing`);
  for (const name of Object.keys(json.provider ?? {})) if (!hcl.provider?.[name]) lost.push(`provider.${name}: missing`);
  if (json.terraform?.backend && !hcl.terraform?.[0]?.backend) lost.push("terraform.backend: missing");
  if ((json.import ?? []).length !== (hcl.import ?? []).length) lost.push(`import blocks: ${(json.import ?? []).length} in JSON, ${(hcl.import ?? []).length} in HCL`);
  return lost;
}

/**
 * Writes DIR/<stack>/main.tf for every stack of the configuration, plus DIR/README.md (deploy order)
 * and a marker file. DIR must be empty, missing, or an earlier eject (its stack folders are replaced).
 */
export async function eject(options: Options, outDir: string, scratch: string): Promise<EjectResult> {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !fs.existsSync(path.join(outDir, EJECT_MARKER))) {
    throw new UsageError(`--out ${outDir}: the directory exists and is not an earlier eject (no ${EJECT_MARKER}). Fix: choose an empty or new directory`);
  }
  const hclDir = path.join(scratch, "hcl");
  const jsonDir = path.join(scratch, "json");
  const settings = synthHcl(options, hclDir);
  // The JSON synth of the same configuration: the reference the HCL is checked against.
  const app = new App({ outdir: jsonDir });
  buildStacks(app, settings);
  app.synth();

  const nodes = readManifest(hclDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(hclDir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const jsonManifest = JSON.parse(fs.readFileSync(path.join(jsonDir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  fs.mkdirSync(outDir, { recursive: true });
  const stacks: EjectedStack[] = [];
  const problems: string[] = [];
  for (const node of nodes) {
    const raw = fs.readFileSync(path.join(hclDir, manifest.stacks[node.name].synthesizedStackPath), "utf8");
    const hcl = relocateLocalState(unquoteReferences(raw));
    const json = JSON.parse(fs.readFileSync(path.join(jsonDir, jsonManifest.stacks[node.name].synthesizedStackPath), "utf8")) as Json;
    let parsed: Json;
    try {
      parsed = (await parse(`${node.name}/main.tf`, hcl)) as Json;
    } catch (e) {
      problems.push(`${node.name}: the HCL does not parse: ${String(e).slice(0, 300)}`);
      continue;
    }
    problems.push(...lostInHcl(json, parsed).map((l) => `${node.name}: ${l}`));
    const dir = path.join(outDir, node.name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "main.tf"), hcl.endsWith("\n") ? hcl : `${hcl}\n`);
    stacks.push({
      name: node.name,
      dir,
      providers: Object.keys(json.terraform?.required_providers ?? {}),
      resources: Object.values((json.resource ?? {}) as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0),
    });
  }
  if (problems.length > 0) throw new CheckFailed(`the HCL cdktf wrote differs from the JSON synth (the stacks listed are not usable):\n  ${problems.join("\n  ")}`);
  const waves = deployWaves(nodes, { includeManual: true }).map((w) => w.map((s) => s.name));
  fs.writeFileSync(path.join(outDir, "README.md"), readme(settings, stacks, waves));
  fs.writeFileSync(path.join(outDir, EJECT_MARKER), "Written by npm run eject; the next eject into this directory replaces its stack folders.\n");
  return { settings, stacks, waves };
}

function readme(settings: Settings, stacks: readonly EjectedStack[], waves: readonly (readonly string[])[]): string {
  const { phase, deployment } = settings;
  return [
    `# RestartiX infrastructure as plain Terraform (phase ${phase.phase}, ${deployment.compute}, backend ${deployment.backend})`,
    "",
    "Written by `npm run eject` from `cdktf synth --hcl`: no CDKTF, Node.js or npm is needed to plan or apply these stacks.",
    "Each folder is one root module with the same backend and state key as the CDKTF stack of the same name, so",
    "`terraform init` there takes over the existing state. Cross-stack values are read with `terraform_remote_state`.",
    "",
    "```bash",
    "terraform -chdir=<stack> init",
    "terraform -chdir=<stack> plan -out=plan.tfplan && terraform -chdir=<stack> apply plan.tfplan",
    "```",
    "",
    "Apply in this order (a wave's stacks are independent of each other; `bootstrap` is applied once, by hand, on local state):",
    "",
    ...waves.map((w, i) => `${i + 1}. ${w.join(", ")}`),
    "",
    `${stacks.length} stacks, ${stacks.reduce((n, s) => n + s.resources, 0)} resources. The deployment inputs of the synth are baked into the files`,
    "(account id, domain, names): edit them here from now on. The tenant registry, the phase configuration and the",
    "policy pack stay behind in the CDKTF repository: after ejecting, review changes with `terraform plan` and a scanner such",
    "as checkov or tflint.",
    "",
  ].join("\n");
}
