import { Rule } from "../../types";
import { isWorkflowFile, workflowOf } from "./common";

const AWS_CREDENTIALS = "aws-actions/configure-aws-credentials";

const grantsIdToken = (permissions: unknown): boolean =>
  permissions === "write-all" ||
  (typeof permissions === "object" && permissions !== null && (permissions as Record<string, unknown>)["id-token"] === "write");

const usesAwsCredentials = (job: Record<string, any>): boolean =>
  Array.isArray(job.steps) && job.steps.some((s: any) => typeof s?.uses === "string" && s.uses.startsWith(`${AWS_CREDENTIALS}@`));

export const GitHubWorkflowIdTokenScoped: Rule = {
  id: "RX-GH-3",
  name: "GitHubWorkflowIdTokenScoped",
  level: "error",
  title: "Workflow job can mint an OIDC token it does not use for AWS",
  explanation:
    "id-token: write lets a job request the token our deploy role trusts; any job that has it without configuring AWS credentials is an unnecessary path to production.",
  fix: `Grant id-token: write only in jobs that use ${AWS_CREDENTIALS} (job-level permissions), or make every job inheriting it use that action.`,
  mirrors: [],
  appliesTo: ["github_repository_file"],
  evaluate: (r) => {
    if (!isWorkflowFile(r)) return undefined;
    const wf = workflowOf(r);
    if (typeof wf === "string") return undefined; // RX-GH-2 reports unreadable workflows
    const topLevel = grantsIdToken(wf.permissions);
    return Object.entries(wf.jobs ?? {})
      .filter(([, job]) => job && typeof job === "object" && job.uses === undefined) // reusable-workflow calls are checked where they live
      .filter(([, job]) => (job.permissions === undefined ? topLevel : grantsIdToken(job.permissions)) && !usesAwsCredentials(job))
      .map(
        ([id, job]) =>
          `${r.config.file}: job ${id} gets id-token: write ${job.permissions === undefined ? "from the top level " : ""}without using ${AWS_CREDENTIALS}`,
      );
  },
};
