import { Rule } from "../../types";
import { ANYWHERE, portText, SG_TYPES, sgRules } from "./common";

export const SecurityGroupNoOpenIngress: Rule = {
  id: "RX-SG-1",
  name: "SecurityGroupNoOpenIngress",
  level: "error",
  title: "Security group accepts traffic from the whole internet",
  explanation:
    "Nothing here is meant to be reached from anywhere: the public edge is Cloudflare, so load balancers admit Cloudflare's ranges and everything else admits only other groups.",
  fix: "Replace 0.0.0.0/0 and ::/0 with the peer security group or the published ranges of the only client (Cloudflare).",
  mirrors: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "AwsSolutions-EC23", "EC2.18", "EC2.19"],
  appliesTo: SG_TYPES,
  evaluate: (r) =>
    sgRules(r)
      .filter((rule) => rule.direction === "ingress" && rule.cidrs.some((c) => ANYWHERE.includes(c)))
      .map((rule) => `ingress ${portText(rule)} from ${rule.cidrs.filter((c) => ANYWHERE.includes(c)).join(", ")}`),
};
