import { Pricer } from "../context";
import { LineItem } from "../line-item";

/**
 * DynamoDB tables, global tables included: every write is replicated to each replica region and
 * billed there again; reads are spread evenly over the regions; each region stores a full copy.
 */
const table: Pricer = (r, ctx) => {
  const c = r.config;
  const replicaRegions = (Array.isArray(c.replica) ? (c.replica as any[]) : []).map((rep) => String(rep.region_name));
  const regions = [r.region, ...replicaRegions];
  const { writesPerMonth, readsPerMonth, storedGb } = ctx.usage.dynamodb;
  const items: LineItem[] = [];
  const onDemand = c.billing_mode === "PAY_PER_REQUEST";
  for (const region of regions) {
    const home = region === r.region;
    if (onDemand) {
      items.push(
        ctx.item(r, {
          service: "DynamoDB",
          component: `${home ? "writes" : "replicated writes"} (on-demand) in ${region}`,
          quantity: writesPerMonth / 1e6,
          unit: "million WRU",
          priceKey: "dynamodb.onDemandWriteMillion",
          region,
          why: home ? undefined : "a global table bills every write again in each replica region",
        }),
        ctx.item(r, {
          service: "DynamoDB",
          component: `reads (on-demand, 1/${regions.length} of all) in ${region}`,
          quantity: readsPerMonth / regions.length / 1e6,
          unit: "million RRU",
          priceKey: "dynamodb.onDemandReadMillion",
          region,
        }),
      );
    } else {
      items.push(
        ctx.item(r, {
          service: "DynamoDB",
          component: `provisioned writes in ${region}`,
          quantity: Number(c.write_capacity ?? 0) * ctx.hours,
          unit: "WCU-hour",
          priceKey: "dynamodb.provisionedWcuHour",
          region,
        }),
        ctx.item(r, {
          service: "DynamoDB",
          component: `provisioned reads in ${region}`,
          quantity: Number(c.read_capacity ?? 0) * ctx.hours,
          unit: "RCU-hour",
          priceKey: "dynamodb.provisionedRcuHour",
          region,
        }),
      );
    }
    items.push(
      ctx.item(r, {
        service: "DynamoDB",
        component: `storage in ${region}`,
        quantity: storedGb,
        unit: "GB-month",
        priceKey: "dynamodb.storageGbMonth",
        region,
      }),
    );
  }
  return items;
};

export const dynamodbPricers: Readonly<Record<string, Pricer>> = {
  aws_dynamodb_table: table,
};
