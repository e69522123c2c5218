import { ActionsEnvironmentSecret } from "@cdktf/provider-github/lib/actions-environment-secret";
import { ActionsEnvironmentVariable } from "@cdktf/provider-github/lib/actions-environment-variable";
import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryEnvironmentDeploymentPolicy } from "@cdktf/provider-github/lib/repository-environment-deployment-policy";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { RepositoryPullRequest } from "@cdktf/provider-github/lib/repository-pull-request";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { computeEngines } from "../config/deployment";
import { ecsDeployTargets } from "./ecs-deploy-targets";
import { terraformLiteral } from "../lib/terraform-literal";
import { appDeployWorkflow } from "../lib/workflows/app-deploy";
import { ProjectStack, ProjectStackProps } from "./base";
import { DeliveryStack } from "./delivery";
import { deliveryTarget } from "./delivery-target";

export { WORKFLOW_BRANCH } from "./delivery-target";

export interface DeliveryGithubStackProps extends ProjectStackProps {
  readonly delivery: DeliveryStack;
  readonly region: string;
}

/**
 * The GitHub side of delivery, in the application repository: the environment (production, or
 * staging: stacks/delivery-target.ts) the deploy role trusts, the Actions variables the workflow reads (none of them secret), the deploy
 * workflow itself (generated from code, linted in the tests) and any secret listed in config, each
 * fed by a sensitive Terraform variable, never a literal.
 *
 * The workflow is proposed, not pushed: it is committed to its own branch and a pull request asks
 * to merge it into the deploy branch, so branch protection and rulesets that require pull requests
 * apply to it like to any change, and a person reviews what will run with the deploy role.
 */
export class DeliveryGithubStack extends ProjectStack {
  constructor(scope: Construct, name: string, props: DeliveryGithubStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const { delivery } = phase;
    // GITHUB_TOKEN in the environment authenticates; only the owner is configuration.
    new GithubProvider(this, "github", { owner: deployment.githubOwner });
    const repository = deployment.githubRepository;
    const registry = `${deployment.accountId}.dkr.ecr.${props.region}.amazonaws.com`;
    // Production's file, branch, environment and repository variables as since phase 1; staging's its own.
    const target = deliveryTarget(deployment.environment, delivery);

    // The construct ID stays "production" for both: an ID is per stack, and production's must not move.
    const environment = new RepositoryEnvironment(this, "production", {
      repository,
      environment: target.environmentName,
      preventSelfReview: true,
      // Custom branch policies naming the deploy branch, not "protected branches": GitHub counts only
      // classic branch protection rules there, so a main protected by a repository ruleset alone is
      // not "protected", and with no classic rule in the repository every branch could deploy (and
      // assume the deploy role, which trusts this environment).
      deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
    });
    new RepositoryEnvironmentDeploymentPolicy(this, "production-branch", {
      repository,
      environment: environment.environment,
      branchPattern: delivery.branch,
    });
    const variables: [string, string][] = [
      [target.variables.region, props.region],
      [target.variables.registry, registry],
      [target.variables.role, props.delivery.role.arn],
    ];
    // Staging's live in its environment: only its jobs read them, and they never overwrite production's.
    const settings = variables.map(([variableName, value]) =>
      target.variableScope === "environment"
        ? new ActionsEnvironmentVariable(this, variableName, { repository, environment: environment.environment, variableName, value })
        : new ActionsVariable(this, variableName, { repository, variableName, value }),
    );
    for (const name of delivery.actionsSecrets) {
      const secretName = target.secretName(name);
      const value = new TerraformVariable(this, `secret-${name}`, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `Value of the GitHub Actions secret ${secretName} (set TF_VAR_secret-${name} in the environment)`,
      });
      if (target.variableScope === "environment")
        new ActionsEnvironmentSecret(this, name, {
          repository,
          environment: environment.environment,
          secretName,
          plaintextValue: value.stringValue,
        });
      else new ActionsSecret(this, name, { repository, secretName, plaintextValue: value.stringValue });
    }

    const services = Object.values(phase.services);
    const ecsTargets = ecsDeployTargets(phase, deployment);
    const workflow = new RepositoryFile(this, "deploy-workflow", {
      repository,
      // The branch is created from the deploy branch on first write. Once the pull request is merged
      // and the branch deleted, the provider reads the file from the deploy branch: no drift.
      branch: target.workflowBranch,
      autocreateBranch: true,
      autocreateBranchSourceBranch: delivery.branch,
      file: target.workflowPath,
      // GitHub's `${{ ... }}` must reach the file as written, not be read as Terraform interpolation.
      content: terraformLiteral(
        appDeployWorkflow({
          name: target.workflowName,
          region: props.region,
          branch: delivery.branch,
          environment: target.environmentName,
          roleVariable: target.variables.role,
          registryVariable: target.variables.registry,
          regionVariable: target.variables.region,
          services: services.map((s) => ({ key: s.key, name: s.name, dockerfile: s.dockerfile })),
          // App Runner (the engine, or the standby during a move): the shared services, tenants and shards.
          appRunnerRegions: computeEngines(deployment).includes("apprunner") ? phase.regions.map((r) => r.region) : undefined,
          // Every ECS service running these images (shared tier, tenants, shards, every region), found
          // at run time on the regions' clusters: the registry of tenants never reaches this stack.
          ecs: ecsTargets.length > 0 ? { regions: ecsTargets.map((t) => ({ region: t.region, clusters: t.clusters })) } : undefined,
        }),
      ),
      commitMessage: "Update the deploy workflow (managed by restartix-infra)",
      overwriteOnCreate: true,
      // The workflow reads these the moment it first runs: they exist before it can.
      dependsOn: [environment, ...settings],
    });
    new RepositoryPullRequest(this, "deploy-workflow-pr", {
      baseRepository: repository,
      baseRef: delivery.branch,
      headRef: target.workflowBranch,
      title:
        target.environment === "production"
          ? "Deploy workflow (managed by restartix-infra)"
          : `Deploy workflow, ${target.environment} (managed by restartix-infra)`,
      body: [
        `This pull request was opened by the \`delivery-github\` stack of restartix-infra. It adds or updates \`${target.workflowPath}\`,`,
        `which builds the service images, pushes them to ECR and deploys them with the \`${target.environmentName}\` environment.`,
        "",
        "Review it like any change: once merged, every push to the deploy branch runs it. Do not edit the file here;",
        "change lib/workflows/app-deploy.ts in restartix-infra instead (the next deploy opens a new pull request).",
      ].join("\n"),
      maintainerCanModify: false,
      dependsOn: [workflow],
      // A merged or closed pull request stays closed: a new workflow version opens a new one. The
      // address is written as a plain string: cdktf 0.21 renders a resource here as "${...}", which
      // Terraform rejects (hashicorp/terraform-cdk#3196, #3532).
      lifecycle: { replaceTriggeredBy: [`${workflow.terraformResourceType}.${workflow.friendlyUniqueId}`] },
    });
  }
}
