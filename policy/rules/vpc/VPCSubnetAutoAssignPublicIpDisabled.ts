import { isTrue } from "../../json";
import { Rule } from "../../types";

export const VPCSubnetAutoAssignPublicIpDisabled: Rule = {
  id: "RX-VPC-3",
  name: "VPCSubnetAutoAssignPublicIpDisabled",
  level: "error",
  title: "Subnet gives instances public IP addresses",
  explanation: "Anything launched in such a subnet is reachable from the internet as soon as a security group allows it.",
  fix: "Set map_public_ip_on_launch = false (or leave it out).",
  mirrors: ["CKV_AWS_130", "HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled", "EC2.15"],
  appliesTo: ["aws_subnet"],
  evaluate: (subnet) => (isTrue(subnet.config.map_public_ip_on_launch) ? "map_public_ip_on_launch is true" : undefined),
};
