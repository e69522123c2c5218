import { RuleCase, stack } from "../harness";

const V = (name: string) => `aws_vpc.${name}`;
const vpc = { cidr_block: "10.0.0.0/16", lifecycle: { prevent_destroy: true } };

export const networkCases: RuleCase[] = [
  {
    rule: "RX-VPC-1",
    title: "a flow log pointing at the VPC is required",
    json: stack({ aws_vpc: { pass: vpc, fail: vpc }, aws_flow_log: { pass: { vpc_id: "${aws_vpc.pass.id}", traffic_type: "ALL" } } }),
    pass: [V("pass")],
    fail: [V("fail")],
  },
  {
    rule: "RX-VPC-2",
    title: "an empty aws_default_security_group is required",
    json: stack({
      aws_vpc: { pass: vpc, fail: vpc, fail2: vpc },
      aws_default_security_group: {
        pass: { vpc_id: "${aws_vpc.pass.id}" },
        fail2: { vpc_id: "${aws_vpc.fail2.id}", ingress: [{ protocol: "-1", from_port: 0, to_port: 0, self: true }] },
      },
    }),
    pass: [V("pass")],
    fail: [V("fail"), V("fail2")],
  },
  {
    rule: "RX-VPC-3",
    title: "subnets must not assign public IPs",
    json: stack({
      aws_subnet: {
        pass: { vpc_id: "v", map_public_ip_on_launch: false },
        pass_default: { vpc_id: "v" },
        fail: { vpc_id: "v", map_public_ip_on_launch: true },
      },
    }),
    pass: ["aws_subnet.pass", "aws_subnet.pass_default"],
    fail: ["aws_subnet.fail"],
  },
  {
    rule: "RX-SG-1",
    title: "no ingress from 0.0.0.0/0 or ::/0, whichever resource writes the rule",
    json: stack({
      aws_security_group: {
        pass: { name: "alb", ingress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["173.245.48.0/20"] }] },
        fail: { name: "open", ingress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] }] },
      },
      aws_vpc_security_group_ingress_rule: {
        pass: {
          security_group_id: "sg",
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          referenced_security_group_id: "${aws_security_group.app.id}",
        },
        fail: { security_group_id: "sg", ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "0.0.0.0/0" },
        fail_v6: { security_group_id: "sg", ip_protocol: "tcp", from_port: 80, to_port: 80, cidr_ipv6: "::/0" },
      },
      aws_security_group_rule: {
        pass_egress: { type: "egress", security_group_id: "sg", protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] },
        fail: { type: "ingress", security_group_id: "sg", protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] },
      },
    }),
    pass: ["aws_security_group.pass", "aws_vpc_security_group_ingress_rule.pass", "aws_security_group_rule.pass_egress"],
    fail: [
      "aws_security_group.fail",
      "aws_vpc_security_group_ingress_rule.fail",
      "aws_vpc_security_group_ingress_rule.fail_v6",
      "aws_security_group_rule.fail",
    ],
  },
  {
    rule: "RX-SG-2",
    title: "no all-traffic egress to the internet; single ports are fine",
    json: stack({
      aws_security_group: {
        pass: { name: "app", egress: [{ protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["0.0.0.0/0"] }] },
        fail: {
          name: "default-like",
          egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] }],
        },
      },
      aws_vpc_security_group_egress_rule: {
        pass: { security_group_id: "sg", ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" },
        pass_internal: { security_group_id: "sg", ip_protocol: "-1", cidr_ipv4: "10.0.0.0/16" },
        fail: { security_group_id: "sg", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" },
        fail_ports: { security_group_id: "sg", ip_protocol: "tcp", from_port: 0, to_port: 65535, cidr_ipv6: "::/0" },
      },
    }),
    pass: ["aws_security_group.pass", "aws_vpc_security_group_egress_rule.pass", "aws_vpc_security_group_egress_rule.pass_internal"],
    fail: ["aws_security_group.fail", "aws_vpc_security_group_egress_rule.fail", "aws_vpc_security_group_egress_rule.fail_ports"],
  },
];
