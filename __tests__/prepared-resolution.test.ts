import * as fs from "fs";
import * as path from "path";
import { App, TerraformOutput, TerraformStack, TerraformVariable, Testing } from "cdktf";
import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CDKTF_OWN_RESOLUTION, restoreCdktfRuntime, tuneCdktfRuntime } from "../lib/cdktf-runtime";
import { restoreCdktfResolution, reusePreparedResolution } from "../lib/prepared-resolution";
import { synthesize } from "../tools/synth";
import { slowPart } from "./layers";
import { tempDir } from "./temp-dirs";

/** Every file of a synth output directory, by relative path. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r), "utf8"));
    }
  };
  walk("");
  return out;
}

/** Two stacks, one reading the other's attribute (a cross-stack reference), written to outdir. */
function twoStackApp(outdir: string): App {
  const app = new App({ outdir });
  const producer = new TerraformStack(app, "producer");
  new AwsProvider(producer, "aws", { region: "eu-central-1" });
  const source = new SsmParameter(producer, "source", { name: "/a", type: "String", value: "x" });
  const consumer = new TerraformStack(app, "consumer");
  new AwsProvider(consumer, "aws", { region: "eu-central-1" });
  const suffix = new TerraformVariable(consumer, "suffix", { type: "string", default: "s" });
  new SsmParameter(consumer, "copy", { name: "/b", type: "String", value: `${source.arn}-${suffix.stringValue}` });
  new TerraformOutput(consumer, "copied", { value: source.version });
  return app;
}

/** cdktf's own TerraformStack.toTerraform, before anything replaced it. */
const ownToTerraform = (() => {
  restoreCdktfResolution();
  const own = TerraformStack.prototype.toTerraform;
  reusePreparedResolution({});
  return own;
})();

describe("cdktf's preparing resolution is kept and written (lib/prepared-resolution.ts)", () => {
  const tmp = () => tempDir("rx-prepared-");
  afterAll(() => reusePreparedResolution({}));

  test("a cross-stack reference synthesizes to the same bytes with and without it", () => {
    restoreCdktfResolution();
    const plain = tmp();
    twoStackApp(plain).synth();
    expect(reusePreparedResolution({})).toBe(true);
    const reused = tmp();
    twoStackApp(reused).synth();
    const a = filesOf(plain);
    const b = filesOf(reused);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, text] of a) expect({ file, text: b.get(file) }).toEqual({ file, text });
    // The reference really crossed stacks: the consumer reads the producer's state.
    expect(a.get(path.join("stacks", "consumer", "cdk.tf.json"))).toContain("terraform_remote_state");
  });

  test("a kept answer is written once: a change after the synth shows in the next toTerraform", () => {
    reusePreparedResolution({});
    const app = new App({ outdir: tmp() });
    const stack = new TerraformStack(app, "only");
    new AwsProvider(stack, "aws", { region: "eu-central-1" });
    const param = new SsmParameter(stack, "p", { name: "/c", type: "String", value: "before" });
    app.synth();
    param.value = "after";
    expect(JSON.parse(Testing.synth(stack)).resource.aws_ssm_parameter.p.value).toBe("after");
  });

  test("RESTARTIX_PREPARED_RESOLUTION=0 leaves cdktf's own methods; installing twice is refused", () => {
    restoreCdktfResolution();
    const own = TerraformStack.prototype.toTerraform;
    expect(reusePreparedResolution({ RESTARTIX_PREPARED_RESOLUTION: "0" })).toBe(false);
    expect(TerraformStack.prototype.toTerraform).toBe(own);
    expect(reusePreparedResolution({})).toBe(true);
    expect(TerraformStack.prototype.toTerraform).not.toBe(own);
    expect(reusePreparedResolution({})).toBe(false);
  });

  // The proof on the real layouts, for every change lib/cdktf-runtime.ts makes to what a synth
  // computes (this file's reuse, the plain-value walk, the backend memo, the expression memo): the
  // largest layout (phase 4, both engines) and staging's names, cdktf's own runtime against the
  // app's. Slow project only (three synths of phase 4 each way); the fast layer has the cases above
  // and each change's own test file.
  if (slowPart("byte comparison of phases 3 and 4 synthesized with cdktf's own resolution and the app's"))
    test.each([
      { phase: 4, compute: "fargate", environment: "production" },
      { phase: 4, compute: "apprunner", environment: "production" },
      { phase: 3, compute: "fargate", environment: "staging" },
    ])("phase $phase on $compute ($environment): every file the same with cdktf's resolution and the app's", (options) => {
      // buildStacks installs the changes unless the switches say no: off for the first synth.
      Object.assign(process.env, CDKTF_OWN_RESOLUTION);
      restoreCdktfRuntime();
      const plain = tmp();
      try {
        synthesize(options, plain);
      } finally {
        for (const name of Object.keys(CDKTF_OWN_RESOLUTION)) delete process.env[name];
      }
      tuneCdktfRuntime();
      expect(TerraformStack.prototype.toTerraform).not.toBe(ownToTerraform);
      const reused = tmp();
      synthesize(options, reused);
      const a = filesOf(plain);
      const b = filesOf(reused);
      expect(a.size).toBeGreaterThan(20);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      const differing = [...a].filter(([file, text]) => b.get(file) !== text).map(([file]) => file);
      expect(differing).toEqual([]);
    });
});
