#!/usr/bin/env node
// Markdown for the workflows, from the files the jobs left (plain Node, no build, no dependencies):
//   node .ci/report.js gate   RESULTS   -> the plan gate reports of every planned stack; exit 1 when one failed
//   node .ci/report.js pr     [NAME=]RESULTS...  -> the pull request comment (.ci/pr-comment.js): per
//                                         environment, the plans with their address lists, plan gate, policy, cost
//   node .ci/report.js deploy RESULTS   -> the job summary the approval shows, or the apply report
//   node .ci/report.js drift  RESULTS   -> the drift issue body; exit 3 when nothing drifted
// RESULTS holds <stack>/result.json and <stack>/plan-gate.txt (.ci/tf-stacks: the plan jobs run the
// gate where the plan is, since plan JSON never leaves the runner; result.json lists the changed
// resources' addresses and actions, never a value). pr's other inputs, all optional, are read from
// RESULTS, and with a single RESULTS also from the working directory: plan-gate.txt, check.json and
// check-base.json (npm run check --format json on the head and the base), cost-head.json and
// cost-base.json (npm run cost --format json), changed-stacks.json (npm run changed-stacks --json:
// .selected, .removed). NAME= names the section (an environment: one heading each).
// Environment: GATE (success|failure|skipped), APPROVED (true|false), RUN_URL, TITLE; for pr, CHANGED
// and REMOVED (space-separated stacks) when there is no changed-stacks.json.
"use strict";
const fs = require("fs");
const path = require("path");
const { prComment, withPlanLists, gateLine: gateOf } = require("./pr-comment");

const [mode, resultsDir] = process.argv.slice(2);
const env = process.env;
const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined);
const readJson = (f) => {
  try {
    return JSON.parse(read(f) ?? "null");
  } catch {
    return null;
  }
};
const readResults = (dir) =>
  dir && fs.existsSync(dir) && fs.statSync(dir).isDirectory()
    ? fs
        .readdirSync(dir)
        .map((s) => readJson(path.join(dir, s, "result.json")))
        .filter(Boolean)
        .sort((a, b) => a.stack.localeCompare(b.stack))
    : [];
const results = readResults(resultsDir);
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (rows) => ["| stack | result |", "|---|---|", ...rows.map((r) => `| \`${r.stack}\` | ${cell(r.line)} |`)].join("\n");
const LIMIT = 60000; // a GitHub comment holds 65,536 characters

const gateLine = () => gateOf({ gate: env.GATE, approved: env.APPROVED === "true" });

function details(title, text) {
  return text && text.trim()
    ? ["", `<details><summary>${title}</summary>`, "", "```", text.trim().slice(0, 20000), "```", "</details>"].join("\n")
    : "";
}

let body;
if (mode === "gate") {
  // The gate ran in each plan job (on its plan JSON); this only gathers what it printed.
  const planned = results.filter((r) => r.ok && r.gate);
  const failed = planned.filter((r) => r.gate !== "passed");
  const reports = planned.map((r) =>
    (read(path.join(resultsDir, r.stack, "plan-gate.txt")) ?? `${r.stack}: no plan gate report\n`).trimEnd(),
  );
  const missing = results.filter((r) => r.ok && !r.gate).map((r) => r.stack);
  const lines = [...reports];
  if (missing.length) lines.push(`plan-gate: FAIL: no gate result for ${missing.join(", ")}`);
  lines.push(
    failed.length || missing.length
      ? `plan-gate: FAIL: ${failed.length + missing.length} of ${results.filter((r) => r.ok).length} stack(s) failed the gate`
      : `plan-gate: pass (${planned.length} stack(s))`,
  );
  process.stdout.write(lines.join("\n") + "\n");
  process.exit(failed.length || missing.length ? 1 : 0);
} else if (mode === "pr") {
  const args = process.argv.slice(3);
  const words = (v) => (v ?? "").split(/\s+/).filter(Boolean);
  const sections = (args.length ? args : [""]).map((arg) => {
    const m = /^([A-Za-z0-9_-]+)=(.*)$/.exec(arg);
    const dir = m ? m[2] : arg;
    // A single section may keep its files in the working directory (pr.yml's report job does).
    const file = (f) => (dir && fs.existsSync(path.join(dir, f)) ? path.join(dir, f) : args.length <= 1 ? f : path.join(dir, f));
    const changedStacks = readJson(file("changed-stacks.json"));
    return {
      name: m ? m[1] : undefined,
      results: readResults(dir),
      changed: changedStacks?.selected ?? words(env.CHANGED),
      removed: changedStacks?.removed ?? words(env.REMOVED),
      check: readJson(file("check.json")),
      checkBase: readJson(file("check-base.json")),
      costHead: readJson(file("cost-head.json")),
      costBase: readJson(file("cost-base.json")),
      gateReport: read(file("plan-gate.txt")),
    };
  });
  // Already fitted under GitHub's limit (in bytes): not cut again below. No process.exit: it could cut
  // a long body still being written to a pipe.
  process.stdout.write(prComment(sections, { gate: env.GATE, approved: env.APPROVED === "true", runUrl: env.RUN_URL }) + "\n");
} else if (mode === "deploy") {
  const failed = results.filter((r) => !r.ok);
  body = [
    `### ${env.TITLE ?? "Terraform"}`,
    "",
    results.length ? table(results) : "No stack selected.",
    "",
    `Plan gate: ${gateLine()}`,
    details("Plan gate report", read("plan-gate.txt")),
    failed.length ? `\n**${failed.length} stack(s) failed or were refused**: ${failed.map((r) => `\`${r.stack}\``).join(", ")}` : "",
  ].join("\n");
  // The approver sees what each plan does, address by address (plans list their changes; applies do not).
  body = withPlanLists(body, results, LIMIT);
} else if (mode === "drift") {
  const drifted = results.filter((r) => r.drifted);
  const failed = results.filter((r) => !r.ok);
  const deployed = results.filter((r) => r.deployed);
  const lines = [
    "<!-- restartix-infra-drift -->",
    `Drift check of ${deployed.length} deployed stack(s) against their real state: [run](${env.RUN_URL ?? ""}).`,
    "",
  ];
  for (const r of drifted) {
    lines.push(`#### \`${r.stack}\``);
    for (const c of r.drift ?? []) lines.push(`- changed outside Terraform: \`${c.address}\` (${c.actions.join(", ")})`);
    for (const c of r.changes ?? []) lines.push(`- the next apply would: ${c.actions.join(", ")} \`${c.address}\``);
    lines.push("");
  }
  if (failed.length) lines.push(`Could not be checked (see the run): ${failed.map((r) => `\`${r.stack}\``).join(", ")}`);
  lines.push(
    "",
    "Either apply the code again (the deploy workflow, `workflow_dispatch`) or bring the change into the code. This issue is updated by every drift run and closed when no drift is left.",
  );
  body = lines.join("\n");
  process.stdout.write(body.slice(0, LIMIT) + "\n");
  process.exit(drifted.length || failed.length ? 0 : 3);
} else {
  process.stderr.write("usage: node .ci/report.js gate|deploy|drift RESULTS, or node .ci/report.js pr [NAME=]RESULTS...\n");
  process.exit(2);
}
if (body !== undefined) process.stdout.write(body.slice(0, LIMIT) + "\n");
