import * as path from "path";
import { ROOT } from "../config/deployment";
import { Settings } from "../config/settings";
import { BOOTSTRAP_TAG } from "../lib/workflows/app-deploy";
import { clusterNameOf } from "../lib/naming";
import { contentTag } from "../lib/image-tag";
import { ComputeEngine } from "../phases/types";
import { SynthStack } from "./synth";
import { dependantClosure, deployCommand, deployWaves, inDeployOrder, MANUAL_STACKS } from "./waves";

/**
 * The first deploy of a phase as steps cdktf accepts. Two things cannot come from Terraform and
 * must happen between applies: the first container images (App Runner and ECS cannot start a service
 * whose image does not exist) and the secret values (App Runner fails a deployment whose secret has
 * no value). So the stacks split at the services:
 *
 *   1. bootstrap   the state bucket, local state, by hand once
 *   2. foundation  every stack that neither runs a service nor depends on one (the secrets exist
 *                  after this step, empty; the GitHub side is in place, so the app can build images)
 *   3. by hand     run the application's deploy workflow once; set every secret value
 *   4. images      by hand, commands printed: the backup/rotation image (its content tag), and in
 *                  every region other than the primary a runnable image in each service repository
 *                  (ECR replication copies only images pushed after its rule exists: an upgrade
 *                  from phase 3 creates the us-east-1 repositories and the rule in step 2, while
 *                  the images it runs were pushed long before)
 *   5. services    everything (the foundation stacks plan to no changes)
 *
 * Each command names its whole dependency closure, the only selection cdktf-cli 0.21 accepts
 * without --ignore-missing-stack-dependencies.
 */
export interface DeployStep {
  readonly key: "bootstrap" | "foundation" | "manual" | "images" | "services";
  readonly title: string;
  /** Stacks this step applies (empty for the manual step). */
  readonly stacks: readonly string[];
  /** The cdktf command of the step. @default - none: a step run by hand (`commands`) */
  readonly command?: string;
  /** Shell commands to run by hand, in order (the images step). @default - none: a cdktf step (`command`) */
  readonly commands?: readonly string[];
  readonly notes: readonly string[];
}

/** Resource types that start containers from an image (and read secret values when they do). */
const SERVICE_TYPES: readonly string[] = ["aws_apprunner_service", "aws_ecs_service"];

export function runsServices(stack: SynthStack): boolean {
  return SERVICE_TYPES.some((t) => Object.keys(stack.json.resource?.[t] ?? {}).length > 0);
}

/** What the images step needs to know: where the images live and which ones the first tasks name. */
export interface DeployImages {
  readonly accountId: string;
  readonly primaryRegion: string;
  /** Regions whose repositories ECR replication fills (phase 4: us-east-1). */
  readonly otherRegions: readonly string[];
  /** The primary region's engine: where the image the shared tier runs now is read from. */
  readonly engine: ComputeEngine;
  /** The primary region's ECS cluster (Fargate). */
  readonly cluster: string;
  /** The service repositories, also the shared tier's service names (restartix-core-api). */
  readonly services: readonly string[];
  /** The backup and rotation image: repository, content tag (lib/image-tag.ts) and build context. */
  readonly backupJob: { readonly repository: string; readonly tag: string; readonly context: string };
}

export function deployImages(settings: Settings): DeployImages {
  const { phase, deployment } = settings;
  const primary = phase.regions.find((r) => r.primary)!;
  return {
    accountId: deployment.accountId,
    primaryRegion: primary.region,
    otherRegions: phase.regions.filter((r) => !r.primary).map((r) => r.region),
    engine: deployment.compute,
    cluster: clusterNameOf(phase, primary),
    services: Object.values(phase.services).map((s) => s.name),
    backupJob: { repository: phase.backups.jobRepository, tag: contentTag(path.join(ROOT, "backup")), context: "backup" },
  };
}

const registryOf = (accountId: string, region: string) => `${accountId}.dkr.ecr.${region}.amazonaws.com`;

/**
 * The images step's commands. Every command is idempotent (it checks the tag first): tags are
 * IMMUTABLE, so a second push of a tag fails, and on a fresh phase 4 deploy replication has already
 * delivered the workflow's first pushes (made after the rule existed) and nothing is copied.
 */
export function imageCommands(images: DeployImages): string[] {
  const home = registryOf(images.accountId, images.primaryRegion);
  const login = (region: string) =>
    `aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${registryOf(images.accountId, region)}`;
  const b = images.backupJob;
  const backupImage = `${home}/${b.repository}:${b.tag}`;
  const lines = [
    "# The backup and rotation image, under the content tag its task definitions name (scheduled tasks would fail without it).",
    login(images.primaryRegion),
    `aws ecr describe-images --region ${images.primaryRegion} --repository-name ${b.repository} --image-ids imageTag=${b.tag} >/dev/null 2>&1 || { docker build --platform linux/amd64 -t ${backupImage} ${b.context} && docker push ${backupImage}; }`,
  ];
  for (const region of images.otherRegions) {
    const there = registryOf(images.accountId, region);
    lines.push(
      `# ${region}: the image the shared tier runs now becomes the ${BOOTSTRAP_TAG} tag there (the tag its services are created from); ECR replication copies only later pushes.`,
      login(region),
    );
    for (const repo of images.services) {
      // Where the image running now is read from: the primary region's shared service of this repository.
      const current =
        images.engine === "fargate"
          ? `aws ecs describe-task-definition --region ${images.primaryRegion} --task-definition "$(aws ecs describe-services --region ${images.primaryRegion} --cluster ${images.cluster} --services ${repo} --query 'services[0].taskDefinition' --output text)" --query "taskDefinition.containerDefinitions[?starts_with(image, '${home}/${repo}:')].image | [0]" --output text`
          : `aws apprunner describe-service --region ${images.primaryRegion} --service-arn "$(aws apprunner list-services --region ${images.primaryRegion} --query "ServiceSummaryList[?ServiceName=='${repo}'].ServiceArn | [0]" --output text)" --query Service.SourceConfiguration.ImageRepository.ImageIdentifier --output text`;
      lines.push(
        `if ! aws ecr describe-images --region ${region} --repository-name ${repo} --image-ids imageTag=${BOOTSTRAP_TAG} >/dev/null 2>&1; then`,
        `  src=$(${current}) || src=`,
        `  case "$src" in ${home}/${repo}:*) ;; *) src=${home}/${repo}:${BOOTSTRAP_TAG} ;; esac`,
        `  docker pull --platform linux/amd64 "$src" && docker tag "$src" ${there}/${repo}:${BOOTSTRAP_TAG} && docker push ${there}/${repo}:${BOOTSTRAP_TAG}`,
        "fi",
      );
    }
  }
  return lines;
}

export function firstDeploySteps(stacks: readonly SynthStack[], options: { prefix?: string; images?: DeployImages } = {}): DeployStep[] {
  const prefix = options.prefix;
  const servicesAndDependants = dependantClosure(
    stacks,
    stacks.filter(runsServices).map((s) => s.name),
  );
  const automated = stacks.filter((s) => !MANUAL_STACKS.includes(s.name)).map((s) => s.name);
  const foundation = inDeployOrder(
    stacks,
    automated.filter((n) => !servicesAndDependants.has(n)),
  );
  const everything = inDeployOrder(stacks, automated);
  const serviceStacks = inDeployOrder(stacks, [...servicesAndDependants]);
  const cmd = (names: readonly string[]) => deployCommand(stacks, names, { prefix });
  return [
    {
      key: "bootstrap",
      title: "Bootstrap the state bucket (local state, once)",
      stacks: MANUAL_STACKS.filter((n) => stacks.some((s) => s.name === n)),
      command: [prefix, "npx cdktf deploy bootstrap"].filter(Boolean).join(" "),
      notes: ["Keep terraform.bootstrap.tfstate safe: it is the only state outside the bucket."],
    },
    {
      key: "foundation",
      title: "Foundation: everything that runs no service",
      stacks: foundation,
      command: cmd(foundation),
      notes: ["Creates the secrets (empty), the registry, the GitHub OIDC role and the application repository's workflow pull request."],
    },
    {
      key: "manual",
      title: "By hand: first images and secret values",
      stacks: [],
      notes: [
        "Merge the workflow pull request in the application repository, then run its deploy workflow once: it pushes the first images.",
        "Set every secret value (docs/deploying.md, Secrets): a service cannot start with an empty secret.",
      ],
    },
    ...(options.images
      ? [
          {
            key: "images" as const,
            title: `Images every first task names${options.images.otherRegions.length ? `, in ${[options.images.primaryRegion, ...options.images.otherRegions].join(" and ")}` : ""}`,
            stacks: [],
            commands: imageCommands(options.images),
            notes: [
              "Run from the repository's root with Docker and AWS credentials of the account; each command checks the tag first and changes nothing when it exists.",
              ...(options.images.otherRegions.length
                ? [
                    `Upgrading from a phase without ${options.images.otherRegions.join(", ")}: step 2 created the repositories there and the replication rule, but ECR replication copies only images pushed after the rule exists; without this step the services there cannot start.`,
                    `Check: aws ecr describe-images --region ${options.images.otherRegions[0]} --repository-name ${options.images.services[0]} --image-ids imageTag=${BOOTSTRAP_TAG}`,
                  ]
                : []),
            ],
          },
        ]
      : []),
    {
      key: "services",
      title: `Services and what watches and routes them: ${serviceStacks.length <= 6 ? serviceStacks.join(", ") : `${serviceStacks.slice(0, 4).join(", ")} and ${serviceStacks.length - 4} more`}`,
      stacks: everything,
      command: cmd(serviceStacks),
      notes: ["Foundation stacks in this selection plan to no changes; cdktf needs them named."],
    },
  ];
}

/** Waves as text: one line per wave. */
export function wavesText(stacks: readonly SynthStack[]): string {
  return deployWaves(stacks)
    .map((w, i) => `wave ${i + 1}: ${w.map((s) => s.name).join(" ")}`)
    .join("\n");
}
