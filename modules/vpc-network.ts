import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { subnetLayout } from "../lib/cidr";
import { NetworkConfig } from "../phases/types";
import { ServiceRole } from "./service-role";

export interface VpcNetworkProps {
  readonly config: NetworkConfig;
  readonly region: string;
  readonly accountId: string;
  /** Key that encrypts the flow-log group. */
  readonly kmsKeyArn: string;
  readonly logRetentionDays: number;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * What the document's "VPC and more" wizard creates: a VPC across the configured AZs, one public
 * and one private subnet per AZ (computed from the VPC CIDR), an internet gateway, NAT gateways,
 * an S3 gateway endpoint; plus a closed default security group and VPC flow logs.
 */
export class VpcNetwork extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];
  readonly privateRouteTables: RouteTable[] = [];
  readonly publicCidrs: readonly string[];
  readonly privateCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: VpcNetworkProps) {
    super(scope, id);
    const { config, provider } = props;
    const name = config.name;
    const layout = subnetLayout(config.cidr, config.subnetNewBits, config.azs.length);
    this.publicCidrs = layout.public;
    this.privateCidrs = layout.private;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: config.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      provider,
      tags: { Name: name },
      lifecycle: { preventDestroy: true },
    });
    // No rules: anything left in the default group by mistake can reach nothing (EC2.2).
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, provider, tags: { Name: `${name}-default-closed` } });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, provider, tags: { Name: name } });
    const publicRt = new RouteTable(this, "public-rt", {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      provider,
      tags: { Name: `${name}-public` },
    });

    // By AZ name, not id: docs/availability-zones.md says why, and npm run discover prints the ids.
    config.azs.forEach((az, i) => {
      const pub = new Subnet(this, `public-${az}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: layout.public[i],
        mapPublicIpOnLaunch: false,
        provider,
        tags: { Name: `${name}-public-${az}`, tier: "public" },
      });
      new RouteTableAssociation(this, `public-rta-${az}`, { subnetId: pub.id, routeTableId: publicRt.id, provider });
      this.publicSubnets.push(pub);
      this.privateSubnets.push(
        new Subnet(this, `private-${az}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: layout.private[i],
          mapPublicIpOnLaunch: false,
          provider,
          tags: { Name: `${name}-private-${az}`, tier: "private" },
        }),
      );
    });

    const nats = config.azs.slice(0, config.natGateways).map((az, i) => {
      const eip = new Eip(this, `nat-eip-${az}`, { domain: "vpc", provider, tags: { Name: `${name}-nat-${az}` } });
      return new NatGateway(this, `nat-${az}`, {
        allocationId: eip.id,
        subnetId: this.publicSubnets[i].id,
        dependsOn: [igw],
        provider,
        tags: { Name: `${name}-${az}` },
      });
    });

    config.azs.forEach((az, i) => {
      const rt = new RouteTable(this, `private-rt-${az}`, {
        vpcId: this.vpc.id,
        route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[i % nats.length].id }],
        provider,
        tags: { Name: `${name}-private-${az}` },
      });
      new RouteTableAssociation(this, `private-rta-${az}`, { subnetId: this.privateSubnets[i].id, routeTableId: rt.id, provider });
      this.privateRouteTables.push(rt);
    });

    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: this.privateRouteTables.map((rt) => rt.id),
      provider,
      tags: { Name: `${name}-s3` },
    });

    const logGroup = new CloudwatchLogGroup(this, "flow-logs", {
      name: `/aws/vpc/${config.logName}/flow-logs`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
      provider,
      tags: { Name: `${name}-flow-logs` },
    });
    const role = new ServiceRole(this, "flow-logs-role", {
      name: `${config.logName}-flow-logs`,
      description: `Delivers VPC flow logs of ${name} to CloudWatch Logs`,
      service: "vpc-flow-logs.amazonaws.com",
      statements: [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${logGroup.arn}:*`,
        },
      ],
      provider,
    });
    new FlowLog(this, "flow-log", {
      vpcId: this.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      provider,
      tags: { Name: name },
    });
  }
}
