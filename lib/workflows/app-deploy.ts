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

/** One region's ECS clusters that may run images built here (fixed names: adding a tenant changes none). */
export interface AppDeployEcsRegion {
  readonly region: string;
  /** The shared tier's cluster (primary region) and the cells' cluster (stacks/ecs-deploy-targets.ts). */
  readonly clusters: readonly string[];
}

/**
 * Fargate has no auto-deploy on push: the workflow rolls the services after the pushes, every
 * region's (the shared tier, tenants, shards), a region other than the registry's once ECR
 * replication delivered the commit's images there. The services are found at run time, not
 * listed: every ACTIVE service on these clusters whose task definition runs an image built here.
 */
export interface AppDeployEcs {
  readonly regions: readonly AppDeployEcsRegion[];
}

export interface AppDeployInput {
  /**
   * The workflow's display name (staging's copy says so: both files run in the same repository).
   * @default "Build and deploy"
   */
  readonly name?: string;
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
    name: input.name ?? "Build and deploy",
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

/** Bounded waits of the ECS roll-out (seconds). */
const ECS_WAITS = { replicationSeconds: 600, steadyStateSeconds: 1800, pollSeconds: 15 } as const;

function ecsRollout(input: AppDeployInput, ecs: AppDeployEcs, credentials: object, onBranch: string): object {
  const repos = input.services.map((s) => s.name);
  const env = { REGISTRY: vars(input.registryVariable), IMAGE_TAG: "${{ github.sha }}", HOME_REGION: vars(input.regionVariable) };
  const polls = Math.ceil(ECS_WAITS.replicationSeconds / 10);
  return {
    name: "Roll out ECS services",
    needs: input.services.map((s) => `deploy-${s.key}`),
    "runs-on": "ubuntu-latest",
    // Replication (at most 10 minutes per region), the roll-out itself, then at most 30 minutes
    // for every deployment to reach steady state.
    "timeout-minutes": 60,
    if: onBranch,
    environment: input.environment,
    steps: [
      credentials,
      { name: "Start the roll-out record", run: ": > rollouts\n" },
      ...ecs.regions.map((r) => ({
        name: `Deploy the commit's image to every service running it in ${r.region}`,
        env: { ...env },
        run: [
          `region=${r.region}`,
          'registry="${REGISTRY%%.*}.dkr.ecr.$region.amazonaws.com"',
          'if [ "$region" != "$HOME_REGION" ]; then',
          "  # ECR replication copies each pushed tag within minutes; no task definition names it before it is here.",
          `  for repo in ${repos.join(" ")}; do`,
          "    n=0",
          '    until aws ecr describe-images --region "$region" --repository-name "$repo" --image-ids imageTag="$IMAGE_TAG" >/dev/null 2>&1; do',
          "      n=$((n + 1))",
          `      if [ "$n" -ge ${polls} ]; then echo "::error::$repo:$IMAGE_TAG has not reached $region after ${ECS_WAITS.replicationSeconds / 60} minutes (ECR replication)"; exit 1; fi`,
          "      sleep 10",
          "    done",
          "  done",
          "fi",
          `for cluster in ${r.clusters.join(" ")}; do`,
          "  # A cluster whose stack is not applied yet (the cells' before the first cell) has nothing to roll.",
          `  active=$(aws ecs describe-clusters --region "$region" --clusters "$cluster" --query "length(clusters[?status=='ACTIVE'])" --output text)`,
          '  if [ "$active" != 1 ]; then echo "::notice::no cluster $cluster in $region: nothing to roll there"; continue; fi',
          "  # The services are discovered, not listed, so adding a tenant never changes this workflow:",
          "  # every service on the cluster, page by page,",
          "  : > arns",
          '  token=""',
          "  while :; do",
          '    aws ecs list-services --region "$region" --cluster "$cluster" --max-items 100 ${token:+--starting-token "$token"} --output json > page.json',
          "    jq -r '.serviceArns[]' page.json >> arns",
          "    token=$(jq -r '.NextToken // empty' page.json)",
          '    if [ -z "$token" ]; then break; fi',
          "  done",
          "  # then the ACTIVE ones (a DRAINING or INACTIVE service is being deleted) with their task",
          "  # definition, at most 10 a call (DescribeServices' limit).",
          "  : > services",
          "  xargs -r -n 10 < arns > batches",
          "  while read -r -a batch <&3; do",
          `    aws ecs describe-services --region "$region" --cluster "$cluster" --services "\${batch[@]}" --query "services[?status=='ACTIVE'].[serviceName, taskDefinition]" --output text >> services`,
          "  done 3< batches",
          "  while read -r service current <&3; do",
          "    # Only a service whose task definition runs an image of this repository's ECR repositories in",
          "    # this region (<registry>/<repo>:) is rolled; any other service on the cluster is left alone.",
          '    aws ecs describe-task-definition --region "$region" --task-definition "$current" --query taskDefinition > current.json',
          `    if ! jq -e --arg registry "$registry" --argjson repos '${JSON.stringify(repos)}' '[.containerDefinitions[].image as $i | $repos[] as $r | select($i | startswith("\\($registry)/\\($r):"))] | length > 0' current.json > /dev/null; then`,
          '      echo "$service ($cluster): runs no image built here, not rolled"',
          "      continue",
          "    fi",
          "    # A revision of the family's latest task definition (Terraform's newest settings) whose containers",
          "    # from this repository's images name the commit's tag; other images (the TLS sidecar) stay.",
          "    family=$(jq -r .family current.json)",
          '    aws ecs describe-task-definition --region "$region" --task-definition "$family" --query taskDefinition > task.json',
          `    jq --arg registry "$registry" --arg tag "$IMAGE_TAG" --argjson repos '${JSON.stringify(repos)}' '`,
          '      reduce $repos[] as $r (.; .containerDefinitions |= map(if (.image | startswith("\\($registry)/\\($r):")) then .image = "\\($registry)/\\($r):\\($tag)" else . end))',
          '      | if ([.containerDefinitions[].image | select(endswith(":" + $tag))] | length) == 0 then error("no container of \\(.family) runs an image built here") else . end',
          "      | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage}",
          "      | with_entries(select(.value != null))' task.json > next.json",
          '    revision=$(aws ecs register-task-definition --region "$region" --cli-input-json file://next.json --query taskDefinition.taskDefinitionArn --output text)',
          '    aws ecs update-service --region "$region" --cluster "$cluster" --service "$service" --task-definition "$revision" --query service.serviceName --output text',
          '    echo "$region $cluster $service $revision" >> rollouts',
          "  done 3< services",
          "done",
          "",
        ].join("\n"),
      })),
      {
        name: "Wait for steady state; fail on a circuit-breaker rollback",
        // `aws ecs wait services-stable` also returns once a rolled-back service is stable again:
        // only the new deployment's rolloutState says the commit arrived.
        run: [
          `deadline=$((SECONDS + ${ECS_WAITS.steadyStateSeconds}))`,
          "failed=0",
          "cp rollouts pending",
          "while [ -s pending ]; do",
          "  : > still",
          // The loop reads the record on stdin: aws gets /dev/null so it can never eat the rest.
          "  while read -r region cluster service revision; do",
          `    read -r primary state <<< "$(aws ecs describe-services --region "$region" --cluster "$cluster" --services "$service" --query "services[0].deployments[?status=='PRIMARY'] | [0].[taskDefinition, rolloutState]" --output text < /dev/null)"`,
          '    if [ "$primary" != "$revision" ]; then echo "::error::$service ($region): rolled back by the deployment circuit breaker (now on $primary)"; failed=1',
          '    elif [ "$state" = COMPLETED ]; then echo "$service ($region): deployed $revision"',
          '    elif [ "$state" = FAILED ]; then echo "::error::$service ($region): deployment of $revision failed (circuit breaker)"; failed=1',
          '    else echo "$region $cluster $service $revision" >> still; fi',
          "  done < pending",
          "  mv still pending",
          '  if [ -s pending ] && [ "$SECONDS" -ge "$deadline" ]; then',
          `    echo "::error::not at steady state after ${ECS_WAITS.steadyStateSeconds / 60} minutes: $(cut -d' ' -f3 pending | tr '\\n' ' ')"`,
          "    exit 1",
          "  fi",
          `  if [ -s pending ]; then sleep ${ECS_WAITS.pollSeconds}; fi`,
          "done",
          'exit "$failed"',
          "",
        ].join("\n"),
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
    ? `then registers a task definition revision with that image for every ACTIVE ECS service running an image built here, found at run time on ${input.ecs.regions.map((r) => `${r.clusters.join(" and ")} in ${r.region}`).join(", ")}, and waits until each reached steady state`
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
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

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
  for (const [field, value] of [
    ["roleVariable", input.roleVariable],
    ["registryVariable", input.registryVariable],
    ["regionVariable", input.regionVariable],
  ] as const) {
    check(VARIABLE.test(value), field, value, "use an Actions variable name (A-Z, 0-9, _; not GITHUB_)");
  }
  check(/^[A-Za-z0-9._/-]+$/.test(input.branch), "branch", input.branch, "use a branch name without spaces or quotes");
  check(/^[A-Za-z0-9._-]+$/.test(input.environment), "environment", input.environment, "use an environment name without spaces");
  if (input.name !== undefined)
    check(/^[A-Za-z0-9 ()._-]+$/.test(input.name), "name", input.name, "use letters, digits, spaces and ( ) . _ - only");
  (input.appRunnerRegions ?? []).forEach((r, i) =>
    check(REGION.test(r), `appRunnerRegions[${i}]`, r, "use an AWS region name (eu-central-1)"),
  );
  if (input.ecs) {
    check(
      input.ecs.regions.some((r) => r.clusters.length > 0),
      "ecs.regions",
      input.ecs.regions,
      "list the ECS clusters to search, or leave ecs out for App Runner",
    );
    input.ecs.regions.forEach((r, i) => {
      check(REGION.test(r.region), `ecs.regions[${i}].region`, r.region, "use an AWS region name (eu-central-1)");
      r.clusters.forEach((c, j) =>
        check(/^[A-Za-z0-9_-]+$/.test(c), `ecs.regions[${i}].clusters[${j}]`, c, "use an ECS cluster name (letters, digits, _ -)"),
      );
    });
  }
  if (problems.length) throw new Error(`appDeployWorkflow: invalid input:\n  ${problems.join("\n  ")}`);
}
