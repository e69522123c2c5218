import { Rule } from "../../types";

/**
 * The tag by which a secret declares the scheduled task that rotates it (its value: the
 * aws_scheduler_schedule's name). Kept equal to modules/db-rotation.ts ROTATED_BY_TAG.
 */
export const ROTATED_BY = "RotatedBy";

/** The schedule a secret names in its RotatedBy tag, if any. */
export function rotatedBy(tags: unknown): string | undefined {
  const v = tags && typeof tags === "object" ? (tags as Record<string, unknown>)[ROTATED_BY] : undefined;
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

export const SecretsManagerRotationEnabled: Rule = {
  id: "RX-SM-2",
  name: "SecretsManagerRotationEnabled",
  level: "warning",
  title: "Secret has no automatic rotation",
  explanation:
    "A secret that never changes stays useful to whoever copied it; automatic rotation bounds that window. A secret rotated by a scheduled task of this project (a plain-URL secret the Secrets Manager rotation functions cannot write) declares it with the RotatedBy tag; RX-SM-4 checks that the schedule it names exists.",
  fix: "Add an aws_secretsmanager_secret_rotation for the secret, tag it RotatedBy = <name of the aws_scheduler_schedule that rotates it>, or suppress with who rotates it and how.",
  mirrors: ["CKV2_AWS_57", "HIPAA.Security-SecretsManagerRotationEnabled", "AwsSolutions-SMG4", "SecretsManager.1"],
  appliesTo: ["aws_secretsmanager_secret"],
  evaluate: (secret, stack) => {
    if (stack.attached(secret, "aws_secretsmanager_secret_rotation", "secret_id", "name").length > 0) return undefined;
    if (rotatedBy(secret.config.tags) !== undefined) return undefined;
    return "no aws_secretsmanager_secret_rotation points at it and no RotatedBy tag names a rotation schedule";
  },
};
