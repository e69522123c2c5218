import { Rule } from "../../types";

export const VPCFlowLogsEnabled: Rule = {
  id: "RX-VPC-1",
  name: "VPCFlowLogsEnabled",
  level: "error",
  title: "VPC has no flow log",
  explanation:
    "Flow logs are the record of which addresses talked to what inside the network, the evidence an incident investigation starts from.",
  fix: 'Add an aws_flow_log with vpc_id pointing at the VPC (traffic_type = "ALL").',
  mirrors: ["CKV2_AWS_11", "HIPAA.Security-VPCFlowLogsEnabled", "AwsSolutions-VPC7", "EC2.6"],
  appliesTo: ["aws_vpc"],
  evaluate: (vpc, stack) => (stack.attached(vpc, "aws_flow_log", "vpc_id").length > 0 ? undefined : "no aws_flow_log points at it"),
};
