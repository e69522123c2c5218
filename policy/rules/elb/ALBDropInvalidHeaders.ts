import { isTrue } from "../../json";
import { Rule } from "../../types";

export const ALBDropInvalidHeaders: Rule = {
  id: "RX-ELB-2",
  name: "ALBDropInvalidHeaders",
  level: "error",
  title: "Load balancer forwards invalid HTTP headers",
  explanation:
    "Headers with invalid characters are a request-smuggling vector; dropping them at the ALB keeps them away from the Go servers.",
  fix: "Set drop_invalid_header_fields = true.",
  mirrors: ["CKV_AWS_131", "ELB.4"],
  appliesTo: ["aws_lb"],
  evaluate: (lb) =>
    lb.config.load_balancer_type === "network" || isTrue(lb.config.drop_invalid_header_fields)
      ? undefined
      : "drop_invalid_header_fields is not true",
};
