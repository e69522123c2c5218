#!/usr/bin/env node
// Markdown for the workflows, from the files the jobs left (plain Node, no build, no dependencies):
//   node .ci/report.js gate   RESULTS   -> the plan gate reports of every planned stack; exit 1 when one failed
//   node .ci/report.js pr     RESULTS   -> the pull request comment (plans, plan gate, policy, cost)
//   node .ci/report.js deploy RESULTS   -> the job summary the approval shows, or the apply report
//   node .ci/report.js drift  RESULTS   -> the drift issue body; exit 3 when nothing drifted
// RESULTS holds <stack>/result.json and <stack>/plan-gate.txt (.ci/tf-stacks: the plan jobs run the
// gate where the plan is, since plan JSON never leaves the runner). Optional files in the working directory:
// plan-gate.txt, check.json (npm run check --format json), cost-head.json, cost-base.json.
// Environment: GATE (success|failure|skipped), APPROVED (true|false), RUN_URL, TITLE.
"use strict";
const fs = require("fs");
const path = require("path");

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
const results = fs.existsSync(resultsDir ?? "")
  ? fs
      .readdirSync(resultsDir)
      .map((s) => readJson(path.join(resultsDir, s, "result.json")))
      .filter(Boolean)
      .sort((a, b) => a.stack.localeCompare(b.stack))
  : [];
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (rows) => ["| stack | result |", "|---|---|", ...rows.map((r) => `| \`${r.stack}\` | ${cell(r.line)} |`)].join("\n");
const usd = (n) => `${n < 0 ? "-" : ""}$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const LIMIT = 60000; // a GitHub comment holds 65,536 characters

function gateLine() {
  const approved = env.APPROVED === "true";
  return (
    {
      success: "passed: no stateful resource is deleted or replaced",
      failure: approved
        ? "**failed, approved** by the `allow-stateful-change` label"
        : "**failed**: a stateful resource would be deleted or replaced. Add the `allow-stateful-change` label to approve it explicitly.",
    }[env.GATE] ?? "not run (no stack planned, or a plan failed)"
  );
}

function policy() {
  const check = readJson("check.json");
  if (!check) return "Policy pack: not run.";
  const open = check.findings.filter((f) => !f.suppressed);
  const errors = open.filter((f) => f.level === "error");
  const warnings = open.filter((f) => f.level === "warning");
  const lines = [`Policy pack (phase ${check.phase}, ${check.compute}): ${errors.length} error(s), ${warnings.length} warning(s), ${check.findings.length - open.length} suppressed with a reason.`];
  for (const f of [...errors, ...warnings].slice(0, 20)) lines.push(`- ${f.level} \`${f.ruleId}\` \`${f.stack}\` ${cell(f.address)}: ${cell(f.message)}`);
  return lines.join("\n");
}

function cost() {
  const head = readJson("cost-head.json");
  const base = readJson("cost-base.json");
  if (!head) return "Monthly cost: not estimated.";
  if (!base || typeof base.totalMonthlyUsd !== "number") return `Monthly cost (model): ${usd(head.totalMonthlyUsd)} (no base estimate to compare).`;
  const delta = head.totalMonthlyUsd - base.totalMonthlyUsd;
  const byStack = (r) => Object.fromEntries((r.byStack ?? []).map((s) => [s.stack, s.totalMonthlyUsd]));
  const h = byStack(head);
  const b = byStack(base);
  const changed = [...new Set([...Object.keys(h), ...Object.keys(b)])]
    .map((s) => [s, (h[s] ?? 0) - (b[s] ?? 0)])
    .filter(([, d]) => Math.abs(d) >= 0.01)
    .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
  const lines = [`Monthly cost (model): ${usd(base.totalMonthlyUsd)} -> ${usd(head.totalMonthlyUsd)} (${delta >= 0 ? "+" : ""}${usd(delta)}).`];
  for (const [s, d] of changed.slice(0, 15)) lines.push(`- \`${s}\`: ${d >= 0 ? "+" : ""}${usd(d)}`);
  return lines.join("\n");
}

function details(title, text) {
  return text && text.trim() ? ["", `<details><summary>${title}</summary>`, "", "```", text.trim().slice(0, 20000), "```", "</details>"].join("\n") : "";
}

let body;
if (mode === "gate") {
  // The gate ran in each plan job (on its plan JSON); this only gathers what it printed.
  const planned = results.filter((r) => r.ok && r.gate);
  const failed = planned.filter((r) => r.gate !== "passed");
  const reports = planned.map((r) => (read(path.join(resultsDir, r.stack, "plan-gate.txt")) ?? `${r.stack}: no plan gate report\n`).trimEnd());
  const missing = results.filter((r) => r.ok && !r.gate).map((r) => r.stack);
  const lines = [...reports];
  if (missing.length) lines.push(`plan-gate: FAIL: no gate result for ${missing.join(", ")}`);
  lines.push(failed.length || missing.length ? `plan-gate: FAIL: ${failed.length + missing.length} of ${results.filter((r) => r.ok).length} stack(s) failed the gate` : `plan-gate: pass (${planned.length} stack(s))`);
  process.stdout.write(lines.join("\n") + "\n");
  process.exit(failed.length || missing.length ? 1 : 0);
} else if (mode === "pr") {
  body = [
    "<!-- restartix-infra-plan -->",
    "### Terraform plan",
    "",
    results.length ? table(results) : "No stack's synthesized JSON changed: nothing to plan.",
    env.REMOVED ? `\nStacks no longer synthesized (not destroyed automatically): ${env.REMOVED}` : "",
    "",
    `Plan gate: ${gateLine()}`,
    details("Plan gate report", read("plan-gate.txt")),
    "",
    policy(),
    "",
    cost(),
    "",
    `Plans of pull requests are not kept: plan files and their JSON hold secret values in clear. [Run](${env.RUN_URL ?? ""})`,
  ].join("\n");
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
} else if (mode === "drift") {
  const drifted = results.filter((r) => r.drifted);
  const failed = results.filter((r) => !r.ok);
  const deployed = results.filter((r) => r.deployed);
  const lines = ["<!-- restartix-infra-drift -->", `Drift check of ${deployed.length} deployed stack(s) against their real state: [run](${env.RUN_URL ?? ""}).`, ""];
  for (const r of drifted) {
    lines.push(`#### \`${r.stack}\``);
    for (const c of r.drift ?? []) lines.push(`- changed outside Terraform: \`${c.address}\` (${c.actions.join(", ")})`);
    for (const c of r.changes ?? []) lines.push(`- the next apply would: ${c.actions.join(", ")} \`${c.address}\``);
    lines.push("");
  }
  if (failed.length) lines.push(`Could not be checked (see the run): ${failed.map((r) => `\`${r.stack}\``).join(", ")}`);
  lines.push("", "Either apply the code again (the deploy workflow, `workflow_dispatch`) or bring the change into the code. This issue is updated by every drift run and closed when no drift is left.");
  body = lines.join("\n");
  process.stdout.write(body.slice(0, LIMIT) + "\n");
  process.exit(drifted.length || failed.length ? 0 : 3);
} else {
  process.stderr.write("usage: node .ci/report.js gate|pr|deploy|drift RESULTS\n");
  process.exit(2);
}
process.stdout.write(body.slice(0, LIMIT) + "\n");
