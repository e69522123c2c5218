import { Rule } from "../../types";

// `${{` not preceded by another `$`: Terraform reads it as the start of an interpolation.
const UNESCAPED = /(^|[^$])\$\{\{/;

export const GitHubFileTemplateEscaped: Rule = {
  id: "RX-GH-4",
  name: "GitHubFileTemplateEscaped",
  level: "error",
  title: "File content has GitHub expressions Terraform will try to interpolate",
  explanation:
    'Terraform treats every "${" in a JSON string as an interpolation: "${{ vars.X }}" fails to parse ("Missing key/value separator") and the whole stack cannot be planned.',
  fix: 'Escape every literal "${" as "$${" in the content (content.split("${").join("$${")); GitHub still receives "${{ ... }}".',
  mirrors: [],
  appliesTo: ["github_repository_file"],
  evaluate: (r) =>
    typeof r.config.content === "string" && UNESCAPED.test(r.config.content)
      ? `${r.config.file}: content has an unescaped "\${{"`
      : undefined,
};
