import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import { computeEngines } from "../config/deployment";
import { deliveryTarget } from "./delivery-target";
import { EcsDeployTarget, ecsDeployTargets } from "./ecs-deploy-targets";
import { PolicyStatement, policyDocument } from "../lib/iam";
import { ServiceRole } from "../modules/service-role";
import { BaseStack, BaseStackProps } from "./base";
import { RegistryStack } from "./registry";
import { environmentName } from "../lib/naming";

export interface DeliveryStackProps extends BaseStackProps {
  readonly registry: RegistryStack;
}

const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/**
 * The AWS side of delivery: GitHub's OIDC identity provider and GitHubActionsDeployRole, which
 * only the application repository's main branch or production environment can assume (staging's: only
 * its staging environment; stacks/delivery-target.ts), and which
 * can only push the service images (and start or roll their deployments). It replaces the
 * document's IAM user with long-lived access keys: nothing to leak, nothing to rotate.
 */
export class DeliveryStack extends BaseStack {
  readonly role: ServiceRole;
  /** The GitHub OIDC provider the role trusts: created here, or the account's existing one. */
  readonly oidcProviderArn: string;

  constructor(scope: Construct, name: string, props: DeliveryStackProps) {
    super(scope, name, props);
    const { phase, deployment } = props.settings;
    const { delivery } = phase;
    // An account has one OIDC provider per URL. When it already exists (github_oidc_provider_arn),
    // this stack references it by ARN instead of importing it: an imported provider would belong to
    // this stack, and `cdktf destroy delivery` would delete it from under every other role that
    // trusts it (the infrastructure roles of this repository's CI, other teams' tooling).
    this.oidcProviderArn =
      deployment.adoption.githubOidcProviderArn ??
      new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ["sts.amazonaws.com"],
        tags: { Name: "github-actions" },
      }).arn;

    const primary = this.region;
    const repositories = Object.values(phase.services).map((s) => props.registry.repository(s.key, primary).repository.arn);
    const account = deployment.accountId;
    const statements: PolicyStatement[] = [
      // The token call has no resource: "*" is the only valid value.
      { Sid: "RegistryLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PushServiceImages",
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:InitiateLayerUpload",
          "ecr:UploadLayerPart",
          "ecr:CompleteLayerUpload",
          "ecr:PutImage",
          "ecr:BatchGetImage",
        ],
        Resource: repositories,
      },
      // The first image is also pushed as the bootstrap tag (when the repository has none yet).
      { Sid: "FindBootstrapImages", Effect: "Allow", Action: "ecr:DescribeImages", Resource: repositories },
    ];
    const services = Object.values(phase.services);
    const engines = computeEngines(deployment);
    const repositoryArnsEverywhere = phase.regions.flatMap((r) =>
      services.map((s) => props.registry.repository(s.key, r.region).repository.arn),
    );
    if (engines.includes("apprunner")) {
      // Deploys move every App Runner service running the image (shared tier, tenants, shards, every region)
      // to the commit's immutable tag: UpdateService passes the image pull role back unchanged.
      statements.push(
        // ListServices has no resource-level permission.
        { Sid: "FindAppRunnerServices", Effect: "Allow", Action: "apprunner:ListServices", Resource: "*" },
        {
          Sid: "DeployAppRunnerServices",
          Effect: "Allow",
          Action: ["apprunner:DescribeService", "apprunner:UpdateService", "apprunner:ListOperations"],
          Resource: phase.regions.map((r) => `arn:aws:apprunner:${r.region}:${account}:service/${phase.project}-*/*`),
        },
        {
          Sid: "PassImagePullRole",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: props.registry.pullRole.arn,
          Condition: { StringEquals: { "iam:PassedToService": "apprunner.amazonaws.com" } },
        },
        { Sid: "WaitForReplicatedImages", Effect: "Allow", Action: "ecr:DescribeImages", Resource: repositoryArnsEverywhere },
      );
    }
    const ecsTargets = ecsDeployTargets(phase, deployment);
    if (ecsTargets.length > 0) statements.push(...ecsDeployStatements(account, ecsTargets));
    if (ecsTargets.some((t) => !t.primary) && !statements.some((st) => st.Sid === "WaitForReplicatedImages")) {
      // The roll-out waits until ECR replication delivered the commit's images to the other regions.
      statements.push({
        Sid: "WaitForReplicatedImages",
        Effect: "Allow",
        Action: "ecr:DescribeImages",
        Resource: repositoryArnsEverywhere,
      });
    }

    this.role = new ServiceRole(this, "deploy-role", {
      name: environmentName("GitHubActionsDeployRole", phase.environment),
      description: `Pushes ${services.map((s) => s.name).join(" and ")} images from ${deployment.githubOwner}/${deployment.githubRepository}`,
      trustPolicy: policyDocument(this, "deploy-trust", [
        {
          Effect: "Allow",
          Principal: { Federated: this.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com",
              // Per environment (stacks/delivery-target.ts): staging's role trusts only staging's GitHub environment.
              [`${GITHUB_OIDC_HOST}:sub`]: deliveryTarget(deployment.environment, delivery).subjects(
                deployment.githubOwner,
                deployment.githubRepository,
              ),
            },
          },
        },
      ]),
      statements,
    });
  }
}

/**
 * What the deploy role may do on ECS, region by region. The workflow discovers the services it rolls
 * (lib/workflows/app-deploy.ts): it lists and describes every service on the project's clusters and
 * rolls those whose task definition runs an image built here. So the role may:
 * - describe the project's clusters (a cells cluster not applied yet is skipped, not an error);
 * - list services on exactly those clusters: ecs:ListServices has no resource type in the Service
 *   Authorization Reference (Resource must be "*"), but it takes the ecs:cluster condition key, so
 *   an ArnEquals on the cluster ARNs limits it to them (the documented RX-IAM-3 exception);
 * - describe every service on those clusters (service/<cluster>/*: discovery must read each one to
 *   know whether it runs an image built here; DescribeServices only reads);
 * - update, and register revisions of the task definition families of, the shared tier's services
 *   by name and the cells by the naming contract's prefix on their cluster
 *   (service/restartix-cells/restartix-tenant-*): a list of every cell would exceed a managed
 *   policy's 6,144 characters in phase 4, and would change this stack on `npm run tenant -- add`;
 * - pass exactly those services' task and execution roles to ECS tasks.
 * ecr:GetAuthorizationToken and ecs:DescribeTaskDefinition also keep "*": no resource type.
 *
 * ecs:RegisterTaskDefinition takes the task-definition resource type ("task-definition*" in the
 * Service Authorization Reference, iann0036/iam-dataset 2026-08-22: ARN
 * arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>), so it is scoped to
 * "<family>:*". Older guides and AWS's own amazon-ecs-deploy-task-definition example grant it on
 * "*" only because the action had no resource type then. The revisions the workflow registers
 * carry no tags, so ecs:TagResource is not needed.
 */
export function ecsDeployStatements(account: string, targets: readonly EcsDeployTarget[]): PolicyStatement[] {
  const arn = (t: EcsDeployTarget, resource: string) => `arn:aws:ecs:${t.region}:${account}:${resource}`;
  const clusterArns = targets.flatMap((t) => t.clusters.map((c) => arn(t, `cluster/${c}`)));
  const serviceArns = targets.flatMap((t) => [
    ...(t.shared?.services ?? []).map((s) => arn(t, `service/${t.shared!.cluster}/${s}`)),
    ...(t.cells?.prefixes ?? []).map((p) => arn(t, `service/${t.cells!.cluster}/${p}*`)),
  ]);
  const familyArns = targets.flatMap((t) => [
    ...(t.shared?.services ?? []).map((s) => arn(t, `task-definition/${s}:*`)),
    ...(t.cells?.prefixes ?? []).map((p) => arn(t, `task-definition/${p}*:*`)),
  ]);
  // IAM is global: one role name per service (<service>-instance is the task role, <service>-execution the execution role).
  const roleNames = [...new Set(targets.flatMap((t) => [...(t.shared?.services ?? []), ...(t.cells?.prefixes ?? []).map((p) => `${p}*`)]))];
  return [
    { Sid: "FindEcsClusters", Effect: "Allow", Action: "ecs:DescribeClusters", Resource: clusterArns },
    // ListServices has no resource type: "*" with the ecs:cluster condition is as narrow as AWS allows.
    {
      Sid: "ListEcsServices",
      Effect: "Allow",
      Action: "ecs:ListServices",
      Resource: "*",
      Condition: { ArnEquals: { "ecs:cluster": clusterArns } },
    },
    {
      Sid: "ReadEcsServices",
      Effect: "Allow",
      Action: "ecs:DescribeServices",
      Resource: targets.flatMap((t) => t.clusters.map((c) => arn(t, `service/${c}/*`))),
    },
    { Sid: "RollEcsServices", Effect: "Allow", Action: "ecs:UpdateService", Resource: serviceArns },
    { Sid: "RegisterTaskDefinitions", Effect: "Allow", Action: "ecs:RegisterTaskDefinition", Resource: familyArns },
    // DescribeTaskDefinition has no resource type: "*" is the only value AWS accepts.
    { Sid: "ReadTaskDefinitions", Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
    {
      Sid: "PassTaskRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: roleNames.flatMap((n) => [`arn:aws:iam::${account}:role/${n}-instance`, `arn:aws:iam::${account}:role/${n}-execution`]),
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ];
}
