import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TERRAFORM } from "../tools/offline-plan";
import { layerAvailable } from "./layers";
import { tempDir } from "./temp-dirs";

/**
 * .ci/tf-stacks, what every plan/apply/drift job of the workflows runs, against real terraform with
 * only its built-in provider (terraform_data, terraform_remote_state on local state): no network.
 * A saved plan is applied as planned, and refused when its own state or an upstream stack's outputs
 * changed since the plan.
 */
const ROOT = path.join(__dirname, "..");
const SCRIPT = path.join(ROOT, ".ci", "tf-stacks");
const tf = spawnSync(TERRAFORM, ["version"], { encoding: "utf8" });
const jq = spawnSync("jq", ["--version"], { encoding: "utf8" });
const reason =
  process.env.RESTARTIX_SKIP_TERRAFORM === "1"
    ? "RESTARTIX_SKIP_TERRAFORM=1"
    : tf.error || tf.status !== 0
      ? `terraform not found (${TERRAFORM})`
      : jq.error
        ? "jq not found"
        : undefined;

/** A value the plan must never show anywhere that leaves the runner. */
const PLANTED = "planted-Secret-4f1d2c9e7b";

/**
 * `aws kms generate-data-key` / `aws kms decrypt` without AWS: the "ciphertext" carries the key id,
 * the encryption context and the data key, and decrypt refuses another key id or context, as KMS does.
 */
function fakeAws(bin: string): void {
  fs.mkdirSync(bin, { recursive: true });
  const script = `#!/usr/bin/env bash
set -euo pipefail
op="$1 $2"; shift 2
key="" ctx="" blob=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --key-id) key="$2"; shift 2 ;;
    --encryption-context) ctx="$2"; shift 2 ;;
    --ciphertext-blob) blob="\${2#fileb://}"; shift 2 ;;
    *) shift ;;
  esac
done
echo "$op key=$key ctx=$ctx" >> "$(dirname "$0")/calls.log"
case "$op" in
  "kms generate-data-key")
    plain=$(openssl rand -base64 32)
    printf '{"KeyId":"%s","Plaintext":"%s","CiphertextBlob":"%s"}' "$key" "$plain" "$(printf 'fake-kms|%s|%s|%s' "$key" "$ctx" "$plain" | base64 -w0)" ;;
  "kms decrypt")
    IFS="|" read -r tag k c plain < "$blob" || true
    [ "$tag" = fake-kms ] && [ "$k" = "$key" ] && [ "$c" = "$ctx" ] || { echo "An error occurred (InvalidCiphertextException)" >&2; exit 254; }
    printf '%s\n' "$plain" ;;
  *) echo "fake aws: $op not emulated" >&2; exit 2 ;;
esac
`;
  fs.writeFileSync(path.join(bin, "aws"), script, { mode: 0o755 });
}

function writeStacks(outdir: string, value: string): void {
  const state = (s: string) => path.join(outdir, `${s}.tfstate`);
  const stack = (name: string, json: object) => {
    fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(json, null, 1));
  };
  // The secret as cdktf passes it between stacks: a sensitive output named after the attribute.
  const secretOutput = "cross-stack-output-aws_secretsmanager_secret_versionorigin-secret-value_1234ABCDsecret_string";
  stack("producer", {
    terraform: { backend: { local: { path: state("producer") } } },
    resource: { terraform_data: { item: { input: value }, secret: { input: `\${sensitive("${PLANTED}")}` } } },
    output: {
      value: { value: "${terraform_data.item.output}" },
      [secretOutput]: { value: "${terraform_data.secret.output}", sensitive: true },
    },
  });
  const remote = "data.terraform_remote_state.cross-stack-reference-input-producer.outputs";
  stack("consumer", {
    terraform: { backend: { local: { path: state("consumer") } } },
    data: { terraform_remote_state: { "cross-stack-reference-input-producer": { backend: "local", config: { path: state("producer") } } } },
    resource: {
      terraform_data: {
        copy: { input: `\${try(${remote}.value, "none")}` },
        // Read through terraform_remote_state, the value has lost its sensitive mark: plan prints it.
        header: { input: `\${try(${remote}["${secretOutput}"], "none")}` },
      },
    },
  });
}

const work = tempDir("rx-tf-stacks-");
const bin = path.join(work, "bin");
fakeAws(bin);

function run(mode: string, outdir: string, results: string, stacks: string[], env: Record<string, string> = {}) {
  const r = spawnSync("bash", [SCRIPT, mode, outdir, results, ...stacks], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PLAN_KMS_KEY_ID: "alias/restartix-ci-plans",
      GITHUB_RUN_ID: "4242",
      TF_CLI_CONFIG_FILE: "/dev/null",
      GITHUB_STEP_SUMMARY: "",
      ...env,
    },
  });
  const result = (s: string) =>
    JSON.parse(fs.readFileSync(path.join(results, s, "result.json"), "utf8")) as {
      ok: boolean;
      line: string;
      drifted?: boolean;
      changes?: unknown[];
    };
  return { code: r.status, out: r.stdout + r.stderr, result };
}

if (layerAvailable(reason, ".ci/tf-stacks with terraform")) {
  describe(".ci/tf-stacks: saved plans applied as planned, refused when stale", () => {
    const outdir = path.join(work, "cdktf.out");
    const outputs = path.join(work, "outputs");
    writeStacks(outdir, "v1");

    let planStdout = "";
    test("plan records the encrypted plan, the gate's report and the state it was planned on; no plan or plan JSON in clear", () => {
      // A first deploy of both (the consumer reads the producer's state, which must exist).
      expect(run("plan", outdir, path.join(work, "plan0"), ["producer"]).code).toBe(0);
      expect(run("apply", outdir, path.join(work, "plan0"), ["producer"], { OUTPUTS_DIR: path.join(work, "outputs0") }).code).toBe(0);
      writeStacks(outdir, "v2");
      const plan = run("plan", outdir, path.join(work, "plan1"), ["producer", "consumer"]);
      planStdout = plan.out;
      expect(plan.code).toBe(0);
      expect(plan.result("producer")).toMatchObject({
        ok: true,
        line: "Plan: 0 to add, 1 to change, 0 to destroy.",
        gate: "passed",
        kept: true,
      });
      expect(plan.result("consumer")).toMatchObject({
        ok: true,
        line: "Plan: 2 to add, 0 to change, 0 to destroy.",
        gate: "passed",
        kept: true,
      });
      // What the pull request comment lists: addresses and actions, no value.
      expect(plan.result("producer").changes).toEqual([{ address: "terraform_data.item", actions: ["update"] }]);
      expect(plan.result("consumer").changes).toEqual([
        { address: "terraform_data.copy", actions: ["create"] },
        { address: "terraform_data.header", actions: ["create"] },
      ]);
      const dir = path.join(work, "plan1", "producer");
      expect(fs.readdirSync(dir).sort()).toEqual([
        "plan-gate.txt",
        "plan.key.enc",
        "plan.log",
        "plan.tfplan.enc",
        "planned-on.json",
        "result.json",
      ]);
      expect(fs.readFileSync(path.join(dir, "plan-gate.txt"), "utf8")).toMatch(
        /^producer: no deletes or replaces of stateful resources\nplan-gate: pass/,
      );
      expect(JSON.parse(fs.readFileSync(path.join(dir, "planned-on.json"), "utf8"))).toEqual({
        lineage: expect.any(String),
        serial: expect.any(Number),
      });
      // The data key is bound to the stack and the run.
      expect(fs.readFileSync(path.join(bin, "calls.log"), "utf8")).toContain(
        "kms generate-data-key key=alias/restartix-ci-plans ctx=stack=producer,run=4242",
      );
    }, 120_000);

    test("a planted secret read through terraform_remote_state reaches no uploaded file, no log and no comment", () => {
      const files = (d: string): string[] =>
        fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]));
      const uploaded = files(path.join(work, "plan1"));
      expect(uploaded.length).toBeGreaterThan(8);
      for (const f of uploaded) expect({ file: f, leaks: fs.readFileSync(f).includes(PLANTED) }).toEqual({ file: f, leaks: false });
      // The job log (tf-stacks prints every stack's log) and the pull request comment.
      expect(planStdout).toContain("terraform_data.header will be created");
      expect(planStdout).toContain("(sensitive value)");
      expect(planStdout).not.toContain(PLANTED);
      const comment = spawnSync("node", [path.join(ROOT, ".ci", "report.js"), "pr", path.join(work, "plan1")], {
        cwd: work,
        encoding: "utf8",
      });
      expect(comment.status).toBe(0);
      expect(comment.stdout).toContain("`consumer` | Plan: 2 to add");
      expect(comment.stdout).not.toContain(PLANTED);
      const gate = spawnSync("node", [path.join(ROOT, ".ci", "report.js"), "gate", path.join(work, "plan1")], {
        cwd: work,
        encoding: "utf8",
      });
      expect(gate.status).toBe(0);
      expect(gate.stdout).toMatch(/plan-gate: pass \(2 stack\(s\)\)/);
      // The plan itself held it in clear: terraform keeps it in the stack directory, on the runner only.
      expect(fs.existsSync(path.join(outdir, "stacks", "consumer", "plan.tfplan"))).toBe(false);
    }, 120_000);

    test("a resource keyed by an upstream secret: result.json and the comment list its address with the key replaced", () => {
      const remote = "data.terraform_remote_state.cross-stack-reference-input-producer.outputs";
      const secretOutput = "cross-stack-output-aws_secretsmanager_secret_versionorigin-secret-value_1234ABCDsecret_string";
      const dir = path.join(outdir, "stacks", "keyed");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, "cdk.tf.json"),
        JSON.stringify({
          terraform: { backend: { local: { path: path.join(outdir, "keyed.tfstate") } } },
          data: {
            terraform_remote_state: {
              "cross-stack-reference-input-producer": { backend: "local", config: { path: path.join(outdir, "producer.tfstate") } },
            },
          },
          resource: { terraform_data: { keyed: { for_each: `\${toset([${remote}["${secretOutput}"]])}`, input: "\${each.key}" } } },
        }),
      );
      const results = path.join(work, "keyed");
      const plan = run("plan", outdir, results, ["keyed"], { PLAN_KMS_KEY_ID: "" });
      expect(plan.result("keyed")).toMatchObject({
        ok: true,
        changes: [{ address: 'terraform_data.keyed["(sensitive value)"]', actions: ["create"] }],
      });
      expect(fs.readFileSync(path.join(results, "keyed", "result.json"), "utf8")).not.toContain(PLANTED);
      const comment = spawnSync("node", [path.join(ROOT, ".ci", "report.js"), "pr", results], { cwd: work, encoding: "utf8" });
      expect(comment.stdout).toContain('+   terraform_data.keyed["(sensitive value)"]');
      expect(comment.stdout).not.toContain(PLANTED);
      fs.rmSync(dir, { recursive: true });
    }, 120_000);

    test("without PLAN_KMS_KEY_ID (pull requests) no plan is kept; apply then refuses", () => {
      const pr = run("plan", outdir, path.join(work, "pr"), ["producer"], { PLAN_KMS_KEY_ID: "" });
      expect(pr.result("producer")).toMatchObject({ ok: true, kept: false });
      expect(fs.readdirSync(path.join(work, "pr", "producer")).sort()).toEqual([
        "plan-gate.txt",
        "plan.log",
        "planned-on.json",
        "result.json",
      ]);
      const apply = run("apply", outdir, path.join(work, "pr"), ["producer"], { OUTPUTS_DIR: path.join(work, "outputs-pr") });
      expect(apply.code).not.toBe(0);
      expect(apply.result("producer").line).toBe("refused: no successful plan of this stack in this run");
    }, 120_000);

    test("a saved plan of another run cannot be decrypted: refused", () => {
      const other = run("apply", outdir, path.join(work, "plan1"), ["producer"], {
        OUTPUTS_DIR: path.join(work, "outputs-x"),
        GITHUB_RUN_ID: "9999",
      });
      expect(other.code).not.toBe(0);
      expect(other.result("producer").line).toMatch(/^refused: the saved plan could not be decrypted for this stack and run/);
    }, 120_000);

    test("a saved plan of another environment (staging's, in the same run) cannot be decrypted by production's apply: refused", () => {
      // plan1 was made with PLAN_ENVIRONMENT unset: production's context.
      expect(fs.readFileSync(path.join(bin, "calls.log"), "utf8")).toContain("ctx=stack=producer,run=4242,environment=production");
      const other = run("apply", outdir, path.join(work, "plan1"), ["producer"], {
        OUTPUTS_DIR: path.join(work, "outputs-y"),
        PLAN_ENVIRONMENT: "staging",
      });
      expect(other.code).not.toBe(0);
      expect(other.result("producer").line).toMatch(/^refused: the saved plan could not be decrypted for this stack and run/);
    }, 60_000);

    test("validate: no state, the committed lock file; a provider it does not pin stops the init with the fix", () => {
      const dir = path.join(outdir, "stacks", "needs-github");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, "cdk.tf.json"),
        JSON.stringify({ terraform: { required_providers: { github: { source: "integrations/github", version: "6.9.0" } } } }),
      );
      const v = run("validate", outdir, path.join(work, "validate"), ["producer", "consumer", "needs-github"]);
      expect(v.code).not.toBe(0);
      expect(v.result("producer")).toMatchObject({ ok: true, line: "valid" });
      expect(v.result("consumer")).toMatchObject({ ok: true, line: "valid" });
      expect(v.result("needs-github")).toMatchObject({
        ok: false,
        line: expect.stringMatching(
          /requires registry\.terraform\.io\/integrations\/github, which terraform-cli\/lock\/\.terraform\.lock\.hcl does not pin\. Fix: run the "Provider lock" workflow/,
        ),
      });
      fs.rmSync(dir, { recursive: true });
    }, 120_000);

    test("the gate report of a failed gate fails report.js gate", () => {
      const dir = path.join(work, "gate-failed");
      fs.mkdirSync(path.join(dir, "db"), { recursive: true });
      fs.writeFileSync(
        path.join(dir, "db", "result.json"),
        JSON.stringify({ stack: "db", ok: true, line: "Plan: 1 to add, 0 to change, 1 to destroy.", gate: "failed" }),
      );
      fs.writeFileSync(
        path.join(dir, "db", "plan-gate.txt"),
        "db: 1 destructive change(s) to stateful resources\n  aws_db_instance.x  replace\nplan-gate: FAIL\n",
      );
      const gate = spawnSync("node", [path.join(ROOT, ".ci", "report.js"), "gate", dir], { encoding: "utf8" });
      expect(gate.status).toBe(1);
      expect(gate.stdout).toContain("aws_db_instance.x  replace");
      expect(gate.stdout).toContain("plan-gate: FAIL: 1 of 1 stack(s) failed the gate");
    });

    test("apply applies the saved plan; a consumer planned on the producer's old outputs is refused", () => {
      const apply = run("apply", outdir, path.join(work, "plan1"), ["producer"], { OUTPUTS_DIR: outputs });
      expect(apply.result("producer")).toMatchObject({
        ok: true,
        line: expect.stringMatching(/^Apply complete! Resources: 0 added, 1 changed, 0 destroyed/),
      });
      expect(fs.existsSync(path.join(outputs, "producer.sha256"))).toBe(true);
      const consumer = run("apply", outdir, path.join(work, "plan1"), ["consumer"], { OUTPUTS_DIR: outputs });
      expect(consumer.code).not.toBe(0);
      expect(consumer.result("consumer").line).toMatch(/^refused: the outputs of producer changed when it was applied in this run/);
    }, 120_000);

    test("the same saved plan applied twice is refused: its state changed since the plan", () => {
      const again = run("apply", outdir, path.join(work, "plan1"), ["producer"], { OUTPUTS_DIR: outputs });
      expect(again.code).not.toBe(0);
      expect(again.result("producer").line).toMatch(/^refused: its state changed since the plan/);
    }, 120_000);

    test("drift: no changes against the applied state; a difference is listed by address", () => {
      expect(run("drift", outdir, path.join(work, "drift1"), ["producer"]).result("producer")).toMatchObject({ ok: true, drifted: false });
      writeStacks(outdir, "v3");
      const drift = run("drift", outdir, path.join(work, "drift2"), ["producer", "consumer"]);
      expect(drift.result("producer")).toMatchObject({
        ok: true,
        drifted: true,
        changes: [{ address: "terraform_data.item", actions: ["update"] }],
      });
      expect(drift.result("consumer")).toMatchObject({ ok: true, line: "not deployed" });
      expect(fs.existsSync(path.join(work, "drift2", "producer", "drift.tfplan"))).toBe(false);
    }, 120_000);
  });
}
