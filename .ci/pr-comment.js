// The pull request comment (what `node .ci/report.js pr` prints), as pure functions of its inputs so
// the tests can feed fixtures: per environment, each planned stack's resources to create, update,
// replace and destroy (the address lists .ci/tf-stacks keeps in result.json: addresses and actions,
// never a value), the policy findings of the changed stacks (new ones first: not found on the base
// commit), and the monthly cost difference per stack (npm run cost on the base and the head).
// Long parts are folded; the whole stays under GitHub's comment limit, summary first.
"use strict";

/** GitHub refuses a comment body over 65,536 characters ("Body is too long (maximum is 65536 characters)"). */
const GITHUB_LIMIT = 65536;
/**
 * Measured in UTF-8 bytes (never fewer than characters), with room for the truncation note; the body
 * also travels as one environment variable to the comment job (Linux: 128 KiB per string).
 */
const LIMIT = 64000;

const MARKER = "<!-- restartix-infra-plan -->";

// ---------- plans ----------

/** The kinds a reviewer reads, in the order they are shown: what loses data first. */
const KINDS = ["replace", "destroy", "forget", "update", "create", "move", "import"];
const SIGN = { replace: "-/+", destroy: "-  ", forget: "#  ", update: "!  ", create: "+  ", move: "   ", import: "   " };
const VERB = {
  replace: "to replace",
  destroy: "to destroy",
  forget: "to forget (kept, removed from state)",
  update: "to update",
  create: "to create",
  move: "moved",
  import: "to import",
};

/** One change of result.json ({address, actions, reason?, forced_by?, moved_from?, imported?}) -> its kind. */
function kindOf(c) {
  const a = (c.actions ?? []).join(",");
  if (a === "delete,create" || a === "create,delete") return "replace";
  if (a === "delete") return "destroy";
  if (a === "forget") return "forget";
  if (a === "update") return "update";
  if (a === "create") return "create";
  if (c.imported) return "import";
  if (c.moved_from) return "move";
  return undefined;
}

/** The changes of one stack grouped by kind, each list in address order. */
function groupChanges(changes) {
  const groups = Object.fromEntries(KINDS.map((k) => [k, []]));
  for (const c of changes ?? []) {
    const k = kindOf(c);
    if (k) groups[k].push(c);
  }
  for (const k of KINDS) groups[k].sort((x, y) => String(x.address).localeCompare(String(y.address)));
  return groups;
}

// Backticks would end an inline code span or a fence; addresses never need them.
const code = (s) => String(s).replace(/`/g, "'");
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const html = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** One line of a stack's change list, inside a ```diff fence (GitHub colours + and - lines). */
function changeLine(kind, c) {
  const notes = [];
  if (kind === "replace") {
    if (c.actions?.[0] === "create") notes.push("created before the old one is destroyed");
    if (c.forced_by?.length) notes.push(`forced by ${c.forced_by.join(", ")}`);
    else if (c.reason) notes.push(c.reason);
  }
  if (c.moved_from) notes.push(`moved from ${c.moved_from}`);
  if (c.imported && kind !== "import") notes.push("imported");
  const sign = kind === "replace" && c.actions?.[0] === "create" ? "+/-" : SIGN[kind];
  return code(`${sign} ${c.address}${notes.length ? `  (${notes.join("; ")})` : ""}`);
}

const countsOf = (groups) => Object.fromEntries(KINDS.map((k) => [k, groups[k].length]));
const countText = (counts) =>
  KINDS.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${VERB[k]}`)
    .join(", ") || "no changes";

// ---------- policy ----------

/** A finding's identity across commits: the rule, the stack and the resource (messages may reword). */
const findingKey = (f) => `${f.ruleId}|${f.stack}|${f.address}`;
const levelOrder = (f) => (f.level === "error" ? 0 : 1);
const byLevel = (a, b) =>
  levelOrder(a) - levelOrder(b) || a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address) || a.ruleId.localeCompare(b.ruleId);

/**
 * The open findings of the changed stacks, split into new (absent from the base's report, or
 * suppressed there) and existing; and the suppressions the change adds. `base` null: the base's report
 * could not be read, so nothing can be called new.
 */
function policyOf(check, base, stacks) {
  const inChanged = (f) => stacks.has(f.stack);
  const findings = (check.findings ?? []).filter(inChanged);
  const open = findings.filter((f) => !f.suppressed);
  const baseOpen = base ? new Set((base.findings ?? []).filter((f) => !f.suppressed).map(findingKey)) : null;
  const baseSuppressed = base ? new Set((base.findings ?? []).filter((f) => f.suppressed).map(findingKey)) : null;
  const fresh = baseOpen ? open.filter((f) => !baseOpen.has(findingKey(f))).sort(byLevel) : [];
  const existing = baseOpen ? open.filter((f) => baseOpen.has(findingKey(f))).sort(byLevel) : [...open].sort(byLevel);
  const newlySuppressed = baseSuppressed ? findings.filter((f) => f.suppressed && !baseSuppressed.has(findingKey(f))).sort(byLevel) : [];
  return {
    fresh,
    existing,
    newlySuppressed,
    baseKnown: Boolean(base),
    allOpen: (check.findings ?? []).filter((f) => !f.suppressed).length,
  };
}

const findingLine = (f, isNew) =>
  `- ${isNew ? "**new** " : ""}${f.level} \`${code(f.ruleId)}\` \`${code(f.stack)}\` \`${code(f.address)}\`: ${cell(f.message)}`;

// ---------- cost ----------

const usd = (n) => `${n < 0 ? "-" : ""}$${Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signedUsd = (n) => (Math.abs(n) < 0.005 ? "$0.00" : `${n > 0 ? "+" : "-"}${usd(Math.abs(n))}`);
const round2 = (n) => Math.round(n * 100) / 100;

/** Head minus base, per stack (a stack only on one side counts as 0 on the other). */
function costOf(head, base) {
  if (!head || typeof head.totalMonthlyUsd !== "number") return undefined;
  const perStack = (r) => new Map((r?.byStack ?? []).map((s) => [s.stack, s.totalMonthlyUsd]));
  const h = perStack(head);
  const hasBase = Boolean(base && typeof base.totalMonthlyUsd === "number");
  const b = perStack(hasBase ? base : undefined);
  const stacks = new Map();
  for (const s of new Set([...h.keys(), ...b.keys()])) {
    stacks.set(s, {
      stack: s,
      base: hasBase ? (b.get(s) ?? 0) : undefined,
      head: h.get(s) ?? 0,
      delta: hasBase ? round2((h.get(s) ?? 0) - (b.get(s) ?? 0)) : undefined,
    });
  }
  const asOf = head.priceTable?.refreshed ?? (head.priceTable?.asOf ?? []).join(", ");
  return {
    hasBase,
    head: head.totalMonthlyUsd,
    base: hasBase ? base.totalMonthlyUsd : undefined,
    delta: hasBase ? round2(head.totalMonthlyUsd - base.totalMonthlyUsd) : undefined,
    stacks,
    asOf,
  };
}

function costLine(cost) {
  if (!cost) return "Monthly cost: not estimated.";
  if (!cost.hasBase) return `Monthly cost (model): ${usd(cost.head)} (no estimate of the base to compare with).`;
  const pct = cost.base > 0 ? ` (${cost.delta >= 0 ? "+" : ""}${((cost.delta / cost.base) * 100).toFixed(1)}%)` : "";
  const verb = cost.delta > 0.005 ? "increases" : cost.delta < -0.005 ? "decreases" : "does not change";
  return `Monthly cost (model) ${verb}: ${usd(cost.base)} -> ${usd(cost.head)}, **${signedUsd(cost.delta)}**${verb === "does not change" ? "" : pct}.`;
}

// ---------- fitting under the limit ----------

/**
 * A block of the comment: `head` lines always shown with it, `items` lines cut from the end when the
 * comment is too long (with `more(n)` saying how many were left out), `tail` lines closing it (a fence,
 * </details>). Tier 0 is the summary and is never dropped; tiers 1 and 2 get what room is left, in
 * that order, each block in document order.
 */
const block = (tier, head, items = [], tail = [], more = (n) => `… ${n} more not shown (comment length limit)`) => ({
  tier,
  head,
  items,
  tail,
  more,
});

const bytes = (s) => Buffer.byteLength(s, "utf8");
const joined = (lines) => (lines.length ? lines.join("\n") + "\n" : "");

const COMMENT_NOTE = (n) =>
  `\n**Truncated** to stay under GitHub's ${GITHUB_LIMIT.toLocaleString("en-US")}-character comment limit: ${n} list(s) cut or left out. The full lists are in the run's plan-* artifacts (result.json of each stack).\n`;

function fit(blocks, limit, note = COMMENT_NOTE) {
  const noteRoom = bytes(note(999999));
  const fixedOf = (b) => bytes(joined(b.head)) + bytes(joined(b.tail));
  // The summary's headings and totals are reserved first, so a long table cannot push out the rest of it.
  const reserved = blocks.filter((b) => b.tier === 0).reduce((n, b) => n + fixedOf(b), 0);
  let room = limit - noteRoom - reserved;
  const shown = blocks.map(() => null);
  const sizer = (b) => {
    const fixed = b.tier === 0 ? 0 : fixedOf(b);
    // prefix[n]: the bytes of the first n items; with a "more" line when some are left out.
    const prefix = [0];
    for (const item of b.items) prefix.push(prefix[prefix.length - 1] + bytes(item + "\n"));
    return (n) => fixed + prefix[n] + (n < b.items.length ? bytes(b.more(b.items.length - n) + "\n") : 0);
  };
  const sizes = blocks.map(sizer);
  // The summary's rows take at most half the room at first, so the lists that replace or destroy
  // (tier 1) still show beside a table of thousands of stacks; then the rows take what is left before
  // the other lists (tier 2).
  const passes = [
    { tier: 0, share: 0.5 },
    { tier: 1, share: 1 },
    { tier: 0, share: 1 },
    { tier: 2, share: 1 },
  ];
  for (const { tier, share } of passes) {
    blocks.forEach((b, i) => {
      if (b.tier !== tier) return;
      const size = sizes[i];
      const before = shown[i] === null ? 0 : size(shown[i]);
      const budget = Math.floor((room + before) * share);
      let n = b.items.length;
      while (n > 0 && size(n) > budget) n--;
      // Not even its heading fits: left out (the summary, tier 0, is always shown).
      if (size(n) > budget && tier > 0) return;
      if (shown[i] !== null && n < shown[i]) return;
      room += before - size(n);
      shown[i] = n;
    });
  }
  const cut = blocks.filter((b, i) => shown[i] === null || shown[i] < b.items.length).length;
  let text = "";
  blocks.forEach((b, i) => {
    const n = shown[i];
    if (n === null) return;
    const items = b.items.slice(0, n);
    if (n < b.items.length) items.push(b.more(b.items.length - n));
    text += joined([...b.head, ...items, ...b.tail]);
  });
  if (cut) text += note(cut);
  // The summary alone over the limit (thousands of stacks): a hard cut, still with the note.
  if (bytes(text) > limit)
    text =
      Buffer.from(text, "utf8")
        .subarray(0, limit - noteRoom)
        .toString("utf8")
        .replace(/\uFFFD+$/, "") + note(cut + 1);
  return text;
}

/** A stack's folded address list; none for a failed plan or one without changes. */
function listBlock({ r, groups }) {
  if (!r.ok || !r.changes) return undefined;
  const lines = KINDS.flatMap((k) => groups[k].map((c) => changeLine(k, c)));
  if (!lines.length) return undefined;
  // What destroys data is unfolded, and kept before other lists when the text is too long.
  const destructive = groups.replace.length + groups.destroy.length > 0;
  const open = destructive ? " open" : "";
  return block(
    destructive ? 1 : 2,
    ["", `<details${open}><summary><code>${html(code(r.stack))}</code>: ${html(countText(countsOf(groups)))}</summary>`, "", "```diff"],
    lines,
    ["```", "</details>"],
    (n) => `… ${n} more (see the plan job's log)`,
  );
}

/**
 * The deploy workflow's approval summary: `text` (its table and gate), then each planned stack's
 * address list, the ones that replace or destroy first, all under `limit` characters.
 */
function withPlanLists(text, results, limit) {
  const plans = (results ?? []).map((r) => ({ r, groups: groupChanges(r.changes) }));
  const lists = plans
    .map(listBlock)
    .filter(Boolean)
    .sort((a, b) => a.tier - b.tier);
  const note = (n) =>
    `\n**Truncated** at ${limit.toLocaleString("en-US")} characters: ${n} list(s) cut or left out. The full lists are in the run's plan-* artifacts (result.json of each stack).\n`;
  return fit([block(0, [text]), ...lists], limit, note).trimEnd();
}

// ---------- the comment ----------

/**
 * sections: [{ name?, results: [result.json...], changed?: [stack...], removed?: [stack...],
 *              check?, checkBase?, costHead?, costBase?, gateReport? }]
 * options:  { gate?: "success"|"failure"|"skipped", approved?: boolean, runUrl?: string, limit?: number }
 */
function prComment(sections, options = {}) {
  const blocks = [];
  const multi = sections.length > 1 || sections.some((s) => s.name);
  const analysed = sections.map((s) => {
    const results = s.results ?? [];
    // Failed plans first, then stacks that replace or destroy, then other changes, then the rest: what a
    // cut table (comment length) leaves out is the least important.
    const rank = (p) =>
      !p.r.ok || p.r.gate === "failed" ? 0 : p.groups.replace.length + p.groups.destroy.length ? 1 : p.r.changes?.length ? 2 : 3;
    const plans = results
      .map((r) => ({ r, groups: groupChanges(r.changes) }))
      .sort((a, b) => rank(a) - rank(b) || String(a.r.stack).localeCompare(String(b.r.stack)));
    const changed = new Set(s.changed?.length ? s.changed : results.map((r) => r.stack));
    return {
      s,
      plans,
      changed,
      policy: s.check ? policyOf(s.check, s.checkBase ?? null, changed) : undefined,
      cost: costOf(s.costHead, s.costBase),
    };
  });

  blocks.push(block(0, [MARKER, "### Terraform plan", ""]));
  // The summary: one line per environment, then the gate. Never cut.
  for (const a of analysed) {
    const total = Object.fromEntries(KINDS.map((k) => [k, a.plans.reduce((n, p) => n + p.groups[k].length, 0)]));
    const failed = a.plans.filter((p) => !p.r.ok).length;
    const parts = [
      a.plans.length ? `${a.plans.length} stack(s) planned: ${countText(total)}` : "no stack's synthesized JSON changed: nothing to plan",
      failed ? `**${failed} plan(s) failed**` : "",
      a.policy
        ? `${a.policy.baseKnown ? `${a.policy.fresh.length} new` : "?"} / ${a.policy.fresh.length + a.policy.existing.length} open policy finding(s) in the changed stacks`
        : "",
      a.cost?.hasBase ? `monthly cost ${signedUsd(a.cost.delta)}` : "",
    ].filter(Boolean);
    blocks.push(block(0, [`- ${multi && a.s.name ? `**${a.s.name}**: ` : ""}${parts.join("; ")}`]));
  }
  blocks.push(block(0, ["", `Plan gate: ${gateLine(options)}`]));

  for (const a of analysed) {
    const { s, plans, policy, cost } = a;
    if (multi) blocks.push(block(0, ["", `### ${s.name ?? `environment ${analysed.indexOf(a) + 1}`}`]));
    // Plans: the table (summary), then each stack's address list, folded.
    blocks.push(block(0, ["", "#### Plans", ""]));
    if (plans.length) {
      blocks.push(
        block(
          0,
          ["| stack | plan | create | update | replace | destroy | gate | cost/month |", "|---|---|---:|---:|---:|---:|---|---:|"],
          plans.map(({ r, groups }) => {
            const n = (k) => (!r.ok ? "-" : r.changes ? String(groups[k].length) : "?");
            const d = cost?.stacks.get(r.stack)?.delta;
            const gate = r.gate === "failed" ? "**failed**" : (r.gate ?? (r.ok ? "" : "-"));
            return `| \`${code(r.stack)}\` | ${cell(r.line)} | ${n("create")} | ${n("update")} | ${n("replace")} | ${n("destroy")} | ${gate} | ${d === undefined ? "" : signedUsd(d)} |`;
          }),
          [],
          (n) => `| … ${n} more stack(s) | | | | | | | |`,
        ),
      );
    } else {
      blocks.push(block(0, ["No stack's synthesized JSON changed: nothing to plan."]));
    }
    if (s.removed?.length)
      blocks.push(
        block(1, ["", `Stacks no longer synthesized (not destroyed automatically): ${s.removed.map((x) => `\`${code(x)}\``).join(", ")}`]),
      );
    blocks.push(...plans.map(listBlock).filter(Boolean));
    if (s.gateReport && s.gateReport.trim()) {
      // A failed gate's report names the stateful resources at stake: kept with the destructive lists.
      const failedGate = /FAIL/.test(s.gateReport);
      blocks.push(
        block(
          failedGate ? 1 : 2,
          ["", `<details${failedGate ? " open" : ""}><summary>Plan gate report</summary>`, "", "```"],
          s.gateReport.trim().split("\n").map(code),
          ["```", "</details>"],
        ),
      );
    }

    // Policy: new findings first, in the open; existing ones folded.
    blocks.push(block(0, ["", "#### Policy findings of the changed stacks", ""]));
    if (!s.check) blocks.push(block(0, ["Policy pack: not run."]));
    else if (!policy.fresh.length && !policy.existing.length)
      blocks.push(
        block(0, [
          `No open finding in the ${a.changed.size} changed stack(s) (phase ${s.check.phase}, ${s.check.compute}; ${policy.allOpen} open in the whole phase).`,
        ]),
      );
    else {
      const errors = [...policy.fresh, ...policy.existing].filter((f) => f.level === "error").length;
      blocks.push(
        block(0, [
          `Phase ${s.check.phase} (${s.check.compute}), ${a.changed.size} changed stack(s): ${policy.baseKnown ? `**${policy.fresh.length} new**, ${policy.existing.length} existing` : `${policy.existing.length} open (the base's findings could not be read: none is marked new)`}; ${errors} error(s).`,
        ]),
      );
      if (policy.fresh.length)
        blocks.push(
          block(
            1,
            [""],
            policy.fresh.map((f) => findingLine(f, true)),
          ),
        );
      if (policy.existing.length) {
        blocks.push(
          block(
            2,
            [
              "",
              `<details><summary>${policy.existing.length} ${policy.baseKnown ? "existing finding(s), also on the base" : "open finding(s)"}</summary>`,
              "",
            ],
            policy.existing.map((f) => findingLine(f, false)),
            ["", "</details>"],
          ),
        );
      }
    }
    if (policy?.newlySuppressed.length) {
      blocks.push(
        block(
          1,
          [
            "",
            `<details open><summary>${policy.newlySuppressed.length} finding(s) this change suppresses: check each reason</summary>`,
            "",
          ],
          policy.newlySuppressed.map(
            (f) => `- ${f.level} \`${code(f.ruleId)}\` \`${code(f.stack)}\` \`${code(f.address)}\`: ${cell(f.reason ?? "(no reason)")}`,
          ),
          ["", "</details>"],
        ),
      );
    }

    // Cost: the total in the open, the per-stack differences as a table.
    blocks.push(block(0, ["", "#### Monthly cost", "", costLine(cost)]));
    if (cost?.hasBase) {
      const rows = [...cost.stacks.values()]
        .filter((c) => Math.abs(c.delta) >= 0.005)
        .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.stack.localeCompare(y.stack));
      if (rows.length) {
        blocks.push(
          block(
            1,
            ["", "| stack | base | head | difference |", "|---|---:|---:|---:|"],
            rows.map((c) => `| \`${code(c.stack)}\` | ${usd(c.base)} | ${usd(c.head)} | ${signedUsd(c.delta)} |`),
            [],
            (n) => `| … ${n} more stack(s) | | | |`,
          ),
        );
      }
      if (cost.asOf)
        blocks.push(block(1, ["", `Prices: pricing/aws-prices.json (${cell(cost.asOf)}); usage: phases/usage.ts. A model, not a bill.`]));
    }
  }
  blocks.push(
    block(0, [
      "",
      `Plans of pull requests are not kept: plan files and their JSON hold secret values in clear; the lists above are addresses and actions only. [Run](${options.runUrl ?? ""})`,
    ]),
  );
  return fit(blocks, options.limit ?? LIMIT).trimEnd();
}

function gateLine({ gate, approved }) {
  return (
    {
      success: "passed: no stateful resource is deleted or replaced",
      failure: approved
        ? "**failed, approved** by the `allow-stateful-change` label"
        : "**failed**: a stateful resource would be deleted or replaced. Add the `allow-stateful-change` label to approve it explicitly.",
    }[gate] ?? "not run (no stack planned, or a plan failed)"
  );
}

module.exports = { prComment, withPlanLists, gateLine, groupChanges, kindOf, policyOf, costOf, fit, block, MARKER, LIMIT, GITHUB_LIMIT };
