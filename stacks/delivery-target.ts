import { Environment } from "../config/deployment";
import { DeliveryConfig } from "../phases/types";

/** The branch production's deploy workflow is committed to; a pull request brings it to the deploy branch. */
export const WORKFLOW_BRANCH = "restartix-infra/deploy-workflow";

/**
 * Where one environment's application deploy lives in the application repository: its GitHub
 * environment (the only OIDC subject its deploy role trusts, apart from production's historical
 * branch subject), its workflow file and proposal branch, and the Actions variables the workflow reads.
 *
 * Production and staging share the application repository, so everything here is per environment:
 * two stacks writing the same workflow file, branch or repository variable would undo each other on
 * every apply. Production keeps what it has had since phase 1 (repository variables, deploy.yml);
 * staging gets its own file and branch, and its variables live in its own GitHub environment under
 * names of their own (STAGING_*), so a job of that environment can never fall back to production's
 * repository-level value of the same name (GitHub resolves environment, then repository, then
 * organization variables).
 */
export interface DeliveryTarget {
  readonly environment: Environment;
  /** GitHub environment of the deploy jobs in the application repository. */
  readonly environmentName: string;
  /** The workflow file in the application repository. */
  readonly workflowPath: string;
  /** The branch the workflow is proposed from. */
  readonly workflowBranch: string;
  /** The workflow's display name. */
  readonly workflowName: string;
  /** repository: Actions repository variables and secrets; environment: scoped to environmentName. */
  readonly variableScope: "repository" | "environment";
  readonly variables: { readonly role: string; readonly registry: string; readonly region: string };
  /** The Actions secret name a configured secret gets (delivery.actionsSecrets). */
  secretName(name: string): string;
  /** The OIDC sub claims the deploy role trusts. */
  subjects(owner: string, repository: string): string[];
}

export const STAGING_DELIVERY = {
  environmentName: "staging",
  workflowPath: ".github/workflows/deploy-staging.yml",
  workflowBranch: "restartix-infra/deploy-workflow-staging",
  prefix: "STAGING_",
} as const;

/** The sub claim GitHub issues to a job that names a deployment environment. */
const environmentSubject = (owner: string, repository: string, environment: string): string =>
  `repo:${owner}/${repository}:environment:${environment}`;

/** Where the application deploy of this environment lives (see DeliveryTarget). */
export function deliveryTarget(environment: Environment, delivery: DeliveryConfig): DeliveryTarget {
  if (environment === "staging") {
    const p = STAGING_DELIVERY.prefix;
    return {
      environment,
      environmentName: STAGING_DELIVERY.environmentName,
      workflowPath: STAGING_DELIVERY.workflowPath,
      workflowBranch: STAGING_DELIVERY.workflowBranch,
      workflowName: "Build and deploy (staging)",
      variableScope: "environment",
      variables: { role: `${p}AWS_DEPLOY_ROLE_ARN`, registry: `${p}ECR_REGISTRY`, region: `${p}AWS_REGION` },
      secretName: (name) => `${p}${name}`,
      // The environment only: every job of the generated workflow names it. No branch subject, so no
      // job of production's environment, and no job outside an environment, can assume staging's role.
      subjects: (owner, repository) => [environmentSubject(owner, repository, STAGING_DELIVERY.environmentName)],
    };
  }
  return {
    environment,
    environmentName: delivery.environmentName,
    workflowPath: delivery.workflowPath,
    workflowBranch: WORKFLOW_BRANCH,
    workflowName: "Build and deploy",
    variableScope: "repository",
    variables: { role: "AWS_DEPLOY_ROLE_ARN", registry: "ECR_REGISTRY", region: "AWS_REGION" },
    secretName: (name) => name,
    // As deployed since phase 1: the deploy branch and the production environment.
    subjects: (owner, repository) => [
      `repo:${owner}/${repository}:ref:refs/heads/${delivery.branch}`,
      environmentSubject(owner, repository, delivery.environmentName),
    ],
  };
}
