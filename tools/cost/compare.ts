import { CostEstimate } from "./estimate";
import { DocumentEstimate, DocumentLine, tierOf } from "./document-estimates";
import { LineItem, round2, ServiceLine, usd } from "./line-item";

/** The model against the document's estimate: per document line, then what the document leaves out. */

export interface LineComparison {
  readonly label: string;
  readonly documentLow: number;
  readonly documentHigh: number;
  readonly modelUsd: number;
  /** Model minus the nearest end of the document's range; 0 inside it. */
  readonly differenceUsd: number;
  /** Generated from the line items: what drives the model's figure. */
  readonly reasons: readonly string[];
}

export interface Comparison {
  readonly documentLow: number;
  readonly documentHigh: number;
  readonly modelUsd: number;
  readonly lines: readonly LineComparison[];
  /** Service lines the model prices and no document line covers. */
  readonly notInDocument: readonly LineComparison[];
  /** @default - no note */
  readonly note?: string;
}

const matches = (line: DocumentLine, item: LineItem) =>
  line.services.includes(item.service) && (line.tier === undefined || line.tier === tierOf(item.stack));

function difference(model: number, low: number, high: number): number {
  return round2(model < low ? model - low : model > high ? model - high : 0);
}

/** The items' own explanations, summed per explanation, largest first; then the largest items. */
function reasonsFor(items: readonly LineItem[], limit = 4): string[] {
  const byWhy = new Map<string, number>();
  for (const i of items) if (i.why) byWhy.set(i.why, (byWhy.get(i.why) ?? 0) + i.monthlyUsd);
  // An explanation of a charge the free tier absorbs explains no difference.
  const whys = [...byWhy.entries()]
    .filter(([, sum]) => sum >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([why, sum]) => `${why} (${usd(sum)})`);
  const byComponent = new Map<string, { sum: number; count: number }>();
  for (const i of items) {
    const key = `${i.component}${i.region ? ` [${i.region}]` : ""}`;
    const prev = byComponent.get(key) ?? { sum: 0, count: 0 };
    byComponent.set(key, { sum: prev.sum + i.monthlyUsd, count: prev.count + 1 });
  }
  const sorted = [...byComponent.entries()].sort((a, b) => b[1].sum - a[1].sum);
  // Items under 50 cents are noise beside the larger ones, but a line made only of them still shows its largest.
  const largest = [...sorted.slice(0, 1), ...sorted.slice(1).filter(([, v]) => v.sum >= 0.5)]
    .slice(0, limit)
    .map(([k, v]) => `${v.count > 1 ? `${v.count} x ` : ""}${k}: ${usd(v.sum)}`);
  return [...whys, ...largest];
}

export function compareWithDocument(estimate: CostEstimate, doc: DocumentEstimate): Comparison {
  const items = estimate.byStack.flatMap((s) => s.items);
  const claimed = new Set<LineItem>();
  const lines = doc.lines.map((line): LineComparison => {
    const mine = items.filter((i) => !claimed.has(i) && matches(line, i));
    mine.forEach((i) => claimed.add(i));
    const modelUsd = round2(mine.reduce((n, i) => n + i.monthlyUsd, 0));
    const reasons = mine.length
      ? reasonsFor(mine)
      : [`no ${line.services.join("/")} resources${line.tier === "tenants" ? " in tenant stacks" : ""} in the synthesized stacks`];
    return {
      label: line.label,
      documentLow: line.low,
      documentHigh: line.high,
      modelUsd,
      differenceUsd: difference(modelUsd, line.low, line.high),
      reasons,
    };
  });
  const rest = new Map<ServiceLine, LineItem[]>();
  for (const i of items) if (!claimed.has(i)) rest.set(i.service, [...(rest.get(i.service) ?? []), i]);
  const notInDocument = [...rest.entries()]
    .map(([service, list]): LineComparison => {
      const modelUsd = round2(list.reduce((n, i) => n + i.monthlyUsd, 0));
      return { label: service, documentLow: 0, documentHigh: 0, modelUsd, differenceUsd: modelUsd, reasons: reasonsFor(list) };
    })
    .filter((l) => l.modelUsd > 0)
    .sort((a, b) => b.modelUsd - a.modelUsd);
  return { documentLow: doc.low, documentHigh: doc.high, modelUsd: estimate.totalMonthlyUsd, lines, notInDocument, note: doc.note };
}
