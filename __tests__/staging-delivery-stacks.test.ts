// Issue 22, delivery: staging's application deploy lives beside production's in the same
// application repository without touching any of production's GitHub objects, and staging's deploy
// role trusts staging's GitHub environment only. Staging is built here from settings whose
// deployment.environment is "staging" directly (config/validate.ts may still refuse it from a file).
import { parse } from "yaml";
import { resolveSettings, Settings } from "../config/settings";
import { fromTerraformLiteral } from "../lib/terraform-literal";
import { evaluateStack } from "../policy";
import { deliveryTarget, STAGING_DELIVERY } from "../stacks/delivery-target";
import { synthesize } from "../tools/synth";
import { lintWorkflow } from "../tools/workflow-lint";
import type { SynthStack } from "../tools/synth";
import { EXAMPLE_VARS, only, policy, resources, stack } from "./helpers";
import { tempDir } from "./temp-dirs";

const base = resolveSettings({ varsFile: EXAMPLE_VARS, phase: 1, compute: "apprunner" });
const withSecret = (s: Settings): Settings => ({
  ...s,
  phase: { ...s.phase, delivery: { ...s.phase.delivery, actionsSecrets: ["SENTRY_AUTH_TOKEN"] } },
});
const staging: Settings = { ...base, deployment: { ...base.deployment, environment: "staging" } };
const run = (settings: Settings) => synthesize({}, tempDir("rx-staging-delivery-"), settings);
const prod = run(withSecret(base));
const stag = run(withSecret(staging));
const prodGithub = stack(prod, "delivery-github");
const stagGithub = stack(stag, "delivery-github");
const trustOf = (s: SynthStack) => {
  const role = resources(s, "aws_iam_role").find(([, r]) => /GitHubActionsDeployRole/.test(r.name))![1];
  return policy(role.assume_role_policy, s).Statement;
};
const SUB = "token.actions.githubusercontent.com:sub";
const OWNER = `${base.deployment.githubOwner}/${base.deployment.githubRepository}`;

describe("the deploy role's OIDC subjects, per environment", () => {
  test("production's trust is what it has been since phase 1: the deploy branch and the production environment", () => {
    expect(trustOf(stack(prod, "delivery"))[0].Condition.StringEquals[SUB]).toEqual([
      `repo:${OWNER}:ref:refs/heads/main`,
      `repo:${OWNER}:environment:production`,
    ]);
  });

  test("staging's role trusts staging's GitHub environment only: no production subject, no branch subject", () => {
    const trust = trustOf(stack(stag, "delivery"));
    expect(trust).toHaveLength(1);
    expect(trust[0].Condition.StringEquals).toEqual({
      "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
      [SUB]: `repo:${OWNER}:environment:staging`,
    });
    expect(trust[0].Condition.StringLike).toBeUndefined();
  });

  test("neither role accepts a subject of the other environment", () => {
    const prodSubs: string[] = trustOf(stack(prod, "delivery"))[0].Condition.StringEquals[SUB];
    const stagSubs: string[] = [trustOf(stack(stag, "delivery"))[0].Condition.StringEquals[SUB]].flat();
    expect(prodSubs.filter((s) => stagSubs.includes(s))).toEqual([]);
    expect(deliveryTarget("staging", base.phase.delivery).environmentName).not.toBe(
      deliveryTarget("production", base.phase.delivery).environmentName,
    );
  });
});

describe("staging's GitHub environment, variables, secrets and workflow in the application repository", () => {
  test("its own environment, deployable from the deploy branch only", () => {
    expect(only(stagGithub, "github_repository_environment")).toMatchObject({
      repository: "restartix-platform",
      environment: "staging",
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    expect(only(stagGithub, "github_repository_environment_deployment_policy")).toMatchObject({
      environment: "${github_repository_environment.production.environment}",
      branch_pattern: "main",
    });
  });

  test("its variables live in that environment under STAGING_ names: never a repository variable production's workflow reads", () => {
    expect(resources(stagGithub, "github_actions_variable")).toEqual([]);
    const vars = Object.fromEntries(
      resources(stagGithub, "github_actions_environment_variable").map(([, v]) => [v.variable_name, v] as [string, Record<string, any>]),
    );
    expect(Object.keys(vars).sort()).toEqual(["STAGING_AWS_DEPLOY_ROLE_ARN", "STAGING_AWS_REGION", "STAGING_ECR_REGISTRY"]);
    for (const v of Object.values(vars)) expect(v.environment).toBe("${github_repository_environment.production.environment}");
    expect(vars.STAGING_AWS_DEPLOY_ROLE_ARN.value).toMatch(
      /cross-stack-reference-input-delivery\.outputs\.cross-stack-output-aws_iam_roledeploy-role_.*arn/,
    );
  });

  test("a configured secret is an environment secret of staging, from a sensitive variable (RX-GH-1)", () => {
    expect(resources(stagGithub, "github_actions_secret")).toEqual([]);
    expect(only(stagGithub, "github_actions_environment_secret")).toMatchObject({
      secret_name: "STAGING_SENTRY_AUTH_TOKEN",
      environment: "${github_repository_environment.production.environment}",
      plaintext_value: "${var.secret-SENTRY_AUTH_TOKEN}",
    });
    expect(stagGithub.json.variable?.["secret-SENTRY_AUTH_TOKEN"]).toMatchObject({ sensitive: true, nullable: false });
  });

  test("its workflow has its own file, branch and pull request, written after its environment variables exist", () => {
    expect(only(stagGithub, "github_repository_file")).toMatchObject({
      file: STAGING_DELIVERY.workflowPath,
      branch: STAGING_DELIVERY.workflowBranch,
      autocreate_branch_source_branch: "main",
    });
    expect(only(stagGithub, "github_repository_pull_request")).toMatchObject({
      head_ref: STAGING_DELIVERY.workflowBranch,
      base_ref: "main",
    });
    expect(only(stagGithub, "github_repository_file").depends_on.sort()).toEqual(
      [
        "github_actions_environment_variable.STAGING_AWS_DEPLOY_ROLE_ARN",
        "github_actions_environment_variable.STAGING_AWS_REGION",
        "github_actions_environment_variable.STAGING_ECR_REGISTRY",
        "github_repository_environment.production",
      ].sort(),
    );
  });

  test("the workflow runs every job in the staging environment with staging's variables, and lints clean", async () => {
    const content = fromTerraformLiteral(only(stagGithub, "github_repository_file").content);
    const w = parse(content) as { name: string; concurrency: { group: string }; jobs: Record<string, { environment?: string }> };
    expect(w.name).toBe("Build and deploy (staging)");
    expect(w.concurrency.group).toBe("deploy-staging");
    for (const [name, job] of Object.entries(w.jobs)) expect([name, job.environment]).toEqual([name, "staging"]);
    expect(content).toContain("role-to-assume: ${{ vars.STAGING_AWS_DEPLOY_ROLE_ARN }}");
    expect(content).not.toMatch(/vars\.(AWS_DEPLOY_ROLE_ARN|ECR_REGISTRY|AWS_REGION)\b/);
    expect(await lintWorkflow(content, STAGING_DELIVERY.workflowPath)).toEqual([]);
  });

  test("no GitHub object production manages is managed by staging too (same repository: each would undo the other)", () => {
    const identities = (s: SynthStack) => [
      ...resources(s, "github_repository_environment").map(([, r]) => `environment:${r.environment}`),
      ...resources(s, "github_actions_variable").map(([, r]) => `variable:${r.variable_name}`),
      ...resources(s, "github_actions_secret").map(([, r]) => `secret:${r.secret_name}`),
      ...resources(s, "github_repository_file").map(([, r]) => `file:${r.file}`),
      ...resources(s, "github_repository_file").map(([, r]) => `branch:${r.branch}`),
    ];
    const p = identities(prodGithub);
    expect(p).toEqual(
      expect.arrayContaining([
        "environment:production",
        "variable:AWS_DEPLOY_ROLE_ARN",
        "file:.github/workflows/deploy.yml",
        "secret:SENTRY_AUTH_TOKEN",
      ]),
    );
    expect(identities(stagGithub).filter((i) => p.includes(i))).toEqual([]);
  });

  test("the policy pack finds nothing open on staging's delivery stacks", () => {
    for (const s of [stagGithub, stack(stag, "delivery")]) {
      expect(
        evaluateStack(s.name, s.json)
          .filter((f) => !f.suppressed)
          .map((f) => `${f.ruleId} ${f.address}: ${f.message}`),
      ).toEqual([]);
    }
  });
});
