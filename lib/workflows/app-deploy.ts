import { Document, isPair, isScalar, visit } from "yaml";

/**
 * Tag of the first image of each repository: the one tag Terraform names, so a service (or task
 * definition) can be created before any deploy ran. Every deploy then names its commit's tag.
 */
export const BOOTSTRAP_TAG = "bootstrap";

/** One service image the application repository builds. */
export interface AppDeployService {
  /** Job id suffix (deploy-<key>): core, telemetry. */
  readonly key: string;
  /** Service name, also the ECR repository name (restartix-core-api). */
  readonly name: string;
  /** Dockerfile at the application repository's root (Dockerfile.api). */
  readonly dockerfile: string;
}

/** Fargate has no auto-deploy on push: the workflow rolls these services after the pushes. */
export interface AppDeployEcs {
  readonly cluster: string;
  readonly services: readonly { readonly name: string }[];
}

export interface AppDeployInput {
  /** AWS region of the registry and services; documented in the header (the value comes from vars). */
  readonly region: string;
  /** Branch whose pushes deploy (main). */
  readonly branch: string;
  /** GitHub environment of the deploy jobs: the deploy role trusts its OIDC sub claim only. */
  readonly environment: string;
  /** Actions variable holding the deploy role ARN (AWS_DEPLOY_ROLE_ARN). */
  readonly roleVariable: string;
  /** Actions variable holding the registry host <account>.dkr.ecr.<region>.amazonaws.com (ECR_REGISTRY). */
  readonly registryVariable: string;
  /** Actions variable holding the region (AWS_REGION). */
  readonly regionVariable: string;
  readonly services: readonly AppDeployService[];
  /**
   * App Runner: the regions whose services run these images (phase 4: both; a region other than
   * the registry's pulls the ECR-replicated copy). Every service there whose image comes from a
   * repository built here moves to the commit's tag.
   * @default - the workflow's region when `ecs` is not set; no App Runner rollout when it is
   */
  readonly appRunnerRegions?: readonly string[];
  /** @default - App Runner: the services are moved to the commit's tag */
  readonly ecs?: AppDeployEcs;
}

// Pinned by commit SHA (a tag can be moved); the version is in the comment written beside each
// `uses:` line. The SHAs are the tags' commits in the actions' repositories; Dependabot moves them.
const ACTIONS = {
  checkout: "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  credentials: "aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c # v6.2.3",
  ecrLogin: "aws-actions/amazon-ecr-login@03f1aad4c6c7ffd436567f42f9384779290529bd # v2.1.7",
} as const;

/**
 * The application repository's .github/workflows/deploy.yml: the document's pipeline (build, push
 * to ECR, deploy), with OIDC instead of stored access keys, immutable commit tags instead of
 * `latest` (App Runner: update-service per service; Fargate: a task definition revision per
 * service), one job per service.
 */
export function appDeployWorkflow(input: AppDeployInput): string {
  validate(input);
  // A fresh object per use: a shared one would be written as a YAML anchor and alias.
  const credentials = () => ({
    name: "Configure AWS credentials (OIDC, no stored keys)",
    uses: ACTIONS.credentials,
    with: { "role-to-assume": vars(input.roleVariable), "aws-region": vars(input.regionVariable) },
  });
  // workflow_dispatch can start from any branch; only the deploy branch may reach production.
  const onBranch = `github.ref == 'refs/heads/${input.branch}'`;
  const jobs: Record<string, unknown> = {};
  for (const s of input.services) {
    jobs[`deploy-${s.key}`] = {
      name: `Build and push ${s.name}`,
      "runs-on": "ubuntu-latest",
      "timeout-minutes": 30,
      if: onBranch,
      environment: input.environment,
      steps: [
        { uses: ACTIONS.checkout, with: { "persist-credentials": false } },
        credentials(),
        { name: "Log in to ECR", uses: ACTIONS.ecrLogin },
        {
          name: `Build and push ${s.name}`,
          // Expressions reach the script through env only, never spliced into the shell text.
          env: { REGISTRY: vars(input.registryVariable), IMAGE_TAG: "${{ github.sha }}" },
          // Tags are immutable: each commit pushes its own; the very first image is also the
          // bootstrap tag Terraform creates the services with.
          run: [
            `docker build -f ${s.dockerfile} -t "$REGISTRY/${s.name}:$IMAGE_TAG" .`,
            `docker push "$REGISTRY/${s.name}:$IMAGE_TAG"`,
            `if ! aws ecr describe-images --repository-name ${s.name} --image-ids imageTag=${BOOTSTRAP_TAG} >/dev/null 2>&1; then`,
            `  docker tag "$REGISTRY/${s.name}:$IMAGE_TAG" "$REGISTRY/${s.name}:${BOOTSTRAP_TAG}"`,
            `  docker push "$REGISTRY/${s.name}:${BOOTSTRAP_TAG}"`,
            "fi",
            "",
          ].join("\n"),
        },
        // App Runner services (the engine, or the standby during a migration, or tenants and shards).
        ...(input.appRunnerRegions || !input.ecs ? [appRunnerRollout(input, s)] : []),
      ],
    };
  }
  if (input.ecs) jobs["roll-out"] = ecsRollout(input, input.ecs, credentials(), onBranch);

  const doc = new Document({
    name: "Build and deploy",
    on: { push: { branches: [input.branch] }, workflow_dispatch: {} },
    // The id token is what the deploy role trusts; nothing here writes to the repository.
    permissions: { "id-token": "write", contents: "read" },
    // Two pushes in a row queue instead of racing; a running deploy is never cancelled half-pushed.
    concurrency: { group: `deploy-${input.environment}`, "cancel-in-progress": false },
    jobs,
  });
  doc.commentBefore = header(input);
  // `uses: owner/action@<sha> # vX.Y.Z`: the version goes into a YAML comment, not the value.
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== "uses" || !isScalar(pair.value)) return;
      const [ref, version] = String(pair.value.value).split(" # ");
      if (version) {
        pair.value.value = ref;
        pair.value.comment = ` ${version}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function ecsRollout(input: AppDeployInput, ecs: AppDeployEcs, credentials: object, onBranch: string): object {
  const names = ecs.services.map((s) => s.name);
  return {
    name: "Roll out ECS services",
    needs: input.services.map((s) => `deploy-${s.key}`),
    "runs-on": "ubuntu-latest",
    // services-stable gives up after 10 minutes (40 polls, 15 s apart) and fails the job.
    "timeout-minutes": 20,
    if: onBranch,
    environment: input.environment,
    steps: [
      credentials,
      ...names.map((name) => ({
        name: `Deploy ${name} at the commit's image`,
        env: { REGISTRY: vars(input.registryVariable), IMAGE_TAG: "${{ github.sha }}" },
        // A new revision of the family's latest task definition (Terraform's newest settings) with
        // the commit's immutable image; Terraform ignores the service's revision afterwards.
        run: [
          `aws ecs describe-task-definition --task-definition ${name} --query taskDefinition > task.json`,
          `jq --arg image "$REGISTRY/${name}:$IMAGE_TAG" --arg name ${name} \\`,
          `  '.containerDefinitions |= map(if .name == $name then .image = $image else . end)`,
          `   | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, requiresCompatibilities, cpu, memory, runtimePlatform}' \\`,
          "  task.json > next.json",
          "revision=$(aws ecs register-task-definition --cli-input-json file://next.json --query taskDefinition.taskDefinitionArn --output text)",
          `aws ecs update-service --cluster ${ecs.cluster} --service ${name} --task-definition "$revision" --query service.serviceName --output text`,
          "",
        ].join("\n"),
      })),
      {
        name: "Wait until the services are stable",
        run: `aws ecs wait services-stable --cluster ${ecs.cluster} --services ${names.join(" ")}\n`,
      },
    ],
  };
}

/**
 * Moves every App Runner service that runs `s`'s repository (the shared service, tenants and
 * shards, in every region) to the commit's tag: describe-service's own source configuration with
 * the image replaced (UpdateService takes the whole structure), then waits for each operation.
 */
function appRunnerRollout(input: AppDeployInput, s: AppDeployService): object {
  const regions = input.appRunnerRegions ?? [input.region];
  return {
    name: `Deploy every App Runner service of ${s.name} at the commit's image`,
    env: { REGISTRY: vars(input.registryVariable), IMAGE_TAG: "${{ github.sha }}", HOME_REGION: vars(input.regionVariable) },
    run: [
      'account="${REGISTRY%%.*}"',
      ": > rollouts",
      `for region in ${regions.join(" ")}; do`,
      `  registry="$account.dkr.ecr.$region.amazonaws.com"`,
      '  if [ "$region" != "$HOME_REGION" ]; then',
      "    # ECR replication copies the image within minutes; wait for it before pointing services at it.",
      `    for _ in $(seq 1 60); do aws ecr describe-images --region "$region" --repository-name ${s.name} --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1 && break; sleep 10; done`,
      "  fi",
      `  for arn in $(aws apprunner list-services --region "$region" --query 'ServiceSummaryList[].ServiceArn' --output text); do`,
      `    aws apprunner describe-service --region "$region" --service-arn "$arn" --query Service.SourceConfiguration --output json > source.json`,
      `    case "$(jq -r '.ImageRepository.ImageIdentifier // ""' source.json)" in "$registry/${s.name}:"*) ;; *) continue ;; esac`,
      `    jq --arg image "$registry/${s.name}:$IMAGE_TAG" '.ImageRepository.ImageIdentifier = $image' source.json > next.json`,
      `    aws apprunner update-service --region "$region" --service-arn "$arn" --source-configuration file://next.json --query OperationId --output text`,
      '    echo "$region $arn" >> rollouts',
      "  done",
      "done",
      "# App Runner deploys in the background: wait for every operation, fail on any rollback.",
      "while read -r region arn; do",
      "  for _ in $(seq 1 120); do",
      `    status=$(aws apprunner list-operations --region "$region" --service-arn "$arn" --max-results 1 --query 'OperationSummaryList[0].Status' --output text)`,
      '    case "$status" in SUCCEEDED) echo "$arn: deployed"; break ;; PENDING|IN_PROGRESS) sleep 10 ;; *) echo "$arn: $status"; exit 1 ;; esac',
      "  done",
      '  [ "$status" = SUCCEEDED ] || { echo "$arn: still $status after 20 minutes"; exit 1; }',
      "done < rollouts",
      "",
    ].join("\n"),
  };
}

const vars = (name: string) => `\${{ vars.${name} }}`;

function header(input: AppDeployInput): string {
  const deploys = input.ecs
    ? `then registers a task definition revision with that image and rolls ECS cluster ${input.ecs.cluster}`
    : "then moves every App Runner service running that image to it";
  return [
    " Generated by the infrastructure repository (lib/workflows/app-deploy.ts): edit it there, not here.",
    ` On push to ${input.branch}: builds each service image, pushes it to ECR under its commit sha (tags are immutable), ${deploys}.`,
    ` Actions variables it reads (set by the infrastructure): ${input.roleVariable}, ${input.registryVariable}, ${input.regionVariable} (${input.region}).`,
    ` AWS access is OIDC only: the deploy role trusts the "${input.environment}" environment of this repository.`,
  ].join("\n");
}

// Values land in shell scripts literally, so they must be plain names (validated, not quoted).
const NAME = /^[a-z0-9][a-z0-9._/-]*$/;
const DOCKERFILE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const KEY = /^[a-z][a-z0-9-]*$/;
const VARIABLE = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/;

function validate(input: AppDeployInput): void {
  const problems: string[] = [];
  const check = (ok: boolean, field: string, value: unknown, fix: string) => {
    if (!ok) problems.push(`${field} = ${JSON.stringify(value)}: ${fix}`);
  };
  check(input.services.length > 0, "services", input.services, "list at least one service");
  const keys = input.services.map((s) => s.key);
  check(new Set(keys).size === keys.length, "services[].key", keys, "keys name the jobs and must be unique");
  input.services.forEach((s, i) => {
    check(KEY.test(s.key), `services[${i}].key`, s.key, "use lowercase letters, digits and dashes");
    check(NAME.test(s.name), `services[${i}].name`, s.name, "use an ECR repository name (lowercase, digits, . _ / -)");
    check(DOCKERFILE.test(s.dockerfile), `services[${i}].dockerfile`, s.dockerfile, "use a relative path without spaces or quotes");
  });
  for (const [field, value] of [["roleVariable", input.roleVariable], ["registryVariable", input.registryVariable], ["regionVariable", input.regionVariable]] as const) {
    check(VARIABLE.test(value), field, value, "use an Actions variable name (A-Z, 0-9, _; not GITHUB_)");
  }
  check(/^[A-Za-z0-9._/-]+$/.test(input.branch), "branch", input.branch, "use a branch name without spaces or quotes");
  check(/^[A-Za-z0-9._-]+$/.test(input.environment), "environment", input.environment, "use an environment name without spaces");
  (input.appRunnerRegions ?? []).forEach((r, i) => check(/^[a-z]{2}(-[a-z]+)+-\d$/.test(r), `appRunnerRegions[${i}]`, r, "use an AWS region name (eu-central-1)"));
  if (input.ecs) {
    check(/^[A-Za-z0-9_-]+$/.test(input.ecs.cluster), "ecs.cluster", input.ecs.cluster, "use an ECS cluster name");
    check(input.ecs.services.length > 0, "ecs.services", input.ecs.services, "list the ECS services to roll, or leave ecs out for App Runner");
    input.ecs.services.forEach((s, i) => check(/^[A-Za-z0-9_-]+$/.test(s.name), `ecs.services[${i}].name`, s.name, "use an ECS service name (letters, digits, _ -)"));
  }
  if (problems.length) throw new Error(`appDeployWorkflow: invalid input:\n  ${problems.join("\n  ")}`);
}
