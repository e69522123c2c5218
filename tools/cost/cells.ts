import { UsageAssumptions } from "../../phases/usage";
import { CostEstimate } from "./estimate";
import { round2, usd } from "./line-item";
import { PriceTable, unitPrice } from "./price-table";

/**
 * Cells per gateway ALB: a gateway holds a target group and a host-header listener rule per cell,
 * and AWS allows 100 of each per ALB (target groups per ALB, rules per listener by default); 90
 * leaves room for the default and maintenance rules. A region's 91st cell adds a gateway.
 */
export const CELLS_PER_GATEWAY = 90;

/** What one more cell costs a month, by kind, and what a region's gateway costs (Fargate). */
export interface CellCosts {
  readonly kinds: readonly { readonly kind: "tenant" | "shard"; readonly count: number; readonly averageUsd: number }[];
  /**
   * One gateway ALB of the primary region (hours, its base LCUs, its public IPv4 addresses); absent on App Runner.
   * @default - absent on App Runner
   */
  readonly gateway?: { readonly region: string; readonly monthlyUsd: number; readonly perCellUsd: number };
}

/**
 * Reads what a cell adds from the estimate: the stacks of the cells of a kind (tenant-<id>,
 * shard-<id>: database, service, secrets, alarms, and on Fargate the capacity units its traffic
 * adds to the gateway) divided by the number of cells. On Fargate every CELLS_PER_GATEWAY cells of
 * a region also add a gateway ALB, whose monthly price is worked out from the price table.
 */
export function cellCosts(
  estimate: CostEstimate,
  counts: { readonly tenant: number; readonly shard: number },
  engine: string,
  prices: PriceTable,
  usage: UsageAssumptions,
  region: string,
): CellCosts {
  const kinds = (["tenant", "shard"] as const)
    .filter((kind) => counts[kind] > 0)
    .map((kind) => {
      const total = estimate.byStack.filter((s) => s.stack.startsWith(`${kind}-`)).reduce((n, s) => n + s.totalMonthlyUsd, 0);
      return { kind, count: counts[kind], averageUsd: round2(total / counts[kind]) };
    });
  if (engine !== "fargate") return { kinds };
  const hours = usage.hoursPerMonth;
  // Two AZs, so two public IPv4 addresses (internet-facing: Cloudflare reaches it).
  const monthly = round2(
    hours * unitPrice(prices, "elb.albHour", region) +
      hours * usage.fargate.averageLcu * unitPrice(prices, "elb.albLcuHour", region) +
      hours * 2 * unitPrice(prices, "vpc.publicIpv4Hour", region),
  );
  return { kinds, gateway: { region, monthlyUsd: monthly, perCellUsd: round2(monthly / CELLS_PER_GATEWAY) } };
}

/** One line per kind, then the gateway's: for the terminal table and the markdown. */
export function cellLines(c: CellCosts): string[] {
  const lines = c.kinds.map(
    (k) =>
      `A ${k.kind} cell adds ${usd(k.averageUsd)}/month (the average of ${k.count}: its database, service, secrets and alarms${c.gateway ? ", and the capacity units its traffic adds to the gateway" : ""}).`,
  );
  if (c.gateway && c.kinds.length > 0) {
    lines.push(
      `Every ${CELLS_PER_GATEWAY} cells of a region add a gateway ALB: ${usd(c.gateway.monthlyUsd)}/month in ${c.gateway.region} (hours, base capacity units, 2 public IPv4 addresses), ${usd(c.gateway.perCellUsd)} per cell when full.`,
    );
  }
  return lines;
}
