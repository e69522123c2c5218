import { ActionsSecret } from "@cdktf/provider-github/lib/actions-secret";
import { ActionsVariable } from "@cdktf/provider-github/lib/actions-variable";
import { GithubProvider } from "@cdktf/provider-github/lib/provider";
import { RepositoryEnvironment } from "@cdktf/provider-github/lib/repository-environment";
import { RepositoryFile } from "@cdktf/provider-github/lib/repository-file";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { computeEngines } from "../config/deployment";
import { terraformLiteral } from "../lib/terraform-literal";
import { appDeployWorkflow } from "../lib/workflows/app-deploy";
import { ProjectStack, ProjectStackProps } from "./base";
import { DeliveryStack } from "./delivery";

export interface DeliveryGithubStackProps extends ProjectStackProps {
  readonly delivery: DeliveryStack;
  readonly region: string;
}

/**
 * The GitHub side of delivery, in the application repository: the production environment the
 * deploy role trusts, the Actions variables the workflow reads (none of them secret), the deploy
 * workflow itself (generated from code, linted in the tests) and any secret listed in config, each
 * fed by a sensitive Terraform variable, never a literal.
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

    new RepositoryEnvironment(this, "production", {
      repository,
      environment: delivery.environmentName,
      preventSelfReview: true,
      deploymentBranchPolicy: { protectedBranches: true, customBranchPolicies: false },
    });
    const variables: [string, string][] = [
      ["AWS_REGION", props.region],
      ["ECR_REGISTRY", registry],
      ["AWS_DEPLOY_ROLE_ARN", props.delivery.role.arn],
    ];
    for (const [variableName, value] of variables) {
      new ActionsVariable(this, variableName, { repository, variableName, value });
    }
    for (const secretName of delivery.actionsSecrets) {
      const value = new TerraformVariable(this, `secret-${secretName}`, {
        type: "string",
        sensitive: true,
        nullable: false,
        description: `Value of the GitHub Actions secret ${secretName} (set TF_VAR_secret-${secretName} in the environment)`,
      });
      new ActionsSecret(this, secretName, { repository, secretName, plaintextValue: value.stringValue });
    }

    const services = Object.values(phase.services);
    new RepositoryFile(this, "deploy-workflow", {
      repository,
      branch: delivery.branch,
      file: delivery.workflowPath,
      // GitHub's `${{ ... }}` must reach the file as written, not be read as Terraform interpolation.
      content: terraformLiteral(appDeployWorkflow({
        region: props.region,
        branch: delivery.branch,
        environment: delivery.environmentName,
        roleVariable: "AWS_DEPLOY_ROLE_ARN",
        registryVariable: "ECR_REGISTRY",
        regionVariable: "AWS_REGION",
        services: services.map((s) => ({ key: s.key, name: s.name, dockerfile: s.dockerfile })),
        // Shared services on App Runner (the engine or the standby), tenants and shards.
        appRunnerRegions:
          computeEngines(deployment).includes("apprunner") || phase.enterprise || phase.regions.some((r) => r.shards.length > 0)
            ? phase.regions.map((r) => r.region)
            : undefined,
        ecs:
          computeEngines(deployment).includes("fargate")
            ? { cluster: phase.fargate.clusterName, services: services.map((s) => ({ name: s.name })) }
            : undefined,
      })),
      commitMessage: "Update the deploy workflow (managed by restartix-infra)",
      overwriteOnCreate: true,
    });
  }
}
