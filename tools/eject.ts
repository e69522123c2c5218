import * as fs from "fs";
import * as path from "path";
import { parse } from "@cdktf/hcl2json";
import { App } from "cdktf";
import { INPUT_FIELDS } from "../config/deployment";
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
 * relative to the ejected layout. Resources with an argument cdktf has no HCL type for (WAF rule
 * statements) are written from the JSON synth into `untyped.tf.json` beside `main.tf`. Then every resource, data source, output and top-level argument
 * of the JSON synth is checked to be present in the HCL (cdktf's HCL renderer drops values it cannot
 * write, such as a null inside a function call).
 */

export const EJECT_MARKER = ".restartix-eject";

/** terraform.tfvars.example's account id: ejected files bake the account in, so it must be the real one. */
export const EXAMPLE_ACCOUNT_ID = String(INPUT_FIELDS.find((f) => f.name === "account_id")!.example);

/**
 * An eject writes the inputs into every file (providers' allowed_account_ids, bucket names, ARNs):
 * one made from the example inputs would have to be edited everywhere, or would be applied to an
 * account that does not exist. Refused with the field, the value and the fix.
 */
function refuseExampleAccount(settings: Settings): void {
  if (settings.deployment.accountId !== EXAMPLE_ACCOUNT_ID) return;
  const source = settings.usingExampleInputs ? `${path.basename(settings.inputsFile)} (deployment.tfvars not found)` : settings.inputsFile;
  throw new UsageError(
    `account_id = "${settings.deployment.accountId}" in ${source} is the example account id of terraform.tfvars.example; ` +
      "an eject bakes the account into every file. Fix: copy terraform.tfvars.example to deployment.tfvars, set account_id (and the other inputs) to the deployment's, " +
      "or pass --vars FILE with them",
  );
}

/** Where a stack's resources that cdktf cannot write as HCL go (Terraform JSON syntax, same module). */
export const UNTYPED_FILE = "untyped.tf.json";

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
function synthHcl(options: Options, outdir: string): Settings {
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
  let inReferenceList = false;
  return lines
    .map((line) => {
      // Lists whose entries are references: depends_on, and lifecycle's ignore_changes and replace_triggered_by.
      if (/^\s*(depends_on|ignore_changes|replace_triggered_by) = \[\s*$/.test(line)) {
        inReferenceList = true;
        return line;
      }
      if (inReferenceList) {
        if (/^\s*\]\s*$/.test(line)) inReferenceList = false;
        else return line.replace(/^(\s*)"([A-Za-z0-9_.\[\]-]+)"(,?)\s*$/, "$1$2$3");
        return line;
      }
      return line
        .replace(/^(\s*ignore_changes = )"all"\s*$/, "$1all")
        .replace(/^(\s*provider = )"([a-z0-9_-]+(\.[A-Za-z0-9_-]+)?)"\s*$/, "$1$2");
    })
    .join("\n");
}

/** What cdktf writes in place of an attribute it has no type for (e.g. a WAF rule's `statement`). */
const UNTYPED_MARKER = "The following attribute is of an unexpected type";

/**
 * cdktf's HCL renderer writes attributes whose type the provider bindings skip (a WAFv2 rule's
 * `statement`) as an object argument, which Terraform rejects ("Unsupported argument"; the block
 * form is required), and says to use JSON synthesis for them. Those resource blocks are taken out of
 * the HCL and returned by address, to be written from the JSON synth into a `.tf.json` file of the
 * same module (Terraform's native JSON syntax).
 */
export function splitUntypedResources(hcl: string): { hcl: string; untyped: { type: string; name: string }[] } {
  const lines = hcl.split("\n");
  const kept: string[] = [];
  const untyped: { type: string; name: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^resource "([^"]+)" "([^"]+)" \{\s*$/.exec(lines[i]);
    if (!head) {
      kept.push(lines[i]);
      continue;
    }
    // cdktf writes HCL unindented: find the block's end by brace depth (interpolations such as
    // "${x}" open and close on one line).
    let end = i;
    for (let depth = 0; end < lines.length; end++) {
      depth += (lines[end].match(/\{/g) ?? []).length - (lines[end].match(/\}/g) ?? []).length;
      if (depth === 0) break;
    }
    const block = lines.slice(i, end + 1);
    if (block.some((l) => l.includes(UNTYPED_MARKER))) untyped.push({ type: head[1], name: head[2] });
    else kept.push(...block);
    i = end;
  }
  return { hcl: kept.join("\n"), untyped };
}

/** The JSON synth's configuration of the given resources, without cdktf's metadata, as a Terraform JSON file. */
export function untypedResourcesJson(json: Json, untyped: readonly { type: string; name: string }[]): Json {
  const resource: Record<string, Record<string, Json>> = {};
  for (const { type, name } of untyped) {
    const config = json.resource?.[type]?.[name] as Json | undefined;
    if (!config) throw new Error(`eject: ${type}.${name} is in the HCL but not in the JSON synth`);
    const { "//": _metadata, ...rest } = config;
    (resource[type] ??= {})[name] = rest;
  }
  return {
    "//": "Resources with an argument cdktf cannot write as HCL (see main.tf); Terraform reads this file with main.tf.",
    resource,
  };
}

/** Local state files of the synthesized layout (cdktf.out/stacks/<stack>) relative to DIR/<stack>. */
export const relocateLocalState = (hcl: string): string =>
  hcl.replace(/"\.\.\/\.\.\/\.\.\/(terraform\.[A-Za-z0-9_-]+\.tfstate)"/g, '"../$1"');

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
  if ((json.import ?? []).length !== (hcl.import ?? []).length)
    lost.push(`import blocks: ${(json.import ?? []).length} in JSON, ${(hcl.import ?? []).length} in HCL`);
  return lost;
}

/**
 * Writes DIR/<stack>/main.tf for every stack of the configuration, plus DIR/README.md (deploy order)
 * and a marker file. DIR must be empty, missing, or an earlier eject (its stack folders are replaced).
 */
export async function eject(options: Options, outDir: string, scratch: string): Promise<EjectResult> {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !fs.existsSync(path.join(outDir, EJECT_MARKER))) {
    throw new UsageError(
      `--out ${outDir}: the directory exists and is not an earlier eject (no ${EJECT_MARKER}). Fix: choose an empty or new directory`,
    );
  }
  const hclDir = path.join(scratch, "hcl");
  const jsonDir = path.join(scratch, "json");
  const settings = synthHcl(options, hclDir);
  refuseExampleAccount(settings);
  // The JSON synth of the same configuration: the reference the HCL is checked against.
  const app = new App({ outdir: jsonDir });
  buildStacks(app, settings);
  app.synth();

  const nodes = readManifest(hclDir);
  const manifest = JSON.parse(fs.readFileSync(path.join(hclDir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const jsonManifest = JSON.parse(fs.readFileSync(path.join(jsonDir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  fs.mkdirSync(outDir, { recursive: true });
  const stacks: EjectedStack[] = [];
  const problems: string[] = [];
  for (const node of nodes) {
    const raw = fs.readFileSync(path.join(hclDir, manifest.stacks[node.name].synthesizedStackPath), "utf8");
    const split = splitUntypedResources(relocateLocalState(unquoteReferences(raw)));
    const hcl = split.hcl;
    const json = JSON.parse(fs.readFileSync(path.join(jsonDir, jsonManifest.stacks[node.name].synthesizedStackPath), "utf8")) as Json;
    let parsed: Json;
    try {
      parsed = (await parse(`${node.name}/main.tf`, hcl)) as Json;
    } catch (e) {
      problems.push(`${node.name}: the HCL does not parse: ${String(e).slice(0, 300)}`);
      continue;
    }
    const untyped = split.untyped.length > 0 ? untypedResourcesJson(json, split.untyped) : undefined;
    // The resources moved to JSON count as written.
    for (const [type, byName] of Object.entries((untyped?.resource ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [name, config] of Object.entries(byName)) ((parsed.resource ??= {})[type] ??= {})[name] = [config];
    }
    problems.push(...lostInHcl(json, parsed).map((l) => `${node.name}: ${l}`));
    const dir = path.join(outDir, node.name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "main.tf"), hcl.endsWith("\n") ? hcl : `${hcl}\n`);
    if (untyped) fs.writeFileSync(path.join(dir, UNTYPED_FILE), `${JSON.stringify(untyped, null, 2)}\n`);
    stacks.push({
      name: node.name,
      dir,
      providers: Object.keys(json.terraform?.required_providers ?? {}),
      resources: Object.values((json.resource ?? {}) as Record<string, object>).reduce((n, byName) => n + Object.keys(byName).length, 0),
    });
  }
  if (problems.length > 0)
    throw new CheckFailed(
      `the HCL cdktf wrote differs from the JSON synth (the stacks listed are not usable):\n  ${problems.join("\n  ")}`,
    );
  const waves = deployWaves(nodes, { includeManual: true }).map((w) => w.map((s) => s.name));
  fs.writeFileSync(path.join(outDir, "README.md"), readme(settings, stacks, waves));
  fs.writeFileSync(
    path.join(outDir, EJECT_MARKER),
    "Written by npm run eject; the next eject into this directory replaces its stack folders.\n",
  );
  return { settings, stacks, waves };
}

/** How the bootstrap stack's local state follows the eject (its backend is a local file, not the bucket it creates). */
function bootstrapStateLines(): string[] {
  return [
    '`bootstrap` keeps its state in a local file: `backend "local" { path = "../terraform.bootstrap.tfstate" }`, i.e.',
    "`terraform.bootstrap.tfstate` beside this README. Move the CDKTF repository's copy (its root `terraform.bootstrap.tfstate`)",
    "here before the first `terraform -chdir=bootstrap init`, and keep one copy only: `mv <cdktf repo>/terraform.bootstrap.tfstate .`.",
    "Or move it into the state bucket it created: replace the local backend block with",
    '`backend "s3" { bucket = "<state_bucket>" key = "bootstrap/terraform.tfstate" region = "<region>" encrypt = true use_lockfile = true }`',
    "and run `terraform -chdir=bootstrap init -migrate-state` (answer yes), then delete the local file.",
    "",
  ];
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
    ...bootstrapStateLines(),
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
