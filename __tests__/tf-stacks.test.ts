import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TERRAFORM } from "../tools/offline-plan";
import { layerAvailable } from "./layers";

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
  process.env.RESTARTIX_SKIP_TERRAFORM === "1" ? "RESTARTIX_SKIP_TERRAFORM=1" : tf.error || tf.status !== 0 ? `terraform not found (${TERRAFORM})` : jq.error ? "jq not found" : undefined;

function writeStacks(outdir: string, value: string): void {
  const state = (s: string) => path.join(outdir, `${s}.tfstate`);
  const stack = (name: string, json: object) => {
    fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(json, null, 1));
  };
  stack("producer", {
    terraform: { backend: { local: { path: state("producer") } } },
    resource: { terraform_data: { item: { input: value } } },
    output: { value: { value: "${terraform_data.item.output}" } },
  });
  stack("consumer", {
    terraform: { backend: { local: { path: state("consumer") } } },
    data: { terraform_remote_state: { "cross-stack-reference-input-producer": { backend: "local", config: { path: state("producer") } } } },
    resource: { terraform_data: { copy: { input: "${try(data.terraform_remote_state.cross-stack-reference-input-producer.outputs.value, \"none\")}" } } },
  });
}

function run(mode: string, outdir: string, results: string, stacks: string[], env: Record<string, string> = {}) {
  const r = spawnSync("bash", [SCRIPT, mode, outdir, results, ...stacks], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", GITHUB_STEP_SUMMARY: "", ...env },
  });
  const result = (s: string) => JSON.parse(fs.readFileSync(path.join(results, s, "result.json"), "utf8")) as { ok: boolean; line: string; drifted?: boolean; changes?: unknown[] };
  return { code: r.status, out: r.stdout + r.stderr, result };
}

if (layerAvailable(reason, ".ci/tf-stacks with terraform")) {
  describe(".ci/tf-stacks: saved plans applied as planned, refused when stale", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "rx-tf-stacks-"));
    const outdir = path.join(work, "cdktf.out");
    const outputs = path.join(work, "outputs");
    writeStacks(outdir, "v1");

    test("plan records the plan, its JSON, the lock file and the state it was planned on", () => {
      // A first deploy of both (the consumer reads the producer's state, which must exist).
      expect(run("plan", outdir, path.join(work, "plan0"), ["producer"]).code).toBe(0);
      expect(run("apply", outdir, path.join(work, "plan0"), ["producer"], { OUTPUTS_DIR: path.join(work, "outputs0") }).code).toBe(0);
      writeStacks(outdir, "v2");
      const plan = run("plan", outdir, path.join(work, "plan1"), ["producer", "consumer"]);
      expect(plan.code).toBe(0);
      expect(plan.result("producer")).toMatchObject({ ok: true, line: "Plan: 0 to add, 1 to change, 0 to destroy." });
      expect(plan.result("consumer")).toMatchObject({ ok: true, line: "Plan: 1 to add, 0 to change, 0 to destroy." });
      for (const f of ["plan.tfplan", "plan.json", "planned-on.json"]) expect(fs.existsSync(path.join(work, "plan1", "producer", f))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(work, "plan1", "producer", "planned-on.json"), "utf8"))).toEqual({ lineage: expect.any(String), serial: expect.any(Number) });
    }, 120_000);

    test("apply applies the saved plan; a consumer planned on the producer's old outputs is refused", () => {
      const apply = run("apply", outdir, path.join(work, "plan1"), ["producer"], { OUTPUTS_DIR: outputs });
      expect(apply.result("producer")).toMatchObject({ ok: true, line: expect.stringMatching(/^Apply complete! Resources: 0 added, 1 changed, 0 destroyed/) });
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
      expect(drift.result("producer")).toMatchObject({ ok: true, drifted: true, changes: [{ address: "terraform_data.item", actions: ["update"] }] });
      expect(drift.result("consumer")).toMatchObject({ ok: true, line: "not deployed" });
      expect(fs.existsSync(path.join(work, "drift2", "producer", "drift.tfplan"))).toBe(false);
    }, 120_000);
  });
}
