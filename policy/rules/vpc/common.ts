import { blocks, num, strings } from "../../json";
import { ResourceView } from "../../types";

export const ANYWHERE = ["0.0.0.0/0", "::/0"];

/** One rule of a security group in a single shape, from inline blocks or any of the rule resources. */
export interface SgRule {
  readonly direction: "ingress" | "egress";
  readonly protocol: string;
  /** @default - none: the resource gives no port (all traffic, protocol -1) */
  readonly fromPort?: number;
  /** @default - none: the resource gives no port (all traffic, protocol -1) */
  readonly toPort?: number;
  readonly cidrs: readonly string[];
}

export function sgRules(r: ResourceView): SgRule[] {
  const c = r.config;
  const one = (direction: SgRule["direction"], x: Record<string, any>, cidrs: string[]): SgRule => ({
    direction,
    protocol: String(x.protocol ?? x.ip_protocol ?? ""),
    fromPort: num(x.from_port),
    toPort: num(x.to_port),
    cidrs,
  });
  switch (r.type) {
    case "aws_security_group":
      return [
        ...blocks(c.ingress).map((b) => one("ingress", b, [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)])),
        ...blocks(c.egress).map((b) => one("egress", b, [...strings(b.cidr_blocks), ...strings(b.ipv6_cidr_blocks)])),
      ];
    case "aws_security_group_rule":
      return [one(c.type === "egress" ? "egress" : "ingress", c, [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)])];
    case "aws_vpc_security_group_ingress_rule":
      return [one("ingress", c, [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)])];
    case "aws_vpc_security_group_egress_rule":
      return [one("egress", c, [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)])];
    default:
      return [];
  }
}

export const SG_TYPES = [
  "aws_security_group",
  "aws_security_group_rule",
  "aws_vpc_security_group_ingress_rule",
  "aws_vpc_security_group_egress_rule",
];

export const portText = (r: SgRule): string =>
  r.protocol === "-1" || r.protocol === "all"
    ? "all traffic"
    : r.fromPort === r.toPort
      ? `${r.protocol} ${r.fromPort}`
      : `${r.protocol} ${r.fromPort}-${r.toPort}`;
