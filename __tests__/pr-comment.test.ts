import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "./temp-dirs";

/**
 * The pull request comment (.ci/pr-comment.js, printed by `node .ci/report.js pr`) from fixtures: the
 * address lists .ci/tf-stacks keeps of a plan (never a value: a planted secret reaches neither
 * result.json nor the comment), new policy findings first, cost differences per stack, folding, and
 * GitHub's 65,536-character limit. The terraform run of tf-stacks itself is in tf-stacks.test.ts.
 */
const ROOT = path.join(__dirname, "..");
const REPORT = path.join(ROOT, ".ci", "report.js");
const TF_STACKS = path.join(ROOT, ".ci", "tf-stacks");

interface Change {
  address: string;
  actions: string[];
  reason?: string;
  forced_by?: string[];
  moved_from?: string;
  imported?: boolean;
}
interface Result {
  stack: string;
  ok: boolean;
  line: string;
  gate?: string;
  changes?: Change[];
}
interface Finding {
  ruleId: string;
  level: "error" | "warning";
  stack: string;
  address: string;
  message: string;
  suppressed: boolean;
  reason?: string;
}
interface Section {
  name?: string;
  results: Result[];
  changed?: string[];
  removed?: string[];
  check?: { phase: number; compute: string; findings: Finding[] } | null;
  checkBase?: { findings: Finding[] } | null;
  costHead?: object | null;
  costBase?: object | null;
  gateReport?: string;
}
const pr = require("../.ci/pr-comment.js") as {
  prComment(sections: Section[], options?: { gate?: string; approved?: boolean; runUrl?: string; limit?: number }): string;
  MARKER: string;
  GITHUB_LIMIT: number;
};

const PLANTED = "planted-Secret-4f1d2c9e7b";
const hasJq = spawnSync("jq", ["--version"]).status === 0;
const withJq = hasJq ? it : it.skip;

/** tf-stacks's own jq functions, run on a plan JSON: what result.json's `changes` holds. */
function changesOf(plan: object): Change[] {
  const script = `source <(sed -n '/^secrets_of()/,/^}/p; /^changes_of()/,/^}/p' "$1"); changes_of "$(secrets_of < "$2")" < "$2"`;
  const file = path.join(tempDir("rx-pr-comment-"), "plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  const r = spawnSync("bash", ["-c", script, "_", TF_STACKS, file], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Change[];
}

/**
 * A saved plan's JSON as `terraform show -json` prints it: sensitive values in clear beside their
 * `*_sensitive` marks, and an upstream secret read through terraform_remote_state (no mark) used as a
 * for_each key and a map key of a replace path.
 */
const PLAN = {
  format_version: "1.2",
  prior_state: {
    values: {
      root_module: {
        resources: [
          {
            address: "data.terraform_remote_state.cross-stack-reference-input-data",
            type: "terraform_remote_state",
            name: "cross-stack-reference-input-data",
            values: { outputs: { "cross-stack-output-aws_secretsmanager_secret_versionorigin_secret_string": PLANTED } },
          },
        ],
      },
    },
  },
  resource_changes: [
    {
      address: "aws_db_instance.postgres",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: { password: PLANTED, engine_version: "16.4" },
        after: { password: PLANTED, engine_version: "17.2" },
        before_sensitive: { password: true },
        after_sensitive: { password: true },
        replace_paths: [["engine_version"], ["tags", PLANTED], [0]],
      },
    },
    { address: "aws_ecs_service.api", change: { actions: ["create", "delete"], before: {}, after: {} } },
    {
      address: "aws_ssm_parameter.flag",
      change: { actions: ["update"], before: { value: "a" }, after: { value: PLANTED }, after_sensitive: { value: true } },
    },
    { address: `terraform_data.keyed["${PLANTED}"]`, change: { actions: ["create"], after: { input: PLANTED } } },
    { address: "aws_s3_bucket.old_logs", change: { actions: ["delete"], before: { bucket: "logs" } } },
    { address: "aws_cloudwatch_log_group.kept", change: { actions: ["forget"], before: {} } },
    { address: "aws_s3_bucket.renamed", previous_address: "aws_s3_bucket.original", change: { actions: ["no-op"], before: {}, after: {} } },
    { address: "aws_s3_bucket.adopted", change: { actions: ["no-op"], importing: { id: "restartix-uploads" }, before: {}, after: {} } },
    { address: "aws_kms_key.same", change: { actions: ["no-op"], before: {}, after: {} } },
    { address: "data.aws_iam_policy_document.read", change: { actions: ["read"], after: {} } },
  ],
};

const finding = (ruleId: string, stack: string, address: string, extra: Partial<Finding> = {}): Finding => ({
  ruleId,
  level: "warning",
  stack,
  address,
  message: `${ruleId} fired`,
  suppressed: false,
  ...extra,
});

const cost = (total: number, byStack: Record<string, number>) => ({
  totalMonthlyUsd: total,
  priceTable: { file: "pricing/aws-prices.json", asOf: ["2026-11"], refreshed: "2026-11-30" },
  byStack: Object.entries(byStack).map(([stack, totalMonthlyUsd]) => ({ stack, totalMonthlyUsd })),
});

describe(".ci/tf-stacks changes_of: what result.json keeps of a plan", () => {
  withJq("addresses and actions, the attribute names that force a replace, moves and imports: no value, the planted secret nowhere", () => {
    const changes = changesOf(PLAN);
    expect(changes).toEqual([
      {
        address: "aws_db_instance.postgres",
        actions: ["delete", "create"],
        reason: "replace_because_cannot_update",
        forced_by: ["engine_version", "tags"],
      },
      { address: "aws_ecs_service.api", actions: ["create", "delete"] },
      { address: "aws_ssm_parameter.flag", actions: ["update"] },
      { address: 'terraform_data.keyed["(sensitive value)"]', actions: ["create"] },
      { address: "aws_s3_bucket.old_logs", actions: ["delete"] },
      { address: "aws_cloudwatch_log_group.kept", actions: ["forget"] },
      { address: "aws_s3_bucket.renamed", actions: ["no-op"], moved_from: "aws_s3_bucket.original" },
      { address: "aws_s3_bucket.adopted", actions: ["no-op"], imported: true },
    ]);
    expect(JSON.stringify(changes)).not.toContain(PLANTED);
    expect(JSON.stringify(changes)).not.toContain("16.4");
  });

  withJq("a secret with JSON escapes (quote, backslash) in a for_each key is replaced too", () => {
    const odd = 'pl"ant\\ed-9c1e';
    const plan = {
      resource_changes: [
        { address: `terraform_data.k["${odd}"]`, change: { actions: ["create"], after: { input: odd }, after_sensitive: { input: true } } },
      ],
    };
    const changes = changesOf(plan);
    expect(changes).toEqual([{ address: 'terraform_data.k["(sensitive value)"]', actions: ["create"] }]);
  });
});

describe(".ci/tf-stacks changes_of: sizes over one argument's limit", () => {
  withJq("thousands of resources pass through file descriptors (Linux caps one argument at 128 KiB)", () => {
    const n = 4000;
    const plan = {
      resource_changes: Array.from({ length: n }, (_, i) => ({
        address: `aws_cloudwatch_log_group.tenant_${i}_with_a_long_construct_path_ABCDEF12`,
        change: { actions: ["create"], after: { name: `secret-value-${i % 5}-padding` }, after_sensitive: { name: i % 1000 === 0 } },
      })),
    };
    const changes = changesOf(plan);
    expect(changes).toHaveLength(n);
    expect(JSON.stringify(changes).length).toBeGreaterThan(128 * 1024);
    // result.json receives the list the same way, not as an argument.
    const script = fs.readFileSync(TF_STACKS, "utf8");
    expect(script).toMatch(
      /--slurpfile c <\(printf '%s' "\$changes"\) '\{stack: \$s, ok: true, line: \$l, gate: \$g, kept: \$k, changes: \$c\[0\]\}'/,
    );
    expect(script).not.toMatch(/--argjson c "\$changes"/);
  });
});

describe("the pull request comment", () => {
  const changes = hasJq ? changesOf(PLAN) : [];
  const results: Result[] = [
    { stack: "data", ok: true, line: "Plan: 3 to add, 1 to change, 3 to destroy.", gate: "failed", changes },
    { stack: "compute", ok: true, line: "No changes. Your infrastructure matches the configuration.", gate: "passed", changes: [] },
    { stack: "edge", ok: false, line: "plan failed: see the job log" },
  ];
  const base = [
    finding("RX-S3-10", "storage", "aws_s3_bucket.logs"),
    finding("RX-RDS-7", "data", "aws_db_instance.postgres", { level: "error", suppressed: true, reason: "accepted until the upgrade" }),
    finding("RX-SM-2", "data", "aws_secretsmanager_secret.redis"),
    finding("RX-KMS-1", "keys", "aws_kms_key.k", { level: "error" }),
  ];
  const head = [
    ...base.filter((f) => f.ruleId !== "RX-RDS-7"),
    // Suppressed on the base, open now: new.
    finding("RX-RDS-7", "data", "aws_db_instance.postgres", { level: "error" }),
    finding("RX-S3-1", "storage", "aws_s3_bucket.new", { level: "warning" }),
    finding("RX-ECS-3", "compute", "aws_ecs_service.api", { level: "error" }),
    finding("RX-WAF-2", "edge", "aws_wafv2_web_acl.acl", { suppressed: true, reason: "the origin guard logs through its own stream" }),
  ];
  const section: Section = {
    results,
    changed: ["data", "compute", "edge", "storage"],
    removed: ["legacy"],
    check: { phase: 2, compute: "fargate", findings: head },
    checkBase: { findings: base },
    costHead: cost(420.5, { data: 161.77, compute: 90.11, keys: 3.84, network: 44.38 }),
    costBase: cost(400.5, { data: 141.77, compute: 102.11, keys: 3.84, audit: 8 }),
    gateReport: "data: 1 destructive change(s) to stateful resources\n  aws_db_instance.postgres  replace\nplan-gate: FAIL",
  };

  withJq("create, update, replace and destroy per stack, in a folded diff block (opened when it destroys)", () => {
    const text = pr.prComment([section], { gate: "failure" });
    expect(text.startsWith(pr.MARKER)).toBe(true);
    expect(text).toContain("| `data` | Plan: 3 to add, 1 to change, 3 to destroy. | 1 | 1 | 2 | 1 | **failed** | +$20.00 |");
    expect(text).toContain("| `edge` | plan failed: see the job log | - | - | - | - | - |");
    const block = text.slice(
      text.indexOf("<details open><summary><code>data</code>"),
      text.indexOf("</details>", text.indexOf("<code>data</code>")),
    );
    expect(block).toContain(
      "<summary><code>data</code>: 2 to replace, 1 to destroy, 1 to forget (kept, removed from state), 1 to update, 1 to create, 1 moved, 1 to import</summary>",
    );
    expect(block.split("\n").filter((l) => /^[-+!# ]/.test(l))).toEqual([
      "-/+ aws_db_instance.postgres  (forced by engine_version, tags)",
      "+/- aws_ecs_service.api  (created before the old one is destroyed)",
      "-   aws_s3_bucket.old_logs",
      "#   aws_cloudwatch_log_group.kept",
      "!   aws_ssm_parameter.flag",
      '+   terraform_data.keyed["(sensitive value)"]',
      "    aws_s3_bucket.renamed  (moved from aws_s3_bucket.original)",
      "    aws_s3_bucket.adopted",
    ]);
    expect(block).toContain("```diff");
    // A stack without changes gets no block; the gate's report is folded.
    expect(text).not.toContain("<code>compute</code>");
    // A failed gate's report is unfolded; a passed one folded.
    expect(text).toMatch(/<details open><summary>Plan gate report<\/summary>\n\n```\ndata: 1 destructive change/);
    expect(pr.prComment([{ ...section, gateReport: "data: no deletes or replaces of stateful resources\nplan-gate: pass" }])).toMatch(
      /<details><summary>Plan gate report<\/summary>\n\n```\ndata: no deletes/,
    );
    expect(text).toContain("Stacks no longer synthesized (not destroyed automatically): `legacy`");
    expect(text).toContain("Plan gate: **failed**");
  });

  it("a value in a result.json reaches no comment: only addresses, actions and attribute names are rendered", () => {
    const leaky = [
      {
        ...results[0],
        changes: [
          {
            address: "aws_db_instance.postgres",
            actions: ["update"],
            before: { password: PLANTED },
            after: { password: PLANTED },
          } as Change,
        ],
      },
    ];
    const dir = tempDir("rx-pr-comment-");
    fs.mkdirSync(path.join(dir, "results", "data"), { recursive: true });
    fs.writeFileSync(path.join(dir, "results", "data", "result.json"), JSON.stringify(leaky[0]));
    const r = spawnSync("node", [REPORT, "pr", "results"], { cwd: dir, encoding: "utf8", env: { ...process.env, CHANGED: "data" } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("!   aws_db_instance.postgres");
    expect(r.stdout).not.toContain(PLANTED);
    expect(pr.prComment([{ results: leaky }])).not.toContain(PLANTED);
  });

  it("policy: only the changed stacks' findings, new ones (absent or suppressed on the base) first and in the open, existing ones folded", () => {
    const text = pr.prComment([section]);
    expect(text).toContain("Phase 2 (fargate), 4 changed stack(s): **3 new**, 2 existing; 2 error(s).");
    const lines = text.split("\n").filter((l) => /^- .*`RX-/.test(l));
    expect(lines).toEqual([
      "- **new** error `RX-ECS-3` `compute` `aws_ecs_service.api`: RX-ECS-3 fired",
      "- **new** error `RX-RDS-7` `data` `aws_db_instance.postgres`: RX-RDS-7 fired",
      "- **new** warning `RX-S3-1` `storage` `aws_s3_bucket.new`: RX-S3-1 fired",
      "- warning `RX-SM-2` `data` `aws_secretsmanager_secret.redis`: RX-SM-2 fired",
      "- warning `RX-S3-10` `storage` `aws_s3_bucket.logs`: RX-S3-10 fired",
      // A suppression the change adds is shown with its reason.
      "- warning `RX-WAF-2` `edge` `aws_wafv2_web_acl.acl`: the origin guard logs through its own stream",
    ]);
    // keys did not change: its finding is not listed.
    expect(text).not.toContain("RX-KMS-1");
    expect(text.indexOf("**new** error `RX-ECS-3`")).toBeLessThan(text.indexOf("existing finding(s), also on the base"));
    expect(text).toMatch(/<details><summary>2 existing finding\(s\), also on the base<\/summary>\n\n- warning `RX-SM-2`/);
  });

  it("policy: without the base's report nothing is called new; without a changed-stack list the planned stacks are the changed ones", () => {
    const text = pr.prComment([{ ...section, checkBase: null, changed: undefined }]);
    expect(text).not.toContain("**new**");
    expect(text).toContain("Phase 2 (fargate), 3 changed stack(s): 3 open (the base's findings could not be read: none is marked new)");
    expect(text).not.toContain("RX-S3-10");
  });

  it("cost: the total with its percentage, and the difference of each stack, largest first; without a base, the head's total", () => {
    const text = pr.prComment([section]);
    expect(text).toContain("Monthly cost (model) increases: $400.50 -> $420.50, **+$20.00** (+5.0%).");
    const rows = text.split("\n").filter((l) => /^\| `\w+` \| \$/.test(l));
    expect(rows).toEqual([
      "| `network` | $0.00 | $44.38 | +$44.38 |",
      "| `data` | $141.77 | $161.77 | +$20.00 |",
      "| `compute` | $102.11 | $90.11 | -$12.00 |",
      "| `audit` | $8.00 | $0.00 | -$8.00 |",
    ]);
    expect(text).toContain("Prices: pricing/aws-prices.json (2026-11-30)");
    expect(pr.prComment([{ ...section, costBase: null }])).toContain(
      "Monthly cost (model): $420.50 (no estimate of the base to compare with).",
    );
    expect(pr.prComment([{ ...section, costHead: cost(400.5, {}), costBase: cost(400.5, {}) }])).toContain(
      "Monthly cost (model) does not change: $400.50 -> $400.50, **$0.00**.",
    );
  });

  it("one section per environment when the inputs name them, each with its own plans, findings and cost", () => {
    const text = pr.prComment([
      { ...section, name: "production" },
      {
        name: "staging",
        results: [
          {
            stack: "data",
            ok: true,
            line: "Plan: 1 to add, 0 to change, 0 to destroy.",
            gate: "passed",
            changes: [{ address: "aws_db_instance.postgres", actions: ["create"] }],
          },
        ],
        changed: ["data"],
      },
    ]);
    expect(text).toMatch(/^- \*\*production\*\*: 3 stack\(s\) planned/m);
    expect(text).toMatch(/^- \*\*staging\*\*: 1 stack\(s\) planned: 1 to create/m);
    expect(text.indexOf("### production")).toBeGreaterThan(0);
    expect(text.indexOf("### staging")).toBeGreaterThan(text.indexOf("### production"));
    expect(text.slice(text.indexOf("### staging"))).toContain("Policy pack: not run.");
  });

  it("report.js pr reads NAME=DIR sections, each with its own input files", () => {
    const dir = tempDir("rx-pr-comment-");
    for (const [env, delta] of [
      ["production", 12],
      ["staging", -3],
    ] as const) {
      fs.mkdirSync(path.join(dir, env, "data"), { recursive: true });
      fs.writeFileSync(
        path.join(dir, env, "data", "result.json"),
        JSON.stringify({
          stack: "data",
          ok: true,
          line: "Plan: 0 to add, 1 to change, 0 to destroy.",
          gate: "passed",
          changes: [{ address: "aws_db_instance.postgres", actions: ["update"] }],
        }),
      );
      fs.writeFileSync(path.join(dir, env, "cost-base.json"), JSON.stringify(cost(100, { data: 100 })));
      fs.writeFileSync(path.join(dir, env, "cost-head.json"), JSON.stringify(cost(100 + delta, { data: 100 + delta })));
      fs.writeFileSync(
        path.join(dir, env, "changed-stacks.json"),
        JSON.stringify({ selected: ["data"], removed: env === "staging" ? ["old"] : [] }),
      );
    }
    const r = spawnSync("node", [REPORT, "pr", `production=${path.join(dir, "production")}`, `staging=${path.join(dir, "staging")}`], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GATE: "success" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\*\*production\*\*: 1 stack\(s\) planned: 1 to update; monthly cost \+\$12\.00/);
    expect(r.stdout).toMatch(/\*\*staging\*\*: 1 stack\(s\) planned: 1 to update; monthly cost -\$3\.00/);
    expect(r.stdout.slice(r.stdout.indexOf("### staging"))).toContain("Stacks no longer synthesized (not destroyed automatically): `old`");
  });

  it("under GitHub's limit: long lists cut with a note, folds closed, the summary kept", () => {
    const many = (stack: string, n: number): Result => ({
      stack,
      ok: true,
      line: `Plan: ${n} to add, 0 to change, 0 to destroy.`,
      gate: "passed",
      changes: Array.from({ length: n }, (_, i) => ({
        address: `aws_cloudwatch_log_group.${stack}_tenant_${String(i).padStart(5, "0")}_with_a_long_construct_path_ABCDEF12`,
        actions: ["create"],
      })),
    });
    const big: Section = { ...section, results: [...results, many("cells-eu", 3000), many("cells-us", 3000)] };
    const text = pr.prComment([big], { gate: "failure" });
    expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(pr.GITHUB_LIMIT);
    expect(text.startsWith(pr.MARKER)).toBe(true);
    // Every stack's row, the gate, the findings and the cost survive; the address lists are cut.
    for (const s of ["data", "compute", "edge", "cells-eu", "cells-us"]) expect(text).toContain(`| \`${s}\` |`);
    expect(text).toContain("Plan gate: **failed**");
    expect(text).toContain("**new** error `RX-ECS-3`");
    expect(text).toContain("Monthly cost (model) increases");
    expect(text).toMatch(/… \d+ more \(see the plan job's log\)/);
    expect(text).toMatch(/\*\*Truncated\*\* to stay under GitHub's 65,536-character comment limit/);
    expect(text.split("<details").length).toBe(text.split("</details>").length);
    expect(text.split("```").length % 2).toBe(1);
    // Without the limit pressure, nothing is cut.
    expect(pr.prComment([section])).not.toContain("Truncated");
  });

  withJq(
    "thousands of stacks: the table is cut, not the rest of the summary; failed and destructive stacks lead it and keep their lists",
    () => {
      const cells = Array.from({ length: 2000 }, (_, i): Result => ({
        stack: `cell-${i}`,
        ok: true,
        line: "Plan: 1 to add, 0 to change, 0 to destroy.",
        gate: "passed",
        changes: [{ address: "aws_sqs_queue.q", actions: ["create"] }],
      }));
      const text = pr.prComment([{ ...section, results: [...cells, ...results] }], { gate: "failure" });
      expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(pr.GITHUB_LIMIT);
      const rows = text.split("\n").filter((l) => l.startsWith("| `"));
      // Failed plans and failed gates first, then (alphabetically) the rest.
      expect(rows.slice(0, 3).map((r) => r.split(" | ")[0])).toEqual(["| `data`", "| `edge`", "| `cell-0`"]);
      expect(text).toMatch(/^\| … \d+ more stack\(s\) \|/m);
      expect(text).toContain("<details open><summary><code>data</code>");
      expect(text).toContain("-/+ aws_db_instance.postgres");
      expect(text).not.toContain("<code>cell-0</code>");
      expect(text).toContain("**new** error `RX-ECS-3`");
      expect(text).toContain("| `network` | $0.00 | $44.38 | +$44.38 |");
      expect(text).toMatch(/Plans of pull requests are not kept[^\n]*\n\n\*\*Truncated\*\*/);
    },
  );

  it("report.js deploy: the approval summary lists each plan's addresses, the destructive first; an apply report has none", () => {
    const dir = tempDir("rx-pr-comment-");
    const write = (r: Result) => {
      fs.mkdirSync(path.join(dir, "results", r.stack), { recursive: true });
      fs.writeFileSync(path.join(dir, "results", r.stack, "result.json"), JSON.stringify(r));
    };
    write({
      stack: "audit",
      ok: true,
      line: "Plan: 1 to add, 0 to change, 0 to destroy.",
      gate: "passed",
      changes: [{ address: "aws_sns_topic.alerts", actions: ["create"] }],
    });
    write({
      stack: "data",
      ok: true,
      line: "Plan: 1 to add, 0 to change, 1 to destroy.",
      gate: "failed",
      changes: [{ address: "aws_db_instance.postgres", actions: ["delete", "create"], forced_by: ["identifier"] }],
    });
    write({ stack: "keys", ok: true, line: "Apply complete! Resources: 0 added, 1 changed, 0 destroyed." });
    const r = spawnSync("node", [REPORT, "deploy", "results"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TITLE: "Plans to approve", GATE: "failure" },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^### Plans to approve\n/);
    expect(r.stdout.indexOf("<details open><summary><code>data</code>: 1 to replace")).toBeGreaterThan(
      r.stdout.indexOf("Plan gate: **failed**"),
    );
    expect(r.stdout.indexOf("<code>data</code>")).toBeLessThan(r.stdout.indexOf("<code>audit</code>"));
    expect(r.stdout).toContain("-/+ aws_db_instance.postgres  (forced by identifier)");
    expect(r.stdout).not.toContain("<code>keys</code>");
  });

  it("a limit smaller than the summary: the summary still leads, cut hard, with the note", () => {
    const text = pr.prComment([section], { limit: 900 });
    expect(Buffer.byteLength(text, "utf8")).toBeLessThanOrEqual(900);
    expect(text.startsWith(`${pr.MARKER}\n### Terraform plan`)).toBe(true);
    expect(text).toMatch(/\*\*Truncated\*\*/);
  });
});
