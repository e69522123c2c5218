import { Rule } from "../../types";
import { ANYWHERE, portText, SG_TYPES, SgRule, sgRules } from "./common";

const allTraffic = (r: SgRule): boolean =>
  r.protocol === "-1" ||
  r.protocol === "all" ||
  (r.fromPort !== undefined && r.toPort !== undefined && r.fromPort <= 0 && r.toPort >= 65535);

export const SecurityGroupNoOpenEgress: Rule = {
  id: "RX-SG-2",
  name: "SecurityGroupNoOpenEgress",
  level: "error",
  title: "Security group allows all traffic out to the internet",
  explanation:
    "Unrestricted egress is the exfiltration path of a compromised workload; each group opens only the ports it needs (443 to the internet, the database port to the database group).",
  fix: "Open the needed ports only (e.g. tcp 443 to 0.0.0.0/0, 5432 to the database group).",
  mirrors: ["CKV_AWS_382"],
  appliesTo: SG_TYPES,
  evaluate: (r) =>
    sgRules(r)
      .filter((rule) => rule.direction === "egress" && allTraffic(rule) && rule.cidrs.some((c) => ANYWHERE.includes(c)))
      .map((rule) => `egress ${portText(rule)} to ${rule.cidrs.filter((c) => ANYWHERE.includes(c)).join(", ")}`),
};
