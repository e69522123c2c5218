import { block, isTrue } from "../../json";
import { Rule } from "../../types";

export const ECSServiceNoPublicIp: Rule = {
  id: "RX-ECS-2",
  name: "ECSServiceNoPublicIp",
  level: "error",
  title: "ECS service gives its tasks public IP addresses",
  explanation: "Tasks that handle patient data live in the private subnets and are reached only through the load balancer.",
  fix: "Set network_configuration { assign_public_ip = false } and use the private subnets.",
  mirrors: ["CKV_AWS_333", "ECS.2"],
  appliesTo: ["aws_ecs_service"],
  evaluate: (s) => (isTrue(block(s.config.network_configuration).assign_public_ip) ? "assign_public_ip is true" : undefined),
};
