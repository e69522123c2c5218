import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  eject,
  EjectResult,
  EJECT_MARKER,
  EXAMPLE_ACCOUNT_ID,
  lostInHcl,
  relocateLocalState,
  splitUntypedResources,
  UNTYPED_FILE,
  unquoteReferences,
  untypedResourcesJson,
} from "../tools/eject";
import { offlinePlanAvailability, TERRAFORM, terraformEnv } from "../tools/offline-plan";
import { EXAMPLE_VARS, varsWith } from "./helpers";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * The way out of CDKTF: `npm run eject` writes plain Terraform per stack. Every AWS stack of phase 1
 * ejected this way must pass `terraform init` + `terraform validate` with the real provider (local
 * mirror), with no warning: what a team that leaves CDKTF would run next.
 */
const tmp = (prefix: string) => tempDir(prefix);

describe("the post-processing of cdktf's HCL", () => {
  test("quoted references (deprecated since Terraform 0.12) are unquoted; strings are not", () => {
    const hcl = [
      'provider = "aws.eu-west-1"',
      "depends_on = [",
      '"aws_s3_bucket_versioning.state_versioning_27DF9ED5",',
      '"aws_kms_key.k"',
      "]",
      'name = "aws.eu-west-1"',
    ].join("\n");
    expect(unquoteReferences(hcl).split("\n")).toEqual([
      "provider = aws.eu-west-1",
      "depends_on = [",
      "aws_s3_bucket_versioning.state_versioning_27DF9ED5,",
      "aws_kms_key.k",
      "]",
      'name = "aws.eu-west-1"',
    ]);
  });

  test('lifecycle\'s reference lists are unquoted too, and ignore_changes = "all"', () => {
    const hcl = [
      "lifecycle {",
      "ignore_changes = [",
      '"secret_string",',
      '"tags[\"Name\"]"',
      "]",
      "replace_triggered_by = [",
      '"terraform_data.v"',
      "]",
      "}",
      'ignore_changes = "all"',
    ].join("\n");
    expect(unquoteReferences(hcl).split("\n")).toEqual([
      "lifecycle {",
      "ignore_changes = [",
      "secret_string,",
      '"tags[\"Name\"]"',
      "]",
      "replace_triggered_by = [",
      "terraform_data.v",
      "]",
      "}",
      "ignore_changes = all",
    ]);
  });

  test("resources with an attribute cdktf cannot type (a WAF rule's statement) move to Terraform JSON, found by brace depth in unindented HCL", () => {
    const hcl = [
      'resource "aws_s3_bucket" "b" {',
      'bucket = "x"',
      "}",
      'resource "aws_wafv2_web_acl" "acl" {',
      "rule {",
      "# Warning: The following attribute is of an unexpected type. Either there's a problem",
      "statement = {",
      'search_string = "${aws_secretsmanager_secret_version.v.secret_string}"',
      "}",
      "}",
      "}",
      'output "o" {',
      "value = 1",
      "}",
    ].join("\n");
    const split = splitUntypedResources(hcl);
    expect(split.untyped).toEqual([{ type: "aws_wafv2_web_acl", name: "acl" }]);
    expect(split.hcl.split("\n")).toEqual(['resource "aws_s3_bucket" "b" {', 'bucket = "x"', "}", 'output "o" {', "value = 1", "}"]);
    const json = {
      resource: { aws_wafv2_web_acl: { acl: { "//": { metadata: {} }, name: "n", rule: [{ statement: { byte_match_statement: {} } }] } } },
    };
    expect(untypedResourcesJson(json, split.untyped).resource).toEqual({
      aws_wafv2_web_acl: { acl: { name: "n", rule: [{ statement: { byte_match_statement: {} } }] } },
    });
  });

  test("a local backend's state files are found from the ejected layout", () => {
    expect(relocateLocalState('path = "../../../terraform.data.tfstate"')).toBe('path = "../terraform.data.tfstate"');
  });

  test("anything the HCL lost against the JSON synth is reported", () => {
    const json = {
      resource: { aws_s3_bucket: { b: { bucket: "x", tags: { a: "b" }, force_destroy: null } } },
      data: { aws_iam_policy_document: { d: { statement: [] } } },
      output: { o: { value: 1 } },
    };
    expect(
      lostInHcl(json, {
        resource: { aws_s3_bucket: { b: [{ bucket: "x", tags: { a: "b" } }] } },
        data: { aws_iam_policy_document: { d: [{ statement: [] }] } },
        output: { o: [{ value: 1 }] },
      }),
    ).toEqual([]);
    expect(lostInHcl(json, { resource: { aws_s3_bucket: { b: [{ bucket: "x" }] } }, output: {} })).toEqual([
      "aws_s3_bucket.b: argument tags missing",
      "data.aws_iam_policy_document.d: missing",
      "output.o: missing",
    ]);
  });
});

describe("npm run eject refuses the example account id (issue 20 item 28)", () => {
  test("terraform.tfvars.example's account id: one error naming the field, the value, the file and the fix; nothing written", async () => {
    expect(EXAMPLE_ACCOUNT_ID).toBe("123456789012");
    expect(fs.readFileSync(EXAMPLE_VARS, "utf8")).toMatch(/^account_id = "123456789012"$/m);
    const out = path.join(tmp("restartix-ejected-"), "example");
    await expect(eject({ phase: 1, varsFile: EXAMPLE_VARS }, out, tmp("restartix-eject-scratch-"))).rejects.toThrow(
      /^account_id = "123456789012" in .*terraform\.tfvars\.example is the example account id of terraform\.tfvars\.example; .*Fix: copy terraform\.tfvars\.example to deployment\.tfvars, set account_id/,
    );
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});

describe("npm run eject -- --phase 1", () => {
  const out = path.join(tmp("restartix-ejected-"), "phase1");
  // A deployment's own account: the example's is refused.
  const vars = varsWith({ account_id: '"210987654321"' });
  let result: EjectResult;

  beforeAll(async () => {
    result = await eject({ phase: 1, varsFile: vars }, out, tmp("restartix-eject-scratch-"));
  }, 120_000);

  test("the README says how bootstrap's local state moves: beside the stacks, or into the state bucket", () => {
    const readme = fs.readFileSync(path.join(out, "README.md"), "utf8");
    expect(fs.readFileSync(path.join(out, "bootstrap", "main.tf"), "utf8")).toMatch(
      /backend "local" \{\s*path = "\.\.\/terraform\.bootstrap\.tfstate"/,
    );
    expect(readme).toContain("mv <cdktf repo>/terraform.bootstrap.tfstate .");
    expect(readme).toMatch(/terraform -chdir=bootstrap init -migrate-state/);
    expect(readme).toMatch(/key = "bootstrap\/terraform\.tfstate"/);
  });

  test("one folder per stack with main.tf, a README with the deploy order, and the marker", () => {
    expect(result.stacks.map((s) => s.name).sort()).toEqual(
      fs
        .readdirSync(out)
        .filter((f) => fs.statSync(path.join(out, f)).isDirectory())
        .sort(),
    );
    for (const s of result.stacks) expect(fs.existsSync(path.join(out, s.name, "main.tf"))).toBe(true);
    // The WAF web ACL's rule statements are written as Terraform JSON beside the platform stack's main.tf.
    expect(JSON.parse(fs.readFileSync(path.join(out, "platform", UNTYPED_FILE), "utf8")).resource.aws_wafv2_web_acl).toBeDefined();
    expect(fs.readFileSync(path.join(out, "README.md"), "utf8")).toMatch(/^1\. bootstrap, certificates, keys$/m);
    expect(fs.existsSync(path.join(out, EJECT_MARKER))).toBe(true);
  });

  test("plain Terraform: no cdktf metadata, same S3 backend and state key, policies from aws_iam_policy_document", () => {
    const compute = fs.readFileSync(path.join(out, "compute", "main.tf"), "utf8");
    expect(compute).not.toMatch(/cdktf\.out|"\/\/"|metadata/);
    expect(compute).toMatch(
      /backend "s3" \{\s*bucket = "restartix-terraform-state-123456789012"\s*key = "compute\/terraform\.tfstate"[\s\S]*use_lockfile = true/,
    );
    expect(compute).toMatch(/policy = "\$\{data\.aws_iam_policy_document\.[^.]+\.json\}"/);
    expect(compute).not.toMatch(/^\s*provider = "/m);
    expect(compute).toMatch(/^required_version = ">= 1\.10, < 2\.0"$/m);
  });

  test("an existing directory that is not an earlier eject is refused", async () => {
    const foreign = tmp("restartix-foreign-");
    fs.writeFileSync(path.join(foreign, "main.tf"), "# mine\n");
    await expect(eject({ phase: 1, varsFile: vars }, foreign, tmp("restartix-eject-scratch-"))).rejects.toThrow(
      /is not an earlier eject.*Fix: choose an empty or new directory/,
    );
    expect(fs.readdirSync(foreign)).toEqual(["main.tf"]);
  });

  const availability = offlinePlanAvailability();
  if (!layerAvailable(availability.ok ? undefined : availability.reason, "eject validation")) return;

  test("every AWS stack passes terraform init + validate with the real provider, without a warning", async () => {
    const aws = result.stacks.filter((s) => s.providers.length > 0 && s.providers.every((p) => p === "aws"));
    expect(aws.map((s) => s.name).sort()).toEqual([
      "audit",
      "backups",
      "bootstrap",
      "certificates",
      "compute",
      "data",
      "delivery",
      "keys",
      "network",
      "observability",
      "platform",
      "registry",
      "storage",
    ]);
    const run = (args: string[], cwd: string) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const p = spawn(TERRAFORM, args, { cwd, env: terraformEnv() });
        let out = "";
        p.stdout.on("data", (d) => (out += d));
        p.stderr.on("data", (d) => (out += d));
        p.on("close", (code) => resolve({ code: code ?? 1, out }));
      });
    const results: string[] = [];
    const queue = [...aws];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        // The backend is not initialized: validate reads neither state nor the remote states of other stacks.
        const init = await run(["init", "-backend=false", "-input=false", "-no-color"], s.dir);
        if (init.code !== 0) {
          results.push(`${s.name}: init failed: ${init.out.slice(-800)}`);
          continue;
        }
        const validate = await run(["validate", "-json", "-no-color"], s.dir);
        const report = JSON.parse(validate.out.slice(validate.out.indexOf("{"))) as {
          valid: boolean;
          warning_count: number;
          diagnostics: { summary: string }[];
        };
        results.push(
          `${s.name}: valid=${report.valid} warnings=${report.warning_count}${report.diagnostics.map((d) => ` ${d.summary}`).join(";")}`,
        );
      }
    };
    await Promise.all([worker(), worker()]);
    expect(results.sort()).toEqual(aws.map((s) => `${s.name}: valid=true warnings=0`).sort());
  }, 600_000);
});
