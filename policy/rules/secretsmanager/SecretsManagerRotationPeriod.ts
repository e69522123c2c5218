import { block, isSet, num, show } from "../../json";
import { Rule } from "../../types";

const MAX_DAYS = 90;

export const SecretsManagerRotationPeriod: Rule = {
  id: "RX-SM-3",
  name: "SecretsManagerRotationPeriod",
  level: "warning",
  title: `Secret rotates less often than every ${MAX_DAYS} days`,
  explanation: "Rotation only bounds exposure if it happens often enough.",
  fix: `Set rotation_rules.automatically_after_days to ${MAX_DAYS} or less (or a schedule_expression at least that frequent).`,
  mirrors: ["CKV_AWS_304", "SecretsManager.4"],
  appliesTo: ["aws_secretsmanager_secret_rotation"],
  evaluate: (rotation) => {
    const rules = block(rotation.config.rotation_rules);
    if (isSet(rules.schedule_expression)) return undefined;
    const days = num(rules.automatically_after_days);
    return days !== undefined && days <= MAX_DAYS
      ? undefined
      : `rotation_rules.automatically_after_days is ${show(rules.automatically_after_days)}`;
  },
};
