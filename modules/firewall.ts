import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface FirewallProps {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** One rule: a TCP port to or from another group or a CIDR. */
export interface PortRule {
  readonly id: string;
  readonly port: number;
  readonly description: string;
  /** @default - none: give this or `cidr` (a rule needs a peer; AWS rejects one with neither) */
  readonly peerGroupId?: string;
  /** @default - none: give this or `peerGroupId` */
  readonly cidr?: string;
}

/**
 * A security group that starts closed (Terraform removes AWS's default allow-all egress) and gets
 * each rule as its own resource, so groups can point at each other without cycles and another
 * stack can add a rule without touching this one.
 */
export class Firewall extends Construct {
  readonly group: SecurityGroup;
  readonly id: string;
  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    this.provider = props.provider;
    this.group = new SecurityGroup(this, "sg", {
      name: props.name,
      description: props.description,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      provider: props.provider,
      tags: { Name: props.name },
    });
    this.id = this.group.id;
  }

  allowIn(rule: PortRule): void {
    allowIngress(this, this.id, rule, this.provider);
  }

  allowOut(rule: PortRule): void {
    new VpcSecurityGroupEgressRule(this, `out-${rule.id}`, {
      securityGroupId: this.id,
      description: rule.description,
      ipProtocol: "tcp",
      fromPort: rule.port,
      toPort: rule.port,
      referencedSecurityGroupId: rule.peerGroupId,
      cidrIpv4: rule.cidr,
      provider: this.provider,
      tags: { Name: rule.description },
    });
  }
}

/** An ingress rule on a group owned elsewhere (a tenant opening the shared Redis to itself). */
export function allowIngress(scope: Construct, groupId: string, rule: PortRule, provider?: TerraformProvider): VpcSecurityGroupIngressRule {
  return new VpcSecurityGroupIngressRule(scope, `in-${rule.id}`, {
    securityGroupId: groupId,
    description: rule.description,
    ipProtocol: "tcp",
    fromPort: rule.port,
    toPort: rule.port,
    referencedSecurityGroupId: rule.peerGroupId,
    cidrIpv4: rule.cidr,
    provider,
    tags: { Name: rule.description },
  });
}
