import { block, isFalse, isTrue } from "../../json";
import { ResourceView, Rule } from "../../types";

/** Resources of one region: the same provider reference (undefined is the stack's default provider). */
const sameProvider = (a: ResourceView, b: ResourceView): boolean => (a.config.provider ?? "aws") === (b.config.provider ?? "aws");

export const ConfigRecorderEnabled: Rule = {
  id: "RX-CFG-1",
  name: "ConfigRecorderEnabled",
  level: "error",
  title: "AWS Config recorder does not record every resource, is stopped or delivers nowhere",
  explanation:
    "AWS Config is the history of every resource's configuration (who opened a security group, when a bucket became public) and what Security Hub's controls evaluate; a recorder that skips types, is stopped, or has no delivery channel leaves that history empty (164.312(b), 164.308(a)(8)).",
  fix: "Keep recording_group.all_supported true, add an aws_config_configuration_recorder_status for the recorder with is_enabled = true, and an aws_config_delivery_channel in the same region.",
  mirrors: ["CKV2_AWS_45", "Config.1"],
  appliesTo: ["aws_config_configuration_recorder"],
  evaluate: (recorder, stack) => {
    const out: string[] = [];
    if (isFalse(block(recorder.config.recording_group).all_supported)) out.push("recording_group.all_supported is false");
    const status = stack.attached(recorder, "aws_config_configuration_recorder_status", "name", "name");
    if (!status.some((s) => isTrue(s.config.is_enabled)))
      out.push("no aws_config_configuration_recorder_status turns it on (is_enabled = true)");
    if (!stack.resources("aws_config_delivery_channel").some((c) => sameProvider(c, recorder)))
      out.push("no aws_config_delivery_channel in its region");
    return out;
  },
};
