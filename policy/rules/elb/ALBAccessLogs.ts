import { block, isSet, isTrue } from "../../json";
import { Rule } from "../../types";

export const ALBAccessLogs: Rule = {
  id: "RX-ELB-3",
  name: "ALBAccessLogs",
  level: "error",
  title: "Load balancer access logs are off",
  explanation:
    "Access logs are the record of who reached the APIs and when; HIPAA audit controls expect them for systems that serve patient data.",
  fix: "Set access_logs { enabled = true, bucket = <the access-log bucket> }.",
  mirrors: ["CKV_AWS_91", "ELB.5"],
  appliesTo: ["aws_lb"],
  evaluate: (lb) => {
    const logs = block(lb.config.access_logs);
    return isTrue(logs.enabled) && isSet(logs.bucket) ? undefined : "access_logs are not enabled with a bucket";
  },
};
