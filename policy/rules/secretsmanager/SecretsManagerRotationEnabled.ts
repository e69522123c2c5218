import { Rule } from "../../types";

export const SecretsManagerRotationEnabled: Rule = {
  id: "RX-SM-2",
  name: "SecretsManagerRotationEnabled",
  level: "warning",
  title: "Secret has no automatic rotation",
  explanation: "A secret that never changes stays useful to whoever copied it; automatic rotation bounds that window.",
  fix: "Add an aws_secretsmanager_secret_rotation for the secret, or suppress with who rotates it and how.",
  mirrors: ["CKV2_AWS_57", "HIPAA.Security-SecretsManagerRotationEnabled", "AwsSolutions-SMG4", "SecretsManager.1"],
  appliesTo: ["aws_secretsmanager_secret"],
  evaluate: (secret, stack) =>
    stack.attached(secret, "aws_secretsmanager_secret_rotation", "secret_id", "name").length > 0 ? undefined : "no aws_secretsmanager_secret_rotation points at it",
};
