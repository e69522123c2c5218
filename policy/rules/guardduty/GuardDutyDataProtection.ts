import { block, isTrue } from "../../json";
import { Rule } from "../../types";

/** The features GuardDuty needs for the data this platform holds: S3 objects and database logins. */
const REQUIRED_FEATURES: Readonly<Record<string, string>> = { S3_DATA_EVENTS: "S3 Protection", RDS_LOGIN_EVENTS: "RDS Protection" };

export const GuardDutyDataProtection: Rule = {
  id: "RX-GD-2",
  name: "GuardDutyDataProtection",
  level: "error",
  title: "GuardDuty detector lacks S3 or RDS Protection",
  explanation:
    "Patient files live in S3 and patient records in PostgreSQL: S3 Protection flags anomalous object access (mass downloads, access from Tor), RDS Protection anomalous database logins. Without them GuardDuty only watches the control plane.",
  fix: 'Add aws_guardduty_detector_feature resources for the detector with name "S3_DATA_EVENTS" and "RDS_LOGIN_EVENTS", status "ENABLED" (AWS Config rules guardduty-s3-protection-enabled, guardduty-rds-protection-enabled).',
  mirrors: [],
  appliesTo: ["aws_guardduty_detector"],
  evaluate: (detector, stack) => {
    const features = stack.attached(detector, "aws_guardduty_detector_feature", "detector_id");
    const enabled = new Set(features.filter((f) => f.config.status === "ENABLED").map((f) => String(f.config.name)));
    // The deprecated datasources block turns S3 Protection on for detectors that still use it.
    if (isTrue(block(block(detector.config.datasources).s3_logs).enable)) enabled.add("S3_DATA_EVENTS");
    return Object.entries(REQUIRED_FEATURES)
      .filter(([name]) => !enabled.has(name))
      .map(([name, label]) => `${label} (${name}) is not enabled`);
  },
};
