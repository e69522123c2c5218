import { Settings } from "../../config/settings";
import { UsageAssumptions, usageFor } from "../../phases/usage";
import { dependencyOrder, SynthStack } from "../synth";
import { Pricer, PricingContext, Resource, regionOf } from "./context";
import { isFreeType } from "./free-types";
import { LineItem, NotPriced, round2, ServiceLine } from "./line-item";
import { loadPriceTable, MissingPrice, PriceTable } from "./price-table";
import { appRunnerPricers } from "./pricers/apprunner";
import { auditPricers } from "./pricers/audit";
import { databasePricers } from "./pricers/database";
import { dynamodbPricers } from "./pricers/dynamodb";
import { fargatePricers } from "./pricers/fargate";
import { functionPricers } from "./pricers/functions";
import { networkPricers } from "./pricers/network";
import { observabilityPricers } from "./pricers/observability";
import { securityPricers } from "./pricers/security";
import { storagePricers } from "./pricers/storage";

/** Every resource type the model prices, by type. */
const PRICERS: Readonly<Record<string, Pricer>> = {
  ...appRunnerPricers,
  ...auditPricers,
  ...functionPricers,
  ...databasePricers,
  ...dynamodbPricers,
  ...fargatePricers,
  ...networkPricers,
  ...observabilityPricers,
  ...securityPricers,
  ...storagePricers,
};

export interface StackCost {
  readonly stack: string;
  readonly totalMonthlyUsd: number;
  readonly byService: Partial<Record<ServiceLine, number>>;
  readonly items: readonly LineItem[];
}

/** Resources of providers other than AWS: outside an AWS estimate, counted so nothing is hidden. */
export interface OtherProvider {
  readonly stack: string;
  readonly provider: string;
  readonly type: string;
  readonly count: number;
}

export interface CostEstimate {
  readonly currency: "USD";
  readonly totalMonthlyUsd: number;
  readonly byStack: readonly StackCost[];
  readonly byService: Partial<Record<ServiceLine, number>>;
  /** AWS resources that cost money the model cannot price: unknown type, or a figure missing. */
  readonly notPriced: readonly NotPriced[];
  readonly otherProviders: readonly OtherProvider[];
  /** Resources counted at $0 (configuration, identity, networking objects), by type. */
  readonly freeResources: Readonly<Record<string, number>>;
}

export interface EstimateOptions {
  /** @default - the phase's usage assumptions (usageFor) */
  readonly usage?: UsageAssumptions;
  /** @default - pricing/aws-prices.json (loadPriceTable) */
  readonly prices?: PriceTable;
}

function sumByService(items: readonly LineItem[]): Partial<Record<ServiceLine, number>> {
  const out: Partial<Record<ServiceLine, number>> = {};
  for (const i of items) out[i.service] = round2((out[i.service] ?? 0) + i.monthlyUsd);
  return out;
}

/**
 * The monthly AWS cost of synthesized stacks, read from their JSON: each resource is priced by its
 * type with the price table and the phase's usage assumptions. Stacks are walked in dependency
 * order so the account-wide free tiers are used up in a stable order.
 */
export function estimateMonthlyCost(
  stacks: readonly SynthStack[],
  settings: Pick<Settings, "phase">,
  options: EstimateOptions = {},
): CostEstimate {
  const ctx = new PricingContext(options.prices ?? loadPriceTable(), options.usage ?? usageFor(settings.phase.phase), stacks);
  const byStack: StackCost[] = [];
  const notPriced: NotPriced[] = [];
  const otherProviders: OtherProvider[] = [];
  const freeResources: Record<string, number> = {};
  for (const stack of dependencyOrder(stacks)) {
    const items: LineItem[] = [];
    for (const [type, byName] of Object.entries(stack.json.resource ?? {})) {
      if (!type.startsWith("aws_")) {
        otherProviders.push({ stack: stack.name, provider: type.slice(0, type.indexOf("_")), type, count: Object.keys(byName).length });
        continue;
      }
      for (const [name, config] of Object.entries(byName)) {
        const address = `${type}.${name}`;
        const pricer = PRICERS[type];
        if (!pricer) {
          if (isFreeType(type)) freeResources[type] = (freeResources[type] ?? 0) + 1;
          else notPriced.push({ stack: stack.name, address, type, reason: "no pricer for this resource type" });
          continue;
        }
        const region = regionOf(stack, config);
        if (!region) {
          notPriced.push({
            stack: stack.name,
            address,
            type,
            reason: `region of provider ${String(config.provider ?? "aws")} not found in the stack`,
          });
          continue;
        }
        const resource: Resource = { stack, type, name, config, region, address };
        try {
          items.push(...pricer(resource, ctx));
        } catch (e) {
          if (!(e instanceof MissingPrice)) throw e;
          notPriced.push({ stack: stack.name, address, type, reason: e.message });
        }
      }
    }
    byStack.push({
      stack: stack.name,
      totalMonthlyUsd: round2(items.reduce((n, i) => n + i.monthlyUsd, 0)),
      byService: sumByService(items),
      items,
    });
  }
  const all = byStack.flatMap((s) => s.items);
  return {
    currency: "USD",
    totalMonthlyUsd: round2(byStack.reduce((n, s) => n + s.totalMonthlyUsd, 0)),
    byStack,
    byService: sumByService(all),
    notPriced,
    otherProviders,
    freeResources,
  };
}
