import { strings } from "../../json";
import { Rule } from "../../types";

export const SecurityHubFoundationalStandard: Rule = {
  id: "RX-SH-1",
  name: "SecurityHubFoundationalStandard",
  level: "error",
  title: "Security Hub is enabled without the AWS Foundational Security Best Practices standard",
  explanation:
    "Security Hub without a standard only collects other services' findings; the FSBP standard evaluates every resource of the region against AWS's controls continuously, which is the evidence of periodic technical evaluation (164.308(a)(8)). No scanner rule covers it (AWS Config rule securityhub-enabled, CIS 4.16 check only that the hub exists).",
  fix: 'Add an aws_securityhub_standards_subscription in the same region with standards_arn "arn:aws:securityhub:<region>::standards/aws-foundational-security-best-practices/v/1.0.0".',
  mirrors: [],
  appliesTo: ["aws_securityhub_account"],
  evaluate: (hub, stack) => {
    const region = hub.config.provider ?? "aws";
    const subscribed = stack
      .resources("aws_securityhub_standards_subscription")
      .some(
        (s) =>
          (s.config.provider ?? "aws") === region &&
          strings(s.config.standards_arn).some((a) => a.includes(":standards/aws-foundational-security-best-practices/")),
      );
    return subscribed ? undefined : "no aws_securityhub_standards_subscription to FSBP in its region";
  },
};
