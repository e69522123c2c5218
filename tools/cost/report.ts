import { PhaseNumber } from "../../phases/types";
import { table } from "../../lib/table";
import { CellCosts, cellLines } from "./cells";
import { compareWithDocument, Comparison, LineComparison } from "./compare";
import { DOCUMENT_ESTIMATES } from "./document-estimates";
import { CostEstimate } from "./estimate";
import { round2, usd } from "./line-item";
import { priceProvenance } from "./price-list";
import { PriceTable } from "./price-table";

/** The estimate of one phase with its comparison, and its renderings: json, terminal table, markdown. */

export interface CostReport {
  readonly phase: PhaseNumber;
  readonly compute: string;
  readonly estimate: CostEstimate;
  readonly comparison: Comparison;
  /** Months of the AWS price lists the table's figures come from. */
  readonly priceListAsOf: readonly string[];
  /** What one more tenant or shard costs, and (Fargate) a region's gateway. @default - absent: not asked for */
  readonly cells?: CellCosts;
  /** Where the figures come from: the date of the last `--refresh-prices`, and what is still recalled. */
  readonly priceProvenance: string;
  /** @default - absent: the table was never refreshed from the price list (its figures are recalled) */
  readonly pricesRefreshed?: string;
}

/** An engine a phase could not be priced on (synth refused the layout): shown, not hidden. */
export interface UnavailableEngine {
  readonly phase: PhaseNumber;
  readonly compute: string;
  readonly reason: string;
}

/** The problem lines of a configuration error ("  - compute: got ..."), else its first line. */
const reasonOf = (message: string): string => {
  const problems = message
    .split("\n")
    .filter((l) => /^\s*- /.test(l))
    .map((l) => l.replace(/^\s*- /, ""));
  return problems.length ? problems.join("; ") : message.split("\n")[0];
};

export function costReport(phase: PhaseNumber, compute: string, estimate: CostEstimate, prices: PriceTable, cells?: CellCosts): CostReport {
  const asOf = [...new Set(Object.values(prices.prices).map((p) => p.asOf))].sort();
  return {
    phase,
    compute,
    estimate,
    comparison: compareWithDocument(estimate, DOCUMENT_ESTIMATES[phase]),
    priceListAsOf: asOf,
    priceProvenance: priceProvenance(prices),
    pricesRefreshed: (prices as { refreshed?: string }).refreshed,
    ...(cells ? { cells } : {}),
  };
}

/** The machine-readable shape of `npm run cost -- --format json`. */
export function costJson(r: CostReport): Record<string, unknown> {
  const e = r.estimate;
  return {
    phase: r.phase,
    compute: r.compute,
    currency: e.currency,
    totalMonthlyUsd: e.totalMonthlyUsd,
    priceTable: { file: "pricing/aws-prices.json", asOf: r.priceListAsOf, refreshed: r.pricesRefreshed ?? null },
    usage: `phases/usage.ts (phase ${r.phase})`,
    byStack: e.byStack,
    byService: e.byService,
    document: r.comparison,
    ...(r.cells ? { cells: r.cells } : {}),
    notPriced: e.notPriced,
    otherProviders: e.otherProviders,
    freeResources: e.freeResources,
  };
}

const range = (low: number, high: number) => (low === high ? usd(low) : `${usd(low)}-${usd(high)}`);
const signed = (n: number) => (n === 0 ? "within" : `${n > 0 ? "+" : "-"}${usd(Math.abs(n))}`);

function comparisonRows(c: Comparison): string[][] {
  const rows = c.lines.map((l) => [l.label, range(l.documentLow, l.documentHigh), usd(l.modelUsd), signed(l.differenceUsd)]);
  for (const l of c.notInDocument) rows.push([`not in the document: ${l.label}`, "-", usd(l.modelUsd), signed(l.differenceUsd)]);
  const total = round2(
    c.modelUsd - (c.modelUsd < c.documentLow ? c.documentLow : c.modelUsd > c.documentHigh ? c.documentHigh : c.modelUsd),
  );
  rows.push(["total", range(c.documentLow, c.documentHigh), usd(c.modelUsd), signed(total)]);
  return rows;
}

function whyLines(c: Comparison, bullet: string, indent: string): string[] {
  const explain = (l: LineComparison, head: string) => [head, ...l.reasons.map((reason) => `${indent}${reason}`)];
  const out: string[] = [];
  for (const l of c.lines) {
    if (l.differenceUsd === 0) continue;
    out.push(
      ...explain(
        l,
        `${bullet}${l.label}: model ${usd(l.modelUsd)} vs document ${range(l.documentLow, l.documentHigh)} (${signed(l.differenceUsd)})`,
      ),
    );
  }
  for (const l of c.notInDocument) out.push(...explain(l, `${bullet}${l.label}: ${usd(l.modelUsd)}, a charge the document does not list`));
  if (c.note) out.push(`${bullet}Note: ${c.note}`);
  return out;
}

function headline(r: CostReport): string {
  return `AWS cost estimate, phase ${r.phase} (${r.compute}): ${usd(r.estimate.totalMonthlyUsd)}/month; the design document says ${range(r.comparison.documentLow, r.comparison.documentHigh)}`;
}

const sources = (r: CostReport) => `Prices: pricing/aws-prices.json (${r.priceProvenance}). Usage: phases/usage.ts, phase ${r.phase}.`;

export function costTable(r: CostReport, showItems = false): string {
  const e = r.estimate;
  const out: string[] = [headline(r), sources(r), ""];
  const stackRows = e.byStack.map((s) => {
    const top = Object.entries(s.byService)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([k, v]) => `${k} ${usd(v)}`)
      .join(", ");
    return [s.stack, usd(s.totalMonthlyUsd), top];
  });
  out.push(
    table(["stack", "monthly", "largest service lines"], [...stackRows, ["total", usd(e.totalMonthlyUsd), ""]], [false, true, false]),
    "",
  );
  const serviceRows = Object.entries(e.byService)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, usd(v)]);
  out.push(table(["service line", "monthly"], serviceRows, [false, true]), "");
  out.push(table(["document line", "document", "model", "difference"], comparisonRows(r.comparison), [false, true, true, true]), "");
  out.push("Why it differs", ...whyLines(r.comparison, "- ", "    "), "");
  if (r.cells) out.push(...cellLines(r.cells), "");
  if (showItems) {
    const rows = e.byStack.flatMap((s) =>
      s.items.map((i) => [
        s.stack,
        i.service,
        `${i.name}: ${i.component}`,
        i.region,
        `${Number(i.quantity.toFixed(3))} ${i.unit}`,
        `$${Number(i.unitPriceUsd.toPrecision(4))}`,
        usd(i.monthlyUsd),
      ]),
    );
    out.push(
      table(["stack", "service", "item", "region", "quantity", "unit price", "monthly"], rows, [
        false,
        false,
        false,
        false,
        true,
        true,
        true,
      ]),
      "",
    );
  }
  out.push(...tail(r, "- "));
  return out.join("\n").trimEnd();
}

function tail(r: CostReport, bullet: string): string[] {
  const e = r.estimate;
  const out: string[] = [];
  out.push(
    e.notPriced.length
      ? `Not priced (${e.notPriced.length}):`
      : "Not priced: none (every AWS resource has a price or is free configuration).",
  );
  // One line per type and reason: forty tenant stacks with the same unpriced resource are one finding.
  const groups = new Map<string, string[]>();
  for (const n of e.notPriced)
    groups.set(`${n.type}: ${n.reason}`, [...(groups.get(`${n.type}: ${n.reason}`) ?? []), `${n.stack}/${n.address}`]);
  for (const [what, where] of groups) {
    out.push(`${bullet}${what} (${where.length}: ${where.slice(0, 3).join(", ")}${where.length > 3 ? ", ..." : ""})`);
  }
  if (e.otherProviders.length) {
    const byProvider = new Map<string, number>();
    for (const o of e.otherProviders) byProvider.set(o.provider, (byProvider.get(o.provider) ?? 0) + o.count);
    out.push(
      `Outside the AWS estimate: ${[...byProvider.entries()].map(([p, n]) => `${n} ${p} resource(s)`).join(", ")} (plans billed by those providers).`,
    );
  }
  return out;
}

/**
 * Every phase with every engine priced, side by side with the document: one row per phase, the
 * engines in the order given (the default engine first), then the default engine's difference.
 */
export function sideBySideRows(
  reports: readonly CostReport[],
  unavailable: readonly UnavailableEngine[] = [],
): { header: string[]; rows: string[][] } {
  const engines = [...new Set([...reports.map((r) => r.compute), ...unavailable.map((u) => u.compute)])];
  const phases = [...new Set(reports.map((r) => r.phase))].sort();
  const rows = phases.map((phase) => {
    const of = (engine: string) => reports.find((r) => r.phase === phase && r.compute === engine);
    const first = reports.find((r) => r.phase === phase)!;
    const c = first.comparison;
    const cells = engines.map((engine) => {
      const r = of(engine);
      if (r) return usd(r.comparison.modelUsd);
      return unavailable.find((u) => u.phase === phase && u.compute === engine) ? "not synthesized" : "-";
    });
    return [String(phase), range(c.documentLow, c.documentHigh), ...cells, `${comparisonRows(c).at(-1)![3]} (${first.compute})`];
  });
  return { header: ["phase", "document", ...engines, "difference"], rows };
}

/** The terminal form of `npm run cost -- --all`: the side-by-side table, then each engine's detail. */
export function costTableAll(reports: readonly CostReport[], unavailable: readonly UnavailableEngine[] = [], showItems = false): string {
  const { header, rows } = sideBySideRows(reports, unavailable);
  const out = [
    "Every phase, each engine beside the design document (monthly):",
    table(
      header,
      rows,
      header.map((_, i) => i > 0),
    ),
    "",
  ];
  for (const u of unavailable) out.push(`Phase ${u.phase} on ${u.compute}: not synthesized (${reasonOf(u.reason)})`);
  if (unavailable.length) out.push("");
  out.push(reports.map((r) => costTable(r, showItems)).join("\n\n"));
  return out.join("\n");
}

/** docs/cost-vs-document.md: every phase, every engine beside the document, the comparison and the reasons, generated. */
export function costMarkdown(reports: readonly CostReport[], unavailable: readonly UnavailableEngine[] = []): string {
  const { header, rows } = sideBySideRows(reports, unavailable);
  const out: string[] = [
    "# AWS cost: the synthesized stacks against the design document",
    "",
    "Generated by `npm run cost -- --all --format markdown --out docs/cost-vs-document.md`; do not edit by hand.",
    "Each figure is priced from the synthesized Terraform JSON with `pricing/aws-prices.json` (AWS on-demand list",
    reports.some((r) => r.pricesRefreshed)
      ? `prices; ${reports[0].priceProvenance}; see that file's \`about\`) and the usage assumptions of \`phases/usage.ts\`.`
      : "prices, from memory, not fetched: see that file's `about`) and the usage assumptions of `phases/usage.ts`.",
    "Each phase is priced on every engine; the first is the default engine, whose detail follows.",
    "",
    `| ${header.join(" | ")} |`,
    `|---|${header
      .slice(1)
      .map(() => "---:")
      .join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    ...unavailable.map((u) => `- Phase ${u.phase} on ${u.compute}: not synthesized: ${reasonOf(u.reason)}`),
    ...(unavailable.length ? [""] : []),
  ];
  const phases = [...new Set(reports.map((r) => r.phase))];
  for (const phase of phases) {
    const same = reports.filter((r) => r.phase === phase);
    const r = same[0];
    out.push(`## Phase ${r.phase}`, "", headline(r) + ".", "");
    if (same.length > 1) {
      const lines = [...new Set(same.flatMap((x) => Object.keys(x.estimate.byService)))].sort(
        (a, b) =>
          (same[0].estimate.byService[b as keyof CostEstimate["byService"]] ?? 0) -
          (same[0].estimate.byService[a as keyof CostEstimate["byService"]] ?? 0),
      );
      out.push(`| service line | ${same.map((x) => x.compute).join(" | ")} |`, `|---|${same.map(() => "---:").join("|")}|`);
      for (const line of lines)
        out.push(`| ${line} | ${same.map((x) => usd(x.estimate.byService[line as keyof CostEstimate["byService"]] ?? 0)).join(" | ")} |`);
      out.push(`| total | ${same.map((x) => usd(x.estimate.totalMonthlyUsd)).join(" | ")} |`, "");
      for (const x of same) if (x.cells) out.push(...cellLines(x.cells).map((l) => `- ${x.compute}: ${l}`));
      if (same.some((x) => x.cells?.kinds.length || x.cells?.gateway)) out.push("");
    } else if (r.cells) {
      out.push(...cellLines(r.cells).map((l) => `- ${l}`), "");
    }
    out.push(
      `The default engine (${r.compute}) against the document:`,
      "",
      "| document line | document | model | difference |",
      "|---|---:|---:|---:|",
    );
    for (const row of comparisonRows(r.comparison)) out.push(`| ${row.join(" | ")} |`);
    out.push("", "Why it differs:", "", ...whyLines(r.comparison, "- ", "  - "), "", ...tail(r, "- "), "");
  }
  return out.join("\n");
}
