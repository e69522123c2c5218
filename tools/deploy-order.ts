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
 *   4. services    everything (the foundation stacks plan to no changes)
 *
 * Each command names its whole dependency closure, the only selection cdktf-cli 0.21 accepts
 * without --ignore-missing-stack-dependencies.
 */
export interface DeployStep {
  readonly key: "bootstrap" | "foundation" | "manual" | "services";
  readonly title: string;
  /** Stacks this step applies (empty for the manual step). */
  readonly stacks: readonly string[];
  /** The command, or the things to do by hand. */
  readonly command?: string;
  readonly notes: readonly string[];
}

/** Resource types that start containers from an image (and read secret values when they do). */
export const SERVICE_TYPES: readonly string[] = ["aws_apprunner_service", "aws_ecs_service"];

export function runsServices(stack: SynthStack): boolean {
  return SERVICE_TYPES.some((t) => Object.keys(stack.json.resource?.[t] ?? {}).length > 0);
}

export function firstDeploySteps(stacks: readonly SynthStack[], options: { prefix?: string } = {}): DeployStep[] {
  const prefix = options.prefix;
  const servicesAndDependants = dependantClosure(
    stacks,
    stacks.filter(runsServices).map((s) => s.name),
  );
  const automated = stacks.filter((s) => !MANUAL_STACKS.includes(s.name)).map((s) => s.name);
  const foundation = inDeployOrder(stacks, automated.filter((n) => !servicesAndDependants.has(n)));
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
