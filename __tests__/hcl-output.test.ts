import * as fs from "fs";
import * as path from "path";
import { parse } from "@cdktf/hcl2json";
import { App } from "cdktf";
import { resolveSettings } from "../config/settings";
import { buildStacks } from "../stacks";
import { EXAMPLE_VARS } from "./helpers";
import { tempDir } from "./temp-dirs";

/**
 * `cdktf synth --hcl` (HashiCorp's way out of CDKTF) must write HCL that Terraform can parse, for
 * every stack of every phase and both engines. A JSON string with references inside (IAM and bucket
 * policies, container definitions, the dashboard, routing items, Worker bindings) used to come out as
 * `policy = "{"Version":"2012-10-17",... "${aws_s3_bucket.b.arn}" ...}"` (hashicorp/terraform-cdk#3911).
 * Parsed in-process with cdktf's own HCL parser, so this never needs terraform.
 */
function synthHcl(options: { phase: number; compute?: string }): string {
  const outdir = tempDir("restartix-hcl-");
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = "true";
  try {
    const app = new App({ outdir });
    buildStacks(app, resolveSettings({ varsFile: EXAMPLE_VARS, ...options }));
    app.synth();
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
  return outdir;
}

describe.each([{ phase: 1 }, { phase: 1, compute: "fargate" }, { phase: 2 }, { phase: 3 }, { phase: 4 }])(
  "cdktf synth --hcl of %j",
  (options) => {
    const outdir = synthHcl(options);
    const stacks = fs.readdirSync(path.join(outdir, "stacks")).sort();

    test("every stack is written as HCL", () => {
      expect(stacks.length).toBeGreaterThan(10);
      for (const s of stacks) expect(fs.existsSync(path.join(outdir, "stacks", s, "cdk.tf"))).toBe(true);
    });

    test("every stack parses as HCL", async () => {
      const failures: string[] = [];
      for (const s of stacks) {
        try {
          await parse(`${s}/cdk.tf`, fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf"), "utf8"));
        } catch (e) {
          failures.push(String(e).slice(0, 400));
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);

    test("no policy is a JSON string with references inside; documents come from aws_iam_policy_document", () => {
      for (const s of stacks) {
        const text = fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf"), "utf8");
        expect(text).not.toMatch(/^\s*(policy|assume_role_policy) = "\{\\"Version/m);
      }
    });
  },
);
