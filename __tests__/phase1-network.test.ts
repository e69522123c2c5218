import { ApprunnerVpcConnector } from "@cdktf/provider-aws/lib/apprunner-vpc-connector";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { resources, stack, synth, text } from "./helpers";

const network = stack(synth({ phase: 1 }), "network");

function groupId(name: string): string {
  const [logical] = resources(network, "aws_security_group").find(([, g]) => g.name === name)!;
  return `\${aws_security_group.${logical}.id}`;
}

const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

function rules(type: "ingress" | "egress", groupName: string): Record<string, any>[] {
  return resources(network, `aws_vpc_security_group_${type}_rule`)
    .map(([, r]) => r)
    .filter((r) => r.security_group_id === groupId(groupName));
}

describe("phase 1 network (the document's VPC section)", () => {
  test("VPC restartix-prod 10.0.0.0/16 with DNS, protected", () => {
    expect(text(network)).toHaveResourceWithProperties(Vpc, {
      cidr_block: "10.0.0.0/16",
      enable_dns_hostnames: true,
      enable_dns_support: true,
      tags: { Name: "restartix-prod" },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("2 public + 2 private subnets in the 2 configured AZs, computed from the VPC CIDR, no public IPs", () => {
    const subnets = resources(network, "aws_subnet").map(([, s]) => s);
    const byTier = (tier: string) => subnets.filter((s) => s.tags.tier === tier).map((s) => [s.availability_zone, s.cidr_block]);
    expect(byTier("public")).toEqual([
      ["eu-central-1a", "10.0.0.0/20"],
      ["eu-central-1b", "10.0.16.0/20"],
    ]);
    expect(byTier("private")).toEqual([
      ["eu-central-1a", "10.0.128.0/20"],
      ["eu-central-1b", "10.0.144.0/20"],
    ]);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  test("one NAT gateway, in a public subnet; both private route tables use it", () => {
    expect(resources(network, "aws_nat_gateway")).toHaveLength(1);
    expect(text(network)).toHaveResourceWithProperties(NatGateway, { tags: { Name: "restartix-prod-eu-central-1a" } });
    const privateRts = resources(network, "aws_route_table").filter(([, rt]) => rt.tags.Name.includes("private"));
    expect(privateRts).toHaveLength(2);
    for (const [, rt] of privateRts) expect(rt.route[0].nat_gateway_id).toMatch(/^\$\{aws_nat_gateway\./);
  });

  test("S3 gateway endpoint on the private route tables", () => {
    expect(text(network)).toHaveResourceWithProperties(VpcEndpoint, {
      service_name: "com.amazonaws.eu-central-1.s3",
      vpc_endpoint_type: "Gateway",
    });
  });

  test("default security group closed and VPC flow logs on", () => {
    const dsg = resources(network, "aws_default_security_group")[0][1];
    expect(dsg.ingress).toBeUndefined();
    expect(dsg.egress).toBeUndefined();
    expect(text(network)).toHaveResource(DefaultSecurityGroup);
    expect(text(network)).toHaveResourceWithProperties(FlowLog, { traffic_type: "ALL", log_destination_type: "cloud-watch-logs" });
  });

  test("restartix-rds accepts 5432 only from the connector (and the backup job), no egress", () => {
    const inbound = rules("ingress", "restartix-rds");
    expect(sorted(inbound.map((r) => [r.from_port, r.to_port, r.referenced_security_group_id]))).toEqual(
      sorted([
        [5432, 5432, groupId("restartix-apprunner-connector")],
        [5432, 5432, groupId("restartix-backup-job")],
      ]),
    );
    expect(inbound.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
    expect(rules("egress", "restartix-rds")).toEqual([]);
  });

  test("restartix-redis accepts 6379 only from the connector, no egress", () => {
    expect(rules("ingress", "restartix-redis").map((r) => [r.from_port, r.referenced_security_group_id])).toEqual([
      [6379, groupId("restartix-apprunner-connector")],
    ]);
    expect(rules("egress", "restartix-redis")).toEqual([]);
  });

  test("restartix-apprunner-connector: no ingress; egress 5432 and 6379 to those groups, 443 and 8443 (ClickHouse Cloud) to the internet", () => {
    expect(rules("ingress", "restartix-apprunner-connector")).toEqual([]);
    const out = rules("egress", "restartix-apprunner-connector").map((r) => [r.from_port, r.referenced_security_group_id ?? r.cidr_ipv4]);
    expect(sorted(out)).toEqual(
      sorted([
        [5432, groupId("restartix-rds")],
        [6379, groupId("restartix-redis")],
        [443, "0.0.0.0/0"],
        [8443, "0.0.0.0/0"],
      ]),
    );
  });

  test("the App Runner VPC connector spans both private subnets with the connector group", () => {
    expect(text(network)).toHaveResourceWithProperties(ApprunnerVpcConnector, {
      vpc_connector_name: "restartix-vpc-connector",
      security_groups: [groupId("restartix-apprunner-connector")],
    });
    const connector = resources(network, "aws_apprunner_vpc_connector")[0][1];
    expect(connector.subnets).toHaveLength(2);
    expect(connector.subnets.every((s: string) => /aws_subnet\.network_private-eu-central-1[ab]_/.test(s))).toBe(true);
  });
});
