import { isFalse } from "../../json";
import { Rule } from "../../types";

const FREQUENT = ["FIFTEEN_MINUTES", "ONE_HOUR"];

export const GuardDutyEnabled: Rule = {
  id: "RX-GD-1",
  name: "GuardDutyEnabled",
  level: "error",
  title: "GuardDuty detector is disabled or reports slowly",
  explanation:
    "GuardDuty reads CloudTrail, VPC flow and DNS logs for credential misuse, crypto-mining and exfiltration; a suspended detector sees nothing, and the default publishing frequency (six hours) delays every updated finding (164.308(a)(1)(ii)(D), 164.308(a)(6)).",
  fix: 'Set enable = true and finding_publishing_frequency = "FIFTEEN_MINUTES" (or "ONE_HOUR").',
  mirrors: ["CKV2_AWS_80", "GuardDuty.1"],
  appliesTo: ["aws_guardduty_detector"],
  evaluate: (detector) => {
    const out: string[] = [];
    if (isFalse(detector.config.enable)) out.push("enable is false");
    const f = detector.config.finding_publishing_frequency;
    if (!FREQUENT.includes(f)) out.push(`finding_publishing_frequency is ${f === undefined ? "not set (six hours)" : JSON.stringify(f)}`);
    return out;
  },
};
