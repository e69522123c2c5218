import { num } from "../../json";
import { Rule } from "../../types";

const MIN_DAYS = 30;

export const KMSKeyDeletionWindow: Rule = {
  id: "RX-KMS-4",
  name: "KMSKeyDeletionWindow",
  level: "warning",
  title: `KMS key deletion window is shorter than ${MIN_DAYS} days`,
  explanation:
    "A scheduled key deletion can be cancelled only within the window; once the key is gone, everything it encrypted is unreadable.",
  fix: `Set deletion_window_in_days = ${MIN_DAYS} (the maximum, and the default).`,
  mirrors: ["KMS.3"],
  appliesTo: ["aws_kms_key"],
  evaluate: (key) => {
    const days = num(key.config.deletion_window_in_days);
    return days === undefined || days >= MIN_DAYS ? undefined : `deletion_window_in_days is ${days}`;
  },
};
