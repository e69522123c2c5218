import { isTrue } from "../../json";
import { Rule } from "../../types";

export const ALBDeletionProtection: Rule = {
  id: "RX-ELB-1",
  name: "ALBDeletionProtection",
  level: "error",
  title: "Load balancer has no deletion protection",
  explanation:
    "The ALB carries every request of the APIs; deleting it by mistake is an outage for every clinic until it is rebuilt and DNS follows.",
  fix: "Set enable_deletion_protection = true.",
  mirrors: ["CKV_AWS_150", "ELB.6"],
  appliesTo: ["aws_lb"],
  evaluate: (lb) => (isTrue(lb.config.enable_deletion_protection) ? undefined : "enable_deletion_protection is not true"),
};
