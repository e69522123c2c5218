import { blocks } from "../../json";
import { Rule } from "../../types";

export const VPCDefaultSecurityGroupClosed: Rule = {
  id: "RX-VPC-2",
  name: "VPCDefaultSecurityGroupClosed",
  level: "error",
  title: "VPC default security group is not closed",
  explanation:
    "AWS's default group allows all traffic between its members and all egress; anything launched without a group lands in it. Terraform can empty it (CloudFormation cannot).",
  fix: "Add an aws_default_security_group for the VPC with no ingress and no egress blocks.",
  mirrors: ["CKV2_AWS_12", "HIPAA.Security-VPCDefaultSecurityGroupClosed", "EC2.2"],
  appliesTo: ["aws_vpc"],
  evaluate: (vpc, stack) => {
    const groups = stack.attached(vpc, "aws_default_security_group", "vpc_id");
    if (groups.length === 0) return "no aws_default_security_group points at it";
    return groups.every((g) => blocks(g.config.ingress).length === 0 && blocks(g.config.egress).length === 0)
      ? undefined
      : "its aws_default_security_group still has rules";
  },
};
