import { Rule } from "../../types";
import { isWorkflowFile, workflowOf } from "./common";

export const GitHubWorkflowPermissions: Rule = {
  id: "RX-GH-2",
  name: "GitHubWorkflowPermissions",
  level: "error",
  title: "Workflow does not restrict its GITHUB_TOKEN",
  explanation:
    "Without a top-level permissions block the token gets the repository's default, often write to everything; a compromised step could then push code or releases.",
  fix: "Declare top-level permissions with only what the workflow needs (e.g. contents: read), never write-all.",
  mirrors: ["CKV2_GHA_1"],
  appliesTo: ["github_repository_file"],
  evaluate: (r) => {
    if (!isWorkflowFile(r)) return undefined;
    const wf = workflowOf(r);
    if (typeof wf === "string") return `${r.config.file}: ${wf}`;
    if (wf.permissions === undefined) return `${r.config.file} has no top-level permissions block`;
    return wf.permissions === "write-all" ? `${r.config.file} sets permissions: write-all` : undefined;
  },
};
