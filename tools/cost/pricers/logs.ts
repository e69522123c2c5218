import { PricingContext, Resource } from "../context";
import { LineItem } from "../line-item";

/**
 * CloudWatch Logs charges of `gbPerMonth` written by `r`: ingestion, and the archive it builds up
 * at steady state. Priced on the writer (flow log, service, database), never on the log group, so a
 * log group is counted once however many writers it has.
 */
export function logCharges(r: Resource, ctx: PricingContext, gbPerMonth: number, what: string, why?: string): LineItem[] {
  const { monthsRetained, compressedRatio } = ctx.usage.logStorage;
  return [
    ctx.item(r, {
      service: "CloudWatch",
      component: `${what}: log ingestion`,
      quantity: gbPerMonth,
      unit: "GB",
      priceKey: "cloudwatch.logsIngestGb",
      freeTier: "cloudwatch.logsGb",
      why,
    }),
    ctx.item(r, {
      service: "CloudWatch",
      component: `${what}: log archive (${monthsRetained} months x ${compressedRatio} compressed)`,
      quantity: gbPerMonth * monthsRetained * compressedRatio,
      unit: "GB-month",
      priceKey: "cloudwatch.logsStoreGbMonth",
    }),
  ];
}
