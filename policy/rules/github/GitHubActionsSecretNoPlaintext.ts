import { isExpression } from "../../json";
import { Rule } from "../../types";

export const GitHubActionsSecretNoPlaintext: Rule = {
  id: "RX-GH-1",
  name: "GitHubActionsSecretNoPlaintext",
  level: "error",
  title: "GitHub secret value is written in the code",
  explanation: "A literal plaintext_value lives in git history and in cdk.tf.json for anyone who can read the repository.",
  fix: "Feed plaintext_value from a sensitive TerraformVariable (set through TF_VAR_ in the environment), or use encrypted_value.",
  mirrors: ["CKV_GIT_4"],
  appliesTo: [
    "github_actions_secret",
    "github_actions_environment_secret",
    "github_actions_organization_secret",
    "github_dependabot_secret",
    "github_codespaces_secret",
  ],
  evaluate: (r) => {
    const value = r.config.plaintext_value;
    return typeof value === "string" && value !== "" && !isExpression(value) ? "plaintext_value is a literal" : undefined;
  },
};
