import * as path from "path";
import { COMPUTE_DEFAULT_REASON, ROOT } from "../config/deployment";
import { ComputeEngine } from "../phases/types";
import { optionsFrom } from "../config/settings";
import { CommandSpec, ParsedCommand, runCommand, SYNTH_FLAGS } from "../tools/cli";
import { estimateMonthlyCost } from "../tools/cost/estimate";
import { dependencyOrder, providersOf, resourceCount, synthesize } from "../tools/synth";
import { table } from "../lib/table";
import { policyRunOf } from "../policy";
import { deploymentWarnings } from "../tools/discover/warnings";

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export const spec: CommandSpec = {
  name: "start",
  summary: "Synthesize the deployment's phase into cdktf.out, then print a summary: stacks, resources, policy findings, monthly cost.",
  usage: [
    "[--phase N] [--compute apprunner|fargate] [--environment production|staging] [--backend s3|cloud|local] [--vars FILE] [--tenants FILE]",
  ],
  flags: SYNTH_FLAGS,
  epilog: ["npm start -- --phase 2 (npm start passes flags after --, like every npm script)."],
};

/** Why this engine: Fargate is the default since App Runner closed to new customers; App Runner stays for accounts that run it. */
export function engineNotice(compute: ComputeEngine): string {
  return compute === "fargate"
    ? `Engine: Fargate (the default). ${COMPUTE_DEFAULT_REASON[0].toUpperCase()}${COMPUTE_DEFAULT_REASON.slice(1)}.`
    : 'Engine: App Runner (compute = "apprunner"), kept for accounts that already run App Runner; AWS App Runner accepts no new customers since 2026-04-30, and a new account uses compute = "fargate" (the default).';
}

/** npm start: synthesize the default phase into cdktf.out, then a compact summary. */
export function main({ flags }: ParsedCommand): void {
  const outdir = path.join(ROOT, "cdktf.out");
  const result = synthesize(optionsFrom(flags, process.env), outdir);
  const { settings } = result;
  const cost = estimateMonthlyCost(result.stacks, settings);
  const costOf = new Map(cost.byStack.map((s) => [s.stack, s.totalMonthlyUsd]));
  const findings = policyRunOf(result.app)?.findings ?? [];
  const findingsOf = (stack?: string) => {
    const f = findings.filter((x) => stack === undefined || x.stack === stack);
    const open = f.filter((x) => !x.suppressed);
    const errors = open.filter((x) => x.level === "error").length;
    return `${errors}E ${open.length - errors}W ${f.length - open.length}S`;
  };
  const rows = dependencyOrder(result.stacks).map((s) => [
    s.name,
    providersOf(s).join("+"),
    String(resourceCount(s)),
    findingsOf(s.name),
    costOf.has(s.name) ? usd(costOf.get(s.name)!) : "-",
  ]);
  const total = result.stacks.reduce((n, s) => n + resourceCount(s), 0);
  console.log(
    `Synthesized phase ${settings.phase.phase} (${settings.deployment.compute}, backend ${settings.deployment.backend}) into ${path.relative(process.cwd(), outdir) || "."}/stacks/<stack>/cdk.tf.json`,
  );
  console.log(engineNotice(settings.deployment.compute));
  if (settings.usingExampleInputs) console.log("Inputs: terraform.tfvars.example (copy it to deployment.tfvars before deploying)");
  for (const warning of deploymentWarnings(settings.deployment)) console.log(`Warning: ${warning}`);
  console.log("");
  console.log(
    table(
      ["stack", "providers", "resources", "policy", "AWS $/month"],
      [...rows, ["total", "", String(total), findingsOf(), usd(cost.totalMonthlyUsd)]],
      [false, false, true, true, true],
    ),
  );
  console.log(
    "\nPolicy: unsuppressed errors (E, none or the synth fails), warnings (W), suppressed with a reason (S): npm run check -- --phase N",
  );
  console.log(
    "Cost: list prices of pricing/aws-prices.json and the usage of phases/usage.ts (npm run cost -- --phase N explains each line).",
  );
}

if (require.main === module) runCommand(spec, main);
