import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { resolve } from "cdktf/lib/_tokens";
import { Json, jsonExpression, readJsonExpression } from "../lib/json-expression";
import { TERRAFORM } from "../tools/offline-plan";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/** Text no cdktf escaping leaves alone by accident: quotes, backslashes, newlines, template markers. */
const TRICKY: Json = {
  quote: 'say "hi"',
  backslash: "C:\\path\\n",
  newline: "line1\nline2",
  dollar: "literal ${not.a.reference}",
  percent: "100%{x}",
  "key with space": [1, 2.5, true, false, { nested: ["a", "b"] }],
};

function synthOutputs(hcl: boolean): { dir: string; file: string } {
  const dir = tempDir("restartix-jsonexpr-");
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = hcl ? "true" : "false";
  try {
    const app = new App({ outdir: dir });
    const s = new TerraformStack(app, "s");
    new LocalBackend(s, { path: "terraform.tfstate" });
    const name = new TerraformVariable(s, "name", { type: "string", default: "ref-value" });
    new TerraformOutput(s, "tricky", { value: jsonExpression(TRICKY) });
    new TerraformOutput(s, "with_reference", { value: jsonExpression({ url: `https://${name.stringValue}/x`, id: name.stringValue }) });
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  const stackDir = path.join(dir, "stacks", "s");
  return { dir: stackDir, file: path.join(stackDir, hcl ? "cdk.tf" : "cdk.tf.json") };
}

describe("jsonExpression: JSON documents with references, valid in JSON and HCL output", () => {
  const scratch = new TerraformStack(new App({ outdir: tempDir("restartix-scratch-") }), "scratch");
  const ref = new TerraformVariable(scratch, "bucket", { type: "string" });

  test("reads back what it writes: literals exact, references as ${...}", () => {
    const value = { ...(TRICKY as Record<string, Json>), bucket: ref.stringValue, arn: `arn:aws:s3:::${ref.stringValue}/*` };
    const rendered = resolve(scratch, jsonExpression(value)) as string;
    expect(rendered).toMatch(/^\$\{jsonencode\(/);
    expect(readJsonExpression(rendered)).toEqual({ ...(TRICKY as object), bucket: "${var.bucket}", arn: "arn:aws:s3:::${var.bucket}/*" });
  });

  test("refuses null, which cdktf cannot write inside a function call", () => {
    expect(() => jsonExpression({ a: null as unknown as Json })).toThrow(/null cannot be written inside jsonencode\(\)/);
  });

  test("reads plain JSON text too, and refuses anything else", () => {
    expect(readJsonExpression('[{"name":"api"}]')).toEqual([{ name: "api" }]);
    expect(readJsonExpression("${local.defs}")).toBeUndefined();
    expect(readJsonExpression('${jsonencode({"a" = )}')).toBeUndefined();
    expect(readJsonExpression(42)).toBeUndefined();
  });

  test("in HCL output the references inside stay bare expressions", () => {
    const { file } = synthOutputs(true);
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/value = "\$\{jsonencode\(\{"url" = "https:\/\/\$\{var\.name\}\/x", "id" = var\.name\}\)\}"/);
  });

  const terraform = spawnSync(TERRAFORM, ["version"], { encoding: "utf8" });
  const available = !terraform.error && terraform.status === 0 && process.env.RESTARTIX_SKIP_TERRAFORM !== "1";
  const reason = process.env.RESTARTIX_SKIP_TERRAFORM === "1" ? "RESTARTIX_SKIP_TERRAFORM=1" : `terraform not found (${TERRAFORM})`;
  if (layerAvailable(available ? undefined : reason, "terraform's jsonencode"))
    test.each([
      ["JSON", false],
      ["HCL", true],
    ])(
      "terraform evaluates the %s output to exactly the document (no provider needed)",
      (_form, hcl) => {
        const { dir } = synthOutputs(hcl as boolean);
        const env = { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" };
        for (const args of [
          ["init", "-input=false", "-no-color"],
          ["apply", "-auto-approve", "-input=false", "-no-color"],
        ]) {
          const run = spawnSync(TERRAFORM, args, { cwd: dir, env, encoding: "utf8" });
          expect(run.stderr + (run.status === 0 ? "" : run.stdout)).toBe("");
        }
        const out = spawnSync(TERRAFORM, ["output", "-json"], { cwd: dir, env, encoding: "utf8" });
        const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
        expect(JSON.parse(outputs.tricky.value)).toEqual(TRICKY);
        expect(JSON.parse(outputs.with_reference.value)).toEqual({ url: "https://ref-value/x", id: "ref-value" });
      },
      60_000,
    );
});
