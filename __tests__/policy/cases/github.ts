import { stringify } from "yaml";
import { RuleCase, stack } from "../harness";

// Workflow text is assembled at run time: "${{" written literally here would itself be the finding.
const expr = (inner: string) => `$${"{{"} ${inner} }}`;
const credentials = {
  uses: "aws-actions/configure-aws-credentials@v4",
  with: { "role-to-assume": expr("vars.ROLE"), "aws-region": "eu-central-1" },
};
const deployJob = { "runs-on": "ubuntu-latest", steps: [{ uses: "actions/checkout@v4" }, credentials, { run: "docker push" }] };
const testJob = { "runs-on": "ubuntu-latest", steps: [{ uses: "actions/checkout@v4" }, { run: "npm test" }] };

/** Terraform's escape: the file GitHub receives has "${{", the JSON has "$${{". */
const escaped = (workflow: object) => stringify(workflow).split("${").join("$${");
const file = (workflow: object, path = ".github/workflows/deploy.yml") => ({
  repository: "app",
  file: path,
  content: escaped(workflow),
  branch: "main",
});
const F = (name: string) => `github_repository_file.${name}`;

export const githubCases: RuleCase[] = [
  {
    rule: "RX-GH-1",
    title: "a literal plaintext_value fails; a variable passes",
    json: stack({
      github_actions_secret: {
        pass: { repository: "app", secret_name: "TOKEN", plaintext_value: "${var.token}" },
        fail: { repository: "app", secret_name: "TOKEN", plaintext_value: "hunter2-literal" },
      },
      github_actions_environment_secret: {
        fail: { repository: "app", environment: "production", secret_name: "KEY", plaintext_value: "literal" },
      },
    }),
    pass: ["github_actions_secret.pass"],
    fail: ["github_actions_secret.fail", "github_actions_environment_secret.fail"],
  },
  {
    rule: "RX-GH-2",
    title: "workflows declare top-level permissions, never write-all; other files are exempt",
    json: stack({
      github_repository_file: {
        pass: file({ on: "push", permissions: { contents: "read" }, jobs: { test: testJob } }),
        pass_readme: { repository: "app", file: "README.md", content: "no workflow" },
        fail: file({ on: "push", jobs: { test: testJob } }, ".github/workflows/test.yml"),
        fail2: file({ on: "push", permissions: "write-all", jobs: { test: testJob } }, ".github/workflows/all.yaml"),
        fail3: { repository: "app", file: ".github/workflows/broken.yml", content: "on: [push\njobs: {" },
      },
    }),
    pass: [F("pass"), F("pass_readme")],
    fail: [F("fail"), F("fail2"), F("fail3")],
  },
  {
    rule: "RX-GH-3",
    title: "id-token: write only reaches jobs that configure AWS credentials",
    json: stack({
      github_repository_file: {
        pass: file({ on: "push", permissions: { "id-token": "write", contents: "read" }, jobs: { deploy: deployJob } }),
        pass_job_level: file({
          on: "push",
          permissions: { contents: "read" },
          jobs: { test: testJob, deploy: { ...deployJob, permissions: { "id-token": "write", contents: "read" } } },
        }),
        fail: file({ on: "push", permissions: { "id-token": "write", contents: "read" }, jobs: { test: testJob, deploy: deployJob } }),
        fail2: file({
          on: "push",
          permissions: { contents: "read" },
          jobs: { test: { ...testJob, permissions: { "id-token": "write" } } },
        }),
      },
    }),
    pass: [F("pass"), F("pass_job_level")],
    fail: [F("fail"), F("fail2")],
  },
  {
    rule: "RX-GH-4",
    title: 'an unescaped "${{" in file content fails',
    json: stack({
      github_repository_file: {
        pass: file({ on: "push", permissions: { contents: "read" }, jobs: { deploy: deployJob } }),
        fail: {
          ...file({ on: "push" }),
          content: stringify({ on: "push", permissions: { contents: "read" }, jobs: { deploy: deployJob } }),
        },
      },
    }),
    pass: [F("pass")],
    fail: [F("fail")],
  },
];
