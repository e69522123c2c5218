import { PhaseNumber } from "../../phases/types";
import { table } from "../../lib/table";
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
  /** Where the figures come from: the date of the last `--refresh-prices`, and what is still recalled. */
  readonly priceProvenance: string;
  readonly pricesRefreshed?: string;
}

export function costReport(phase: PhaseNumber, compute: string, estimate: CostEstimate, prices: PriceTable): CostReport {
  const asOf = [...new Set(Object.values(prices.prices).map((p) => p.asOf))].sort();
  return { phase, compute, estimate, comparison: compareWithDocument(estimate, DOCUMENT_ESTIMATES[phase]), priceListAsOf: asOf, priceProvenance: priceProvenance(prices), pricesRefreshed: (prices as { refreshed?: string }).refreshed };
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
  const total = round2(c.modelUsd - (c.modelUsd < c.documentLow ? c.documentLow : c.modelUsd > c.documentHigh ? c.documentHigh : c.modelUsd));
  rows.push(["total", range(c.documentLow, c.documentHigh), usd(c.modelUsd), signed(total)]);
  return rows;
}

function whyLines(c: Comparison, bullet: string, indent: string): string[] {
  const explain = (l: LineComparison, head: string) => [head, ...l.reasons.map((reason) => `${indent}${reason}`)];
  const out: string[] = [];
  for (const l of c.lines) {
    if (l.differenceUsd === 0) continue;
    out.push(...explain(l, `${bullet}${l.label}: model ${usd(l.modelUsd)} vs document ${range(l.documentLow, l.documentHigh)} (${signed(l.differenceUsd)})`));
  }
  for (const l of c.notInDocument) out.push(...explain(l, `${bullet}${l.label}: ${usd(l.modelUsd)}, a charge the document does not list`));
  if (c.note) out.push(`${bullet}Note: ${c.note}`);
  return out;
}

function headline(r: CostReport): string {
  return `AWS cost estimate, phase ${r.phase} (${r.compute}): ${usd(r.estimate.totalMonthlyUsd)}/month; the design document says ${range(r.comparison.documentLow, r.comparison.documentHigh)}`;
}

const sources = (r: CostReport) =>
  `Prices: pricing/aws-prices.json (${r.priceProvenance}). Usage: phases/usage.ts, phase ${r.phase}.`;

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
  out.push(table(["stack", "monthly", "largest service lines"], [...stackRows, ["total", usd(e.totalMonthlyUsd), ""]], [false, true, false]), "");
  const serviceRows = Object.entries(e.byService)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, usd(v)]);
  out.push(table(["service line", "monthly"], serviceRows, [false, true]), "");
  out.push(table(["document line", "document", "model", "difference"], comparisonRows(r.comparison), [false, true, true, true]), "");
  out.push("Why it differs", ...whyLines(r.comparison, "- ", "    "), "");
  if (showItems) {
    const rows = e.byStack.flatMap((s) =>
      s.items.map((i) => [s.stack, i.service, `${i.name}: ${i.component}`, i.region, `${Number(i.quantity.toFixed(3))} ${i.unit}`, `$${Number(i.unitPriceUsd.toPrecision(4))}`, usd(i.monthlyUsd)]),
    );
    out.push(table(["stack", "service", "item", "region", "quantity", "unit price", "monthly"], rows, [false, false, false, false, true, true, true]), "");
  }
  out.push(...tail(r, "- "));
  return out.join("\n").trimEnd();
}

function tail(r: CostReport, bullet: string): string[] {
  const e = r.estimate;
  const out: string[] = [];
  out.push(e.notPriced.length ? `Not priced (${e.notPriced.length}):` : "Not priced: none (every AWS resource has a price or is free configuration).");
  // One line per type and reason: forty tenant stacks with the same unpriced resource are one finding.
  const groups = new Map<string, string[]>();
  for (const n of e.notPriced) groups.set(`${n.type}: ${n.reason}`, [...(groups.get(`${n.type}: ${n.reason}`) ?? []), `${n.stack}/${n.address}`]);
  for (const [what, where] of groups) {
    out.push(`${bullet}${what} (${where.length}: ${where.slice(0, 3).join(", ")}${where.length > 3 ? ", ..." : ""})`);
  }
  if (e.otherProviders.length) {
    const byProvider = new Map<string, number>();
    for (const o of e.otherProviders) byProvider.set(o.provider, (byProvider.get(o.provider) ?? 0) + o.count);
    out.push(`Outside the AWS estimate: ${[...byProvider.entries()].map(([p, n]) => `${n} ${p} resource(s)`).join(", ")} (plans billed by those providers).`);
  }
  return out;
}

/** docs/cost-vs-document.md: every phase, the comparison and the reasons, generated. */
export function costMarkdown(reports: readonly CostReport[]): string {
  const out: string[] = [
    "# AWS cost: the synthesized stacks against the design document",
    "",
    "Generated by `npm run cost -- --all --format markdown --out docs/cost-vs-document.md`; do not edit by hand.",
    "Each figure is priced from the synthesized Terraform JSON with `pricing/aws-prices.json` (AWS on-demand list",
    reports.some((r) => r.pricesRefreshed)
      ? `prices; ${reports[0].priceProvenance}; see that file's \`about\`) and the usage assumptions of \`phases/usage.ts\`.`
      : "prices, from memory, not fetched: see that file's `about`) and the usage assumptions of `phases/usage.ts`.",
    "",
    "| phase | document | model | difference |",
    "|---|---:|---:|---:|",
    ...reports.map((r) => {
      const c = r.comparison;
      const d = comparisonRows(c).at(-1)!;
      return `| ${r.phase} (${r.compute}) | ${range(c.documentLow, c.documentHigh)} | ${usd(c.modelUsd)} | ${d[3]} |`;
    }),
    "",
  ];
  for (const r of reports) {
    out.push(`## Phase ${r.phase}`, "", headline(r) + ".", "", "| document line | document | model | difference |", "|---|---:|---:|---:|");
    for (const row of comparisonRows(r.comparison)) out.push(`| ${row.join(" | ")} |`);
    out.push("", "Why it differs:", "", ...whyLines(r.comparison, "- ", "  - "), "", ...tail(r, "- "), "");
  }
  return out.join("\n");
}
