import { Pricer } from "../context";
import { MissingPrice } from "../price-table";
import { logCharges } from "./logs";

/** NAT gateways, public IPv4 addresses, VPC endpoints, flow logs. */

const natGateway: Pricer = (r, ctx) => {
  if (r.config.connectivity_type === "private") {
    return [
      ctx.item(r, {
        service: "NAT Gateway",
        component: "private NAT gateway hours",
        quantity: ctx.hours,
        unit: "hour",
        priceKey: "vpc.natGatewayHour",
      }),
    ];
  }
  return [
    ctx.item(r, {
      service: "NAT Gateway",
      component: "NAT gateway hours",
      quantity: ctx.hours,
      unit: "hour",
      priceKey: "vpc.natGatewayHour",
    }),
    ctx.item(r, {
      service: "NAT Gateway",
      component: "data processed",
      quantity: ctx.usage.natGbPerGatewayMonth,
      unit: "GB",
      priceKey: "vpc.natGatewayGb",
    }),
  ];
};

const elasticIp: Pricer = (r, ctx) => [
  ctx.item(r, {
    service: "VPC",
    component: "public IPv4 address (Elastic IP)",
    quantity: ctx.hours,
    unit: "address-hour",
    priceKey: "vpc.publicIpv4Hour",
    why: "every public IPv4 address, the NAT gateway's Elastic IP included, bills $0.005/h since 2024-02",
  }),
];

const vpcEndpoint: Pricer = (r, ctx) => {
  const kind = String(r.config.vpc_endpoint_type ?? "Gateway");
  if (kind === "Gateway") {
    return [
      ctx.item(r, {
        service: "VPC",
        component: "gateway endpoint (no charge)",
        quantity: 0,
        unit: "endpoint",
        priceKey: "vpc.interfaceEndpointGb",
      }),
    ];
  }
  if (kind !== "Interface") throw new MissingPrice(`VPC endpoint type ${kind} is not in the price table`);
  const azs = Array.isArray(r.config.subnet_ids) ? Math.max(1, r.config.subnet_ids.length) : 1;
  return [
    ctx.item(r, {
      service: "VPC",
      component: `interface endpoint (${azs} AZs)`,
      quantity: ctx.hours * azs,
      unit: "endpoint-AZ-hour",
      priceKey: "vpc.interfaceEndpointAzHour",
    }),
    ctx.item(r, {
      service: "VPC",
      component: "interface endpoint data",
      quantity: ctx.usage.interfaceEndpointGbMonth,
      unit: "GB",
      priceKey: "vpc.interfaceEndpointGb",
    }),
  ];
};

const flowLog: Pricer = (r, ctx) => {
  const destination = String(r.config.log_destination_type ?? "cloud-watch-logs");
  if (destination !== "cloud-watch-logs") throw new MissingPrice(`flow logs to ${destination} are not in the price table`);
  return logCharges(
    r,
    ctx,
    ctx.usage.flowLogGbPerFlowLogMonth,
    `VPC flow logs (${r.config.traffic_type ?? "ALL"} traffic)`,
    "flow logs of ALL traffic are vended logs ingested into CloudWatch Logs",
  );
};

export const networkPricers: Readonly<Record<string, Pricer>> = {
  aws_nat_gateway: natGateway,
  aws_eip: elasticIp,
  aws_vpc_endpoint: vpcEndpoint,
  aws_flow_log: flowLog,
};
