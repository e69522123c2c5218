import { block, isSet } from "../../json";
import { Rule } from "../../types";

export const AppRunnerVpcEgress: Rule = {
  id: "RX-AR-2",
  name: "AppRunnerVpcEgress",
  level: "error",
  title: "App Runner service does not send its traffic through the VPC",
  explanation:
    "With DEFAULT egress the service reaches the internet directly and cannot reach the private database; through a VPC connector its traffic passes our security groups and flow logs.",
  fix: 'Set network_configuration.egress_configuration { egress_type = "VPC", vpc_connector_arn = <the connector> }.',
  mirrors: [],
  appliesTo: ["aws_apprunner_service"],
  evaluate: (svc) => {
    const egress = block(block(svc.config.network_configuration).egress_configuration);
    if (egress.egress_type !== "VPC") return `egress_type is ${JSON.stringify(egress.egress_type ?? "DEFAULT")}`;
    return isSet(egress.vpc_connector_arn) ? undefined : "vpc_connector_arn is not set";
  },
};
