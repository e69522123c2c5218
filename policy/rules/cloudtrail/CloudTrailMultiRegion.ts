import { isFalse, isTrue } from "../../json";
import { Rule } from "../../types";
import { recordsAllManagementEvents } from "./common";

export const CloudTrailMultiRegion: Rule = {
  id: "RX-CT-1",
  name: "CloudTrailMultiRegion",
  level: "error",
  title: "Trail does not record every management event in every region",
  explanation:
    "An attacker with stolen credentials works in whatever region nobody watches, and IAM and STS calls are global events: only a logging multi-region trail of every read and write management event is a complete record of who did what (HIPAA audit controls, 164.312(b)).",
  fix: "Set is_multi_region_trail = true, keep include_global_service_events and enable_logging true, and record management events with read_write_type All (or an advanced selector of eventCategory Management alone).",
  mirrors: ["CKV_AWS_67", "CKV_AWS_251", "CloudTrail.1"],
  appliesTo: ["aws_cloudtrail"],
  evaluate: (trail) => {
    const c = trail.config;
    const out: string[] = [];
    if (!isTrue(c.is_multi_region_trail)) out.push("is_multi_region_trail is not true");
    if (isFalse(c.include_global_service_events)) out.push("include_global_service_events is false");
    if (isFalse(c.enable_logging)) out.push("enable_logging is false");
    if (!recordsAllManagementEvents(trail)) out.push("its event selectors leave out management events (or their reads or writes)");
    return out;
  },
};
